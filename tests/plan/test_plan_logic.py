"""Plan logic that used to mislead: a plan without milestones read GREEN, "Attack this"
put a milestone after the Audit step without a baseline, the demo contradicted itself,
and the app and ``ninety audit`` disagreed on the stage map."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from models.audit import store
from models.audit.analysis import Stage
from models.audit.demo import CHOSEN, HORIZON_DAYS, LOG_START_OFFSET
from models.audit.stage_rule import department_required, stage_problems
from models.plan import service as svc
from models.plan.demo import PICK_DAY, PICK_TITLE
from models.plan.status import NO_MILESTONES, overview_checklist, rag_status
from models.plan.summary import plan_summary
from tests.conftest import FEATURES, TODAY


# --------------------------------------------------------------------------- rag "none"

def test_a_new_plan_has_no_rag_colour_but_none(ws):
    pid = svc.create_plan(ws, svc.PlanDraft(name="New", start=TODAY, revenue_architect="Ana"))
    data = plan_summary(ws, svc.get_plan(ws, pid), TODAY, FEATURES)
    assert (data["rag"], data["rag_reason"]) == ("none", "no milestones yet") == (NO_MILESTONES, "no milestones yet")
    assert all(step["milestones"] == 0 for step in data["steps"])
    mid = svc.add_milestone(ws, pid, svc.MilestoneDraft(step="audit", title="Export the log", due=TODAY))
    assert plan_summary(ws, svc.get_plan(ws, pid), TODAY, FEATURES)["rag"] == "green"
    svc.delete_milestone(ws, mid)
    assert rag_status(svc.list_milestones(ws, pid), TODAY).colour == "none"


# --------------------------------------------------------------------------- "Attack this"

@pytest.fixture
def plan_id(ws):
    pid = svc.create_plan(ws, svc.PlanDraft(name="Audit plan", start=date(2026, 1, 1), revenue_architect="Dana"))
    store.set_stage_map(ws, pid, [Stage("Wait", "IT", "queue"), Stage("Work", "IT", "active"),
                                  Stage("Done", "", "done")])
    return pid


def audit_end(ws, pid) -> date:
    return next(p.end for p in svc.list_phases(ws, pid) if p.step == "audit")


def attack_milestone(ws, pid, mid):
    return next(m for m in svc.list_milestones(ws, pid) if m.id == mid)


def test_the_attack_milestone_is_due_inside_the_audit_step(ws, plan_id):
    end = audit_end(ws, plan_id)
    assert end == date(2026, 1, 21)
    _, mid = store.choose_bottleneck(ws, plan_id, "Design", "IT", date(2026, 1, 3))
    assert attack_milestone(ws, plan_id, mid).due == date(2026, 1, 17)  # 14 days on, inside the step
    _, mid = store.choose_bottleneck(ws, plan_id, "Design", "Marketing", date(2026, 1, 15))
    m = attack_milestone(ws, plan_id, mid)
    assert m.due == end and m.step == "audit"  # 14 days would end after the step: by its end instead
    assert audit_end(ws, plan_id) == end  # the step itself is untouched
    assert m.baseline_due is None  # the plan has no baseline: none for this one either


def test_the_attack_milestone_is_baselined_when_the_plan_has_a_baseline(ws, plan_id):
    svc.add_milestone(ws, plan_id, svc.MilestoneDraft(step="audit", title="Export the log", due=date(2026, 1, 5)))
    svc.set_baseline(ws, plan_id)
    assert all(i.done for i in overview_checklist(svc.get_plan(ws, plan_id), svc.list_phases(ws, plan_id),
                                                  svc.list_milestones(ws, plan_id)) if i.label == "Baseline set")
    _, mid = store.choose_bottleneck(ws, plan_id, "Design", "IT", date(2026, 1, 10))
    m = attack_milestone(ws, plan_id, mid)
    assert m.baseline_due == m.due == date(2026, 1, 21) and m.slip_days == 0
    baseline = next(i for i in overview_checklist(svc.get_plan(ws, plan_id), svc.list_phases(ws, plan_id),
                                                  svc.list_milestones(ws, plan_id)) if i.label == "Baseline set")
    assert baseline.done  # "Attack this" no longer un-ticks it


def test_after_the_step_the_step_is_extended_only_when_asked(ws, plan_id):
    svc.add_milestone(ws, plan_id, svc.MilestoneDraft(step="audit", title="Export the log", due=date(2026, 1, 5)))
    svc.set_baseline(ws, plan_id)
    today = date(2026, 2, 10)  # the Audit step ended on 21 Jan
    where = store.attack_plan(ws, plan_id, today)
    assert (where.due, where.step_end, where.extend_to, where.baselined) == (
        date(2026, 2, 24), date(2026, 1, 21), date(2026, 2, 24), True)
    before = svc.list_milestones(ws, plan_id)
    with pytest.raises(svc.PlanError, match="the Audit step ended on 21 Jan 2026: extend it to 24 Feb 2026"):
        store.choose_bottleneck(ws, plan_id, "Design", "IT", today, extend_step=False)
    assert svc.list_milestones(ws, plan_id) == before and store.get_choice(ws, plan_id) is None
    previous, mid = store.choose_bottleneck(ws, plan_id, "Design", "IT", today)
    m = attack_milestone(ws, plan_id, mid)
    assert m.due == audit_end(ws, plan_id) == date(2026, 2, 24) and not m.is_overdue(today)
    assert m.baseline_due == m.due
    store.undo_choice(ws, plan_id, previous, mid, step_end=where.step_end)
    assert audit_end(ws, plan_id) == date(2026, 1, 21) and svc.list_milestones(ws, plan_id) == before


# --------------------------------------------------------------------------- the demo

def test_the_demo_picked_its_bottleneck_and_its_log_ends_inside_the_audit_step(demo_ws):
    plan = svc.find_plan(demo_ws)
    pick = next(m for m in svc.list_milestones(demo_ws, plan.id) if m.title == PICK_TITLE)
    assert pick.status == "done" and pick.done_date == plan.start + timedelta(days=PICK_DAY - 1)
    choice = store.get_choice(demo_ws, plan.id)
    assert (choice.from_department, choice.to_department) == CHOSEN
    assert choice.milestone_id == pick.id and choice.chosen_on == pick.done_date
    assert [i.done for i in store.audit_checklist(demo_ws, plan.id)] == [True, True, True]
    assert len(svc.list_milestones(demo_ws, plan.id)) == 17  # the choice hangs off "Pick", adds none
    # the chosen handoff is the one the readout ranks first
    assert [(h.from_department, h.to_department) for h in store.analyse_plan(demo_ws, plan.id).handoffs[:1]] == [
        CHOSEN]

    start, end = plan.start, audit_end(demo_ws, plan.id)
    log = store.load_transitions(demo_ws, plan.id)
    zone_start = datetime.combine(start - timedelta(days=LOG_START_OFFSET), datetime.min.time()).astimezone()
    last = max(t.at for t in log)
    assert zone_start <= min(t.at for t in log)
    assert last < datetime.combine(start + timedelta(days=HORIZON_DAYS - LOG_START_OFFSET),
                                   datetime.min.time()).astimezone()
    assert last.date() <= end  # the log does not run past the Audit step
    stalls = store.list_stalls(demo_ws, plan.id)
    assert all(s.entered.date() <= end and (s.left is None or s.left.date() <= end) for s in stalls)
    imported = store.active_import(demo_ws, plan.id).imported_at
    assert start <= imported.date() <= end
    # every Audit milestone is due inside the step
    assert all(m.due <= end for m in svc.list_milestones(demo_ws, plan.id) if m.step == "audit")
    assert plan_summary(demo_ws, plan, TODAY, FEATURES)["audit"]["chosen_bottleneck"] == {
        "from": "Design", "to": "Marketing", "chosen_on": pick.done_date.isoformat()}


def test_a_choice_hangs_off_a_milestone_of_its_own_plan_only(ws, plan_id):
    other = svc.create_plan(ws, svc.PlanDraft(name="Other", start=date(2026, 1, 1)))
    foreign = svc.add_milestone(ws, other, svc.MilestoneDraft(step="audit", title="x", due=date(2026, 1, 5)))
    with pytest.raises(svc.PlanError, match="no milestone with id"):
        store.record_choice(ws, plan_id, "Design", "IT", date(2026, 1, 5), foreign)
    assert store.get_choice(ws, plan_id) is None


# --------------------------------------------------------------------------- the stage-map rule

def test_one_stage_map_rule_a_done_status_may_have_no_department(ws, plan_id):
    assert not department_required("done") and not department_required(" Done ")
    assert department_required("active") and department_required("queue")
    assert stage_problems("Live", "", "done") == []
    assert stage_problems("QA Queue", " ", "queue") == [
        ("department", "missing department (a queue status needs one; only a done status may leave it blank)")]
    assert stage_problems("", "IT", "waiting") == [
        ("status", "missing status"), ("kind", "bad kind 'waiting' (expected active, queue or done)")]
    # the app stores exactly what the rule accepts
    store.set_stage_map(ws, plan_id, [Stage("Wait", "IT", "queue"), Stage("Live", "", "done")])
    assert store.get_stage_map(ws, plan_id)["Live"] == Stage("Live", "", "done")
    with pytest.raises(svc.PlanError, match="department is required"):
        store.set_stage_map(ws, plan_id, [Stage("Wait", "", "queue")])
