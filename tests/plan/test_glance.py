"""The start-up glance (models.plan.glance): what the Overview first shows, read with the
standard library. It must equal what the services read, and must stand aside (None)
whenever a shortcut would not be safe, writing nothing either way."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.core.workspace import open_workspace
from models.plan import service as svc
from models.plan.glance import read_glance
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]


def state(path: Path) -> tuple:
    """The file's bytes and times, and what lies beside it."""
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def test_the_glance_is_what_the_services_read(demo_file):
    before = state(demo_file)
    glance = read_glance(demo_file)
    assert state(demo_file) == before  # read-only: no byte, no time, no -journal or -wal left
    with open_workspace(demo_file, read_only=True) as ws:
        plans = svc.list_plans(ws)
        view = svc.plan_view(ws, plans[0].id)
    assert glance.plans == plans and glance.plan == plans[0]
    assert glance.view == view and len(view.milestones) == 17


def test_the_glance_follows_edits_of_every_field(demo_file):
    with open_workspace(demo_file) as ws:
        plan = svc.list_plans(ws)[0]
        first = svc.list_milestones(ws, plan.id)[0]
        svc.edit_milestone(ws, first.id, {"title": "Quoted 'title' — ünïcode", "owner": "", "notes": "two\nlines",
                                          "status": "done", "done_date": TODAY})
        svc.set_baseline(ws, plan.id)
        svc.create_plan(ws, svc.PlanDraft(name="A second plan", start=TODAY))
        plans = svc.list_plans(ws)
        view = svc.plan_view(ws, plans[0].id)
    glance = read_glance(demo_file)
    assert glance.plans == plans and len(plans) == 2
    assert glance.view == view
    assert glance.view.milestones[0].title == "Quoted 'title' — ünïcode"
    assert all(m.baseline_due == m.due for m in glance.view.milestones)


def test_no_glance_of_a_workspace_without_plans(tmp_path):
    from models.core.workspace import create_workspace

    path = tmp_path / "empty.ninety"
    create_workspace(path).close()
    assert read_glance(path) is None


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04zip", b"SQLite format 3\x00" + b"\x00" * 20])
def test_no_glance_of_what_is_not_a_workspace(tmp_path, content):
    path = tmp_path / "odd.ninety"
    path.write_bytes(content)
    assert read_glance(path) is None
    assert path.read_bytes() == content


def test_no_glance_of_another_sqlite_database_or_a_folder_or_nothing(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE plans (id INTEGER)")
    con.commit()
    con.close()
    before = other.read_bytes()
    assert read_glance(other) is None and other.read_bytes() == before
    assert read_glance(tmp_path) is None
    assert read_glance(tmp_path / "missing.ninety") is None
    assert not (tmp_path / "missing.ninety").exists()


def test_no_glance_while_a_journal_or_log_lies_beside_it(demo_file):
    for sidecar in ("-journal", "-wal"):
        side = Path(f"{demo_file}{sidecar}")
        side.write_bytes(b"")
        assert read_glance(demo_file) is None
        side.unlink()
    assert read_glance(demo_file) is not None


def test_no_glance_of_an_older_or_newer_schema(demo_file):
    con = sqlite3.connect(demo_file)
    con.execute("UPDATE alembic_version SET version_num = '0005'")
    con.commit()
    con.close()
    assert read_glance(demo_file) is None


def test_no_glance_of_a_file_in_wal_mode(demo_file):
    con = sqlite3.connect(demo_file)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    assert not Path(f"{demo_file}-wal").exists()
    assert read_glance(demo_file) is None  # WAL mode: the header says so, even with no -wal now


def test_no_glance_while_another_process_writes(demo_file):
    con = sqlite3.connect(demo_file, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")  # a writer in the middle of its transaction
    try:
        assert read_glance(demo_file) is None  # no waiting for the lock
    finally:
        con.execute("ROLLBACK")
        con.close()


def test_the_glance_loads_no_database_layer(demo_file):
    script = ("import sys\nfrom models.plan.glance import read_glance\n"
              "g = read_glance(sys.argv[1])\n"
              "print(g.plan.name, len(g.view.milestones), sorted({m.split('.')[0] for m in sys.modules}"
              " & {'sqlalchemy', 'alembic', 'PySide6', 'numpy'}))\n")
    out = subprocess.run([sys.executable, "-c", script, str(demo_file)], capture_output=True, text=True,
                         timeout=60, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Digital Flagship 90-day transformation 17 []"
