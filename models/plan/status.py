"""Overall RAG status and the Overview checklist, computed from the data.

RAG rule (also in the README), for an as-of date D:
- a milestone is *overdue* when it is not done and its due date is before D;
- milestones *due so far* are those due on or before D;
- red: a blocked milestone is overdue, or more than 20 % of the milestones due so far are overdue;
- amber: any milestone is overdue or blocked;
- green: otherwise;
- none: the plan has no milestones yet (nothing to be late against: not green, shown neutral).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from models.core.feature import ChecklistItem, Feature
from models.plan.info import STEP_NAMES, STEPS, MilestoneInfo, PhaseInfo, PlanInfo

RED_SHARE = 0.20


@dataclass(frozen=True)
class Rag:
    colour: str  # "red" | "amber" | "green" | "none"
    reason: str


def _titles(ms: Sequence[MilestoneInfo], limit: int = 2) -> str:
    names = [f"'{m.title}'" for m in ms[:limit]]
    more = len(ms) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


#: the rag value of a plan (or step) with no milestones yet
NO_MILESTONES = "none"


def rag_status(milestones: Sequence[MilestoneInfo], as_of: date) -> Rag:
    if not milestones:
        return Rag(NO_MILESTONES, "no milestones yet")
    overdue = [m for m in milestones if m.is_overdue(as_of)]
    blocked = [m for m in milestones if m.status == "blocked"]
    due_so_far = [m for m in milestones if m.due <= as_of]
    blocked_overdue = [m for m in overdue if m.status == "blocked"]
    if blocked_overdue:
        return Rag("red", f"blocked and overdue: {_titles(blocked_overdue)}")
    if due_so_far and len(overdue) / len(due_so_far) > RED_SHARE:
        share = round(100 * len(overdue) / len(due_so_far))
        return Rag("red", f"{len(overdue)} of {len(due_so_far)} milestones due so far are overdue ({share} %)")
    if overdue:
        return Rag("amber", f"overdue: {_titles(overdue)}")
    if blocked:
        return Rag("amber", f"blocked: {_titles(blocked)}")
    return Rag("green", "no milestone is overdue or blocked")


def overview_checklist(plan: PlanInfo, phases: Sequence[PhaseInfo],
                       milestones: Sequence[MilestoneInfo]) -> list[ChecklistItem]:
    steps_with = {m.step for m in milestones}
    missing = [STEP_NAMES[s] for s in STEPS if s not in steps_with]
    dated = len(phases) == len(STEPS) and all(p.start <= p.end for p in phases)
    baselined = bool(milestones) and all(m.baseline_due is not None for m in milestones)
    return [
        ChecklistItem("The plan has a Revenue Architect", bool(plan.revenue_architect.strip()),
                      "Name the person who owns the transformation across marketing and IT (Plan ▸ Edit plan)."),
        ChecklistItem("The three steps are dated", dated, "Give each step a start and an end date."),
        ChecklistItem("At least one milestone per step", not missing,
                      "Add a milestone for: " + ", ".join(missing) if missing else ""),
        ChecklistItem("Baseline set", baselined,
                      "Freeze today's due dates with Set baseline, so slips show."),
    ]


def plan_checklist(ws, plan: PlanInfo, phases: Sequence[PhaseInfo],
                   milestones: Sequence[MilestoneInfo], features: Sequence[Feature]) -> list[ChecklistItem]:
    """The Overview checklist: the plan's own items plus those the features add."""
    items = overview_checklist(plan, phases, milestones)
    for feature in features:
        for check in feature.overview_checks:
            items.extend(check(ws, plan.id))
    return items
