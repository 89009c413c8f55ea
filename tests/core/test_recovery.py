"""Crash recovery: a workspace SQLite can read whole opens, damage is found and rescued.

The checkpoint case is built two ways: by killing a real writer with SIGKILL
while it copies its WAL into the main file, and, so the short-file state is
certain to be tested, by taking the main file as a checkpoint leaves it halfway
(the first pages written, the rest still only in the ``-wal``).
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import sys
import time

import pytest

from models.core.workspace import (
    NotAWorkspaceError, build_workspace, create_workspace, inspect_file, open_workspace,
)
from models.plan.service import find_plan, list_milestones
from tests.desktop.robust_support import start

ROWS = 3000
#: fills the WAL of a workspace with one plan of ROWS milestones, says "ready", checkpoints
WRITER = r"""
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO plans (id, name, organisation, sponsor, revenue_architect, start_date, horizon_days,"
            " timezone, created_at) VALUES (1, 'P', '', '', '', '2026-01-05', 90, '', '2026-01-01 00:00:00')")
con.executemany("INSERT INTO milestones (plan_id, step, title, owner, due_date, status, notes)"
                " VALUES (1, 'audit', ?, '', '2026-02-01', 'not started', ?)",
                [(f"m{i}", "n" * 4000) for i in range(int(sys.argv[2]))])
con.execute("COMMIT")
print("ready", flush=True)
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print("done", flush=True)
time.sleep(60)
"""


def _header_pages(path) -> int:
    head = path.read_bytes()[:100]
    return int.from_bytes(head[16:18], "big") * int.from_bytes(head[28:32], "big")


def _empty_workspace(path):
    with build_workspace(path):
        pass
    return path


def _rows(path) -> int:
    with open_workspace(path, read_only=True) as ws:
        return len(list_milestones(ws, 1))


def test_a_main_file_cut_short_by_a_checkpoint_opens_with_its_wal(tmp_path):
    source = _empty_workspace(tmp_path / "source.ninety")
    proc = start([sys.executable, "-c", WRITER, str(source), str(ROWS)])
    assert proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)  # the WAL is full, no page checkpointed yet
    proc.wait()
    proc.stdout.close(), proc.stderr.close()
    whole = tmp_path / "whole.ninety"
    shutil.copy(source, whole)
    shutil.copy(f"{source}-wal", f"{whole}-wal")
    con = sqlite3.connect(whole)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # what the checkpoint would have produced
    con.close()
    full = whole.read_bytes()
    # Killed halfway through, the main file holds the first half of the finished file
    # (page 1 says the full page count) and the -wal still holds every page.
    cut = tmp_path / "cut.ninety"
    cut.write_bytes(full[: len(full) // 2 // 4096 * 4096])
    shutil.copy(f"{source}-wal", f"{cut}-wal")
    assert cut.stat().st_size < _header_pages(cut)

    assert not inspect_file(cut).needs_migration
    assert _rows(cut) == ROWS
    with open_workspace(cut) as ws:  # for writing: SQLite finishes the checkpoint
        assert len(list_milestones(ws, find_plan(ws).id)) == ROWS
    assert cut.stat().st_size == _header_pages(cut)
    assert not os.path.exists(f"{cut}-wal")


def test_kill_during_checkpoint_never_locks_the_user_out(tmp_path):
    """Kills spread over the checkpoint: whatever the moment, the workspace opens whole."""
    trials, short = 12, 0
    for i in range(trials):
        path = _empty_workspace(tmp_path / f"t{i}.ninety")
        proc = start([sys.executable, "-c", WRITER, str(path), str(ROWS)])
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(i * 0.003)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close(), proc.stderr.close()
        short += path.stat().st_size < _header_pages(path)
        inspect_file(path)
        assert _rows(path) == ROWS, f"trial {i}"
    print(f"{trials} kills during a checkpoint: {short} left the main file short; all opened whole")


# --------------------------------------------------------------------------- damage

def _drop_one_row_from_an_index(path) -> None:
    """Make ix_milestones_plan_id miss one milestone, as a torn write can: quick_check passes."""
    con = sqlite3.connect(path)
    last = con.execute("SELECT max(id) FROM milestones").fetchone()[0]
    con.execute("DROP INDEX ix_milestones_plan_id")
    con.execute(f"CREATE INDEX ix_milestones_plan_id ON milestones (plan_id) WHERE id <> {last}")
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_milestones_plan_id ON milestones (plan_id)'"
                " WHERE name = 'ix_milestones_plan_id'")
    con.commit()
    con.close()


def test_integrity_check_finds_the_index_damage_quick_check_misses_and_a_copy_repairs_it(demo_ws, tmp_path):
    demo_ws.close()
    path = demo_ws.path
    _drop_one_row_from_an_index(path)
    inspect_file(path)  # quick_check: "ok"
    with open_workspace(path) as ws:
        plan = find_plan(ws)
        assert len(list_milestones(ws, plan.id)) == 16  # what the user would silently see
        problems = ws.integrity_problems()
        assert problems and "missing from index ix_milestones_plan_id" in problems[0]
        assert ws.save_copy(tmp_path / "rescued.ninety") == []
    with open_workspace(tmp_path / "rescued.ninety") as copy:
        assert copy.integrity_problems() == []
        assert len(list_milestones(copy, find_plan(copy).id)) == 17


def test_a_sound_workspace_passes_the_full_check(demo_ws):
    assert demo_ws.integrity_problems() == []


def test_a_closed_workspace_stops_its_integrity_check(demo_ws):
    demo_ws.interrupt()
    assert demo_ws.integrity_problems() is None


def test_a_corrupted_page_is_refused_in_one_line(demo_ws, tmp_path):
    demo_ws.close()
    data = bytearray(demo_ws.path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for i in range(page * 5, page * 9):
        data[i] = (data[i] * 7 + 13) % 256
    path = tmp_path / "bad.ninety"
    path.write_bytes(bytes(data))
    with pytest.raises(NotAWorkspaceError, match="damaged") as info:
        inspect_file(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400 and str(path) in message


def test_an_upgrade_refuses_a_damaged_file_before_writing_anything(tmp_path):
    from tests.core.test_workspace import old_file

    path = old_file(tmp_path / "old.ninety", "0002", [f"m{i}" for i in range(5)])
    _drop_one_row_from_an_index(path)
    before = path.read_bytes()
    with pytest.raises(NotAWorkspaceError, match="damaged.*not changed"):
        open_workspace(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.ninety"]  # no backup, no -wal


def test_create_leaves_one_file_at_rest(tmp_path):
    create_workspace(tmp_path / "new.ninety").close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.ninety"]
