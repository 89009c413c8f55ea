"""The demo workspace: a plan in the middle of a living transformation.

"Digital Flagship 90-day transformation" starts 42 days before the day it is
built, so a new user lands on day 43 with work done, in flight, late and blocked.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Sequence

from models.core.feature import Feature

from models.plan.service import MilestoneDraft, PlanDraft, add_milestone, create_plan, set_baseline, update_milestone
from models.core.workspace import Workspace, build_workspace

DEMO_PLAN = "Digital Flagship 90-day transformation"
DEMO_START_OFFSET = 42
#: the milestone the demo's chosen bottleneck hangs off (models.audit.demo records the choice)
PICK_STEP, PICK_TITLE = "audit", "Pick the bottleneck to attack first"
#: the plan day it was done, and the bottleneck chosen
PICK_DAY = 20

# (step, title, owner, due day, status, done day or None, baseline slip days)
_MILESTONES = [
    ("audit", "Export 6 weeks of Jira and agency tickets", "Priya Shah", 5, "done", 4, 0),
    ("audit", "Map every status to a department and stage kind", "Priya Shah", 8, "done", 9, 0),
    ("audit", "Interview design, QA, data and legal leads", "Marcus Lee", 12, "done", 14, 0),
    # the Audit step (days 1-21) holds its milestones: the log ends on day 4 and is imported on day 5,
    # the bottleneck is picked (and recorded: models.audit.demo) on day 20
    ("audit", "Publish the silo-tax readout to the exec team", "Dana Okafor", 19, "done", 20, 0),
    (PICK_STEP, PICK_TITLE, "Dana Okafor", 21, "done", PICK_DAY, 0),
    ("squad", "Charter the mobile conversion squad", "Dana Okafor", 18, "done", 19, 0),
    ("squad", "Second a Tech Lead from the platform team", "Ravi Menon", 22, "done", 27, 0),
    ("squad", "Data Analyst joins the squad full time", "Elena Petrova", 30, "blocked", None, 0),
    ("squad", "Grant production deploy rights to the squad", "Ravi Menon", 35, "in progress", None, -7),
    ("squad", "First weekly metric review with the sponsor", "Tom Becker", 40, "done", 40, 0),
    ("squad", "Ship checkout-page experiments weekly", "Aisha Khan", 60, "in progress", None, 0),
    ("squad", "Day-90 verdict: expand, iterate or stop", "Tom Becker", 90, "not started", None, 0),
    ("lowcode", "Shortlist page builders for the headless CMS", "Sofia Alvarez", 38, "done", 37, 0),
    ("lowcode", "Train 8 marketers on the page builder", "Sofia Alvarez", 45, "in progress", None, 0),
    ("lowcode", "Self-serve email sequences live", "Jon Park", 55, "not started", None, 0),
    ("lowcode", "Promotion-rule templates without developer tickets", "Jon Park", 41, "blocked", None, -6),
    ("lowcode", "80 % of marketing requests shipped self-serve", "Sofia Alvarez", 88, "not started", None, 0),
]


def populate_demo(ws: Workspace, features: Sequence[Feature], today: date | None = None) -> int:
    """Add the demo plan to an open workspace; return its id."""
    today = today or date.today()
    start = today - timedelta(days=DEMO_START_OFFSET)
    plan_id = create_plan(ws, PlanDraft(
        name=DEMO_PLAN,
        start=start,
        organisation="Northwind Outfitters",
        sponsor="Tom Becker, Chief Digital Officer",
        revenue_architect="Dana Okafor",
    ))

    def day(n: int) -> date:
        return start + timedelta(days=n - 1)

    ids: dict[str, int] = {}
    for step, title, owner, due, status, done, slip in _MILESTONES:
        # Milestones are created at their baseline date, the baseline is frozen,
        # then the ones that slipped are moved.
        mid = add_milestone(ws, plan_id, MilestoneDraft(
            step=step, title=title, owner=owner, due=day(due + slip), status=status,
            done_date=day(done) if done else None,
        ))
        ids[title] = mid
    set_baseline(ws, plan_id)
    for step, title, owner, due, status, done, slip in _MILESTONES:
        if slip:
            update_milestone(ws, ids[title], {"due": day(due)})
    update_milestone(ws, ids["Ship checkout-page experiments weekly"],
                     {"depends_on_id": ids["Grant production deploy rights to the squad"],
                      "notes": "Needs deploy rights; until then every change waits for the IT release train."})
    update_milestone(ws, ids["Data Analyst joins the squad full time"],
                     {"notes": "Analytics team will not release her before quarter close."})
    update_milestone(ws, ids["Promotion-rule templates without developer tickets"],
                     {"notes": "Legal wants to review every bundle rule; no template approved yet."})
    update_milestone(ws, ids["Day-90 verdict: expand, iterate or stop"],
                     {"depends_on_id": ids["Ship checkout-page experiments weekly"]})
    for feature in features:
        if feature.demo is not None:
            feature.demo(ws, plan_id, start)
    return plan_id


def write_demo(path: str | Path, features: Sequence[Feature], today: date | None = None) -> Path:
    """Create a new workspace at *path* holding the demo plan (all or nothing)."""
    path = Path(path)
    with build_workspace(path) as ws:
        populate_demo(ws, features, today)
    return path
