"""A team workspace on a real PostgreSQL (tests/server/conftest.py starts it): moving plans,
no lost update, failures. No mocks of the database."""
from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.features import FEATURES
from models.core.server import open_server
from models.core.versioning import StaleEdit
from models.core.workspace import NewerSchemaError, NotAWorkspaceError, WorkspaceError, open_workspace
from models.ownership import service as own
from models.plan import service as plan_svc
from models.plan.schema import Milestone
from models.plan.transfer import dump_plan
from models.squad import service as squad_svc
from tests.conftest import TODAY


def run(capsys, *args):
    capsys.readouterr()  # what fixtures printed
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_file(demo_ws):
    path = demo_ws.path
    demo_ws.close()
    return path


@pytest.fixture
def team(pg_url, demo_file):
    """The demo plan pushed to a fresh database; yields its address."""
    assert main(["workspace", "push", str(demo_file), pg_url]) == 0
    return pg_url


def _client(url: str, user: str):
    ws = open_workspace(url)
    ws.versions.user = user
    return ws


def _first_milestone(ws):
    plan = plan_svc.find_plan(ws)
    return plan_svc.list_milestones(ws, plan.id)[0]


# --------------------------------------------------------------------------- moving plans

def test_push_then_pull_round_trip_dumps_identical(capsys, team, demo_file, tmp_path):
    _, from_file, _ = run(capsys, "plan", "dump", demo_file)
    code, from_server, _ = run(capsys, "plan", "dump", team)
    assert code == 0 and from_server == from_file
    copy = tmp_path / "offline.ninety"
    code, _, err = run(capsys, "workspace", "pull", team, copy)
    assert code == 0 and "pulled 1 plan" in err
    _, from_pull, _ = run(capsys, "plan", "dump", copy)
    assert from_pull == from_file


def test_summary_json_on_the_server_equals_the_file(capsys, team, demo_file):
    as_of = TODAY.isoformat()
    _, on_file, _ = run(capsys, "summary", demo_file, "--json", "--as-of", as_of, "--no-cache")
    code, on_server, _ = run(capsys, "summary", team, "--json", "--as-of", as_of)
    assert code == 0 and json.loads(on_server) == json.loads(on_file)


def test_push_is_all_or_nothing(capsys, team, demo_file):
    code, _, err = run(capsys, "workspace", "push", demo_file, team)  # the plan is there already
    assert code == 2 and "already exists" in err and len(err.strip().splitlines()) == 1
    with open_workspace(team, read_only=True) as ws:
        assert len(plan_svc.list_plans(ws)) == 1


def test_pull_of_an_unknown_plan_writes_no_file(capsys, team, tmp_path):
    folder = tmp_path / "offline"
    folder.mkdir()
    code, _, err = run(capsys, "workspace", "pull", team, folder / "x.ninety", "--plan", "Nope")
    assert code == 2 and "no plan named 'Nope'" in err
    assert list(folder.iterdir()) == []


# --------------------------------------------------------------------------- no lost update

def test_same_field_two_clients_exactly_one_wins_and_the_other_is_told(team):
    a, b = _client(team, "Priya Shah"), _client(team, "Sam Lee")
    try:
        m = _first_milestone(a)
        assert _first_milestone(b).id == m.id  # both have it on screen
        plan_svc.update_milestone(a, m.id, {"owner": "Priya"})
        with pytest.raises(StaleEdit) as refused:
            plan_svc.update_milestone(b, m.id, {"owner": "Sam"})
        assert refused.value.who == "Priya Shah"
        assert str(refused.value).startswith("Changed by Priya Shah at ")
        assert str(refused.value).endswith("; your edit was not applied")
        assert _first_milestone(b).owner == "Priya"  # nothing overwritten; b reloads...
        plan_svc.update_milestone(b, m.id, {"owner": "Sam"})  # ...and its edit now lands
        assert _first_milestone(a).owner == "Sam"
    finally:
        a.close(), b.close()


def test_a_race_inside_two_transactions_is_caught_by_the_version(team):
    a, b = _client(team, "Priya Shah"), _client(team, "Sam Lee")
    try:
        mid = _first_milestone(a).id
        with pytest.raises(StaleEdit) as refused:
            with a.write() as s:
                row = s.get(Milestone, mid)  # a read version 1 inside its transaction...
                plan_svc.update_milestone(b, mid, {"title": "B's title"})  # ...b commits first
                row.title = "A's title"
        assert refused.value.who == "Sam Lee"
        assert _first_milestone(a).title == "B's title"
    finally:
        a.close(), b.close()


def test_different_rows_from_different_people_all_land(team):
    a, b = _client(team, "Priya Shah"), _client(team, "Sam Lee")
    try:
        plan = plan_svc.find_plan(a)
        first, second = plan_svc.list_milestones(a, plan.id)[:2]
        plan_svc.list_milestones(b, plan.id)
        plan_svc.update_milestone(a, first.id, {"owner": "Priya"})
        plan_svc.update_milestone(b, second.id, {"owner": "Sam"})
        owners = {m.id: m.owner for m in plan_svc.list_milestones(a, plan.id)}
        assert owners[first.id] == "Priya" and owners[second.id] == "Sam"
    finally:
        a.close(), b.close()


def test_checkins_and_raci_cells_are_guarded_too(team):
    a, b = _client(team, "Priya Shah"), _client(team, "Sam Lee")
    try:
        plan = plan_svc.find_plan(a)
        squad_id = _squad_id(a, plan.id)
        checkin = squad_svc.list_checkins(a, squad_id)[0]
        squad_svc.list_checkins(b, squad_id)
        squad_svc.update_row(a, "checkin", checkin.id, {"note": "from A"})
        with pytest.raises(StaleEdit):
            squad_svc.update_row(b, "checkin", checkin.id, {"note": "from B"})

        cells = own.get_map(a, plan.id)
        own.get_map(b, plan.id)
        (cap_id, dept_id), letter = next(iter(cells.cells.items()))
        other = "R" if letter != "R" else "C"
        own.set_cells(a, plan.id, {(cap_id, dept_id): other})
        with pytest.raises(StaleEdit):
            own.set_cells(b, plan.id, {(cap_id, dept_id): "I"})
        assert own.get_map(b, plan.id).letter(cap_id, dept_id) == other
    finally:
        a.close(), b.close()


def _squad_id(ws, plan_id):
    from models.squad.schema import Squad

    with ws.read() as s:
        return s.query(Squad.id).filter(Squad.plan_id == plan_id).scalar()


def test_undo_of_a_row_someone_else_changed_since_is_refused(team):
    a, b = _client(team, "Priya Shah"), _client(team, "Sam Lee")
    try:
        m = _first_milestone(a)
        before = plan_svc.update_milestone(a, m.id, {"owner": "Priya"})
        _first_milestone(b)
        plan_svc.update_milestone(b, m.id, {"owner": "Sam"})
        _first_milestone(a)  # a's page reloads and shows Sam's change...
        with pytest.raises(StaleEdit) as refused, a.versions.undoing():
            plan_svc.update_milestone(a, m.id, before)  # ...but undo must not overwrite it
        assert refused.value.who == "Sam Lee"
        assert _first_milestone(a).owner == "Sam"
    finally:
        a.close(), b.close()


def test_own_undo_after_two_own_edits_is_allowed(team):
    a = _client(team, "Priya Shah")
    try:
        m = _first_milestone(a)
        first = plan_svc.update_milestone(a, m.id, {"owner": "One"})
        second = plan_svc.update_milestone(a, m.id, {"owner": "Two"})
        with a.versions.undoing():
            plan_svc.update_milestone(a, m.id, second)
            plan_svc.update_milestone(a, m.id, first)
        assert _first_milestone(a).owner == m.owner
    finally:
        a.close()


# --------------------------------------------------------------------------- failures

def test_a_dropped_connection_mid_edit_refuses_it_and_writes_nothing(team, pg_server_url):
    from tests.server.conftest import _admin

    a = _client(team, "Priya Shah")
    try:
        m = _first_milestone(a)
        with pytest.raises(WorkspaceError) as lost:
            with a.write() as s:
                pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
                with _admin(pg_server_url) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                s.get(Milestone, m.id).owner = "half-written"
        message = str(lost.value)
        assert "connection to the server was lost" in message and "\n" not in message
        assert _first_milestone(a).owner == m.owner  # nothing half-written; reconnected
        plan_svc.update_milestone(a, m.id, {"owner": "after"})  # and editing works again
        assert _first_milestone(a).owner == "after"
    finally:
        a.close()


def test_a_database_that_is_not_ninety_is_refused_untouched(pg_url):
    from sqlalchemy import create_engine, inspect

    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer primary key, total numeric)"))
    with pytest.raises(NotAWorkspaceError, match="not a Ninety workspace"):
        open_server(pg_url, create=True)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["invoices"]
    engine.dispose()


def test_a_newer_ninety_schema_is_refused_untouched(team):
    from sqlalchemy import create_engine

    engine = create_engine(team.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(NewerSchemaError, match="newer version of Ninety"):
        open_workspace(team)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_an_empty_database_is_refused_for_reading(capsys, pg_url):
    code, _, err = run(capsys, "summary", pg_url)
    assert code == 2 and "empty database" in err


def test_unreachable_server_one_line_within_the_timeout_password_never_shown(capsys):
    url = "postgresql://bob:s3cret-pw@127.0.0.1:9/plan"  # the discard port: nothing listens
    started = time.monotonic()
    code, out, err = run(capsys, "summary", url)
    assert time.monotonic() - started < 6
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "cannot reach the server" in err
    assert "s3cret-pw" not in err and "bob@127.0.0.1:9/plan" in err


def test_two_clients_upgrading_at_once_migrate_once(pg_url):
    results: list[object] = []

    def open_one():
        try:
            open_server(pg_url, create=True).close()
            results.append("ok")
        except Exception as exc:  # pragma: no cover - the failure is the assertion
            results.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ok"] * 3


def test_dump_from_server_matches_after_edits_round_trip(team, tmp_path):
    with open_workspace(team) as ws:
        plan = plan_svc.find_plan(ws)
        plan_svc.update_milestone(ws, plan_svc.list_milestones(ws, plan.id)[0].id, {"notes": "edited on the server"})
        on_server = dump_plan(ws, plan.id, FEATURES)
    assert main(["workspace", "pull", team, str(tmp_path / "copy.ninety")]) == 0
    with open_workspace(tmp_path / "copy.ninety", read_only=True) as ws:
        assert dump_plan(ws, plan_svc.find_plan(ws).id, FEATURES) == on_server
