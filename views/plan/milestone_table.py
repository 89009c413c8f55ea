"""The milestone table: the kit's row model, delegate and proxy (``views.common.rows``)
over ``MilestoneInfo`` rows, with columns from the declared fields
(``models.plan.entities.MILESTONE``) plus what is the Overview's own: step and
status order, status colours, overdue rows, slip, the dependency by title.

The model never writes: an edit goes to a callback (the page turns it into an
undo step) and the rows are replaced when the document changes.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from models.plan.entities import MILESTONE
from models.plan.info import MILESTONE_STATUSES, STEP_NAMES, STEP_SHORT_NAMES, STEPS, MilestoneInfo
from views.common.rows import (
    ID_ROLE,
    EditCallback,
    RowDelegate,
    RowFilterProxy,
    RowTableModel,
    column,
    computed,
    source_of,
)
from views.common.style import resolve
from views.plan.labelled import keyed_combo, pick

#: the colour role of each status's text and marker (views.common.palette)
STATUS_ROLES = {
    "done": "ok",
    "in progress": "info",
    "not started": "muted",
    "blocked": "danger",
}
OVERDUE_BACKGROUND = "danger-bg"
LATE, EARLY = "danger", "ok"


def _slip_text(_m, days: int | None) -> str:
    return "" if days is None else (f"+{days}" if days > 0 else str(days))


#: the columns, in order: the declared fields, with the computed slip after the baseline
COLUMN_KEYS = ("step", "title", "owner", "due", "baseline_due", "slip_days", "status", "done_date",
               "depends_on_id", "notes")
COLUMN_INDEX = {key: i for i, key in enumerate(COLUMN_KEYS)}


class MilestoneTableModel(RowTableModel):
    def __init__(self, edit: EditCallback | None = None, parent=None):
        options = {
            "step": {"display": lambda _m, step: STEP_SHORT_NAMES[step], "sort": lambda m, _v: STEPS.index(m.step),
                     "width": 78},
            "title": {"width": 250},
            "owner": {"width": 105},
            "status": {"display": lambda m, status: f"{status} (overdue)" if self.is_overdue(m) else status,
                       "colour": lambda m: STATUS_ROLES[m.status],
                       "sort": lambda m, _v: MILESTONE_STATUSES.index(m.status), "width": 138},
            "depends_on_id": {"width": 140,
                              "display": lambda _m, mid: self._titles.get(mid, "") if mid else "",
                              "sort": lambda _m, mid: self._titles.get(mid, "").lower() if mid else ""},
            "notes": {"tooltip": lambda m: m.notes or None, "width": 160},
        }
        slip = computed("slip_days", "Slip", lambda m: m.slip_days, display=_slip_text, width=52,
                        tooltip=lambda m: None if m.baseline_due is None else
                        f"Due {m.due:%d %b} against the baseline {m.baseline_due:%d %b}: "
                        f"{_slip_text(m, m.slip_days) or '0'} days",
                        colour=lambda m: (LATE if m.slip_days > 0 else EARLY) if m.slip_days else None,
                        sort=lambda _m, days: -10**9 if days is None else days)
        super().__init__(tuple(slip if key == "slip_days" else column(MILESTONE.field(key), **options.get(key, {}))
                               for key in COLUMN_KEYS), edit, parent, row_tooltip=self._overdue_tip)
        self._titles: dict[int, str] = {}
        self._as_of = date.today()

    # ----------------------------------------------------------------- data in
    def set_rows(self, rows: Sequence[MilestoneInfo], as_of: date, editable: bool = True) -> None:
        self._titles = {m.id: m.title for m in rows}
        self._as_of = as_of
        super().set_rows(rows, editable)

    def milestone(self, row: int) -> MilestoneInfo:
        return self.row(row)

    def titles(self) -> dict[int, str]:
        return dict(self._titles)

    def is_overdue(self, m: MilestoneInfo) -> bool:
        return m.is_overdue(self._as_of)

    def _overdue_tip(self, m: MilestoneInfo) -> str | None:
        return f"Overdue by {(self._as_of - m.due).days} days" if self.is_overdue(m) else None

    # ----------------------------------------------------------------- Qt API
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < self.rowCount()):
            return None
        m = self.row(index.row())
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.BackgroundRole and self.is_overdue(m):
            return QBrush(QColor(resolve(OVERDUE_BACKGROUND)))
        if role == Qt.ItemDataRole.ToolTipRole and key == "step":
            return STEP_NAMES[m.step]  # the full name, overdue or not
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "depends_on_id":
            return None  # a title, though the value is an id
        return super().data(index, role)


class MilestoneFilterProxy(RowFilterProxy):
    """The kit's proxy: text in the title, owner or notes; a step; a status, or "overdue"."""

    def __init__(self, parent=None):
        super().__init__(parent, text_keys=("title", "owner", "notes"))

    def set_step(self, step: str | None) -> None:
        self.set_filter("step", step)

    def set_status(self, status: str | None) -> None:
        if status == "overdue":
            self.set_row_filter("status", lambda m: self.sourceModel().is_overdue(m))
        else:
            self.set_row_filter("status", None if status is None else lambda m: m.status == status)


class MilestoneDelegate(RowDelegate):
    """The kit's editors from the declared fields, except that the step and the dependency
    are chosen by name and stored by key and id."""

    def __init__(self, model: MilestoneTableModel, parent=None):
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent, option, index):
        key = self._key(index)
        if key == "step":
            return keyed_combo(parent, {s: STEP_NAMES[s] for s in STEPS})
        if key == "depends_on_id":
            own_id = index.data(ID_ROLE)
            others = sorted(((mid, title) for mid, title in self._model.titles().items() if mid != own_id),
                            key=lambda kv: kv[1].lower())
            return keyed_combo(parent, {None: "(none)", **dict(others)})
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        if self._key(index) in ("step", "depends_on_id"):
            pick(editor, index.data(Qt.ItemDataRole.EditRole))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if self._key(index) in ("step", "depends_on_id"):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    @staticmethod
    def _key(index) -> str:
        model, src = source_of(index)
        return model.columns[src.column()].key
