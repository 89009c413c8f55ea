"""Two clients on one workspace file (tests of row versions on SQLite)."""
from __future__ import annotations

from datetime import date

import pytest

from models.core.workspace import create_workspace
from models.plan.service import PlanDraft, create_plan, find_plan
from tests.common.two_clients import two_clients


@pytest.fixture
def shared_file(tmp_path):
    """A workspace file holding one plan ("Shared plan") and nothing else."""
    target = tmp_path / "shared.ninety"
    ws = create_workspace(target)
    create_plan(ws, PlanDraft(name="Shared plan", start=date(2026, 1, 1), revenue_architect="Dana Okafor"))
    ws.close()
    return target


@pytest.fixture
def clients(shared_file):
    with two_clients(shared_file) as pair:
        yield pair


@pytest.fixture
def plan_id(clients):
    return find_plan(clients[0]).id
