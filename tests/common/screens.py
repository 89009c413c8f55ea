"""What the screen tests share: a page shown at the size a 1024×700 window gives it, the
budget its minimum size must fit, a dark palette, and how to read the colours a widget paints."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

#: WCAG's contrast for normal text
READABLE = 4.5
#: what a page may ask for inside a 1024×700 window: the sidebar (170 px) and the menu,
#: tool and status bars (about 110 px) take the rest
PAGE_BUDGET = (1024 - 180, 700 - 120)


def fits(widget: QWidget) -> bool:
    hint = widget.minimumSizeHint()
    return hint.width() <= PAGE_BUDGET[0] and hint.height() <= PAGE_BUDGET[1]


def show_page(qtbot, make: Callable[[], QWidget]) -> QWidget:
    """The page *make* builds, shown at the size a 1024×700 window gives a page, refreshed."""
    page = make()
    qtbot.addWidget(page)
    page.resize(1024 - 180, 700 - 110)
    page.show()
    qtbot.waitExposed(page)
    refresh = getattr(page, "refresh", None)
    if refresh is not None:
        refresh()
    return page


def dark_palette() -> QPalette:
    p = QPalette()
    for role, c in ((QPalette.ColorRole.Window, "#202326"), (QPalette.ColorRole.WindowText, "#e8e8e8"),
                    (QPalette.ColorRole.Base, "#1b1e21"), (QPalette.ColorRole.AlternateBase, "#23272b"),
                    (QPalette.ColorRole.Text, "#e8e8e8"), (QPalette.ColorRole.Button, "#2c3136"),
                    (QPalette.ColorRole.ButtonText, "#e8e8e8")):
        p.setColor(role, QColor(c))
    return p


@contextmanager
def scheme(qapp, dark: bool) -> Iterator[None]:
    """Run the block under a dark palette (or the light one), then put the palette back."""
    before = QGuiApplication.palette()
    if dark:
        qapp.setPalette(dark_palette())
        qapp.processEvents()  # the palette reaches existing widgets through posted events
    try:
        yield
    finally:
        qapp.setPalette(before)
        qapp.processEvents()


def text_colour(label: QLabel) -> QColor:
    label.ensurePolished()
    return label.palette().color(label.foregroundRole())


def ground(widget: QWidget) -> QColor:
    """The colour the widget paints in its bottom-right corner (inside its border)."""
    image = widget.grab().toImage()
    return image.pixelColor(image.width() - 4, image.height() - 4)
