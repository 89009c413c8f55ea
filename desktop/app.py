"""Start the GUI: application object, crash reporting, the first workspace."""
from __future__ import annotations

import faulthandler
import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.paths import APP_NAME, DEMO_FILE, ORG_DOMAIN, ORG_NAME, data_dir, resource_path
from models.core.files import is_server_url

log = logging.getLogger("ninety")
_fault_log = None


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        # Charts draw and logs are analysed on worker threads. Each call from Qt into
        # Python on the GUI thread (a model's data(), a paint) must take the interpreter
        # lock from them; 1 ms slices instead of 5 keep a repaint from waiting tens of ms.
        sys.setswitchinterval(0.001)
        QApplication.setOrganizationName(ORG_NAME)
        QApplication.setOrganizationDomain(ORG_DOMAIN)
        QApplication.setApplicationName(APP_NAME)
        QApplication.setDesktopFileName("app.ninety.Ninety")
        app = QApplication(argv or [sys.argv[0]])
        app.setWindowIcon(QIcon(str(resource_path("icons", "ninety.svg"))))
        style = resource_path("style.qss")
        from views.common.style import follow_scheme

        # the style sheet of the desktop's light or dark scheme, switched when it changes
        follow_scheme(app, style.read_text(encoding="utf-8") if style.exists() else "")
    return app


def quiet_loggers() -> None:
    """Alembic logs every plug-in it loads at INFO: only its warnings belong in the user's log."""
    logging.getLogger("alembic").setLevel(logging.WARNING)


def install_crash_handlers() -> Path:
    """Log uncaught exceptions (and show them), and native crashes via faulthandler."""
    global _fault_log
    folder = data_dir()
    log_path = folder / "ninety.log"
    logging.basicConfig(filename=log_path, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_loggers()
    _fault_log = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115 - kept open for faulthandler
    faulthandler.enable(_fault_log)

    def excepthook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", text)
        sys.__stderr__.write(text)
        if QApplication.instance() is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                              f"Something went wrong: {exc}\n\nYour data is safe: every change was already "
                              f"saved. Details are in {log_path}.")
            box.setDetailedText(text)
            box.exec()

    sys.excepthook = excepthook
    return log_path


def _first_path(path: str | None, demo: bool, window) -> Path:
    """The workspace to open: *path*, else the most recent one that still exists, else the
    demo in the data folder (which ``default_workspace`` creates on first use)."""
    if path:
        return Path(path)
    if not demo:
        for recent in window.recent_files():
            if Path(recent).exists():
                return Path(recent)
    return data_dir() / DEMO_FILE


def run_gui(path: str | None = None, *, read_only: bool = False, demo: bool = False) -> int:
    """Show the window's frame at once, then load the models and open the workspace once it
    is on screen: the Overview's header and milestone table come next, its charts after."""
    app = make_app()
    install_crash_handlers()
    from desktop.main_window import MainWindow, default_workspace

    window = MainWindow(defer_models=True)
    window.show()
    target = _first_path(path, demo, window)

    def start() -> None:
        if path and is_server_url(path):  # a team workspace on a server (models/core/server.py)
            window.open_path(path, read_only=read_only)
            return
        if path is None and not target.exists():
            default_workspace(target.parent)
        if target.exists():
            window.open_path(target, read_only=read_only)
        else:
            QMessageBox.critical(window, APP_NAME, f"{target}: no such file")

    window.when_painted(start, opening=target.name, glance=None if path and is_server_url(path) else target)
    return app.exec()


def run_check(path: str, timeout_s: float = 60.0, *, charts: bool = False, ready: bool = False,
              glance=None) -> int:
    """Open the main window on *path* as ``ninety gui`` does, wait until the Overview has
    been painted with its data (plan header and milestone table: at start-up from a glance
    of the file, ``models.plan.glance``) and, with *ready*, until the workspace is open and
    its own Overview painted; with *charts*, until its charts are drawn too; then exit.
    *glance*: the file's glance, read already (``ninety check`` reads it to vet the file).

    0 when it did; 1 with the reason on stderr when it did not.
    """
    app = make_app()
    from desktop.main_window import MainWindow

    result = {"code": 1, "why": f"the Overview did not draw within {timeout_s:g} s"}
    window = MainWindow(defer_models=True)
    waiting = {"overview"} | ({"charts"} if charts else set())

    def on_error(message: str) -> None:
        result["why"] = message
        app.exit(1)

    def excepthook(exc_type, exc, tb):  # an exception while drawing fails the check at once
        traceback.print_exception(exc_type, exc, tb)
        on_error(f"{exc_type.__name__}: {exc}")

    sys.excepthook = excepthook

    def arrived(what: str) -> None:
        waiting.discard(what)
        if waiting or result["code"] == 0:
            return
        page = window.glance_page if window.doc is None else window.overview
        plan = page.glance.plan if window.doc is None else window.doc.plan()
        rows = page.model.rowCount()
        result["code"] = 0
        result["why"] = (f"Overview drawn: plan {plan.name!r}, {rows} milestones"
                         + (" (from a glance of the file)" if window.doc is None else "")
                         + (", charts drawn" if charts else ""))
        app.exit(0)

    def opened() -> None:
        if window.doc.plan() is None:
            on_error(f"{path}: the workspace holds no plan")
            return
        if charts:
            window.overview.ready.connect(lambda: arrived("charts"))

    window.workspaceOpened.connect(opened)
    window.pageReady.connect(lambda key: key == "overview" and arrived("overview"))
    if not ready:  # what the user sees first: the plan, from a glance of the file
        window.glancePainted.connect(lambda: arrived("overview"))
    window.show()

    def start() -> None:
        if not window.open_path(path if is_server_url(path) else Path(path), read_only=True, ask=False):
            on_error(f"{path}: could not be opened")

    # A failed open shows a modal box; in check mode report it instead.
    QMessageBox.critical = staticmethod(lambda _p, _t, text, *a, **k: on_error(text))  # type: ignore[assignment]
    window.when_painted(start, glance=glance)
    QTimer.singleShot(int(timeout_s * 1000), lambda: app.exit(1))
    app.exec()
    window.close()
    stream = sys.stdout if result["code"] == 0 else sys.stderr
    print(("ok: " if result["code"] == 0 else "ninety check: ") + result["why"], file=stream)
    return result["code"]
