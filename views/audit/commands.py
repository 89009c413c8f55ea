"""Undo commands for Step 1 (Audit bottlenecks): thin wrappers over ``models.audit.store``."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Sequence

from models.audit import store
from models.audit.analysis import Stage, Transition
from models.audit.readers import LogError, Problem
from models.plan.service import PlanError, delete_milestone, restore_milestone
from views.common.document import ServiceCommand, WorkspaceDocument


def _as_plan_error(exc: LogError) -> PlanError:
    first = exc.problems[0] if exc.problems else None
    more = len(exc.problems) - 1
    text = str(first) if first else "the log cannot be stored"
    return PlanError(text + (f" (and {more} more problems)" if more > 0 else ""))


class SetStageMap(ServiceCommand):
    """Replace the plan's stage map; undo puts the previous map back."""

    def __init__(self, doc: WorkspaceDocument, plan_id: int, stages: Sequence[Stage],
                 text: str = "Edit stage map"):
        super().__init__(doc, text)
        self.plan_id = plan_id
        self.stages = list(stages)
        self.previous: dict[str, Stage] | None = None

    def apply(self) -> None:
        self.previous = store.set_stage_map(self.ws, self.plan_id, self.stages)

    def revert(self) -> None:
        store.set_stage_map(self.ws, self.plan_id, list(self.previous.values()))


class ImportLog(ServiceCommand):
    """Import a log with the stage map chosen for it, as one step.

    The import is usually stored by the wizard in a worker thread
    (:func:`store_in_worker`); the command then adopts that result and its
    ``apply`` does nothing. Undo deletes the import (the previous log becomes
    active again) and restores the previous stage map; redo stores the same
    transitions again (kept in memory by the command).
    """

    def __init__(self, doc: WorkspaceDocument, plan_id: int, stages: Sequence[Stage],
                 transitions: Sequence[Transition], *, source: str, format: str, settings: dict,
                 stored: tuple[store.ImportInfo, dict[str, Stage]] | None = None):
        super().__init__(doc, f"Import {store._name(source)}")
        self.plan_id = plan_id
        self.stages = list(stages)
        self.transitions = transitions
        self.source, self.format, self.settings = source, format, dict(settings)
        self.info: store.ImportInfo | None = stored[0] if stored else None
        self.previous: dict[str, Stage] | None = stored[1] if stored else None

    def _store(self) -> None:
        try:
            self.info, self.previous = store.store_import(
                self.ws, self.plan_id, self.stages, self.transitions,
                source=self.source, format=self.format, settings=self.settings)
        except LogError as exc:
            raise _as_plan_error(exc) from None

    def apply(self) -> None:
        if self.info is None:
            self._store()

    def reapply(self) -> None:
        self._store()

    def revert(self) -> None:
        store.delete_import(self.ws, self.info.id)
        store.set_stage_map(self.ws, self.plan_id, list(self.previous.values()))


def store_in_worker(ws, plan_id: int, stages: Sequence[Stage], transitions: Sequence[Transition], *,
                    source: str, format: str, settings: dict,
                    progress: Callable[[int, int], None] | None = None,
                    is_cancelled: Callable[[], bool] | None = None
                    ) -> tuple[store.ImportInfo, dict[str, Stage]]:
    """The import's storing step, for a worker thread: the stage map and the log in
    one transaction. Raises ``LogError`` or ``Cancelled`` having stored nothing."""
    try:
        return store.store_import(ws, plan_id, stages, transitions, source=source, format=format,
                                  settings=settings, progress=progress, is_cancelled=is_cancelled)
    except PlanError as exc:  # e.g. a status typed twice in the stage map
        raise LogError([Problem(store._name(source), None, None, None, str(exc))]) from None


def discard_import(ws, plan_id: int, stored: tuple[store.ImportInfo, dict[str, Stage]]) -> None:
    """Take back an import stored in a worker just as the user cancelled."""
    info, previous = stored
    store.delete_import(ws, info.id)
    store.set_stage_map(ws, plan_id, list(previous.values()))



class AddStall(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, item: str, stage: str, entered: Any,
                 left: Any = None, note: str = ""):
        super().__init__(doc, f"Track stall of {item.strip() or 'an item'}")
        self.plan_id = plan_id
        self.values = (item, stage, entered, left, note)
        self.stall_id: int | None = None
        self.deleted: store.StallInfo | None = None

    def apply(self) -> None:
        self.stall_id = store.add_stall(self.ws, self.plan_id, *self.values)

    def reapply(self) -> None:
        store.restore_stall(self.ws, self.deleted)

    def revert(self) -> None:
        self.deleted = store.delete_stall(self.ws, self.stall_id)


class EditStall(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, plan_id: int, stall_id: int, changes: dict[str, Any],
                 text: str = "Edit stall"):
        super().__init__(doc, text)
        self.plan_id = plan_id
        self.stall_id = stall_id
        self.changes = dict(changes)
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}

    def apply(self) -> None:
        self.before = store.update_stall(self.ws, self.stall_id, self.changes)
        now = next(s for s in store.list_stalls(self.ws, self.plan_id) if s.id == self.stall_id)
        self.after = {k: getattr(now, k) for k in self.before}

    def reapply(self) -> None:
        store.update_stall(self.ws, self.stall_id, self.after)

    def revert(self) -> None:
        store.update_stall(self.ws, self.stall_id, self.before)


class DeleteStall(ServiceCommand):
    def __init__(self, doc: WorkspaceDocument, stall_id: int, item: str):
        super().__init__(doc, f"Delete stall of {item}")
        self.stall_id = stall_id
        self.deleted: store.StallInfo | None = None

    def apply(self) -> None:
        self.deleted = store.delete_stall(self.ws, self.stall_id)

    def revert(self) -> None:
        store.restore_stall(self.ws, self.deleted)


class ChooseBottleneck(ServiceCommand):
    features = ("audit", "plan")  # it also adds a Step-1 milestone

    """"Attack this": record the handoff and add its Step-1 milestone.

    Redo restores the same milestone (same id, so later edits to it can be
    redone too) and the same choice, instead of adding a new milestone.
    """

    def __init__(self, doc: WorkspaceDocument, plan_id: int, from_department: str, to_department: str,
                 today: date):
        super().__init__(doc, f"Attack the {from_department} → {to_department} handoff")
        self.plan_id = plan_id
        self.pair = (from_department, to_department)
        self.today = today
        self.previous: store.BottleneckChoice | None = None
        self.milestone_id: int | None = None
        self.chosen: store.BottleneckChoice | None = None
        self.milestone = None

    def apply(self) -> None:
        self.previous, self.milestone_id = store.choose_bottleneck(self.ws, self.plan_id, *self.pair, self.today)
        self.chosen = store.get_choice(self.ws, self.plan_id)

    def reapply(self) -> None:
        restore_milestone(self.ws, self.milestone)
        # undo_choice puts back the choice it is given; the id 0 matches no milestone to remove
        store.undo_choice(self.ws, self.plan_id, self.chosen, 0)

    def revert(self) -> None:
        # snapshot the milestone as it is now (it may have been edited since) for redo
        self.milestone = delete_milestone(self.ws, self.milestone_id)
        store.undo_choice(self.ws, self.plan_id, self.previous, self.milestone_id)
