"""Plans, phases and milestones: one function per user action.

Every function takes an open ``Workspace``, runs in one transaction and returns
frozen dataclasses, never ORM objects. Functions that change data return what is
needed to undo them (previous values, snapshots), so undo commands stay thin.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from models.plan.schema import MILESTONE_STATUSES, STEP_NAMES, STEPS, Milestone, Phase, Plan
from models.core.validation import PlanError, clean_date, clean_text
from models.core.workspace import Workspace


DEFAULT_HORIZON = 90
#: (first day, last day) of each step, counted from day 1 = the plan's start date.
DEFAULT_PHASE_DAYS = {"audit": (1, 21), "squad": (15, 90), "lowcode": (30, 90)}
DEFAULT_GOALS = {
    "audit": "Find where work stalls between departments and measure the silo tax; pick the bottleneck to attack first.",
    "squad": "Run one cross-functional growth squad on one metric for 90 days and decide whether to expand the model.",
    "lowcode": "Let marketers ship most ideas self-serve so developers keep the complex work.",
}


@dataclass(frozen=True)
class PlanInfo:
    id: int
    name: str
    organisation: str
    sponsor: str
    revenue_architect: str
    start: date
    horizon_days: int
    timezone: str

    @property
    def end(self) -> date:
        """The last day of the horizon (day 90 of 90 by default)."""
        return self.start + timedelta(days=self.horizon_days - 1)


@dataclass(frozen=True)
class PhaseInfo:
    id: int
    plan_id: int
    step: str
    start: date
    end: date
    goal: str

    @property
    def name(self) -> str:
        return STEP_NAMES[self.step]


@dataclass(frozen=True)
class MilestoneInfo:
    id: int
    plan_id: int
    step: str
    title: str
    owner: str
    due: date
    status: str
    done_date: date | None = None
    notes: str = ""
    baseline_due: date | None = None
    depends_on_id: int | None = None

    @property
    def slip_days(self) -> int | None:
        if self.baseline_due is None:
            return None
        return (self.due - self.baseline_due).days

    def is_overdue(self, as_of: date) -> bool:
        return self.status != "done" and self.due < as_of


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


# Editable fields and their conversions from the dataclasses' names to columns.
PLAN_FIELDS = {
    "name": "name", "organisation": "organisation", "sponsor": "sponsor",
    "revenue_architect": "revenue_architect", "start": "start_date",
    "horizon_days": "horizon_days", "timezone": "timezone",
}
PHASE_FIELDS = {"start": "start_date", "end": "end_date", "goal": "goal"}
MILESTONE_FIELDS = {
    "step": "step", "title": "title", "owner": "owner", "due": "due_date", "status": "status",
    "done_date": "done_date", "notes": "notes", "baseline_due": "baseline_due",
    "depends_on_id": "depends_on_id",
}


def default_phases(start: date, horizon_days: int = DEFAULT_HORIZON) -> dict[str, tuple[date, date, str]]:
    out = {}
    for step, (first, last) in DEFAULT_PHASE_DAYS.items():
        first, last = min(first, horizon_days), min(last, horizon_days)
        out[step] = (start + timedelta(days=first - 1), start + timedelta(days=last - 1), DEFAULT_GOALS[step])
    return out


# --------------------------------------------------------------------------- conversions

def _plan_info(p: Plan) -> PlanInfo:
    return PlanInfo(p.id, p.name, p.organisation, p.sponsor, p.revenue_architect,
                    p.start_date, p.horizon_days, p.timezone)


def _phase_info(p: Phase) -> PhaseInfo:
    return PhaseInfo(p.id, p.plan_id, p.step, p.start_date, p.end_date, p.goal)


def _milestone_info(m: Milestone) -> MilestoneInfo:
    return MilestoneInfo(m.id, m.plan_id, m.step, m.title, m.owner, m.due_date, m.status,
                         m.done_date, m.notes, m.baseline_due, m.depends_on_id)


# --------------------------------------------------------------------------- validation

def _check_step(step: Any) -> str:
    if step not in STEPS:
        raise PlanError(f"step must be one of {', '.join(STEPS)}, not {step!r}")
    return step


def _check_status(status: Any) -> str:
    if status not in MILESTONE_STATUSES:
        raise PlanError(f"status must be one of {', '.join(MILESTONE_STATUSES)}, not {status!r}")
    return status


def _check_horizon(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise PlanError(f"horizon must be a whole number of days, not {value!r}") from None
    if not 1 <= days <= 730:
        raise PlanError("horizon must be between 1 and 730 days")
    return days


def _check_phase_range(step: str, start: date, end: date) -> None:
    if end < start:
        raise PlanError(f"{STEP_NAMES[step]}: the end date is before the start date")


def _clean_plan_value(key: str, value: Any) -> Any:
    if key == "name":
        return clean_text(value, "plan name", required=True, limit=200)
    if key in ("organisation", "sponsor", "revenue_architect", "timezone"):
        return clean_text(value, key.replace("_", " "), limit=200)
    if key == "start":
        return clean_date(value, "start date")
    if key == "horizon_days":
        return _check_horizon(value)
    raise PlanError(f"unknown plan field {key!r}")


def _clean_milestone_value(key: str, value: Any) -> Any:
    if key == "step":
        return _check_step(value)
    if key == "title":
        return clean_text(value, "milestone title", required=True, limit=300)
    if key in ("owner",):
        return clean_text(value, "owner", limit=200)
    if key == "notes":
        return clean_text(value, "notes", limit=10000)
    if key == "due":
        return clean_date(value, "due date")
    if key in ("done_date", "baseline_due"):
        return clean_date(value, key.replace("_", " "), optional=True)
    if key == "status":
        return _check_status(value)
    if key == "depends_on_id":
        return None if value in (None, "", 0) else int(value)
    raise PlanError(f"unknown milestone field {key!r}")


# --------------------------------------------------------------------------- reading

def list_plans(ws: Workspace) -> list[PlanInfo]:
    with ws.read() as s:
        return [_plan_info(p) for p in s.scalars(select(Plan).order_by(Plan.id))]


def get_plan(ws: Workspace, plan_id: int) -> PlanInfo:
    with ws.read() as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise PlanError(f"no plan with id {plan_id}")
        return _plan_info(plan)


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


def list_phases(ws: Workspace, plan_id: int) -> list[PhaseInfo]:
    order = {s: i for i, s in enumerate(STEPS)}
    with ws.read() as s:
        rows = [_phase_info(p) for p in s.scalars(select(Phase).where(Phase.plan_id == plan_id))]
    return sorted(rows, key=lambda p: order[p.step])


def list_milestones(ws: Workspace, plan_id: int) -> list[MilestoneInfo]:
    with ws.read() as s:
        q = select(Milestone).where(Milestone.plan_id == plan_id).order_by(Milestone.id)
        return [_milestone_info(m) for m in s.scalars(q)]


def get_milestone(ws: Workspace, milestone_id: int) -> MilestoneInfo:
    with ws.read() as s:
        m = s.get(Milestone, milestone_id)
        if m is None:
            raise PlanError(f"no milestone with id {milestone_id}")
        return _milestone_info(m)


# --------------------------------------------------------------------------- plans

def create_plan(ws: Workspace, draft: PlanDraft) -> int:
    name = _clean_plan_value("name", draft.name)
    start = clean_date(draft.start, "start date")
    horizon = _check_horizon(draft.horizon_days)
    phases = default_phases(start, horizon)
    phases.update(draft.phases)
    with ws.write() as s:
        if s.scalar(select(Plan.id).where(Plan.name == name)) is not None:
            raise PlanError(f"a plan named {name!r} already exists in this workspace")
        plan = Plan(
            name=name,
            organisation=_clean_plan_value("organisation", draft.organisation),
            sponsor=_clean_plan_value("sponsor", draft.sponsor),
            revenue_architect=_clean_plan_value("revenue_architect", draft.revenue_architect),
            start_date=start, horizon_days=horizon,
            timezone=_clean_plan_value("timezone", draft.timezone),
            created_at=datetime.now().replace(microsecond=0),
        )
        for step in STEPS:
            p_start, p_end, goal = phases[step]
            p_start, p_end = clean_date(p_start, "phase start"), clean_date(p_end, "phase end")
            _check_phase_range(step, p_start, p_end)
            plan.phases.append(Phase(step=step, start_date=p_start, end_date=p_end,
                                     goal=clean_text(goal, "goal", limit=2000)))
        s.add(plan)
        s.flush()
        return plan.id


def update_plan(ws: Workspace, plan_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply *changes* (PlanInfo field names); return the previous values."""
    return update_plan_details(ws, plan_id, changes, {})[0]



def delete_plan(ws: Workspace, plan_id: int) -> None:
    with ws.write() as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise PlanError(f"no plan with id {plan_id}")
        s.delete(plan)


# --------------------------------------------------------------------------- milestones

def _check_dependency(s, milestone_id: int | None, plan_id: int, depends_on_id: int | None) -> None:
    if depends_on_id is None:
        return
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
    values = {k: _clean_milestone_value(k, getattr(draft, k)) for k in
              ("step", "title", "owner", "due", "status", "done_date", "notes", "depends_on_id")}
    if values["status"] == "done" and values["done_date"] is None:
        values["done_date"] = values["due"]
    with ws.write() as s:
        if s.get(Plan, plan_id) is None:
            raise PlanError(f"no plan with id {plan_id}")
        _check_dependency(s, None, plan_id, values["depends_on_id"])
        m = Milestone(plan_id=plan_id, **{MILESTONE_FIELDS[k]: v for k, v in values.items()})
        s.add(m)
        s.flush()
        return m.id


def update_milestone(ws: Workspace, milestone_id: int, changes: dict[str, Any],
                     today: date | None = None) -> dict[str, Any]:
    """Apply *changes*; return the previous value of every field that changed.

    Marking a milestone done records today as its done date when none is given;
    moving it out of done clears the done date.
    """
    with ws.write() as s:
        m = s.get(Milestone, milestone_id)
        if m is None:
            raise PlanError(f"no milestone with id {milestone_id}")
        cleaned = {k: _clean_milestone_value(k, v) for k, v in changes.items()}
        if "status" in cleaned and "done_date" not in cleaned:
            if cleaned["status"] == "done" and m.done_date is None:
                cleaned["done_date"] = today or date.today()
            elif cleaned["status"] != "done" and m.status == "done":
                cleaned["done_date"] = None
        if "depends_on_id" in cleaned:
            if cleaned["depends_on_id"] == milestone_id:
                raise PlanError("a milestone cannot depend on itself")
            _check_dependency(s, milestone_id, m.plan_id, cleaned["depends_on_id"])
        before = {}
        for key, value in cleaned.items():
            column = MILESTONE_FIELDS[key]
            old = getattr(m, column)
            if old != value:
                before[key] = old
                setattr(m, column, value)
        return before


@dataclass(frozen=True)
class DeletedMilestone:
    milestone: MilestoneInfo
    dependents: tuple[int, ...]


def delete_milestone(ws: Workspace, milestone_id: int) -> DeletedMilestone:
    with ws.write() as s:
        m = s.get(Milestone, milestone_id)
        if m is None:
            raise PlanError(f"no milestone with id {milestone_id}")
        info = _milestone_info(m)
        dependents = tuple(s.scalars(select(Milestone.id).where(Milestone.depends_on_id == milestone_id)))
        s.delete(m)
        return DeletedMilestone(info, dependents)


def restore_milestone(ws: Workspace, deleted: DeletedMilestone) -> None:
    """Put back a deleted milestone with its id and the dependencies on it."""
    info = deleted.milestone
    with ws.write() as s:
        values = {MILESTONE_FIELDS[f.name]: getattr(info, f.name)
                  for f in fields(info) if f.name in MILESTONE_FIELDS}
        s.add(Milestone(id=info.id, plan_id=info.plan_id, **values))
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



def plan_day(plan: PlanInfo, as_of: date) -> int:
    """Day N of the plan: the start date is day 1."""
    return (as_of - plan.start).days + 1



def update_plan_details(ws: Workspace, plan_id: int, plan_changes: dict[str, Any],
                        phase_changes: dict[int, dict[str, Any]]) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """Edit the plan and its phases in one transaction; return the previous values."""
    with ws.write() as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise PlanError(f"no plan with id {plan_id}")
        plan_before = {}
        for key, value in plan_changes.items():
            if key not in PLAN_FIELDS:
                raise PlanError(f"unknown plan field {key!r}")
            value = _clean_plan_value(key, value)
            if key == "name" and value != plan.name and s.scalar(
                    select(Plan.id).where(Plan.name == value)) is not None:
                raise PlanError(f"a plan named {value!r} already exists in this workspace")
            plan_before[key] = getattr(plan, PLAN_FIELDS[key])
            setattr(plan, PLAN_FIELDS[key], value)
        phases_before: dict[int, dict[str, Any]] = {}
        for phase_id, changes in phase_changes.items():
            phase = s.get(Phase, phase_id)
            if phase is None or phase.plan_id != plan_id:
                raise PlanError(f"no phase with id {phase_id} in this plan")
            before = {}
            for key, value in changes.items():
                if key not in PHASE_FIELDS:
                    raise PlanError(f"unknown phase field {key!r}")
                value = (clean_text(value, "goal", limit=2000) if key == "goal"
                         else clean_date(value, f"phase {key} date"))
                before[key] = getattr(phase, PHASE_FIELDS[key])
                setattr(phase, PHASE_FIELDS[key], value)
            _check_phase_range(phase.step, phase.start_date, phase.end_date)
            phases_before[phase_id] = before
        return plan_before, phases_before
