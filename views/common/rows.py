"""One table model, one delegate, one filter proxy and one row dialog for every
feature's rows, all driven by the ``Field`` declarations of ``models.core.fields``.

The model shows frozen dataclasses with an ``id`` and never writes: an edit
calls ``edit(row_id, key, value) -> bool``, which the page turns into an undo
command; rows are replaced when the document changes. Columns come from
Fields (editable, with the Field's editor and range) or from callables
(display-only values such as a target path or a row's colour). A column may
also sort by its own key, be editable only on some rows, or open a custom
editor (``Column.sort``, ``editable_when``, ``editor``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.fields import Entity, Field
from views.common.field_editors import DECIMALS, editor_value, make_editor, set_editor_value
from views.common.row_dialog import RowDialog  # noqa: F401  (the row dialog belongs with the rows)
from views.common.style import resolve

__all__ = ["SORT_ROLE", "ID_ROLE", "Column", "column", "computed", "columns", "out_of", "RowTableModel",
           "RowDelegate", "RowFilterProxy", "RowDialog", "source_of", "row_table", "selected_row",
           "table_page"]

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
    #: ``colour(row) -> role | "#rrggbb" | None`` (a role of ``views.common.palette``, so the
    #: text stays readable in the dark scheme) and ``tooltip(row) -> str | None``
    colour: RowFn | None = None
    tooltip: RowFn | None = None
    width: int = 120
    #: ``sort(row, value)``: the cell's sort key; by the value's kind when None
    sort: Callable[[Any, Any], Any] | None = None
    #: ``editable_when(row) -> bool``: an editable column is editable only on rows where true
    editable_when: RowFn | None = None
    #: ``editor(row, parent) -> QWidget``: the cell's editor instead of the Field's own (a
    #: widget ``views.common.field_editors`` reads and writes, e.g. an ``OptionalDateEdit``)
    editor: Callable[[Any, QWidget], QWidget] | None = None

    @property
    def editable(self) -> bool:
        return self.field is not None and self.field.editable and self.compute is None

    @property
    def kind(self) -> str:
        return self.field.kind if self.field is not None else "computed"

    def editable_on(self, row: Any) -> bool:
        return self.editable and (self.editable_when is None or bool(self.editable_when(row)))


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
        """Show *rows*. The same rows (by id, in the same order) are updated in place: the
        selection, the scroll position and an editor open on another cell all stay (a reset
        would close that editor while Tab had just moved it there)."""
        rows = list(rows)
        editable = editable and self._edit is not None
        ids = [getattr(r, "id", None) for r in rows]
        if rows and None not in ids and editable == self._editable \
                and ids == [getattr(r, "id", None) for r in self._rows]:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self._editable = editable
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
        if self._editable and col.editable_on(self._rows[index.row()]):
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
            return col.sort(item, value) if col.sort else _sort_key(value)
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.CheckStateRole and col.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = (self._row_colour and self._row_colour(item)) or (col.colour and col.colour(item))
            return QBrush(QColor(resolve(colour))) if colour else None
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
        item = self._rows[index.row()]
        if not col.editable_on(item):
            return False
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
        item = model.row(src.row())
        if col.editor is not None:
            return col.editor(item, parent)
        return make_editor(col.field, parent, model.choices(item, col), in_table=True)

    def setEditorData(self, editor, index):
        model, src = source_of(index)
        set_editor_value(editor, model.columns[src.column()].field, model.value(model.row(src.row()),
                                                                              model.columns[src.column()].key))

    def setModelData(self, editor, model, index):
        model.setData(index, editor_value(editor), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor, option, index):
        fit_editor(editor, option)


def fit_editor(editor: QWidget, option) -> None:
    """Place an in-place editor over its cell, at least as wide as it needs to show its
    value (a date editor in a narrow column is not cut to "2026-12-0"), kept inside the view."""
    rect = option.rect
    width = max(rect.width(), editor.sizeHint().width())
    height = max(rect.height(), min(editor.sizeHint().height(), rect.height() + 6))
    viewport = editor.parentWidget()
    left = rect.left()
    if viewport is not None and left + width > viewport.width():
        left = max(0, viewport.width() - width)
    editor.setGeometry(left, rect.top() - (height - rect.height()) // 2, width, height)


class RowFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; keeps rows whose text contains the filter text (in any
    column, or in the columns *text_keys* names), that pass every value filter (a value
    to equal, or a predicate) and every row filter (a predicate of the whole row)."""

    def __init__(self, parent=None, *, text_keys: Sequence[str] | None = None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._text_keys = tuple(text_keys) if text_keys is not None else None
        self._filters: dict[str, Any] = {}
        self._row_filters: dict[str, RowFn] = {}

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

    def _put(self, filters: dict[str, Any], key: str, value: Any) -> None:
        """Set one filter, or clear it when *value* is None, and filter again."""
        def change():
            if value is None:
                filters.pop(key, None)
            else:
                filters[key] = value
        self._refilter(change)

    def set_filter(self, key: str, wanted: Any) -> None:
        """Keep rows whose *key* value equals *wanted* (or ``wanted(value)`` is true); None clears."""
        self._put(self._filters, key, wanted)

    def set_row_filter(self, name: str, accept: RowFn | None) -> None:
        """Keep rows for which ``accept(row)`` is true (a rule on several fields, or on
        something the page knows, such as its as-of date); None clears the filter *name*."""
        self._put(self._row_filters, name, accept)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model: RowTableModel = self.sourceModel()
        item = model.row(source_row)
        for key, wanted in self._filters.items():
            value = model.value(item, key)
            if not (wanted(value) if callable(wanted) else value == wanted):
                return False
        if not all(accept(item) for accept in self._row_filters.values()):
            return False
        if self._text:
            cols = (range(model.columnCount()) if self._text_keys is None
                    else [model.column_index(k) for k in self._text_keys])
            texts = (model.index(source_row, c).data() or "" for c in cols)
            return any(self._text in t.casefold() for t in texts)
        return True


def row_table(model: RowTableModel, proxy: QSortFilterProxyModel, name: str, *,
              row_height: int | None = None, on_delete: Callable[[], None] | None = None,
              stretch: str | None = None) -> QTableView:
    """The table every row list uses: sortable through *proxy*, one row selected at a time,
    edited in place by ``RowDelegate``, each column at its declared width; the Delete key
    calls *on_delete*. The column *stretch* (a key) takes the width the table has to spare
    (never less than its declared width); without one, the last column does."""
    proxy.setSourceModel(model)
    table = QTableView()
    table.setObjectName(name)
    table.setModel(proxy)
    table.setItemDelegate(RowDelegate(table))
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    if row_height is not None:
        table.verticalHeader().setDefaultSectionSize(row_height)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    for i, col in enumerate(model.columns):
        table.setColumnWidth(i, col.width)
    if stretch is not None:
        StretchColumn(table, model.column_index(stretch), model.columns[model.column_index(stretch)].width)
    if on_delete is not None:
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), table, on_delete,
                  context=Qt.ShortcutContext.WidgetShortcut)
    return table


class StretchColumn(QObject):
    """Gives one column of *table* the width its viewport has to spare, on every resize."""

    def __init__(self, table: QTableView, column: int, least: int):
        super().__init__(table)
        self.table, self.column, self.least = table, column, least
        table.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            others = sum(self.table.columnWidth(c) for c in range(self.table.model().columnCount())
                         if c != self.column and not self.table.isColumnHidden(c))
            self.table.setColumnWidth(self.column, max(self.least, obj.width() - others))
        return False


def table_page(table: QTableView, tools: Sequence[QWidget | int], below: QWidget | None = None) -> QWidget:
    """A tab holding a tool bar over *table* (the first tool stretches; a number is a gap)
    and, when given, a line *below* it."""
    bar = QHBoxLayout()
    bar.setSpacing(4)
    for i, tool in enumerate(tools):
        if isinstance(tool, int):
            bar.addSpacing(tool)
        else:
            bar.addWidget(tool, 1 if i == 0 else 0)
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addLayout(bar)
    layout.addWidget(table, 1)
    if below is not None:
        layout.addWidget(below)
    return page


def selected_row(table: QTableView):
    """The row (dataclass) behind the table's current index, through its proxies; None
    when nothing is selected."""
    index = table.currentIndex()
    if not index.isValid():
        return None
    model, src = source_of(index)
    return model.row(src.row())
