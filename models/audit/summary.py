"""The ``"audit"`` key of ``ninety summary --json``.

``{"silo_tax": {"days", "share"}, "flow_efficiency", "top_handoffs": [the first
3 handoffs, as in ``ninety audit --json``], "chosen_bottleneck": {"from", "to",
"chosen_on"} | null}``; the key is left out when the plan has no audit data.
The figures are those of the Audit page: as of the log's latest timestamp (not
the summary's as-of date, so they do not drift while no new data comes in).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models.plan.service import PlanInfo
from models.core.workspace import Workspace

TOP_HANDOFFS = 3


def audit_summary(ws: Workspace, plan: PlanInfo, as_of: date) -> dict[str, Any] | None:
    from models.audit.store import AuditError, analyse_plan, get_choice

    try:
        result = analyse_plan(ws, plan.id)
    except AuditError:  # statuses left unmapped: the Audit page says so, the summary stays readable
        return None
    if result is None:
        return None
    data = result.to_json()
    choice = get_choice(ws, plan.id)
    return {
        "silo_tax": data["silo_tax"],
        "flow_efficiency": data["flow_efficiency"],
        "top_handoffs": data["handoffs"][:TOP_HANDOFFS],
        "chosen_bottleneck": None if choice is None else {
            "from": choice.from_department,
            "to": choice.to_department,
            "chosen_on": choice.chosen_on.isoformat(),
        },
    }
