"""The editor widget a ``Field`` asks for, shared by the table delegate and the row dialog,
so a cell and a dialog offer the same range, choices and number of decimals."""
from __future__ import annotations

from datetime import date
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


def make_editor(field: Field, parent: QWidget | None = None, choices: tuple[str, ...] | None = None, *,
                in_table: bool = False) -> QWidget:
    """The editor for *field*; long text gets a text box in a dialog, a line in a table."""
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
        combo.addItems(list(choices))
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
    if isinstance(editor, QDateEdit):
        d = value if isinstance(value, date) else date.today()
        editor.setDate(QDate(d.year, d.month, d.day))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value) if value is not None else editor.minimum())
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value or 0))
    elif isinstance(editor, QComboBox):
        pos = editor.findText("" if value is None else str(value))
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
    if isinstance(editor, QDateEdit):
        q = editor.date()
        return date(q.year(), q.month(), q.day())
    if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentText().strip()
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
