"""Start-up and first visits (issue 14): the frame first, pages built when first shown,
a placeholder and a busy cursor while a page loads, and commands that import only
what they need. No timings: what is checked is the order of things and what is loaded."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from desktop.features import PAGES
from desktop.main_window import MainWindow
from models.plan.demo import write_demo
from tests.conftest import FEATURES, TODAY

ROOT = Path(__file__).resolve().parents[2]
KEYS = [page.key for page in PAGES]


@pytest.fixture
def window(qtbot, settings, demo_file):
    w = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.pageReady, timeout=10000, check_params_cb=lambda key: key == "overview"):
        assert w.open_path(demo_file)
    yield w
    w.tasks.wait()
    w.close()


def python(script: str, *args: str) -> str:
    """Run *script* in a fresh interpreter (offscreen, this checkout first); its stdout."""
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


# --------------------------------------------------------------------------- pages

def test_only_the_overview_is_built_when_a_workspace_opens(window):
    assert set(window.pages.built) == {"overview"}
    assert list(window.pages) == KEYS and len(window.pages) == len(KEYS)
    assert "squad" in window.pages and set(window.pages.built) == {"overview"}  # asking is not building
    assert window.stack.count() == len(KEYS)
    assert QApplication.overrideCursor() is None


class Recorder(QObject):
    """Paint events of a widget, with the cursor at the time."""

    def __init__(self, log: list):
        super().__init__()
        self.log = log

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            cursor = QApplication.overrideCursor()
            self.log.append(("placeholder painted", cursor.shape() if cursor else None))
        return False


def test_a_first_visit_paints_a_placeholder_and_a_busy_cursor_before_building(window, qtbot, monkeypatch):
    row = KEYS.index("squad")
    log: list = []
    recorder = Recorder(log)
    window._placeholders[row].installEventFilter(recorder)
    build = window._build_page
    monkeypatch.setattr(window, "_build_page", lambda key: (log.append(("built", key)), build(key))[1])
    with qtbot.waitSignal(window.pageReady, timeout=10000, check_params_cb=lambda key: key == "squad"):
        window.sidebar.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages["squad"]  # built by the time the click returns
    assert log[0] == ("placeholder painted", Qt.CursorShape.BusyCursor)
    assert log.index(("built", "squad")) > 0
    assert window._placeholders[row].text() == "Loading Squad…"
    assert QApplication.overrideCursor() is None  # the page is on screen with its data
    assert window.pages["squad"].refresher.refreshes >= 1


def test_leaving_a_page_before_it_is_painted_gives_the_cursor_back(window):
    window.sidebar.setCurrentRow(KEYS.index("ownership"))
    assert QApplication.overrideCursor() is not None  # built; its data is not painted yet
    window.sidebar.setCurrentRow(0)
    assert QApplication.overrideCursor() is None


def test_a_page_read_before_it_is_shown_is_built_hidden(window):
    page = window.pages["lowcode"]
    assert set(window.pages.built) == {"overview", "lowcode"}
    assert window.stack.indexOf(page) == KEYS.index("lowcode") and not page.isVisible()
    assert window.stack.currentWidget() is window.overview


def test_opening_another_workspace_starts_again_from_the_overview(window, qtbot, tmp_path):
    window.sidebar.setCurrentRow(KEYS.index("export"))
    other = write_demo(tmp_path / "other.ninety", FEATURES, TODAY)
    with qtbot.waitSignal(window.pageReady, timeout=10000, check_params_cb=lambda key: key == "overview"):
        assert window.open_path(other)
    assert set(window.pages.built) == {"overview"}
    assert window.stack.count() == len(KEYS) and window.stack.currentWidget() is window.overview
    assert window.sidebar.currentRow() == 0
    window.sidebar.setCurrentRow(KEYS.index("export"))
    assert window.pages["export"].doc is window.doc


def test_the_window_without_a_workspace_says_so(qtbot, settings):
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    assert "No workspace open" in w.stack.currentWidget().text()
    with pytest.raises(KeyError):
        w.pages["overview"]
    w.sidebar.setCurrentRow(2)  # nothing to build: the placeholder stays
    assert w.stack.currentIndex() == 2 and not w.pages.built


# --------------------------------------------------------------------------- start-up

def test_when_painted_runs_after_the_frame_is_painted_and_then_files_can_be_opened(qtbot, settings):
    w = MainWindow(settings=settings, defer_models=True)
    qtbot.addWidget(w)
    assert not w.act_open.isEnabled() and not w.act_new_ws.isEnabled()  # until the models are loaded
    ran = []
    w.stack.currentWidget().painted.connect(lambda: ran.append("painted"))
    w.when_painted(lambda: ran.append("then"), opening="demo.ninety")
    assert w.stack.currentWidget().text() == "Opening demo.ninety…"
    assert QApplication.overrideCursor() is not None
    w.show()
    qtbot.waitUntil(lambda: "then" in ran, timeout=5000)
    assert ran.index("then") > ran.index("painted")
    assert w.act_open.isEnabled() and w.act_new_ws.isEnabled()
    # nothing was opened (then() opened nothing): the window says so and the cursor is back
    assert "No workspace open" in w.stack.currentWidget().text()
    assert QApplication.overrideCursor() is None


#: the start of a script run in a fresh process: the app, and which heavy modules are loaded
SCRIPT_HEAD = r"""
import sys
from pathlib import Path
from desktop.app import make_app
from desktop.main_window import MainWindow

HEAVY = ("sqlalchemy", "alembic", "matplotlib", "openpyxl", "numpy")
app = make_app()

def heavy():
    return sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in HEAVY})
"""

FRAME_FIRST = SCRIPT_HEAD + r"""
loaded = {}

window = MainWindow(defer_models=True)
window.stack.currentWidget().painted.connect(lambda: loaded.setdefault("frame painted", heavy()))
window.show()
window.when_painted(lambda: window.open_path(Path(sys.argv[1]), read_only=True, ask=False), opening="demo")

def ready(key):
    loaded["overview painted"] = heavy()
    loaded["qt backend"] = "matplotlib.backends.backend_qtagg" in sys.modules
    loaded["built"] = sorted(window.pages.built)
    app.quit()

window.pageReady.connect(ready)
app.exec()
print(loaded)
"""


def test_the_frame_is_painted_before_the_models_are_loaded(demo_file):
    loaded = eval(python(FRAME_FIRST, str(demo_file)))  # noqa: S307 - our own script's dict
    assert loaded["frame painted"] == []
    assert "sqlalchemy" in loaded["overview painted"] and "openpyxl" not in loaded["overview painted"]
    assert loaded["qt backend"] is False
    assert loaded["built"] == ["overview"]


def test_the_list_of_features_loads_the_models_only_when_read():
    out = python("import sys, desktop.features as f\n"
                 "print('sqlalchemy' in sys.modules, len(f.PAGES))\n"
                 "print([x.key for x in f.FEATURES], 'sqlalchemy' in sys.modules)\n")
    assert out.splitlines() == ["False 6", "['plan', 'audit', 'squad', 'ownership', 'lowcode'] True"]


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["summary", "--help"]])
def test_version_and_help_import_nothing_heavy(argv):
    out = python("import sys\nfrom desktop.cli import main\n"
                 f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
                 "heavy = ('sqlalchemy', 'alembic', 'PySide6', 'matplotlib', 'numpy', 'openpyxl', 'models', 'views')\n"
                 "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n")
    assert out.splitlines()[-1] == "LOADED []"


def test_check_waits_for_the_charts_when_asked(demo_file, tmp_path):
    env = {"QT_QPA_PLATFORM": "offscreen", "NINETY_DATA_DIR": str(tmp_path / "data"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "desktop.cli", "check", "--charts", str(demo_file)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Overview drawn" in proc.stdout and "17 milestones, charts drawn" in proc.stdout


# --------------------------------------------------------------------------- the glance

GLANCE_FIRST = SCRIPT_HEAD + r"""
seen = {}

window = MainWindow(defer_models=True)
window.show()
window.when_painted(lambda: window.open_path(Path(sys.argv[1]), read_only=False, ask=False),
                    opening="demo", glance=Path(sys.argv[1]))
glance = window.glance_page
seen["built before the first paint"] = window.stack.currentWidget() is glance

def glance_painted():
    seen["glance"] = (heavy(), glance.plan_title.text(), glance.model.rowCount(), glance.day_label.text(),
                      glance.add_button.isEnabled())
    seen["frame"] = (window.plan_picker.currentText(), window.plan_picker.isEnabled(), window.sidebar.currentRow())

def ready(key):
    page = window.overview
    seen["live"] = (heavy(), page.plan_title.text(), page.model.rowCount(), page.day_label.text(),
                    page.add_button.isEnabled(), window.glance_page is None, window.stack.currentWidget() is page)
    seen["live frame"] = (window.plan_picker.currentText(), window.plan_picker.isEnabled(), window.sidebar.currentRow())
    app.quit()

window.glancePainted.connect(glance_painted)
window.pageReady.connect(ready)
app.exec()
print(seen)
"""


def test_the_plan_is_painted_from_a_glance_before_the_models_load(demo_file):
    seen = eval(python(GLANCE_FIRST, str(demo_file)))  # noqa: S307 - our own script's dict
    assert seen["built before the first paint"] is True
    heavy, title, rows, day, editable = seen["glance"]
    assert heavy == [] and rows == 17 and title == "Digital Flagship 90-day transformation"
    assert day and editable is False  # read-only until the workspace is open
    live_heavy, live_title, live_rows, live_day, live_editable, dropped, current = seen["live"]
    assert "sqlalchemy" in live_heavy
    assert (live_title, live_rows, live_day) == (title, rows, day)  # the same plan, the same day
    assert live_editable and dropped and current
    assert seen["frame"] == (title, False, 0)  # the plan named, not yet pickable; the Overview marked
    assert seen["live frame"] == (title, True, 0)


def test_a_glance_whose_workspace_does_not_open_gives_way_to_the_placeholder(qtbot, settings, demo_file):
    w = MainWindow(today=lambda: TODAY, settings=settings, defer_models=True)
    qtbot.addWidget(w)
    w.when_painted(lambda: None, opening=demo_file.name, glance=demo_file)  # then() opens nothing
    page = w.glance_page
    assert w.stack.currentWidget() is page and page.model.rowCount() == 17
    assert not page.add_button.isEnabled() and not page.delete_button.isEnabled()
    w.show()
    qtbot.waitUntil(lambda: w.glance_page is None, timeout=5000)
    assert "No workspace open" in w.stack.currentWidget().text()
    assert w.stack.count() == len(KEYS)
    assert QApplication.overrideCursor() is None


def test_no_glance_of_a_file_that_gives_none(qtbot, settings, tmp_path):
    odd = tmp_path / "odd.ninety"
    odd.write_bytes(b"not a database")
    w = MainWindow(today=lambda: TODAY, settings=settings, defer_models=True)
    qtbot.addWidget(w)
    ran = []
    w.when_painted(lambda: ran.append("then"), opening=odd.name, glance=odd)
    assert w.glance_page is None and w.stack.currentWidget().text() == "Opening odd.ninety…"
    w.show()  # the frame, then the normal way (which opens nothing here)
    qtbot.waitUntil(lambda: ran == ["then"], timeout=5000)
    assert "No workspace open" in w.stack.currentWidget().text()
    assert odd.read_bytes() == b"not a database"


@pytest.mark.parametrize("ready", [False, True])
def test_check_says_whether_it_saw_the_glance_or_the_open_workspace(demo_file, tmp_path, ready):
    env = {"QT_QPA_PLATFORM": "offscreen", "NINETY_DATA_DIR": str(tmp_path / "data"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    argv = ["check", "--ready", str(demo_file)] if ready else ["check", str(demo_file)]
    proc = subprocess.run([sys.executable, "-m", "desktop.cli", *argv],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "17 milestones" in proc.stdout
    assert ("from a glance of the file" in proc.stdout) is (not ready)
