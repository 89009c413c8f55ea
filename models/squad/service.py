"""Step 2, pilot one squad: the charter, members, weekly check-ins, changes shipped
and the day-90 verdict. One function per user action, no Qt.

Every function takes an open ``Workspace``, runs in one transaction and returns
frozen dataclasses. Functions that change data return what undo needs (the
previous values, or the deleted row to put back with its id).

The figures (forecast, progress, on track, required weekly rate, role coverage,
velocity, verdict suggestion) come from ``models.squad.metrics``; this module
only feeds it the stored rows. A squad's figures exist once its metric has a
baseline, a target and both dates; role coverage always.

Also here: the squad's part of ``ninety summary --json`` (``squad``, and
``squads`` when a plan has several), its ``plan dump``/``load`` section
(``squads``) and the demo squad.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.fields import Entity, FieldError
from models.plan.service import PlanError, PlanInfo
from models.plan.schema import Plan
from models.squad.schema import Squad, SquadAutonomy, SquadChange, SquadCheckIn, SquadMember
from models.squad.verdict import verdict_rationale
from models.squad.entities import AUTONOMY, CHANGE, CHECKIN, MEMBER, SQUAD
from models.squad.metrics import (
    Change,
    CheckIn,
    Member,
    Metric,
    RoleWarning,
    SquadFigures,
    checkins_in_last_two_weeks,
    role_coverage,
    squad_figures,
    target_path,
)
from models.core.feature import ChecklistItem
from models.core.transfer import DocReader, Section
from models.core.workspace import Workspace

#: The day of the plan on which the pilot is reviewed (day 1 = the start date).
REVIEW_DAY = 90
DEFAULT_SQUAD_NAME = "Growth squad"
#: Decisions a new squad should be able to take without asking; none granted yet.
DEFAULT_AUTONOMY = (
    "Ship to production without the IT release train",
    "Change copy and design",
    "Run A/B tests",
    "Spend up to an agreed budget without sign-off",
)
VERDICT_TEXT = {
    "expand": "Expand: form more squads on this model",
    "iterate": "Iterate: keep the squad, change the approach",
    "stop": "Stop: return the people to their departments",
}


# --------------------------------------------------------------------------- dataclasses

@dataclass(frozen=True)
class SquadInfo:
    id: int
    plan_id: int
    name: str
    problem: str
    metric_name: str
    metric_unit: str
    direction: str
    baseline: float | None
    baseline_date: date | None
    target: float | None
    target_date: date | None
    reporting_line: str
    verdict: str | None
    verdict_rationale: str
    verdict_date: date | None

    @property
    def metric(self) -> Metric | None:
        """The metric for ``squad_metrics``, once baseline, target and both dates are set."""
        if None in (self.baseline, self.baseline_date, self.target, self.target_date):
            return None
        return Metric(self.metric_name, self.metric_unit, self.direction, self.baseline,
                      self.baseline_date, self.target, self.target_date)

    @property
    def baselined(self) -> bool:
        return self.baseline is not None and self.baseline_date is not None


@dataclass(frozen=True)
class AutonomyInfo:
    id: int
    squad_id: int
    decision: str
    granted: bool
    position: int


@dataclass(frozen=True)
class MemberInfo:
    id: int
    squad_id: int
    name: str
    role: str
    department: str
    allocation: float


@dataclass(frozen=True)
class CheckInInfo:
    id: int
    squad_id: int
    date: date
    value: float
    confidence: int
    morale: int
    blockers: str
    note: str


@dataclass(frozen=True)
class ChangeInfo:
    id: int
    squad_id: int
    date: date
    title: str
    hypothesis: str
    expected_effect: str
    outcome: str
    measured_effect: str


@dataclass(frozen=True)
class AutonomyItem:
    """One line of the autonomy list as the charter dialog hands it in (id kept on undo)."""

    decision: str
    granted: bool = False
    id: int | None = None


@dataclass(frozen=True)
class SquadDraft:
    """A new squad. Left empty: target date = the plan's day 90, reporting line = the
    plan's Revenue Architect, autonomy = ``DEFAULT_AUTONOMY`` (none granted)."""

    name: str = DEFAULT_SQUAD_NAME
    problem: str = ""
    metric_name: str = ""
    metric_unit: str = ""
    direction: str = "up"
    baseline: float | None = None
    baseline_date: date | None = None
    target: float | None = None
    target_date: date | None = None
    reporting_line: str | None = None
    autonomy: tuple[AutonomyItem, ...] | None = None


@dataclass(frozen=True)
class MemberDraft:
    name: str
    role: str
    department: str = ""
    allocation: float = 100.0


@dataclass(frozen=True)
class CheckInDraft:
    date: date
    value: float
    confidence: int = 5
    morale: int = 3
    blockers: str = ""
    note: str = ""


@dataclass(frozen=True)
class ChangeDraft:
    date: date
    title: str
    hypothesis: str = ""
    expected_effect: str = ""
    outcome: str = "pending"
    measured_effect: str = ""


@dataclass(frozen=True)
class SquadSnapshot:
    """A deleted squad with every row hanging off it, to be put back with its ids."""

    squad: SquadInfo
    autonomy: tuple[AutonomyInfo, ...]
    members: tuple[MemberInfo, ...]
    checkins: tuple[CheckInInfo, ...]
    changes: tuple[ChangeInfo, ...]


@dataclass(frozen=True)
class SquadEdit:
    """What an edit of the squad's own fields replaced: ``before`` maps field names to
    old values; ``autonomy`` is the old list when the edit replaced it."""

    before: dict[str, Any]
    autonomy: tuple[AutonomyInfo, ...] | None = None


@dataclass(frozen=True)
class SquadState:
    """Everything the Squad page shows, read in one transaction, as of a date."""

    squad: SquadInfo
    plan: PlanInfo
    as_of: date
    autonomy: tuple[AutonomyInfo, ...]
    members: tuple[MemberInfo, ...]
    #: the whole history, oldest first (also check-ins after ``as_of``)
    checkins: tuple[CheckInInfo, ...]
    changes: tuple[ChangeInfo, ...]
    #: None until the metric has a baseline, a target and both dates
    figures: SquadFigures | None
    roles_missing: tuple[str, ...]
    role_warnings: tuple[RoleWarning, ...]
    #: the charter parts still empty, in words ("the problem", …)
    charter_gaps: tuple[str, ...]
    recent_checkins: bool
    review_date: date = field(default=date.min)

    @property
    def charter_complete(self) -> bool:
        return not self.charter_gaps

    @property
    def verdict_after_review(self) -> bool:
        s = self.squad
        return s.verdict is not None and s.verdict_date is not None and s.verdict_date >= self.review_date


# --------------------------------------------------------------------------- conversions

def _info(cls, row):
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def _squad_info(s: Squad) -> SquadInfo:
    return _info(SquadInfo, s)


def _autonomy_info(a: SquadAutonomy) -> AutonomyInfo:
    return AutonomyInfo(a.id, a.squad_id, a.decision, bool(a.granted), a.position)


# --------------------------------------------------------------------------- validation

# Every field's rule is declared once in ``models.squad.entities``.
CHARTER_FIELDS = tuple(k for k in SQUAD.keys if not k.startswith("verdict"))
VERDICT_FIELDS = ("verdict", "verdict_rationale", "verdict_date")


@dataclass(frozen=True)
class _Kind:
    """A kind of row hanging off a squad: its table, dataclass and declared fields."""

    orm: type
    info: type
    entity: Entity

    @property
    def label(self) -> str:
        return self.entity.name


ROW_KINDS: dict[str, _Kind] = {
    "member": _Kind(SquadMember, MemberInfo, MEMBER),
    "checkin": _Kind(SquadCheckIn, CheckInInfo, CHECKIN),
    "change": _Kind(SquadChange, ChangeInfo, CHANGE),
}


def check_metric(direction: str, baseline: float | None, baseline_date: date | None,
                  target: float | None, target_date: date | None) -> None:
    """Refuse a metric that cannot be read: target on the wrong side, dates reversed."""
    if baseline_date is not None and target_date is not None and target_date <= baseline_date:
        raise PlanError("the target date must be after the baseline date")
    if baseline is None or target is None:
        return
    if target == baseline:
        raise PlanError("the target must differ from the baseline")
    if direction == "up" and target < baseline:
        raise PlanError(f"the metric should go up, so the target must be above the baseline ({baseline:g})")
    if direction == "down" and target > baseline:
        raise PlanError(f"the metric should go down, so the target must be below the baseline ({baseline:g})")


def _check_squad_row(s: Session, squad: Squad) -> None:
    check_metric(squad.direction, squad.baseline, squad.baseline_date, squad.target, squad.target_date)
    if squad.baseline_date is not None:
        early = s.scalar(select(SquadCheckIn.date).where(
            SquadCheckIn.squad_id == squad.id, SquadCheckIn.date < squad.baseline_date
        ).order_by(SquadCheckIn.date).limit(1))
        if early is not None:
            raise PlanError(f"a check-in is dated {early.isoformat()}, before the baseline date "
                            f"{squad.baseline_date.isoformat()}; move or delete it first")


def _check_unique_name(s: Session, plan_id: int, name: str, squad_id: int | None = None) -> None:
    """Squad names are unique within a plan: other features refer to a squad by its name."""
    other = s.scalar(select(Squad.id).where(Squad.plan_id == plan_id, Squad.name == name))
    if other is not None and other != squad_id:
        raise PlanError(f"the plan already has a squad named {name!r}")


def _check_checkin_date(squad: Squad, day: date) -> None:
    if squad.baseline_date is not None and day < squad.baseline_date:
        raise PlanError(f"a check-in cannot be dated before the baseline date "
                        f"({squad.baseline_date.isoformat()})")


# --------------------------------------------------------------------------- reading

def _squads(s: Session, plan_id: int) -> list[Squad]:
    return list(s.scalars(select(Squad).where(Squad.plan_id == plan_id).order_by(Squad.id)))


def _rows(s: Session, kind: str, squad_id: int) -> list:
    k = ROW_KINDS[kind]
    q = select(k.orm).where(k.orm.squad_id == squad_id)
    q = q.order_by(k.orm.date, k.orm.id) if kind in ("checkin", "change") else q.order_by(k.orm.id)
    return [_info(k.info, r) for r in s.scalars(q)]


def _autonomy(s: Session, squad_id: int) -> list[AutonomyInfo]:
    q = select(SquadAutonomy).where(SquadAutonomy.squad_id == squad_id).order_by(
        SquadAutonomy.position, SquadAutonomy.id)
    return [_autonomy_info(a) for a in s.scalars(q)]


def _get_squad(s: Session, squad_id: int) -> Squad:
    squad = s.get(Squad, squad_id)
    if squad is None:
        raise PlanError(f"no squad with id {squad_id}")
    return squad


def list_squads(ws: Workspace, plan_id: int) -> list[SquadInfo]:
    """The plan's squads, oldest first (the first is "the" squad of the step)."""
    with ws.read() as s:
        return [_squad_info(q) for q in _squads(s, plan_id)]


def get_squad(ws: Workspace, squad_id: int) -> SquadInfo:
    with ws.read() as s:
        return _squad_info(_get_squad(s, squad_id))


def list_autonomy(ws: Workspace, squad_id: int) -> list[AutonomyInfo]:
    with ws.read() as s:
        return _autonomy(s, squad_id)


def list_members(ws: Workspace, squad_id: int) -> list[MemberInfo]:
    with ws.read() as s:
        return _rows(s, "member", squad_id)


def list_checkins(ws: Workspace, squad_id: int) -> list[CheckInInfo]:
    """Every check-in, oldest first (ties by entry order)."""
    with ws.read() as s:
        return _rows(s, "checkin", squad_id)


def list_changes(ws: Workspace, squad_id: int) -> list[ChangeInfo]:
    with ws.read() as s:
        return _rows(s, "change", squad_id)


def _find_row(s: Session, kind: str, row_id: int):
    """The stored member, check-in or change (*kind*) with this id."""
    k = ROW_KINDS[kind]
    row = s.get(k.orm, row_id)
    if row is None:
        raise PlanError(f"no {k.label} with id {row_id}")
    return row


def get_row(ws: Workspace, kind: str, row_id: int):
    with ws.read() as s:
        return _info(ROW_KINDS[kind].info, _find_row(s, kind, row_id))


def review_date(plan: PlanInfo) -> date:
    """The plan's day 90: the default target date and the day of the verdict."""
    return plan.start + timedelta(days=REVIEW_DAY - 1)


def charter_gaps(squad: SquadInfo, autonomy: Sequence[AutonomyInfo]) -> tuple[str, ...]:
    """The parts of the charter still empty, in words, in the order the issue lists them."""
    gaps = []
    if not squad.problem.strip():
        gaps.append("the problem")
    if not squad.metric_name.strip():
        gaps.append("the metric's name")
    if squad.baseline is None or squad.baseline_date is None:
        gaps.append("the baseline")
    if squad.target is None or squad.target_date is None:
        gaps.append("the target")
    if not squad.reporting_line.strip():
        gaps.append("the reporting line")
    if not autonomy:
        gaps.append("the autonomy list")
    return tuple(gaps)


def _state(s: Session, squad: Squad, as_of: date) -> SquadState:
    info = _squad_info(squad)
    p = s.get(Plan, squad.plan_id)
    plan_info = PlanInfo(p.id, p.name, p.organisation, p.sponsor, p.revenue_architect,
                         p.start_date, p.horizon_days, p.timezone)
    autonomy = tuple(_autonomy(s, squad.id))
    members = tuple(_rows(s, "member", squad.id))
    checkins = tuple(_rows(s, "checkin", squad.id))
    changes = tuple(_rows(s, "change", squad.id))
    metric_members = [Member(m.name, m.role, m.department, m.allocation) for m in members]
    missing, warnings = role_coverage(metric_members)
    metric_checkins = [CheckIn(c.date, c.value, c.confidence, c.morale) for c in checkins]
    metric = info.metric
    figures = None
    if metric is not None:
        figures = squad_figures(metric, metric_checkins,
                                metric_members, [Change(c.date, c.title, c.outcome) for c in changes], as_of)
    return SquadState(
        squad=info, plan=plan_info, as_of=as_of, autonomy=autonomy, members=members,
        checkins=checkins, changes=changes, figures=figures, roles_missing=missing,
        role_warnings=warnings, charter_gaps=charter_gaps(info, autonomy),
        recent_checkins=checkins_in_last_two_weeks(metric_checkins, as_of),
        review_date=review_date(plan_info),
    )


def squad_state(ws: Workspace, squad_id: int, as_of: date) -> SquadState:
    """The squad, its rows and every figure as of *as_of* (check-ins after it are ignored)."""
    with ws.read() as s:
        return _state(s, _get_squad(s, squad_id), as_of)


def plan_squad_states(ws: Workspace, plan_id: int, as_of: date) -> list[SquadState]:
    with ws.read() as s:
        return [_state(s, q, as_of) for q in _squads(s, plan_id)]


# --------------------------------------------------------------------------- the squad

def create_squad(ws: Workspace, plan_id: int, draft: SquadDraft | None = None) -> int:
    """Set up a squad for the plan; empty fields get the defaults described on ``SquadDraft``."""
    draft = draft or SquadDraft()
    values = SQUAD.clean({k: getattr(draft, k) for k in CHARTER_FIELDS if k != "reporting_line"})
    with ws.write() as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise PlanError(f"no plan with id {plan_id}")
        if values["target_date"] is None:
            values["target_date"] = plan.start_date + timedelta(days=REVIEW_DAY - 1)
        if draft.reporting_line is None:
            architect = plan.revenue_architect.strip()
            values["reporting_line"] = f"Revenue ({architect}, Revenue Architect)" if architect else "Revenue"
        else:
            values["reporting_line"] = SQUAD.field("reporting_line").clean(draft.reporting_line)
        check_metric(values["direction"], values["baseline"], values["baseline_date"],
                      values["target"], values["target_date"])
        _check_unique_name(s, plan_id, values["name"])
        squad = Squad(plan_id=plan_id, verdict=None, verdict_rationale="", verdict_date=None, **values)
        s.add(squad)
        s.flush()
        items = draft.autonomy if draft.autonomy is not None else tuple(
            AutonomyItem(d) for d in DEFAULT_AUTONOMY)
        _replace_autonomy(s, squad.id, items)
        return squad.id


def _snapshot(s: Session, squad: Squad) -> SquadSnapshot:
    return SquadSnapshot(_squad_info(squad), tuple(_autonomy(s, squad.id)),
                         tuple(_rows(s, "member", squad.id)), tuple(_rows(s, "checkin", squad.id)),
                         tuple(_rows(s, "change", squad.id)))


def delete_squad(ws: Workspace, squad_id: int) -> SquadSnapshot:
    """Delete the squad and everything hanging off it; return it all for undo."""
    with ws.write() as s:
        squad = _get_squad(s, squad_id)
        snap = _snapshot(s, squad)
        s.delete(squad)
        return snap


def restore_squad(ws: Workspace, snap: SquadSnapshot) -> int:
    """Put a deleted squad back with the same ids; return the squad's id."""
    with ws.write() as s:
        s.add(Squad(**{f.name: getattr(snap.squad, f.name) for f in fields(SquadInfo)}))
        s.flush()
        for a in snap.autonomy:
            s.add(SquadAutonomy(**{f.name: getattr(a, f.name) for f in fields(AutonomyInfo)}))
        for kind, rows in (("member", snap.members), ("checkin", snap.checkins), ("change", snap.changes)):
            k = ROW_KINDS[kind]
            for r in rows:
                s.add(k.orm(**{f.name: getattr(r, f.name) for f in fields(k.info)}))
        return snap.squad.id


def _replace_autonomy(s: Session, squad_id: int, items: Sequence[AutonomyItem | AutonomyInfo]) -> None:
    cleaned = []
    for item in items:
        if str(item.decision or "").strip():  # a blank line left in the dialog is dropped, not refused
            cleaned.append((item, AUTONOMY.field("decision").clean(item.decision)))
    seen = set()
    for _item, decision in cleaned:
        if decision.casefold() in seen:
            raise PlanError(f"the autonomy list holds {decision!r} twice")
        seen.add(decision.casefold())
    for old in s.scalars(select(SquadAutonomy).where(SquadAutonomy.squad_id == squad_id)):
        s.delete(old)
    s.flush()
    for position, (item, decision) in enumerate(cleaned):
        row = SquadAutonomy(squad_id=squad_id, decision=decision, granted=bool(item.granted), position=position)
        if item.id is not None:
            row.id = item.id
        s.add(row)
    s.flush()


def _apply_fields(s: Session, squad: Squad, changes: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = [key for key in changes if key not in allowed]
    if unknown:
        raise PlanError(f"unknown squad field {unknown[0]!r}")
    return _set_changed(squad, SQUAD.clean(changes))


def _set_changed(row, cleaned: dict[str, Any]) -> dict[str, Any]:
    """Set the cleaned values on an ORM row; return the previous values of those that changed."""
    before = {}
    for key, value in cleaned.items():
        old = getattr(row, key)
        if old != value:
            before[key] = old
            setattr(row, key, value)
    return before


def update_charter(ws: Workspace, squad_id: int, changes: dict[str, Any],
                   autonomy: Sequence[AutonomyItem | AutonomyInfo] | None = None) -> SquadEdit:
    """Edit the charter (``CHARTER_FIELDS``) and, when given, replace the autonomy list.

    Returns what was replaced; ``restore_squad_edit`` puts it back.
    """
    with ws.write() as s:
        squad = _get_squad(s, squad_id)
        before = _apply_fields(s, squad, changes, CHARTER_FIELDS)
        if "name" in before:
            _check_unique_name(s, squad.plan_id, squad.name, squad.id)
        _check_squad_row(s, squad)
        old_autonomy = None
        if autonomy is not None:
            old_autonomy = tuple(_autonomy(s, squad_id))
            _replace_autonomy(s, squad_id, autonomy)
        return SquadEdit(before, old_autonomy)


def record_verdict(ws: Workspace, squad_id: int, verdict: str | None, rationale: str,
                   on: date, *, record_early: bool = False, early_reason: str = "") -> SquadEdit:
    """The leader's decision at the review, with why; ``verdict=None`` clears it.

    Before the plan's day-90 review a verdict is refused unless ``record_early``
    with a reason, which heads the stored rationale (``models.squad.verdict``)."""
    cleaned = SQUAD.clean({"verdict": verdict, "verdict_rationale": rationale})
    verdict, rationale = cleaned["verdict"], cleaned["verdict_rationale"]
    if verdict is not None and not rationale:
        raise PlanError("write down why: the rationale is required with a verdict")
    with ws.write() as s:
        squad = _get_squad(s, squad_id)
        if verdict is not None:
            p = s.get(Plan, squad.plan_id)
            review = review_date(PlanInfo(p.id, p.name, p.organisation, p.sponsor, p.revenue_architect,
                                          p.start_date, p.horizon_days, p.timezone))
            day = SQUAD.field("verdict_date").clean(on)
            rationale = SQUAD.field("verdict_rationale").clean(
                verdict_rationale(rationale, day, review, record_early=record_early, early_reason=early_reason))
        changes = {"verdict": verdict, "verdict_rationale": rationale if verdict else "",
                   "verdict_date": SQUAD.field("verdict_date").clean(on) if verdict else None}
        return SquadEdit(_apply_fields(s, squad, changes, VERDICT_FIELDS))


def set_autonomy_granted(ws: Workspace, autonomy_id: int, granted: bool) -> bool:
    """Grant (or withdraw) one decision; return the previous value."""
    with ws.write() as s:
        row = s.get(SquadAutonomy, autonomy_id)
        if row is None:
            raise PlanError(f"no autonomy item with id {autonomy_id}")
        old = bool(row.granted)
        row.granted = bool(granted)
        return old


def restore_squad_edit(ws: Workspace, squad_id: int, edit: SquadEdit) -> SquadEdit:
    """Undo ``update_charter`` or ``record_verdict``; return what it replaced in the same
    shape, so putting that back is the redo."""
    with ws.write() as s:
        squad = _get_squad(s, squad_id)
        replaced = SquadEdit({k: getattr(squad, k) for k in edit.before},
                             None if edit.autonomy is None else tuple(_autonomy(s, squad_id)))
        _apply_fields(s, squad, edit.before, SQUAD.keys)
        _check_squad_row(s, squad)
        if edit.autonomy is not None:
            _replace_autonomy(s, squad_id, edit.autonomy)
        return replaced


# --------------------------------------------------------------------------- members, check-ins, changes

def add_row(ws: Workspace, kind: str, squad_id: int, draft) -> int:
    """Add a member, check-in or change (*kind*) from its draft (or a dict of every
    field); return its id."""
    k = ROW_KINDS[kind]
    values = k.entity.clean_all(draft)
    with ws.write() as s:
        squad = _get_squad(s, squad_id)
        if kind == "checkin":
            _check_checkin_date(squad, values["date"])
        row = k.orm(squad_id=squad_id, **values)
        s.add(row)
        s.flush()
        return row.id


def update_row(ws: Workspace, kind: str, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change fields of a member, check-in or change; return the previous values of those changed."""
    with ws.write() as s:
        row = _find_row(s, kind, row_id)
        cleaned = ROW_KINDS[kind].entity.clean(changes)
        if kind == "checkin" and "date" in cleaned:
            _check_checkin_date(_get_squad(s, row.squad_id), cleaned["date"])
        return _set_changed(row, cleaned)


def delete_row(ws: Workspace, kind: str, row_id: int):
    """Delete a member, check-in or change; return it (with its id) for undo."""
    with ws.write() as s:
        row = _find_row(s, kind, row_id)
        info = _info(ROW_KINDS[kind].info, row)
        s.delete(row)
        return info


def restore_row(ws: Workspace, kind: str, info) -> None:
    """Put back a deleted member, check-in or change with its id."""
    k = ROW_KINDS[kind]
    with ws.write() as s:
        _get_squad(s, info.squad_id)
        s.add(k.orm(**{f.name: getattr(info, f.name) for f in fields(k.info)}))


@dataclass(frozen=True)
class RowStore:
    """One kind of squad row as the generic undo commands (``views.common.row_commands``) use it."""

    kind: str

    def add(self, ws: Workspace, squad_id: int, values) -> int:
        return add_row(ws, self.kind, squad_id, values)

    def update(self, ws: Workspace, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        return update_row(ws, self.kind, row_id, changes)

    def delete(self, ws: Workspace, row_id: int):
        return delete_row(ws, self.kind, row_id)

    def restore(self, ws: Workspace, snapshot) -> None:
        restore_row(ws, self.kind, snapshot)


ROW_STORES = {kind: RowStore(kind) for kind in ROW_KINDS}


def add_member(ws: Workspace, squad_id: int, draft: MemberDraft) -> int:
    return add_row(ws, "member", squad_id, draft)


def add_checkin(ws: Workspace, squad_id: int, draft: CheckInDraft) -> int:
    return add_row(ws, "checkin", squad_id, draft)


def add_change(ws: Workspace, squad_id: int, draft: ChangeDraft) -> int:
    return add_row(ws, "change", squad_id, draft)


# --------------------------------------------------------------------------- reading the figures

def format_value(x: float | None) -> str:
    """A metric value for people: 2.27, 38.5, 1,204 (never scientific notation)."""
    if x is None:
        return "–"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.1f}"
    if ax >= 1 or ax == 0:
        return f"{x:.2f}"
    return f"{x:.3g}"


def verdict_reason(state: SquadState) -> str:
    """Why the data suggests what it does, with the numbers (the verdict itself is not repeated)."""
    f = state.figures
    sq = state.squad
    if f is None:
        return "No suggestion until the metric has a baseline and a target (Edit charter)."
    target = format_value(sq.target)
    prog = "–" if f.progress is None else f"{f.progress * 100:.0f} %"
    if f.target_met:
        return f"The latest value {format_value(f.latest)} has reached the target {target}."
    if f.on_track:
        return f"The forecast {format_value(f.forecast)} on {sq.target_date:%d %b} reaches the target {target}."
    fc = ("there is no forecast yet (it needs a check-in)" if f.forecast is None
          else f"the forecast {format_value(f.forecast)} falls short of {target}")
    if f.progress is not None and f.progress >= 0.5:
        return f"Progress is {prog} (at least 50 %), but {fc}."
    return f"Progress is {prog}, below 50 %, and {fc}."


def squad_checklist(state: SquadState | None) -> list[ChecklistItem]:
    """The step's checklist, ticked from the data. Labels and hints hold no user text."""
    labels = ("Charter complete", "Four core roles covered (≥ 50 % each)", "Metric baselined",
              "A check-in in each of the last two weeks", "Verdict recorded after day 90")
    if state is None:
        return [ChecklistItem(label, False, "Set up the squad first." if i == 0 else "")
                for i, label in enumerate(labels)]
    last = state.checkins[-1].date.isoformat() if state.checkins else None
    days_to_review = (state.review_date - state.as_of).days
    if state.verdict_after_review:
        verdict_hint = ""
    elif days_to_review > 0:
        verdict_hint = f"The day-90 review is on {state.review_date:%d %b %Y} (in {days_to_review} days)."
    else:
        verdict_hint = "Day 90 has come: record expand, iterate or stop with the rationale."
    return [
        ChecklistItem(labels[0], state.charter_complete,
                      "Still empty: " + ", ".join(state.charter_gaps) if state.charter_gaps else ""),
        ChecklistItem(labels[1], not state.roles_missing, "Not covered: " + ", ".join(
            f"{w.role} ({w.best_allocation:g} % at most)" if w.status == "under-allocated" else w.role
            for w in state.role_warnings)),
        ChecklistItem(labels[2], state.squad.baselined,
                      "Record the metric's value and its date before the first change ships."),
        ChecklistItem(labels[3], state.recent_checkins,
                      f"Last check-in: {last}." if last else "No check-in yet."),
        ChecklistItem(labels[4], state.verdict_after_review, verdict_hint),
    ]


def checkin_target_path(squad: SquadInfo, day: date) -> float | None:
    """The straight target path's value on *day*, or None before the metric is set."""
    metric = squad.metric
    return None if metric is None else target_path(metric, day)


# --------------------------------------------------------------------------- summary --json

def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def summary_of(state: SquadState) -> dict[str, Any]:
    """The squad as in ``ninety summary --json`` (figures as of the summary's date)."""
    sq, f, as_of = state.squad, state.figures, state.as_of
    seen = [c for c in state.checkins if c.date <= as_of]
    shipped = [c for c in state.changes if c.date <= as_of]
    return {
        "name": sq.name,
        "metric": sq.metric_name,
        "unit": sq.metric_unit,
        "direction": sq.direction,
        "baseline": sq.baseline,
        "baseline_date": sq.baseline_date.isoformat() if sq.baseline_date else None,
        "target": sq.target,
        "target_date": sq.target_date.isoformat() if sq.target_date else None,
        "latest": _r(f.latest) if f else (seen[-1].value if seen else sq.baseline),
        "progress": _r(f.progress) if f else None,
        "forecast": _r(f.forecast) if f else None,
        "on_track": f.on_track if f else None,
        "required_weekly_rate": _r(f.required_weekly_rate) if f else None,
        "roles_missing": list(state.roles_missing),
        "checkins": [{"date": c.date.isoformat(), "value": c.value, "confidence": c.confidence,
                      "morale": c.morale} for c in seen],
        "changes_shipped": len(shipped),
        "changes_kept": sum(c.outcome == "kept" for c in shipped),
        "velocity_per_week": _r(f.velocity_per_week) if f else None,
        "share_kept": _r(f.share_kept) if f else None,
        "verdict_suggested": f.verdict_suggested if f else None,
        "verdict_recorded": sq.verdict,
        "verdict_date": sq.verdict_date.isoformat() if sq.verdict_date else None,
        "verdict_missing": list(f.verdict_missing) if f else ["the metric's baseline and target with their dates"],
    }


def summary_squad(ws: Workspace, plan: PlanInfo, as_of: date) -> dict[str, Any] | None:
    """``"squad"``: the plan's first squad, or None (key left out) when it has none."""
    states = plan_squad_states(ws, plan.id, as_of)
    return summary_of(states[0]) if states else None


def summary_squads(ws: Workspace, plan: PlanInfo, as_of: date) -> list[dict[str, Any]] | None:
    """``"squads"``: every squad, only when the plan has more than one."""
    states = plan_squad_states(ws, plan.id, as_of)
    return [summary_of(st) for st in states] if len(states) > 1 else None




# --------------------------------------------------------------------------- plan dump / load

_LIST_KEYS = {"members": "member", "checkins": "checkin", "changes": "change"}
SQUAD_KEYS = SQUAD.keys + ("autonomy",) + tuple(_LIST_KEYS)
AUTONOMY_KEYS = AUTONOMY.keys
ROW_KEYS = {kind: k.entity.keys for kind, k in ROW_KINDS.items()}


def _with_id(row, keep_ids: bool) -> dict[str, Any]:
    return {"id": row.id} if keep_ids else {}


def dump_squads(s: Session, plan_id: int, keep_ids: bool) -> list[dict[str, Any]] | None:
    squads = _squads(s, plan_id)
    if not squads:
        return None
    out = []
    for squad in squads:
        d = _with_id(squad, keep_ids) | SQUAD.dump(_squad_info(squad))
        d["autonomy"] = [_with_id(a, keep_ids) | AUTONOMY.dump(a) for a in _autonomy(s, squad.id)]
        for key, kind in _LIST_KEYS.items():
            entity = ROW_KINDS[kind].entity
            d[key] = [_with_id(row, keep_ids) | entity.dump(row) for row in _rows(s, kind, squad.id)]
        out.append(d)
    return out


def _load(r: DocReader, entity: Entity, d: Any, where: str, keep_ids: bool,
          extra_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """One object of the document read through its entity's fields (keys left out keep
    the table's defaults); every error names the field's path."""
    r.obj(d, where, entity.keys + extra_keys + (("id",) if keep_ids else ()), entity.required_keys)
    try:
        values = entity.load(d)
    except FieldError as exc:
        raise r.fail(f"{where}.{exc.key}", str(exc)) from None
    if keep_ids and "id" in d:
        values["id"] = r.integer(d, "id", where)
    return values


def _list(r: DocReader, d: dict, key: str, where: str) -> list:
    rows = d.get(key, [])
    if not isinstance(rows, list):
        raise r.fail(f"{where}.{key}", "must be a list")
    return rows


def load_squads(s: Session, plan_id: int, value: Any, r: DocReader, keep_ids: bool) -> None:
    if not isinstance(value, list):
        raise r.fail("squads", "must be a list")
    names: set[str] = set()
    for i, d in enumerate(value):
        where = f"squads[{i}]"
        values = _load(r, SQUAD, d, where, keep_ids, SQUAD_KEYS[len(SQUAD.keys):])
        if values["name"] in names:
            raise r.fail(f"{where}.name", f"another squad is named {values['name']!r}")
        names.add(values["name"])
        squad = Squad(plan_id=plan_id, **values)
        s.add(squad)
        s.flush()  # the table's defaults fill the fields the document leaves out
        try:
            check_metric(squad.direction, squad.baseline, squad.baseline_date, squad.target, squad.target_date)
        except PlanError as exc:
            raise r.fail(where, str(exc)) from None

        seen = set()
        for j, a in enumerate(_list(r, d, "autonomy", where)):
            aw = f"{where}.autonomy[{j}]"
            item = _load(r, AUTONOMY, a, aw, keep_ids)
            if item["decision"].casefold() in seen:
                raise r.fail(f"{aw}.decision", f"{item['decision']!r} appears twice")
            seen.add(item["decision"].casefold())
            s.add(SquadAutonomy(squad_id=squad.id, position=j, **item))

        for key, kind in _LIST_KEYS.items():
            k = ROW_KINDS[kind]
            for j, row in enumerate(_list(r, d, key, where)):
                rw = f"{where}.{key}[{j}]"
                vals = _load(r, k.entity, row, rw, keep_ids)
                if kind == "checkin" and squad.baseline_date and vals["date"] < squad.baseline_date:
                    raise r.fail(f"{rw}.date", f"is before the baseline date {squad.baseline_date.isoformat()}")
                s.add(k.orm(squad_id=squad.id, **vals))
        s.flush()


SECTION = Section("squads", dump_squads, load_squads)


# --------------------------------------------------------------------------- demo

def populate_demo_squad(ws: Workspace, plan_id: int, start: date) -> None:
    """The demo's mobile conversion squad: baselined on day 15, weekly check-ins from
    day 22 to day 43 rising a little behind the target path, eight changes shipped."""

    def day(n: int) -> date:
        return start + timedelta(days=n - 1)

    squad_id = create_squad(ws, plan_id, SquadDraft(
        name="Increase mobile conversion by 15 %",
        problem=("Two thirds of sessions are on phones, but mobile converts at 2.0 %, half the desktop rate. "
                 "Every checkout change waits weeks for design approval, the IT release train and a data pull."),
        metric_name="Mobile conversion rate", metric_unit="%", direction="up",
        baseline=2.0, baseline_date=day(15), target=2.3, target_date=day(REVIEW_DAY),
        reporting_line="Revenue (Dana Okafor, Revenue Architect)",
        autonomy=(
            AutonomyItem("Change copy and design on mobile checkout", True),
            AutonomyItem("Run A/B tests on up to 20 % of mobile traffic", True),
            AutonomyItem("Spend up to €15,000 on tools and research without sign-off", True),
            AutonomyItem("Ship to production without the IT release train", False),
            AutonomyItem("Change delivery promises shown at checkout", False),
        ),
    ))
    for draft in (
        MemberDraft("Aisha Khan", "Product Lead", "eCommerce", 100),
        MemberDraft("Mateo Rossi", "Tech Lead", "IT platform team", 80),
        MemberDraft("Hannah Cho", "UX/UI Designer", "Brand & Creative", 100),
        MemberDraft("Elena Petrova", "Data Analyst", "Analytics", 20),
        MemberDraft("Lukas Novak", "CRM Marketer", "Marketing", 50),
    ):
        add_member(ws, squad_id, draft)
    for n, value, confidence, morale, blockers, note in (
        (22, 2.03, 7, 4, "", "First week: copy rewrite and wallet buttons live."),
        (29, 2.05, 6, 4, "Deploys wait for the Thursday IT release train.",
         "Guest checkout shipped on the release train, four days late."),
        (36, 2.08, 6, 3, "Analyst one day a week: test results arrive a week late.",
         "Free-shipping bar rolled back; tap targets kept."),
        (43, 2.10, 5, 3, "Release train again; the address autofill test is still unread.",
         "Behind the target path; asking for deploy rights and a full-time analyst."),
    ):
        add_checkin(ws, squad_id, CheckInDraft(day(n), value, confidence, morale, blockers, note))
    for n, title, hypothesis, expected, outcome, measured in (
        (18, "Shorter copy on the mobile payment step", "Less text means less hesitation before paying.",
         "+0.03 pp", "kept", "+0.02 pp"),
        (21, "Apple Pay and Google Pay above the fold", "Wallet users skip the card form.",
         "+0.05 pp", "kept", "+0.04 pp"),
        (25, "Guest checkout as the default", "Forced sign-up loses first-time buyers.",
         "+0.04 pp", "kept", "+0.03 pp"),
        (30, "Free-shipping progress bar in the mobile cart", "Shoppers add an item to pass the threshold.",
         "+0.02 pp and higher AOV", "rolled back", "−0.01 pp, AOV flat"),
        (33, "Address autofill with postcode lookup", "Typing an address on a phone is where people drop.",
         "+0.04 pp", "pending", ""),
        (38, "Larger tap targets on the size selector", "Mis-taps send shoppers back a step.",
         "+0.01 pp", "kept", "+0.01 pp"),
        (41, "Exit-intent discount on mobile", "A 5 % code saves abandoning carts.",
         "+0.03 pp", "rolled back", "+0.02 pp but margin −0.4 pp"),
        (43, "Sticky Buy button on product pages", "The button scrolls out of reach on long pages.",
         "+0.02 pp", "pending", ""),
    ):
        add_change(ws, squad_id, ChangeDraft(day(n), title, hypothesis, expected, outcome, measured))
