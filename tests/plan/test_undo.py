"""Every kind of edit: do, undo (database as before), redo (database as after)."""
from __future__ import annotations

from datetime import date

import pytest

from models.plan import service as svc
from models.plan.service import MilestoneDraft, PlanDraft
from models.plan.transfer import dump_plan
from views.plan.commands import (
    AddMilestone,
    CreatePlan,
    DeleteMilestone,
    DeletePlan,
    EditMilestone,
    EditPlanDetails,
    SetBaseline,
)
from views.common.document import WorkspaceDocument
from tests.conftest import FEATURES


@pytest.fixture
def doc(qapp, demo_ws):
    d = WorkspaceDocument(demo_ws, FEATURES)
    yield d
    d.deleteLater()


def state(doc):
    return {p.name: dump_plan(doc.ws, p.id, FEATURES) for p in svc.list_plans(doc.ws)}


def by_title(doc, title):
    return next(m for m in svc.list_milestones(doc.ws, doc.plan_id) if m.title == title)


def round_trip(doc, make_command, check_after):
    before = state(doc)
    assert doc.execute(make_command())
    after = state(doc)
    assert after != before
    check_after()
    doc.undo_stack.undo()
    assert state(doc) == before
    doc.undo_stack.redo()
    assert state(doc) == after
    check_after()


def test_edit_milestone_field(doc):
    mid = by_title(doc, "Self-serve email sequences live").id
    round_trip(doc, lambda: EditMilestone(doc, mid, {"owner": "Jo"}, "Edit owner"),
               lambda: svc.get_milestone(doc.ws, mid).owner == "Jo" or pytest.fail("owner not stored"))


def test_edit_status_to_done_undoes_the_done_date_too(doc):
    m = by_title(doc, "Self-serve email sequences live")

    def check():
        now = svc.get_milestone(doc.ws, m.id)
        assert now.status == "done" and now.done_date is not None

    round_trip(doc, lambda: EditMilestone(doc, m.id, {"status": "done"}, "Edit status"), check)
    doc.undo_stack.undo()
    assert svc.get_milestone(doc.ws, m.id).done_date is None


def test_add_milestone(doc):
    draft = MilestoneDraft(step="lowcode", title="Template library", due=date(2026, 4, 1), owner="Sam")
    round_trip(doc, lambda: AddMilestone(doc, doc.plan_id, draft),
               lambda: by_title(doc, "Template library").owner == "Sam" or pytest.fail())


def test_delete_milestone_with_dependents(doc):
    m = by_title(doc, "Grant production deploy rights to the squad")
    dependent = by_title(doc, "Ship checkout-page experiments weekly")
    assert dependent.depends_on_id == m.id

    def check():
        assert all(x.title != m.title for x in svc.list_milestones(doc.ws, doc.plan_id))

    round_trip(doc, lambda: DeleteMilestone(doc, m.id, m.title), check)
    doc.undo_stack.undo()
    assert svc.get_milestone(doc.ws, dependent.id).depends_on_id == m.id


def test_set_baseline(doc):
    mid = by_title(doc, "Grant production deploy rights to the squad").id
    round_trip(doc, lambda: SetBaseline(doc, doc.plan_id),
               lambda: svc.get_milestone(doc.ws, mid).slip_days == 0 or pytest.fail())


def test_edit_plan_and_phase_dates(doc):
    audit = svc.list_phases(doc.ws, doc.plan_id)[0]
    round_trip(doc, lambda: EditPlanDetails(doc, doc.plan_id, {"revenue_architect": "Lee", "name": "Renamed"},
                                            {audit.id: {"end": date(2026, 3, 1), "goal": "Find the stalls"}}),
               lambda: svc.get_plan(doc.ws, doc.plan_id).name == "Renamed" or pytest.fail())


def test_create_plan_and_its_undo(doc):
    draft = PlanDraft(name="Second plan", start=date(2026, 5, 4), revenue_architect="Kim")
    round_trip(doc, lambda: CreatePlan(doc, draft),
               lambda: doc.plan().name == "Second plan" or pytest.fail())


def test_delete_plan_and_its_undo_restores_everything(doc):
    name = doc.plan().name
    round_trip(doc, lambda: DeletePlan(doc, doc.plan_id, name),
               lambda: svc.list_plans(doc.ws) == [] or pytest.fail())
    doc.undo_stack.undo()
    assert doc.plan().name == name and len(svc.list_milestones(doc.ws, doc.plan_id)) == 17


def test_a_refused_edit_is_not_an_undo_step(doc):
    errors = []
    doc.error.connect(errors.append)
    m = by_title(doc, "Self-serve email sequences live")
    assert not doc.execute(EditMilestone(doc, m.id, {"title": "   "}, "Edit title"))
    assert doc.undo_stack.count() == 0
    assert errors == ["milestone title is required"]


def test_changed_is_emitted_on_execute_undo_and_redo(doc, qtbot):
    m = by_title(doc, "Self-serve email sequences live")
    with qtbot.waitSignal(doc.changed, timeout=1000):
        doc.execute(EditMilestone(doc, m.id, {"owner": "X"}, "Edit owner"))
    with qtbot.waitSignal(doc.changed, timeout=1000):
        doc.undo_stack.undo()
    with qtbot.waitSignal(doc.changed, timeout=1000):
        doc.undo_stack.redo()
