"""Undo steps for the plan: each edit a user can make, as service calls given to ``Step``.

The names read like classes (``EditMilestone(doc, ...)``) because the window and
other rooms build them that way; each returns a ``Step``. ``swap`` serves every
room whose service reports an edit as ``before``/``after`` values.
"""
from __future__ import annotations

from typing import Any, Callable

from models.core.changes import EVERYTHING
from models.core.workspace import Workspace
from models.plan import service as svc
from models.plan.transfer import dump_plan, load_plan
from views.common.document import Step, WorkspaceDocument

FEATURE = "plan"
#: dates and names every page shows
WHOLE_PLAN = {"features": (EVERYTHING,), "plans_changed": True}


def swap(doc: WorkspaceDocument, text: str, *, do: Callable[[Workspace], svc.Edit],
         put: Callable[[Workspace, Any], Any], feature: str = FEATURE, **kw) -> Step:
    """A step whose ``do`` returns an ``Edit``: undo ``put``s its ``before`` values back,
    redo its ``after`` values, exactly what the first edit stored."""
    def undo(ws: Workspace, edit: svc.Edit) -> svc.Edit:
        put(ws, edit.before)
        return edit

    def redo(ws: Workspace, edit: svc.Edit) -> svc.Edit:
        put(ws, edit.after)
        return edit

    return Step(doc, text, do=do, undo=undo, redo=redo, feature=feature, **kw)


def _delete_plan(doc: WorkspaceDocument, ws: Workspace, plan_id: int) -> dict:
    snapshot = dump_plan(ws, plan_id, doc.features, keep_ids=True)
    svc.delete_plan(ws, plan_id)
    return snapshot


def _restore_plan(doc: WorkspaceDocument, ws: Workspace, plan_id: int, snapshot: dict) -> None:
    load_plan(ws, snapshot, doc.features, keep_ids=True, source="undo")
    doc.set_plan(plan_id)


def CreatePlan(doc: WorkspaceDocument, draft: svc.PlanDraft) -> Step:
    def create(ws: Workspace) -> int:
        plan_id = svc.create_plan(ws, draft)
        doc.set_plan(plan_id)
        return plan_id

    def recreate(ws: Workspace, memo: tuple[int, dict]) -> int:
        _restore_plan(doc, ws, *memo)
        return memo[0]

    return Step(doc, f"New plan {draft.name!r}", do=create,
                undo=lambda ws, plan_id: (plan_id, _delete_plan(doc, ws, plan_id)), redo=recreate, **WHOLE_PLAN)


def DeletePlan(doc: WorkspaceDocument, plan_id: int, name: str) -> Step:
    return Step(doc, f"Delete plan {name!r}", do=lambda ws: _delete_plan(doc, ws, plan_id),
                undo=lambda ws, snapshot: _restore_plan(doc, ws, plan_id, snapshot), **WHOLE_PLAN)


def EditPlanDetails(doc: WorkspaceDocument, plan_id: int, plan_changes: dict[str, Any],
                    phase_changes: dict[int, dict[str, Any]], text: str = "Edit plan") -> Step:
    after = (plan_changes, phase_changes)
    return swap(doc, text, do=lambda ws: svc.Edit(svc.update_plan_details(ws, plan_id, *after), after),
                put=lambda ws, values: svc.update_plan_details(ws, plan_id, *values), **WHOLE_PLAN)


def AddMilestone(doc: WorkspaceDocument, plan_id: int, draft: svc.MilestoneDraft) -> Step:
    return Step(doc, f"Add milestone {draft.title!r}", feature=FEATURE,
                do=lambda ws: svc.add_milestone(ws, plan_id, draft),
                undo=svc.delete_milestone, redo=lambda ws, deleted: _restore_milestone(ws, deleted))


def _restore_milestone(ws: Workspace, deleted: svc.DeletedMilestone) -> int:
    svc.restore_milestone(ws, deleted)
    return deleted.milestone.id


def DeleteMilestone(doc: WorkspaceDocument, milestone_id: int, title: str) -> Step:
    return Step(doc, f"Delete milestone {title!r}", feature=FEATURE,
                do=lambda ws: svc.delete_milestone(ws, milestone_id), undo=svc.restore_milestone)


def EditMilestone(doc: WorkspaceDocument, milestone_id: int, changes: dict[str, Any], text: str) -> Step:
    """Change one or more fields; redo re-applies exactly what the first edit stored."""
    return swap(doc, text, do=lambda ws: svc.edit_milestone(ws, milestone_id, changes),
                put=lambda ws, values: svc.update_milestone(ws, milestone_id, values))


def SetBaseline(doc: WorkspaceDocument, plan_id: int) -> Step:
    return Step(doc, "Set baseline", feature=FEATURE, do=lambda ws: svc.set_baseline(ws, plan_id),
                undo=svc.restore_baselines)
