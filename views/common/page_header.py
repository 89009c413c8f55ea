"""The head of a step's page: the title and what sits under it (meta line, figure
cards, hints) on the left, the step's checklist at the top right."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLayout, QVBoxLayout, QWidget

from views.common.widgets import plain_label


def page_title(text: str):
    """The page's title label ("2 · Pilot one squad")."""
    return plain_label(text, wrap=False, name="pageTitle")


def card_grid(cards: Sequence[QWidget], per_row: int) -> QWidget:
    """Figure cards in rows of *per_row*, in one widget the page can hide."""
    grid = QGridLayout()
    grid.setSpacing(6)
    grid.setContentsMargins(0, 4, 0, 0)
    for i, card in enumerate(cards):
        grid.addWidget(card, i // per_row, i % per_row)
    box = QWidget()
    box.setLayout(grid)
    return box


def page_header(rows: Sequence[QWidget | QLayout], checklist: QWidget, checklist_width: int) -> QHBoxLayout:
    """*rows* stacked on the left (the title first), *checklist* at the top right, as wide
    as *checklist_width*."""
    checklist.setFixedWidth(checklist_width)
    left = QVBoxLayout()
    for row in rows:
        if isinstance(row, QLayout):
            left.addLayout(row)
        else:
            left.addWidget(row)
    left.addStretch(1)
    header = QHBoxLayout()
    header.addLayout(left, 1)
    header.addWidget(checklist, 0, Qt.AlignmentFlag.AlignTop)
    return header
