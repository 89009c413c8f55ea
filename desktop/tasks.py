"""Slow work off the GUI thread: a QRunnable per task, a cancellable progress dialog.

The task function receives a ``Progress`` it may call from the worker thread;
results and errors come back to the GUI thread by queued signals.
"""
from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    pass


class Progress:
    """Handed to a task: report progress, and learn whether the user cancelled."""

    def __init__(self, signals: _Signals):
        self._signals = signals
        self._cancel = threading.Event()

    def report(self, done: int, total: int, message: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
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
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total else 0)
            if message:
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
        self.pool = QThreadPool(self)
        self._live: set[_Task] = set()
        #: runnables kept alive until their run() has returned (released at the next start or wait)
        self._runnables: list[_Runnable] = []

    def run(self, title: str, fn: Callable[[Progress], Any], *,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[str], None] | None = None,
            on_cancel: Callable[[], None] | None = None,
            show_dialog: bool = True) -> Progress:
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
        self._runnables = [r for r in self._runnables if not r.finished]
        runnable = _Runnable(fn, signals, progress)
        self._runnables.append(runnable)
        self.pool.start(runnable)
        return progress

    def wait(self, msecs: int = 30000) -> bool:
        done = self.pool.waitForDone(msecs)
        if done:
            self._runnables.clear()
        return done
