"""Undo steps for the Squad page: members, check-ins and changes through the generic
row commands (``views.common.row_commands``); the squad itself, its charter, verdict
and autonomy as ``Step``s over ``models.squad.service``.

A refused edit raises ``PlanError`` the first time and never enters the stack;
undo puts back what the service returned; redo restores exactly what the first
edit stored, ids included, so later steps in the stack still find their rows.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models.squad import service as svc
from views.common.document import Step, WorkspaceDocument
from views.common.row_commands import AddRow, DeleteRow, EditRow

FEATURE = "squad"
KIND_LABELS = {"member": "member", "checkin": "check-in", "change": "change"}


def create_squad(doc: WorkspaceDocument, plan_id: int, draft: svc.SquadDraft | None = None) -> Step:
    return Step(doc, "Set up the squad", feature=FEATURE, do=lambda ws: svc.create_squad(ws, plan_id, draft),
                undo=svc.delete_squad, redo=svc.restore_squad)


def _squad_edit(doc: WorkspaceDocument, squad_id: int, text: str, do) -> Step:
    """An edit of the squad's own fields: the service returns what it replaced, and putting
    that back returns what it replaces in turn, so undo and redo are the same call."""
    def swap(ws, edit: svc.SquadEdit) -> svc.SquadEdit:
        return svc.restore_squad_edit(ws, squad_id, edit)

    return Step(doc, text, feature=FEATURE, do=do, undo=swap, redo=swap)


def edit_charter(doc: WorkspaceDocument, squad_id: int, changes: dict[str, Any],
                 autonomy: list[svc.AutonomyItem] | None = None, text: str = "Edit charter") -> Step:
    """Charter fields and, when given, the whole autonomy list, as one step."""
    return _squad_edit(doc, squad_id, text, lambda ws: svc.update_charter(ws, squad_id, changes, autonomy))


def record_verdict(doc: WorkspaceDocument, squad_id: int, verdict: str | None, rationale: str, on: date,
                   record_early: bool = False, early_reason: str = "") -> Step:
    return _squad_edit(doc, squad_id, f"Record verdict {verdict}" if verdict else "Clear verdict",
                       lambda ws: svc.record_verdict(ws, squad_id, verdict, rationale, on,
                                                     record_early=record_early, early_reason=early_reason))


def set_autonomy_granted(doc: WorkspaceDocument, autonomy_id: int, granted: bool) -> Step:
    """``set_autonomy_granted`` returns the value it replaced: undo and redo swap it back."""
    def swap(ws, value: bool) -> bool:
        return svc.set_autonomy_granted(ws, autonomy_id, value)

    return Step(doc, "Grant decision" if granted else "Withdraw decision", feature=FEATURE,
                do=lambda ws: swap(ws, granted), undo=swap, redo=swap)


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
