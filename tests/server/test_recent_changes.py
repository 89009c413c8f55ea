"""The plan's recent changes (who, when, what, which row), newest first, on a workspace
file and on a team database (tests/server/conftest.py): rows reached through a parent (a
squad's autonomy through its squad) count for the plan, another plan's rows do not."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.cli import main
from models.core.recent import latest_change, recent_changes
from models.core.versioning import utc_now
from models.core.workspace import create_workspace, open_workspace
from models.plan import service as svc
from models.squad import service as squad_svc

from tests.conftest import TODAY


@pytest.fixture(params=["file", "team"])
def client(request, demo_ws):
    """``client(name)``: the workspace as *name* edits it (a connection of their own on a
    team database; the one file, edited under their name, otherwise)."""
    if request.param == "file":
        def as_user(name: str):
            demo_ws.versions.user = name
            return demo_ws
        yield as_user
        return
    url = request.getfixturevalue("pg_url")
    path = demo_ws.path
    demo_ws.close()
    assert main(["workspace", "push", str(path), url]) == 0
    opened = {}

    def connect(name: str):
        if name not in opened:
            opened[name] = open_workspace(url)
            opened[name].versions.user = name
        return opened[name]
    yield connect
    for ws in opened.values():
        ws.close()


def test_the_latest_changes_come_first_with_who_what_and_which(client):
    priya = client("Priya Shah")
    plan = svc.list_plans(priya)[0]
    milestone = svc.list_milestones(priya, plan.id)[0]
    svc.edit_milestone(priya, milestone.id, {"owner": "Priya"})
    sam = client("Sam Lee")
    squad = squad_svc.list_squads(sam, plan.id)[0]
    decision = squad_svc.list_autonomy(sam, squad.id)[0]
    squad_svc.set_autonomy_granted(sam, decision.id, not decision.granted)

    latest, before = recent_changes(client("Priya Shah"), plan.id)[:2]

    assert (latest.who, latest.what, latest.row, latest.table) == (
        "Sam Lee", "autonomy decision", decision.decision, "squad_autonomy")
    assert latest.subject == f"autonomy decision '{decision.decision}'"
    assert (before.who, before.subject, before.phrase) == (
        "Priya Shah", f"milestone '{milestone.title}'", f"the milestone '{milestone.title}'")
    assert before.when <= latest.when and latest.when.tzinfo is None
    assert abs(utc_now() - latest.when) < timedelta(minutes=1)


def test_another_plans_rows_stay_out_and_one_edit_is_one_line(client):
    priya = client("Priya Shah")
    plan = svc.list_plans(priya)[0]
    milestone = svc.list_milestones(priya, plan.id)[0]
    svc.edit_milestone(priya, milestone.id, {"owner": "Priya"})
    alex = client("Alex Kim")
    other = svc.create_plan(alex, svc.PlanDraft("Second plan", TODAY))

    mine = recent_changes(priya, plan.id)
    assert mine[0].who == "Priya Shah" and mine[0].table == "milestones"
    assert "Alex Kim" not in {c.who for c in mine}

    theirs = recent_changes(priya, other)
    assert {c.who for c in theirs} == {"Alex Kim"}
    assert {c.subject for c in theirs} == {"plan 'Second plan'", "3 phases"}
    assert len(recent_changes(priya, other, limit=1)) == 1


def test_one_row_per_plan_is_the_and_a_row_without_a_name_is_a(client):
    priya = client("Priya Shah")
    plan = svc.list_plans(priya)[0]
    from models.lowcode import service as lowcode
    from models.ownership import service as ownership

    lowcode.set_target_share(priya, plan.id, 0.5)
    assert recent_changes(priya, plan.id)[0].phrase == "the low-code target"
    grid = ownership.get_map(priya, plan.id)
    capability, department = grid.capabilities[0], grid.departments[0]
    ownership.set_cell(priya, plan.id, capability.id, department.id, "I")
    assert recent_changes(priya, plan.id)[0].phrase == "a RACI letter"
    with priya.read() as s:
        assert latest_change(s).phrase == "a RACI letter"


def test_the_configured_name_stamps_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("NINETY_USER", "Priya Shah")
    with create_workspace(tmp_path / "mine.ninety") as ws:
        plan_id = svc.create_plan(ws, svc.PlanDraft("Mine", date(2026, 3, 2)))
        changes = recent_changes(ws, plan_id)
    assert [c.who for c in changes] == ["Priya Shah", "Priya Shah"]


def test_a_plan_with_no_stamped_rows_has_no_changes(ws):
    assert recent_changes(ws, 1) == []
