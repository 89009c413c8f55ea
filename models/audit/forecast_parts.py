"""What the Forecast tab adds to the plan as a whole: the ``"forecast"`` key
of ``ninety summary --json``, the silo tax in money in its ``"audit"`` key,
and the cost of delay and saved scenarios in the ``"audit"`` section of
``plan dump``/``load``::

    "audit": {…,
      "cost_of_delay": {"currency", "per_week", "per_type": [{"type", "per_week"}]},   # when set
      "scenarios": [{"name", "departments": [...], "factor"}]                         # when any
    }

Scenarios carry their database ``"id"`` only with ``keep_ids`` (undo snapshots).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models.audit.forecast_store import (
    Scenario, add_scenario_row, clean_cost, clean_scenario, plan_forecast, plan_silo_money, read_cost,
    read_scenarios, write_cost,
)
from models.audit.money import CostOfDelay
from models.audit.store import AuditError
from models.audit.summary import audit_summary
from models.core.transfer import DocReader, Section
from models.core.validation import PlanError
from models.core.workspace import Workspace
from models.plan.service import PlanInfo

COST_KEY, SCENARIOS_KEY = "cost_of_delay", "scenarios"


def forecast_summary(ws: Workspace, plan: PlanInfo, as_of: date) -> dict[str, Any] | None:
    """``"forecast"``: how many by the plan's day 90 and when the open items will be
    done, as of the log's latest entry (like ``"audit"``); left out without a log."""
    try:
        result = plan_forecast(ws, plan.id)
    except AuditError:
        return None
    return None if result is None else result.summary_json()


def audit_summary_with_money(ws: Workspace, plan: PlanInfo, as_of: date) -> dict[str, Any] | None:
    """``"audit"``, with ``silo_tax.money`` when the plan has a cost of delay."""
    data = audit_summary(ws, plan, as_of)
    if data is None:
        return None
    try:
        money = plan_silo_money(ws, plan.id)
    except AuditError:
        money = None
    if money is not None:
        data["silo_tax"] = {**data["silo_tax"], "money": money.to_json()}
    return data


# --------------------------------------------------------------------------- plan dump / load

def _dump(s, plan_id: int, keep_ids: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cost = read_cost(s, plan_id)
    if cost is not None:
        out[COST_KEY] = cost.to_json()
    scenarios = read_scenarios(s, plan_id)
    if scenarios:
        out[SCENARIOS_KEY] = [({"id": sc.id} if keep_ids else {})
                              | {"name": sc.name, "departments": list(sc.departments), "factor": sc.factor}
                              for sc in scenarios]
    return out


def _number(r: DocReader, d: dict, key: str, where: str) -> float:
    value = d.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise r.fail(f"{where}.{key}", "must be a number")
    return float(value)


def _load_cost(r: DocReader, value: Any) -> CostOfDelay:
    where = f"audit.{COST_KEY}"
    r.obj(value, where, ("currency", "per_week", "per_type"), ("currency", "per_week"))
    per_type = value.get("per_type", [])
    if not isinstance(per_type, list):
        raise r.fail(f"{where}.per_type", "must be a list")
    pairs = []
    for i, d in enumerate(per_type):
        w = f"{where}.per_type[{i}]"
        r.obj(d, w, ("type", "per_week"), ("type", "per_week"))
        pairs.append((r.text(d, "type", w, required=True), _number(r, d, "per_week", w)))
    try:
        return clean_cost(CostOfDelay(r.text(value, "currency", where, required=True),
                                      _number(r, value, "per_week", where), tuple(pairs)))
    except PlanError as exc:
        raise r.fail(where, str(exc)) from None


def _load_scenarios(s, plan_id: int, value: Any, r: DocReader, keep_ids: bool) -> None:
    if not isinstance(value, list):
        raise r.fail(f"audit.{SCENARIOS_KEY}", "must be a list")
    for i, d in enumerate(value):
        w = f"audit.{SCENARIOS_KEY}[{i}]"
        r.obj(d, w, ("name", "departments", "factor") + (("id",) if keep_ids else ()), ("name", "departments"))
        departments = d["departments"]
        if not isinstance(departments, list) or not all(isinstance(x, str) for x in departments):
            raise r.fail(f"{w}.departments", "must be a list of department names")
        try:
            scenario = clean_scenario(Scenario(
                r.integer(d, "id", w) if keep_ids and "id" in d else None, plan_id, r.text(d, "name", w),
                tuple(departments), _number(r, d, "factor", w) if "factor" in d else 0.0))
            add_scenario_row(s, plan_id, scenario, keep_id=keep_ids)
        except PlanError as exc:
            raise r.fail(w, str(exc)) from None


def with_forecast_settings(section: Section) -> Section:
    """The audit's document section, carrying the cost of delay and the scenarios too."""

    def dump(s, plan_id: int, keep_ids: bool) -> dict[str, Any] | None:
        data = section.dump(s, plan_id, keep_ids)
        extra = _dump(s, plan_id, keep_ids)
        if not extra:
            return data
        return {**(data if data is not None else {"stages": []}), **extra}

    def load(s, plan_id: int, value: Any, r: DocReader, keep_ids: bool) -> None:
        cost = scenarios = None
        if isinstance(value, dict):
            value = dict(value)
            cost, scenarios = value.pop(COST_KEY, None), value.pop(SCENARIOS_KEY, None)
        section.load(s, plan_id, value, r, keep_ids)
        if cost is not None:
            write_cost(s, plan_id, _load_cost(r, cost))
        if scenarios is not None:
            _load_scenarios(s, plan_id, scenarios, r, keep_ids)

    return Section(section.key, dump, load)
