"""The plan's fields, declared once: the service validates with them and the
Overview builds its milestone columns, editors and "Add milestone" form from them.
"""
from __future__ import annotations

from models.core.fields import Entity, Field
from models.plan.info import MILESTONE_STATUSES, STEPS

PLAN = Entity("plan", (
    Field("name", "plan name", required=True),
    Field("organisation", "organisation"),
    Field("sponsor", "sponsor"),
    Field("revenue_architect", "revenue architect"),
    Field("start", "start date", "date", required=True),
    Field("horizon_days", "horizon", "int", required=True, low=1, high=730, title="Horizon (days)"),
    Field("timezone", "timezone"),
))

PHASE = Entity("phase", (
    Field("start", "phase start date", "date", required=True),
    Field("end", "phase end date", "date", required=True),
    Field("goal", "goal", "longtext", limit=2000),
))

MILESTONE = Entity("milestone", (
    Field("step", "step", "choice", required=True, choices=STEPS, width=95),
    Field("title", "milestone title", required=True, limit=300, title="Milestone", width=340,
          help="What will be true when it is done?"),
    Field("owner", "owner", width=110),
    Field("due", "due date", "date", required=True, title="Due", width=88),
    Field("baseline_due", "baseline due", "date", optional=True, editable=False, title="Baseline", width=88),
    Field("status", "status", "choice", choices=MILESTONE_STATUSES, width=140),
    Field("done_date", "done date", "date", optional=True, title="Done on", width=88),
    # another milestone of the same plan, by id; None for none
    Field("depends_on_id", "dependency", "int", optional=True, title="Depends on", width=200),
    Field("notes", "notes", "longtext", limit=10000, width=200),
))
