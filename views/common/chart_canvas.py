"""The one chart widget every chart in Ninety uses: figures drawn off the GUI thread.

A chart is given a *draw function*, ``draw(fig)``, that builds a matplotlib
``Figure`` from plain data. The widget runs it on its own drawing thread with
matplotlib's Agg canvas (no pyplot, no Qt backend there), turns the pixels into
a ``QImage`` and paints that image when it arrives, so a slow figure never
freezes the window (ENGINEERING.md: "matplotlib can draw a Figure with
FigureCanvasAgg in a worker thread"). matplotlib is imported on that thread the
first time a chart is drawn, not at start-up.

- A chart that is hidden is only marked stale; it draws when it is shown.
- Only the newest draw shows: a result that a later ``plot`` superseded is dropped.
- Figures follow the desktop's light or dark scheme (``chart_style``; draw functions
  take colours by role with ``ink``) and draw again when it changes.
- Drawing starts 80 ms after the last ``plot`` (150 ms after a resize), when the
  GUI thread has finished the refresh that asked for it; the previous image (stretched
  after a resize) or the placeholder shows meanwhile.
- ``drawn`` is emitted each time an image with data is on screen; ``figure`` is
  the figure behind it (for tests and for tooltips that map points).
"""
from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QRect, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from views.common.palette import hex_of, is_dark

#: a draw function: builds the figure it is given (called on the drawing thread)
Draw = Callable[[Any], None]

#: the screen's logical dots per inch that figures are laid out at
DPI = 96.0


def mpl_text(text: str) -> str:
    """User text for matplotlib: a pair of '$' would otherwise be read as mathtext."""
    return text.replace("$", r"\$")


def ink(artist, role: str) -> str:
    """The colour of *role* (``views.common.palette``) for the figure *artist* belongs to:
    draw functions call ``ink(ax, "grid")`` instead of naming a hex colour."""
    fig = getattr(artist, "figure", None) or artist
    return hex_of(role, getattr(fig, "ninety_dark", False))


def chart_style(dark: bool) -> dict[str, Any]:
    """matplotlib settings for a figure in the light or the dark scheme."""
    def c(role: str) -> str:
        return hex_of(role, dark)
    return {
        "figure.facecolor": c("surface"), "axes.facecolor": c("surface"), "savefig.facecolor": c("surface"),
        "text.color": c("text"), "axes.labelcolor": c("text"), "axes.edgecolor": c("muted"),
        "xtick.color": c("muted"), "ytick.color": c("muted"),
        "xtick.labelcolor": c("text"), "ytick.labelcolor": c("text"),
        "grid.color": c("grid"), "legend.labelcolor": c("text"),
        "legend.facecolor": c("surface"), "legend.edgecolor": c("grid"),
    }


def render(draw: Draw, width: int, height: int, ratio: float = 1.0, dark: bool = False) -> tuple[QImage, Any]:
    """Draw *draw* into a new figure of ``width`` x ``height`` logical pixels, in the light
    or dark scheme, and return the image and the figure. Safe on any thread: it touches
    no widget (the chart thread is the only one that uses matplotlib)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = DPI * ratio
    with matplotlib.rc_context(chart_style(dark)):
        fig = Figure(figsize=(max(width, 50) / DPI, max(height, 50) / DPI), dpi=dpi, layout="constrained")
        fig.ninety_dark = dark
        canvas = FigureCanvasAgg(fig)
        draw(fig)
        canvas.draw()
    w, h = canvas.get_width_height(physical=True)
    image = QImage(bytes(canvas.buffer_rgba()), w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
    image.setDevicePixelRatio(ratio)
    return image, fig


class _Signals(QObject):
    done = Signal(int, object, object)
    failed = Signal(int, str)


class _Render(QRunnable):
    def __init__(self, generation: int, draw: Draw, size: QSize, ratio: float, dark: bool, signals: _Signals):
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see desktop/tasks.py)
        self.generation, self.draw, self.size, self.ratio, self.dark = generation, draw, size, ratio, dark
        self.signals = signals
        self.finished = False

    def run(self) -> None:
        try:
            image, fig = render(self.draw, self.size.width(), self.size.height(), self.ratio, self.dark)
        except Exception as exc:  # a chart that cannot draw says so in place of the chart
            traceback.print_exc()
            self.signals.failed.emit(self.generation, str(exc) or exc.__class__.__name__)
        else:
            self.signals.done.emit(self.generation, image, fig)
        finally:
            self.finished = True


_POOL: QThreadPool | None = None
_ALIVE: list[_Render] = []
_LOCK = threading.Lock()


def drawing_pool() -> QThreadPool:
    """The one drawing thread: matplotlib's global state (fonts, rcParams) is not
    made for two figures drawing at once, so charts draw one after another."""
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(1)
    return _POOL


def _start(job: _Render) -> None:
    with _LOCK:
        _ALIVE[:] = [j for j in _ALIVE if not j.finished]
        _ALIVE.append(job)
    drawing_pool().start(job)


def wait_for_drawing(msecs: int = 10000) -> bool:
    """Wait until every chart started so far has been drawn (tests, shutdown)."""
    return drawing_pool().waitForDone(msecs)


class LazyChartCanvas(QWidget):
    #: emitted when an image drawn with data is on screen
    drawn = Signal()
    #: how long a plot or resize waits before drawing starts (later ones in that time coalesce)
    SETTLE_MS = 80

    def __init__(self, parent=None, *, figsize: tuple[float, float] = (9, 4), min_height: int = 220,
                 placeholder: str = "Loading the chart…"):
        super().__init__(parent)
        self._hint = QSize(int(figsize[0] * DPI * 0.8), int(figsize[1] * DPI * 0.8))
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._message = placeholder
        self._image: QImage | None = None
        self._figure = None
        self._draw: Draw | None = None
        self._has_data = False
        self._generation = 0
        self._shown_generation = -1
        self._stale = False
        self._dark = False
        #: how many images have been drawn (each costs a figure on the drawing thread)
        self.draw_count = 0
        # A draw starts once the GUI thread has finished what made it (a page refresh and
        # its repaint): drawing holds the interpreter lock in slices, and a repaint that
        # calls into Python hundreds of times would wait for it at each call.
        self._render_timer = QTimer(self, singleShot=True, interval=self.SETTLE_MS)
        self._render_timer.timeout.connect(self._start_render)

    # ----------------------------------------------------------------- API
    @property
    def figure(self):
        """The figure behind the image on screen (None before the first)."""
        return self._figure

    @property
    def drawn_with_data(self) -> bool:
        return self._has_data and self._shown_generation == self._generation

    @property
    def busy(self) -> bool:
        """A draw is under way or waiting for the chart to be shown."""
        return self._stale or self._shown_generation != self._generation

    def plot(self, draw: Draw | None, *, has_data: bool = True) -> None:
        """Show what *draw* builds; None clears the chart. Drawn now if visible, else when shown."""
        self._draw = draw
        self._has_data = has_data and draw is not None
        self._generation += 1
        if draw is None:
            self._image, self._figure = None, None
            self._shown_generation = self._generation
            self._stale = False
            self.update()
            return
        self._stale = True
        if self.isVisible():
            self._render_timer.start()

    def sizeHint(self) -> QSize:
        return self._hint

    # ----------------------------------------------------------------- drawing
    def _start_render(self) -> None:
        if self._draw is None or not self.isVisible():
            return
        self._stale = False
        size, dark = self.size(), is_dark()
        if self._image is not None and self._shown_generation == self._generation \
                and self._image.deviceIndependentSize().toSize() == size and self._dark == dark:
            return  # already drawn at this size, in this scheme
        self._dark = dark
        # a signals object per job, owned by the job: a chart closed meanwhile is simply
        # no longer connected when the image arrives
        signals = _Signals()
        signals.done.connect(self._on_image, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        _start(_Render(self._generation, self._draw, size, self.devicePixelRatioF(), dark, signals))

    @Slot(int, object, object)
    def _on_image(self, generation: int, image: QImage, fig) -> None:
        if generation != self._generation:
            return  # a newer plot() is on its way
        self._image, self._figure = image, fig
        self._shown_generation = generation
        self.draw_count += 1
        self.update()
        if self._has_data:
            self.drawn.emit()

    @Slot(int, str)
    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._image, self._figure = None, None
        self._shown_generation = generation
        self._message = f"The chart could not be drawn: {message}"
        self.update()

    # ----------------------------------------------------------------- Qt events
    def showEvent(self, event) -> None:
        super().showEvent(event)
        # also after a resize while hidden: _start_render skips a draw at the same size and scheme
        if self._draw is not None:
            self._render_timer.start()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # the desktop switched between light and dark: draw again in the new scheme
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) \
                and self._draw is not None and self.isVisible() and is_dark() != self._dark:
            self._render_timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._draw is not None and self.isVisible():
            self._render_timer.start(max(self.SETTLE_MS, 150))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        rect = self.rect()
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(rect, self._image)
            return
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QRect(rect), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         self._message)
