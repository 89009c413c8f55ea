"""Undo steps of Step 1 (Audit bottlenecks): each a ``Step`` of ``models.audit.store``
service calls, or a generic row command (``views.common.row_commands``) for the
hand-tracked stalls.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Mapping, Sequence

from models.audit import forecast_store, store
from models.audit.analysis import Stage, Transition
from models.audit.money import CostOfDelay
from models.audit.readers import LogError, Problem
from models.plan.service import DeletedMilestone, PlanError, delete_milestone, restore_milestone
from views.common.document import Step, WorkspaceDocument
from views.common.row_commands import AddRow, DeleteRow, EditRow, ServiceRows

FEATURE = "audit"
Stored = tuple[store.ImportInfo, dict[str, Stage]]
#: the hand-tracked stalls as the generic row commands use them
STALLS = ServiceRows(lambda ws, plan_id, values: store.add_stall(ws, plan_id, **values),
                     store.update_stall, store.delete_stall, store.restore_stall)


def edit_stage_map(doc: WorkspaceDocument, plan_id: int, stages: Sequence[Stage],
                   text: str = "Edit stage map") -> Step:
    """Replace the plan's stage map; undo puts the previous map back."""
    stages = list(stages)
    return Step(doc, text, feature=FEATURE,
                do=lambda ws: store.set_stage_map(ws, plan_id, stages),
                undo=lambda ws, previous: store.set_stage_map(ws, plan_id, previous))


# --------------------------------------------------------------------------- importing a log

def _as_plan_error(exc: LogError) -> PlanError:
    first = exc.problems[0] if exc.problems else None
    more = len(exc.problems) - 1
    text = str(first) if first else "the log cannot be stored"
    return PlanError(text + (f" (and {more} more problems)" if more > 0 else ""))


def import_log(doc: WorkspaceDocument, plan_id: int, stages: Sequence[Stage], transitions: Sequence[Transition],
               *, source: str, format: str, settings: dict, stored: Stored | None = None) -> Step:
    """Import a log with the stage map chosen for it, as one step.

    The import is usually stored by the wizard in a worker thread
    (:func:`store_in_worker`); the step then adopts that result (*stored*).
    Undo deletes the import (the previous log becomes active again) and
    restores the previous stage map; redo stores the same transitions again
    (kept in memory by the step).
    """
    stages, settings = list(stages), dict(settings)

    def store_now(ws, _memo=None) -> Stored:
        try:
            return store.store_import(ws, plan_id, stages, transitions, source=source, format=format,
                                      settings=settings)
        except LogError as exc:
            raise _as_plan_error(exc) from None

    return Step(doc, f"Import {store._name(source)}", feature=FEATURE,
                do=(lambda _ws: stored) if stored is not None else store_now,
                undo=lambda ws, done: discard_import(ws, plan_id, done), redo=store_now)


#: the name ``views.audit.importer`` knows the step by
ImportLog = import_log


def store_in_worker(ws, plan_id: int, stages: Sequence[Stage], transitions: Sequence[Transition], *,
                    source: str, format: str, settings: dict,
                    progress: Callable[[int, int], None] | None = None,
                    is_cancelled: Callable[[], bool] | None = None) -> Stored:
    """The import's storing step, for a worker thread: the stage map and the log in
    one transaction. Raises ``LogError`` or ``Cancelled`` having stored nothing."""
    try:
        return store.store_import(ws, plan_id, stages, transitions, source=source, format=format,
                                  settings=settings, progress=progress, is_cancelled=is_cancelled)
    except PlanError as exc:  # e.g. a status typed twice in the stage map
        raise LogError([Problem(store._name(source), None, None, None, str(exc))]) from None


def discard_import(ws, plan_id: int, stored: Stored) -> None:
    """Take back a stored import (undo, or a cancel just as a worker stored it)."""
    info, previous = stored
    store.delete_import(ws, info.id)
    store.set_stage_map(ws, plan_id, list(previous.values()))


# --------------------------------------------------------------------------- stalls tracked by hand

def add_stall(doc: WorkspaceDocument, plan_id: int, values: Mapping[str, Any]) -> AddRow:
    """Track a stall (``item``, ``stage``, ``entered``, optional ``left`` and ``note``)."""
    item = str(values.get("item") or "").strip()
    return AddRow(doc, FEATURE, STALLS, plan_id, dict(values), f"Track stall of {item or 'an item'}")


def edit_stall(doc: WorkspaceDocument, stall_id: int, changes: dict[str, Any], text: str = "Edit stall") -> EditRow:
    return EditRow(doc, FEATURE, STALLS, stall_id, dict(changes), text)


def delete_stall(doc: WorkspaceDocument, stall_id: int, item: str) -> DeleteRow:
    return DeleteRow(doc, FEATURE, STALLS, stall_id, f"Delete stall of {item}")


# --------------------------------------------------------------------------- the bottleneck to attack

@dataclass(frozen=True)
class _Attack:
    previous: store.BottleneckChoice | None
    milestone_id: int
    chosen: store.BottleneckChoice | None
    #: the milestone as undo found it (it may have been edited since), for redo
    milestone: DeletedMilestone | None = None
    #: when the choice extended the Audit step: its end before, and after
    step_end: date | None = None
    extended_to: date | None = None


def choose_bottleneck(doc: WorkspaceDocument, plan_id: int, from_department: str, to_department: str,
                      today: date, *, extend_step: bool = False) -> Step:
    """"Attack this": record the handoff and add its Step-1 milestone, due inside the Audit
    step (``store.attack_plan``). When the step is over, the milestone needs the step
    extended: *extend_step* allows it (the page asks first); without it the step is
    refused and nothing changes.

    Undo removes the milestone and puts back the previous choice and the step's end;
    redo restores the same milestone (same id, so later edits to it can be redone too),
    the same choice and the same extension, instead of adding a new milestone.
    """
    def do(ws) -> _Attack:
        where = store.attack_plan(ws, plan_id, today)
        previous, milestone_id = store.choose_bottleneck(ws, plan_id, from_department, to_department, today,
                                                         extend_step=extend_step)
        extended = where.extend_to is not None
        return _Attack(previous, milestone_id, store.get_choice(ws, plan_id),
                       step_end=where.step_end if extended else None, extended_to=where.extend_to)

    def undo(ws, attack: _Attack) -> _Attack:
        milestone = delete_milestone(ws, attack.milestone_id)
        store.undo_choice(ws, plan_id, attack.previous, attack.milestone_id, step_end=attack.step_end)
        return replace(attack, milestone=milestone)

    def redo(ws, attack: _Attack) -> _Attack:
        restore_milestone(ws, attack.milestone)
        # undo_choice puts back the choice (and the step's end) it is given; the id 0 matches no milestone
        store.undo_choice(ws, plan_id, attack.chosen, 0, step_end=attack.extended_to)
        return attack

    return Step(doc, store.attack_title(from_department, to_department), features=(FEATURE, "plan"),
                do=do, undo=undo, redo=redo)


# --------------------------------------------------------------------------- the forecast's settings

def set_cost_of_delay(doc: WorkspaceDocument, plan_id: int, cost: CostOfDelay | None) -> Step:
    """Set (or, with None, remove) the plan's cost of delay. The service returns the cost
    it replaced, and putting that back returns the one it replaces in turn: undo and redo
    are the same call."""
    def swap(ws, value: CostOfDelay | None) -> CostOfDelay | None:
        return forecast_store.set_cost_of_delay(ws, plan_id, value)

    return Step(doc, "Set the cost of delay" if cost is not None else "Remove the cost of delay", feature=FEATURE,
                do=lambda ws: swap(ws, cost), undo=swap, redo=swap)


def _restore_scenario(ws, scenario: forecast_store.Scenario) -> int:
    forecast_store.restore_scenario(ws, scenario)
    return scenario.id


def save_scenario(doc: WorkspaceDocument, plan_id: int, name: str, departments: Sequence[str],
                  factor: float) -> Step:
    """Save a what-if scenario under a new name; undo deletes it, redo restores it with its id."""
    departments = list(departments)
    return Step(doc, f"Save scenario {name.strip()}", feature=FEATURE,
                do=lambda ws: forecast_store.save_scenario(ws, plan_id, name, departments, factor),
                undo=lambda ws, scenario_id: forecast_store.delete_scenario(ws, scenario_id),
                redo=_restore_scenario)


def delete_scenario(doc: WorkspaceDocument, scenario: forecast_store.Scenario) -> Step:
    return Step(doc, f"Delete scenario {scenario.name}", feature=FEATURE,
                do=lambda ws: forecast_store.delete_scenario(ws, scenario.id),
                undo=_restore_scenario,
                redo=lambda ws, scenario_id: forecast_store.delete_scenario(ws, scenario_id))
