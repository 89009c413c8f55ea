"""Audit storage: the stage map, imported logs, hand-tracked stalls and the
bottleneck chosen to attack first.  One function per user action.

Every function takes an open ``Workspace``, runs in one transaction and returns
frozen dataclasses (or plain values), never ORM objects.  Functions that change
data return what undo needs.  A refused edit raises ``PlanError`` (or
:class:`~models.audit.readers.LogError` for a log with bad rows) and stores
nothing.

Storage rules:

* Timestamps are stored as ISO 8601 text with their UTC offset
  (``audit_transitions.at``, ``audit_stalls.entered``/``left``), so the offset a
  log was read with survives.  A naive ``datetime`` handed in is placed in the
  plan's time zone (``plans.timezone``; empty or unknown = the computer's).
* The newest import of a plan is its *active* log; older imports stay so that
  undoing an import (:func:`delete_import`) falls back to the previous one.
* Hand-tracked stalls become transitions for the analysis: at ``entered`` the
  item enters ``stage``; at ``left`` it enters the synthetic ``done`` status
  :data:`LEFT_STATUS`, which is added to the stage map passed to the analysis
  (never to the stored map).
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import repeat
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from models.audit.analysis import AuditResult, Stage, Transition, UnknownStatusError, analyse
from models.audit.entities import STAGE, STALL
from models.audit.stage_rule import department_required
from models.audit.readers import Cancelled, LogError, Problem, TransitionList, check_statuses
from models.audit.transition_list import NO_LINE, Codes
from models.core.fields import Field
from models.core.validation import clean_text
from models.core.versioning import TRACKER, UNKNOWN, WRITING, WRITTEN, StaleEdit, row_key
from models.plan.service import PlanError
from models.audit.schema import AuditChoice, AuditImport, AuditStage, AuditStall, AuditTransition
from models.plan.schema import Milestone, Phase, Plan
from models.core.feature import ChecklistItem
from models.core.workspace import Workspace

__all__ = [
    "LEFT_STATUS",
    "LEFT_STAGE",
    "ATTACK_DAYS",
    "AuditError",
    "ImportInfo",
    "StallInfo",
    "BottleneckChoice",
    "plan_timezone",
    "get_stage_map",
    "set_stage_map",
    "store_log",
    "store_import",
    "delete_import",
    "active_import",
    "list_imports",
    "load_transitions",
    "add_stall",
    "update_stall",
    "delete_stall",
    "restore_stall",
    "list_stalls",
    "analysis_stages",
    "analyse_plan",
    "get_choice",
    "AttackPlan",
    "attack_plan",
    "choose_bottleneck",
    "record_choice",
    "undo_choice",
    "audit_checklist",
]

#: The synthetic ``done`` status a hand-tracked stall enters when it is left.
LEFT_STATUS = "(left)"
LEFT_STAGE = Stage(LEFT_STATUS, "", "done")
#: "Attack this" adds a Step-1 milestone due this many days after today (inside the Audit step).
ATTACK_DAYS = 14
#: Rows per INSERT executemany (progress and cancel are checked between chunks; a
#: chunk is short enough for the GUI thread to get the interpreter in between).
CHUNK = 1000
#: Rows whose texts are made at a time (by the column).
_BLOCK = 20_000


class AuditError(PlanError):
    """The audit data cannot be used as it is (the message says why)."""


@dataclass(frozen=True)
class ImportInfo:
    id: int
    plan_id: int
    source: str
    format: str
    imported_at: datetime
    row_count: int
    settings: dict


@dataclass(frozen=True)
class StallInfo:
    id: int
    plan_id: int
    item: str
    stage: str
    entered: datetime
    left: datetime | None
    note: str


@dataclass(frozen=True)
class BottleneckChoice:
    plan_id: int
    from_department: str
    to_department: str
    chosen_on: date
    milestone_id: int | None


# --------------------------------------------------------------------------- helpers

def _zone(name: str | None) -> tzinfo | None:
    name = (name or "").strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _aware(dt: datetime, tz: tzinfo | None) -> datetime:
    """Place a naive datetime in ``tz`` (None = the computer's zone at that date)."""
    if dt.tzinfo is not None:
        return dt
    if tz is None:
        return dt.astimezone()
    return dt.replace(tzinfo=tz)


def _get(s: Session, orm: type, row_id: int, noun: str):
    row = s.get(orm, row_id)
    if row is None:
        raise PlanError(f"no {noun} with id {row_id}")
    return row


def _plan(s: Session, plan_id: int) -> Plan:
    return _get(s, Plan, plan_id, "plan")


def plan_timezone(ws: Workspace, plan_id: int) -> tzinfo | None:
    """The plan's time zone for naive timestamps, or None for the computer's."""
    with ws.read() as s:
        return _zone(_plan(s, plan_id).timezone)


def _name(source: str) -> str:
    return Path(source).name or source


# --------------------------------------------------------------------------- stage map

#: ``pg_advisory_xact_lock(_STAGE_MAP_LOCK, plan id)``: one save of a plan's stage map at a
#: time on a server, so a save's check of the rows (``_stale_stage_map``) holds until it commits
_STAGE_MAP_LOCK = 0x4E395354  # "N9ST"


def _stage_rows_key(plan_id: int) -> tuple[str, tuple]:
    """The workspace's ``VersionTracker`` entry (beside the version of each row) for which
    rows (ids) the plan's stage map had when this workspace last read it or saved it."""
    return f"{AuditStage.__tablename__} of plan", (plan_id,)


def _stage_rows(s: Session, plan_id: int) -> list[AuditStage]:
    return list(s.scalars(select(AuditStage).where(AuditStage.plan_id == plan_id)
                          .order_by(AuditStage.position, AuditStage.id)))


def _stage_map(s: Session, plan_id: int) -> dict[str, Stage]:
    """The plan's stage map. In a workspace read, the version of each row is recorded as it
    loads (``models.core.versioning``) and so are the rows the map had: a save of the map
    then knows what the user was shown (``_stale_stage_map``)."""
    rows = _stage_rows(s, plan_id)
    tracker = s.info.get(TRACKER)
    if tracker is not None and not s.info.get(WRITING):
        tracker.seen[_stage_rows_key(plan_id)] = frozenset(r.id for r in rows)
    return {r.status: Stage(r.status, r.department, r.kind) for r in rows}


def get_stage_map(ws: Workspace, plan_id: int) -> dict[str, Stage]:
    """``{status: Stage}`` in position order (empty when the plan has no map)."""
    with ws.read() as s:
        return _stage_map(s, plan_id)


def _cleaned(field: Field, value: Any, where: str) -> Any:
    """``field.clean(value)``, its refusal saying where ("Waiting: the department is required")."""
    try:
        return field.clean(value)
    except PlanError as exc:
        raise PlanError(f"{where}{exc}") from None


def _clean_stages(stages: Sequence[Stage] | Mapping[str, Stage]) -> list[Stage]:
    if isinstance(stages, Mapping):
        stages = list(stages.values())
    status_field, kind_field = STAGE.field("status"), STAGE.field("kind")
    department = {required: replace(STAGE.field("department"), required=required) for required in (False, True)}
    out: list[Stage] = []
    seen: set[str] = set()
    for i, st in enumerate(stages):
        if not isinstance(st, Stage):
            raise PlanError(f"stage {i + 1} is not a Stage")
        status = _cleaned(status_field, st.status, f"stage {i + 1}: the ")
        if status == LEFT_STATUS:
            raise PlanError(f"{LEFT_STATUS!r} is reserved for hand-tracked stalls; rename that status")
        if status in seen:
            raise PlanError(f"status {status!r} appears twice in the stage map")
        seen.add(status)
        kind = _cleaned(kind_field, st.kind, f"{status}: ")
        dept = _cleaned(department[department_required(kind)], st.department, f"{status}: the ")
        out.append(Stage(status, dept, kind))
    return out


def _check_covers_stalls(s: Session, plan_id: int, stages: list[Stage]) -> None:
    """An imported stage map must cover the statuses of the plan's hand-tracked stalls
    (the log is checked against it by ``check_statuses``). The map edited on the Audit
    page may lag behind while the user works: the page lists what it misses."""
    used = set(s.scalars(select(AuditStall.stage).where(AuditStall.plan_id == plan_id)))
    missing = sorted(used - {st.status for st in stages})
    if missing:
        listed = ", ".join(repr(m) for m in missing[:10]) + (f" and {len(missing) - 10} more"
                                                             if len(missing) > 10 else "")
        raise PlanError(f"the stage map leaves out {listed}, used by hand-tracked stalls; add "
                        f"{'it' if len(missing) == 1 else 'them'} to the map (nothing was stored)")


def _newest(rows: Sequence[AuditStage]) -> AuditStage:
    return max(rows, key=lambda r: (r.changed_at or datetime.min, r.version))


def _stale_stage_map(s: Session, plan_id: int, rows: list[AuditStage]) -> StaleEdit | None:
    """Whether the plan's stage map (its *rows* now) moved on since the map this save is
    based on: the one this workspace last read or saved (in an undo or a redo: the one its
    own last save left, ``VersionTracker.expected``). A row changed since, a row added since
    (one the read never saw) or a row deleted since (one it saw, now gone) refuses the save,
    naming who made the newest of those rows. Nothing to compare when this workspace never
    read the map."""
    tracker = s.info.get(TRACKER)
    if tracker is None:
        return None
    based_on = tracker.expected(_stage_rows_key(plan_id))
    newer = []
    for row in rows:
        want = tracker.expected(row_key(row))
        if (based_on is not UNKNOWN and row.id not in based_on) or (want is not UNKNOWN and want != row.version):
            newer.append(row)
    if newer:
        row = _newest(newer)
        return StaleEdit(row.changed_by, row.changed_at, AuditStage.__tablename__)
    if based_on is not UNKNOWN and based_on - {r.id for r in rows}:
        # deleted since; a save stamps every row it keeps, so the rows left would name who
        # (they would have moved on, above): these were deleted some other way
        return StaleEdit("someone", None, AuditStage.__tablename__)
    return None


def _replace_stage_map(s: Session, plan_id: int, stages: list[Stage]) -> dict[str, Stage]:
    """Make the plan's stage map *stages* inside the open write *s*; return the previous one.

    Rows are kept by status and changed in place (a status left out is deleted, a new one
    added), all or nothing, and only when the map changes. Every row of a saved map gets a
    new version naming who saved it, so a save over a map someone else saved (or first
    made, or emptied) since this workspace read it is refused (``_stale_stage_map``)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k, :p)"), {"k": _STAGE_MAP_LOCK, "p": plan_id})
    rows = _stage_rows(s, plan_id)
    previous = {r.status: Stage(r.status, r.department, r.kind) for r in rows}
    if list(previous.values()) == stages:
        return previous  # nothing changes: nothing written, nobody's edit overwritten
    stale = _stale_stage_map(s, plan_id, rows)
    if stale is not None:
        raise stale
    by_status = {r.status: r for r in rows}
    kept = []
    for i, st in enumerate(stages):
        row = by_status.pop(st.status, None)
        if row is None:
            row = AuditStage(plan_id=plan_id, status=st.status)
            s.add(row)
        else:
            flag_modified(row, "position")  # a new version even when only another row changed
        row.department, row.kind, row.position = st.department, st.kind, i
        kept.append(row)
    for row in by_status.values():
        s.delete(row)
    s.flush()
    # which rows the map has now: seen and left by this workspace once the write commits
    s.info.setdefault(WRITTEN, {})[_stage_rows_key(plan_id)] = frozenset(r.id for r in kept)
    return previous


def set_stage_map(ws: Workspace, plan_id: int,
                  stages: Sequence[Stage] | Mapping[str, Stage]) -> dict[str, Stage]:
    """Replace the plan's whole stage map (in the given order); return the previous
    map, which undo passes back to this function.  Statuses must be unique and
    non-empty; active and queue statuses need a department."""
    cleaned = _clean_stages(stages)
    with ws.write() as s:
        _plan(s, plan_id)
        return _replace_stage_map(s, plan_id, cleaned)


# --------------------------------------------------------------------------- imports

def _import_info(row: AuditImport) -> ImportInfo:
    try:
        settings = json.loads(row.settings or "{}")
    except ValueError:
        settings = {}
    return ImportInfo(row.id, row.plan_id, row.source, row.format, row.imported_at,
                      row.row_count, settings if isinstance(settings, dict) else {})


def _settings_text(settings: Mapping[str, Any] | None) -> str:
    try:
        return json.dumps(dict(settings or {}), sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise PlanError(f"the import settings cannot be saved ({exc})") from None


_TRANSITION_COLUMNS = ("import_id", "item", "at", "from_status", "to_status", "title", "type", "line")
_INSERT_TRANSITION = (
    f"INSERT INTO {AuditTransition.__tablename__} ({', '.join(_TRANSITION_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_TRANSITION_COLUMNS))})"
)


def _store_log(
    s: Session,
    plan_id: int,
    stages: Mapping[str, Stage],
    transitions: Sequence[Transition],
    *,
    source: str,
    format: str,
    settings: Mapping[str, Any] | None,
    progress: Callable[[int, int], None] | None,
    is_cancelled: Callable[[], bool] | None,
    imported_at: datetime | None = None,
    import_id: int | None = None,
) -> ImportInfo:
    name = _name(source)
    total = len(transitions)
    if total == 0:
        raise LogError([Problem(name, None, None, None, "the log has no transitions")])
    problems = check_statuses(transitions, stages, name)
    if problems:
        raise LogError(problems)
    import numpy as np  # heavy: imported when a log is stored

    from models.audit.timestamps import iso_texts

    log = transitions if isinstance(transitions, TransitionList) else TransitionList(transitions)
    lines = log.line_array if len(log.line_array) == total else np.full(total, NO_LINE, dtype=np.int64)
    naive = log.naive_rows()
    if len(naive):  # the rows without a zone in the first chunk that has one
        first = int(naive[0]) // CHUNK * CHUNK
        raise LogError([Problem(name, None if lines[k] == NO_LINE else int(lines[k]), "at",
                                log[k].at.isoformat(), "timestamp without a time zone")
                        for k in naive[naive < first + CHUNK].tolist()])
    if is_cancelled is not None and is_cancelled():
        raise Cancelled()
    row = AuditImport(
        plan_id=plan_id, source=str(source)[-500:], format=str(format)[:16],
        imported_at=imported_at or datetime.now().replace(microsecond=0),
        row_count=total, settings=_settings_text(settings),
    )
    if import_id is not None:
        row.id = import_id
    s.add(row)
    s.flush()
    iid = row.id
    # The driver's executemany with positional rows, a chunk at a time, each block's
    # texts made by the column: SQLAlchemy's per-row parameter processing for dicts
    # cost as much as SQLite's own insert (bench/audit.py), and rows given one by one
    # from zip() leave no tuples for the garbage collector to walk (its full passes
    # stall every thread).
    conn = s.connection()
    cursor = conn.connection.driver_connection.cursor()
    insert_sql = _driver_sql(conn, _INSERT_TRANSITION)
    wall, offset, _, _ = log.moments
    line_values = np.where(lines == NO_LINE, None, lines.astype(object))
    try:
        for block in range(0, total, _BLOCK):
            part = slice(block, min(block + _BLOCK, total))
            columns = (log.texts("item", part), iso_texts(wall[part], offset[part]), log.texts("from", part),
                       log.texts("to", part), log.texts("title", part), log.texts("type", part),
                       line_values[part].tolist())
            for start in range(0, part.stop - block, CHUNK):
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled()
                cursor.executemany(insert_sql, zip(repeat(iid), *(c[start:start + CHUNK] for c in columns)))
                if progress is not None:
                    progress(min(block + start + CHUNK, total), total)
    finally:
        cursor.close()
    return _import_info(row)


def _driver_sql(conn: Any, sql: str) -> str:
    """*sql* written with ``?`` in the driver's own placeholders (``%s`` for psycopg)."""
    return sql.replace("?", "%s") if conn.dialect.paramstyle != "qmark" else sql


def store_log(ws: Workspace, plan_id: int, transitions: Sequence[Transition], **options: Any) -> ImportInfo:
    """Store a log as the plan's new active import against its stored stage map, in
    one transaction; *options* are the keywords of :func:`store_import`."""
    return store_import(ws, plan_id, None, transitions, **options)[0]


def store_import(
    ws: Workspace,
    plan_id: int,
    stages: Sequence[Stage] | Mapping[str, Stage] | None,
    transitions: Sequence[Transition],
    *,
    source: str,
    format: str,
    settings: dict,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    imported_at: datetime | None = None,
) -> tuple[ImportInfo, dict[str, Stage]]:
    """Replace the stage map (None: keep the stored one) and store the log as the
    plan's new active import in ONE transaction (all or nothing).  Returns the
    import and the previous stage map; undo is ``delete_import(ws, info.id)``
    then ``set_stage_map(ws, plan_id, previous)``.

    Every status (from and to) must be in the stage map, otherwise
    :class:`LogError` lists the unknown statuses with their first line; an
    ``is_cancelled()`` that turns true raises :class:`Cancelled`.  Either way
    nothing is stored.  ``progress(rows stored, total)`` is called after each
    chunk.  ``settings`` (column mapping, date format, sheet…) is kept as JSON.
    ``imported_at`` (naive local time, default now) is for the demo."""
    cleaned = None if stages is None else _clean_stages(stages)
    with ws.write() as s:
        _plan(s, plan_id)
        if cleaned is None:
            previous = current = _stage_map(s, plan_id)
        else:
            _check_covers_stalls(s, plan_id, cleaned)
            previous = _replace_stage_map(s, plan_id, cleaned)
            current = {st.status: st for st in cleaned}
        info = _store_log(s, plan_id, current, transitions, source=source, format=format, settings=settings,
                          progress=progress, is_cancelled=is_cancelled, imported_at=imported_at)
        return info, previous


def delete_import(ws: Workspace, import_id: int) -> None:
    """Remove an import and its rows (undo of an import); the previous import,
    if any, becomes the active log again."""
    with ws.write() as s:
        row = _get(s, AuditImport, import_id, "import")
        s.execute(delete(AuditTransition).where(AuditTransition.import_id == import_id))
        s.delete(row)


def _active_import(s: Session, plan_id: int) -> AuditImport | None:
    return s.scalar(select(AuditImport).where(AuditImport.plan_id == plan_id)
                    .order_by(AuditImport.id.desc()).limit(1))


def active_import(ws: Workspace, plan_id: int) -> ImportInfo | None:
    """The newest import (the one the analysis uses), or None."""
    with ws.read() as s:
        row = _active_import(s, plan_id)
        return _import_info(row) if row is not None else None


def list_imports(ws: Workspace, plan_id: int) -> list[ImportInfo]:
    """Every import of the plan, newest (active) first."""
    with ws.read() as s:
        q = select(AuditImport).where(AuditImport.plan_id == plan_id).order_by(AuditImport.id.desc())
        return [_import_info(r) for r in s.scalars(q)]


def _import_rows(s: Session, import_id: int) -> TransitionList:
    """An import's rows by the column, read through the driver's cursor a batch at a
    time (a million SQLAlchemy rows and datetimes took seconds and hundreds of MB)."""
    import numpy as np

    t = AuditTransition.__table__
    conn = s.connection()
    cursor = conn.connection.driver_connection.cursor()
    cursor.execute(_driver_sql(conn, f"SELECT item, at, from_status, to_status, title, type, line FROM {t.name} "
                                     "WHERE import_id = ? ORDER BY id"), (import_id,))
    items, statuses, titles, types = Codes(), Codes({None: 0}), Codes({None: 0}), Codes({None: 0})
    columns: list[list] = [[] for _ in range(7)]
    try:
        while batch := cursor.fetchmany(2000):  # small: few tuples outlive a young collection
            item, at, frm, to, title, kind, line = zip(*batch)
            for column, values in zip(columns, (
                    np.fromiter(map(items.__getitem__, item), np.int32, len(item)),
                    _moments(at), np.fromiter(map(statuses.__getitem__, frm), np.int32, len(frm)),
                    np.fromiter(map(statuses.__getitem__, to), np.int32, len(to)),
                    np.fromiter(map(titles.__getitem__, title), np.int32, len(title)),
                    np.fromiter(map(types.__getitem__, kind), np.int32, len(kind)),
                    np.array([NO_LINE if x is None else x for x in line], dtype=np.int64))):
                column.append(values)
    finally:
        cursor.close()
    if not columns[0]:
        return TransitionList()
    item, frm, to, title, kind, line = (np.concatenate(c) for c in columns[:1] + columns[2:])
    wall = np.concatenate([m[0] for m in columns[1]])
    offset = np.concatenate([m[1] for m in columns[1]])
    # a stored text has a fixed offset: its zone, as datetime.fromisoformat gives it
    kinds, zone = np.unique(offset, return_inverse=True)
    naive = np.iinfo(np.int64).min
    zones = [None if k == naive else timezone(timedelta(microseconds=k)) for k in kinds.tolist()]
    zone = zone.reshape(-1).astype(np.int16)
    return TransitionList.from_columns(item=item, items=list(items), wall=wall, offset=offset, zone=zone,
                                       zones=zones, from_status=frm, to_status=to, statuses=list(statuses),
                                       title=title, titles=list(titles), type=kind, types=list(types), lines=line)


def _moments(texts: Sequence[str]) -> tuple:
    """(wall µs, offset µs; int64 min when naive) of stored ISO 8601 texts."""
    import numpy as np

    from models.audit.timestamps import NAIVE, parse_iso_texts, wall_us

    wall, seconds, done = parse_iso_texts(texts)
    offset = np.where(seconds == NAIVE, np.iinfo(np.int64).min, seconds * 1_000_000)
    for i in np.flatnonzero(~done).tolist():  # other shapes: as Python reads them
        at = datetime.fromisoformat(texts[i])
        wall[i] = wall_us(at)
        off = at.utcoffset()
        offset[i] = np.iinfo(np.int64).min if off is None else off // timedelta(microseconds=1)
    return wall, offset


def _stall_info(row: AuditStall) -> StallInfo:
    return StallInfo(row.id, row.plan_id, row.item, row.stage,
                     datetime.fromisoformat(row.entered),
                     datetime.fromisoformat(row.left) if row.left else None, row.note)


def _stalls(s: Session, plan_id: int) -> list[StallInfo]:
    rows = [_stall_info(r) for r in s.scalars(select(AuditStall).where(AuditStall.plan_id == plan_id))]
    rows.sort(key=lambda x: (x.entered, x.id))
    return rows


def _stall_transitions(stalls: Sequence[StallInfo]) -> list[Transition]:
    """Stalls as transitions, per item in time order; at equal times the
    ``(left)`` row comes before the next stage's entry, so back-to-back stalls
    (left == next entered) do not lose the second stage."""
    events: list[tuple[str, datetime, int, int, Transition]] = []
    for st in stalls:
        events.append((st.item, st.entered, 1, st.id, Transition(st.item, st.entered, None, st.stage)))
        if st.left is not None:
            events.append((st.item, st.left, 0, st.id,
                           Transition(st.item, st.left, st.stage, LEFT_STATUS)))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
    return [e[4] for e in events]


def _load(s: Session, plan_id: int) -> TransitionList:
    row = _active_import(s, plan_id)
    out = _import_rows(s, row.id) if row is not None else TransitionList()
    out.file, out.format = (row.source, row.format) if row is not None else ("", "")
    stall_rows = _stall_transitions(_stalls(s, plan_id))
    if stall_rows:
        out = out.joined(TransitionList(stall_rows, lines=[None] * len(stall_rows)))
    return out


def load_transitions(ws: Workspace, plan_id: int) -> list[Transition]:
    """The active import's rows (in file order) followed by the hand-tracked
    stalls turned into transitions.  A :class:`TransitionList`: ``lines`` gives
    each row's line in the imported file (None for stalls)."""
    with ws.read() as s:
        return _load(s, plan_id)


# --------------------------------------------------------------------------- stalls

def _check_stall(s: Session, plan_id: int, values: dict[str, Any], stall_id: int | None) -> None:
    stages = _stage_map(s, plan_id)
    stage = stages.get(values["stage"])
    if stage is None:
        raise PlanError(f"stage {values['stage']!r} is not in the stage map; add it there first")
    if stage.kind == "done":
        raise PlanError(f"{values['stage']!r} is a done status; a stall is time in an active or queue stage")
    entered, left = values["entered"], values["left"]
    if left is not None and left < entered:
        raise PlanError("'left' is before 'entered'")
    for other in s.scalars(select(AuditStall).where(AuditStall.plan_id == plan_id,
                                                    AuditStall.item == values["item"])):
        if other.id == stall_id:
            continue
        o = _stall_info(other)
        # half-open intervals [entered, left); None = still open
        if (left is None or o.entered < left) and (o.left is None or entered < o.left):
            until = o.left.isoformat(" ", "minutes") if o.left else "now (still open)"
            raise PlanError(
                f"{values['item']} was already in {o.stage!r} from "
                f"{o.entered.isoformat(' ', 'minutes')} to {until}; stalls of one item cannot overlap"
            )


def _clean_stall(values: dict[str, Any], tz: tzinfo | None) -> dict[str, Any]:
    """*values* cleaned by their declared fields, naive moments placed in *tz*."""
    out = STALL.clean(values)
    for key in ("entered", "left"):
        if out.get(key) is not None:
            out[key] = _aware(out[key], tz)
    return out


def _stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stall values as their columns hold them (moments as ISO 8601 text with the offset)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def add_stall(ws: Workspace, plan_id: int, item: str, stage: str, entered: datetime | str,
              left: datetime | str | None = None, note: str = "") -> int:
    """Record by hand that *item* sat in *stage* from *entered* to *left* (None:
    still there).  Naive times are in the plan's zone.  Returns the stall's id."""
    with ws.write() as s:
        plan = _plan(s, plan_id)
        values = _clean_stall({"item": item, "stage": stage, "entered": entered, "left": left,
                               "note": note}, _zone(plan.timezone))
        _check_stall(s, plan_id, values, None)
        row = AuditStall(plan_id=plan_id, **_stored(values))
        s.add(row)
        s.flush()
        return row.id


def update_stall(ws: Workspace, stall_id: int, changes: dict) -> dict:
    """Apply *changes* (``item``, ``stage``, ``entered``, ``left``, ``note``);
    return the previous value of each field that changed (pass it back to undo)."""
    with ws.write() as s:
        row = _get(s, AuditStall, stall_id, "stall")
        plan = _plan(s, row.plan_id)
        current = STALL.to_dict(_stall_info(row))
        cleaned = _clean_stall(dict(changes), _zone(plan.timezone))
        _check_stall(s, row.plan_id, {**current, **cleaned}, stall_id)
        before = {}
        for key, value in cleaned.items():
            old = current[key]
            if old != value or (isinstance(old, datetime) and isinstance(value, datetime)
                                and old.utcoffset() != value.utcoffset()):
                before[key] = old
                setattr(row, key, _stored({key: value})[key])
        return before


def delete_stall(ws: Workspace, stall_id: int) -> StallInfo:
    """Remove a stall; returns what :func:`restore_stall` needs."""
    with ws.write() as s:
        row = _get(s, AuditStall, stall_id, "stall")
        info = _stall_info(row)
        s.delete(row)
        return info


def restore_stall(ws: Workspace, stall: StallInfo) -> None:
    """Put back a deleted stall with its id."""
    with ws.write() as s:
        _plan(s, stall.plan_id)
        s.add(AuditStall(id=stall.id, plan_id=stall.plan_id, **_stored(STALL.to_dict(stall))))


def list_stalls(ws: Workspace, plan_id: int) -> list[StallInfo]:
    """The plan's hand-tracked stalls, by time entered."""
    with ws.read() as s:
        return _stalls(s, plan_id)


# --------------------------------------------------------------------------- analysis

def analysis_stages(stages: Mapping[str, Stage]) -> dict[str, Stage]:
    """The stage map the analysis uses: the stored one plus :data:`LEFT_STATUS`."""
    out = dict(stages)
    out[LEFT_STATUS] = LEFT_STAGE
    return out


def analyse_plan(ws: Workspace, plan_id: int, as_of: datetime | None = None) -> AuditResult | None:
    """The plan's audit figures (active log + stalls), or None when there is no
    data.  ``as_of`` defaults to the latest timestamp; a naive one is in the
    plan's zone.  Raises :class:`AuditError` when the data uses statuses that
    are no longer in the stage map."""
    with ws.read() as s:
        plan = _plan(s, plan_id)
        tz = _zone(plan.timezone)
        stages = _stage_map(s, plan_id)
        log = _active_import(s, plan_id)
        # Imported rows never change in place, so the import's id and size stand for the log.
        key = (str(ws.path), plan_id, plan.timezone, as_of, repr(sorted(stages.items())),
               (log.id, log.row_count, log.imported_at) if log is not None else None,
               tuple(_stalls(s, plan_id)))
        cached = _ANALYSES.get(key)
        if cached is not None:
            return cached
        transitions = _load(s, plan_id)
    if not transitions:
        return None
    if as_of is not None:
        as_of = _aware(as_of, tz)
    try:
        result = analyse(transitions, analysis_stages(stages), as_of)
    except UnknownStatusError as exc:
        raise AuditError(f"{exc}; map them in the stage map first") from None
    _ANALYSES.put(key, result)
    return result


class _Recent:
    """The last few analyses: the whole-log figures are computed once per log change,
    however many pages and the pack ask for them."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, {}, threading.Lock()

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.pop(next(iter(self._items)))


_ANALYSES = _Recent(4)


# --------------------------------------------------------------------------- bottleneck choice

def _choice_info(row: AuditChoice) -> BottleneckChoice:
    return BottleneckChoice(row.plan_id, row.from_department, row.to_department,
                            row.chosen_on, row.milestone_id)


def get_choice(ws: Workspace, plan_id: int) -> BottleneckChoice | None:
    with ws.read() as s:
        row = s.get(AuditChoice, plan_id)
        return _choice_info(row) if row is not None else None


def attack_title(from_department: str, to_department: str) -> str:
    return f"Attack the {from_department} → {to_department} handoff"


@dataclass(frozen=True)
class AttackPlan:
    """Where "Attack this" puts its milestone: due :data:`ATTACK_DAYS` after today, but
    inside the Audit step (by the step's end when it ends sooner). When the step is already
    over, the milestone needs the step extended to ``extend_to``; the page asks first."""

    due: date
    step_end: date
    extend_to: date | None
    baselined: bool


def _attack_plan(s: Session, plan: Plan, today: date) -> AttackPlan:
    plan_end = plan.start_date + timedelta(days=plan.horizon_days - 1)
    phase = s.scalars(select(Phase).where(Phase.plan_id == plan.id, Phase.step == "audit")).first()
    start, end = (phase.start_date, phase.end_date) if phase is not None else (plan.start_date, plan_end)
    wanted = min(max(today + timedelta(days=ATTACK_DAYS), start), max(plan_end, end))
    baselined = s.scalars(select(Milestone.id).where(Milestone.plan_id == plan.id,
                                                     Milestone.baseline_due.is_not(None)).limit(1)).first()
    if wanted <= end:
        return AttackPlan(wanted, end, None, baselined is not None)
    if today <= end:
        return AttackPlan(end, end, None, baselined is not None)  # fewer days, still inside the step
    return AttackPlan(wanted, end, wanted, baselined is not None)


def attack_plan(ws: Workspace, plan_id: int, today: date) -> AttackPlan:
    """What :func:`choose_bottleneck` will do on *today* (the page asks before extending the step)."""
    with ws.read() as s:
        return _attack_plan(s, _plan(s, plan_id), today)


def choose_bottleneck(ws: Workspace, plan_id: int, from_department: str, to_department: str,
                      today: date, *, extend_step: bool = True) -> tuple[BottleneckChoice | None, int]:
    """Record the handoff to attack first and add a Step-1 milestone
    "Attack the <from> → <to> handoff" owned by the Revenue Architect, due inside the Audit
    step (see :class:`AttackPlan`) and baselined at its due date when the plan has a baseline
    (so "Baseline set" stays ticked). When the step is over, *extend_step* moves its end to
    the milestone's due date; without it the choice is refused and nothing is stored.
    Returns (the previous choice, the new milestone's id) for :func:`undo_choice`."""
    src = clean_text(from_department, "the handoff's first department", required=True)
    dst = clean_text(to_department, "the handoff's second department", required=True)
    with ws.write() as s:
        plan = _plan(s, plan_id)
        row = s.get(AuditChoice, plan_id)
        previous = _choice_info(row) if row is not None else None
        if previous is not None and (previous.from_department, previous.to_department) == (src, dst):
            raise PlanError(f"the {src} → {dst} handoff is already the bottleneck to attack")
        where = _attack_plan(s, plan, today)
        if where.extend_to is not None:
            if not extend_step:
                raise PlanError(f"the Audit step ended on {where.step_end:%d %b %Y}: extend it to "
                                f"{where.extend_to:%d %b %Y} to hold the milestone")
            for phase in s.scalars(select(Phase).where(Phase.plan_id == plan_id, Phase.step == "audit")):
                phase.end_date = where.extend_to
        m = Milestone(plan_id=plan_id, step="audit", title=attack_title(src, dst),
                      owner=plan.revenue_architect, due_date=where.due, status="not started",
                      baseline_due=where.due if where.baselined else None,
                      notes=f"Chosen on {today.isoformat()} on the Audit page as the bottleneck to attack first.")
        s.add(m)
        s.flush()
        if row is None:
            s.add(AuditChoice(plan_id=plan_id, from_department=src, to_department=dst,
                              chosen_on=today, milestone_id=m.id))
        else:
            row.from_department, row.to_department = src, dst
            row.chosen_on, row.milestone_id = today, m.id
        return previous, m.id


def record_choice(ws: Workspace, plan_id: int, from_department: str, to_department: str,
                  chosen_on: date, milestone_id: int | None) -> BottleneckChoice:
    """Record the handoff chosen on *chosen_on*, hanging off an existing milestone of the plan
    (the demo's "Pick the bottleneck to attack first"); adds no milestone."""
    src = clean_text(from_department, "the handoff's first department", required=True)
    dst = clean_text(to_department, "the handoff's second department", required=True)
    with ws.write() as s:
        _plan(s, plan_id)
        if milestone_id is not None:
            m = s.get(Milestone, milestone_id)
            if m is None or m.plan_id != plan_id:
                raise PlanError(f"no milestone with id {milestone_id} in this plan")
        row = s.get(AuditChoice, plan_id)
        if row is None:
            row = AuditChoice(plan_id=plan_id)
            s.add(row)
        row.from_department, row.to_department = src, dst
        row.chosen_on, row.milestone_id = chosen_on, milestone_id
        s.flush()
        return _choice_info(row)


def undo_choice(ws: Workspace, plan_id: int, previous: BottleneckChoice | None,
                milestone_id: int, step_end: date | None = None) -> None:
    """Undo :func:`choose_bottleneck`: remove its milestone and put the previous
    choice (or none) back; *step_end* puts back the Audit step's end when the choice
    extended it (``AttackPlan.step_end``, read with :func:`attack_plan` before choosing)."""
    with ws.write() as s:
        if step_end is not None:
            for phase in s.scalars(select(Phase).where(Phase.plan_id == plan_id, Phase.step == "audit")):
                phase.end_date = step_end
        m = s.get(Milestone, milestone_id)
        if m is not None and m.plan_id == plan_id:
            s.delete(m)
        row = s.get(AuditChoice, plan_id)
        if previous is None:
            if row is not None:
                s.delete(row)
            return
        s.flush()
        mid = previous.milestone_id
        if mid is not None and s.get(Milestone, mid) is None:
            mid = None
        if row is None:
            s.add(AuditChoice(plan_id=plan_id, from_department=previous.from_department,
                              to_department=previous.to_department,
                              chosen_on=previous.chosen_on, milestone_id=mid))
        else:
            row.from_department, row.to_department = previous.from_department, previous.to_department
            row.chosen_on, row.milestone_id = previous.chosen_on, mid


# --------------------------------------------------------------------------- checklist

def _statuses_in_data(s: Session, plan_id: int) -> tuple[bool, set[str]]:
    """(has data, every status the active log and the stalls use)."""
    used: set[str] = set()
    row = _active_import(s, plan_id)
    if row is not None:
        t = AuditTransition
        used.update(s.scalars(select(t.to_status).where(t.import_id == row.id).distinct()))
        used.update(x for x in s.scalars(select(t.from_status).where(t.import_id == row.id).distinct()) if x)
    stall_stages = set(s.scalars(select(AuditStall.stage).where(AuditStall.plan_id == plan_id).distinct()))
    return row is not None or bool(stall_stages), used | stall_stages


def audit_checklist(ws: Workspace, plan_id: int) -> list[ChecklistItem]:
    """Step 1's checklist: stage map complete, a log imported or stalls
    tracked, bottleneck chosen."""
    with ws.read() as s:
        stages = _stage_map(s, plan_id)
        has_data, used = _statuses_in_data(s, plan_id)
        choice = s.get(AuditChoice, plan_id)
    kinds = {st.kind for st in stages.values()}
    unmapped = sorted(used - set(stages))
    complete = bool(stages) and not unmapped and {"active", "queue"} <= kinds
    if not stages:
        hint = "Map each workflow status to its department and kind (active, queue or done) on the Audit page."
    elif unmapped:
        shown = ", ".join(repr(x) for x in unmapped[:3]) + (" …" if len(unmapped) > 3 else "")
        hint = f"Map these statuses: {shown}."
    elif not complete:
        missing = [k for k in ("active", "queue") if k not in kinds]
        hint = f"The stage map needs at least one {' and one '.join(missing)} status."
    else:
        hint = ""
    return [
        ChecklistItem("Audit: stage map complete", complete, hint),
        ChecklistItem("Audit: a log imported or stalls tracked", has_data,
                      "" if has_data else "Import a work-item log, or track stalls by hand, on the Audit page."),
        ChecklistItem("Audit: bottleneck chosen", choice is not None,
                      "" if choice is not None
                      else "Pick the handoff to attack first (\"Attack this\" on the Audit page)."),
    ]
