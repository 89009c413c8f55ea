"""The open document: a workspace, the current plan and the undo stack.

Views get a ``WorkspaceDocument`` through their constructor. They read through
``models`` service functions with ``doc.ws`` and change data only by
``doc.execute(command)``. After each command (or its undo/redo) ``changed`` is
emitted once so every page decides whether to redraw.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from models.core.feature import Feature
from models.plan.service import PlanError, PlanInfo, list_plans
from models.core.workspace import Workspace, WorkspaceError


class ServiceCommand(QUndoCommand):
    """An undoable edit. Subclasses implement ``apply`` (first time), ``reapply`` and ``revert``.

    ``apply`` runs before the command enters the stack, so a refused edit
    (a ``PlanError``) never becomes an undo step.
    """

    def __init__(self, doc: WorkspaceDocument, text: str):
        super().__init__(text)
        self.doc = doc
        self.ws = doc.ws
        self._first = True

    def apply(self) -> None:
        raise NotImplementedError

    def reapply(self) -> None:
        self.apply()

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.doc._guarded(self.reapply)

    def undo(self) -> None:
        self.doc._guarded(self.revert)


class WorkspaceDocument(QObject):
    changed = Signal()
    planChanged = Signal()
    error = Signal(str)

    def __init__(self, ws: Workspace, features: Sequence[Feature], parent: QObject | None = None):
        super().__init__(parent)
        self.ws = ws
        #: the app's features, for what loops over them (dump, summary, checklist, pack)
        self.features = tuple(features)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.indexChanged.connect(self._after_stack_move)
        self._plan_id: int | None = None
        self._executing = False
        plans = list_plans(ws)
        if plans:
            self._plan_id = plans[0].id

    # ----------------------------------------------------------------- state
    @property
    def read_only(self) -> bool:
        return self.ws.read_only

    @property
    def plan_id(self) -> int | None:
        return self._plan_id

    def plans(self) -> list[PlanInfo]:
        return list_plans(self.ws)

    def plan(self) -> PlanInfo | None:
        if self._plan_id is None:
            return None
        for p in self.plans():
            if p.id == self._plan_id:
                return p
        return None

    def set_plan(self, plan_id: int | None) -> None:
        if plan_id != self._plan_id:
            self._plan_id = plan_id
            self.planChanged.emit()
            self.changed.emit()

    def _ensure_plan_exists(self) -> None:
        ids = [p.id for p in self.plans()]
        if self._plan_id not in ids:
            self._plan_id = ids[0] if ids else None
            self.planChanged.emit()

    # ----------------------------------------------------------------- editing
    def execute(self, command: ServiceCommand) -> bool:
        """Apply *command* and push it; False (and ``error``) when refused."""
        if self.read_only:
            self.error.emit(f"{self.ws.path.name} is open read-only; edits are off.")
            return False
        try:
            command.apply()
        except (PlanError, WorkspaceError) as exc:
            self.error.emit(str(exc))
            return False
        self._executing = True
        try:
            self.undo_stack.push(command)
        finally:
            self._executing = False
        self._ensure_plan_exists()
        self.changed.emit()
        return True

    def _guarded(self, fn) -> None:
        try:
            fn()
        except (PlanError, WorkspaceError) as exc:
            self.error.emit(f"Could not undo or redo: {exc}")

    def _after_stack_move(self, _index: int) -> None:
        if self._executing:
            return
        self._ensure_plan_exists()
        self.changed.emit()
