"""What a plan is, without the database: its steps, the milestone statuses and the
frozen records services return (``PlanInfo``, ``PhaseInfo``, ``MilestoneInfo``,
``PlanView``). Standard library only, so the Overview can be built and painted before
SQLAlchemy is loaded (``models.plan.glance``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

STEPS = ("audit", "squad", "lowcode")
STEP_NAMES = {
    "audit": "Audit bottlenecks",
    "squad": "Pilot one squad",
    "lowcode": "Empower with low-code",
}
STEP_SHORT_NAMES = {"audit": "1 Audit", "squad": "2 Squad", "lowcode": "3 Low-code"}
MILESTONE_STATUSES = ("not started", "in progress", "done", "blocked")


@dataclass(frozen=True)
class PlanInfo:
    id: int
    name: str
    organisation: str
    sponsor: str
    revenue_architect: str
    start: date
    horizon_days: int
    timezone: str

    @property
    def end(self) -> date:
        """The last day of the horizon (day 90 of 90 by default)."""
        return self.start + timedelta(days=self.horizon_days - 1)


@dataclass(frozen=True)
class PhaseInfo:
    id: int
    plan_id: int
    step: str
    start: date
    end: date
    goal: str

    @property
    def name(self) -> str:
        return STEP_NAMES[self.step]


@dataclass(frozen=True)
class MilestoneInfo:
    id: int
    plan_id: int
    step: str
    title: str
    owner: str
    due: date
    status: str
    done_date: date | None = None
    notes: str = ""
    baseline_due: date | None = None
    depends_on_id: int | None = None

    @property
    def slip_days(self) -> int | None:
        if self.baseline_due is None:
            return None
        return (self.due - self.baseline_due).days

    def is_overdue(self, as_of: date) -> bool:
        return self.status != "done" and self.due < as_of


@dataclass(frozen=True)
class PlanView:
    """A plan's phases and milestones, read in one transaction (what the Overview shows),
    and when asked for, its latest changes (``models.core.recent.RecentChange``)."""

    phases: list[PhaseInfo]
    milestones: list[MilestoneInfo]
    recent: tuple = ()


def plan_day(plan: PlanInfo, as_of: date) -> int:
    """Day N of the plan: the start date is day 1."""
    return (as_of - plan.start).days + 1
