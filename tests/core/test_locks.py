"""Locks: every writer honours the app's lock, a blocked writer gets one line, a dead
holder's lock is taken over."""
from __future__ import annotations

import getpass
import os
import signal
import socket
import sys

import pytest

from desktop.cli import main
from models.core import workspace
from models.core.lock import WorkspaceLock
from models.core.workspace import WorkspaceLockedError, open_workspace
from models.plan.demo import write_demo
from models.plan.service import list_plans
from tests.conftest import FEATURES, TODAY
from tests.desktop.robust_support import kill_after, start

#: holds the workspace's lock as the app does, says "locked", then waits to be killed
HOLDER = """
import sys, time
from models.core.workspace import open_workspace
ws = open_workspace(sys.argv[1], lock=True)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
ws.close()
"""
STAGES = "status,department,kind\nOpen,Product,queue\nDoing,Eng,active\nDone,Eng,done\n"
LOG = "item,at,from,to\nA-1,2026-01-05T09:00:00+00:00,Open,Doing\nA-1,2026-01-07T09:00:00+00:00,Doing,Done\n"


@pytest.fixture
def demo(tmp_path):
    return write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)


@pytest.fixture
def plan_doc(demo, tmp_path, capsys):
    assert main(["plan", "dump", str(demo)]) == 0
    doc = tmp_path / "plan.json"
    doc.write_text(capsys.readouterr().out, encoding="utf-8")
    return doc


def _plans(path):
    with open_workspace(path, read_only=True) as ws:
        return [p.name for p in list_plans(ws)]


def test_the_holder_is_named_as_ninety_with_user_host_and_process(demo):
    with open_workspace(demo, lock=True):
        with pytest.raises(WorkspaceLockedError) as info:
            open_workspace(demo, lock=True)
    holder = info.value.holder
    assert holder.startswith("Ninety (") and f"process {os.getpid()}" in holder
    assert getpass.getuser() in holder and socket.gethostname() in holder
    assert "python" not in holder.lower()
    with open_workspace(demo, lock=True):  # released on close
        pass


def test_a_lock_left_by_a_killed_process_is_taken_over(demo):
    holder = start([sys.executable, "-c", HOLDER, str(demo), "60"])
    assert kill_after(holder, "locked", 0)
    assert (demo.parent / "demo.ninety.lock").exists()  # left behind by the kill
    with open_workspace(demo, lock=True) as ws:
        assert not ws.read_only


def test_command_line_writers_refuse_while_the_app_holds_the_lock(demo, plan_doc, tmp_path, capsys):
    (tmp_path / "stages.csv").write_text(STAGES)
    (tmp_path / "log.csv").write_text(LOG)
    before = _plans(demo)
    with open_workspace(demo, lock=True):  # as the main window does
        for args in (["plan", "load", demo, plan_doc, "--rename", "Copy"],
                     ["audit", tmp_path / "log.csv", "--stages", tmp_path / "stages.csv", "--workspace", demo]):
            assert main([str(a) for a in args]) == 2
            err = capsys.readouterr().err
            assert f"{demo}: open in Ninety (user " in err and "--wait" in err and "Traceback" not in err
            assert len(err.splitlines()) == 1
        # export only reads the plan: the pack is written, the history entry skipped with a note
        assert main(["export", str(demo), "-o", str(tmp_path / "p.xlsx")]) == 0
        assert "not added to" in capsys.readouterr().err and (tmp_path / "p.xlsx").exists()
    assert _plans(demo) == before


def test_wait_takes_the_lock_once_the_app_lets_it_go(demo, plan_doc, capsys):
    holder = start([sys.executable, "-c", HOLDER, str(demo), "1.0"])
    assert holder.stdout.readline().startswith("locked")
    try:
        assert main(["plan", "load", str(demo), str(plan_doc), "--rename", "Copy", "--wait", "60"]) == 0
    finally:
        holder.wait()
        holder.stdout.close(), holder.stderr.close()
    assert "Copy" in _plans(demo)


#: holds SQLite's write lock (not Ninety's) until it is killed
WRITER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("BEGIN IMMEDIATE")
print("writing", flush=True)
time.sleep(60)
"""


def test_a_writer_blocked_past_the_timeout_gets_one_line(demo, plan_doc, monkeypatch, capsys):
    monkeypatch.setattr(workspace, "BUSY_TIMEOUT_MS", 300)  # the 5 s default, shortened
    writer = start([sys.executable, "-c", WRITER, str(demo)])
    try:
        assert writer.stdout.readline().startswith("writing")
        assert main(["plan", "load", str(demo), str(plan_doc), "--rename", "Copy"]) == 2
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close(), writer.stderr.close()
    err = capsys.readouterr().err
    assert err.startswith(f"ninety: {demo}: another program is writing to it") and "nothing was changed" in err
    assert len(err.splitlines()) == 1
    assert "Copy" not in _plans(demo)


def test_a_read_only_folder_cannot_be_locked_and_says_so(tmp_path):
    lock = WorkspaceLock(tmp_path / "missing" / "w.ninety")
    with pytest.raises(OSError):
        lock.acquire()
    assert not lock.held
