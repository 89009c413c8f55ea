"""Plans, phases and milestones: one function per user action.

Every function takes an open ``Workspace``, runs in one transaction and returns
frozen dataclasses, never ORM objects. Functions that change data return what is
needed to undo them (previous values, snapshots), so undo steps stay thin.
Values are cleaned by the fields declared in ``models.plan.entities``.

``fetch``, ``Edit`` and ``assign`` serve every room's service: the plan is the
room every step may import.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.validation import PlanError
from models.core.workspace import Workspace
from models.plan.entities import MILESTONE, PHASE, PLAN
from models.plan.info import STEP_NAMES, STEPS, MilestoneInfo, PhaseInfo, PlanInfo, PlanView
from models.plan.schema import Milestone, Phase, Plan


DEFAULT_HORIZON = 90
#: (first day, last day) of each step, counted from day 1 = the plan's start date.
DEFAULT_PHASE_DAYS = {"audit": (1, 21), "squad": (15, 90), "lowcode": (30, 90)}
DEFAULT_GOALS = {
    "audit": "Find where work stalls between departments and measure the silo tax; pick the bottleneck to attack first.",
    "squad": "Run one cross-functional growth squad on one metric for 90 days and decide whether to expand the model.",
    "lowcode": "Let marketers ship most ideas self-serve so developers keep the complex work.",
}


@dataclass(frozen=True)
class PlanDraft:
    """What the New Plan dialog collects."""

    name: str
    start: date
    organisation: str = ""
    sponsor: str = ""
    revenue_architect: str = ""
    horizon_days: int = DEFAULT_HORIZON
    timezone: str = ""
    #: step -> (start, end, goal); steps left out get the defaults.
    phases: dict[str, tuple[date, date, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class MilestoneDraft:
    step: str
    title: str
    due: date
    owner: str = ""
    status: str = "not started"
    done_date: date | None = None
    notes: str = ""
    depends_on_id: int | None = None


#: field key -> ORM attribute, where they differ
PLAN_COLUMNS = {"start": "start_date"}
PHASE_COLUMNS = {"start": "start_date", "end": "end_date"}
MILESTONE_COLUMNS = {"due": "due_date"}


def default_phases(start: date, horizon_days: int = DEFAULT_HORIZON) -> dict[str, tuple[date, date, str]]:
    out = {}
    for step, (first, last) in DEFAULT_PHASE_DAYS.items():
        first, last = min(first, horizon_days), min(last, horizon_days)
        out[step] = (start + timedelta(days=first - 1), start + timedelta(days=last - 1), DEFAULT_GOALS[step])
    return out


# --------------------------------------------------------------------------- helpers every room may use

def fetch(s: Session, table: type, row_id: Any, name: str) -> Any:
    """The row of *table* with this id, or ``PlanError("no <name> with id <id>")``."""
    row = s.get(table, row_id) if row_id is not None else None
    if row is None:
        raise PlanError(f"no {name} with id {row_id}")
    return row


@dataclass(frozen=True)
class Edit:
    """The fields an edit changed, by key: their values before and after it.
    Undo puts ``before`` back; redo puts ``after`` back, exactly what the first edit stored."""

    before: dict[str, Any]
    after: dict[str, Any]


def assign(row: Any, values: Mapping[str, Any], columns: Mapping[str, str] | None = None) -> Edit:
    """Set each value that differs on an ORM *row* (``columns`` maps a field key to its
    attribute where the two differ); return what changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in values.items():
        column = (columns or {}).get(key, key)
        old = getattr(row, column)
        if old != value:
            before[key], after[key] = old, value
            setattr(row, column, value)
    return Edit(before, after)


def _by_column(values: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    return {columns.get(key, key): value for key, value in values.items()}


# --------------------------------------------------------------------------- conversions

def _plan_info(p: Plan) -> PlanInfo:
    return PlanInfo(p.id, p.name, p.organisation, p.sponsor, p.revenue_architect,
                    p.start_date, p.horizon_days, p.timezone)


def _phase_info(p: Phase) -> PhaseInfo:
    return PhaseInfo(p.id, p.plan_id, p.step, p.start_date, p.end_date, p.goal)


def _milestone_info(m: Milestone) -> MilestoneInfo:
    return MilestoneInfo(m.id, m.plan_id, m.step, m.title, m.owner, m.due_date, m.status,
                         m.done_date, m.notes, m.baseline_due, m.depends_on_id)


def _check_phase_range(step: str, start: date, end: date) -> None:
    if end < start:
        raise PlanError(f"{STEP_NAMES[step]}: the end date is before the start date")


# --------------------------------------------------------------------------- reading

def list_plans(ws: Workspace) -> list[PlanInfo]:
    with ws.read() as s:
        return [_plan_info(p) for p in s.scalars(select(Plan).order_by(Plan.id))]


def get_plan(ws: Workspace, plan_id: int) -> PlanInfo:
    with ws.read() as s:
        return _plan_info(fetch(s, Plan, plan_id, "plan"))


def find_plan(ws: Workspace, name: str | None = None) -> PlanInfo:
    """The plan called *name*, or the only plan when *name* is None."""
    plans = list_plans(ws)
    if name is None:
        if not plans:
            raise PlanError(f"{ws.path}: the workspace holds no plan")
        if len(plans) > 1:
            names = ", ".join(repr(p.name) for p in plans)
            raise PlanError(f"{ws.path}: holds several plans ({names}); choose one with --plan")
        return plans[0]
    for p in plans:
        if p.name == name:
            return p
    names = ", ".join(repr(p.name) for p in plans) or "none"
    raise PlanError(f"{ws.path}: no plan named {name!r} (plans: {names})")


def _phases(s: Session, plan_id: int) -> list[PhaseInfo]:
    rows = [_phase_info(p) for p in s.scalars(select(Phase).where(Phase.plan_id == plan_id))]
    return sorted(rows, key=lambda p: STEPS.index(p.step))


def _milestones(s: Session, plan_id: int) -> list[MilestoneInfo]:
    q = select(Milestone).where(Milestone.plan_id == plan_id).order_by(Milestone.id)
    return [_milestone_info(m) for m in s.scalars(q)]


def list_phases(ws: Workspace, plan_id: int) -> list[PhaseInfo]:
    with ws.read() as s:
        return _phases(s, plan_id)


def list_milestones(ws: Workspace, plan_id: int) -> list[MilestoneInfo]:
    with ws.read() as s:
        return _milestones(s, plan_id)


def plan_view(ws: Workspace, plan_id: int, recent: int = 0) -> PlanView:
    """The plan's phases and milestones and, with *recent*, its *recent* latest changes."""
    from models.core.recent import latest_changes

    with ws.read() as s:
        changes = tuple(latest_changes(s, plan_id, recent)) if recent else ()
        return PlanView(_phases(s, plan_id), _milestones(s, plan_id), changes)


def get_milestone(ws: Workspace, milestone_id: int) -> MilestoneInfo:
    with ws.read() as s:
        return _milestone_info(fetch(s, Milestone, milestone_id, "milestone"))


# --------------------------------------------------------------------------- plans

def create_plan(ws: Workspace, draft: PlanDraft) -> int:
    values = PLAN.clean({key: getattr(draft, key) for key in PLAN.keys})
    phases = default_phases(values["start"], values["horizon_days"])
    phases.update(draft.phases)
    with ws.write() as s:
        if s.scalar(select(Plan.id).where(Plan.name == values["name"])) is not None:
            raise PlanError(f"a plan named {values['name']!r} already exists in this workspace")
        plan = Plan(**_by_column(values, PLAN_COLUMNS), created_at=datetime.now().replace(microsecond=0))
        for step in STEPS:
            start, end, goal = phases[step]
            phase = PHASE.clean({"start": start, "end": end, "goal": goal})
            _check_phase_range(step, phase["start"], phase["end"])
            plan.phases.append(Phase(step=step, **_by_column(phase, PHASE_COLUMNS)))
        s.add(plan)
        s.flush()
        return plan.id


def update_plan(ws: Workspace, plan_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply *changes* (PlanInfo field names); return the previous values."""
    return update_plan_details(ws, plan_id, changes, {})[0]


def update_plan_details(ws: Workspace, plan_id: int, plan_changes: dict[str, Any],
                        phase_changes: dict[int, dict[str, Any]]) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """Edit the plan and its phases in one transaction; return the previous values."""
    with ws.write() as s:
        plan = fetch(s, Plan, plan_id, "plan")
        values = PLAN.clean(plan_changes)
        name = values.get("name", plan.name)
        if name != plan.name and s.scalar(select(Plan.id).where(Plan.name == name)) is not None:
            raise PlanError(f"a plan named {name!r} already exists in this workspace")
        plan_before = assign(plan, values, PLAN_COLUMNS).before
        phases_before: dict[int, dict[str, Any]] = {}
        for phase_id, changes in phase_changes.items():
            phase = s.get(Phase, phase_id)
            if phase is None or phase.plan_id != plan_id:
                raise PlanError(f"no phase with id {phase_id} in this plan")
            phases_before[phase_id] = assign(phase, PHASE.clean(changes), PHASE_COLUMNS).before
            _check_phase_range(phase.step, phase.start_date, phase.end_date)
        return plan_before, phases_before


def delete_plan(ws: Workspace, plan_id: int) -> None:
    with ws.write() as s:
        s.delete(fetch(s, Plan, plan_id, "plan"))


# --------------------------------------------------------------------------- milestones

def _check_dependency(s, milestone_id: int | None, plan_id: int, depends_on_id: int | None) -> None:
    if depends_on_id is None:
        return
    if depends_on_id == milestone_id:
        raise PlanError("a milestone cannot depend on itself")
    target = s.get(Milestone, depends_on_id)
    if target is None or target.plan_id != plan_id:
        raise PlanError("a milestone can depend only on another milestone of the same plan")
    seen = set()
    current = target
    while current is not None:
        if current.id == milestone_id:
            raise PlanError("that dependency would make a loop")
        if current.id in seen:
            break
        seen.add(current.id)
        current = s.get(Milestone, current.depends_on_id) if current.depends_on_id else None


def add_milestone(ws: Workspace, plan_id: int, draft: MilestoneDraft) -> int:
    values = MILESTONE.clean(asdict(draft))
    if values["status"] == "done" and values["done_date"] is None:
        values["done_date"] = values["due"]
    with ws.write() as s:
        fetch(s, Plan, plan_id, "plan")
        _check_dependency(s, None, plan_id, values["depends_on_id"])
        m = Milestone(plan_id=plan_id, **_by_column(values, MILESTONE_COLUMNS))
        s.add(m)
        s.flush()
        return m.id


def edit_milestone(ws: Workspace, milestone_id: int, changes: dict[str, Any],
                   today: date | None = None) -> Edit:
    """Apply *changes*; return the previous and the new value of every field that changed.

    Marking a milestone done records today as its done date when none is given;
    moving it out of done clears the done date.
    """
    with ws.write() as s:
        m = fetch(s, Milestone, milestone_id, "milestone")
        cleaned = MILESTONE.clean(changes)
        if "status" in cleaned and "done_date" not in cleaned:
            if cleaned["status"] == "done" and m.done_date is None:
                cleaned["done_date"] = today or date.today()
            elif cleaned["status"] != "done" and m.status == "done":
                cleaned["done_date"] = None
        if "depends_on_id" in cleaned:
            _check_dependency(s, milestone_id, m.plan_id, cleaned["depends_on_id"])
        return assign(m, cleaned, MILESTONE_COLUMNS)


def update_milestone(ws: Workspace, milestone_id: int, changes: dict[str, Any],
                     today: date | None = None) -> dict[str, Any]:
    """``edit_milestone``, returning only the previous values."""
    return edit_milestone(ws, milestone_id, changes, today).before


@dataclass(frozen=True)
class DeletedMilestone:
    milestone: MilestoneInfo
    dependents: tuple[int, ...]


def delete_milestone(ws: Workspace, milestone_id: int) -> DeletedMilestone:
    with ws.write() as s:
        m = fetch(s, Milestone, milestone_id, "milestone")
        dependents = tuple(s.scalars(select(Milestone.id).where(Milestone.depends_on_id == milestone_id)))
        s.delete(m)
        return DeletedMilestone(_milestone_info(m), dependents)


def restore_milestone(ws: Workspace, deleted: DeletedMilestone) -> None:
    """Put back a deleted milestone with its id and the dependencies on it."""
    info = deleted.milestone
    with ws.write() as s:
        values = {key: getattr(info, key) for key in MILESTONE.keys}
        s.add(Milestone(id=info.id, plan_id=info.plan_id, **_by_column(values, MILESTONE_COLUMNS)))
        s.flush()
        for dep_id in deleted.dependents:
            dep = s.get(Milestone, dep_id)
            if dep is not None:
                dep.depends_on_id = info.id


def set_baseline(ws: Workspace, plan_id: int) -> dict[int, date | None]:
    """Freeze every milestone's current due date as its baseline; return the old baselines."""
    with ws.write() as s:
        before = {}
        for m in s.scalars(select(Milestone).where(Milestone.plan_id == plan_id)):
            before[m.id] = m.baseline_due
            m.baseline_due = m.due_date
        return before


def restore_baselines(ws: Workspace, baselines: dict[int, date | None]) -> None:
    with ws.write() as s:
        for mid, value in baselines.items():
            m = s.get(Milestone, mid)
            if m is not None:
                m.baseline_due = value
