"""``ninety summary --json``: the plan's state as a stable JSON document.

Keys are documented in the README; add keys, never rename or remove them.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from models.core.feature import Feature
from models.core.workspace import Workspace
from models.plan.info import PlanInfo, plan_day
from models.plan.service import plan_view
from models.plan.status import rag_status


def plan_summary(ws: Workspace, plan: PlanInfo, as_of: date, features: Sequence[Feature]) -> dict[str, Any]:
    view = plan_view(ws, plan.id)
    phases, milestones = view.phases, view.milestones
    rag = rag_status(milestones, as_of)
    steps = []
    for ph in phases:
        ms = [m for m in milestones if m.step == ph.step]
        steps.append({
            "key": ph.step,
            "name": ph.name,
            "start": ph.start.isoformat(),
            "end": ph.end.isoformat(),
            "milestones": len(ms),
            "done": sum(m.status == "done" for m in ms),
            "overdue": sum(m.is_overdue(as_of) for m in ms),
        })
    data = {
        "plan": plan.name,
        "organisation": plan.organisation,
        "revenue_architect": plan.revenue_architect,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "horizon_days": plan.horizon_days,
        "as_of": as_of.isoformat(),
        "day": plan_day(plan, as_of),
        "days_left": max(0, (plan.end - as_of).days),
        "rag": rag.colour,
        "rag_reason": rag.reason,
        "steps": steps,
        "milestones": [
            {
                "title": m.title,
                "step": m.step,
                "owner": m.owner,
                "due": m.due.isoformat(),
                "baseline_due": m.baseline_due.isoformat() if m.baseline_due else None,
                "slip_days": m.slip_days,
                "status": m.status,
                "done_date": m.done_date.isoformat() if m.done_date else None,
                "overdue": m.is_overdue(as_of),
            }
            for m in sorted(milestones, key=lambda m: (m.due, m.id))
        ],
    }
    for feature in sorted(features, key=lambda f: f.summary_rank):
        for key, part in feature.summary_parts:
            value = part(ws, plan, as_of)
            if value is not None:
                data[key] = value
    return data
