"""Table models of the Audit page: status and handoff figures (read-only), the
stage map and the hand-tracked stalls (edited through a callback, never written
by the model), with their editors.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QDateTime, QModelIndex, QSortFilterProxyModel, Qt, QTime
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QStyledItemDelegate

from models.audit.analysis import KINDS, HandoffFigure, Stage, StatusFigure
from models.audit.store import StallInfo

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
KIND_TEXT = {"active": "active (worked on)", "queue": "queue (waiting)", "done": "done (left the flow)"}
SILO_BACKGROUND = "#fff3e0"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    numeric: bool = False
    tip: str = ""


def _num(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


class _ReadOnlyTable(QAbstractTableModel):
    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole and self.COLUMNS[section].tip:
            return self.COLUMNS[section].tip
        return None

    def value(self, row: Any, key: str) -> Any:
        return getattr(row, key)

    def display(self, row: Any, key: str, value: Any) -> str:
        if isinstance(value, float):
            return _num(value)
        return "" if value is None else str(value)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        value = self.value(r, col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, col.key, value)
        if role == SORT_ROLE:
            if col.numeric:
                return float(value or 0)
            return str(value).lower()
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return RIGHT
        return self.extra(r, col.key, role)

    def extra(self, row: Any, key: str, role) -> Any:
        return None


class StatusFigureModel(_ReadOnlyTable):
    COLUMNS = (
        Column("status", "Status"),
        Column("department", "Department"),
        Column("kind", "Kind"),
        Column("items", "Items", True, "Items that visited this status"),
        Column("visits", "Visits", True, "Times items entered it (rework counts again)"),
        Column("total_days", "Total days", True, "All items' time here, in calendar days"),
        Column("median_days", "Median days", True, "Median of each item's summed time here"),
        Column("p85_days", "85th pct days", True, "85 % of items spent at most this long here"),
    )

    def extra(self, row: StatusFigure, key: str, role) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key == "kind":
            return QBrush(QColor("#b25b00" if row.kind == "queue" else "#1f5f99"))
        return None

    def status(self, row: int) -> StatusFigure:
        return self._rows[row]


class HandoffFigureModel(_ReadOnlyTable):
    COLUMNS = (
        Column("from_department", "From", tip="Department of the item's last active status (Intake: none yet)"),
        Column("to_department", "To", tip="Department of the queue status the item waited in"),
        Column("silo", "Silo tax?", tip="Waiting between two different departments counts towards the silo tax"),
        Column("items", "Items", True),
        Column("total_days", "Total days", True, "All items' waiting time at this handoff"),
        Column("median_days", "Median days", True),
        Column("p85_days", "85th pct days", True),
    )

    def value(self, row: HandoffFigure, key: str) -> Any:
        if key == "silo":
            return "yes" if row.is_silo else "no"
        return getattr(row, key)

    def extra(self, row: HandoffFigure, key: str, role) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.is_silo:
            return QBrush(QColor(SILO_BACKGROUND))
        return None

    def handoff(self, row: int) -> HandoffFigure:
        return self._rows[row]


class SortProxy(QSortFilterProxyModel):
    def __init__(self, source: QAbstractTableModel, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSourceModel(source)


# --------------------------------------------------------------------------- stage map

@dataclass(frozen=True)
class StageRow:
    """One line of a stage map being edited; ``count`` is how often the log uses it (None: unknown)."""

    status: str
    department: str
    kind: str
    count: int | None = None
    new: bool = False

    def stage(self) -> Stage:
        return Stage(self.status, self.department.strip(), self.kind)


StageEdit = Callable[[int, str, Any], bool]


class StageMapModel(QAbstractTableModel):
    """Status, department and kind; edits go to the ``edit(row, key, value)`` callback."""

    COLUMNS = (Column("status", "Status"), Column("department", "Department"), Column("kind", "Kind"),
               Column("count", "Rows in the log", True))

    def __init__(self, edit: StageEdit | None = None, parent=None, *, show_count: bool = True,
                 status_editable: bool = False, count_title: str = "Rows in the log"):
        super().__init__(parent)
        self._count_title = count_title
        self._rows: list[StageRow] = []
        self._edit = edit
        self._show_count = show_count
        self._status_editable = status_editable

    def set_rows(self, rows: Sequence[StageRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[StageRow]:
        return list(self._rows)

    def departments(self) -> list[str]:
        seen: list[str] = []
        for r in self._rows:
            d = r.department.strip()
            if d and d not in seen:
                seen.append(d)
        return sorted(seen, key=str.lower)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS) - (0 if self._show_count else 1)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < self.columnCount():
            return self._count_title if self.COLUMNS[section].key == "count" else self.COLUMNS[section].title
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        key = self.COLUMNS[index.column()].key
        if self._edit is not None and (key in ("department", "kind")
                                       or (key == "status" and self._status_editable)):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        key = self.COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "kind":
                return KIND_TEXT.get(r.kind, r.kind)
            if key == "count":
                return "" if r.count is None else f"{r.count:,}"
            return getattr(r, key)
        if role == Qt.ItemDataRole.EditRole:
            return getattr(r, key)
        if role == SORT_ROLE:
            return r.count or 0 if key == "count" else str(getattr(r, key)).lower()
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "count":
            return RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and key == "department" and not r.department.strip() \
                and r.kind != "done":
            return QBrush(QColor("#fdecea"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "department" and not r.department.strip() and r.kind != "done":
                return "Which department owns this status? Double-click to type or pick one."
            if r.new and key == "status":
                return "New in this file: not yet in the plan's stage map"
        if role == Qt.ItemDataRole.FontRole and r.new and key == "status":
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._edit is None:
            return False
        key = self.COLUMNS[index.column()].key
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        if isinstance(value, str):
            value = value.strip()
        if value == getattr(self._rows[index.row()], key):
            return False
        return bool(self._edit(index.row(), key, value))


class StageDelegate(QStyledItemDelegate):
    """An editable combo of known departments; a combo of the three kinds."""

    def __init__(self, model: StageMapModel, parent=None):
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent, option, index):
        key = StageMapModel.COLUMNS[index.column()].key
        if key == "kind":
            combo = QComboBox(parent)
            for k in KINDS:
                combo.addItem(KIND_TEXT[k], k)
            return combo
        if key == "department":
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItems(self._model.departments())
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox) and not editor.isEditable():
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QComboBox):
            editor.setEditText(value or "")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox) and not editor.isEditable():
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


QUEUE_WORDS = ("ready", "wait", "backlog", "to do", "todo", "queue", "pending", "blocked", "awaiting",
               "on hold", "hold", "new", "open", "selected", "triage", "next", "parked")
DONE_WORDS = ("done", "closed", "resolved", "released", "cancel", "rejected", "won't", "wont", "complete",
              "shipped", "live", "archived", "deployed")


def guess_kind(status: str) -> str:
    """A first guess for a status never mapped before; the user confirms it."""
    s = status.lower()
    if any(w in s for w in DONE_WORDS):
        return "done"
    if any(w in s for w in QUEUE_WORDS):
        return "queue"
    return "active"


# --------------------------------------------------------------------------- stalls

def _qdt(dt: datetime, tz: tzinfo | None) -> QDateTime:
    """The editor's value: wall-clock time in the plan's zone (None = the computer's)."""
    local = dt.astimezone(tz)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_qdatetime(q: QDateTime) -> datetime:
    """A naive datetime from the editor (the store places it in the plan's zone)."""
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


StallEdit = Callable[[int, str, Any], bool]


class StallTableModel(QAbstractTableModel):
    """Hand-tracked stalls: item, stage, entered, left, days, note."""

    COLUMNS = (Column("item", "Item"), Column("stage", "Stage"), Column("entered", "Entered"),
               Column("left", "Left"), Column("days", "Days", True, "Left (or the as-of moment) minus entered"),
               Column("note", "Note"))
    EDITABLE = ("item", "stage", "entered", "left", "note")

    def __init__(self, edit: StallEdit | None = None, parent=None):
        super().__init__(parent)
        self._rows: list[StallInfo] = []
        self._edit = edit
        self._editable = edit is not None
        self._stages: list[str] = []
        self._tz: tzinfo | None = None

    def set_rows(self, rows: Sequence[StallInfo], stages: Sequence[str] = (), editable: bool = True,
                 tz: tzinfo | None = None) -> None:
        """*tz*: the plan's zone, in which times are shown and typed (None = the computer's)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._stages = list(stages)
        self._tz = tz
        self._editable = editable and self._edit is not None
        self.endResetModel()

    def stall(self, row: int) -> StallInfo:
        return self._rows[row]

    def stages(self) -> list[str]:
        return list(self._stages)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole and self.COLUMNS[section].tip:
            return self.COLUMNS[section].tip
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and self.COLUMNS[index.column()].key in self.EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    @staticmethod
    def days(s: StallInfo) -> float | None:
        if s.left is None:
            return None
        return (s.left - s.entered).total_seconds() / 86400

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        key = self.COLUMNS[index.column()].key
        value = self.days(s) if key == "days" else getattr(s, key)
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, datetime):
                return value.astimezone(self._tz).strftime("%Y-%m-%d %H:%M")
            if key == "left" and value is None:
                return "(still there)"
            if key == "days":
                return "open" if value is None else f"{value:,.1f}"
            return value
        if role == Qt.ItemDataRole.EditRole:
            if isinstance(value, datetime):
                return _qdt(value, self._tz)
            if key == "left" and value is None:
                return _qdt(s.entered, self._tz)
            return value
        if role == SORT_ROLE:
            if isinstance(value, datetime):
                return value.timestamp()
            if key in ("left", "days"):
                return float("inf") if value is None else float(value) if key == "days" else 0.0
            return str(value).lower()
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "days":
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and key == "note" and s.note:
            return s.note
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        s = self._rows[index.row()]
        key = self.COLUMNS[index.column()].key
        if key not in self.EDITABLE:
            return False
        if isinstance(value, QDateTime):
            value = from_qdatetime(value)
            current = getattr(s, key)
            if current is not None and current.astimezone(self._tz).replace(
                    tzinfo=None, second=0, microsecond=0) == value:
                return False
        elif isinstance(value, str):
            value = value.strip()
            if value == getattr(s, key):
                return False
        return bool(self._edit(s.id, key, value))


class StallDelegate(QStyledItemDelegate):
    """A combo of the stage map's active and queue statuses; date-time editors."""

    def __init__(self, model: StallTableModel, parent=None):
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent, option, index):
        key = StallTableModel.COLUMNS[index.column()].key
        if key == "stage":
            combo = QComboBox(parent)
            combo.addItems(self._model.stages())
            return combo
        if key in ("entered", "left"):
            edit = QDateTimeEdit(parent)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            return edit
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            pos = editor.findText(value or "")
            editor.setCurrentIndex(max(pos, 0))
        elif isinstance(editor, QDateTimeEdit):
            if isinstance(value, QDateTime):
                editor.setDateTime(value)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QDateTimeEdit):
            model.setData(index, editor.dateTime(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
