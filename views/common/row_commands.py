"""Generic undo commands for adding, editing and deleting one row of any feature.

Each works through a small service protocol (``RowService``), so a feature's
rows need no command classes of their own. ``apply`` runs the edit the first
time (a refused edit raises ``PlanError`` and never enters the stack);
``revert`` puts back what the service returned; ``reapply`` restores exactly
what the first edit stored, ids included, so later commands still find their rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

from models.core.fields import Entity
from models.core.workspace import Workspace
from views.common.document import ServiceCommand, WorkspaceDocument


class RowService(Protocol):
    def add(self, ws: Workspace, parent_id: int, values: Any) -> int: ...

    def update(self, ws: Workspace, row_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply *changes*; return the previous values of the fields that changed."""

    def delete(self, ws: Workspace, row_id: int) -> Any:
        """Delete the row; return a snapshot that ``restore`` puts back with its id."""

    def restore(self, ws: Workspace, snapshot: Any) -> None: ...


@dataclass(frozen=True)
class ServiceRows:
    """A ``RowService`` made of a feature's four service functions, e.g.
    ``ServiceRows(svc.add_tool, svc.update_tool, svc.delete_tool, svc.restore_tool)``."""

    add: Callable[[Workspace, int, Any], int]
    update: Callable[[Workspace, int, dict[str, Any]], dict[str, Any]]
    delete: Callable[[Workspace, int], Any]
    restore: Callable[[Workspace, Any], Any]


class _RowCommand(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, feature: str, service: RowService, text: str):
        super().__init__(doc, text)
        #: which feature the command changes (pages redraw only when concerned)
        self.feature = feature
        self.service = service


class AddRow(_RowCommand):
    def __init__(self, doc: WorkspaceDocument, feature: str, service: RowService, parent_id: int,
                 values: Any, text: str):
        super().__init__(doc, feature, service, text)
        self.parent_id, self.values = parent_id, values
        self.row_id: int | None = None
        self.snapshot: Any = None

    def apply(self) -> None:
        self.row_id = self.service.add(self.ws, self.parent_id, self.values)

    def reapply(self) -> None:
        self.service.restore(self.ws, self.snapshot)

    def revert(self) -> None:
        self.snapshot = self.service.delete(self.ws, self.row_id)


class EditRow(_RowCommand):
    def __init__(self, doc: WorkspaceDocument, feature: str, service: RowService, row_id: int,
                 changes: dict[str, Any], text: str):
        super().__init__(doc, feature, service, text)
        self.row_id, self.changes = row_id, changes
        self.before: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = self.service.update(self.ws, self.row_id, self.changes)

    # the service cleans the same changes the same way, so redo re-runs them
    def reapply(self) -> None:
        self.service.update(self.ws, self.row_id, self.changes)

    def revert(self) -> None:
        self.service.update(self.ws, self.row_id, self.before)


class DeleteRow(_RowCommand):
    def __init__(self, doc: WorkspaceDocument, feature: str, service: RowService, row_id: int, text: str):
        super().__init__(doc, feature, service, text)
        self.row_id = row_id
        self.snapshot: Any = None

    def apply(self) -> None:
        self.snapshot = self.service.delete(self.ws, self.row_id)

    def revert(self) -> None:
        self.service.restore(self.ws, self.snapshot)


def cell_editor(doc: WorkspaceDocument, entity: Entity,
                command: Callable[[WorkspaceDocument, int, dict[str, Any], str], ServiceCommand]
                ) -> Callable[[int, str, Any], bool]:
    """The ``edit`` callback of a row table: a cell's new value as one undo step named
    after its field ("Edit allocation"), made by ``command(doc, row_id, changes, text)``."""
    def edit(row_id: int, key: str, value: Any) -> bool:
        return doc.execute(command(doc, row_id, {key: value}, f"Edit {entity.field(key).caption.lower()}"))

    return edit
