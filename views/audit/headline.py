"""The Audit page's headline: three figures and the handoff to attack first, in one row
that keeps its height whatever the figures say.

Each panel has the surface colour of the scheme with a thin border (``views.common.widgets.panel``);
captions wrap in the width they are given and never widen the window; the proposal's text
scrolls inside its panel when it is longer than the row, so the tabs under the row do not
move when a figure or a proposal changes.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from views.common.widgets import panel, plain_label

#: lines of caption a figure shows under its value (the silo tax's money line included)
CAPTION_LINES = 4
MARGINS = (10, 6, 10, 6)


def _caption(text: str = "", *, name: str | None = "muted"):
    label = plain_label(text, name=name)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(60)
    return label


class Panel(QFrame):
    """A panel under a muted title."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        panel(self, "auditPanel")
        self.title = plain_label(title, wrap=False, name="muted")


class Figure(Panel):
    """A headline number with a caption."""

    def __init__(self, title: str, parent=None):
        super().__init__(title, parent)
        self.value = plain_label("–", wrap=False)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = _caption()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.caption, 1, Qt.AlignmentFlag.AlignTop)

    def set(self, value: str, caption: str) -> None:
        self.value.setText(value)
        self.caption.setText(caption)

    def row_height(self) -> int:
        """The height that shows the title, the value and ``CAPTION_LINES`` lines of caption."""
        line = self.caption.fontMetrics().lineSpacing()
        spacing = self.layout().spacing()
        return (MARGINS[1] + MARGINS[3] + 2 * self.frameWidth() + self.title.sizeHint().height()
                + self.value.sizeHint().height() + CAPTION_LINES * line + 3 * spacing)


class AttackBox(Panel):
    """The handoff proposed (or chosen) as the bottleneck, and the button that picks it."""

    def __init__(self, parent=None):
        super().__init__("Attack first", parent)
        self.label = _caption(name=None)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.viewport().setAutoFillBackground(False)
        self.label.setAutoFillBackground(False)
        self.button = QPushButton("Attack this")
        self.button.setToolTip("Record this handoff as the bottleneck to attack and add a Step-1 milestone")
        grid = QGridLayout(self)
        grid.setContentsMargins(*MARGINS)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.scroll, 1, 0)
        grid.addWidget(self.button, 1, 1, Qt.AlignmentFlag.AlignBottom)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(1, 1)


def figures_row(figures: tuple[Figure, ...], attack: AttackBox) -> QWidget:
    """The figures (2 parts of the width each) and the proposal (4 parts), at one fixed height."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for f in figures:
        layout.addWidget(f, 2)
    layout.addWidget(attack, 4)
    row.setFixedHeight(max(f.row_height() for f in figures))
    return row
