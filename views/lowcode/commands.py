"""Undo commands for the Low-code page: each a thin wrapper over a ``models.lowcode.service`` service.

``apply`` runs the edit the first time (a refused edit raises ``PlanError`` and
never enters the stack); ``revert`` puts back what the service returned;
``reapply`` restores exactly what the first edit stored, ids included, so later
commands in the stack still find their rows.
"""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtGui import QUndoCommand

from models.lowcode import service as svc
from views.common.document import ServiceCommand, WorkspaceDocument

#: Consecutive target edits on one plan merge into one undo step (spin-box clicks).
TARGET_COMMAND_ID = 0x4C43  # "LC"


class SetTargetShare(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, share: float):
        super().__init__(doc, f"Set the self-serve target to {share:.0%}")
        self.plan_id = plan_id
        self.share = share
        self.before: float | None = None

    def apply(self) -> None:
        self.before = svc.set_target_share(self.ws, self.plan_id, self.share)

    def reapply(self) -> None:
        svc.set_target_share(self.ws, self.plan_id, self.share)

    def revert(self) -> None:
        svc.set_target_share(self.ws, self.plan_id, self.before)

    def id(self) -> int:
        return TARGET_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetTargetShare) or other.plan_id != self.plan_id:
            return False
        self.share = other.share
        self.setText(other.text())
        return True


class AddRequest(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, draft: svc.RequestDraft):
        super().__init__(doc, f"Add request {draft.title.strip()!r}")
        self.plan_id = plan_id
        self.draft = draft
        self.request_id: int | None = None
        self.deleted: svc.RequestInfo | None = None

    def apply(self) -> None:
        self.request_id = svc.add_request(self.ws, self.plan_id, self.draft)

    def reapply(self) -> None:
        svc.restore_request(self.ws, self.deleted)

    def revert(self) -> None:
        self.deleted = svc.delete_request(self.ws, self.request_id)


class EditRequest(ServiceCommand):
    """Change one or more fields; redo re-applies exactly what the first edit stored."""

    def __init__(self, doc: WorkspaceDocument, request_id: int, changes: dict[str, Any],
                 text: str = "Edit request"):
        super().__init__(doc, text)
        self.request_id = request_id
        self.changes = changes
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = svc.update_request(self.ws, self.request_id, self.changes)
        now = svc.get_request(self.ws, self.request_id)
        self.after = {k: getattr(now, k) for k in self.before}

    def reapply(self) -> None:
        svc.update_request(self.ws, self.request_id, self.after)

    def revert(self) -> None:
        svc.update_request(self.ws, self.request_id, self.before)


class DeleteRequest(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, request_id: int, title: str):
        super().__init__(doc, f"Delete request {title!r}")
        self.request_id = request_id
        self.deleted: svc.RequestInfo | None = None

    def apply(self) -> None:
        self.deleted = svc.delete_request(self.ws, self.request_id)

    def revert(self) -> None:
        svc.restore_request(self.ws, self.deleted)


class ImportRequests(ServiceCommand):
    """Requests read from a file, as one step. The wizard usually stores them in a
    worker first and hands the new ids in ``stored``; ``apply`` then only adopts them.
    Undo takes every imported request back out; redo puts them back with their ids."""

    def __init__(self, doc: WorkspaceDocument, plan_id: int, drafts: Sequence[svc.RequestDraft],
                 source: str, stored: Sequence[int] | None = None):
        super().__init__(doc, f"Import {len(drafts)} requests from {source}")
        self.plan_id = plan_id
        self.drafts = tuple(drafts)
        self.ids: tuple[int, ...] | None = tuple(stored) if stored is not None else None
        self.removed: tuple[svc.RequestInfo, ...] = ()

    def apply(self) -> None:
        if self.ids is None:
            self.ids = svc.import_requests(self.ws, self.plan_id, self.drafts)

    def reapply(self) -> None:
        svc.restore_requests(self.ws, self.removed)

    def revert(self) -> None:
        self.removed = svc.remove_requests(self.ws, self.ids)


class AddTool(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, draft: svc.ToolDraft):
        super().__init__(doc, f"Add tool {draft.name.strip()!r}")
        self.plan_id = plan_id
        self.draft = draft
        self.tool_id: int | None = None
        self.deleted: svc.ToolInfo | None = None

    def apply(self) -> None:
        self.tool_id = svc.add_tool(self.ws, self.plan_id, self.draft)

    def reapply(self) -> None:
        svc.restore_tool(self.ws, self.deleted)

    def revert(self) -> None:
        self.deleted = svc.delete_tool(self.ws, self.tool_id)


class EditTool(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, tool_id: int, changes: dict[str, Any], text: str = "Edit tool"):
        super().__init__(doc, text)
        self.tool_id = tool_id
        self.changes = changes
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = svc.update_tool(self.ws, self.tool_id, self.changes)
        now = svc.get_tool(self.ws, self.tool_id)
        self.after = {k: getattr(now, k) for k in self.before}

    def reapply(self) -> None:
        svc.update_tool(self.ws, self.tool_id, self.after)

    def revert(self) -> None:
        svc.update_tool(self.ws, self.tool_id, self.before)


class DeleteTool(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, tool_id: int, name: str):
        super().__init__(doc, f"Delete tool {name!r}")
        self.tool_id = tool_id
        self.deleted: svc.ToolInfo | None = None

    def apply(self) -> None:
        self.deleted = svc.delete_tool(self.ws, self.tool_id)

    def revert(self) -> None:
        svc.restore_tool(self.ws, self.deleted)
