"""Slow work off the GUI thread: a QRunnable per task, a cancellable progress dialog.

The task function receives a ``Progress`` it may call from the worker thread;
results and errors come back to the GUI thread by queued signals.

Work that touches the workspace runs on the *database executor*: one worker
thread, so background reads and writes are serialised (as Anki's task manager
does for its collection) and no session or connection is shared between
threads. Work that does not touch it (reading a file to import, drawing a
chart) runs on a general pool with ``workspace=False``.
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    pass


class Progress:
    """Handed to a task: report progress, and learn whether the user cancelled."""

    #: at most one progress report per this many seconds reaches the GUI thread
    MIN_INTERVAL = 0.1

    def __init__(self, signals: _Signals):
        self._signals = signals
        self._cancel = threading.Event()
        self._last = 0.0
        self._last_message = ""

    def report(self, done: int, total: int, message: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        # Each report costs the GUI thread a wait for the interpreter lock: send few,
        # but always a new message and the final step.
        if now - self._last < self.MIN_INTERVAL and message == self._last_message and done < total:
            return
        self._last, self._last_message = now, message
        self._signals.progress.emit(int(done), int(total), message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


#: Every runnable stays referenced here until its run() has returned, whatever happens to
#: the runner or page that started it (Python owns them; see _Runnable).
_ALIVE: list[_Runnable] = []
_ALIVE_LOCK = threading.Lock()


def _keep(runnable: _Runnable) -> None:
    with _ALIVE_LOCK:
        _ALIVE[:] = [r for r in _ALIVE if not r.finished]
        _ALIVE.append(runnable)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress):
        super().__init__()
        # Python owns the runnable: with auto-delete the pool thread would destroy the
        # Python wrapper itself, taking the interpreter lock while Qt holds its own locks.
        self.setAutoDelete(False)
        self.finished = False
        self.fn = fn
        self.signals = signals
        self.progress = progress

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # reported to the user, logged with its traceback
            if self.progress.cancelled:  # the task's own "cancelled" exception (ExportCancelled, …)
                self.signals.cancelled.emit()
                return
            traceback.print_exc()
            self.signals.failed.emit(str(exc) or exc.__class__.__name__)
        else:
            if self.progress.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.done.emit(result)
        finally:
            self.finished = True


class _Task(QObject):
    """Lives in the GUI thread; the worker's signals reach its slots queued."""

    def __init__(self, runner: TaskRunner, signals: _Signals, dialog: QProgressDialog | None,
                 on_done, on_error, on_cancel):
        super().__init__(runner)
        self.runner, self.dialog = runner, dialog
        self.on_done, self.on_error, self.on_cancel = on_done, on_error, on_cancel
        queued = Qt.ConnectionType.QueuedConnection
        signals.progress.connect(self._progress, queued)
        signals.done.connect(self._done, queued)
        signals.failed.connect(self._failed, queued)
        signals.cancelled.connect(self._cancelled, queued)
        self.signals = signals

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        # setValue() on a modal progress dialog processes events, so the task may
        # finish (and the dialog go) inside it: look the dialog up again each time.
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
        if self.dialog is not None:
            self.dialog.setValue(min(done, total) if total else 0)
        if message and self.dialog is not None:
            self.dialog.setLabelText(message)

    def _finish(self) -> None:
        if self.dialog is not None:
            # hide() rather than close(): closeEvent would emit canceled() again
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self.runner._live.discard(self)
        self.deleteLater()

    @Slot(object)
    def _done(self, result) -> None:
        self._finish()
        if self.on_done:
            self.on_done(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._finish()
        if self.on_error:
            self.on_error(message)

    @Slot()
    def _cancelled(self) -> None:
        self._finish()
        if self.on_cancel:
            self.on_cancel()


class TaskRunner(QObject):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        #: the database executor: every background read or write of the workspace, one at a time
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        #: work that does not touch the workspace
        self.free_pool = QThreadPool(self)
        self.free_pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self._live: set[_Task] = set()

    def run(self, title: str, fn: Callable[[Progress], Any], *,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[str], None] | None = None,
            on_cancel: Callable[[], None] | None = None,
            show_dialog: bool = True,
            workspace: bool = True) -> Progress:
        signals = _Signals()
        progress = Progress(signals)
        dialog = None
        if show_dialog:
            dialog = QProgressDialog(title, "Cancel", 0, 0, self.parent())
            dialog.setWindowTitle("Ninety")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(progress.cancel)
        task = _Task(self, signals, dialog, on_done, on_error, on_cancel)
        self._live.add(task)
        runnable = _Runnable(fn, signals, progress)
        _keep(runnable)
        (self.pool if workspace else self.free_pool).start(runnable)
        return progress

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for the database executor, the general pool and the chart thread."""
        from views.common.chart_canvas import wait_for_drawing

        return (self.pool.waitForDone(msecs) and self.free_pool.waitForDone(msecs)
                and wait_for_drawing(msecs))
