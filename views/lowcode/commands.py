"""Undo steps for the Low-code page: requests and tools through the generic row commands
(``views.common.row_commands``), the target and an import as ``Step``s over
``models.lowcode.service``.

A refused edit raises ``PlanError`` the first time and never enters the stack;
undo puts back what the service returned; redo restores exactly what the first
edit stored, ids included, so later steps in the stack still find their rows.
"""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtGui import QUndoCommand

from models.lowcode import service as svc
from views.common.document import Step, WorkspaceDocument
from views.common.row_commands import AddRow, DeleteRow, EditRow, ServiceRows

FEATURE = "lowcode"
REQUESTS = ServiceRows(svc.add_request, svc.update_request, svc.delete_request, svc.restore_request)
TOOLS = ServiceRows(svc.add_tool, svc.update_tool, svc.delete_tool, svc.restore_tool)

#: Consecutive target edits on one plan merge into one undo step (spin-box clicks).
TARGET_COMMAND_ID = 0x4C43  # "LC"


class SetTargetShare(Step):
    """Set the self-serve target. ``set_target_share`` returns the share it replaced, so
    undo and redo are the same call; undo of merged edits reads the latest share back."""

    def __init__(self, doc: WorkspaceDocument, plan_id: int, share: float):
        def swap(ws, value):
            return svc.set_target_share(ws, plan_id, value)

        super().__init__(doc, f"Set the self-serve target to {share:.0%}", feature=FEATURE,
                         do=lambda ws: swap(ws, share), undo=swap, redo=swap)
        self.plan_id = plan_id

    def id(self) -> int:
        return TARGET_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetTargetShare) or other.plan_id != self.plan_id:
            return False
        self.setText(other.text())
        return True


def add_request(doc: WorkspaceDocument, plan_id: int, draft: svc.RequestDraft) -> AddRow:
    return AddRow(doc, FEATURE, REQUESTS, plan_id, draft, f"Add request {draft.title.strip()!r}")


def edit_request(doc: WorkspaceDocument, request_id: int, changes: dict[str, Any],
                 text: str = "Edit request") -> EditRow:
    """Change one or more fields (moving to self-serve also clears the reason)."""
    return EditRow(doc, FEATURE, REQUESTS, request_id, changes, text)


def delete_request(doc: WorkspaceDocument, request_id: int, title: str) -> DeleteRow:
    return DeleteRow(doc, FEATURE, REQUESTS, request_id, f"Delete request {title!r}")


def import_requests(doc: WorkspaceDocument, plan_id: int, drafts: Sequence[svc.RequestDraft], source: str,
                    stored: Sequence[int] | None = None) -> Step:
    """Requests read from a file, as one step. The wizard usually stores them in a
    worker first and hands the new ids in ``stored``; the step then only adopts them.
    Undo takes every imported request back out; redo puts them back with their ids."""
    drafts = tuple(drafts)
    return Step(doc, f"Import {len(drafts)} requests from {source}", feature=FEATURE,
                do=lambda ws: tuple(stored) if stored is not None else svc.import_requests(ws, plan_id, drafts),
                undo=svc.remove_requests, redo=svc.restore_requests)


def add_tool(doc: WorkspaceDocument, plan_id: int, draft: svc.ToolDraft) -> AddRow:
    return AddRow(doc, FEATURE, TOOLS, plan_id, draft, f"Add tool {draft.name.strip()!r}")


def edit_tool(doc: WorkspaceDocument, tool_id: int, changes: dict[str, Any], text: str = "Edit tool") -> EditRow:
    return EditRow(doc, FEATURE, TOOLS, tool_id, changes, text)


def delete_tool(doc: WorkspaceDocument, tool_id: int, name: str) -> DeleteRow:
    return DeleteRow(doc, FEATURE, TOOLS, tool_id, f"Delete tool {name!r}")
