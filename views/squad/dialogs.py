"""Dialogs of the Squad page: the charter, a member / check-in / change, the verdict.

Dialogs collect values only; the page turns them into undo commands. The
charter dialog checks the metric with the same rule as the service before it
closes, so a typo does not throw away what the leader typed.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.plan.service import PlanError
from models.squad.service import (
    CHARTER_FIELDS,
    VERDICT_TEXT,
    AutonomyInfo,
    AutonomyItem,
    SquadInfo,
    check_metric,
)
from models.squad.entities import ROW_ENTITIES, VERDICTS
from views.common import rows
from views.common.row_dialog import CheckedDialog, error_label, ok_cancel
from views.plan.dialogs import date_edit, from_qdate

ID_ROLE = Qt.ItemDataRole.UserRole + 2


def _text_box(text: str = "", height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def _buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose mnemonic focuses *widget* (rows holding a layout get none otherwise)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


# --------------------------------------------------------------------------- charter

def _number_text(x: float | None) -> str:
    """Exactly the stored number (no rounding, no exponent for ordinary values), so an
    untouched field never reads back as a change."""
    if x is None:
        return ""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def _parse_number(text: str, label: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise PlanError(f"{label}: {text!r} is not a number") from None


class CharterDialog(CheckedDialog):
    """Name, problem, the one metric, the reporting line and the autonomy list."""

    def __init__(self, squad: SquadInfo, autonomy: Sequence[AutonomyInfo], default_baseline_date: date,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle("Edit charter")
        self.setMinimumWidth(620)
        self._squad = squad
        self._autonomy = tuple(autonomy)

        self.name = QLineEdit(squad.name)
        self.problem = _text_box(squad.problem, 80)
        self.problem.setPlaceholderText("The one high-value problem the squad owns")
        self.metric_name = QLineEdit(squad.metric_name)
        self.metric_name.setPlaceholderText("e.g. Mobile conversion rate")
        self.unit = QLineEdit(squad.metric_unit)
        self.unit.setPlaceholderText("%, €, seconds…")
        self.unit.setMaximumWidth(120)
        self.direction = QComboBox()
        self.direction.addItem("up (higher is better)", "up")
        self.direction.addItem("down (lower is better)", "down")
        self.direction.setCurrentIndex(self.direction.findData(squad.direction))
        self.baseline = QLineEdit(_number_text(squad.baseline))
        self.baseline.setPlaceholderText("not measured yet")
        self.baseline_date = date_edit(squad.baseline_date or default_baseline_date)
        self.target = QLineEdit(_number_text(squad.target))
        self.target.setPlaceholderText("not set yet")
        self.target_date = date_edit(squad.target_date or default_baseline_date)
        self.reporting_line = QLineEdit(squad.reporting_line)
        self.reporting_line.setPlaceholderText("To revenue (the Revenue Architect), not to IT or Marketing")

        metric_row = QHBoxLayout()
        metric_row.addWidget(self.metric_name, 1)
        metric_row.addWidget(QLabel("unit"))
        metric_row.addWidget(self.unit)
        metric_row.addWidget(self.direction)
        baseline_row = QHBoxLayout()
        baseline_row.addWidget(self.baseline, 1)
        baseline_row.addWidget(QLabel("on"))
        baseline_row.addWidget(self.baseline_date)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(QLabel("by"))
        target_row.addWidget(self.target_date)

        self.autonomy = QListWidget()
        self.autonomy.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                      | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.autonomy.setMinimumHeight(120)
        for a in self._autonomy:
            self._add_item(a.decision, a.granted, a.id)
        add = QPushButton("Add decision")
        add.clicked.connect(self._new_decision)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_decision)
        auto_buttons = QHBoxLayout()
        auto_buttons.addWidget(QLabel("Tick = granted · double-click to rename"))
        auto_buttons.addStretch(1)
        auto_buttons.addWidget(add)
        auto_buttons.addWidget(remove)

        form = QFormLayout()
        form.addRow("Squad &name", self.name)
        form.addRow("&Problem", self.problem)
        form.addRow(_buddy("&Metric", self.metric_name), metric_row)
        form.addRow(_buddy("&Baseline", self.baseline), baseline_row)
        form.addRow(_buddy("&Target", self.target), target_row)
        form.addRow("&Reports to", self.reporting_line)
        form.addRow("&Autonomy", self.autonomy)
        form.addRow("", auto_buttons)

        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))

    def _add_item(self, decision: str, granted: bool, item_id: int | None) -> QListWidgetItem:
        item = QListWidgetItem(decision)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if granted else Qt.CheckState.Unchecked)
        item.setData(ID_ROLE, item_id)
        self.autonomy.addItem(item)
        return item

    def _new_decision(self) -> None:
        item = self._add_item("New decision", False, None)
        self.autonomy.setCurrentItem(item)
        self.autonomy.editItem(item)

    def _remove_decision(self) -> None:
        row = self.autonomy.currentRow()
        if row >= 0:
            self.autonomy.takeItem(row)

    # ----------------------------------------------------------------- values
    def values(self) -> dict[str, Any]:
        """Every charter field as typed (numbers parsed; raises PlanError on a bad number)."""
        baseline = _parse_number(self.baseline.text(), "baseline")
        target = _parse_number(self.target.text(), "target")
        return {
            "name": self.name.text().strip(),
            "problem": self.problem.toPlainText().strip(),
            "metric_name": self.metric_name.text().strip(),
            "metric_unit": self.unit.text().strip(),
            "direction": self.direction.currentData(),
            "baseline": baseline,
            "baseline_date": from_qdate(self.baseline_date.date()) if baseline is not None else None,
            "target": target,
            "target_date": from_qdate(self.target_date.date()),
            "reporting_line": self.reporting_line.text().strip(),
        }

    def changes(self) -> dict[str, Any]:
        values = self.values()
        return {k: v for k, v in values.items() if k in CHARTER_FIELDS and v != getattr(self._squad, k)}

    def autonomy_items(self) -> list[AutonomyItem]:
        items = []
        for row in range(self.autonomy.count()):
            it = self.autonomy.item(row)
            items.append(AutonomyItem(it.text().strip(), it.checkState() == Qt.CheckState.Checked,
                                      it.data(ID_ROLE)))
        return items

    def autonomy_changed(self) -> bool:
        now = [(a.id, a.decision, a.granted) for a in self.autonomy_items()]
        return now != [(a.id, a.decision, a.granted) for a in self._autonomy]

    def problem_text(self) -> str | None:
        """Why the dialog cannot close yet, or None."""
        try:
            v = self.values()
        except PlanError as exc:
            return str(exc)
        if not v["name"]:
            return "The squad needs a name."
        try:
            check_metric(v["direction"], v["baseline"], v["baseline_date"], v["target"], v["target_date"])
        except PlanError as exc:
            return str(exc).capitalize()
        return None


# --------------------------------------------------------------------------- one row

ROW_TITLES = {"member": "member", "checkin": "check-in", "change": "change shipped"}


class RowDialog(rows.RowDialog):
    """Add or edit a member, check-in or change: the generic row dialog over its declared fields."""

    def __init__(self, kind: str, initial: dict[str, Any], *, editing: bool = False, parent=None):
        super().__init__(ROW_ENTITIES[kind], initial, title=("Edit " if editing else "Add ") + ROW_TITLES[kind],
                         parent=parent)
        self.kind = kind


# --------------------------------------------------------------------------- verdict

class VerdictDialog(QDialog):
    """The leader's decision at the day-90 review, with the rationale."""

    def __init__(self, suggested: str | None, reason: str, current: SquadInfo, today: date, parent=None,
                 review: date | None = None):
        super().__init__(parent)
        self.setWindowTitle("Record the day-90 verdict")
        self.review = review
        self.setMinimumWidth(520)
        hint = QLabel(f"Suggested from the data: {suggested or 'none yet'}. {reason}")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        self.verdict = QComboBox()
        for v in VERDICTS:
            self.verdict.addItem(VERDICT_TEXT[v], v)
        chosen = current.verdict or suggested
        # the data's suggestion is preselected; "too early" preselects nothing
        self.verdict.setCurrentIndex(self.verdict.findData(chosen) if chosen in VERDICTS else -1)
        self.rationale = _text_box(current.verdict_rationale, 110)
        self.rationale.setPlaceholderText("Why: what the numbers, the team and the sponsor said")
        self.on = date_edit(current.verdict_date or today)
        # before the review a verdict is an exception: say so, and say why
        self.early = QCheckBox("Record &early, before the day-90 review")
        self.early_reason = QLineEdit()
        self.early_reason.setPlaceholderText("Why now: the sponsor leaves, the budget is cut…")
        form = self._form = QFormLayout()
        form.addRow("&Verdict", self.verdict)
        form.addRow("&Rationale", self.rationale)
        form.addRow("&Decided on", self.on)
        form.addRow("", self.early)
        form.addRow("Reason for &recording early", self.early_reason)
        buttons = ok_cancel(self)
        self._ok = buttons.button(buttons.StandardButton.Ok)
        self.rationale.textChanged.connect(self._update_ok)
        self.early.toggled.connect(self._update_ok)
        self.verdict.currentIndexChanged.connect(self._update_ok)
        self.early_reason.textChanged.connect(self._update_ok)
        self.on.dateChanged.connect(self._update_ok)
        self._update_ok()
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def is_early(self) -> bool:
        return self.review is not None and from_qdate(self.on.date()) < self.review

    def _update_ok(self) -> None:
        early = self.is_early()
        self.early.setVisible(early)
        self.early_reason.setVisible(early)
        self.early_reason.setEnabled(self.early.isChecked())
        self._form.labelForField(self.early_reason).setVisible(early)
        ready = self.verdict.currentData() is not None and bool(self.rationale.toPlainText().strip())
        if early:
            ready = ready and self.early.isChecked() and bool(self.early_reason.text().strip())
        self._ok.setEnabled(ready)

    def result_values(self) -> tuple[str, str, date]:
        return (self.verdict.currentData(), self.rationale.toPlainText().strip(), from_qdate(self.on.date()))

    def early_values(self) -> tuple[bool, str]:
        """(record early, the reason) when the verdict comes before the review."""
        if not self.is_early():
            return False, ""
        return self.early.isChecked(), self.early_reason.text().strip()

