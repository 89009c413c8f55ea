"""Dialogs of the Audit page: edit the stage map, track a stall by hand, set the cost of delay."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QVBoxLayout,
)

from models.audit.analysis import KINDS, Stage
from models.audit.entities import STALL
from models.audit.forecast_store import clean_cost
from models.audit.money import CostOfDelay
from models.audit.store import LEFT_STATUS
from models.core.validation import PlanError
from views.audit.tables import StageDelegate, StageMapModel, StageRow, from_qdatetime, moment_editor
from views.common.field_editors import make_editor
from views.common.row_dialog import CheckedDialog, captions, ok_cancel, sentence
from views.common.style import tone
from views.common.widgets import plain_label


def error_label() -> QLabel:
    """Where the page or a dialog says what is wrong, in plain text, in the danger colour."""
    label = plain_label()
    tone(label, "danger")
    return label


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
        for col, c in enumerate(self.model.columns):
            self.table.setColumnWidth(col, c.width)
        intro = plain_label("Each workflow status belongs to a department and is active (someone works on it), "
                            "queue (it waits) or done (it left the flow). The order is the flow's order; it sets "
                            "the bands of the cumulative flow diagram.")
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
        self.problem = error_label()
        self.buttons = ok_cancel(self)
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


class AddStallDialog(QDialog):
    """Record that an item sat in a stage from one moment to another (or is still there)."""

    def __init__(self, stages: Sequence[str], now: datetime, tz: tzinfo | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Track a stall")
        self.setMinimumWidth(480)
        local = now.astimezone(tz).replace(second=0, microsecond=0)
        form = QFormLayout(self)
        form.addRow(plain_label("Where did an item wait, and for how long? Enter one line per stage the item sat "
                                "in; the figures come out as from an imported log. Times are in the plan's time "
                                "zone."))
        self.item = make_editor(STALL.field("item"))
        self.stage = QComboBox()
        self.stage.addItems(list(stages))
        self.entered = moment_editor(value=local - timedelta(days=1))
        self.left = moment_editor(value=local)
        self.still_there = QCheckBox("Still there")
        self.still_there.toggled.connect(lambda on: self.left.setEnabled(not on))
        self.note = make_editor(STALL.field("note"))
        left_row = QHBoxLayout()
        left_row.addWidget(self.left, 1)
        left_row.addWidget(self.still_there)
        item, stage, entered, left, note = captions(STALL.fields)
        form.addRow(item, self.item)
        form.addRow(stage, self.stage)
        form.addRow(entered, self.entered)
        left_label = QLabel(left)
        left_label.setBuddy(self.left)
        form.addRow(left_label, left_row)
        form.addRow(note, self.note)
        self.problem = error_label()
        form.addRow(self.problem)
        buttons = ok_cancel(self)
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


class CostOfDelayDialog(CheckedDialog):
    """The plan's cost of delay: what one item waiting one week costs, in a currency, and
    other amounts for some item types of the log. The silo tax is then shown in money."""

    #: ``result()`` after "Remove the cost of delay"
    REMOVE = 2

    def __init__(self, cost: CostOfDelay | None, types: Sequence[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Cost of delay")
        self.setMinimumWidth(520)
        self._types = list(types)
        intro = plain_label("What does it cost when one item waits one week? The silo tax in money adds up, for "
                            "every item, its days waiting between two departments × its cost per week ÷ 7.")
        self.currency = QLineEdit(cost.currency if cost else "EUR")
        self.currency.setMaxLength(8)
        self.currency.setPlaceholderText("EUR, USD, £…")
        self.per_week = money_box(cost.per_week if cost else 0.0)
        self.types = QTableWidget(0, 2)
        self.types.setHorizontalHeaderLabels(["Item type (from the log)", "Cost per week"])
        self.types.verticalHeader().setVisible(False)
        self.types.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.types.setColumnWidth(1, 150)
        self.types.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for name, amount in (cost.per_type if cost else ()):
            self.add_type(name, amount)
        self.add_type_button = QPushButton("Add item type")
        self.add_type_button.clicked.connect(lambda: self.add_type())
        self.remove_type_button = QPushButton("Remove")
        self.remove_type_button.clicked.connect(self.remove_type)
        type_tools = QHBoxLayout()
        type_tools.addWidget(plain_label("Item types that cost something else (the log's type column; others "
                                         "cost the amount above):", name="muted"), 1)
        type_tools.addWidget(self.add_type_button)
        type_tools.addWidget(self.remove_type_button)
        form = QFormLayout()
        form.addRow("&Currency", self.currency)
        form.addRow("Cost of one item waiting one &week", self.per_week)
        self.error = error_label()
        self.error.setVisible(False)
        buttons = ok_cancel(self)
        self.remove_button = None
        if cost is not None:
            self.remove_button = buttons.addButton("Remove the cost of delay", QDialogButtonBox.ButtonRole.DestructiveRole)
            self.remove_button.clicked.connect(lambda: self.done(self.REMOVE))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(type_tools)
        layout.addWidget(self.types, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add_type(self, name: str = "", amount: float | None = None) -> None:
        row = self.types.rowCount()
        self.types.insertRow(row)
        combo = QComboBox()
        combo.setEditable(True)
        used = {self.type_at(r).casefold() for r in range(row)}
        combo.addItems(self._types)
        if name:
            combo.setEditText(name)
        else:
            combo.setEditText(next((t for t in self._types if t.casefold() not in used), ""))
        self.types.setCellWidget(row, 0, combo)
        self.types.setCellWidget(row, 1, money_box(self.per_week.value() if amount is None else amount))
        self.types.setCurrentCell(row, 0)

    def remove_type(self) -> None:
        row = self.types.currentRow()
        if row >= 0:
            self.types.removeRow(row)

    def type_at(self, row: int) -> str:
        return self.types.cellWidget(row, 0).currentText().strip()

    def cost(self) -> CostOfDelay:
        """What the dialog holds, as typed (the service cleans and checks it)."""
        pairs = tuple((self.type_at(r), self.types.cellWidget(r, 1).value()) for r in range(self.types.rowCount()))
        return CostOfDelay(self.currency.text().strip(), self.per_week.value(), pairs)

    def problem_text(self) -> str | None:
        try:
            clean_cost(self.cost())
        except PlanError as exc:
            return sentence(str(exc))
        return None


def money_box(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 1e12)
    box.setDecimals(2)
    box.setGroupSeparatorShown(True)
    box.setValue(value)
    return box
