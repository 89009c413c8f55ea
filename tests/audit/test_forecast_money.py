"""The silo tax in money, the stored cost of delay and scenarios, the plan-level figures,
``summary --json`` and ``plan dump``/``load``."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from desktop.features import FEATURES
from models.audit import Stage, Transition, analyse
from models.audit import store
from models.audit.forecast_store import (
    Scenario, delete_scenario, get_cost_of_delay, list_scenarios, plan_forecast, plan_silo_money, plan_whatif,
    restore_scenario, save_scenario, set_cost_of_delay,
)
from models.audit.money import CostOfDelay, silo_tax_money
from models.plan.service import PlanDraft, PlanError, create_plan, find_plan
from models.plan.summary import plan_summary
from models.plan.transfer import dump_plan, load_plan

STAGES = (
    Stage("Backlog", "Marketing", "queue"),
    Stage("Brief", "Marketing", "active"),
    Stage("Dev Queue", "IT", "queue"),
    Stage("Developing", "IT", "active"),
    Stage("Design Queue", "Design", "queue"),
    Stage("Done", "IT", "done"),
)
MAP = {s.status: s for s in STAGES}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def row(item: str, day: int, status: str, kind: str | None = None) -> Transition:
    return Transition(item, T0 + timedelta(days=day), None, status, None, kind)


# A (Story): Brief 1 d, Dev Queue 4 d (Marketing -> IT: silo), Developing 1 d.           silo 4 d
# B (Bug):   Developing 1 d, Design Queue 2 d (IT -> Design: silo).                     silo 2 d
# C (none):  Backlog 1 d (Intake: not silo), Brief 1 d, Dev Queue 3 d (Marketing -> IT). silo 3 d
LOG = [
    row("A", 0, "Brief", "Story"), row("A", 1, "Dev Queue"), row("A", 5, "Developing"), row("A", 6, "Done"),
    row("B", 0, "Developing", "Bug"), row("B", 1, "Design Queue", "Bug"), row("B", 3, "Done", "Bug"),
    row("C", 0, "Backlog"), row("C", 1, "Brief"), row("C", 2, "Dev Queue"), row("C", 5, "Done"),
]


def test_money_without_per_type_costs_is_the_silo_tax_times_the_weekly_cost():
    assert analyse(LOG, MAP).silo_tax_days == 9
    money = silo_tax_money(LOG, MAP, CostOfDelay("EUR", 700.0))
    assert money.currency == "EUR" and money.silo_tax_days == 9 and money.amount == pytest.approx(900)
    assert [(t.item_type, t.silo_tax_days, t.amount) for t in money.by_type] == [(None, 9, pytest.approx(900))]


def test_money_with_per_type_costs_sums_each_items_days_at_its_types_cost():
    cost = CostOfDelay("EUR", 700.0, (("bug ", 1400.0), ("Epic", 7000.0)))  # case and blanks ignored
    money = silo_tax_money(LOG, MAP, cost)
    # A 4 d x 100 + B 2 d x 200 + C 3 d x 100 (no type: the plan's cost); no Epic in the log
    assert money.amount == pytest.approx(400 + 400 + 300)
    parts = {t.item_type: (t.per_week, t.silo_tax_days, round(t.amount, 6)) for t in money.by_type}
    assert parts == {"bug ": (1400.0, 2.0, 400.0), "Epic": (7000.0, 0.0, 0.0), None: (700.0, 7.0, 700.0)}
    assert money.to_json() == {"currency": "EUR", "amount": 1100.0, "by_type": [
        {"type": "bug ", "per_week": 1400.0, "days": 2.0, "amount": 400.0},
        {"type": "Epic", "per_week": 7000.0, "days": 0.0, "amount": 0.0},
        {"type": None, "per_week": 700.0, "days": 7.0, "amount": 700.0}]}


@pytest.fixture
def plan_id(ws):
    pid = create_plan(ws, PlanDraft(name="Flagship", start=date(2026, 2, 2), timezone="Europe/Paris"))
    store.store_import(ws, pid, STAGES, LOG, source="log.csv", format="csv", settings={})
    return pid


def test_cost_of_delay_is_stored_checked_and_undone(ws, plan_id):
    assert get_cost_of_delay(ws, plan_id) is None and plan_silo_money(ws, plan_id) is None
    previous = set_cost_of_delay(ws, plan_id, CostOfDelay(" EUR ", 700, ((" Bug", 1400),)))
    assert previous is None
    assert get_cost_of_delay(ws, plan_id) == CostOfDelay("EUR", 700.0, (("Bug", 1400.0),))
    assert plan_silo_money(ws, plan_id).amount == pytest.approx(1100)
    for bad, message in ((CostOfDelay("", 1), "currency"), (CostOfDelay("EUR", -1), "0 or more"),
                         (CostOfDelay("EUR", 1, (("Bug", 1), ("bug", 2))), "two costs")):
        with pytest.raises(PlanError, match=message):
            set_cost_of_delay(ws, plan_id, bad)
    undo = set_cost_of_delay(ws, plan_id, previous)
    assert undo == CostOfDelay("EUR", 700.0, (("Bug", 1400.0),)) and get_cost_of_delay(ws, plan_id) is None


def test_scenarios_are_saved_deleted_and_restored_with_their_id(ws, plan_id):
    sid = save_scenario(ws, plan_id, "IT and Design", ["IT", "Design", "IT"], 0.25)
    assert list_scenarios(ws, plan_id) == [Scenario(sid, plan_id, "IT and Design", ("IT", "Design"), 0.25)]
    with pytest.raises(PlanError, match="already has a scenario"):
        save_scenario(ws, plan_id, "IT and Design", ["IT", "Marketing"])
    with pytest.raises(PlanError, match="at least two"):
        save_scenario(ws, plan_id, "Alone", ["IT"])
    gone = delete_scenario(ws, sid)
    assert list_scenarios(ws, plan_id) == []
    restore_scenario(ws, gone)
    assert list_scenarios(ws, plan_id)[0].id == sid


def test_plan_level_figures_use_the_plans_day_90_and_zone(ws, plan_id):
    result = plan_forecast(ws, plan_id, seed=3)
    assert result.how_many.until == date(2026, 5, 2)  # day 90 of a plan starting 2 February
    assert result.as_of == datetime(2026, 3, 8, 10, 0, tzinfo=result.as_of.tzinfo)  # 09:00 UTC in Paris
    assert result.throughput.counts[-6:] == (0, 0, 1, 0, 1, 1)  # B on the 5th, C on the 7th, A on the 8th
    assert plan_forecast(ws, plan_id, seed=3) == result
    sim = plan_whatif(ws, plan_id, ["Marketing", "IT"])
    assert sim.measured_flow_time_p50 == 5.0
    with pytest.raises(PlanError, match="not in the stage map"):
        plan_whatif(ws, plan_id, ["Marketing", "Ops"])


def test_summary_gains_the_forecast_and_the_money(ws, plan_id):
    plan = find_plan(ws)
    data = plan_summary(ws, plan, date(2026, 3, 10), FEATURES)
    assert "money" not in data["audit"]["silo_tax"]
    assert set(data["forecast"]) == {"how_many", "when"}
    assert data["forecast"]["how_many"]["until"] == "2026-05-02" and data["forecast"]["when"]["items"] == 0
    set_cost_of_delay(ws, plan_id, CostOfDelay("EUR", 700))
    data = plan_summary(ws, plan, date(2026, 3, 10), FEATURES)
    assert data["audit"]["silo_tax"]["money"]["amount"] == 900.0
    assert data["audit"]["silo_tax"]["days"] == 9.0


def test_plan_dump_and_load_carry_the_cost_and_the_scenarios(ws, plan_id, tmp_path):
    set_cost_of_delay(ws, plan_id, CostOfDelay("GBP", 350.5, (("Bug", 1000),)))
    save_scenario(ws, plan_id, "Squad", ["Marketing", "IT"], 0.5)
    doc = dump_plan(ws, plan_id, FEATURES)
    assert doc["audit"]["cost_of_delay"] == {"currency": "GBP", "per_week": 350.5,
                                             "per_type": [{"type": "Bug", "per_week": 1000.0}]}
    assert doc["audit"]["scenarios"] == [{"name": "Squad", "departments": ["Marketing", "IT"], "factor": 0.5}]
    new_id = load_plan(ws, json.loads(json.dumps(doc)), FEATURES, rename="Copy")
    again = dump_plan(ws, new_id, FEATURES)
    again["plan"]["name"] = doc["plan"]["name"]
    assert again == doc
    bad = json.loads(json.dumps(doc))
    bad["audit"]["scenarios"][0]["departments"] = ["IT"]
    with pytest.raises(PlanError, match=r"audit.scenarios\[0\]: a scenario merges at least two"):
        load_plan(ws, bad, FEATURES, rename="Bad")


def test_a_plan_without_a_log_keeps_its_cost_through_dump_and_load(ws):
    pid = create_plan(ws, PlanDraft(name="Empty", start=date(2026, 2, 2)))
    set_cost_of_delay(ws, pid, CostOfDelay("EUR", 10))
    doc = dump_plan(ws, pid, FEATURES)
    assert doc["audit"] == {"stages": [], "cost_of_delay": {"currency": "EUR", "per_week": 10.0, "per_type": []}}
    new_id = load_plan(ws, doc, FEATURES, rename="Empty 2")
    assert get_cost_of_delay(ws, new_id) == CostOfDelay("EUR", 10.0)
    assert plan_forecast(ws, new_id) is None and plan_silo_money(ws, new_id) is None


def test_a_file_at_revision_0003_keeps_its_audit_and_gains_the_cost_tables(tmp_path):
    import sqlite3

    from models.core.workspace import migrate_to, open_workspace

    path = tmp_path / "old.ninety"
    sqlite3.connect(path).close()
    migrate_to(path, "0003")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO plans (id, name, organisation, sponsor, revenue_architect, start_date, horizon_days,"
                " created_at) VALUES (1, 'P', '', '', '', '2026-02-02', 90, '2026-01-01 00:00:00')")
    con.execute("INSERT INTO audit_stages (plan_id, status, department, kind, position) VALUES (1, 'Done', 'IT', 'done', 0)")
    con.commit()
    con.close()
    with open_workspace(path) as ws:
        assert list(store.get_stage_map(ws, 1)) == ["Done"]
        set_cost_of_delay(ws, 1, CostOfDelay("EUR", 5))
        save_scenario(ws, 1, "S", ["IT", "Design"])
        assert get_cost_of_delay(ws, 1) == CostOfDelay("EUR", 5.0) and len(list_scenarios(ws, 1)) == 1
