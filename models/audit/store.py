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
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models.audit.analysis import AuditResult, Stage, Transition, UnknownStatusError, analyse
from models.audit.readers import Cancelled, LogError, Problem, TransitionList, check_statuses
from models.core.validation import clean_text
from models.plan.service import PlanError
from models.audit.schema import AUDIT_KINDS, AuditChoice, AuditImport, AuditStage, AuditStall, AuditTransition
from models.plan.schema import Milestone, Plan
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
    "choose_bottleneck",
    "undo_choice",
    "audit_checklist",
]

#: The synthetic ``done`` status a hand-tracked stall enters when it is left.
LEFT_STATUS = "(left)"
LEFT_STAGE = Stage(LEFT_STATUS, "", "done")
#: "Attack this" adds a Step-1 milestone due this many days after today.
ATTACK_DAYS = 14
#: Rows per INSERT executemany (progress and cancel are checked between chunks).
CHUNK = 5000
STALL_FIELDS = ("item", "stage", "entered", "left", "note")


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


def _plan(s: Session, plan_id: int) -> Plan:
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise PlanError(f"no plan with id {plan_id}")
    return plan


def plan_timezone(ws: Workspace, plan_id: int) -> tzinfo | None:
    """The plan's time zone for naive timestamps, or None for the computer's."""
    with ws.read() as s:
        return _zone(_plan(s, plan_id).timezone)


def _moment(value: Any, label: str, tz: tzinfo | None, *, optional: bool = False) -> datetime | None:
    """A datetime (or ISO 8601 text) made timezone-aware."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise PlanError(f"{label} is required")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PlanError(f"{label} must be a date and time such as 2026-03-02 09:30, "
                            f"not {value!r}") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise PlanError(f"{label} must be a date and time, not {value!r}")
    return _aware(value, tz)


def _name(source: str) -> str:
    return Path(source).name or source


# --------------------------------------------------------------------------- stage map

def _stage_map(s: Session, plan_id: int) -> dict[str, Stage]:
    q = (select(AuditStage.status, AuditStage.department, AuditStage.kind)
         .where(AuditStage.plan_id == plan_id)
         .order_by(AuditStage.position, AuditStage.id))
    return {status: Stage(status, dept, kind) for status, dept, kind in s.execute(q)}


def get_stage_map(ws: Workspace, plan_id: int) -> dict[str, Stage]:
    """``{status: Stage}`` in position order (empty when the plan has no map)."""
    with ws.read() as s:
        return _stage_map(s, plan_id)


def _clean_stages(stages: Sequence[Stage] | Mapping[str, Stage]) -> list[Stage]:
    if isinstance(stages, Mapping):
        stages = list(stages.values())
    out: list[Stage] = []
    seen: set[str] = set()
    for i, st in enumerate(stages):
        if not isinstance(st, Stage):
            raise PlanError(f"stage {i + 1} is not a Stage")
        status = clean_text(st.status, f"stage {i + 1}: the status", required=True)
        if status == LEFT_STATUS:
            raise PlanError(f"{LEFT_STATUS!r} is reserved for hand-tracked stalls; rename that status")
        if status in seen:
            raise PlanError(f"status {status!r} appears twice in the stage map")
        seen.add(status)
        if st.kind not in AUDIT_KINDS:
            raise PlanError(f"{status}: kind must be one of {', '.join(AUDIT_KINDS)}, not {st.kind!r}")
        dept = clean_text(st.department, f"{status}: the department", required=st.kind != "done")
        out.append(Stage(status, dept, st.kind))
    return out


def _replace_stage_map(s: Session, plan_id: int, stages: list[Stage]) -> dict[str, Stage]:
    previous = _stage_map(s, plan_id)
    s.execute(delete(AuditStage).where(AuditStage.plan_id == plan_id))
    if stages:
        s.execute(insert(AuditStage), [
            {"plan_id": plan_id, "status": st.status, "department": st.department,
             "kind": st.kind, "position": i}
            for i, st in enumerate(stages)
        ])
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
    lines = getattr(transitions, "lines", None)
    if not lines or len(lines) != total:
        lines = [None] * total
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
    # Core executemany with positional rows: SQLAlchemy's per-row parameter
    # processing for dicts cost as much as SQLite's own insert (bench/audit.py).
    conn = s.connection()
    naive: list[Problem] = []
    for start in range(0, total, CHUNK):
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        chunk = []
        for k in range(start, min(start + CHUNK, total)):
            t = transitions[k]
            at = t.at
            if at.tzinfo is None:
                naive.append(Problem(name, lines[k], "at", at.isoformat(),
                                     "timestamp without a time zone"))
                continue
            chunk.append((iid, t.item, at.isoformat(), t.from_status, t.to_status, t.title, t.type, lines[k]))
        if naive:
            raise LogError(naive)
        conn.exec_driver_sql(_INSERT_TRANSITION, chunk)
        if progress is not None:
            progress(min(start + CHUNK, total), total)
    return _import_info(row)


def store_log(
    ws: Workspace,
    plan_id: int,
    transitions: Sequence[Transition],
    *,
    source: str,
    format: str,
    settings: dict,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ImportInfo:
    """Store a log as the plan's new active import, in one transaction.

    Every status (from and to) must be in the plan's stage map, otherwise
    :class:`LogError` lists the unknown statuses with their first line; an
    ``is_cancelled()`` that turns true raises :class:`Cancelled`.  Either way
    nothing is stored.  ``progress(rows stored, total)`` is called after each
    chunk.  ``settings`` (column mapping, date format, sheet…) is kept as JSON.
    """
    with ws.write() as s:
        _plan(s, plan_id)
        return _store_log(s, plan_id, _stage_map(s, plan_id), transitions, source=source,
                          format=format, settings=settings, progress=progress,
                          is_cancelled=is_cancelled)


def store_import(
    ws: Workspace,
    plan_id: int,
    stages: Sequence[Stage] | Mapping[str, Stage],
    transitions: Sequence[Transition],
    *,
    source: str,
    format: str,
    settings: dict,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    imported_at: datetime | None = None,
) -> tuple[ImportInfo, dict[str, Stage]]:
    """Replace the stage map and store the log in ONE transaction (all or
    nothing).  Returns the import and the previous stage map; undo is
    ``delete_import(ws, info.id)`` then ``set_stage_map(ws, plan_id, previous)``.
    ``imported_at`` (naive local time, default now) is for the demo."""
    cleaned = _clean_stages(stages)
    with ws.write() as s:
        _plan(s, plan_id)
        previous = _replace_stage_map(s, plan_id, cleaned)
        info = _store_log(s, plan_id, {st.status: st for st in cleaned}, transitions,
                          source=source, format=format, settings=settings,
                          progress=progress, is_cancelled=is_cancelled, imported_at=imported_at)
        return info, previous


def delete_import(ws: Workspace, import_id: int) -> None:
    """Remove an import and its rows (undo of an import); the previous import,
    if any, becomes the active log again."""
    with ws.write() as s:
        row = s.get(AuditImport, import_id)
        if row is None:
            raise PlanError(f"no import with id {import_id}")
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


def _import_rows(s: Session, import_id: int) -> list[tuple]:
    t = AuditTransition
    q = (select(t.item, t.at, t.from_status, t.to_status, t.title, t.type, t.line)
         .where(t.import_id == import_id).order_by(t.id))
    return list(s.execute(q))


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
    out = TransitionList(file=row.source if row else "", format=row.format if row else "")
    if row is not None:
        parse = datetime.fromisoformat
        for item, at, f, to, title, typ, line in _import_rows(s, row.id):
            out.append(Transition(item, parse(at), f, to, title, typ))
            out.lines.append(line)
    stall_rows = _stall_transitions(_stalls(s, plan_id))
    out.extend(stall_rows)
    out.lines.extend([None] * len(stall_rows))
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
    out = {}
    for key, value in values.items():
        if key == "item":
            out[key] = clean_text(value, "item", required=True)
        elif key == "stage":
            out[key] = clean_text(value, "stage", required=True)
        elif key == "entered":
            out[key] = _moment(value, "entered", tz)
        elif key == "left":
            out[key] = _moment(value, "left", tz, optional=True)
        elif key == "note":
            out[key] = clean_text(value, "note", limit=10000)
        else:
            raise PlanError(f"unknown stall field {key!r}")
    return out


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def add_stall(ws: Workspace, plan_id: int, item: str, stage: str, entered: datetime | str,
              left: datetime | str | None = None, note: str = "") -> int:
    """Record by hand that *item* sat in *stage* from *entered* to *left* (None:
    still there).  Naive times are in the plan's zone.  Returns the stall's id."""
    with ws.write() as s:
        plan = _plan(s, plan_id)
        values = _clean_stall({"item": item, "stage": stage, "entered": entered, "left": left,
                               "note": note}, _zone(plan.timezone))
        _check_stall(s, plan_id, values, None)
        row = AuditStall(plan_id=plan_id, item=values["item"], stage=values["stage"],
                         entered=_iso(values["entered"]), left=_iso(values["left"]),
                         note=values["note"])
        s.add(row)
        s.flush()
        return row.id


def update_stall(ws: Workspace, stall_id: int, changes: dict) -> dict:
    """Apply *changes* (``item``, ``stage``, ``entered``, ``left``, ``note``);
    return the previous value of each field that changed (pass it back to undo)."""
    with ws.write() as s:
        row = s.get(AuditStall, stall_id)
        if row is None:
            raise PlanError(f"no stall with id {stall_id}")
        plan = _plan(s, row.plan_id)
        current = _stall_info(row)
        cleaned = _clean_stall(dict(changes), _zone(plan.timezone))
        merged = {k: getattr(current, k) for k in STALL_FIELDS}
        merged.update(cleaned)
        _check_stall(s, row.plan_id, merged, stall_id)
        before = {}
        for key, value in cleaned.items():
            old = getattr(current, key)
            if old != value or (isinstance(old, datetime) and isinstance(value, datetime)
                                and old.utcoffset() != value.utcoffset()):
                before[key] = old
                setattr(row, key, _iso(value) if key in ("entered", "left") else value)
        return before


def delete_stall(ws: Workspace, stall_id: int) -> StallInfo:
    """Remove a stall; returns what :func:`restore_stall` needs."""
    with ws.write() as s:
        row = s.get(AuditStall, stall_id)
        if row is None:
            raise PlanError(f"no stall with id {stall_id}")
        info = _stall_info(row)
        s.delete(row)
        return info


def restore_stall(ws: Workspace, stall: StallInfo) -> None:
    """Put back a deleted stall with its id."""
    with ws.write() as s:
        _plan(s, stall.plan_id)
        s.add(AuditStall(id=stall.id, plan_id=stall.plan_id, item=stall.item, stage=stall.stage,
                         entered=_iso(stall.entered), left=_iso(stall.left), note=stall.note))


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


def choose_bottleneck(ws: Workspace, plan_id: int, from_department: str, to_department: str,
                      today: date) -> tuple[BottleneckChoice | None, int]:
    """Record the handoff to attack first and add a Step-1 milestone
    "Attack the <from> → <to> handoff" owned by the Revenue Architect, due
    :data:`ATTACK_DAYS` days after *today* (kept within the plan).  Returns
    (the previous choice, the new milestone's id) for :func:`undo_choice`."""
    src = clean_text(from_department, "the handoff's first department", required=True)
    dst = clean_text(to_department, "the handoff's second department", required=True)
    with ws.write() as s:
        plan = _plan(s, plan_id)
        row = s.get(AuditChoice, plan_id)
        previous = _choice_info(row) if row is not None else None
        if previous is not None and (previous.from_department, previous.to_department) == (src, dst):
            raise PlanError(f"the {src} → {dst} handoff is already the bottleneck to attack")
        end = plan.start_date + timedelta(days=plan.horizon_days - 1)
        due = min(max(today + timedelta(days=ATTACK_DAYS), plan.start_date), end)
        m = Milestone(plan_id=plan_id, step="audit", title=attack_title(src, dst),
                      owner=plan.revenue_architect, due_date=due, status="not started",
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


def undo_choice(ws: Workspace, plan_id: int, previous: BottleneckChoice | None,
                milestone_id: int) -> None:
    """Undo :func:`choose_bottleneck`: remove its milestone and put the previous
    choice (or none) back."""
    with ws.write() as s:
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
