"""Undo commands: each edit a user can make, as a thin wrapper over a service call."""
from __future__ import annotations

from typing import Any

from models.core.changes import EVERYTHING
from views.common.document import ServiceCommand, WorkspaceDocument
from models.plan import service as svc
from models.plan.transfer import dump_plan, load_plan


class CreatePlan(ServiceCommand):
    features = (EVERYTHING,)  # dates and names every page shows
    plans_changed = True

    def __init__(self, doc: WorkspaceDocument, draft: svc.PlanDraft):
        super().__init__(doc, f"New plan {draft.name!r}")
        self.draft = draft
        self.plan_id: int | None = None
        self.snapshot: dict | None = None

    def apply(self) -> None:
        self.plan_id = svc.create_plan(self.ws, self.draft)
        self.doc.set_plan(self.plan_id)

    def reapply(self) -> None:
        load_plan(self.ws, self.snapshot, self.doc.features, keep_ids=True, source="undo")
        self.doc.set_plan(self.plan_id)

    def revert(self) -> None:
        self.snapshot = dump_plan(self.ws, self.plan_id, self.doc.features, keep_ids=True)
        svc.delete_plan(self.ws, self.plan_id)


class DeletePlan(ServiceCommand):
    features = (EVERYTHING,)  # dates and names every page shows
    plans_changed = True

    def __init__(self, doc: WorkspaceDocument, plan_id: int, name: str):
        super().__init__(doc, f"Delete plan {name!r}")
        self.plan_id = plan_id
        self.snapshot: dict | None = None

    def apply(self) -> None:
        self.snapshot = dump_plan(self.ws, self.plan_id, self.doc.features, keep_ids=True)
        svc.delete_plan(self.ws, self.plan_id)

    def revert(self) -> None:
        load_plan(self.ws, self.snapshot, self.doc.features, keep_ids=True, source="undo")
        self.doc.set_plan(self.plan_id)


class EditPlanDetails(ServiceCommand):
    features = (EVERYTHING,)  # dates and names every page shows
    plans_changed = True

    def __init__(self, doc: WorkspaceDocument, plan_id: int, plan_changes: dict[str, Any],
                 phase_changes: dict[int, dict[str, Any]], text: str = "Edit plan"):
        super().__init__(doc, text)
        self.plan_id = plan_id
        self.after = (plan_changes, phase_changes)
        self.before: tuple[dict, dict] | None = None

    def apply(self) -> None:
        self.before = svc.update_plan_details(self.ws, self.plan_id, *self.after)

    def revert(self) -> None:
        svc.update_plan_details(self.ws, self.plan_id, *self.before)


class AddMilestone(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, draft: svc.MilestoneDraft):
        super().__init__(doc, f"Add milestone {draft.title!r}")
        self.plan_id = plan_id
        self.draft = draft
        self.milestone_id: int | None = None
        self.deleted: svc.DeletedMilestone | None = None

    def apply(self) -> None:
        self.milestone_id = svc.add_milestone(self.ws, self.plan_id, self.draft)

    def reapply(self) -> None:
        svc.restore_milestone(self.ws, self.deleted)

    def revert(self) -> None:
        self.deleted = svc.delete_milestone(self.ws, self.milestone_id)


class DeleteMilestone(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, milestone_id: int, title: str):
        super().__init__(doc, f"Delete milestone {title!r}")
        self.milestone_id = milestone_id
        self.deleted: svc.DeletedMilestone | None = None

    def apply(self) -> None:
        self.deleted = svc.delete_milestone(self.ws, self.milestone_id)

    def revert(self) -> None:
        svc.restore_milestone(self.ws, self.deleted)


class EditMilestone(ServiceCommand):
    """Change one or more fields; redo re-applies exactly what the first edit stored."""

    def __init__(self, doc: WorkspaceDocument, milestone_id: int, changes: dict[str, Any], text: str):
        super().__init__(doc, text)
        self.milestone_id = milestone_id
        self.changes = changes
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = svc.update_milestone(self.ws, self.milestone_id, self.changes)
        now = svc.get_milestone(self.ws, self.milestone_id)
        self.after = {k: getattr(now, k) for k in self.before}

    def reapply(self) -> None:
        svc.update_milestone(self.ws, self.milestone_id, self.after)

    def revert(self) -> None:
        svc.update_milestone(self.ws, self.milestone_id, self.before)


class SetBaseline(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int):
        super().__init__(doc, "Set baseline")
        self.plan_id = plan_id
        self.before: dict | None = None

    def apply(self) -> None:
        self.before = svc.set_baseline(self.ws, self.plan_id)

    def revert(self) -> None:
        svc.restore_baselines(self.ws, self.before)
