"""What the audit tests share: a small log whose figures are computed by hand (the
plan ``loaded`` with it), and the Audit page built on a workspace with a fixed "today",
a task runner of its own (or none: everything loads on the spot), shown and refreshed.

The log (UTC, day n = 2026-03-n 00:00):
  A: Backlog d1, Brief d2, Ready for Dev d4, In Dev d7, Done d8
  B: Backlog d1, Brief d3, In Design d4, Ready for Dev d5, In Dev d10 (open)
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtWidgets import QWidget

from desktop.tasks import TaskRunner
from models.audit import Stage, Transition, store
from models.plan import service as svc
from tests.conftest import FEATURES, TODAY
from views.audit.page import AuditPage
from views.common.document import WorkspaceDocument

UTC = timezone.utc
STAGES = [
    Stage("Backlog", "Marketing", "queue"),
    Stage("Brief", "Marketing", "active"),
    Stage("In Design", "Design", "active"),
    Stage("Ready for Dev", "IT", "queue"),
    Stage("In Dev", "IT", "active"),
    Stage("Done", "", "done"),
]


def d(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def log() -> list[Transition]:
    rows = []
    for item, steps in (("A", [(1, "Backlog"), (2, "Brief"), (4, "Ready for Dev"), (7, "In Dev"), (8, "Done")]),
                        ("B", [(1, "Backlog"), (3, "Brief"), (4, "In Design"), (5, "Ready for Dev"),
                               (10, "In Dev")])):
        prev = None
        for day, status in steps:
            rows.append(Transition(item, d(day), prev, status))
            prev = status
    return rows


@pytest.fixture
def plan(ws):
    plan_id = svc.create_plan(ws, svc.PlanDraft(name="Audit page test", start=date(2026, 3, 1), timezone="UTC",
                                                revenue_architect="Dana"))
    return plan_id


@pytest.fixture
def loaded(ws, plan):
    store.set_stage_map(ws, plan, STAGES)
    store.store_log(ws, plan, log(), source="/logs/two-items.csv", format="csv", settings={})
    return plan


@pytest.fixture
def make_audit_page(qtbot):
    made = []

    def make(ws, *, today: date = TODAY, tasks: bool = True, size: tuple[int, int] = (1200, 800)) -> AuditPage:
        doc = WorkspaceDocument(ws, FEATURES)
        host = QWidget()  # owns the runner; deleted after the workers finished
        runner = TaskRunner(host) if tasks else None
        page = AuditPage(doc, lambda: today, runner)
        qtbot.addWidget(page)
        page.resize(*size)
        page.show()
        with qtbot.waitSignal(page.refreshed, timeout=30000):
            page.refresh()
        made.append((host, runner))
        return page

    yield make
    for host, runner in made:
        if runner is not None:
            runner.wait()
        host.deleteLater()
