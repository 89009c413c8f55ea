"""The squad's fields, declared once: the service validates with them, plan dump/load
reads and writes them, and the Squad page builds its columns, editors and row
dialogs from them. Ranges (confidence 0–10, morale 1–5, allocation 0–100 %)
live only here.
"""
from __future__ import annotations

from models.core.fields import Entity, Field

DIRECTIONS: tuple[str, ...] = ("up", "down")
OUTCOMES: tuple[str, ...] = ("pending", "kept", "rolled back")
VERDICTS: tuple[str, ...] = ("expand", "iterate", "stop")
CORE_ROLES: tuple[str, ...] = ("Product Lead", "Tech Lead", "UX/UI Designer", "Data Analyst")

SQUAD = Entity("squad", (
    Field("name", "squad name", required=True),
    Field("problem", "problem", "longtext"),
    Field("metric_name", "metric name"),
    Field("metric_unit", "unit", limit=50),
    Field("direction", "direction", "choice", choices=DIRECTIONS),
    Field("baseline", "baseline", "float", optional=True),
    Field("baseline_date", "baseline date", "date", optional=True),
    Field("target", "target", "float", optional=True),
    Field("target_date", "target date", "date", optional=True),
    Field("reporting_line", "reporting line"),
    Field("verdict", "verdict", "choice", optional=True, choices=VERDICTS),
    Field("verdict_rationale", "rationale", "longtext"),
    Field("verdict_date", "verdict date", "date", optional=True),
))

AUTONOMY = Entity("autonomy item", (
    Field("decision", "decision", required=True, limit=300, title="Decision the squad takes without asking", width=400),
    Field("granted", "granted", "bool", title="Granted", width=110),
))

MEMBER = Entity("member", (
    Field("name", "member name", required=True, title="Name", width=150),
    # any role may be typed; the core roles are offered first
    Field("role", "role", required=True, limit=100, choices=CORE_ROLES, width=150,
          help="Product Lead, Tech Lead… or any other role"),
    Field("department", "department", title="Department of origin", width=170),
    Field("allocation", "allocation", "percent", low=0, high=100, width=90),
))

CHECKIN = Entity("check-in", (
    Field("date", "check-in date", "date", required=True, title="Date", width=95),
    Field("value", "metric value", "float", required=True, title="Value", width=80),
    Field("confidence", "confidence", "int", low=0, high=10, width=85),
    Field("morale", "morale", "int", low=1, high=5, width=70),
    Field("blockers", "blockers", "longtext", width=300),
    Field("note", "note", "longtext", width=300),
))

CHANGE = Entity("change", (
    Field("date", "change date", "date", required=True, title="Shipped", width=95),
    Field("title", "change title", required=True, limit=300, title="Change", width=250),
    Field("hypothesis", "hypothesis", "longtext", width=260),
    Field("expected_effect", "expected effect", limit=300, width=150),
    Field("outcome", "outcome", "choice", choices=OUTCOMES, width=100),
    Field("measured_effect", "measured effect", limit=300, width=180),
))

#: the rows hanging off a squad, by the kind name the service and the page use
ROW_ENTITIES = {"member": MEMBER, "checkin": CHECKIN, "change": CHANGE}
