"""One undo check for every room's page tests: an edit changes the plan's document,
undo puts back exactly what was there, redo exactly what the edit made."""
from __future__ import annotations

from models.plan.service import list_plans
from models.plan.transfer import dump_plan
from tests.conftest import FEATURES


def state(doc):
    """Every plan of the workspace as ``plan dump`` writes it."""
    return {p.name: dump_plan(doc.ws, p.id, FEATURES) for p in list_plans(doc.ws)}


def round_trip(doc, command, check_after):
    before = state(doc)
    assert doc.execute(command)
    after = state(doc)
    assert after != before
    check_after()
    doc.undo_stack.undo()
    assert state(doc) == before
    doc.undo_stack.redo()
    assert state(doc) == after
    check_after()
