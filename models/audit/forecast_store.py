"""The Forecast tab's storage and its figures for a plan: the cost of delay,
the saved what-if scenarios, and the forecast, ageing, what-if and silo tax
in money computed from the plan's stored log (the active import plus the
hand-tracked stalls, as on the Audit page).

One function per user action; each runs in one transaction and returns
frozen dataclasses.  An edit returns what undo passes back: the previous
cost of delay, or the deleted scenario to restore with its id.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from models.audit.analysis import Stage, Transition, UnknownStatusError
from models.audit.flowlog import FlowLog, flow_log
from models.audit.money import CostOfDelay, SiloMoney, silo_tax_money, type_key
from models.audit.schema import AuditCostOfDelay, AuditScenario, AuditTypeCost
from models.audit.store import AuditError, analysis_stages, get_stage_map, load_transitions, plan_timezone
from models.core.validation import PlanError, clean_text
from models.core.workspace import Workspace
from models.plan.schema import Plan

if TYPE_CHECKING:  # NumPy is imported only when a forecast or a simulation runs
    from models.audit.forecast import Forecast
    from models.audit.whatif import WhatIf

#: the default "how many by" date is the plan's day 90 (day 1 = its start)
REVIEW_DAY = 90


@dataclass(frozen=True)
class Scenario:
    """A saved what-if: the departments merged into the squad and the factor on their waits."""

    id: int | None
    plan_id: int
    name: str
    departments: tuple[str, ...]
    factor: float = 0.0


# --------------------------------------------------------------------------- cleaning

def _amount(value: Any, label: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise PlanError(f"{label} must be a number, not {value!r}") from None
    if not math.isfinite(x) or x < 0:
        raise PlanError(f"{label} must be 0 or more, not {value!r}")
    return x


def clean_cost(cost: CostOfDelay) -> CostOfDelay:
    """The cost with its text trimmed, checked: a currency, amounts of 0 or
    more, each item type once (ignoring case)."""
    currency = clean_text(cost.currency, "the currency", required=True, limit=8)
    per_type: dict[str, tuple[str, float]] = {}
    for name, amount in cost.per_type:
        name = clean_text(name, "the item type", required=True, limit=100)
        if type_key(name) in per_type:
            raise PlanError(f"the item type {name!r} has two costs of delay")
        per_type[type_key(name)] = (name, _amount(amount, f"the cost of delay of {name}"))
    return CostOfDelay(currency, _amount(cost.per_week, "the cost of delay per week"),
                       tuple(sorted(per_type.values(), key=lambda p: type_key(p[0]))))


def clean_scenario(scenario: Scenario) -> Scenario:
    name = clean_text(scenario.name, "the scenario's name", required=True)
    departments = tuple(dict.fromkeys(clean_text(d, "a department", required=True) for d in scenario.departments))
    if len(departments) < 2:
        raise PlanError("a scenario merges at least two departments into the squad")
    return Scenario(scenario.id, scenario.plan_id, name, departments,
                    _amount(scenario.factor, "the factor on the merged handoffs' waits"))


def _plan(s, plan_id: int) -> Plan:
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise PlanError(f"no plan with id {plan_id}")
    return plan


# --------------------------------------------------------------------------- cost of delay

def read_cost(s, plan_id: int) -> CostOfDelay | None:
    row = s.get(AuditCostOfDelay, plan_id)
    if row is None:
        return None
    types = s.execute(select(AuditTypeCost.item_type, AuditTypeCost.per_week)
                      .where(AuditTypeCost.plan_id == plan_id).order_by(AuditTypeCost.item_type))
    return CostOfDelay(row.currency, row.per_week, tuple((t, a) for t, a in types))


def write_cost(s, plan_id: int, cost: CostOfDelay | None) -> None:
    """Replace the plan's cost of delay inside an open transaction (None removes it).

    The plan's cost row is changed in place (never deleted and added again), and gets a
    new version whenever the cost changes, its per-type amounts included: that one row
    tells whether someone else changed (or first set) the cost since the user read it
    (``models.core.versioning``); the per-type rows are replaced under it."""
    row = s.get(AuditCostOfDelay, plan_id)
    previous = read_cost(s, plan_id)
    s.execute(delete(AuditTypeCost).where(AuditTypeCost.plan_id == plan_id))
    if cost is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(AuditCostOfDelay(plan_id=plan_id, currency=cost.currency, per_week=cost.per_week))
    else:
        row.currency, row.per_week = cost.currency, cost.per_week
        if previous != cost:  # a new version even when only the per-type amounts change
            flag_modified(row, "per_week")
    if cost is not None:
        for name, amount in cost.per_type:
            s.add(AuditTypeCost(plan_id=plan_id, item_type=name, per_week=amount))
    s.flush()


def get_cost_of_delay(ws: Workspace, plan_id: int) -> CostOfDelay | None:
    with ws.read() as s:
        return read_cost(s, plan_id)


def set_cost_of_delay(ws: Workspace, plan_id: int, cost: CostOfDelay | None) -> CostOfDelay | None:
    """Set (or, with None, remove) the plan's cost of delay; return the previous
    one, which undo passes back to this function."""
    cost = clean_cost(cost) if cost is not None else None
    with ws.write() as s:
        _plan(s, plan_id)
        previous = read_cost(s, plan_id)
        write_cost(s, plan_id, cost)
        return previous


# --------------------------------------------------------------------------- scenarios

def scenario_of(row: AuditScenario) -> Scenario:
    try:
        departments = json.loads(row.departments or "[]")
    except ValueError:
        departments = []
    return Scenario(row.id, row.plan_id, row.name, tuple(str(d) for d in departments), row.factor)


def read_scenarios(s, plan_id: int) -> list[Scenario]:
    q = select(AuditScenario).where(AuditScenario.plan_id == plan_id).order_by(AuditScenario.id)
    return [scenario_of(r) for r in s.scalars(q)]


def add_scenario_row(s, plan_id: int, scenario: Scenario, *, keep_id: bool = False) -> int:
    """Insert a cleaned scenario inside an open transaction; its name must be new in the plan."""
    taken = s.scalar(select(AuditScenario.id).where(AuditScenario.plan_id == plan_id,
                                                    AuditScenario.name == scenario.name))
    if taken is not None:
        raise PlanError(f"the plan already has a scenario named {scenario.name!r}")
    row = AuditScenario(plan_id=plan_id, name=scenario.name, departments=json.dumps(list(scenario.departments)),
                        factor=scenario.factor)
    if keep_id and scenario.id is not None:
        row.id = scenario.id
    s.add(row)
    s.flush()
    return row.id


def list_scenarios(ws: Workspace, plan_id: int) -> list[Scenario]:
    """The plan's saved what-if scenarios, oldest first."""
    with ws.read() as s:
        return read_scenarios(s, plan_id)


def save_scenario(ws: Workspace, plan_id: int, name: str, departments: Sequence[str],
                  factor: float = 0.0) -> int:
    """Save a what-if under a new name; returns its id (undo: :func:`delete_scenario`)."""
    scenario = clean_scenario(Scenario(None, plan_id, name, tuple(departments), factor))
    with ws.write() as s:
        _plan(s, plan_id)
        return add_scenario_row(s, plan_id, scenario)


def delete_scenario(ws: Workspace, scenario_id: int) -> Scenario:
    """Remove a saved scenario; returns it for :func:`restore_scenario`."""
    with ws.write() as s:
        row = s.get(AuditScenario, scenario_id)
        if row is None:
            raise PlanError(f"no scenario with id {scenario_id}")
        scenario = scenario_of(row)
        s.delete(row)
        return scenario


def restore_scenario(ws: Workspace, scenario: Scenario) -> None:
    """Put back a deleted scenario with its id."""
    with ws.write() as s:
        _plan(s, scenario.plan_id)
        add_scenario_row(s, scenario.plan_id, clean_scenario(scenario), keep_id=True)


# --------------------------------------------------------------------------- figures of the plan's log

@dataclass(frozen=True)
class PlanLog:
    """The plan's log as the Audit page analyses it, and its day 90."""

    transitions: tuple[Transition, ...]
    stages: dict[str, Stage]
    tz: tzinfo | None
    day_90: date

    def flow(self, as_of: datetime | None = None) -> FlowLog:
        """Item histories as of ``as_of`` (default: the latest entry; naive = the plan's zone),
        calendar days in the plan's zone (the computer's when it has none)."""
        if as_of is not None and as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=self.tz) if self.tz is not None else as_of.astimezone()
        if as_of is None and self.tz is None:
            as_of = max(t.at for t in self.transitions).astimezone()
        try:
            return flow_log(self.transitions, self.stages, as_of, self.tz)
        except UnknownStatusError as exc:
            raise AuditError(f"{exc}; map them in the stage map first") from None


def plan_log(ws: Workspace, plan_id: int) -> PlanLog | None:
    """The plan's stored log, or None when it has no audit data."""
    with ws.read() as s:
        start = _plan(s, plan_id).start_date
    transitions = load_transitions(ws, plan_id)
    if not transitions:
        return None
    return PlanLog(tuple(transitions), analysis_stages(get_stage_map(ws, plan_id)), plan_timezone(ws, plan_id),
                   start + timedelta(days=REVIEW_DAY - 1))


def plan_forecast(ws: Workspace, plan_id: int, *, as_of: datetime | None = None, until: date | None = None,
                  **options: Any) -> Forecast | None:
    """The forecast and ageing of the plan's log (None without data); ``until``
    defaults to the plan's day 90; ``options`` are those of ``forecast_log``
    (``window_days``, ``items``, ``trials``, ``seed``).  Raises ``AuditError``
    for unmapped statuses."""
    from models.audit.forecast import forecast_log

    log = plan_log(ws, plan_id)
    if log is None:
        return None
    return forecast_log(log.flow(as_of), until=until or log.day_90, **options)


def plan_whatif(ws: Workspace, plan_id: int, merge: Sequence[str], *, as_of: datetime | None = None,
                **options: Any) -> WhatIf | None:
    """The what-if simulation on the plan's log (None without data); ``options``
    are those of ``whatif_log`` (``factor``, ``replications``, ``seed``).  A
    scenario the log cannot run (unknown department, fewer than two) raises
    ``PlanError``."""
    from models.audit.whatif import whatif_log

    log = plan_log(ws, plan_id)
    if log is None:
        return None
    try:
        return whatif_log(log.flow(as_of), merge, **options)
    except ValueError as exc:
        if isinstance(exc, PlanError):
            raise
        raise PlanError(str(exc)) from None


def plan_silo_money(ws: Workspace, plan_id: int) -> SiloMoney | None:
    """The silo tax in money as of the log's latest entry (as the Audit page), or
    None when the plan has no cost of delay or no log."""
    cost = get_cost_of_delay(ws, plan_id)
    if cost is None:
        return None
    log = plan_log(ws, plan_id)
    if log is None:
        return None
    try:
        return silo_tax_money(log.transitions, log.stages, cost)
    except UnknownStatusError as exc:
        raise AuditError(f"{exc}; map them in the stage map first") from None
