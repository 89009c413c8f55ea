"""Odd files: refused early and briefly, never touched; reading is read-only.

Permission cases run the command line in a child process as an unprivileged
user when the suite runs as root (root ignores file permissions).
"""
from __future__ import annotations

import os
import sqlite3

import pytest

from models.core.files import FileError, existing_file, new_target
from models.core.workspace import (
    NewerSchemaError, NotAWorkspaceError, WorkspaceError, inspect_file, open_workspace,
)
from models.plan.demo import write_demo
from models.plan.service import list_plans
from tests.conftest import FEATURES, TODAY
from tests.desktop.robust_support import ninety, one_line


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def _refused(path, match, error=WorkspaceError):
    siblings = _files(path.parent)
    with pytest.raises(error, match=match) as info:
        open_workspace(path)
    assert _files(path.parent) == siblings
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "x.ninety"
    os.mkfifo(fifo)
    _refused(fifo, "named pipe")
    # every command: none may block on open()
    log, pack = tmp_path / "log.csv", tmp_path / "pack.xlsx"
    os.mkfifo(log)
    os.mkfifo(pack)
    demo = write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)
    for args in (["summary", fifo], ["plan", "dump", fifo], ["export", fifo, "-o", tmp_path / "p.xlsx"],
                 ["check", fifo], ["plan", "load", tmp_path / "new.ninety", fifo],
                 ["audit", log, "--stages", log], ["export", demo, "-o", pack]):
        done = ninety(*args, timeout=30)
        assert done.returncode == 2 and "named pipe" in one_line(done.stderr), args
    assert _files(tmp_path) == ["demo.ninety", "log.csv", "pack.xlsx", "x.ninety"]


def test_a_folder_and_a_device_are_refused(tmp_path):
    folder = tmp_path / "dir.ninety"
    folder.mkdir()
    _refused(folder, "is a folder")
    device = tmp_path / "null.ninety"
    device.symlink_to("/dev/null")
    _refused(device, "is a device")


def test_dangling_and_looping_links_are_refused_and_kept(tmp_path, capsys):
    from desktop.cli import main

    dangling = tmp_path / "gone.ninety"
    dangling.symlink_to(tmp_path / "missing.ninety")
    loop_a, loop_b = tmp_path / "a.ninety", tmp_path / "b.ninety"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    _refused(dangling, "link to a missing file")
    _refused(loop_a, "loops")
    doc = tmp_path / "plan.json"
    demo = write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)
    assert main(["plan", "dump", str(demo)]) == 0
    doc.write_text(capsys.readouterr().out, encoding="utf-8")
    for link in (dangling, loop_a):
        assert main(["plan", "load", str(link), str(doc)]) == 2
        err = capsys.readouterr().err
        assert str(link) in err and "Traceback" not in err
        assert link.is_symlink()  # not replaced by a regular file
    assert main(["demo", str(dangling)]) == 2 and dangling.is_symlink()
    assert not (tmp_path / "missing.ninety").exists()


def test_a_link_to_a_workspace_opens_it_and_stays_a_link(demo_ws, tmp_path):
    demo_ws.close()
    link = tmp_path / "link.ninety"
    link.symlink_to(demo_ws.path)
    with open_workspace(link) as ws:
        assert [p.name for p in list_plans(ws)]
    assert link.is_symlink()


def test_paths_are_checked_without_opening_them(tmp_path):
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(FileError, match="named pipe"):
        existing_file(fifo)
    with pytest.raises(FileError, match="named pipe"):
        new_target(fifo, replace=True)
    with pytest.raises(FileError, match="no such folder"):
        new_target(tmp_path / "nope" / "x.xlsx", replace=True)
    (tmp_path / "kept.xlsx").write_text("x")
    with pytest.raises(FileError, match="already exists"):
        new_target(tmp_path / "kept.xlsx", replace=False)


# --------------------------------------------------------------------------- revisions

def _set_revision(path, revision):
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


def test_a_revision_set_back_is_refused_without_writing_or_backing_up(demo_ws, tmp_path):
    demo_ws.close()
    path = demo_ws.path
    _set_revision(path, "0001")  # the tables are the newest, the stamp says the oldest
    before = path.read_bytes()
    for _ in range(2):  # the same answer each time, and still nothing written
        with pytest.raises(NotAWorkspaceError, match="do not match its schema version '0001'") as info:
            open_workspace(path)
        assert "\n" not in str(info.value)
        assert path.read_bytes() == before
        assert _files(tmp_path) == ["demo.ninety"]
    done = ninety("summary", path)
    assert done.returncode == 2 and "do not match" in one_line(done.stderr)
    assert path.read_bytes() == before and _files(tmp_path) == ["demo.ninety"]


def test_an_unknown_revision_is_refused_in_one_line(ws):
    ws.close()
    _set_revision(ws.path, "ffff")
    before = ws.path.read_bytes()
    _refused(ws.path, "schema 'ffff'", NewerSchemaError)
    assert ws.path.read_bytes() == before


# --------------------------------------------------------------------------- read-only

def test_reading_creates_no_wal_or_shm(tmp_path):
    demo = write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)
    assert _files(tmp_path) == ["demo.ninety"]
    for args in (["summary", demo], ["summary", demo, "--json"], ["plan", "dump", demo]):
        assert ninety(*args).returncode == 0
        assert _files(tmp_path) == ["demo.ninety"], args
    assert ninety("export", demo, "-o", tmp_path / "p.xlsx").returncode == 0
    assert _files(tmp_path) == ["demo.ninety", "p.xlsx"]


def test_a_file_left_in_wal_mode_is_inspected_without_sidecars_and_rests_after_a_write(demo_ws):
    demo_ws.close()
    con = sqlite3.connect(demo_ws.path)
    con.execute("PRAGMA journal_mode = WAL")  # older versions left files in WAL mode
    con.close()
    assert _files(demo_ws.path.parent) == ["demo.ninety"]
    inspect_file(demo_ws.path)  # a file it may refuse is read as immutable: nothing beside it
    assert _files(demo_ws.path.parent) == ["demo.ninety"]
    open_workspace(demo_ws.path).close()  # the first write-open leaves it in rollback mode
    assert demo_ws.path.read_bytes()[18:20] == b"\x01\x01"
    assert ninety("summary", demo_ws.path).returncode == 0
    assert _files(demo_ws.path.parent) == ["demo.ninety"]


def test_a_read_only_folder_can_be_read_and_is_never_written(tmp_path):
    folder = tmp_path / "shelf"
    folder.mkdir()
    demo = write_demo(folder / "demo.ninety", FEATURES, TODAY)
    doc = tmp_path / "plan.json"
    doc.write_text(ninety("plan", "dump", demo).stdout, encoding="utf-8")
    con = sqlite3.connect(demo)
    con.execute("PRAGMA journal_mode = WAL")  # the hardest case: SQLite wants a -shm beside it
    con.close()
    os.chmod(demo, 0o444)
    os.chmod(folder, 0o555)
    try:
        before = demo.read_bytes()
        summary = ninety("summary", demo, "--json", "--as-of", "2026-03-16", honour_permissions=True)
        assert summary.returncode == 0, summary.stderr
        assert '"day": 43' in summary.stdout
        load = ninety("plan", "load", demo, doc, "--rename", "Copy", honour_permissions=True)
        assert load.returncode == 2 and "read-only" in one_line(load.stderr)
        export = ninety("export", demo, "-o", tmp_path / "p.xlsx", honour_permissions=True)
        assert export.returncode == 0 and "read-only here" in export.stderr and "Traceback" not in export.stderr
        assert demo.read_bytes() == before
        assert _files(folder) == ["demo.ninety"]
    finally:
        os.chmod(folder, 0o755)


def test_an_unreadable_folder_gives_one_line(tmp_path):
    inner = tmp_path / "private"
    inner.mkdir()
    write_demo(inner / "demo.ninety", FEATURES, TODAY)
    os.chmod(inner, 0o000)
    try:
        for args in (["summary", inner / "demo.ninety"], ["plan", "load", inner / "demo.ninety", inner / "p.json"]):
            done = ninety(*args, honour_permissions=True)
            assert done.returncode == 2 and "permission denied" in one_line(done.stderr).lower(), args
    finally:
        os.chmod(inner, 0o755)
