"""The Overview's recent changes: who changed what in the plan, and when (local time).

Handed plain ``RecentChange`` records (``models.core.recent``) by the page's refresh; it
imports no SQLAlchemy, so the Overview can still be built before the models load.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from views.common.style import tone
from views.common.widgets import elided_label, panel, plain_label, title_label

if TYPE_CHECKING:
    from models.core.recent import RecentChange

TITLE = "Recent changes"
EMPTY_TEXT = "No changes recorded in this plan yet."


def change_line(change: RecentChange) -> str:
    """"14:05 Priya Shah — milestone 'Launch squad'"."""
    from models.core.versioning import local_time  # SQLAlchemy is loaded once there are changes to show

    return f"{local_time(change.when)} {change.who} — {change.subject}"


class RecentChangesWidget(QFrame):
    """A titled panel of one line per recent change, newest first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        panel(self, "recentChanges")
        self.title = title_label(TITLE)  # as the checklist's title above it
        self.empty_label = plain_label(EMPTY_TEXT, name="emptyState")
        tone(self.empty_label, "muted")  # inside the panel, whose labels take the text role
        self._rows = QVBoxLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._rows)
        layout.addStretch(1)
        self._lines: list[QLabel] = []

    def set_changes(self, changes: Sequence[RecentChange]) -> None:
        for label in self._lines:
            self._rows.removeWidget(label)
            label.deleteLater()
        self._lines = []
        for change in changes:
            label = elided_label(change_line(change))  # a long title never widens the Overview
            self._rows.addWidget(label)
            self._lines.append(label)
        self.empty_label.setVisible(not changes)

    def lines(self) -> list[str]:
        """The lines shown, top first."""
        return [label.text() for label in self._lines]
