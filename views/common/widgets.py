"""Small widgets the step pages share: plain-text labels and headline figure cards."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

NEUTRAL = "#37474f"


def plain_label(text: str = "", *, wrap: bool = True, name: str | None = None) -> QLabel:
    """A label that shows text exactly as typed (never as rich text)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    return label


class FigureCard(QFrame):
    """One headline figure: a big value over a caption (styled by resources/style.qss)."""

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.value = plain_label("–", wrap=False, name="cardValue")
        self.caption = plain_label(caption, wrap=False, name="cardCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str | None = None, colour: str = NEUTRAL, tip: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color:{colour};")
        if caption is not None:
            self.caption.setText(caption)
        self.setToolTip(tip)
