"""Undo commands for the Squad page: each a thin wrapper over a ``models.squad.service`` service.
Rows (members, check-ins, changes) use the generic ``views.common.row_commands``.

``apply`` runs the edit the first time (a refused edit raises ``PlanError`` and
never enters the stack); ``revert`` puts back what the service returned;
``reapply`` restores exactly what the first edit stored, ids included, so later
commands in the stack still find their rows.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models.squad import service as svc
from views.common.document import ServiceCommand, WorkspaceDocument
from views.common.row_commands import AddRow, DeleteRow, EditRow

FEATURE = "squad"
KIND_LABELS = {"member": "member", "checkin": "check-in", "change": "change"}


class CreateSquad(ServiceCommand):
    feature = FEATURE

    def __init__(self, doc: WorkspaceDocument, plan_id: int, draft: svc.SquadDraft | None = None):
        super().__init__(doc, "Set up the squad")
        self.plan_id = plan_id
        self.draft = draft
        self.squad_id: int | None = None
        self.snapshot: svc.SquadSnapshot | None = None

    def apply(self) -> None:
        self.squad_id = svc.create_squad(self.ws, self.plan_id, self.draft)

    def reapply(self) -> None:
        svc.restore_squad(self.ws, self.snapshot)

    def revert(self) -> None:
        self.snapshot = svc.delete_squad(self.ws, self.squad_id)


class _SquadFieldsCommand(ServiceCommand):
    """Shared by the charter and verdict edits: keep the values before and after."""

    feature = FEATURE

    def __init__(self, doc: WorkspaceDocument, squad_id: int, text: str):
        super().__init__(doc, text)
        self.squad_id = squad_id
        self.before: svc.SquadEdit | None = None
        self.after: svc.SquadEdit | None = None

    def _remember_after(self) -> None:
        now = svc.squad_fields(self.ws, self.squad_id, tuple(self.before.before))
        self.after = svc.SquadEdit(now.before, now.autonomy if self.before.autonomy is not None else None)

    def reapply(self) -> None:
        svc.restore_squad_edit(self.ws, self.squad_id, self.after)

    def revert(self) -> None:
        svc.restore_squad_edit(self.ws, self.squad_id, self.before)


class EditCharter(_SquadFieldsCommand):
    """Charter fields and, when given, the whole autonomy list, as one step."""

    def __init__(self, doc: WorkspaceDocument, squad_id: int, changes: dict[str, Any],
                 autonomy: list[svc.AutonomyItem] | None = None, text: str = "Edit charter"):
        super().__init__(doc, squad_id, text)
        self.changes = changes
        self.autonomy = autonomy

    def apply(self) -> None:
        self.before = svc.update_charter(self.ws, self.squad_id, self.changes, self.autonomy)
        self._remember_after()


class RecordVerdict(_SquadFieldsCommand):
    def __init__(self, doc: WorkspaceDocument, squad_id: int, verdict: str | None, rationale: str, on: date):
        super().__init__(doc, squad_id, f"Record verdict {verdict}" if verdict else "Clear verdict")
        self.verdict, self.rationale, self.on = verdict, rationale, on

    def apply(self) -> None:
        self.before = svc.record_verdict(self.ws, self.squad_id, self.verdict, self.rationale, self.on)
        self._remember_after()


class SetAutonomyGranted(ServiceCommand):
    feature = FEATURE

    def __init__(self, doc: WorkspaceDocument, autonomy_id: int, granted: bool):
        super().__init__(doc, "Grant decision" if granted else "Withdraw decision")
        self.autonomy_id = autonomy_id
        self.granted = granted
        self.old: bool | None = None

    def apply(self) -> None:
        self.old = svc.set_autonomy_granted(self.ws, self.autonomy_id, self.granted)

    def revert(self) -> None:
        svc.set_autonomy_granted(self.ws, self.autonomy_id, self.old)


# Members, check-ins and changes: the generic row commands over the service's row stores.

def add_squad_row(doc: WorkspaceDocument, kind: str, squad_id: int, values) -> AddRow:
    """Add a member, check-in or change (*kind* as in ``models.squad.service.ROW_KINDS``)
    from its draft or a dict of every field."""
    return AddRow(doc, FEATURE, svc.ROW_STORES[kind], squad_id, values, f"Add {KIND_LABELS[kind]}")


def edit_squad_row(doc: WorkspaceDocument, kind: str, row_id: int, changes: dict[str, Any],
                   text: str | None = None) -> EditRow:
    return EditRow(doc, FEATURE, svc.ROW_STORES[kind], row_id, changes, text or f"Edit {KIND_LABELS[kind]}")


def delete_squad_row(doc: WorkspaceDocument, kind: str, row_id: int) -> DeleteRow:
    return DeleteRow(doc, FEATURE, svc.ROW_STORES[kind], row_id, f"Delete {KIND_LABELS[kind]}")
