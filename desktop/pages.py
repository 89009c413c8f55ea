"""Pages built when first shown, and what the window shows until then.

The window starts with a placeholder in each page's place, so its frame can be on
screen before any model or view is imported. A page is built the first time it is
shown (or asked for): start-up builds the Overview alone. While a page is built and
first refreshed, its placeholder ("Loading Squad…") is painted at once and the
cursor is busy; ``FirstPaint`` says when the page is on screen with its data.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Callable, Iterator

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.features import PAGES

KEYS: tuple[str, ...] = tuple(page.key for page in PAGES)


def page_title(key: str) -> str:
    """The sidebar label without its step number ("1  Audit" -> "Audit")."""
    label = next(page.label for page in PAGES if page.key == key)
    return label.lstrip("0123456789 ") or label


class Placeholder(QLabel):
    """A page's place before it is built: one line of muted text, centred.

    ``painted`` is emitted after each paint, so the window knows when its frame is on
    screen and the slow work that follows no longer keeps it blank."""

    painted = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setObjectName("pagePlaceholder")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.painted.emit()


def page_ready(page: QWidget) -> bool:
    """Whether *page* shows its data: its first refresh has run (pages refresh through a
    ``views.common.refresh.ScopedRefresh`` named ``refresher``) and it is not still
    loading in the background (a page that does says so with a true ``loading``)."""
    refresher = getattr(page, "refresher", None)
    if refresher is not None and (refresher.refreshes == 0 or refresher.stale):
        return False
    return not getattr(page, "loading", False)


class FirstPaint(QObject):
    """Emits ``done`` once, after *page* has first been painted showing its data.

    A paint of the page (its children's repaints reach it too) once ``page_ready``
    holds means the data is on screen. Should the data not change anything visible,
    the page is asked to repaint once it is ready."""

    done = Signal()
    POLL_MS = 50

    def __init__(self, page: QWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.page = page
        self.finished = False
        page.installEventFilter(self)
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._nudge)
        self._poll.start()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.page and event.type() == QEvent.Type.Paint and not self.finished \
                and page_ready(self.page):
            self.finished = True
            QTimer.singleShot(0, self._finish)  # once this paint has reached the screen
        return False

    def _nudge(self) -> None:
        if not self.finished and self.page.isVisible() and page_ready(self.page):
            self.page.update()

    def _finish(self) -> None:
        self._poll.stop()
        self.page.removeEventFilter(self)
        self.done.emit()

    def cancel(self) -> None:
        self.finished = True
        self._poll.stop()
        self.page.removeEventFilter(self)


class BusyCursor:
    """The application's busy cursor, on while anything asked for it (idempotent per owner)."""

    def __init__(self) -> None:
        self._owners: set[str] = set()

    def on(self, owner: str) -> None:
        if owner in self._owners:
            return
        if not self._owners:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self._owners.add(owner)

    def off(self, owner: str) -> None:
        if owner not in self._owners:
            return
        self._owners.discard(owner)
        if not self._owners:
            QApplication.restoreOverrideCursor()

    def clear(self) -> None:
        for owner in list(self._owners):
            self.off(owner)

    @property
    def active(self) -> bool:
        return bool(self._owners)


class PageMap(Mapping):
    """The window's pages by key, in sidebar order. Reading a page builds it if it has not
    been built yet (``build(key)`` raises ``KeyError`` when no workspace is open)."""

    def __init__(self, build: Callable[[str], QWidget]):
        self._build = build
        #: the pages built so far
        self.built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        page = self.built.get(key)
        if page is not None:
            return page
        if key not in KEYS:
            raise KeyError(key)
        return self._build(key)

    def __contains__(self, key: object) -> bool:
        return key in KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(KEYS)

    def __len__(self) -> int:
        return len(KEYS)
