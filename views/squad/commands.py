"""Undo commands for the Squad page: each a thin wrapper over a ``models.squad.service`` service.

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

KIND_LABELS = {"member": "member", "checkin": "check-in", "change": "change"}


class CreateSquad(ServiceCommand):
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
    def __init__(self, doc: WorkspaceDocument, autonomy_id: int, granted: bool):
        super().__init__(doc, "Grant decision" if granted else "Withdraw decision")
        self.autonomy_id = autonomy_id
        self.granted = granted
        self.old: bool | None = None

    def apply(self) -> None:
        self.old = svc.set_autonomy_granted(self.ws, self.autonomy_id, self.granted)

    def revert(self) -> None:
        svc.set_autonomy_granted(self.ws, self.autonomy_id, self.old)


class AddSquadRow(ServiceCommand):
    """Add a member, check-in or change (``kind`` as in ``models.squad.service.ROW_KINDS``)."""

    def __init__(self, doc: WorkspaceDocument, kind: str, squad_id: int, draft):
        super().__init__(doc, f"Add {KIND_LABELS[kind]}")
        self.kind, self.squad_id, self.draft = kind, squad_id, draft
        self.row_id: int | None = None
        self.deleted = None

    def apply(self) -> None:
        self.row_id = svc.add_row(self.ws, self.kind, self.squad_id, self.draft)

    def reapply(self) -> None:
        svc.restore_row(self.ws, self.kind, self.deleted)

    def revert(self) -> None:
        self.deleted = svc.delete_row(self.ws, self.kind, self.row_id)


class EditSquadRow(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, kind: str, row_id: int, changes: dict[str, Any],
                 text: str | None = None):
        super().__init__(doc, text or f"Edit {KIND_LABELS[kind]}")
        self.kind, self.row_id, self.changes = kind, row_id, changes
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = svc.update_row(self.ws, self.kind, self.row_id, self.changes)
        now = svc.get_row(self.ws, self.kind, self.row_id)
        self.after = {k: getattr(now, k) for k in self.before}

    def reapply(self) -> None:
        svc.update_row(self.ws, self.kind, self.row_id, self.after)

    def revert(self) -> None:
        svc.update_row(self.ws, self.kind, self.row_id, self.before)


class DeleteSquadRow(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, kind: str, row_id: int):
        super().__init__(doc, f"Delete {KIND_LABELS[kind]}")
        self.kind, self.row_id = kind, row_id
        self.deleted = None

    def apply(self) -> None:
        self.deleted = svc.delete_row(self.ws, self.kind, self.row_id)

    def revert(self) -> None:
        svc.restore_row(self.ws, self.kind, self.deleted)
