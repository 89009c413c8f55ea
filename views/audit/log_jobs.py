"""Background work, and the parts they share, for the Forecast, Ageing and What-if
tabs of the Audit page.

``PlanLogCache`` holds the plan's log as item histories (``models.audit.flowlog``),
loaded on the database executor once per log change (the Audit page's
``data_key``): the three tabs share it, so a new forecast, a new date or a
new scenario never reads the log again. ``LatestJob`` runs one tab's
computation at a time off the GUI thread: a request made while one runs waits,
replacing any earlier waiting request, and only the newest result is shown.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Sequence

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget

from models.audit.flowlog import FlowLog
from models.audit.forecast_store import PlanLog, plan_log
from models.core.workspace import Workspace
from models.plan.service import PlanInfo
from views.common.chart_canvas import LazyChartCanvas


@dataclass(frozen=True)
class LoadedLog:
    """The plan's stored log, its item histories as of its latest entry, and its item types."""

    plan_log: PlanLog
    flow: FlowLog
    #: the ``type`` values the log's rows carry, sorted (the cost-of-delay dialog offers them)
    types: tuple[str, ...]


class PlanLogCache:
    """One loaded log, by the Audit page's data key; thread-safe, so the worker that
    loads it and the GUI thread that asks whether it is there may both use it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._value: LoadedLog | None = None

    def has(self, key: Hashable) -> bool:
        with self._lock:
            return self._key == key and key is not None

    def cached(self, key: Hashable) -> LoadedLog | None:
        with self._lock:
            return self._value if self._key == key else None

    def load(self, ws: Workspace, plan_id: int, key: Hashable) -> LoadedLog | None:
        """The log for *key*: from the cache, or read now (a worker on the database
        executor). None when the plan has no audit data; ``AuditError`` for statuses
        missing from the stage map."""
        with self._lock:
            if self._key == key:
                return self._value
        log = plan_log(ws, plan_id)
        value = None
        if log is not None:
            types = sorted({t.type.strip() for t in log.transitions if t.type and t.type.strip()}, key=str.casefold)
            value = LoadedLog(log, log.flow(), tuple(types))
        with self._lock:
            self._key, self._value = key, value
        return value


class LatestJob(QObject):
    """One computation at a time for one view, newest wins.

    ``request(fn, on_done, on_error)`` runs ``fn()`` on the task runner (on the
    database executor when ``needs_db()`` says so when it starts, else on the
    general pool). Without a runner (a bare page in a test) it runs at once.
    """

    def __init__(self, tasks, title: str, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self.title = title
        self._generation = 0
        self._running = False
        self._pending: tuple | None = None

    @property
    def busy(self) -> bool:
        return self._running or self._pending is not None

    def request(self, fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[str], None],
                needs_db: Callable[[], bool] = lambda: True) -> None:
        self._generation += 1
        job = (self._generation, fn, on_done, on_error, needs_db)
        if self.tasks is None:
            self._run_here(job)
        elif self._running:
            self._pending = job
        else:
            self._start(job)

    def cancel(self) -> None:
        """Drop the waiting request and the result of the running one."""
        self._generation += 1
        self._pending = None

    def _run_here(self, job: tuple) -> None:
        _generation, fn, on_done, on_error, _needs_db = job
        try:
            value = fn()
        except Exception as exc:  # shown in place of the figures, as a worker's error would be
            on_error(str(exc) or exc.__class__.__name__)
        else:
            on_done(value)

    def _start(self, job: tuple) -> None:
        generation, fn, on_done, on_error, needs_db = job
        self._running = True
        self.tasks.run(self.title, lambda _progress: fn(), show_dialog=False, workspace=needs_db(),
                       on_done=lambda value: self._finished(generation, on_done, value),
                       on_error=lambda message: self._finished(generation, on_error, message))

    def _finished(self, generation: int, callback: Callable[[Any], None], value: Any) -> None:
        if not shiboken6.isValid(self):
            return  # the view closed while its work ran
        self._running = False
        if self._pending is not None:
            job, self._pending = self._pending, None
            self._start(job)  # a newer request waited: its result is the one to show
            return
        if generation == self._generation:
            callback(value)


class LogTab(QWidget):
    """A tab that computes from the plan's log when it is visible and its source or
    inputs changed: a subclass gives ``work()`` (a function of the ``LoadedLog``,
    built on the GUI thread from its inputs, run in the background) and ``show_result``."""

    #: a result (or an error) has been shown
    computed = Signal()
    #: a sentence for the window's status bar once a result is shown ("Forecast ready: …")
    message = Signal(str)
    #: how long input changes settle before the figures are computed again
    SETTLE_MS = 250

    def __init__(self, cache: PlanLogCache, tasks, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.cache = cache
        self.job = LatestJob(tasks, title, self)
        self.ws: Workspace | None = None
        self.plan: PlanInfo | None = None
        self.key: Hashable = None
        self._stale = False
        self._settle = QTimer(self, singleShot=True, interval=self.SETTLE_MS)
        self._settle.timeout.connect(self.compute)
        #: how many results have been shown (tests wait for the next one)
        self.results = 0

    def set_source(self, ws: Workspace | None, plan: PlanInfo | None, key: Hashable) -> None:
        """The plan and its log's data key (None: no audit data); recomputes when they changed."""
        if (ws, plan, key) == (self.ws, self.plan, self.key):
            return
        new_plan = self.plan is None or plan is None or plan.id != self.plan.id
        self.ws, self.plan, self.key = ws, plan, key
        if new_plan:
            self.plan_changed()
        self.invalidate(0)

    def plan_changed(self) -> None:
        """Another plan is shown: forget inputs that belonged to the previous one."""

    def invalidate(self, delay: int | None = None) -> None:
        """The figures shown no longer match the source or the inputs: compute again
        (after *delay* ms, the settle time by default) when visible."""
        self._stale = True
        if self.isVisible():
            self._settle.start(self.SETTLE_MS if delay is None else delay)

    @property
    def busy(self) -> bool:
        return self._stale or self.job.busy

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._settle.start(0)

    def compute(self) -> None:
        if not self._stale or not self.isVisible():
            return
        self._stale = False
        if self.key is None or self.plan is None or self.ws is None:
            self.job.cancel()
            self._shown(None)
            return
        ws, plan_id, key, cache = self.ws, self.plan.id, self.key, self.cache
        work = self.work()
        self.set_busy(True)
        self.setCursor(Qt.CursorShape.BusyCursor)  # the tab computes; the window stays usable
        self.job.request(lambda: _run(work, cache.load(ws, plan_id, key)), self._shown, self._failed,
                         needs_db=lambda: not cache.has(key))

    def work(self) -> Callable[[LoadedLog], Any]:
        raise NotImplementedError

    def set_busy(self, busy: bool) -> None:
        """Say the figures are being computed (or no longer)."""

    def show_result(self, result: Any) -> None:
        """Show what ``work`` returned (None: the plan has no log)."""
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        raise NotImplementedError

    def done_message(self, result: Any) -> str:
        """What the status bar says once *result* is shown ("" for nothing)."""
        return ""

    def settled(self) -> None:
        """The tab shows what its source and inputs give."""
        self.results += 1
        self.computed.emit()

    def _shown(self, result: Any) -> None:
        self.set_busy(False)
        self.unsetCursor()
        self.show_result(result)
        self.settled()
        text = self.done_message(result) if result is not None else ""
        if text:
            self.message.emit(text)

    def _failed(self, message: str) -> None:
        self.set_busy(False)
        self.unsetCursor()
        self.show_error(message)
        self.settled()


def _run(work: Callable[[LoadedLog], Any], loaded: LoadedLog | None) -> Any:
    return None if loaded is None else work(loaded)


class ResultChart(LazyChartCanvas):
    """A tab's chart of one result: ``draw(fig, result)`` on the chart thread; None clears it."""

    def __init__(self, draw: Callable[[Any, Any], None], placeholder: str, figsize=(9, 4), parent=None):
        super().__init__(parent, figsize=figsize, min_height=0, placeholder=placeholder)
        self._draw_result = draw

    def set_result(self, result: Any) -> None:
        draw = self._draw_result
        self.plot(None if result is None else (lambda fig: draw(fig, result)))


def input_panel(parts: Sequence[QWidget | QLayout | int], min_width: int, max_width: int) -> QScrollArea:
    """A tab's column of inputs (widgets and layouts; a number is a stretch), scrolling
    when the window is too short for it."""
    inner = QWidget()
    column = QVBoxLayout(inner)
    column.setContentsMargins(4, 4, 8, 4)
    for part in parts:
        if isinstance(part, int):
            column.addStretch(part)
        elif isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    scroll = QScrollArea()
    scroll.setWidget(inner)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(min_width)
    scroll.setMaximumWidth(max_width)
    return scroll
