"""Redraw a page only when it is visible and concerned by a change.

Each page hands ``ScopedRefresh`` the feature keys it shows and its ``refresh``.
A change that does not concern it is ignored; one that does redraws it on the
next turn of the event loop if it is visible (several changes in one turn make
one redraw), or marks it stale if it is hidden: it redraws when next shown.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from models.core.changes import Change

if TYPE_CHECKING:
    from views.common.document import WorkspaceDocument


class ScopedRefresh(QObject):
    def __init__(self, page: QWidget, doc: WorkspaceDocument, concerns: Iterable[str],
                 refresh: Callable[[], None]):
        super().__init__(page)
        self.page = page
        self.concerns = frozenset(concerns)
        self._refresh = refresh
        self.stale = True
        self.refreshes = 0  # how many redraws ran (tests and benchmarks read it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run)
        doc.changed.connect(self.on_change)
        doc.planChanged.connect(self.schedule)
        page.installEventFilter(self)

    def on_change(self, change: Change | None = None) -> None:
        if change is None or change.concerns(self.concerns):
            self.schedule()

    def schedule(self) -> None:
        self.stale = True
        if self.page.isVisible():
            self._timer.start(0)

    def refresh_now(self) -> None:
        """Redraw now, if visible (rather than on the next turn of the event loop)."""
        self._timer.stop()
        self.stale = True
        self._run()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.page and event.type() == QEvent.Type.Show and self.stale:
            self._timer.start(0)
        return False

    def _run(self) -> None:
        if not self.stale or not self.page.isVisible():
            return
        self.stale = False
        self.refreshes += 1
        self._refresh()
