"""The one matplotlib canvas every chart in Ninety uses.

matplotlib's Qt backend costs about 0.7 s to import, so the canvas is created
(and matplotlib imported) the first time a chart has data to draw, not when the
page is built. ``drawn`` is emitted after each draw that showed data.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


def mpl_text(text: str) -> str:
    """User text for matplotlib: a pair of '$' would otherwise be read as mathtext."""
    return text.replace("$", r"\$")


class LazyChartCanvas(QWidget):
    #: Emitted after the figure has been drawn with data.
    drawn = Signal()

    def __init__(self, parent=None, *, figsize: tuple[float, float] = (9, 4), min_height: int = 220,
                 placeholder: str = "Loading the chart…"):
        super().__init__(parent)
        self._figsize = figsize
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel(placeholder)
        self._placeholder.setObjectName("muted")
        self._layout.addWidget(self._placeholder)
        self._canvas = None
        self._figure = None
        #: set by subclasses once the figure holds real data
        self.drawn_with_data = False
        self.setMinimumHeight(min_height)

    @property
    def figure(self):
        return self._figure

    def _ensure_canvas(self) -> None:
        if self._canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self._figure = Figure(figsize=self._figsize, layout="constrained")
        self._canvas = FigureCanvasQTAgg(self._figure)
        self._canvas.mpl_connect("draw_event", self._on_draw)
        self._layout.removeWidget(self._placeholder)
        self._placeholder.deleteLater()
        self._layout.addWidget(self._canvas)

    def _on_draw(self, _event) -> None:
        if self.drawn_with_data:
            self.drawn.emit()
