"""The ``ninety`` command line.

With no subcommand, or with a workspace path, it opens the app. Every other
command runs without importing Qt. A user's mistake prints one line to stderr
and exits 2; JSON keys are documented in the README and kept stable.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

EXIT_USAGE = 2
SUBCOMMANDS = ("demo", "summary", "plan", "check", "gui")


class UserError(Exception):
    """Something the user can fix: printed without a traceback, exit code 2."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ninety")
    except PackageNotFoundError:  # running from a source tree or a bundle
        return "0.1.0"


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of: {text!r} is not a date YYYY-MM-DD") from None


def _open(path: str, *, read_only: bool = True):
    from models.workspace import open_workspace

    return open_workspace(path, read_only=read_only)


def _open_for_reading(path: str):
    """Open read-only; a file on an older schema is migrated first (after a backup)."""
    from models.workspace import ReadOnlyError, open_workspace

    try:
        return open_workspace(path, read_only=True)
    except ReadOnlyError:
        open_workspace(path).close()
        return open_workspace(path, read_only=True)


def _print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


# --------------------------------------------------------------------------- commands

def cmd_demo(args) -> int:
    from models.demo import write_demo

    path = write_demo(args.path)
    print(f"wrote the demo workspace to {path}", file=sys.stderr)
    return 0


def cmd_summary(args) -> int:
    from models.plans import find_plan
    from models.summary import plan_summary

    as_of = _as_of(args.as_of)
    with _open_for_reading(args.path) as ws:
        plan = find_plan(ws, args.plan)
        data = plan_summary(ws, plan, as_of)
    if args.json:
        _print_json(data)
    else:
        print(f"{data['plan']}: day {data['day']} of {data['horizon_days']}, {data['days_left']} days left")
        print(f"status {data['rag'].upper()}: {data['rag_reason']}")
        for step in data["steps"]:
            print(f"  {step['name']:<24} {step['start']} → {step['end']}  "
                  f"{step['done']}/{step['milestones']} done, {step['overdue']} overdue")
    return 0


def cmd_plan_dump(args) -> int:
    from models.plans import find_plan
    from models.transfer import dump_plan

    with _open_for_reading(args.path) as ws:
        plan = find_plan(ws, args.plan)
        _print_json(dump_plan(ws, plan.id))
    return 0


def cmd_plan_load(args) -> int:
    from models.transfer import load_plan
    from models.workspace import create_workspace, open_workspace

    source = Path(args.file)
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{source}: not valid JSON ({exc})") from None
    target = Path(args.path)
    created = not target.exists()
    ws = create_workspace(target) if created else open_workspace(target)
    try:
        plan_id = load_plan(ws, doc, source=str(source), rename=args.rename)
    except Exception:
        ws.close()
        if created:  # all-or-nothing: do not leave an empty workspace behind
            for p in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                p.unlink(missing_ok=True)
        raise
    ws.close()
    print(f"loaded plan {plan_id} into {target}", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from models.workspace import inspect_file

    inspect_file(args.path)  # refuse a bad file before any window exists
    from desktop.app import run_check

    return run_check(args.path, timeout_s=args.timeout)


def cmd_gui(args) -> int:
    from desktop.app import run_gui

    return run_gui(args.path, read_only=args.read_only, demo=args.demo)


# --------------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ninety",
        description="Plan and evidence a 90-day operating-model transformation. "
                    "Without a command, opens the app (on PATH if given).",
    )
    parser.add_argument("--version", action="version", version=f"ninety {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the app (the default)")
    p.add_argument("path", nargs="?", help="workspace file (.ninety)")
    p.add_argument("--read-only", action="store_true", help="open without editing")
    p.add_argument("--demo", action="store_true",
                   help="open the demo workspace in the data folder (created on first use)")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", help="write the demo workspace to PATH")
    p.add_argument("path")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("summary", help="the plan's state (use --json for scripts)")
    p.add_argument("path")
    p.add_argument("--plan", help="plan name (needed when the workspace holds several)")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true", help="print JSON (keys documented in the README)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("plan", help="dump or load a whole plan as JSON")
    plan_sub = p.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    d = plan_sub.add_parser("dump", help="write the plan as JSON to stdout")
    d.add_argument("path")
    d.add_argument("--plan")
    d.set_defaults(func=cmd_plan_dump)
    ld = plan_sub.add_parser("load", help="add a plan from JSON to a workspace (created if missing)")
    ld.add_argument("path")
    ld.add_argument("file")
    ld.add_argument("--rename", help="store the plan under this name instead")
    ld.set_defaults(func=cmd_plan_load)

    p = sub.add_parser("check", help="open the main window on PATH, wait for the Overview, exit")
    p.add_argument("path")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait (default 60)")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `ninety` and `ninety PATH` open the app.
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    from models.plans import PlanError
    from models.workspace import WorkspaceError

    try:
        return args.func(args)
    except (UserError, WorkspaceError, PlanError) as exc:
        print(f"ninety: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
