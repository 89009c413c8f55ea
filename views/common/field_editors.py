"""The editor widget a ``Field`` asks for, shared by the table delegate and the row dialog,
so a cell and a dialog offer the same range, choices and number of decimals.

``OptionalDateEdit`` is for a date that may be left empty (a delivery date while the
request is open): one step below its floor reads as empty.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from models.core.fields import Field

#: decimals a spin box shows, per kind
DECIMALS = {"float": 3, "percent": 1}
#: a spin box needs bounds; a field without a range accepts any ordinary number
NO_LIMIT = 1e12
INT_LIMIT = 2**31 - 1
#: the first entry of an optional choice's combo box: no value
NO_CHOICE = "(none)"


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class OptionalDateEdit(QDateEdit):
    """A date or none: one step below *floor* shows *empty_text* and means no date.

    ``proposal`` is the date shown for none (a table cell opened to record a date:
    confirming it records that date); without one, none shows *empty_text*.
    """

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = "none", floor: date | None = None,
                 proposal: date | None = None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setSpecialValueText(empty_text)
        self.proposal = proposal
        if floor is not None:
            self.setMinimumDate(_qdate(floor - timedelta(days=1)))

    def set_floor(self, floor: date) -> None:
        """Move the earliest date to *floor*: none stays none, an earlier date moves up to it."""
        empty = self.value() is None
        before = self.date()
        self.setMinimumDate(_qdate(floor - timedelta(days=1)))
        if empty:
            self.setDate(self.minimumDate())
        elif before < _qdate(floor):
            self.setDate(_qdate(floor))

    def value(self) -> date | None:
        return None if self.date() == self.minimumDate() else _pydate(self.date())

    def set_value(self, value: date | None) -> None:
        shown = value if value is not None else self.proposal
        self.setDate(self.minimumDate() if shown is None else _qdate(shown))


def make_editor(field: Field, parent: QWidget | None = None, choices: tuple[str, ...] | None = None, *,
                in_table: bool = False, empty: str = NO_CHOICE) -> QWidget:
    """The editor for *field*; long text gets a text box in a dialog, a line in a table.
    An optional choice offers *empty* first, for no value."""
    kind = field.kind
    choices = field.choices if choices is None else choices
    if kind == "date":
        editor = QDateEdit(parent)
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("yyyy-MM-dd")
        return editor
    if kind == "int":
        editor = QSpinBox(parent)
        editor.setRange(int(field.low) if field.low is not None else -INT_LIMIT,
                        int(field.high) if field.high is not None else INT_LIMIT)
        return editor
    if kind in DECIMALS:
        editor = QDoubleSpinBox(parent)
        editor.setRange(field.low if field.low is not None else -NO_LIMIT,
                        field.high if field.high is not None else NO_LIMIT)
        editor.setDecimals(DECIMALS[kind])
        if kind == "percent":
            editor.setSuffix(" %")
        return editor
    if kind == "choice" or choices:
        combo = QComboBox(parent)
        if kind == "choice" and field.optional:
            combo.addItem(empty, "")
        for choice in choices:
            combo.addItem(choice, choice)
        # text with choices: the choices are suggestions, any text may be typed
        combo.setEditable(kind != "choice")
        if combo.isEditable() and field.help:
            combo.lineEdit().setPlaceholderText(field.help)
        return combo
    if kind == "bool":
        return QCheckBox(parent)
    if kind == "longtext" and not in_table:
        box = QPlainTextEdit(parent)
        box.setTabChangesFocus(True)
        box.setFixedHeight(60)
        return box
    editor = QLineEdit(parent)
    if field.help:
        editor.setPlaceholderText(field.help)
    return editor


def set_editor_value(editor: QWidget, field: Field | None, value: Any) -> None:
    if isinstance(editor, OptionalDateEdit):
        editor.set_value(value)
    elif isinstance(editor, QDateEdit):
        editor.setDate(_qdate(value if isinstance(value, date) else date.today()))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value) if value is not None else editor.minimum())
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value or 0))
    elif isinstance(editor, QComboBox):
        text = "" if value is None else str(value)
        pos = editor.findData(text)
        pos = pos if pos >= 0 else editor.findText(text)
        if pos >= 0:
            editor.setCurrentIndex(pos)
        elif editor.isEditable():
            editor.setEditText("" if value is None else str(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(value or "")
    elif isinstance(editor, QLineEdit):
        editor.setText("" if value is None else str(value))


def editor_value(editor: QWidget) -> Any:
    if isinstance(editor, OptionalDateEdit):
        return editor.value()
    if isinstance(editor, QDateEdit):
        return _pydate(editor.date())
    if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
        return editor.value()
    if isinstance(editor, QComboBox):
        data = None if editor.isEditable() else editor.currentData()
        return data if data is not None else editor.currentText().strip()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText().strip()
    return editor.text().strip()


def changed_signal(editor: QWidget):
    """The signal an editor sends whenever its value changes."""
    for name in ("currentTextChanged", "textChanged", "dateChanged", "valueChanged", "toggled"):
        if hasattr(editor, name):
            return getattr(editor, name)
    raise TypeError(f"no change signal on {type(editor).__name__}")
