"""Dialogs of the Low-code page: a request and a tool.

Dialogs collect values only; the page turns them into undo commands. Each
checks its values with the service's own rules before it closes, so a mistake
does not throw away what the leader typed.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.lowcode.service import (
    CAPABILITIES,
    TRAINED_LIMIT,
    RequestDraft,
    ToolDraft,
    clean_request_draft,
)
from models.lowcode.figures import REASONS, REQUEST_TYPES, ROUTES, TOOL_STATUSES
from models.plan.service import PlanError
from views.plan.dialogs import date_edit, from_qdate

NO_REASON = "(none given)"


def _error_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("color:#c62828;")
    label.setVisible(False)
    return label


def _combo(options: Sequence[str], current: str | None = None, *, editable: bool = False) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    for option in options:
        combo.addItem(option, option)
    if current is not None:
        pos = combo.findData(current)
        if pos >= 0:
            combo.setCurrentIndex(pos)
        elif editable:
            combo.setEditText(current)
    return combo


class RequestDialog(QDialog):
    """Add or edit a request. ``values`` holds ``RequestDraft`` field names."""

    def __init__(self, values: dict[str, Any], *, tool_names: Sequence[str] = (), teams: Sequence[str] = (),
                 editing: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit request" if editing else "Add request")
        self.setMinimumWidth(460)
        self.title = QLineEdit(values.get("title", ""))
        self.title.setPlaceholderText("What marketing asked for, e.g. Spring sale landing page")
        self.type = _combo(REQUEST_TYPES, values.get("type", "other"))
        self.team = _combo(sorted(set(teams), key=str.casefold), values.get("team", ""), editable=True)
        requested: date = values["requested"]
        self.requested = date_edit(requested)
        delivered = values.get("delivered")
        self.delivered_check = QCheckBox("Delivered on")
        self.delivered_check.setChecked(delivered is not None)
        self.delivered = date_edit(delivered or values.get("today", requested))
        self.delivered.setEnabled(delivered is not None)
        self.delivered_check.toggled.connect(self.delivered.setEnabled)
        delivered_row = QHBoxLayout()
        delivered_row.addWidget(self.delivered_check)
        delivered_row.addWidget(self.delivered, 1)
        self.route = _combo(ROUTES, values.get("route", "self-serve"))
        self.tool = _combo([""] + list(tool_names), values.get("tool", ""), editable=True)
        self.reason = QComboBox()
        self.reason.addItem(NO_REASON, "")
        for r in REASONS:
            self.reason.addItem(r, r)
        self.reason.setCurrentIndex(max(0, self.reason.findData(values.get("reason", ""))))
        self.route.currentIndexChanged.connect(lambda _i: self._route_changed())
        self.error = _error_label()

        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("T&ype", self.type)
        form.addRow("Requesting t&eam", self.team)
        form.addRow("&Requested on", self.requested)
        form.addRow("", delivered_row)
        form.addRow("R&oute", self.route)
        form.addRow("Too&l used", self.tool)
        form.addRow("&Why a developer", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.title.textChanged.connect(lambda t: self._ok.setEnabled(bool(t.strip())))
        self._ok.setEnabled(bool(self.title.text().strip()))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._route_changed()

    def _route_changed(self) -> None:
        developer = self.route.currentData() == "developer"
        self.reason.setEnabled(developer)
        if not developer:
            self.reason.setCurrentIndex(0)

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text().strip(),
            "type": self.type.currentData(),
            "team": self.team.currentText().strip(),
            "requested": from_qdate(self.requested.date()),
            "delivered": from_qdate(self.delivered.date()) if self.delivered_check.isChecked() else None,
            "route": self.route.currentData(),
            "tool": self.tool.currentText().strip(),
            "reason": self.reason.currentData() if self.route.currentData() == "developer" else "",
        }

    def draft(self) -> RequestDraft:
        return RequestDraft(**self.values())

    def accept(self) -> None:
        try:
            clean_request_draft(self.draft())
        except PlanError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        super().accept()


class ToolDialog(QDialog):
    """Add or edit a tool of the inventory. ``values`` holds ``ToolDraft`` field names."""

    def __init__(self, values: dict[str, Any] | None = None, *, editing: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        values = values or {}
        self.setWindowTitle("Edit tool" if editing else "Add tool")
        self.setMinimumWidth(400)
        self.name = QLineEdit(values.get("name", ""))
        self.name.setPlaceholderText("e.g. the page builder's product name")
        self.capability = _combo(CAPABILITIES, values.get("capability", "page builder"))
        self.owner = QLineEdit(values.get("owner", ""))
        self.trained = QSpinBox()
        self.trained.setRange(0, TRAINED_LIMIT)
        self.trained.setValue(int(values.get("trained", 0)))
        self.status = _combo(TOOL_STATUSES, values.get("status", "evaluating"))
        form = QFormLayout()
        form.addRow("&Tool", self.name)
        form.addRow("&Capability", self.capability)
        form.addRow("&Owner", self.owner)
        form.addRow("People &trained", self.trained)
        form.addRow("&Status", self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))
        ok.setEnabled(bool(self.name.text().strip()))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "capability": self.capability.currentData(),
            "owner": self.owner.text().strip(),
            "trained": self.trained.value(),
            "status": self.status.currentData(),
        }

    def draft(self) -> ToolDraft:
        return ToolDraft(**self.values())
