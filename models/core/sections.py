"""Where each feature plugs into the plan as a whole.

- ``SECTIONS``: parts of the plan's JSON document (``plan dump``/``load``);
- ``summary_parts()``: keys added to ``ninety summary --json``;
- ``overview_checks()``: items added to the Overview checklist;
- ``demo_parts()``: data added to the demo plan.

Each feature adds one line to each list it needs. Imports happen inside the
functions so that loading this module stays cheap and free of cycles.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from models.plan.transfer import Section

SummaryPart = Callable[["Workspace", "PlanInfo", date], Any]  # noqa: F821 - returns None to leave the key out
OverviewCheck = Callable[["Workspace", int], list]  # noqa: F821 - returns ChecklistItem list
DemoPart = Callable[["Workspace", int, date], None]  # noqa: F821 - (ws, plan_id, plan start)


def _sections() -> tuple[Section, ...]:
    parts: list[Section] = []
    # --- feature sections (one line each) ---
    from models.audit.transfer import SECTION as audit_section
    parts.append(audit_section)
    from models.squad import service as squad
    parts.append(squad.SECTION)
    from models.ownership import service as ownership  # after squads: escalations name a squad of the plan
    parts.append(ownership.SECTION)
    from models.lowcode import service as lowcode
    parts.append(lowcode.SECTION)
    return tuple(parts)


SECTIONS: tuple[Section, ...] = _sections()


def summary_parts() -> list[tuple[str, SummaryPart]]:
    parts: list[tuple[str, SummaryPart]] = []
    # --- feature summary keys (one line each) ---
    from models.audit.summary import audit_summary
    parts.append(("audit", audit_summary))
    from models.ownership import service as ownership
    parts.append(("ownership", ownership.summary_part))
    from models.squad import service as squad
    parts.extend(squad.SUMMARY_PARTS)  # "squad", and "squads" when there are several
    from models.lowcode import service as lowcode
    parts.append(("lowcode", lowcode.summary_part))
    return parts


def overview_checks() -> list[OverviewCheck]:
    checks: list[OverviewCheck] = []
    # --- feature overview checks (one line each) ---
    from models.ownership import service as ownership
    checks.append(ownership.overview_check)
    return checks


def demo_parts() -> list[DemoPart]:
    parts: list[DemoPart] = []
    # --- feature demo data (one line each) ---
    from models.audit.demo import add_demo_audit
    parts.append(add_demo_audit)
    from models.ownership import service as ownership
    parts.append(ownership.demo_part)
    from models.squad import service as squad
    parts.append(squad.populate_demo_squad)
    from models.lowcode import service as lowcode
    parts.append(lowcode.demo_part)
    return parts
