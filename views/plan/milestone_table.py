"""The milestone table: model over ``MilestoneInfo`` rows, filter proxy, editors.

The model never writes: ``setData`` hands the edit to a callback (the page turns
it into an undo command) and the rows are replaced when the document changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyledItemDelegate, QWidget

from models.plan.service import MilestoneInfo
from models.plan.schema import MILESTONE_STATUSES, STEP_NAMES, STEP_SHORT_NAMES, STEPS

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

STATUS_COLOURS = {
    "done": "#2e7d32",
    "in progress": "#1565c0",
    "not started": "#616161",
    "blocked": "#c62828",
}
OVERDUE_BACKGROUND = "#fdecea"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    editable: bool = True


COLUMNS = (
    Column("step", "Step"),
    Column("title", "Milestone"),
    Column("owner", "Owner"),
    Column("due", "Due"),
    Column("baseline_due", "Baseline", editable=False),
    Column("slip_days", "Slip (days)", editable=False),
    Column("status", "Status"),
    Column("done_date", "Done on"),
    Column("depends_on_id", "Depends on"),
    Column("notes", "Notes"),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}

EditCallback = Callable[[int, str, Any], bool]


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class MilestoneTableModel(QAbstractTableModel):
    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(parent)
        self._rows: list[MilestoneInfo] = []
        self._titles: dict[int, str] = {}
        self._as_of = date.today()
        self._edit = edit
        self._editable = edit is not None

    # ----------------------------------------------------------------- data in
    def set_rows(self, rows: Sequence[MilestoneInfo], as_of: date, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._titles = {m.id: m.title for m in rows}
        self._as_of = as_of
        self._editable = editable and self._edit is not None
        self.endResetModel()

    def milestone(self, row: int) -> MilestoneInfo:
        return self._rows[row]

    def titles(self) -> dict[int, str]:
        return dict(self._titles)

    # ----------------------------------------------------------------- Qt API
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].title
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and COLUMNS[index.column()].editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _value(self, m: MilestoneInfo, key: str) -> Any:
        return getattr(m, key)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        m = self._rows[index.row()]
        key = COLUMNS[index.column()].key
        value = self._value(m, key)
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "step":
                return STEP_SHORT_NAMES[value]
            if key == "depends_on_id":
                return self._titles.get(value, "") if value else ""
            if key == "slip_days":
                return "" if value is None else (f"+{value}" if value > 0 else str(value))
            if isinstance(value, date):
                return value.isoformat()
            if key == "status" and m.is_overdue(self._as_of):
                return f"{value} (overdue)"
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.EditRole:
            if isinstance(value, date):
                return _qdate(value)
            return value
        if role == SORT_ROLE:
            if key == "step":
                return STEPS.index(value)
            if key == "status":
                return MILESTONE_STATUSES.index(value)
            if isinstance(value, date):
                return value.toordinal()
            if value is None:
                return -10**9 if key == "slip_days" else ""
            if key == "depends_on_id":
                return self._titles.get(value, "")
            return value if isinstance(value, int) else str(value).lower()
        if role == ID_ROLE:
            return m.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "status":
                return QBrush(QColor(STATUS_COLOURS[m.status]))
            if key == "slip_days" and value:
                return QBrush(QColor("#c62828" if value > 0 else "#2e7d32"))
        if role == Qt.ItemDataRole.BackgroundRole and m.is_overdue(self._as_of):
            return QBrush(QColor(OVERDUE_BACKGROUND))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "step":
                return STEP_NAMES[m.step]
            if m.is_overdue(self._as_of):
                return f"Overdue by {(self._as_of - m.due).days} days"
            if key == "notes" and m.notes:
                return m.notes
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "slip_days":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        m = self._rows[index.row()]
        key = COLUMNS[index.column()].key
        if isinstance(value, QDate):
            value = date(value.year(), value.month(), value.day())
        if isinstance(value, str) and key in ("title", "owner", "notes"):
            value = value.strip()
        if value == self._value(m, key):
            return False
        return bool(self._edit(m.id, key, value))


class MilestoneFilterProxy(QSortFilterProxyModel):
    """Filters by free text (title, owner, notes), status and step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._status: str | None = None
        self._step: str | None = None
        self._text = ""

    def _refilter(self, name: str, value) -> None:
        # Qt 6.10 replaced invalidateFilter() with begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange()
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._refilter("_text", text.strip().lower())

    def set_status(self, status: str | None) -> None:
        self._refilter("_status", status)

    def set_step(self, step: str | None) -> None:
        self._refilter("_step", step)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        m = model.milestone(source_row)
        if self._status == "overdue":
            if not m.is_overdue(model._as_of):
                return False
        elif self._status and m.status != self._status:
            return False
        if self._step and m.step != self._step:
            return False
        if self._text:
            hay = f"{m.title}\n{m.owner}\n{m.notes}".lower()
            return self._text in hay
        return True


class MilestoneDelegate(QStyledItemDelegate):
    """Combo boxes for step, status and dependency; calendars for dates."""

    def __init__(self, model: MilestoneTableModel, parent=None):
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option, index):
        key = COLUMNS[index.column()].key
        if key in ("step", "status", "depends_on_id"):
            combo = QComboBox(parent)
            if key == "step":
                for s in STEPS:
                    combo.addItem(STEP_NAMES[s], s)
            elif key == "status":
                for s in MILESTONE_STATUSES:
                    combo.addItem(s, s)
            else:
                own_id = index.data(ID_ROLE)
                combo.addItem("(none)", None)
                for mid, title in sorted(self._model.titles().items(), key=lambda kv: kv[1].lower()):
                    if mid != own_id:
                        combo.addItem(title, mid)
            return combo
        if key in ("due", "done_date"):
            editor = QDateEdit(parent)
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("yyyy-MM-dd")
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            pos = editor.findData(value)
            editor.setCurrentIndex(max(pos, 0))
        elif isinstance(editor, QDateEdit):
            editor.setDate(value if isinstance(value, QDate) else QDate.currentDate())
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QDateEdit):
            model.setData(index, editor.date(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


def source_row(index: QModelIndex | QPersistentModelIndex, proxy: QSortFilterProxyModel) -> int:
    return proxy.mapToSource(index).row()
