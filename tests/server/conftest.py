"""A real PostgreSQL for the team-server tests: ``NINETY_TEST_PG_URL`` if given, else one
``pgserver`` (PostgreSQL 16 binaries from PyPI) started in a temporary folder for the
session. Each test gets a fresh, empty database on it."""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import warnings

import pytest

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server_url():
    given = os.environ.get("NINETY_TEST_PG_URL")
    if given:
        yield given
        return
    # not under pytest's basetemp: other pytest runs rotate those folders away
    folder = tempfile.mkdtemp(prefix="ninety-test-pg-")
    with warnings.catch_warnings():  # platformdirs warns (at import) when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(str(folder), cleanup_mode="stop")
    yield server.get_uri()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def _admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(u.set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql", database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_url(pg_server_url):
    """The address of a fresh, empty database (dropped afterwards)."""
    name = f"ninety_t{os.getpid()}_{next(_numbers)}"
    with _admin(pg_server_url) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    yield _with_database(pg_server_url, name)
    with _admin(pg_server_url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_pg_url(pg_server_url):
    """More fresh databases in one test: ``make_pg_url()`` -> address."""
    names = []

    def make() -> str:
        name = f"ninety_t{os.getpid()}_{next(_numbers)}"
        with _admin(pg_server_url) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return _with_database(pg_server_url, name)

    yield make
    with _admin(pg_server_url) as con:
        for name in names:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def team(pg_url, demo_ws):
    """The demo plan pushed to a fresh database; yields its address."""
    from desktop.cli import main

    path = demo_ws.path
    demo_ws.close()
    assert main(["workspace", "push", str(path), pg_url]) == 0
    return pg_url


@pytest.fixture
def clients(team):
    """Two people on the team's server (tests.common.two_clients)."""
    from tests.common.two_clients import two_clients

    with two_clients(team) as pair:
        yield pair


@pytest.fixture
def plan_id(clients):
    """A new plan on the server, made by the first client: nothing in it but its phases."""
    from datetime import date

    from models.plan import service as plan_svc

    return plan_svc.create_plan(clients[0], plan_svc.PlanDraft(name="Fresh plan", start=date(2026, 1, 1),
                                                               revenue_architect="Dana Okafor"))
