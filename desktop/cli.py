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
SUBCOMMANDS = ("demo", "summary", "plan", "check", "gui", "export", "audit", "forecast", "whatif", "workspace")


class UserError(Exception):
    """Something the user can fix: printed without a traceback, exit code 2."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ninety")
    except PackageNotFoundError:  # running from a source tree or a bundle
        return "0.1.0"


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up (importlib.metadata, ~30 ms) only
    when asked for rather than each time the parser is built."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit", **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        sys.stdout.write(f"ninety {_version()}\n")
        parser.exit()


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of: {text!r} is not a date YYYY-MM-DD") from None


def _open(path: str, *, read_only: bool = True, wait: float | None = None):
    """Open a workspace; for writing, take its lock first (the app holds it while the
    file is open there): refused with who holds it, or waited for with ``--wait``."""
    from models.core.workspace import WorkspaceLockedError, open_workspace

    if read_only:
        return open_workspace(path, read_only=True)
    try:
        return open_workspace(path, lock=True, wait=wait or 0.0)
    except WorkspaceLockedError as exc:
        waited = f" after waiting {wait:g} s" if wait else ""
        raise UserError(f"{path}: open in {exc.holder}{waited}; nothing was changed. Close it there, "
                        "or add --wait SECONDS to wait for it") from None


def _open_for_reading(path: str):
    """Open read-only; a file on an older schema is migrated first (after a trial and a backup)."""
    from models.core.workspace import ReadOnlyError, open_workspace

    try:
        return open_workspace(path, read_only=True)
    except ReadOnlyError:
        _open(path, read_only=False).close()
        return open_workspace(path, read_only=True)


#: passwords typed at the prompt in this run, by server address (without password): one
#: prompt per server however many times a command opens it; never written anywhere
_typed_passwords: dict[str, str] = {}


def _ask_password(url) -> str | None:
    """The password a server wants and libpq did not find (not in the address, PGPASSWORD
    or ~/.pgpass): typed at the terminal without echo, as psql asks for it. None when stdin
    is not a terminal (the command fails with how to give one) or nothing was typed."""
    from models.core.server import login, masked

    key = masked(url)
    if key in _typed_passwords:
        return _typed_passwords[key]
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    import getpass

    try:
        typed = getpass.getpass(f"Password for {login(url)}: ", stream=sys.stderr)
    except EOFError:  # Ctrl-D
        sys.stderr.write("\n")
        return None
    if typed:
        _typed_passwords[key] = typed
    return typed or None


def _asking_for_passwords(args):
    """Around a command that names a server: ``open_server`` (however the command reaches
    it) prompts with ``_ask_password`` when the server wants a password. Nothing is imported
    for a command on files only; the app (``gui``) asks in its own dialog."""
    from contextlib import nullcontext

    from models.core.files import is_server_url

    values = [v for value in vars(args).values() for v in (value if isinstance(value, list) else [value])]
    if getattr(args, "command", None) == "gui" or not any(is_server_url(v) for v in values):
        return nullcontext()
    from models.core.server import asking_for_passwords

    return asking_for_passwords(_ask_password)


def _hide_passwords(message: str, args) -> str:
    """*message* without any password: those in the command's server addresses and those typed."""
    from models.core.files import is_server_url

    secrets = {p for p in _typed_passwords.values() if p}
    for value in vars(args).values():
        for v in value if isinstance(value, list) else [value]:
            if not is_server_url(v):
                continue
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            from models.core.server import masked

            message = message.replace(v, masked(v))
            try:
                if make_url(v.strip()).password:
                    secrets.add(str(make_url(v.strip()).password))
            except ArgumentError:  # not an address at all: masked() hid what looks like one
                pass
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


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


def _summary_text(ws, plan, as_of: date) -> str:
    """``summary --json``'s answer for *plan*, as printed."""
    from desktop.features import FEATURES
    from models.plan.summary import plan_summary

    return json.dumps(plan_summary(ws, plan, as_of, FEATURES), indent=2, ensure_ascii=False) + "\n"


def _warm_summaries(path: str, as_of: date) -> int:
    """``summary --warm PATH``: work out the answer of ``summary --json`` for every plan of a
    workspace file (``--plan NAME``, and no ``--plan`` when it holds one) and keep each in
    the cache, printing nothing. The app runs it in a process of its own once edits have
    settled and when it closes a workspace, so that scripts polling plans are answered
    from the cache after a change made in the app too."""
    import os

    from desktop.summary_cache import SummaryCache
    from models.core.files import is_server_url

    if hasattr(os, "nice"):
        os.nice(10)  # background work: the app and the user come first
    if is_server_url(path):
        return 0  # answers for a team server are never kept (its state cannot be told without it)
    from models.plan.service import list_plans

    with _open_for_reading(path) as ws:
        plans = list_plans(ws)
        queries = [(plan, plan.name) for plan in plans] + [(plan, None) for plan in plans[:1] if len(plans) == 1]
        for plan, asked in queries:
            cache = SummaryCache.for_query(path, asked, as_of.isoformat())
            key = cache.key()
            if key is not None and cache.read(key) is None:
                cache.write(key, _summary_text(ws, plan, as_of))
    return 0


def cmd_summary(args) -> int:
    from desktop.summary_cache import SummaryCache

    as_of = _as_of(args.as_of)
    if args.warm:
        return _warm_summaries(args.path, as_of)
    # An unchanged plan is answered from the user's cache folder without loading
    # SQLAlchemy; the cache's key covers the file's state (desktop/summary_cache.py).
    from models.core.files import is_server_url

    cache = None if args.no_cache or is_server_url(args.path) else SummaryCache.for_query(args.path, args.plan, as_of.isoformat())
    key = cache.key() if cache else None
    text = cache.read(key) if cache else None
    if text is None:
        from models.plan.service import find_plan

        with _open_for_reading(args.path) as ws:
            text = _summary_text(ws, find_plan(ws, args.plan), as_of)
        if cache:
            cache.write(key, text)
    if args.json:
        sys.stdout.write(text)
    else:
        data = json.loads(text)
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
    import os

    from desktop.features import FEATURES
    from models.core.files import existing_file
    from models.core.validation import load_json
    from models.core.workspace import build_workspace
    from models.plan.transfer import load_plan

    source = Path(args.file)
    existing_file(source)  # a FIFO or a device would block or never end
    try:
        text = source.read_bytes().decode("utf-8")
    except OSError as exc:
        raise UserError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{source}: not UTF-8 text (byte {exc.start + 1}); save it as UTF-8") from None
    doc = load_json(text, str(source))
    from models.core.files import is_server_url

    if is_server_url(args.path):  # a team server: one transaction in it (an empty database is set up)
        from models.core.server import open_server

        with open_server(args.path, create=True) as ws:
            plan_id = load_plan(ws, doc, FEATURES, source=str(source), rename=args.rename)
        print(f"loaded plan {plan_id} into {ws.path}", file=sys.stderr)
        return 0
    target = Path(args.path)
    if os.path.lexists(target):  # a workspace (or a link to one): one transaction in it
        with _open(args.path, read_only=False, wait=args.wait) as ws:
            plan_id = load_plan(ws, doc, FEATURES, source=str(source), rename=args.rename)
    else:  # a new workspace appears only once it holds the whole plan
        with build_workspace(target) as ws:
            plan_id = load_plan(ws, doc, FEATURES, source=str(source), rename=args.rename)
    print(f"loaded plan {plan_id} into {target}", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from desktop.features import FEATURES
    from models.export.pack import write_status_pack
    from models.plan.service import find_plan

    from models.core.workspace import ReadOnlyError, WorkspaceLockedError, open_workspace

    as_of = _as_of(args.as_of)
    sheets = [x.strip() for x in args.sheets.split(",") if x.strip()] if args.sheets else None
    # Exporting only reads the plan; the workspace is written to record the export, which
    # is skipped (with a note) when the app has the file open or it is read-only here.
    try:
        ws, note = open_workspace(args.path, lock=True, wait=args.wait or 0.0), ""
    except WorkspaceLockedError as exc:
        ws, note = open_workspace(args.path, read_only=True), f"it is open in {exc.holder}"
    except ReadOnlyError:
        ws, note = _open_for_reading(args.path), "it is read-only here"
    with ws:
        plan = find_plan(ws, args.plan)
        info = write_status_pack(ws, plan, args.output, FEATURES, as_of=as_of, sheets=sheets, label=args.label or "")
    note = f"not added to {args.path}'s export history: {note}" if note else info.note
    if args.json:
        _print_json({"path": info.path, "as_of": info.as_of.isoformat(), "sheets": list(info.sheets),
                     "label": info.label})
    else:
        print(f"wrote {info.path} ({', '.join(info.sheets)})", file=sys.stderr)
    if note:
        print(f"ninety: note: {note}", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    from models.core.files import is_server_url
    from models.plan.glance import read_glance

    # refuse a bad file before any window exists; a file that gives a glance (a current
    # Ninety workspace, at rest) needs no more before the window shows its plan
    glance = None if is_server_url(args.path) else read_glance(args.path)
    if glance is None and not is_server_url(args.path):
        from models.core.workspace import inspect_file

        inspect_file(args.path)
    from desktop.app import run_check

    return run_check(args.path, timeout_s=args.timeout, charts=args.charts, ready=args.ready, glance=glance)


def cmd_workspace_push(args) -> int:
    from desktop.features import FEATURES
    from models.core.server import open_server
    from models.plan.transfer import copy_plans

    with _open_for_reading(args.file) as source, open_server(args.url, create=True) as target:
        names = copy_plans(source, target, FEATURES, args.plan)
        where = target.path
    print(f"pushed {len(names)} plan{'s' if len(names) != 1 else ''} ({', '.join(names)}) to {where}",
          file=sys.stderr)
    return 0


def cmd_workspace_pull(args) -> int:
    import os

    from desktop.features import FEATURES
    from models.core.server import open_server
    from models.core.workspace import build_workspace
    from models.plan.transfer import copy_plans

    with open_server(args.url, read_only=True) as source:
        if os.path.lexists(args.file):  # into an existing workspace: one transaction
            with _open(args.file, read_only=False, wait=args.wait) as target:
                names = copy_plans(source, target, FEATURES, args.plan)
        else:  # a new file appears only once it holds every plan
            with build_workspace(args.file) as target:
                names = copy_plans(source, target, FEATURES, args.plan)
    print(f"pulled {len(names)} plan{'s' if len(names) != 1 else ''} ({', '.join(names)}) into {args.file}",
          file=sys.stderr)
    return 0


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


def _print_log_problems(name: str, exc, nothing_stored: bool) -> None:
    n = len(exc.problems)
    print(f"ninety: {name}: {n} problem{'s' if n != 1 else ''}{', nothing stored' if nothing_stored else ''}",
          file=sys.stderr)
    print(_brief(str(exc)), file=sys.stderr)


def _read_audit_log(args, tz, *, storing: bool = False):
    """(transitions, stage map) of ``LOG… --stages`` as ``ninety audit`` reads them, statuses spelt
    as in the stage map; or None once the problems are on stderr, headed by the file at fault."""
    import shlex

    from models.audit import LogError, check_statuses, read_stage_map_csv, read_transitions
    from models.audit.log_rows import align_statuses
    from models.audit.problems import MappingNeeded

    paths = [args.log] if isinstance(args.log, str) else list(args.log)
    logs = ", ".join(Path(p).name for p in paths)
    from models.core.files import existing_file

    for path in (*paths, args.stages):  # a FIFO or a device would block or never end
        existing_file(path)
    try:
        stages = read_stage_map_csv(args.stages)
    except LogError as exc:
        return _print_log_problems(Path(args.stages).name, exc, storing)
    try:
        transitions = read_transitions(paths, _audit_mapping(args.map), args.date_format, args.sheet, tz,
                                       guess_unmapped=True, encoding=args.encoding)
        transitions = align_statuses(transitions, stages)
        problems = check_statuses(transitions, stages, paths[0])
        if problems:
            raise LogError(problems)
    except MappingNeeded as exc:  # several columns could hold a field: say how to choose
        for problem, (field, columns) in zip(exc.problems, exc.choices.items()):
            options = " or ".join(f"--map {shlex.quote(f'{field}={c}')}" for c in columns)
            print(f"ninety: {problem} with {options}", file=sys.stderr)
        return None
    except LogError as exc:
        return _print_log_problems(logs, exc, storing)
    for note in transitions.notes():
        print(f"ninety: {logs}: {note}", file=sys.stderr)
    return transitions, stages


def cmd_audit(args) -> int:
    import gc
    import os

    if args.plan and not args.workspace:
        raise UserError("--plan needs --workspace")
    if "numpy" not in sys.modules and "OPENBLAS_NUM_THREADS" not in os.environ:
        # Every log read needs numpy. On loading, its OpenBLAS starts a pool of threads that
        # spin (~40 ms of CPU on 2 cores) while the audit does no linear algebra: one thread,
        # unless the user chose. The variable is read once, when the library loads.
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        try:
            import numpy  # noqa: F401
        finally:
            del os.environ["OPENBLAS_NUM_THREADS"]
    from models.audit import analyse

    # The reading and the analysis make a few large arrays and hardly any cycles: the
    # collector's passes (set off by the imports' allocations) would walk every object for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        tz = _audit_zone(args.tz)
        ws = plan = None
        try:
            if args.workspace:
                from models.audit.store import plan_timezone
                from models.plan.service import find_plan

                ws = _open(args.workspace, read_only=False, wait=args.wait)
                plan = find_plan(ws, args.plan)
                if tz is None:
                    tz = plan_timezone(ws, plan.id)
            as_of = _audit_as_of(args.as_of, tz)
            read = _read_audit_log(args, tz, storing=ws is not None)
            if read is None:
                return EXIT_USAGE
            transitions, stages = read
            result = analyse(transitions, stages, as_of, flow=False)  # (no cumulative flow is printed)
            if ws is not None:
                from models.audit.store import store_import

                settings = {"mapping": dict(transitions.columns), "date_format": args.date_format,
                            "sheet": args.sheet, "tz": args.tz}
                if len(args.log) > 1:
                    settings["files"] = [str(Path(p).resolve()) for p in args.log]
                info, _ = store_import(ws, plan.id, stages, transitions, source=str(Path(args.log[0]).resolve()),
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
            _print_audit_table(", ".join(Path(p).name for p in args.log), data)
        return 0
    finally:
        if collecting:
            gc.enable()


def _read_log(args):
    """(transitions, stage map, zone, as-of moment) of ``forecast`` / ``whatif``, the log read as
    ``audit`` reads it; or None once the problems are on stderr."""
    tz = _audit_zone(args.tz)
    as_of = _audit_as_of(args.as_of, tz)
    read = _read_audit_log(args, tz)
    if read is None:
        return None
    if not read[0]:
        raise UserError(f"{Path(args.log).name}: the log has no transitions")
    return (*read, tz, as_of)


def _at_least(value: int | float | None, low: int | float, option: str) -> None:
    if value is not None and value < low:
        raise UserError(f"{option}: must be {low} or more, not {value}")


def cmd_forecast(args) -> int:
    from models.audit.forecast import forecast

    for value, low, option in ((args.window_days, 1, "--window-days"), (args.items, 0, "--items"),
                               (args.trials, 1, "--trials"), (args.seed, 0, "--seed")):
        _at_least(value, low, option)
    until = None
    if args.until is not None:
        try:
            until = date.fromisoformat(args.until)
        except ValueError:
            raise UserError(f"--until: {args.until!r} is not a date YYYY-MM-DD") from None
    read = _read_log(args)
    if read is None:
        return EXIT_USAGE
    transitions, stages, tz, as_of = read
    result = forecast(transitions, stages, as_of, tz=tz, window_days=args.window_days, until=until,
                      items=args.items, trials=args.trials, seed=args.seed)
    if until is not None and until < result.as_of.date():
        raise UserError(f"--until: {until.isoformat()} is before the as-of date {result.as_of.date().isoformat()}")
    if result.when.reason:
        print(f"ninety: {result.when.reason}", file=sys.stderr)
    if args.json:
        _print_json(result.to_json())
    else:
        _print_forecast(Path(args.log).name, result)
    return 0


def _print_forecast(name: str, f) -> None:
    tp, hm, wh, age = f.throughput, f.how_many, f.when, f.ageing
    print(f"{name}: as of {f.as_of.isoformat()}; {tp.completed} items completed in the {tp.window_days} days to "
          f"{tp.days[-1].isoformat()} ({tp.per_day_mean:.2f} a day); {f.trials:,} trials, seed {f.seed}")
    print(f"done by {hm.until.isoformat()} ({hm.days} days): at least {hm.p50} (50 %), {hm.p85} (85 %), "
          f"{hm.p95} (95 %)")
    if wh.p50 is not None:
        print(f"{wh.items} items done by: " + ", ".join(
            f"{getattr(wh, f'p{q}').isoformat() if getattr(wh, f'p{q}') else 'beyond the horizon'} ({q} %)"
            for q in (50, 85, 95)))
    bands = age.bands
    limit = f", at risk beyond the 85th percentile of flow time ({bands.p85:.1f} d)" if bands else ""
    print(f"in progress: {len(age.items)} items, {len(age.at_risk)} at risk{limit}")
    for a in age.items:
        print(f"  {a.item:<16} {a.status:<24} {a.age_days:>7.1f} d{'  at risk' if a.at_risk else ''}")


def cmd_whatif(args) -> int:
    from models.audit.whatif import whatif

    _at_least(args.factor, 0, "--factor")
    _at_least(args.replications, 1, "--replications")
    _at_least(args.seed, 0, "--seed")
    read = _read_log(args)
    if read is None:
        return EXIT_USAGE
    transitions, stages, tz, as_of = read
    try:
        result = whatif(transitions, stages, args.merge.split(","), as_of, tz=tz, factor=args.factor,
                        replications=args.replications, seed=args.seed)
    except ValueError as exc:
        raise UserError(f"--merge: {exc}") from None
    if args.json:
        if not result.model_ok:
            print(f"ninety: {result.model_check}", file=sys.stderr)
        _print_json(result.to_json())
        return 0

    def line(label, figures) -> str:
        parts = []
        for title, spread, unit in (("median flow time", figures.flow_time_p50, " d"),
                                    ("85th percentile", figures.flow_time_p85, " d"),
                                    ("throughput", figures.throughput_per_week, " a week")):
            parts.append("-" if spread.mean is None else
                         f"{title} {spread.mean:.1f}{unit} ({spread.low:.1f}–{spread.high:.1f})")
        return f"{label:<8} " + ", ".join(parts)

    measured = result.measured_flow_time_p50
    print(f"{Path(args.log).name}: as of {result.as_of.isoformat()}, {result.replications} replications, "
          f"seed {result.seed}; measured median flow time "
          f"{'-' if measured is None else f'{measured:.1f} d'}")
    print(f"merging {', '.join(result.merge)}: waits on "
          f"{', '.join(f'{a} → {b}' for a, b in result.handoffs) or 'no handoff of the log'} × {result.factor:g}")
    print(line("as is", result.as_is))
    if result.to_be is not None:
        print(line("to be", result.to_be))
    print(result.model_check)
    return 0


def _log_options(p: argparse.ArgumentParser) -> None:
    """How ``audit``, ``forecast`` and ``whatif`` read a log: the stage map, the as-of moment, the columns."""
    p.add_argument("--stages", required=True, help="stage map CSV with columns status,department,kind")
    p.add_argument("--as-of", help="date or date-time (a date means its midnight; default: the latest "
                                   "timestamp in the log)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="column for item, at, from, to, title, type, created or status (repeat; "
                        "the others are guessed, created and status never)")
    p.add_argument("--date-format", help="strptime format such as %%d/%%m/%%Y %%H:%%M:%%S (default: detected)")
    p.add_argument("--sheet", help="worksheet of an .xlsx log (default: the first)")
    p.add_argument("--encoding", help="text encoding of a CSV log such as cp1252 (default: UTF-8, or UTF-16 "
                                      "with a byte-order mark)")


def _model_options(p: argparse.ArgumentParser) -> None:
    """What ``forecast`` and ``whatif`` share: one log read as ``audit`` reads it, JSON, a seed."""
    p.add_argument("log", help="transition log: CSV, XLSX or a Jira search JSON (expand=changelog)")
    _log_options(p)
    p.add_argument("--tz", help="time zone of timestamps without an offset (default: the computer's) and of "
                                "calendar days (default: the as-of moment's UTC offset)")
    p.add_argument("--json", action="store_true", help="print JSON (keys documented in the README)")
    p.add_argument("--seed", type=int, default=90, help="random seed: the same seed gives the same figures "
                                                          "(default 90)")


# --------------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ninety",
        description="Plan and evidence a 90-day operating-model transformation. "
                    "Without a command, opens the app (on PATH if given).",
    )
    parser.add_argument("--version", action=_VersionAction)
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
    p.add_argument("--no-cache", action="store_true",
                   help="compute it even if the workspace has not changed since the last summary")
    p.add_argument("--warm", action="store_true",
                   help="print nothing; work out every plan's summary and keep it for later calls "
                        "(the app does this after edits)")
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
    ld.add_argument("--wait", type=float, metavar="SECONDS", help="if the workspace is open in Ninety, wait up to SECONDS for it to be closed")
    ld.set_defaults(func=cmd_plan_load)

    p = sub.add_parser("export", help="write the Excel status pack for stakeholders")
    p.add_argument("path")
    p.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    p.add_argument("--plan")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
    p.add_argument("--label", help="confidentiality label printed in every page header")
    p.add_argument("--sheets", help="comma-separated sheet keys (default: every sheet with data)")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.add_argument("--wait", type=float, metavar="SECONDS", help="if the workspace is open in Ninety, wait up to SECONDS for it to be closed")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("audit", help="analyse a work-item log: waits per status and handoff, silo tax")
    p.add_argument("log", nargs="+", help="transition log: CSV, XLSX or Jira JSON (expand=changelog); "
                                          "several Jira files are read as pages of one search")
    _log_options(p)
    p.add_argument("--tz", help="time zone of timestamps without an offset (default: the plan's, "
                                "else the computer's)")
    p.add_argument("--json", action="store_true", help="print JSON (keys documented in the README)")
    p.add_argument("--workspace", help="also store the stage map and the log in this workspace")
    p.add_argument("--plan", help="plan to store into (needed when the workspace holds several)")
    p.add_argument("--wait", type=float, metavar="SECONDS", help="if the workspace is open in Ninety, wait up to SECONDS for it to be closed")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("forecast", help="Monte Carlo forecast from a log: how many by a date, when N are "
                                         "done, ageing work in progress")
    _model_options(p)
    p.add_argument("--window-days", type=int, default=42, help="days of throughput to draw from (default 42)")
    p.add_argument("--until", help="how many items by this date YYYY-MM-DD (default: 90 days after the as-of date)")
    p.add_argument("--items", type=int, help="when will this many be done (default: the items open at the as-of)")
    p.add_argument("--trials", type=int, default=10_000, help="Monte Carlo trials (default 10000)")
    p.set_defaults(func=cmd_forecast)

    p = sub.add_parser("whatif", help="simulate forming the squad around a handoff: flow time and throughput, "
                                       "as is and to be")
    _model_options(p)
    p.add_argument("--merge", required=True, metavar="DEPT,DEPT[,...]",
                   help="departments merged into the squad (at least two, as in the stage map)")
    p.add_argument("--factor", type=float, default=0.0,
                   help="multiply the waits between merged departments by this (default 0: removed)")
    p.add_argument("--replications", type=int, default=20, help="simulation runs (default 20)")
    p.set_defaults(func=cmd_whatif)

    p = sub.add_parser("workspace", help="move plans between a workspace file and a team server "
                                         "(postgresql://user@host:port/dbname)")
    ws_sub = p.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)
    w = ws_sub.add_parser("push", help="copy plans from a file to a server, all or nothing")
    w.add_argument("file")
    w.add_argument("url")
    w.add_argument("--plan", action="append", help="only this plan (repeatable; default: every plan)")
    w.set_defaults(func=cmd_workspace_push)
    w = ws_sub.add_parser("pull", help="copy plans from a server into a file (created if missing), "
                                       "all or nothing")
    w.add_argument("url")
    w.add_argument("file")
    w.add_argument("--plan", action="append", help="only this plan (repeatable; default: every plan)")
    w.add_argument("--wait", type=float, metavar="SECONDS", help="if the file is open in Ninety, wait up to SECONDS for it to be closed")
    w.set_defaults(func=cmd_workspace_pull)

    p = sub.add_parser("check", help="open the main window on PATH, wait for the Overview, exit")
    p.add_argument("path")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait (default 60)")
    p.add_argument("--charts", action="store_true",
                   help="also wait for the Overview's charts (drawn after its first paint)")
    p.add_argument("--ready", action="store_true",
                   help="also wait until the workspace is open for editing (the Overview is first "
                        "shown from a read-only glance of the file)")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the process's own command line (not a test calling main)
        # At exit Python's last garbage collections walk every object SQLAlchemy and Qt
        # made (0.1 to 0.3 s). Nothing needs them: workspaces are closed and settings
        # synced explicitly. Frozen objects are skipped; atexit handlers still run.
        import atexit
        import gc

        atexit.register(gc.freeze)
    argv = list(sys.argv[1:] if argv is None else argv)
    # `ninety` and `ninety PATH` open the app.
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _asking_for_passwords(args):
            return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("ninety: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except Exception as exc:  # no traceback reaches a user: one short message, naming the file
        message, code = _error_message(exc, args)
        print(f"ninety: {_brief(_hide_passwords(message, args))}", file=sys.stderr)
        return code


def _brief(text: str) -> str:
    from models.core.validation import brief

    return brief(text)


def _error_message(exc: Exception, args) -> tuple[str, int]:
    """What to tell the user about *exc*, and the exit code (2: something they can fix)."""
    import os

    from models.core.files import FileError
    from models.core.validation import PlanError
    from models.core.workspace import storage_error

    audit = sys.modules.get("models.audit")
    if isinstance(exc, (UserError, FileError, PlanError)) or (audit and isinstance(exc, audit.LogError)):
        return str(exc), EXIT_USAGE
    path = getattr(args, "workspace", None) or getattr(args, "path", None) or "the workspace"
    storage = storage_error(exc, path[0] if isinstance(path, list) and path else path)
    if storage is not None:
        return str(storage), EXIT_USAGE
    if os.environ.get("NINETY_DEBUG"):
        raise exc
    return (f"{args.command}: unexpected error ({type(exc).__name__}: {exc}); "
            "set NINETY_DEBUG=1 to see where"), 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
