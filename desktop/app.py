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

from desktop.paths import APP_NAME, ORG_DOMAIN, ORG_NAME, data_dir, resource_path

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
        if style.exists():
            app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def install_crash_handlers() -> Path:
    """Log uncaught exceptions (and show them), and native crashes via faulthandler."""
    global _fault_log
    folder = data_dir()
    log_path = folder / "ninety.log"
    logging.basicConfig(filename=log_path, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    from desktop.main_window import default_workspace

    if path:
        return Path(path)
    if not demo:
        for recent in window.recent_files():
            if Path(recent).exists():
                return Path(recent)
    return default_workspace(data_dir())


def run_gui(path: str | None = None, *, read_only: bool = False, demo: bool = False) -> int:
    app = make_app()
    install_crash_handlers()
    from desktop.main_window import MainWindow

    window = MainWindow()
    window.show()
    target = _first_path(path, demo, window)
    if target.exists() or path is None:
        QTimer.singleShot(0, lambda: window.open_path(target, read_only=read_only))
    else:
        QMessageBox.critical(window, APP_NAME, f"{target}: no such file")
    return app.exec()


def run_check(path: str, timeout_s: float = 60.0) -> int:
    """Open the main window on *path*, wait until the Overview has drawn its data, exit.

    0 when it did; 1 with the reason on stderr when it did not.
    """
    app = make_app()
    from desktop.main_window import MainWindow

    result = {"code": 1, "why": f"the Overview did not draw within {timeout_s:g} s"}
    window = MainWindow()

    def on_error(message: str) -> None:
        result["why"] = message
        app.exit(1)

    def excepthook(exc_type, exc, tb):  # an exception while drawing fails the check at once
        traceback.print_exception(exc_type, exc, tb)
        on_error(f"{exc_type.__name__}: {exc}")

    sys.excepthook = excepthook

    def opened() -> None:
        overview = window.overview
        plan = window.doc.plan()
        if plan is None:
            on_error(f"{path}: the workspace holds no plan")
            return

        def ready() -> None:
            rows = overview.model.rowCount()
            result["code"] = 0
            result["why"] = f"Overview drawn: plan {plan.name!r}, {rows} milestones"
            app.exit(0)

        overview.ready.connect(ready)

    window.workspaceOpened.connect(opened)
    window.show()

    def start() -> None:
        if not window.open_path(Path(path), read_only=True, ask=False):
            on_error(f"{path}: could not be opened")

    # A failed open shows a modal box; in check mode report it instead.
    QMessageBox.critical = staticmethod(lambda _p, _t, text, *a, **k: on_error(text))  # type: ignore[assignment]
    QTimer.singleShot(0, start)
    QTimer.singleShot(int(timeout_s * 1000), lambda: app.exit(1))
    app.exec()
    window.close()
    stream = sys.stdout if result["code"] == 0 else sys.stderr
    print(("ok: " if result["code"] == 0 else "ninety check: ") + result["why"], file=stream)
    return result["code"]
