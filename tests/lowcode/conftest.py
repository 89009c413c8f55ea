"""Fixtures of the low-code tests: a document over the demo, and over a plan with no data."""
from __future__ import annotations

from datetime import date

import pytest

from models.plan.service import PlanDraft, create_plan
from tests.conftest import FEATURES
from views.common.document import WorkspaceDocument


@pytest.fixture
def demo_doc(qapp, demo_ws):
    d = WorkspaceDocument(demo_ws, FEATURES)
    yield d
    d.deleteLater()


@pytest.fixture
def doc(qapp, ws):
    create_plan(ws, PlanDraft(name="Plan", start=date(2026, 2, 2)))
    d = WorkspaceDocument(ws, FEATURES)
    yield d
    d.deleteLater()
