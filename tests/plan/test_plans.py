"""Plans and milestones: services, the RAG rule, the summary and dump/load."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from models.plan import service as svc
from models.plan.service import MilestoneDraft, MilestoneInfo, PlanDraft, PlanError
from models.plan.status import overview_checklist, rag_status
from models.plan.summary import plan_summary
from models.core.transfer import TransferError
from models.plan.transfer import dump_plan, load_plan
from tests.conftest import FEATURES, TODAY

D = date(2026, 1, 10)


def ms(due_offset: int, status: str = "not started", mid: int = 1) -> MilestoneInfo:
    return MilestoneInfo(id=mid, plan_id=1, step="audit", title=f"m{mid}", owner="", due=D + timedelta(days=due_offset),
                         status=status)


# ------------------------------------------------------------------ RAG rule

def test_rag_of_a_plan_without_milestones_is_none_not_green():
    rag = rag_status([], D)
    assert (rag.colour, rag.reason) == ("none", "no milestones yet")
    assert rag_status([ms(30, "not started")], D).colour == "green"  # one milestone, not yet due


def test_rag_due_today_and_open_is_not_overdue():
    assert rag_status([ms(0, "in progress")], D).colour == "green"


def test_rag_blocked_but_not_overdue_is_amber():
    rag = rag_status([ms(5, "blocked")], D)
    assert rag.colour == "amber" and "blocked" in rag.reason and "m1" in rag.reason


def test_rag_exactly_20_percent_overdue_is_amber():
    items = [ms(-1, "in progress", 1)] + [ms(-i, "done", i) for i in range(2, 6)]  # 1 of 5 due so far
    rag = rag_status(items, D)
    assert rag.colour == "amber" and "overdue" in rag.reason


def test_rag_more_than_20_percent_overdue_is_red():
    items = [ms(-1, "in progress", 1), ms(-2, "not started", 2)] + [ms(-i, "done", i) for i in range(3, 6)]
    rag = rag_status(items, D)
    assert rag.colour == "red"
    assert rag.reason == "2 of 5 milestones due so far are overdue (40 %)"


def test_rag_blocked_and_overdue_is_red_even_when_rare():
    items = [ms(-1, "blocked", 1)] + [ms(-i, "done", i) for i in range(2, 12)]  # 1 of 11 overdue
    rag = rag_status(items, D)
    assert rag.colour == "red" and rag.reason.startswith("blocked and overdue")


def test_rag_done_late_is_not_overdue_and_future_ones_do_not_count():
    items = [ms(-3, "done", 1), ms(30, "not started", 2), ms(31, "not started", 3)]
    assert rag_status(items, D).colour == "green"


# ------------------------------------------------------------------ services

def test_create_plan_gets_default_phases(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5), revenue_architect="Ann"))
    phases = {p.step: (p.start, p.end) for p in svc.list_phases(ws, pid)}
    assert phases == {
        "audit": (date(2026, 1, 5), date(2026, 1, 25)),     # days 1-21
        "squad": (date(2026, 1, 19), date(2026, 4, 4)),     # days 15-90
        "lowcode": (date(2026, 2, 3), date(2026, 4, 4)),    # days 30-90
    }
    plan = svc.get_plan(ws, pid)
    assert plan.end == date(2026, 4, 4) and plan.horizon_days == 90


def test_plan_names_are_unique_and_required(ws):
    svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    with pytest.raises(PlanError, match="already exists"):
        svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    with pytest.raises(PlanError, match="required"):
        svc.create_plan(ws, PlanDraft(name="  ", start=date(2026, 1, 5)))


def test_phase_end_before_start_is_refused_and_nothing_changes(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    audit = svc.list_phases(ws, pid)[0]
    with pytest.raises(PlanError, match="before the start"):
        svc.update_plan_details(ws, pid, {"sponsor": "X"}, {audit.id: {"end": date(2026, 1, 1)}})
    assert svc.get_plan(ws, pid).sponsor == ""  # the plan change in the same edit was rolled back


def test_marking_done_records_a_done_date_and_reopening_clears_it(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    mid = svc.add_milestone(ws, pid, MilestoneDraft(step="audit", title="T", due=date(2026, 1, 20)))
    before = svc.update_milestone(ws, mid, {"status": "done"}, today=date(2026, 1, 18))
    assert before == {"status": "not started", "done_date": None}
    assert svc.get_milestone(ws, mid).done_date == date(2026, 1, 18)
    svc.update_milestone(ws, mid, {"status": "in progress"})
    assert svc.get_milestone(ws, mid).done_date is None


def test_dependency_loops_and_bad_values_are_refused(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    a = svc.add_milestone(ws, pid, MilestoneDraft(step="audit", title="A", due=date(2026, 1, 20)))
    b = svc.add_milestone(ws, pid, MilestoneDraft(step="audit", title="B", due=date(2026, 1, 21), depends_on_id=a))
    with pytest.raises(PlanError, match="loop"):
        svc.update_milestone(ws, a, {"depends_on_id": b})
    with pytest.raises(PlanError, match="itself"):
        svc.update_milestone(ws, a, {"depends_on_id": a})
    with pytest.raises(PlanError, match="status must be one of"):
        svc.update_milestone(ws, a, {"status": "finished"})
    with pytest.raises(PlanError, match="date"):
        svc.update_milestone(ws, a, {"due": "next week"})
    assert svc.get_milestone(ws, a).depends_on_id is None


def test_deleting_a_milestone_and_restoring_it_keeps_id_and_dependents(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    a = svc.add_milestone(ws, pid, MilestoneDraft(step="audit", title="A", due=date(2026, 1, 20)))
    b = svc.add_milestone(ws, pid, MilestoneDraft(step="squad", title="B", due=date(2026, 1, 21), depends_on_id=a))
    deleted = svc.delete_milestone(ws, a)
    assert deleted.dependents == (b,)
    assert svc.get_milestone(ws, b).depends_on_id is None  # ON DELETE SET NULL
    svc.restore_milestone(ws, deleted)
    assert svc.get_milestone(ws, a).title == "A"
    assert svc.get_milestone(ws, b).depends_on_id == a


def test_baseline_and_slip(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    a = svc.add_milestone(ws, pid, MilestoneDraft(step="audit", title="A", due=date(2026, 1, 20)))
    assert svc.get_milestone(ws, a).slip_days is None
    old = svc.set_baseline(ws, pid)
    assert old == {a: None}
    svc.update_milestone(ws, a, {"due": date(2026, 1, 27)})
    assert svc.get_milestone(ws, a).slip_days == 7
    svc.update_milestone(ws, a, {"due": date(2026, 1, 17)})
    assert svc.get_milestone(ws, a).slip_days == -3


def test_overview_checklist_is_ticked_from_the_data(ws):
    pid = svc.create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    plan, phases = svc.get_plan(ws, pid), svc.list_phases(ws, pid)
    items = overview_checklist(plan, phases, [])
    assert [i.done for i in items] == [False, True, False, False]
    for step in ("audit", "squad", "lowcode"):
        svc.add_milestone(ws, pid, MilestoneDraft(step=step, title=step, due=date(2026, 2, 1)))
    svc.update_plan(ws, pid, {"revenue_architect": "Dana"})
    svc.set_baseline(ws, pid)
    items = overview_checklist(svc.get_plan(ws, pid), phases, svc.list_milestones(ws, pid))
    assert all(i.done for i in items)


# ------------------------------------------------------------------ summary

def test_summary_of_the_demo_plan_on_a_known_day(demo_ws):
    plan = svc.find_plan(demo_ws)
    data = plan_summary(demo_ws, plan, TODAY, FEATURES)
    assert data["plan"] == "Digital Flagship 90-day transformation"
    assert data["start"] == "2026-02-02" and data["end"] == "2026-05-02"
    assert (data["day"], data["days_left"]) == (43, 47)
    assert data["rag"] == "red"
    assert data["rag_reason"] == ("blocked and overdue: 'Data Analyst joins the squad full time', "
                                  "'Promotion-rule templates without developer tickets'")
    steps = {s["key"]: (s["milestones"], s["done"], s["overdue"]) for s in data["steps"]}
    assert steps == {"audit": (5, 5, 0), "squad": (7, 3, 2), "lowcode": (5, 1, 1)}
    by_title = {m["title"]: m for m in data["milestones"]}
    deploy = by_title["Grant production deploy rights to the squad"]
    assert (deploy["due"], deploy["baseline_due"], deploy["slip_days"], deploy["status"]) == (
        "2026-03-08", "2026-03-01", 7, "in progress")
    assert by_title["Pick the bottleneck to attack first"]["slip_days"] == 0
    assert [m["due"] for m in data["milestones"]] == sorted(m["due"] for m in data["milestones"])


def test_summary_before_the_start_and_after_the_end(demo_ws):
    plan = svc.find_plan(demo_ws)
    early = plan_summary(demo_ws, plan, plan.start - timedelta(days=3), FEATURES)
    assert (early["day"], early["days_left"]) == (-2, 92)
    late = plan_summary(demo_ws, plan, plan.end + timedelta(days=10), FEATURES)
    assert (late["day"], late["days_left"]) == (100, 0)  # end is day 90


def test_find_plan_needs_a_name_when_there_are_several(demo_ws):
    svc.create_plan(demo_ws, PlanDraft(name="Second", start=TODAY))
    with pytest.raises(PlanError, match="several plans"):
        svc.find_plan(demo_ws)
    assert svc.find_plan(demo_ws, "Second").name == "Second"
    with pytest.raises(PlanError, match="no plan named"):
        svc.find_plan(demo_ws, "Third")


# ------------------------------------------------------------------ dump / load

def test_dump_load_dump_is_identical(demo_ws, tmp_path):
    from models.core.workspace import create_workspace

    first = dump_plan(demo_ws, svc.find_plan(demo_ws).id, FEATURES)
    with create_workspace(tmp_path / "other.ninety") as other:
        pid = load_plan(other, json.loads(json.dumps(first)), FEATURES)
        second = dump_plan(other, pid, FEATURES)
    assert json.dumps(first, sort_keys=False) == json.dumps(second, sort_keys=False)
    deps = [m for m in first["milestones"] if m["depends_on"]]
    assert len(deps) == 2  # dependencies survive as refs


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["milestones"][3].__setitem__("due", "31/02/2026"), "milestones[3].due"),
    (lambda d: d["milestones"][0].__setitem__("status", "finished"), "milestones[0].status"),
    (lambda d: d["milestones"][1].__setitem__("depends_on", 99), "milestones[1].depends_on"),
    (lambda d: d["phases"].pop(), "phases"),
    (lambda d: d["plan"].__setitem__("colour", "red"), "plan"),
    (lambda d: d.__setitem__("version", 7), "version"),
])
def test_a_bad_document_names_the_field_and_stores_nothing(demo_ws, ws, mutate, where):
    doc = dump_plan(demo_ws, svc.find_plan(demo_ws).id, FEATURES)
    mutate(doc)
    with pytest.raises(TransferError) as info:
        load_plan(ws, doc, FEATURES, source="plan.json")
    assert f"plan.json: {where}" in str(info.value)
    assert svc.list_plans(ws) == []
