"""Table models for the Low-code page: the request ledger and the tool inventory.

The models never write: an edit goes to a callback ``edit(row_id, key, value)``
that the page turns into an undo command; rows are replaced when the document
changes. ``LowcodeDelegate`` gives each column the editor its values need, and
``RequestFilterProxy`` filters the ledger by route, state and text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QSpinBox, QStyledItemDelegate

from models.lowcode.service import CAPABILITIES, TRAINED_LIMIT, RequestInfo, ToolInfo
from models.lowcode.figures import REASONS, REQUEST_TYPES, ROUTES, TOOL_STATUSES

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

ROUTE_COLOURS = {"self-serve": "#2e7d32", "developer": "#b26a00"}
STATUS_COLOURS = {"adopted": "#2e7d32", "rolling out": "#1565c0", "evaluating": "#616161"}
OPEN_COLOUR = "#b26a00"
MUTED = "#9e9e9e"
#: Open developer requests older than this are shown in red.
STALE_DAYS = 28
NO_REASON = "(none)"

EditCallback = Callable[[int, str, Any], bool]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: text | choice | date | open-date | int | tool | reason | computed
    kind: str = "text"
    options: tuple[str, ...] = ()
    width: int = 120


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class RowModel(QAbstractTableModel):
    """Rows of frozen dataclasses with an ``id``; columns described by ``COLUMNS``."""

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._edit = edit
        self._editable = edit is not None
        self.as_of = date.today()

    def set_rows(self, rows: Sequence, as_of: date, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.as_of = as_of
        self._editable = editable and self._edit is not None
        self.endResetModel()

    def row(self, row: int):
        return self._rows[row]

    def rows(self) -> list:
        return list(self._rows)

    @classmethod
    def column_index(cls, key: str) -> int:
        return next(i for i, c in enumerate(cls.COLUMNS) if c.key == key)

    # ----------------------------------------------------------------- hooks
    def value(self, item, key: str) -> Any:
        return getattr(item, key)

    def cell_editable(self, item, col: Column) -> bool:
        return col.kind != "computed"

    def display(self, item, col: Column, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def sort_key(self, item, col: Column, value: Any) -> Any:
        if isinstance(value, date):
            return value.toordinal()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return "" if value is None else str(value).lower()

    def foreground(self, item, col: Column) -> str | None:
        return None

    def tooltip(self, item, col: Column) -> str | None:
        value = self.value(item, col.key)
        if col.kind == "text" and isinstance(value, str) and len(value) > 30:
            return value
        return None

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
        if self._editable and self.cell_editable(self._rows[index.row()], col):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        value = self.value(item, col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item, col, value)
        if role == Qt.ItemDataRole.EditRole:
            return _qdate(value) if isinstance(value, date) else value
        if role == SORT_ROLE:
            return self.sort_key(item, col, value)
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.foreground(item, col)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.kind == "int":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable:
            return False
        item = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if not self.cell_editable(item, col):
            return False
        if isinstance(value, QDate):
            value = _pydate(value) if value.isValid() else None
        if isinstance(value, str):
            value = value.strip()
        if value == self.value(item, col.key):
            return False
        return bool(self._edit(item.id, col.key, value))


class RequestTableModel(RowModel):
    COLUMNS = (
        Column("title", "Request", width=235),
        Column("type", "Type", "choice", REQUEST_TYPES, width=128),
        Column("team", "Team", width=108),
        Column("requested", "Requested", "date", width=86),
        Column("delivered", "Delivered", "open-date", width=86),
        Column("route", "Route", "choice", ROUTES, width=80),
        Column("tool", "Tool", "tool", width=112),
        Column("reason", "Why a developer", "reason", REASONS, width=132),
        Column("lead", "Lead time", "computed", width=80),
    )

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(edit, parent)
        self.tool_names: tuple[str, ...] = ()

    def set_tool_names(self, names: Sequence[str]) -> None:
        self.tool_names = tuple(names)

    def value(self, item: RequestInfo, key: str) -> Any:
        if key == "lead":
            if item.is_delivered(self.as_of):
                return item.lead_days
            return None
        return getattr(item, key)

    def age(self, item: RequestInfo) -> int | None:
        """Days an undelivered request has been waiting as of the as-of date."""
        if item.is_delivered(self.as_of) or item.requested > self.as_of:
            return None
        return (self.as_of - item.requested).days

    def cell_editable(self, item: RequestInfo, col: Column) -> bool:
        if col.kind == "computed":
            return False
        if col.key == "reason":
            return item.route == "developer"
        return True

    def display(self, item: RequestInfo, col: Column, value: Any) -> str:
        if col.key == "delivered" and value is None:
            return "open"
        if col.key == "reason" and item.route != "developer":
            return "–"
        if col.key == "lead":
            if value is not None:
                return f"{value} d"
            age = self.age(item)
            return f"open {age} d" if age is not None else ""
        return super().display(item, col, value)

    def sort_key(self, item: RequestInfo, col: Column, value: Any) -> Any:
        if col.key == "delivered" and value is None:
            return 10**7  # open requests after every delivered one
        if col.key == "lead":
            if value is not None:
                return float(value)
            age = self.age(item)
            return 10**6 + (age or 0)  # open ones last, oldest last
        if col.key == "type":
            return REQUEST_TYPES.index(value) if value in REQUEST_TYPES else len(REQUEST_TYPES)
        return super().sort_key(item, col, value)

    def foreground(self, item: RequestInfo, col: Column) -> str | None:
        if col.key == "route":
            return ROUTE_COLOURS.get(item.route)
        if col.key == "reason" and item.route != "developer":
            return MUTED
        if col.key in ("delivered", "lead") and not item.is_delivered(self.as_of):
            age = self.age(item)
            if item.route == "developer" and age is not None and age > STALE_DAYS:
                return "#c62828"
            return OPEN_COLOUR
        return None

    def tooltip(self, item: RequestInfo, col: Column) -> str | None:
        if col.key == "delivered" and item.delivered is not None and item.delivered > self.as_of:
            return "Delivered after the as-of date: still open in the figures"
        if col.key == "reason" and item.route != "developer":
            return "Only developer-route requests have a reason"
        if col.key == "lead":
            if item.is_delivered(self.as_of):
                return "Delivered − requested, in calendar days"
            age = self.age(item)
            if age is not None:
                return f"Waiting for {age} days"
        if col.key == "delivered" and item.delivered is None:
            return "Open: edit the cell to record the delivery date"
        return super().tooltip(item, col)


class ToolTableModel(RowModel):
    COLUMNS = (
        Column("name", "Tool", width=210),
        Column("capability", "Capability", "choice", CAPABILITIES, width=140),
        Column("owner", "Owner", width=140),
        Column("trained", "People trained", "int", width=110),
        Column("status", "Status", "choice", TOOL_STATUSES, width=110),
        Column("used", "Self-serve requests shipped with it", "computed", width=220),
    )

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(edit, parent)
        self._usage: dict[str, int] = {}

    def set_usage(self, requests: Sequence[RequestInfo], as_of: date) -> None:
        """Delivered self-serve requests per tool name (case-insensitive); call before set_rows."""
        usage: dict[str, int] = {}
        for r in requests:
            if r.tool and r.route == "self-serve" and r.is_delivered(as_of):
                key = r.tool.casefold()
                usage[key] = usage.get(key, 0) + 1
        self._usage = usage

    def value(self, item: ToolInfo, key: str) -> Any:
        if key == "used":
            return self._usage.get(item.name.casefold(), 0)
        return getattr(item, key)

    def sort_key(self, item: ToolInfo, col: Column, value: Any) -> Any:
        if col.key == "status":
            return TOOL_STATUSES.index(value)
        return super().sort_key(item, col, value)

    def foreground(self, item: ToolInfo, col: Column) -> str | None:
        if col.key == "status":
            return STATUS_COLOURS.get(item.status)
        if col.key == "trained" and item.trained == 0 and item.status != "evaluating":
            return OPEN_COLOUR
        return None

    def tooltip(self, item: ToolInfo, col: Column) -> str | None:
        if col.key == "trained" and item.status == "evaluating":
            return "People trained count once the tool is rolling out or adopted"
        if col.key == "used":
            return "Delivered self-serve requests whose tool names this one"
        return super().tooltip(item, col)


class RequestFilterProxy(QSortFilterProxyModel):
    """Filters the ledger by route, state (open / delivered, as of the model's date) and text."""

    STATES = ("open", "delivered", "queue")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._route: str | None = None
        self._state: str | None = None
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

    def set_route(self, route: str | None) -> None:
        self._refilter("_route", route)

    def set_state(self, state: str | None) -> None:
        """None, "open", "delivered" or "queue" (open developer requests)."""
        self._refilter("_state", state)

    def set_text(self, text: str) -> None:
        self._refilter("_text", text.strip().casefold())

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model: RequestTableModel = self.sourceModel()
        r = model.row(source_row)
        if self._route and r.route != self._route:
            return False
        delivered = r.is_delivered(model.as_of)
        if self._state == "open" and delivered:
            return False
        if self._state == "delivered" and not delivered:
            return False
        if self._state == "queue" and (delivered or r.route != "developer" or r.requested > model.as_of):
            return False
        if self._text:
            return self._text in f"{r.title}\n{r.team}\n{r.tool}\n{r.type}\n{r.reason}".casefold()
        return True


class LowcodeDelegate(QStyledItemDelegate):
    """Combo boxes for choices, tools and reasons; calendars for dates (one step
    below the requested date reads "open"); a spin box for people trained."""

    def __init__(self, model: RowModel, parent=None):
        super().__init__(parent)
        self._model = model

    def _column(self, index) -> Column:
        return self._model.COLUMNS[index.column()]

    def _item(self, index):
        return self._model.row(self._source_row(index))

    def _source_row(self, index) -> int:
        proxy = index.model()
        return proxy.mapToSource(index).row() if isinstance(proxy, QSortFilterProxyModel) else index.row()

    def createEditor(self, parent, option, index):
        col = self._column(index)
        if col.kind in ("date", "open-date"):
            editor = QDateEdit(parent)
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("yyyy-MM-dd")
            if col.kind == "open-date":
                item = self._item(index)
                editor.setMinimumDate(_qdate(item.requested - timedelta(days=1)))
                editor.setSpecialValueText("open")
                editor.setToolTip("Step below the requested date to mark the request open again")
            return editor
        if col.kind == "int":
            editor = QSpinBox(parent)
            editor.setRange(0, TRAINED_LIMIT)
            return editor
        if col.kind in ("choice", "reason"):
            combo = QComboBox(parent)
            if col.kind == "reason":
                combo.addItem(NO_REASON, "")
            for option_text in col.options:
                combo.addItem(option_text, option_text)
            return combo
        if col.kind == "tool":
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItem("", "")
            for name in getattr(self._model, "tool_names", ()):
                combo.addItem(name, name)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        col = self._column(index)
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDateEdit):
            if isinstance(value, QDate):
                editor.setDate(value)
            elif col.kind == "open-date":
                item = self._item(index)
                editor.setDate(_qdate(max(item.requested, min(self._model.as_of, date.today()))))
            else:
                editor.setDate(QDate.currentDate())
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QComboBox):
            pos = editor.findData(value or "")
            if pos >= 0:
                editor.setCurrentIndex(pos)
            elif editor.isEditable():
                editor.setEditText(str(value or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        col = self._column(index)
        if isinstance(editor, QDateEdit):
            if col.kind == "open-date" and editor.date() == editor.minimumDate():
                model.setData(index, None, Qt.ItemDataRole.EditRole)
            else:
                model.setData(index, editor.date(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QSpinBox):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            value = editor.currentText() if editor.isEditable() else editor.currentData()
            model.setData(index, value, Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
