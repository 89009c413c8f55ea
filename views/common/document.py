"""The open document: a workspace, the current plan and the undo stack.

Views get a ``WorkspaceDocument`` through their constructor. They read through
``models`` service functions with ``doc.ws`` and change data only by
``doc.execute(command)``. After each command (or its undo/redo) ``changed`` is
emitted once so every page decides whether to redraw.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from models.core.changes import EVERYTHING, Change
from models.core.feature import Feature
from models.core.recent import RecentChange, latest_change, removed
from models.plan.service import PlanError, PlanInfo, list_plans
from models.core.versioning import StaleEdit, change_mark, local_time
from models.core.workspace import Workspace, WorkspaceError

#: ``run(fn, on_done)``: call ``fn()`` off the GUI thread (the app's database executor) and
#: ``on_done(result)`` back on the GUI thread
Background = Callable[[Callable[[], Any], Callable[[Any], None]], None]


def _run_here(fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
    on_done(fn())


class ServiceCommand(QUndoCommand):
    """An undoable edit. Subclasses implement ``apply`` (first time), ``reapply`` and ``revert``.

    ``apply`` runs before the command enters the stack, so a refused edit
    (a ``PlanError``) never becomes an undo step.

    ``features`` says whose data the command changes; by default the feature whose
    room it lives in (``views.squad.commands`` -> ``"squad"``).
    """

    features: tuple[str, ...] = ()
    #: True when the list of plans changes (created, deleted, renamed)
    plans_changed = False

    def __init__(self, doc: WorkspaceDocument, text: str):
        super().__init__(text)
        self.doc = doc
        self.ws = doc.ws
        self._first = True
        self.plan_id_at_edit = doc.plan_id

    def change(self) -> Change:
        own = getattr(self, "feature", None)  # generic row commands are told their feature
        features = self.features or ((own,) if own else (type(self).__module__.split(".")[1],))
        return Change(frozenset(features), self.plan_id_at_edit, self.plans_changed)

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
        if self.doc._guarded(self.reapply, self.change()):
            self.doc.report(self.change())

    def undo(self) -> None:
        if self.doc._guarded(self.revert, self.change()):
            self.doc.report(self.change())


class Step(ServiceCommand):
    """An edit given as three service calls instead of a class of its own.

    ``do(ws)`` runs the edit the first time and returns a memo; ``undo(ws, memo)``
    takes it back and returns the memo ``redo(ws, memo)`` needs (``redo`` defaults
    to running ``do`` again). For example, adding a department::

        Step(doc, "Add department", feature="ownership",
             do=lambda ws: svc.add_department(ws, plan_id, name),
             undo=lambda ws, dept: svc.remove_department(ws, dept.id),
             redo=svc.restore_department)
    """

    def __init__(self, doc: WorkspaceDocument, text: str, *, do: Callable[[Workspace], Any],
                 undo: Callable[[Workspace, Any], Any],
                 redo: Callable[[Workspace, Any], Any] | None = None,
                 feature: str | None = None, features: tuple[str, ...] = (),
                 plans_changed: bool = False):
        super().__init__(doc, text)
        self._do, self._undo, self._redo = do, undo, redo
        if feature:
            self.feature = feature
        if features:
            self.features = features
        self.plans_changed = plans_changed
        #: what the last call returned, handed to the next one
        self.memo: Any = None

    def apply(self) -> None:
        self.memo = self._do(self.ws)

    def reapply(self) -> None:
        if self._redo is None:
            self.memo = self._do(self.ws)
        else:
            self.memo = self._redo(self.ws, self.memo)

    def revert(self) -> None:
        self.memo = self._undo(self.ws, self.memo)


class WorkspaceDocument(QObject):
    #: a ``Change``: what an edit, undo or redo changed (pages redraw only if concerned)
    changed = Signal(object)
    planChanged = Signal()
    error = Signal(str)
    #: a line for the status bar: someone else changed the workspace
    #: ("Priya Shah changed the milestone 'Launch squad' at 14:05")
    notice = Signal(str)
    #: how often a team workspace is asked whether someone else changed it
    POLL_MS = 2000

    def __init__(self, ws: Workspace, features: Sequence[Feature], parent: QObject | None = None, *,
                 run_in_background: Background | None = None):
        """*run_in_background* runs the team workspace's poll off the GUI thread (the app
        passes its database executor); without it the poll reads here, at once."""
        super().__init__(parent)
        self.ws = ws
        #: the app's features, for what loops over them (dump, summary, checklist, pack)
        self.features = tuple(features)
        self.undo_stack = QUndoStack(self)
        self._plans: list[PlanInfo] | None = list_plans(ws)
        self._plan_id: int | None = self._plans[0].id if self._plans else None
        self._background = run_in_background or _run_here
        #: the last ``change_mark`` seen (None: not read yet)
        self._mark = None
        self._reading = False  # a poll's read is under way: the next waits for it
        self._again = False  # poll again as soon as that read is done
        #: edits made here: a read that overlaps one cannot tell them from others'
        self._own_edits = 0
        self._absorb = False  # the next read only learns the mark (it holds our own edit)
        self._away = False  # the server is away and the user was told
        self._poll: QTimer | None = None
        if getattr(ws, "url", None) is not None:  # a team workspace (models/core/server.py): others edit too
            self._poll = QTimer(self, interval=self.POLL_MS, timeout=self.poll_others)
            self._poll.start()
            self.poll_others()  # the first look learns where things stand

    # ----------------------------------------------------------------- others' changes
    @property
    def polling(self) -> bool:
        """Whether the workspace is being watched for others' changes."""
        return self._poll is not None and self._poll.isActive()

    def stop_polling(self) -> None:
        if self._poll is not None:
            self._poll.stop()

    def poll_others(self) -> None:
        """Ask (off the GUI thread when the app gave a runner) whether someone else changed
        the workspace since the last look; if so the pages reload (a ``Change`` of
        everything) and ``notice`` says who changed what, when. One read at a time."""
        if self._poll is None or self._reading:
            return
        if getattr(self.ws, "_closed", False):
            self._poll.stop()
            return
        self._reading = True
        ws, before, edits = self.ws, (None if self._absorb else self._mark), self._own_edits
        self._background(lambda: _look(ws, before), lambda result: self._looked(result, before, edits))

    def _looked(self, result, before, edits: int) -> None:
        if not shiboken6.isValid(self):  # the document went while its read ran
            return
        self._reading = False
        if getattr(self.ws, "_closed", False):
            self._poll.stop()
            return
        if isinstance(result, WorkspaceError):  # the server is away: say so once, keep polling
            if not self._away:
                self._away = True
                self.notice.emit(str(result))
        elif isinstance(result, Exception):  # a bug: shown once, not every two seconds
            self._poll.stop()
            raise result
        elif edits != self._own_edits:  # an edit here ran meanwhile: look again, knowing it
            self._again = True
        else:
            self._away = False
            self._absorb = False
            mark, latest = result
            self._mark = mark
            if before is not None and mark[0] != before[0]:
                self._plans = None
                self._ensure_plan_exists()
                self.changed.emit(Change.of(EVERYTHING, plan_id=self._plan_id))
                self.notice.emit(_news(before, mark, latest))
        if self._again:
            self._again = False
            self.poll_others()

    # ----------------------------------------------------------------- state
    @property
    def read_only(self) -> bool:
        return self.ws.read_only

    @property
    def plan_id(self) -> int | None:
        return self._plan_id

    def plans(self) -> list[PlanInfo]:
        # read once per change of the plans, not once per page that asks
        if self._plans is None:
            self._plans = list_plans(self.ws)
        return self._plans

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
            self._plans = None
            self.planChanged.emit()
            self.changed.emit(Change.of(EVERYTHING, plan_id=plan_id))

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
        except StaleEdit as exc:  # someone changed the row since this page read it
            self.error.emit(str(exc))
            self.report(command.change())  # the pages reload what is there now
            return False
        except (PlanError, WorkspaceError) as exc:
            self.error.emit(str(exc))
            return False
        self.undo_stack.push(command)
        self.report(command.change())
        return True

    def report(self, change: Change) -> None:
        """Tell the pages what changed (after an edit, an undo or a redo)."""
        if change.plans or EVERYTHING in change.features:
            self._plans = None
            self._ensure_plan_exists()
        if self._poll is not None:  # our own edit is not news to us: learn the mark it left
            self._own_edits += 1
            self._absorb = True
            if self._reading:
                self._again = True
            else:
                self.poll_others()
        self.changed.emit(change)

    def _guarded(self, fn, change: Change | None = None) -> bool:
        """Run an undo or a redo: each row must be where this document's own last edit
        left it; one that someone else changed since refuses it (``StaleEdit``)."""
        try:
            with self.ws.versions.undoing():
                fn()
        except StaleEdit as exc:
            self.error.emit(f"Could not undo or redo: {exc}")
            if change is not None:
                self.report(change)
            return False
        except (PlanError, WorkspaceError) as exc:
            self.error.emit(f"Could not undo or redo: {exc}")
            return False
        return True


def _look(ws: Workspace, before: tuple | None) -> tuple | Exception:
    """(the change mark, the latest change when the mark moved from *before*), or the
    exception: read on the database executor, in a session of its own."""
    try:
        with ws.read() as s:
            mark = change_mark(s)
            latest = latest_change(s) if before is not None and mark[0] != before[0] else None
        return mark, latest
    except Exception as exc:  # handed to the GUI thread, which decides what to say
        return exc


def _news(before: tuple, mark: tuple, latest: RecentChange | None) -> str:
    """"Priya Shah changed the milestone 'Launch squad' at 14:05", "Someone else deleted a milestone"."""
    if latest is not None and (before[2] is None or latest.when > before[2]):
        return f"{latest.who} changed {latest.phrase} at {local_time(latest.when)}"
    gone = removed(before[0], mark[0])
    return f"Someone else deleted {gone}" if gone else "Someone else changed the workspace"
