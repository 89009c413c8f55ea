"""``Step``: an undoable edit given as three service calls."""
from __future__ import annotations

from desktop.features import FEATURES
from models.ownership import service as svc
from models.plan.service import PlanDraft, create_plan
from tests.conftest import TODAY
from views.common.document import Step, WorkspaceDocument


def test_step_does_undoes_and_redoes_with_the_same_row(qtbot, ws):
    plan_id = create_plan(ws, PlanDraft(name="Pilot", start=TODAY))
    doc = WorkspaceDocument(ws, FEATURES)
    seen = []
    doc.changed.connect(seen.append)

    step = Step(doc, "Add department 'Data'", feature="ownership",
                do=lambda w: svc.add_department(w, plan_id, "Data"),
                undo=lambda w, dept: svc.remove_department(w, dept.id),
                redo=svc.restore_department)
    assert doc.execute(step)
    added = [d for d in svc.get_map(ws, plan_id).departments if d.name == "Data"]
    assert len(added) == 1
    assert seen[-1].features == frozenset({"ownership"}) and seen[-1].plan_id == plan_id

    doc.undo_stack.undo()
    assert [d.name for d in svc.get_map(ws, plan_id).departments if d.name == "Data"] == []
    doc.undo_stack.redo()
    again = [d for d in svc.get_map(ws, plan_id).departments if d.name == "Data"]
    assert [d.id for d in again] == [added[0].id]  # restored with its id, later steps still find it
    assert len(seen) == 3


def test_a_refused_step_never_enters_the_stack(qtbot, ws):
    plan_id = create_plan(ws, PlanDraft(name="Pilot", start=TODAY))
    doc = WorkspaceDocument(ws, FEATURES)
    errors = []
    doc.error.connect(errors.append)
    step = Step(doc, "Add a blank department", feature="ownership",
                do=lambda w: svc.add_department(w, plan_id, "   "),
                undo=lambda w, dept: svc.remove_department(w, dept.id))
    assert not doc.execute(step)
    assert doc.undo_stack.count() == 0 and errors and "name" in errors[0].lower()
