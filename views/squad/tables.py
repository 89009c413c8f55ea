"""Table models for the Squad page: members, check-ins, changes and the autonomy list.

The models never write: an edit goes to a callback ``edit(row_id, key, value)``
that the page turns into an undo command; rows are replaced when the document
changes. ``SquadDelegate`` gives each column the editor its values need.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QDoubleSpinBox, QSpinBox, QStyledItemDelegate

from models.squad.service import ROLE_CHOICES, SquadInfo, checkin_target_path, format_value
from models.squad.metrics import CORE_ROLES, OUTCOMES, ROLE_ALLOCATION_THRESHOLD

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

OUTCOME_COLOURS = {"kept": "#2e7d32", "rolled back": "#c62828", "pending": "#616161"}
WARNING_COLOUR = "#b26a00"

EditCallback = Callable[[int, str, Any], bool]
#: decimals the spin boxes show, per column kind
DECIMALS = {"float": 3, "percent": 1}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: text | date | int | float | percent | choice | role | computed
    kind: str = "text"
    editable: bool = True
    low: float = 0
    high: float = 0
    options: tuple[str, ...] = ()
    width: int = 120


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class SquadRowModel(QAbstractTableModel):
    """Rows of frozen dataclasses with an ``id``; columns described by ``COLUMNS``."""

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._edit = edit
        self._editable = edit is not None

    def set_rows(self, rows: Sequence, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._editable = editable and self._edit is not None
        self.endResetModel()

    def row(self, row: int):
        return self._rows[row]

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.COLUMNS) if c.key == key)

    # ----------------------------------------------------------------- Qt API
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section].title
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = self.COLUMNS[index.column()]
        if self._editable and col.editable and col.kind != "computed":
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def computed(self, item, key: str) -> Any:
        return None

    def display(self, item, col: Column, value: Any) -> str:
        if value is None:
            return ""
        if col.kind == "date":
            return value.isoformat()
        if col.kind == "percent":
            return f"{value:g} %"
        if col.kind == "float":
            return format_value(value)
        if col.kind == "int" and col.high:
            return f"{value} / {col.high:g}"
        return str(value)

    def foreground(self, item, col: Column) -> str | None:
        return None

    def tooltip(self, item, col: Column) -> str | None:
        value = getattr(item, col.key, None)
        if col.kind == "text" and isinstance(value, str) and len(value) > 30:
            return value
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        value = self.computed(item, col.key) if col.kind == "computed" else getattr(item, col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item, col, value)
        if role == Qt.ItemDataRole.EditRole:
            return _qdate(value) if isinstance(value, date) else value
        if role == SORT_ROLE:
            if isinstance(value, date):
                return value.toordinal()
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            return "" if value is None else str(value).lower()
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.foreground(item, col)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and (col.kind in ("float", "int", "percent")
                                                           or col.key == "path"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        item = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if not col.editable or col.kind == "computed":
            return False
        if isinstance(value, QDate):
            value = date(value.year(), value.month(), value.day())
        if isinstance(value, str):
            value = value.strip()
        old = getattr(item, col.key)
        if value == old:
            return False
        if col.kind in DECIMALS and isinstance(value, float) and round(old, DECIMALS[col.kind]) == value:
            return False  # an editor opened and closed unchanged shows the value rounded
        return bool(self._edit(item.id, col.key, value))


class MemberTableModel(SquadRowModel):
    COLUMNS = (
        Column("name", "Name", width=150),
        Column("role", "Role", "role", width=150),
        Column("department", "Department of origin", width=170),
        Column("allocation", "Allocation", "percent", low=0, high=100, width=90),
        Column("covers", "Covers a core role", "computed", width=260),
    )

    def computed(self, item, key: str) -> Any:
        role = next((r for r in CORE_ROLES if r.casefold() == " ".join(item.role.split()).casefold()), None)
        if role is None:
            return "no (not a core role)"
        if item.allocation >= ROLE_ALLOCATION_THRESHOLD:
            return f"yes: {role}"
        return f"no: under {ROLE_ALLOCATION_THRESHOLD:g} % allocation"

    def foreground(self, item, col: Column) -> str | None:
        if col.key in ("covers", "allocation") and self.computed(item, "covers").startswith("no: "):
            return WARNING_COLOUR
        return None


class CheckInTableModel(SquadRowModel):
    COLUMNS = (
        Column("date", "Date", "date", width=95),
        Column("value", "Value", "float", low=-1e12, high=1e12, width=80),
        Column("path", "Target path", "computed", width=90),
        Column("confidence", "Confidence", "int", low=0, high=10, width=85),
        Column("morale", "Morale", "int", low=1, high=5, width=70),
        Column("blockers", "Blockers", width=300),
        Column("note", "Note", width=300),
    )

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(edit, parent)
        self._squad: SquadInfo | None = None
        self._as_of = date.max

    def set_squad(self, squad: SquadInfo | None, as_of: date) -> None:
        """The squad whose target path the "Target path" column reads (call before set_rows)."""
        self._squad = squad
        self._as_of = as_of

    def computed(self, item, key: str) -> Any:
        return None if self._squad is None else checkin_target_path(self._squad, item.date)

    def display(self, item, col: Column, value: Any) -> str:
        if col.key == "path":
            return format_value(value) if value is not None else ""
        return super().display(item, col, value)

    def foreground(self, item, col: Column) -> str | None:
        if item.date > self._as_of:
            return "#9e9e9e"
        if col.key == "value" and self._squad is not None:
            path = self.computed(item, "path")
            if path is not None:
                behind = item.value < path if self._squad.direction == "up" else item.value > path
                return WARNING_COLOUR if behind else "#2e7d32"
        return None

    def tooltip(self, item, col: Column) -> str | None:
        if item.date > self._as_of:
            return "After the as-of date: not counted in the figures yet"
        if col.key == "value":
            path = self.computed(item, "path")
            if path is not None:
                return f"Target path on {item.date.isoformat()}: {format_value(path)}"
        return super().tooltip(item, col)


class ChangeTableModel(SquadRowModel):
    COLUMNS = (
        Column("date", "Shipped", "date", width=95),
        Column("title", "Change", width=250),
        Column("hypothesis", "Hypothesis", width=260),
        Column("expected_effect", "Expected effect", width=150),
        Column("outcome", "Outcome", "choice", options=OUTCOMES, width=100),
        Column("measured_effect", "Measured effect", width=180),
    )

    def foreground(self, item, col: Column) -> str | None:
        if col.key == "outcome":
            return OUTCOME_COLOURS[item.outcome]
        return None


class AutonomyTableModel(QAbstractTableModel):
    """The decisions the squad takes without asking; "Granted" is a check box."""

    HEADERS = ("Decision the squad takes without asking", "Granted")

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._edit = edit
        self._editable = edit is not None

    def set_rows(self, rows: Sequence, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._editable = editable and self._edit is not None
        self.endResetModel()

    def row(self, row: int):
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 1 and self._editable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        a = self._rows[index.row()]
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return a.decision
            if role == Qt.ItemDataRole.ToolTipRole:
                return a.decision
        else:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if a.granted else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.DisplayRole:
                return "granted" if a.granted else "not yet"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#2e7d32" if a.granted else WARNING_COLOUR))
        if role == ID_ROLE:
            return a.id
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 1 or not self._editable:
            return False
        a = self._rows[index.row()]
        granted = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        if granted == a.granted:
            return False
        return bool(self._edit(a.id, "granted", granted))


class SquadDelegate(QStyledItemDelegate):
    """Calendars for dates, spin boxes for numbers, combo boxes for roles and outcomes."""

    def __init__(self, columns: tuple[Column, ...], parent=None):
        super().__init__(parent)
        self._columns = columns

    def _column(self, index) -> Column:
        return self._columns[index.column()]

    def createEditor(self, parent, option, index):
        col = self._column(index)
        if col.kind == "date":
            editor = QDateEdit(parent)
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("yyyy-MM-dd")
            return editor
        if col.kind == "int":
            editor = QSpinBox(parent)
            editor.setRange(int(col.low), int(col.high))
            return editor
        if col.kind in ("float", "percent"):
            editor = QDoubleSpinBox(parent)
            editor.setRange(col.low, col.high)
            editor.setDecimals(DECIMALS[col.kind])
            if col.kind == "percent":
                editor.setSuffix(" %")
            return editor
        if col.kind in ("choice", "role"):
            combo = QComboBox(parent)
            combo.addItems(list(col.options if col.kind == "choice" else ROLE_CHOICES[:-1]))
            combo.setEditable(col.kind == "role")
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDateEdit):
            editor.setDate(value if isinstance(value, QDate) else QDate.currentDate())
        elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            editor.setValue(value or 0)
        elif isinstance(editor, QComboBox):
            pos = editor.findText(str(value))
            if pos >= 0:
                editor.setCurrentIndex(pos)
            elif editor.isEditable():
                editor.setEditText(str(value))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QDateEdit):
            model.setData(index, editor.date(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
