"""Desktop habits of the main window: a View menu with Ctrl+1…6, Save a Copy's extension,
the version in About, and a quiet log."""
from __future__ import annotations

import logging

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.cli import _version
from desktop.features import PAGES
from desktop.main_window import MainWindow
from models.core.workspace import open_workspace


def window(qtbot, tmp_path, demo_ws):
    demo_ws.close()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("summary/warm", False)  # no `summary --warm` process after the test's edits
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    assert win.open_path(demo_ws.path, ask=False)
    win.show()
    return win


def test_ctrl_1_to_6_show_the_pages_in_sidebar_order(qtbot, tmp_path, demo_ws):
    win = window(qtbot, tmp_path, demo_ws)
    assert [a.shortcut() for a in win.page_actions] == [QKeySequence(f"Ctrl+{i}") for i in range(1, 7)]
    assert len(win.page_actions) == len(PAGES)
    win.page_actions[4].trigger()
    assert win.sidebar.currentRow() == 4
    win.page_actions[0].trigger()
    assert win.sidebar.currentRow() == 0
    win.tasks.wait()
    win.close()


def test_save_a_copy_adds_the_extension(qtbot, tmp_path, demo_ws, monkeypatch):
    win = window(qtbot, tmp_path, demo_ws)
    chosen = tmp_path / "Plan for the board"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(chosen), "")))
    win.save_copy()
    win.tasks.wait()
    qtbot.waitUntil(lambda: (tmp_path / "Plan for the board.ninety").exists(), timeout=10000)
    assert not chosen.exists()
    copy = open_workspace(tmp_path / "Plan for the board.ninety", read_only=True)
    copy.close()
    win.close()


def test_about_names_the_version(qtbot, tmp_path, demo_ws, monkeypatch):
    win = window(qtbot, tmp_path, demo_ws)
    shown = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda _p, title, text: shown.append(text)))
    win._about()
    assert shown and f"Ninety {_version()}" in shown[0]
    win.tasks.wait()
    win.close()


def test_the_log_keeps_only_alembics_warnings():
    from desktop.app import install_crash_handlers, quiet_loggers

    logging.getLogger("alembic").setLevel(logging.NOTSET)
    quiet_loggers()
    assert logging.getLogger("alembic").getEffectiveLevel() == logging.WARNING
    assert "quiet_loggers()" in __import__("inspect").getsource(install_crash_handlers)


def test_a_pages_status_message_reaches_the_status_bar(qtbot, tmp_path, demo_ws):
    win = window(qtbot, tmp_path, demo_ws)
    win.page_actions[2].trigger()  # the Squad page, built on its first visit
    qtbot.waitUntil(lambda: "squad" in win.pages.built, timeout=10000)
    win.pages.built["squad"].statusMessage.emit("Check-in added: saved.", 5000)
    assert win.statusBar().currentMessage() == "Check-in added: saved."
    win.tasks.wait()
    win.close()
