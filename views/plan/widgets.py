"""Layout pieces the plan's page and the steps' pages share."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

NO_PLAN = "This workspace holds no plan yet. Choose Plan ▸ New plan… to start one."


def no_plan_label() -> QLabel:
    label = QLabel(NO_PLAN)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def under_tools(tools: QLayout, body: QWidget) -> QWidget:
    """*body* under its row of tools (buttons, filters), with no margin around them."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(tools)
    layout.addWidget(body, 1)
    return box


def button(text: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
    """A push button that calls *slot* when clicked."""
    push = QPushButton(text)
    push.clicked.connect(lambda _checked=False: slot())
    if tip:
        push.setToolTip(tip)
    return push
