"""One table model, one delegate, one filter proxy and one row dialog for every
feature's rows, all driven by the ``Field`` declarations of ``models.core.fields``.

The model shows frozen dataclasses with an ``id`` and never writes: an edit
calls ``edit(row_id, key, value) -> bool``, which the page turns into an undo
command; rows are replaced when the document changes. Columns come from
Fields (editable, with the Field's editor and range) or from callables
(display-only values such as a target path or a row's colour).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QStyledItemDelegate

from models.core.fields import Entity, Field
from views.common.field_editors import DECIMALS, editor_value, make_editor, set_editor_value
from views.common.row_dialog import RowDialog  # noqa: F401  (the row dialog belongs with the rows)

__all__ = ["SORT_ROLE", "ID_ROLE", "Column", "column", "computed", "columns", "out_of", "RowTableModel",
           "RowDelegate", "RowFilterProxy", "RowDialog", "source_of"]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

EditCallback = Callable[[int, str, Any], bool]
RowFn = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: the declared field; None for a display-only column computed by ``compute(row)``
    field: Field | None = None
    compute: RowFn | None = None
    #: ``display(row, value) -> str``; the field kind's default when None
    display: Callable[[Any, Any], str] | None = None
    #: ``colour(row) -> "#rrggbb" | None`` and ``tooltip(row) -> str | None``
    colour: RowFn | None = None
    tooltip: RowFn | None = None
    width: int = 120

    @property
    def editable(self) -> bool:
        return self.field is not None and self.field.editable and self.compute is None

    @property
    def kind(self) -> str:
        return self.field.kind if self.field is not None else "computed"


def column(field: Field, **kw) -> Column:
    """A column showing (and editing) a declared field."""
    kw.setdefault("width", field.width)
    return Column(field.key, kw.pop("title", field.caption), field, **kw)


def computed(key: str, title: str, compute: RowFn, **kw) -> Column:
    return Column(key, title, None, compute, **kw)


def columns(entity: Entity, **options: dict) -> tuple[Column, ...]:
    """A column per field of *entity*, in declaration order; ``options[key]`` adds keywords."""
    return tuple(column(f, **options.get(f.key, {})) for f in entity.fields)


def out_of(field: Field) -> Callable[[Any, Any], str]:
    """Display ``7 / 10`` for a ranged whole number."""
    return lambda _row, value: "" if value is None else f"{value} / {field.high:g}"


def default_text(field: Field | None, value: Any) -> str:
    if value is None:
        return ""
    kind = field.kind if field is not None else None
    if isinstance(value, date):
        return value.isoformat()
    if kind == "percent":
        return f"{value:g} %"
    if kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sort_key(value: Any) -> Any:
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return "" if value is None else str(value).lower()


class RowTableModel(QAbstractTableModel):
    """Rows of frozen dataclasses with an ``id``; ``row_colour``/``row_tooltip`` (callables
    of the row) win over a column's own colour and tooltip, e.g. to grey out future rows."""

    def __init__(self, cols: Sequence[Column], edit: EditCallback | None = None, parent=None, *,
                 row_colour: RowFn | None = None, row_tooltip: RowFn | None = None):
        super().__init__(parent)
        self.columns: tuple[Column, ...] = tuple(cols)
        self._rows: list = []
        self._edit = edit
        self._editable = edit is not None
        self._row_colour = row_colour
        self._row_tooltip = row_tooltip

    def set_rows(self, rows: Sequence, editable: bool = True) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._editable = editable and self._edit is not None
        self.endResetModel()

    def row(self, row: int):
        return self._rows[row]

    def rows(self) -> list:
        return list(self._rows)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def value(self, item, key: str) -> Any:
        col = self.columns[self.column_index(key)]
        return col.compute(item) if col.compute is not None else getattr(item, col.key)

    def choices(self, item, col: Column) -> tuple[str, ...]:
        """The choices a cell's editor offers; a subclass may make them depend on the row."""
        return col.field.choices if col.field is not None else ()

    # ----------------------------------------------------------------- Qt API
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = self.columns[index.column()]
        if self._editable and col.editable:
            base |= Qt.ItemFlag.ItemIsUserCheckable if col.kind == "bool" else Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        col = self.columns[index.column()]
        value = col.compute(item) if col.compute is not None else getattr(item, col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return col.display(item, value) if col.display else default_text(col.field, value)
        if role == Qt.ItemDataRole.EditRole:
            return QDate(value.year, value.month, value.day) if isinstance(value, date) else value
        if role == SORT_ROLE:
            return _sort_key(value)
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.CheckStateRole and col.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = (self._row_colour and self._row_colour(item)) or (col.colour and col.colour(item))
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = (self._row_tooltip and self._row_tooltip(item)) or (col.tooltip and col.tooltip(item))
            if not tip and isinstance(value, str) and len(value) > 30:
                tip = value  # long text is cut off in its cell
            return tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (int, float)) \
                and not isinstance(value, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self._editable:
            return False
        col = self.columns[index.column()]
        if not col.editable:
            return False
        item = self._rows[index.row()]
        old = getattr(item, col.key)
        if col.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            value = value if isinstance(value, bool) else Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        if isinstance(value, QDate):
            value = date(value.year(), value.month(), value.day())
        if isinstance(value, str):
            value = value.strip()
        if value == old:
            return False
        decimals = DECIMALS.get(col.kind)
        if decimals is not None and isinstance(value, float) and isinstance(old, (int, float)) \
                and round(old, decimals) == value:
            return False  # an editor opened and closed unchanged shows the value rounded
        return bool(self._edit(item.id, col.key, value))


def source_of(index) -> tuple[RowTableModel, QModelIndex]:
    """The row model and its index behind *index*, through any sort/filter proxies."""
    model = index.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = model.sourceModel()
    return model, index


class RowDelegate(QStyledItemDelegate):
    """The editor a column's Field asks for: a calendar, a spin box with the Field's range,
    a combo box of its choices, a line edit for text."""

    def createEditor(self, parent, option, index):
        model, src = source_of(index)
        col = model.columns[src.column()]
        if col.field is None:
            return None
        return make_editor(col.field, parent, model.choices(model.row(src.row()), col), in_table=True)

    def setEditorData(self, editor, index):
        model, src = source_of(index)
        set_editor_value(editor, model.columns[src.column()].field, model.value(model.row(src.row()),
                                                                              model.columns[src.column()].key))

    def setModelData(self, editor, model, index):
        model.setData(index, editor_value(editor), Qt.ItemDataRole.EditRole)


class RowFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; keeps rows whose text contains the filter text (in any
    column) and that pass every value filter (a value to equal, or a predicate)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._filters: dict[str, Any] = {}

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() with begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_filter(self, key: str, wanted: Any) -> None:
        """Keep rows whose *key* value equals *wanted* (or ``wanted(value)`` is true); None clears."""
        def change():
            if wanted is None:
                self._filters.pop(key, None)
            else:
                self._filters[key] = wanted
        self._refilter(change)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model: RowTableModel = self.sourceModel()
        item = model.row(source_row)
        for key, wanted in self._filters.items():
            value = model.value(item, key)
            if not (wanted(value) if callable(wanted) else value == wanted):
                return False
        if self._text:
            texts = (model.index(source_row, c).data() or "" for c in range(model.columnCount()))
            return any(self._text in t.casefold() for t in texts)
        return True
