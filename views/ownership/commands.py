"""Undo commands for the ownership map: thin wrappers over ``models.ownership.service``."""
from __future__ import annotations

from typing import Any, Mapping

from models.ownership import service as svc
from views.common.document import ServiceCommand, WorkspaceDocument


class StartDefaultMap(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int):
        super().__init__(doc, "Start the ownership map")
        self.plan_id = plan_id
        self.snapshot: svc.OwnershipMap | None = None

    def apply(self) -> None:
        self.snapshot = svc.create_default_map(self.ws, self.plan_id)

    def reapply(self) -> None:
        svc.restore_map(self.ws, self.snapshot)

    def revert(self) -> None:
        svc.clear_map(self.ws, self.plan_id)


class SetCells(ServiceCommand):
    """Set one or more cells to a letter (or blank) in one step."""

    def __init__(self, doc: WorkspaceDocument, plan_id: int, letters: Mapping[tuple[int, int], str],
                 text: str | None = None):
        super().__init__(doc, text or self.describe(letters))
        self.plan_id = plan_id
        self.after = dict(letters)
        self.before: dict[tuple[int, int], str] = {}

    @staticmethod
    def describe(letters: Mapping[tuple[int, int], str]) -> str:
        """"Set A in a cell", "Set R in 3 cells", "Clear 2 cells", "Set 4 cells"."""
        values = {v or "" for v in letters.values()}
        where = "a cell" if len(letters) == 1 else f"{len(letters)} cells"
        if values == {""}:
            return f"Clear {where}"
        if len(values) == 1:
            return f"Set {values.pop()} in {where}"
        return f"Set {where}"

    def apply(self) -> None:
        self.before = svc.set_cells(self.ws, self.plan_id, self.after)

    def reapply(self) -> None:
        svc.set_cells(self.ws, self.plan_id, self.after)

    def revert(self) -> None:
        svc.set_cells(self.ws, self.plan_id, self.before)


class AddDepartment(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, name: str):
        super().__init__(doc, f"Add department {name.strip()!r}")
        self.plan_id = plan_id
        self.name = name
        self.removed: svc.RemovedDepartment | None = None
        self.department: svc.DepartmentInfo | None = None

    def apply(self) -> None:
        self.department = svc.add_department(self.ws, self.plan_id, self.name)

    def reapply(self) -> None:
        svc.restore_department(self.ws, self.removed)

    def revert(self) -> None:
        self.removed = svc.remove_department(self.ws, self.department.id)


class RenameDepartment(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, department_id: int, name: str):
        super().__init__(doc, f"Rename department to {name.strip()!r}")
        self.department_id = department_id
        self.name = name
        self.before = ""

    def apply(self) -> None:
        self.before = svc.rename_department(self.ws, self.department_id, self.name)

    def revert(self) -> None:
        svc.rename_department(self.ws, self.department_id, self.before)


class RemoveDepartment(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, department_id: int, name: str):
        super().__init__(doc, f"Remove department {name!r}")
        self.department_id = department_id
        self.removed: svc.RemovedDepartment | None = None

    def apply(self) -> None:
        self.removed = svc.remove_department(self.ws, self.department_id)

    def revert(self) -> None:
        svc.restore_department(self.ws, self.removed)


class MoveDepartment(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, department_id: int, offset: int):
        super().__init__(doc, "Move department " + ("left" if offset < 0 else "right"))
        self.plan_id = plan_id
        self.department_id = department_id
        self.offset = offset
        self.before: dict[int, int] = {}
        self.after: dict[int, int] = {}

    def apply(self) -> None:
        self.before = svc.move_department(self.ws, self.department_id, self.offset)
        self.after = {d.id: d.position for d in svc.get_map(self.ws, self.plan_id).departments}

    def reapply(self) -> None:
        svc.set_department_positions(self.ws, self.plan_id, self.after)

    def revert(self) -> None:
        svc.set_department_positions(self.ws, self.plan_id, self.before)


class AddCapability(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, name: str, layer: str, systems: Any = ()):
        super().__init__(doc, f"Add capability {name.strip()!r}")
        self.plan_id = plan_id
        self.args = (name, layer, systems)
        self.capability: svc.CapabilityInfo | None = None
        self.removed: svc.RemovedCapability | None = None

    def apply(self) -> None:
        self.capability = svc.add_capability(self.ws, self.plan_id, *self.args)

    def reapply(self) -> None:
        svc.restore_capability(self.ws, self.removed)

    def revert(self) -> None:
        self.removed = svc.remove_capability(self.ws, self.capability.id)


class EditCapability(ServiceCommand):
    """Name, layer, systems or escalation; redo re-applies exactly what the first edit stored."""

    def __init__(self, doc: WorkspaceDocument, capability_id: int, changes: Mapping[str, Any], text: str):
        super().__init__(doc, text)
        self.capability_id = capability_id
        self.changes = dict(changes)
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = svc.update_capability(self.ws, self.capability_id, self.changes)
        now = svc.get_capability(self.ws, self.capability_id)
        self.after = {k: getattr(now, k) for k in self.before}

    def reapply(self) -> None:
        svc.update_capability(self.ws, self.capability_id, self.after)

    def revert(self) -> None:
        svc.update_capability(self.ws, self.capability_id, self.before)


class RemoveCapability(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, capability_id: int, name: str):
        super().__init__(doc, f"Remove capability {name!r}")
        self.capability_id = capability_id
        self.removed: svc.RemovedCapability | None = None

    def apply(self) -> None:
        self.removed = svc.remove_capability(self.ws, self.capability_id)

    def revert(self) -> None:
        svc.restore_capability(self.ws, self.removed)


class MoveCapability(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, capability_id: int, offset: int):
        super().__init__(doc, "Move capability " + ("up" if offset < 0 else "down"))
        self.plan_id = plan_id
        self.capability_id = capability_id
        self.offset = offset
        self.before: dict[int, int] = {}
        self.after: dict[int, int] = {}

    def apply(self) -> None:
        self.before = svc.move_capability(self.ws, self.capability_id, self.offset)
        self.after = {c.id: c.position for c in svc.get_map(self.ws, self.plan_id).capabilities}

    def reapply(self) -> None:
        svc.set_capability_positions(self.ws, self.plan_id, self.after)

    def revert(self) -> None:
        svc.set_capability_positions(self.ws, self.plan_id, self.before)
