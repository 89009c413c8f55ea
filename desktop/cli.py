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
SUBCOMMANDS = ("demo", "summary", "plan", "check", "gui", "export", "audit")


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
    from models.core.workspace import open_workspace

    return open_workspace(path, read_only=read_only)


def _open_for_reading(path: str):
    """Open read-only; a file on an older schema is migrated first (after a backup)."""
    from models.core.workspace import ReadOnlyError, open_workspace

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
    from desktop.features import FEATURES
    from models.plan.demo import write_demo

    path = write_demo(args.path, FEATURES)
    print(f"wrote the demo workspace to {path}", file=sys.stderr)
    return 0


def cmd_summary(args) -> int:
    from models.plan.service import find_plan
    from desktop.features import FEATURES
    from models.plan.summary import plan_summary

    as_of = _as_of(args.as_of)
    with _open_for_reading(args.path) as ws:
        plan = find_plan(ws, args.plan)
        data = plan_summary(ws, plan, as_of, FEATURES)
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
    from models.plan.service import find_plan
    from desktop.features import FEATURES
    from models.plan.transfer import dump_plan

    with _open_for_reading(args.path) as ws:
        plan = find_plan(ws, args.plan)
        _print_json(dump_plan(ws, plan.id, FEATURES))
    return 0


def cmd_plan_load(args) -> int:
    from desktop.features import FEATURES
    from models.plan.transfer import load_plan
    from models.core.workspace import create_workspace, open_workspace

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
        plan_id = load_plan(ws, doc, FEATURES, source=str(source), rename=args.rename)
    except Exception:
        ws.close()
        if created:  # all-or-nothing: do not leave an empty workspace behind
            for p in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                p.unlink(missing_ok=True)
        raise
    ws.close()
    print(f"loaded plan {plan_id} into {target}", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from desktop.features import FEATURES
    from models.export.pack import write_status_pack
    from models.plan.service import find_plan

    as_of = _as_of(args.as_of)
    sheets = [x.strip() for x in args.sheets.split(",") if x.strip()] if args.sheets else None
    with _open(args.path, read_only=False) as ws:
        plan = find_plan(ws, args.plan)
        info = write_status_pack(ws, plan, args.output, FEATURES, as_of=as_of, sheets=sheets, label=args.label or "")
    if args.json:
        _print_json({"path": info.path, "as_of": info.as_of.isoformat(), "sheets": list(info.sheets),
                     "label": info.label})
    else:
        print(f"wrote {info.path} ({', '.join(info.sheets)})", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from models.core.workspace import inspect_file

    inspect_file(args.path)  # refuse a bad file before any window exists
    from desktop.app import run_check

    return run_check(args.path, timeout_s=args.timeout)


def cmd_gui(args) -> int:
    from desktop.app import run_gui

    if len(args.path) > 1:
        print(f"ninety: opening {args.path[0]}; one workspace per window "
              f"(ignored: {', '.join(args.path[1:])})", file=sys.stderr)
    return run_gui(args.path[0] if args.path else None, read_only=args.read_only, demo=args.demo)


def _audit_mapping(pairs: list[str] | None) -> dict[str, str]:
    from models.audit import FIELDS

    mapping: dict[str, str] = {}
    for pair in pairs or ():
        field, sep, column = pair.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise UserError(f"--map: expected FIELD=COLUMN such as item=Key, not {pair!r}")
        if field not in FIELDS:
            raise UserError(f"--map: unknown field {field!r} (fields: {', '.join(FIELDS)})")
        mapping[field] = column.strip()
    return mapping


def _audit_zone(name: str | None):
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"--tz: unknown time zone {name!r} (use a name such as Europe/Paris)") from None


def _audit_as_of(text: str | None, tz):
    """A date (its midnight) or a datetime; naive = the plan's / computer's zone."""
    if text is None:
        return None
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--as-of: {text!r} is not a date or date-time (2026-03-16 or 2026-03-16T18:00)") from None
    if moment.tzinfo is None:
        moment = moment.astimezone() if tz is None else moment.replace(tzinfo=tz)
    return moment


def _print_audit_table(name: str, data: dict) -> None:
    def num(x, unit=""):
        return "-" if x is None else f"{x:.1f}{unit}"

    def pct(x):
        return "-" if x is None else f"{100 * x:.1f} %"

    flow = data["flow_time_days"]
    print(f"{name}: {data['items']} items, {data['completed']} completed, as of {data['as_of']}")
    print(f"flow time: median {num(flow['median'], ' d')}, p85 {num(flow['p85'], ' d')}; "
          f"flow efficiency {pct(data['flow_efficiency'])}")
    print(f"silo tax: {num(data['silo_tax']['days'], ' days')} waiting between departments "
          f"({pct(data['silo_tax']['share'])} of all active + queue time)")
    print()
    print(f"{'handoff':<36} {'items':>6} {'days':>9} {'median':>7} {'p85':>7}")
    for h in data["handoffs"]:
        print(f"{h['from'] + ' → ' + h['to']:<36} {h['items']:>6} {h['total_days']:>9.1f} "
              f"{h['median_days']:>7.1f} {h['p85_days']:>7.1f}")
    print()
    print(f"{'status':<24} {'kind':<7} {'items':>6} {'visits':>6} {'days':>9} {'median':>7} {'p85':>7}")
    for s in data["statuses"]:
        print(f"{s['status']:<24} {s['kind']:<7} {s['items']:>6} {s['visits']:>6} {s['total_days']:>9.1f} "
              f"{s['median_days']:>7.1f} {s['p85_days']:>7.1f}")


def cmd_audit(args) -> int:
    from models.audit import (
        LogError, analyse, check_statuses, preview, read_stage_map_csv, read_transitions,
    )

    if args.plan and not args.workspace:
        raise UserError("--plan needs --workspace")
    mapping = _audit_mapping(args.map)
    tz = _audit_zone(args.tz)
    ws = plan = None
    try:
        if args.workspace:
            from models.audit.store import plan_timezone
            from models.plan.service import find_plan

            ws = _open(args.workspace, read_only=False)
            plan = find_plan(ws, args.plan)
            if tz is None:
                tz = plan_timezone(ws, plan.id)
        as_of = _audit_as_of(args.as_of, tz)
        try:
            stages = read_stage_map_csv(args.stages)
            if mapping:  # columns not named on the command line are guessed
                found = preview(args.log, args.sheet)
                if found.format != "jira":
                    mapping = {**found.guessed_mapping, **mapping}
            transitions = read_transitions(args.log, mapping or None, args.date_format, args.sheet, tz)
            problems = check_statuses(transitions, stages, args.log)
            if problems:
                raise LogError(problems)
        except LogError as exc:
            n = len(exc.problems)
            print(f"ninety: {Path(args.log).name}: {n} problem{'s' if n != 1 else ''}"
                  f"{', nothing stored' if ws is not None else ''}", file=sys.stderr)
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        result = analyse(transitions, stages, as_of)
        if ws is not None:
            from models.audit.store import store_import

            settings = {"mapping": dict(transitions.columns), "date_format": args.date_format,
                        "sheet": args.sheet, "tz": args.tz}
            info, _ = store_import(ws, plan.id, stages, transitions, source=str(Path(args.log).resolve()),
                                   format=transitions.format or "csv", settings=settings)
            print(f"stored {info.row_count} transitions and {len(stages)} stages in plan {plan.name!r}",
                  file=sys.stderr)
    finally:
        if ws is not None:
            ws.close()
    data = result.to_json()
    if args.json:
        _print_json(data)
    else:
        _print_audit_table(Path(args.log).name, data)
    return 0


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
    p.add_argument("path", nargs="*", help="workspace file (.ninety); a desktop may pass several, "
                                           "the first is opened")
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

    p = sub.add_parser("export", help="write the Excel status pack for stakeholders")
    p.add_argument("path")
    p.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    p.add_argument("--plan")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
    p.add_argument("--label", help="confidentiality label printed in every page header")
    p.add_argument("--sheets", help="comma-separated sheet keys (default: every sheet with data)")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("audit", help="analyse a work-item log: waits per status and handoff, silo tax")
    p.add_argument("log", help="transition log: CSV, XLSX or a Jira search JSON (expand=changelog)")
    p.add_argument("--stages", required=True, help="stage map CSV with columns status,department,kind")
    p.add_argument("--as-of", help="date or date-time (a date means its midnight; default: the latest "
                                   "timestamp in the log)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="column for item, at, from, to, title or type (repeat; others are guessed)")
    p.add_argument("--date-format", help="strptime format such as %%d/%%m/%%Y %%H:%%M:%%S (default: detected)")
    p.add_argument("--sheet", help="worksheet of an .xlsx log (default: the first)")
    p.add_argument("--tz", help="time zone of timestamps without an offset (default: the plan's, "
                                "else the computer's)")
    p.add_argument("--json", action="store_true", help="print JSON (keys documented in the README)")
    p.add_argument("--workspace", help="also store the stage map and the log in this workspace")
    p.add_argument("--plan", help="plan to store into (needed when the workspace holds several)")
    p.set_defaults(func=cmd_audit)

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
    from models.plan.service import PlanError
    from models.core.workspace import WorkspaceError

    try:
        return args.func(args)
    except (UserError, WorkspaceError, PlanError) as exc:
        print(f"ninety: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
