"""Undo steps for the ownership map: ``models.ownership.service`` calls given to ``Step``.

As in ``views.plan.commands``, each name builds and returns a ``Step``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from models.core.workspace import Workspace
from models.ownership import service as svc
from models.plan.service import Edit
from views.common.document import Step, WorkspaceDocument
from views.plan.commands import swap

FEATURE = "ownership"


def StartDefaultMap(doc: WorkspaceDocument, plan_id: int) -> Step:
    return Step(doc, "Start the ownership map", feature=FEATURE,
                do=lambda ws: svc.create_default_map(ws, plan_id),
                undo=lambda ws, _snapshot: svc.clear_map(ws, plan_id), redo=_restore_map)


def _restore_map(ws: Workspace, snapshot: svc.OwnershipMap) -> svc.OwnershipMap:
    svc.restore_map(ws, snapshot)
    return snapshot


def describe(letters: Mapping[tuple[int, int], str]) -> str:
    """"Set A in a cell", "Set R in 3 cells", "Clear 2 cells", "Set 4 cells"."""
    values = {v or "" for v in letters.values()}
    where = "a cell" if len(letters) == 1 else f"{len(letters)} cells"
    if values == {""}:
        return f"Clear {where}"
    if len(values) == 1:
        return f"Set {values.pop()} in {where}"
    return f"Set {where}"


def SetCells(doc: WorkspaceDocument, plan_id: int, letters: Mapping[tuple[int, int], str],
             text: str | None = None) -> Step:
    """Set one or more cells to a letter (or blank) in one step."""
    after = dict(letters)
    return swap(doc, text or describe(letters), feature=FEATURE,
                do=lambda ws: Edit(svc.set_cells(ws, plan_id, after), after),
                put=lambda ws, values: svc.set_cells(ws, plan_id, values))


@dataclass(frozen=True)
class _Kind:
    """Departments or capabilities: their word in undo texts and their service calls."""

    word: str
    remove: Callable[[Workspace, int], Any]
    restore: Callable[[Workspace, Any], None]
    move: Callable[[Workspace, int, int], dict[int, int]]
    set_positions: Callable[[Workspace, int, Mapping[int, int]], dict[int, int]]
    #: how a move back (offset < 0) and forward reads
    directions: tuple[str, str]


DEPARTMENT = _Kind("department", svc.remove_department, svc.restore_department, svc.move_department,
                   svc.set_department_positions, ("left", "right"))
CAPABILITY = _Kind("capability", svc.remove_capability, svc.restore_capability, svc.move_capability,
                   svc.set_capability_positions, ("up", "down"))


def _adding(doc: WorkspaceDocument, kind: _Kind, name: str, add: Callable[[Workspace], Any]) -> Step:
    """Add a department or capability; undo removes it, redo restores it with its id."""
    def put_back(ws: Workspace, removed) -> Any:
        kind.restore(ws, removed)
        return getattr(removed, kind.word)  # the info again: the next undo removes it by id

    return Step(doc, f"Add {kind.word} {name.strip()!r}", feature=FEATURE, do=add,
                undo=lambda ws, info: kind.remove(ws, info.id), redo=put_back)


def _removing(doc: WorkspaceDocument, kind: _Kind, row_id: int, name: str) -> Step:
    return Step(doc, f"Remove {kind.word} {name!r}", feature=FEATURE, do=lambda ws: kind.remove(ws, row_id),
                undo=kind.restore)


def _moving(doc: WorkspaceDocument, kind: _Kind, plan_id: int, row_id: int, offset: int) -> Step:
    # redo moves again from the positions undo put back, which gives the same positions
    return Step(doc, f"Move {kind.word} {kind.directions[offset > 0]}", feature=FEATURE,
                do=lambda ws: kind.move(ws, row_id, offset),
                undo=lambda ws, before: kind.set_positions(ws, plan_id, before))


def AddDepartment(doc: WorkspaceDocument, plan_id: int, name: str) -> Step:
    return _adding(doc, DEPARTMENT, name, lambda ws: svc.add_department(ws, plan_id, name))


def RenameDepartment(doc: WorkspaceDocument, department_id: int, name: str) -> Step:
    return swap(doc, f"Rename department to {name.strip()!r}", feature=FEATURE,
                do=lambda ws: Edit(svc.rename_department(ws, department_id, name), name),
                put=lambda ws, value: svc.rename_department(ws, department_id, value))


def RemoveDepartment(doc: WorkspaceDocument, department_id: int, name: str) -> Step:
    return _removing(doc, DEPARTMENT, department_id, name)


def MoveDepartment(doc: WorkspaceDocument, plan_id: int, department_id: int, offset: int) -> Step:
    return _moving(doc, DEPARTMENT, plan_id, department_id, offset)


def AddCapability(doc: WorkspaceDocument, plan_id: int, name: str, layer: str, systems: Any = ()) -> Step:
    return _adding(doc, CAPABILITY, name, lambda ws: svc.add_capability(ws, plan_id, name, layer, systems))


def EditCapability(doc: WorkspaceDocument, capability_id: int, changes: Mapping[str, Any], text: str) -> Step:
    """Name, layer, systems or escalation; redo re-applies exactly what the first edit stored."""
    changes = dict(changes)
    return swap(doc, text, feature=FEATURE, do=lambda ws: svc.edit_capability(ws, capability_id, changes),
                put=lambda ws, values: svc.update_capability(ws, capability_id, values))


def RemoveCapability(doc: WorkspaceDocument, capability_id: int, name: str) -> Step:
    return _removing(doc, CAPABILITY, capability_id, name)


def MoveCapability(doc: WorkspaceDocument, plan_id: int, capability_id: int, offset: int) -> Step:
    return _moving(doc, CAPABILITY, plan_id, capability_id, offset)
