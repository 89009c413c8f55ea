"""The window's side of robustness: its lock is the one the command line honours, a
read-only place opens read-only, a damaged file is reported with Save a Copy."""
from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.cli import main
from desktop.main_window import MainWindow
from models.core.workspace import open_workspace
from models.plan import service as svc
from models.plan.demo import write_demo
from tests.conftest import FEATURES, TODAY
from tests.core.test_recovery import _drop_one_row_from_an_index
from tests.desktop.robust_support import script

#: the main window, offscreen, opening a workspace; prints what it got
OPEN_IN_WINDOW = r"""
import sys
from pathlib import Path
from desktop.app import make_app
from desktop.main_window import MainWindow
app = make_app()
w = MainWindow()
print("opened", w.open_path(Path(sys.argv[1])), "read-only", w.doc.read_only)
print("status", w.statusBar().currentMessage())
w.close()
"""


@pytest.fixture
def window(qtbot, settings):
    w = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_the_command_line_will_not_write_under_an_open_window(window, demo_file, tmp_path, capsys):
    assert window.open_path(demo_file)
    assert main(["plan", "dump", str(demo_file)]) == 0
    doc = tmp_path / "plan.json"
    doc.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["plan", "load", str(demo_file), str(doc), "--rename", "From a script"]) == 2
    err = capsys.readouterr().err
    assert "open in Ninety (user " in err and "Traceback" not in err
    window._close_workspace()
    assert main(["plan", "load", str(demo_file), str(doc), "--rename", "From a script"]) == 0


def test_a_second_window_names_the_first_as_ninety(window, demo_file, settings, qtbot, monkeypatch):
    assert window.open_path(demo_file)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Open)
    second = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(second)
    assert second.open_path(demo_file)
    assert "is open in Ninety (user " in asked[0] and "python" not in asked[0].lower()
    assert second.doc.read_only
    second.close()


def test_a_workspace_in_a_read_only_folder_opens_read_only(tmp_path):
    import os

    folder = tmp_path / "shelf"
    folder.mkdir()
    demo = write_demo(folder / "demo.ninety", FEATURES, TODAY)
    os.chmod(folder, 0o555)
    try:
        done = script(OPEN_IN_WINDOW, demo, honour_permissions=True)
    finally:
        os.chmod(folder, 0o755)
    assert done.returncode == 0, done.stderr
    assert "opened True read-only True" in done.stdout and "read-only place" in done.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["demo.ninety"]


def test_a_damaged_index_is_reported_and_save_a_copy_rescues_the_rows(window, demo_file, tmp_path, qtbot,
                                                                       monkeypatch):
    _drop_one_row_from_an_index(demo_file)
    shown = []

    def exec_box(box):
        shown.append(box.text())
        [save] = [b for b in box.buttons() if b.text() == "Save a Copy…"]
        save.click()
        return 0

    copy = tmp_path / "rescued.ninety"
    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    assert window.open_path(demo_file)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "demo.ninety is damaged: row 17 missing from index ix_milestones_plan_id" in shown[0]
    qtbot.waitUntil(copy.exists, timeout=10000)
    window.tasks.wait()
    with open_workspace(copy) as rescued:
        assert rescued.integrity_problems() == []
        assert len(svc.list_milestones(rescued, svc.find_plan(rescued).id)) == 17


def test_a_sound_workspace_opens_without_a_warning(window, demo_file, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert window.open_path(demo_file)
    window.tasks.wait()
    qtbot.wait(50)
    assert shown == []
    con = sqlite3.connect(demo_file)  # the lock is Ninety's own file, not SQLite's: readers still read
    assert con.execute("SELECT count(*) FROM milestones").fetchone()[0] > 0
    con.close()
