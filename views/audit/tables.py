"""Table models of the Audit page, on the one row model of ``views.common.rows``:
the status and handoff figures (read-only, computed columns), the stage map and
the hand-tracked stalls (columns from the fields of ``models.audit.entities``,
edited through a callback, never written by the model), with their editors.

``AuditRowModel`` adds, here, what the kit's columns do not carry yet: a header
tooltip, a background colour, bold text, and the stalls' date-and-time cells
(``Moment`` fields), shown and typed in the plan's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from operator import attrgetter
from typing import Any, Mapping, Sequence

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QDateTimeEdit, QHeaderView, QTableView, QWidget

from models.audit.analysis import KINDS, Stage
from models.audit.entities import MOMENT, STAGE, STALL
from models.audit.store import StallInfo
from views.common.style import resolve
from views.common.rows import (
    Column,
    EditCallback,
    RowDelegate,
    RowFilterProxy,
    RowTableModel,
    column,
    columns,
    computed,
)

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
KIND_TEXT = {"active": "active (worked on)", "queue": "queue (waiting)", "done": "done (left the flow)"}
#: colour roles (views.common.palette): a queue's kind in the warning colour, an active one in info;
#: a silo handoff's row and a missing department on their tints, which keep the table's text readable
QUEUE_COLOUR, ACTIVE_COLOUR = "warning", "info"
SILO_BACKGROUND = "warning-bg"
MISSING_BACKGROUND = "danger-bg"
AT_RISK_BACKGROUND = "danger-bg"
#: a column of this width shares the spare width of its table (the figures' names)
SHARE = 0
NUMBER_WIDTH, TAG_WIDTH = 108, 90


class AuditRowModel(RowTableModel):
    """The kit's row model with header tooltips, background colours and bold text."""

    #: header tooltips by column key
    tips: Mapping[str, str] = {}
    #: columns right-aligned even where a cell holds text ("open")
    right: tuple[str, ...] = ()

    def background(self, item: Any, key: str) -> str | None:
        return None

    def bold(self, item: Any, key: str) -> bool:
        return False

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self.tips.get(self.columns[section].key) if 0 <= section < len(self.columns) else None
        return super().headerData(section, orientation, role)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and 0 <= index.row() < self.rowCount():
            item, key = self.row(index.row()), self.columns[index.column()].key
            if role == Qt.ItemDataRole.BackgroundRole:
                colour = self.background(item, key)
                return QBrush(QColor(resolve(colour))) if colour else None
            if role == Qt.ItemDataRole.ForegroundRole and self.background(item, key):
                # on a tint, the text role of the same scheme: never the palette's text on a foreign ground
                return super().data(index, role) or QBrush(QColor(resolve("text")))
            if role == Qt.ItemDataRole.FontRole:
                if not self.bold(item, key):
                    return None
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.TextAlignmentRole and key in self.right:
                return RIGHT
        return super().data(index, role)


# --------------------------------------------------------------------------- figures (read-only)

def _num(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _figure(key: str, title: str, width: int = SHARE, **kw) -> Column:
    return computed(key, title, attrgetter(key), width=width, **kw)


def _days(key: str, title: str, width: int = NUMBER_WIDTH) -> Column:
    return _figure(key, title, width, display=lambda _row, days: _num(days))


class StatusFigureModel(AuditRowModel):
    tips = {
        "items": "Items that visited this status",
        "visits": "Times items entered it (rework counts again)",
        "total_days": "All items' time here, in calendar days",
        "median_days": "Median of each item's summed time here",
        "p85_days": "85 % of items spent at most this long here",
    }

    def __init__(self, parent=None):
        super().__init__((
            _figure("status", "Status"),
            _figure("department", "Department"),
            _figure("kind", "Kind", TAG_WIDTH, colour=lambda f: QUEUE_COLOUR if f.kind == "queue" else ACTIVE_COLOUR),
            _figure("items", "Items", NUMBER_WIDTH),
            _figure("visits", "Visits", NUMBER_WIDTH),
            _days("total_days", "Total days"),
            _days("median_days", "Median days"),
            _days("p85_days", "85th pct days"),
        ), parent=parent)


class HandoffFigureModel(AuditRowModel):
    tips = {
        "from_department": "Department of the item's last active status (Intake: none yet)",
        "to_department": "Department of the queue status the item waited in",
        "silo": "Waiting between two different departments counts towards the silo tax",
        "total_days": "All items' waiting time at this handoff",
    }

    def __init__(self, parent=None):
        super().__init__((
            _figure("from_department", "From"),
            _figure("to_department", "To"),
            computed("silo", "Silo tax?", lambda h: "yes" if h.is_silo else "no", width=TAG_WIDTH),
            _figure("items", "Items", NUMBER_WIDTH),
            _days("total_days", "Total days"),
            _days("median_days", "Median days"),
            _days("p85_days", "85th pct days"),
        ), parent=parent)

    def background(self, item, key: str) -> str | None:
        return SILO_BACKGROUND if item.is_silo else None


def figure_table(model: RowTableModel, parent=None, sort_key: str | None = None,
                 order: Qt.SortOrder = Qt.SortOrder.DescendingOrder) -> tuple[RowFilterProxy, QTableView]:
    """A read-only figure table: the names (``SHARE`` columns) share the spare width, the
    numbers keep theirs; sorted by *sort_key* (the user may sort again), or left in the
    model's order without one."""
    proxy = RowFilterProxy(parent)
    proxy.setSourceModel(model)
    table = QTableView()
    table.setModel(proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    hh = table.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setStretchLastSection(False)
    for i, c in enumerate(model.columns):
        if c.width == SHARE:
            hh.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        else:
            table.setColumnWidth(i, c.width)
    if sort_key is not None:
        table.setSortingEnabled(True)
        table.sortByColumn(model.column_index(sort_key), order)
    return proxy, table


# --------------------------------------------------------------------------- forecast tabs (read-only)

class AgeingModel(AuditRowModel):
    """Items in progress, oldest first: at-risk rows on the danger background."""

    tips = {
        "age_days": "As-of moment minus the item's first row",
        "in_status_days": "As-of moment minus the item's last row: how long it has sat in its status",
        "at_risk": "Older than the 85th percentile of the finished items' flow times",
    }

    def __init__(self, parent=None):
        super().__init__((
            _figure("item", "Item"),
            _figure("status", "Status", 140),
            _figure("department", "Department", 95),
            _days("age_days", "Age, days", 75),
            _days("in_status_days", "In status", 75),
            computed("at_risk", "At risk?", lambda a: "at risk" if a.at_risk else "", width=70,
                     sort=lambda a, _v: a.at_risk),
        ), parent=parent)

    def background(self, item, key: str) -> str | None:
        return AT_RISK_BACKGROUND if item.at_risk else None

    def bold(self, item, key: str) -> bool:
        return item.at_risk and key == "at_risk"


@dataclass(frozen=True)
class SimRow:
    """One figure of the what-if: measured in the log, simulated as is and to be (mean, low, high)."""

    id: int
    figure: str
    unit: str
    measured: float | None
    as_is: tuple[float | None, float | None, float | None]
    to_be: tuple[float | None, float | None, float | None] | None


def _spread_text(_row, spread) -> str:
    if spread is None or spread[0] is None:
        return "–"
    mean, low, high = spread
    return f"{mean:,.1f} ({low:,.1f}–{high:,.1f})"


def _change(row: SimRow) -> float | None:
    if row.to_be is None or row.to_be[0] is None or row.as_is[0] is None:
        return None
    return row.to_be[0] - row.as_is[0]


def _change_text(row: SimRow, delta: float | None) -> str:
    if delta is None:
        return "–"
    share = f" ({100 * delta / row.as_is[0]:+.0f} %)" if row.as_is[0] else ""
    return f"{delta:+,.1f}{' ' + row.unit if row.unit else ''}{share}"


class SimFigureModel(AuditRowModel):
    tips = {
        "measured": "What the imported log shows",
        "as_is": "Mean over the replications of the log's process as it is (lowest – highest)",
        "to_be": "Mean over the replications with the squad formed (lowest – highest)",
        "change": "To be minus as is",
    }
    right = ("as_is", "to_be", "change")

    def __init__(self, parent=None):
        super().__init__((
            _figure("figure", "Figure"),
            _figure("measured", "Measured", 75, display=lambda _r, v: "–" if v is None else f"{v:,.1f}"),
            _figure("as_is", "As is", 112, display=_spread_text, sort=lambda _r, v: v[0] or 0),
            _figure("to_be", "To be", 112, display=_spread_text, sort=lambda _r, v: (v or (0,))[0] or 0),
            computed("change", "Change", _change, width=104, display=_change_text),
        ), parent=parent)


# --------------------------------------------------------------------------- stage map

@dataclass(frozen=True)
class StageRow:
    """One line of a stage map being edited; ``count`` is how often the log uses it (None: unknown)."""

    status: str
    department: str
    kind: str
    count: int | None = None
    new: bool = False
    #: its position in the map (``StageMapModel.set_rows`` numbers the rows)
    id: int = 0

    def stage(self) -> Stage:
        return Stage(self.status, self.department.strip(), self.kind)


def _needs_department(r: StageRow) -> bool:
    return not r.department.strip() and r.kind != "done"


class StageMapModel(AuditRowModel):
    """Status, department and kind (and how often the log uses each status);
    an edit calls ``edit(position, key, value)``."""

    def __init__(self, edit: EditCallback | None = None, parent=None, *, show_count: bool = True,
                 status_editable: bool = False, count_title: str = "Rows in the log"):
        cols = (
            column(replace(STAGE.field("status"), editable=status_editable),
                   tooltip=lambda r: "New in this file: not yet in the plan's stage map" if r.new else None),
            column(STAGE.field("department"),
                   tooltip=lambda r: ("Which department owns this status? Double-click to type or pick one."
                                      if _needs_department(r) else None)),
            column(STAGE.field("kind"), display=lambda _r, kind: KIND_TEXT.get(kind, kind),
                   editor=lambda _r, parent: kind_combo(parent)),
        )
        if show_count:
            cols += (computed("count", count_title, attrgetter("count"),
                              display=lambda _r, n: "" if n is None else f"{n:,}"),)
        super().__init__(cols, edit, parent)

    def set_rows(self, rows: Sequence[StageRow], editable: bool = True) -> None:
        super().set_rows([replace(r, id=i) for i, r in enumerate(rows)], editable)

    def departments(self) -> list[str]:
        return sorted({d for r in self.rows() if (d := r.department.strip())}, key=str.lower)

    def choices(self, item, col: Column) -> tuple[str, ...]:
        # any department may be typed; those already in the map are offered
        return tuple(self.departments()) if col.key == "department" else super().choices(item, col)

    def background(self, item: StageRow, key: str) -> str | None:
        return MISSING_BACKGROUND if key == "department" and _needs_department(item) else None

    def bold(self, item: StageRow, key: str) -> bool:
        return key == "status" and item.new


def kind_combo(parent: QWidget | None = None) -> QComboBox:
    """The kind picked by its words ("queue (waiting)")."""
    combo = QComboBox(parent)
    for k in KINDS:
        combo.addItem(KIND_TEXT[k], k)
    return combo


class StageDelegate(RowDelegate):
    """The stage map's delegate: the kit's, each editor given by its column."""

    def __init__(self, model: StageMapModel | None = None, parent: QWidget | None = None):
        super().__init__(parent)  # the model is found through the index; callers may still pass it


# --------------------------------------------------------------------------- stalls

def to_qdatetime(dt: datetime) -> QDateTime:
    """An editor's value: *dt*'s wall-clock time, to the minute."""
    return QDateTime(QDate(dt.year, dt.month, dt.day), QTime(dt.hour, dt.minute))


def from_qdatetime(q: QDateTime) -> datetime:
    """A naive datetime from the editor (the store places it in the plan's zone)."""
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def moment_editor(parent: QWidget | None = None, value: datetime | None = None) -> QDateTimeEdit:
    """The editor of a ``Moment`` field, in a table cell or a dialog."""
    editor = QDateTimeEdit(parent)
    editor.setDisplayFormat("yyyy-MM-dd HH:mm")
    editor.setCalendarPopup(True)
    if value is not None:
        editor.setDateTime(to_qdatetime(value))
    return editor


def _open_last(_row, value: datetime | float | None) -> float:
    """Sort by time (or days); an open stall, with no such value, last."""
    if value is None:
        return float("inf")
    return value.timestamp() if isinstance(value, datetime) else float(value)


def stall_days(s: StallInfo) -> float | None:
    """Left minus entered, in days (None while the item is still there)."""
    return None if s.left is None else (s.left - s.entered).total_seconds() / 86400


class StallTableModel(AuditRowModel):
    """Hand-tracked stalls: item, stage, entered, left, days, note; the times in the
    plan's zone (None: the computer's)."""

    tips = {"days": "Left (or the as-of moment) minus entered"}
    right = ("days",)

    def __init__(self, edit: EditCallback | None = None, parent=None):
        moment = {"sort": _open_last, "editor": lambda _s, parent: moment_editor(parent)}
        cols = columns(STALL, stage={"editor": self._stage_combo},
                       entered={"display": self._time_text, **moment},
                       left={"display": lambda s, left: "(still there)" if left is None else self._time_text(s, left),
                             **moment},
                       note={"tooltip": lambda s: s.note or None})
        days = computed("days", "Days", stall_days, width=70, sort=_open_last,
                        display=lambda _s, d: "open" if d is None else f"{d:,.1f}")
        super().__init__(cols[:4] + (days,) + cols[4:], edit, parent)
        self._stages: list[str] = []
        self._tz: tzinfo | None = None

    def set_rows(self, rows: Sequence[StallInfo], stages: Sequence[str] = (), editable: bool = True,
                 tz: tzinfo | None = None) -> None:
        """*stages*: those a stall may sit in; *tz*: the plan's zone, in which times are shown and typed."""
        self._stages = list(stages)
        self._tz = tz
        super().set_rows(rows, editable)

    def _stage_combo(self, _stall, parent: QWidget) -> QComboBox:
        combo = QComboBox(parent)  # a status of the stage map, never typed
        combo.addItems(self._stages)
        return combo

    def _time_text(self, _stall, moment: datetime) -> str:
        return moment.astimezone(self._tz).strftime("%Y-%m-%d %H:%M")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.EditRole and index.isValid() and self.columns[index.column()].kind == MOMENT:
            s = self.row(index.row())  # a still-open stall is edited from its entry time
            return to_qdatetime((getattr(s, self.columns[index.column()].key) or s.entered).astimezone(self._tz))
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if isinstance(value, QDateTime) and index.isValid():
            value = from_qdatetime(value)
            current = getattr(self.row(index.row()), self.columns[index.column()].key)
            if current is not None and current.astimezone(self._tz).replace(
                    tzinfo=None, second=0, microsecond=0) == value:
                return False  # an editor opened and closed unchanged
        return super().setData(index, value, role)


class StallDelegate(RowDelegate):
    """The kit's delegate, passing the moments' date-time editors a ``QDateTime``."""

    def setEditorData(self, editor, index):
        if isinstance(editor, QDateTimeEdit):
            editor.setDateTime(index.data(Qt.ItemDataRole.EditRole))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QDateTimeEdit):
            model.setData(index, editor.dateTime(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
