"""Demo data for Step 1: a stage map and a generated work-item log.

The story of the seed: Northwind's marketing requests (landing pages, campaign
emails, promotion rules, product-page changes, tracking requests) spend most of
their life waiting, and the longest waits are approvals (design approval, legal
review) and the IT queue (dev backlog, QA queue, data access requests).  The log
is the export the Audit step starts from ("Export 6 weeks of Jira and agency
tickets", done on day 4): about 300 items arrive over the five weeks before it,
every timestamp lies in the :data:`HORIZON_DAYS` days ending with plan day 4
(:data:`LOG_START_OFFSET` days before the plan's start to the end of day 4), and it
is imported on the morning of day 5, inside the Audit step.  Many items are still
open, some loop back through design approval or QA, a few are cancelled and a few
reopen after going live.  Three agency items without a ticket system are tracked
by hand as stalls over the same weeks.  The bottleneck the readout pointed at,
Design → Marketing (design approval), is chosen on the day the plan's "Pick the
bottleneck to attack first" milestone was done, and hangs off that milestone.
Seeded, so every demo is the same relative to its start date.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from models.audit.analysis import Stage, Transition
from models.core.workspace import Workspace

SEED = 90
ITEMS = 300
#: The log covers this many days, ending with plan day 4 ...
HORIZON_DAYS = 40
#: ... so it starts this many days before the plan's start.
LOG_START_OFFSET = 36
#: The handoff chosen as the bottleneck to attack first.
CHOSEN = ("Design", "Marketing")
SOURCE = "northwind-workitems.csv (demo data)"

STAGES: tuple[Stage, ...] = (
    Stage("Backlog", "Marketing", "queue"),
    Stage("Brief", "Marketing", "active"),
    Stage("Page Build", "eCommerce", "active"),
    Stage("Ready for Design", "Design", "queue"),
    Stage("In Design", "Design", "active"),
    Stage("Design Approval", "Marketing", "queue"),
    Stage("Legal Review", "Legal", "queue"),
    Stage("Dev Backlog", "IT", "queue"),
    Stage("In Development", "IT", "active"),
    Stage("QA Queue", "IT", "queue"),
    Stage("In QA", "IT", "active"),
    Stage("Data Access Request", "Data", "queue"),
    Stage("Tracking Setup", "Data", "active"),
    Stage("Ready to Release", "eCommerce", "queue"),
    Stage("Live", "eCommerce", "done"),
    Stage("Cancelled", "Marketing", "done"),
)

#: (low, high) days spent in each status; waits are long, work is short.
_DAYS = {
    "Backlog": (0.5, 3.0),
    "Brief": (0.3, 1.2),
    "Page Build": (0.5, 2.0),
    "Ready for Design": (0.8, 3.0),
    "In Design": (0.8, 2.5),
    "Design Approval": (2.0, 6.5),
    "Legal Review": (2.5, 8.0),
    "Dev Backlog": (3.5, 10.0),
    "In Development": (0.8, 3.0),
    "QA Queue": (1.5, 5.0),
    "In QA": (0.3, 1.2),
    "Data Access Request": (2.5, 7.0),
    "Tracking Setup": (0.3, 1.0),
    "Ready to Release": (0.8, 3.0),
}

# type, share, key prefix, title subjects
_TYPES = (
    ("Landing page", 0.34, "WEB", ("Spring sale", "Outdoor kids range", "Trail running hub",
                                   "Gift finder", "Loyalty relaunch", "Rain gear edit")),
    ("Campaign email", 0.24, "CRM", ("Welcome series", "Back in stock", "Abandoned basket",
                                     "Summer preview", "VIP early access", "Review request")),
    ("Promotion rule", 0.18, "PROMO", ("3 for 2 socks", "Free shipping over 60",
                                       "Bundle tent + mat", "Student discount", "Clearance tiers")),
    ("Product page change", 0.14, "PDP", ("Size guide", "Video on PDP", "Delivery estimate",
                                          "Reviews widget", "Cross-sell block")),
    ("Tracking request", 0.10, "DATA", ("Checkout funnel events", "Campaign UTM report",
                                        "Search analytics", "Email attribution")),
)

#: Hand-tracked agency work: (item, stage, entered day, left day or None, note).
_STALLS = (
    ("AGENCY-1 Brand video", "Legal Review", 6.4, 15.6, "Music licence questions, tracked from the agency's emails"),
    ("AGENCY-2 Catalogue shoot", "Design Approval", 10.5, 19.2, "Waited for the brand lead's sign-off"),
    ("AGENCY-3 Influencer briefs", "Legal Review", 31.4, None, "Still with Legal"),
)


def _route(kind: str, rng: random.Random) -> list[str]:
    """The statuses an item of this type goes through (before rework and cut-off)."""
    design = ["Ready for Design", "In Design", "Design Approval"]
    build = ["Dev Backlog", "In Development", "QA Queue", "In QA"]
    if kind == "Landing page":
        route = ["Backlog", "Brief", *design, *build]
        if rng.random() < 0.4:
            route += ["Data Access Request", "Tracking Setup"]
    elif kind == "Campaign email":
        route = ["Backlog", "Brief", *design]
        if rng.random() < 0.5:
            route.append("Legal Review")
    elif kind == "Promotion rule":
        route = ["Backlog", "Brief", "Legal Review", *build]
    elif kind == "Product page change":
        route = ["Backlog", "Page Build", *build]
    else:
        route = ["Backlog", "Brief", "Data Access Request", "Tracking Setup"]
    return route + ["Ready to Release", "Live"]


def _pick_type(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    x = rng.random()
    for name, share, prefix, subjects in _TYPES:
        if x < share:
            return name, prefix, subjects
        x -= share
    name, _, prefix, subjects = _TYPES[-1]
    return name, prefix, subjects


def generate_log(start: date, seed: int = SEED, items: int = ITEMS) -> list[Transition]:
    """The demo log for a plan starting on *start* (local time, with offsets)."""
    rng = random.Random(seed)
    origin = datetime.combine(start, time(0))
    end = origin + timedelta(days=HORIZON_DAYS)
    rows: list[Transition] = []
    numbers: dict[str, int] = {}

    def at(t: datetime) -> datetime:
        return t.astimezone()  # naive local wall time -> aware, the computer's zone (the plan's default)

    for _ in range(items):
        kind, prefix, subjects = _pick_type(rng)
        numbers[prefix] = numbers.get(prefix, 100) + 1
        key = f"{prefix}-{numbers[prefix]}"
        title = f"{kind}: {rng.choice(subjects)}"
        # arrivals over five weeks, a little heavier early on, in office hours
        day = int(34 * rng.random() ** 1.15)
        t = origin + timedelta(days=day, hours=8 + rng.random() * 9)
        route = _route(kind, rng)
        prev: str | None = None
        i = 0
        reopened = False
        while i < len(route) and t < end:
            status = route[i]
            rows.append(Transition(key, at(t), prev, status, title, kind))
            prev = status
            if status == "Live":
                if reopened or rng.random() >= 0.04:
                    break
                # a defect found after release: back to the dev backlog
                reopened = True
                t += timedelta(days=rng.uniform(1.0, 4.0))
                route = route[:i + 1] + ["Dev Backlog", "In Development", "QA Queue", "In QA",
                                         "Ready to Release", "Live"]
                i += 1
                continue
            if status == "Backlog" and rng.random() < 0.04:
                t += timedelta(days=rng.uniform(0.5, 3.0))
                if t < end:
                    rows.append(Transition(key, at(t), status, "Cancelled", title, kind))
                break
            lo, hi = _DAYS[status]
            t += timedelta(days=lo + (hi - lo) * rng.random() ** 1.4)
            if status == "Design Approval" and rng.random() < 0.3:
                i = route.index("In Design")  # changes requested: rework loop
            elif status == "In QA" and rng.random() < 0.2:
                i = route.index("In Development")  # failed QA
            else:
                i += 1
    return rows


def log_start(plan_start: date) -> date:
    """The first day of the demo log of a plan starting on *plan_start*."""
    return plan_start - timedelta(days=LOG_START_OFFSET)


def demo_stalls(start: date) -> list[tuple[str, str, datetime, datetime | None, str]]:
    """The hand-tracked stalls of a log starting on *start* (see :func:`log_start`)."""
    origin = datetime.combine(start, time(0))

    def at(days: float) -> datetime:
        return (origin + timedelta(days=days)).astimezone()

    return [(item, stage, at(a), at(b) if b is not None else None, note)
            for item, stage, a, b, note in _STALLS]


def add_demo_audit(ws: Workspace, plan_id: int, start: date) -> None:
    """demo_parts hook: the stage map, the generated log and three stalls (all before the
    Audit step's end), and the bottleneck chosen."""
    from models.audit.store import add_stall, record_choice, store_import
    from models.plan.demo import PICK_DAY, PICK_TITLE
    from models.plan.service import list_milestones

    settings = {
        "mapping": {"item": "Key", "at": "Changed", "from": "From", "to": "To",
                    "title": "Summary", "type": "Issue Type"},
        "date_format": "ISO", "sheet": None,
    }
    first = log_start(start)
    # exported at the end of plan day 4, imported the next morning
    imported_at = datetime.combine(first + timedelta(days=HORIZON_DAYS), time(8, 30))
    store_import(ws, plan_id, STAGES, generate_log(first), source=SOURCE, format="csv",
                 settings=settings, imported_at=imported_at)
    for item, stage, entered, left, note in demo_stalls(first):
        add_stall(ws, plan_id, item, stage, entered, left, note)
    pick = next(m for m in list_milestones(ws, plan_id) if m.title == PICK_TITLE)
    record_choice(ws, plan_id, *CHOSEN, start + timedelta(days=PICK_DAY - 1), pick.id)
