"""A step's checklist: items ticked from the data, never by hand.

The checklist keeps one height whatever it holds: its items scroll inside it, so the
page under it (buttons, tables) never moves when an item is ticked or a hint appears.
Marks and hints are coloured by role and follow the light or dark scheme.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from models.core.feature import ChecklistItem
from views.common.style import tone
from views.common.widgets import panel, plain_label, title_label

#: the checklist's height unless the page asks for another
HEIGHT = 150
DONE_MARK, OPEN_MARK = "✔", "○"


class ChecklistItemRow(QWidget):
    """One item: its mark, its label and, while it is open, the hint under it."""

    def __init__(self, item: ChecklistItem, parent=None):
        super().__init__(parent)
        self.item = item
        self.mark = QLabel(DONE_MARK if item.done else OPEN_MARK)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop)
        tone(self.mark, "ok" if item.done else "warning")
        # labels and hints may quote user data (status names, people): plain text only
        self.label = plain_label(item.label)
        self.hint = plain_label(item.hint if not item.done and item.hint else "", name="hint")
        self.hint.setVisible(bool(self.hint.text()))
        font = self.hint.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        self.hint.setFont(font)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(0)
        text.addWidget(self.label)
        text.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(5)
        row.addWidget(self.mark)
        row.addLayout(text, 1)


class ChecklistWidget(QFrame):
    def __init__(self, title: str, parent=None, *, height: int = HEIGHT):
        super().__init__(parent)
        panel(self, "checklist")
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        layout.setSpacing(3)
        self.title = title
        self._title = title_label(title)
        layout.addWidget(self._title)
        self._box = QWidget()
        self._box.setObjectName("checklistItems")
        self._rows_layout = QVBoxLayout(self._box)
        self._rows_layout.setContentsMargins(0, 0, 4, 0)
        self._rows_layout.setSpacing(3)
        self._rows_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._box)
        self.scroll.viewport().setAutoFillBackground(False)
        self._box.setAutoFillBackground(False)
        layout.addWidget(self.scroll, 1)
        self.rows: list[ChecklistItemRow] = []
        self.items: list[ChecklistItem] = []

    def set_items(self, items: Sequence[ChecklistItem]) -> None:
        if list(items) == self.items and self.rows:
            return  # nothing changed: keep the scroll position
        for row in self.rows:
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        self.items = list(items)
        self.rows = []
        # open items first: what is left to do is what the leader looks for
        for item in sorted(self.items, key=lambda i: i.done):
            row = ChecklistItemRow(item)
            self._rows_layout.insertWidget(self._rows_layout.count() - 1, row)
            self.rows.append(row)
        done = sum(i.done for i in self.items)
        self._title.setText(f"{self.title} · {done} of {len(self.items)} done" if self.items else self.title)

    def texts(self) -> list[str]:
        """Each item's text as shown, with its mark (for tests and tooltips)."""
        return [f"{row.mark.text()} {row.label.text()}" for row in self.rows]
