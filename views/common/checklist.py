"""A step's checklist: items ticked from the data, never by hand."""
from __future__ import annotations

import html
from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from models.core.feature import ChecklistItem


class ChecklistWidget(QFrame):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("checklist")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QVBoxLayout(self)
        self._title = QLabel(f"<b>{title}</b>")
        self._layout.addWidget(self._title)
        self._labels: list[QLabel] = []
        self.items: list[ChecklistItem] = []

    def set_items(self, items: Sequence[ChecklistItem]) -> None:
        for label in self._labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self._labels = []
        self.items = list(items)
        for item in items:
            mark = "✔" if item.done else "○"
            colour = "#2e7d32" if item.done else "#8d6e00"
            # labels and hints may quote user data (status names, people): escape them
            text = f"<span style='color:{colour}'>{mark}</span> {html.escape(item.label)}"
            if not item.done and item.hint:
                text += (f"<br><span style='color:#666; font-size:small'>&nbsp;&nbsp;&nbsp;"
                         f"{html.escape(item.hint)}</span>")
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            self._layout.addWidget(label)
            self._labels.append(label)

