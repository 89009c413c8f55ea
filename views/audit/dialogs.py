"""Dialogs of the Audit page: edit the stage map, track a stall by hand."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, Sequence

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.audit.analysis import KINDS, Stage
from models.audit.store import LEFT_STATUS
from views.audit.tables import StageDelegate, StageMapModel, StageRow, from_qdatetime


class StageMapDialog(QDialog):
    """The plan's stage map as a table: rename, re-department, change the kind,
    add, remove and reorder statuses. OK hands back the new map (one undo step)."""

    def __init__(self, stages: Sequence[Stage], used: dict[str, int] | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Stage map")
        self.resize(720, 520)
        used = used or {}
        self._rows = [StageRow(s.status, s.department, s.kind, used.get(s.status)) for s in stages]
        self._original = [r.stage() for r in self._rows]
        self.model = StageMapModel(edit=self._edit, parent=self, show_count=bool(used), status_editable=True,
                                   count_title="Visits")
        self.model.set_rows(self._rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(StageDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, width in enumerate((220, 190, 170)):
            self.table.setColumnWidth(col, width)
        intro = QLabel("Each workflow status belongs to a department and is active (someone works on it), "
                       "queue (it waits) or done (it left the flow). The order is the flow's order; it sets "
                       "the bands of the cumulative flow diagram.")
        intro.setWordWrap(True)
        self.add_button = QPushButton("Add status")
        self.add_button.clicked.connect(self.add_status)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        tools = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            tools.addWidget(b)
        tools.addStretch(1)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b71c1c;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._check()

    # ----------------------------------------------------------------- editing the draft
    def _edit(self, row: int, key: str, value: Any) -> bool:
        self._rows[row] = replace(self._rows[row], **{key: value})
        self._reset(row)
        return True

    def _reset(self, select: int | None = None) -> None:
        self.model.set_rows(self._rows)
        if select is not None and 0 <= select < len(self._rows):
            self.table.selectRow(select)
        self._check()

    def selected_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def add_status(self) -> None:
        n = 1
        names = {r.status for r in self._rows}
        while f"New status {n}" in names:
            n += 1
        self._rows.append(StageRow(f"New status {n}", "", "queue"))
        self._reset(len(self._rows) - 1)
        self.table.setCurrentIndex(self.model.index(len(self._rows) - 1, 0))

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        del self._rows[row]
        self._reset(min(row, len(self._rows) - 1))

    def move_selected(self, step: int) -> None:
        row = self.selected_row()
        if row is None or not 0 <= row + step < len(self._rows):
            return
        self._rows[row], self._rows[row + step] = self._rows[row + step], self._rows[row]
        self._reset(row + step)
        self.table.setCurrentIndex(self.model.index(row + step, 0))

    # ----------------------------------------------------------------- checks
    def problem_text(self) -> str | None:
        seen = set()
        for r in self._rows:
            name = r.status.strip()
            if not name:
                return "Every status needs a name."
            if name == LEFT_STATUS:
                return f"{LEFT_STATUS} is reserved for stalls tracked by hand."
            if name in seen:
                return f"'{name}' appears twice."
            seen.add(name)
            if r.kind not in KINDS:
                return f"'{name}' has no kind."
            if r.kind != "done" and not r.department.strip():
                return f"'{name}' needs a department."
        return None

    def _check(self) -> None:
        problem = self.problem_text()
        kinds = {r.kind for r in self._rows}
        note = problem or ("" if {"active", "queue"} <= kinds or not self._rows else
                           "Note: the findings need at least one active and one queue status.")
        self.problem.setText(note)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def stages(self) -> list[Stage]:
        return [Stage(r.status.strip(), r.department.strip(), r.kind) for r in self._rows]

    def changed(self) -> bool:
        return self.stages() != self._original


def _qdatetime(dt: datetime) -> QDateTime:
    return QDateTime(QDate(dt.year, dt.month, dt.day), QTime(dt.hour, dt.minute))


class AddStallDialog(QDialog):
    """Record that an item sat in a stage from one moment to another (or is still there)."""

    def __init__(self, stages: Sequence[str], now: datetime, tz: tzinfo | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Track a stall")
        self.setMinimumWidth(480)
        local = now.astimezone(tz).replace(second=0, microsecond=0)
        form = QFormLayout(self)
        intro = QLabel("Where did an item wait, and for how long? Enter one line per stage the item sat in; "
                       "the figures come out as from an imported log. Times are in the plan's time zone.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.item = QLineEdit()
        self.item.setPlaceholderText("e.g. Spring sale landing page")
        self.stage = QComboBox()
        self.stage.addItems(list(stages))
        self.entered = QDateTimeEdit(_qdatetime(local - timedelta(days=1)))
        self.left = QDateTimeEdit(_qdatetime(local))
        for edit in (self.entered, self.left):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.still_there = QCheckBox("Still there")
        self.still_there.toggled.connect(lambda on: self.left.setEnabled(not on))
        self.note = QLineEdit()
        left_row = QHBoxLayout()
        left_row.addWidget(self.left, 1)
        left_row.addWidget(self.still_there)
        form.addRow("&Item", self.item)
        form.addRow("&Stage", self.stage)
        form.addRow("&Entered", self.entered)
        left_label = QLabel("&Left")
        left_label.setBuddy(self.left)
        form.addRow(left_label, left_row)
        form.addRow("&Note", self.note)
        self.problem = QLabel()
        self.problem.setStyleSheet("color:#b71c1c;")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        for signal in (self.item.textChanged, self.entered.dateTimeChanged, self.left.dateTimeChanged,
                       self.still_there.toggled):
            signal.connect(lambda *_a: self._check())
        self._check()

    def _check(self) -> None:
        problem = None
        if not self.item.text().strip():
            problem = ""
        elif not self.stage.currentText():
            problem = "The stage map has no active or queue status yet."
        elif not self.still_there.isChecked() and self.left.dateTime() < self.entered.dateTime():
            problem = "'Left' is before 'entered'."
        self.problem.setText(problem or "")
        self._ok.setEnabled(problem is None)

    def values(self) -> dict[str, Any]:
        return {
            "item": self.item.text().strip(),
            "stage": self.stage.currentText(),
            "entered": from_qdatetime(self.entered.dateTime()),
            "left": None if self.still_there.isChecked() else from_qdatetime(self.left.dateTime()),
            "note": self.note.text().strip(),
        }
