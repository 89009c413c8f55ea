"""The Audit page's tables on the generic row kit: what the audit adds to it (header
tips, backgrounds, bold new statuses, date-and-time cells in the plan's zone) and
the declared fields the store validates with."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QStyleOptionViewItem, QWidget

from models.audit.entities import STAGE, STALL, Moment
from models.audit.store import StallInfo
from models.core.fields import FieldError
from models.core.validation import PlanError
from views.audit.tables import (
    MISSING_BACKGROUND,
    SILO_BACKGROUND,
    HandoffFigureModel,
    StageDelegate,
    StageMapModel,
    StageRow,
    StallDelegate,
    StallTableModel,
)
from views.common.rows import SORT_ROLE, RowFilterProxy
from views.common.style import resolve

UTC = timezone.utc
PARIS = timezone(timedelta(hours=1))


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


STALLS = [
    StallInfo(1, 1, "Hero banner", "Ready for Dev", at(2), at(5, 21), "from the agency"),
    StallInfo(2, 1, "Promo rule", "Backlog", at(1), None, ""),
]


def test_moments_read_datetimes_dates_and_iso_text():
    entered, left = STALL.field("entered"), STALL.field("left")
    assert isinstance(entered, Moment) and entered.caption == "Entered"
    assert entered.clean("2026-03-02 09:30") == datetime(2026, 3, 2, 9, 30)
    assert entered.clean(at(2)) == at(2)
    assert left.clean("") is None
    with pytest.raises(PlanError, match="entered is required"):
        entered.clean(None)
    with pytest.raises(PlanError, match="entered must be a date and time such as"):
        entered.clean("next tuesday")
    with pytest.raises(PlanError, match="unknown stall field 'colour'"):
        STALL.clean({"colour": "red"})
    with pytest.raises(FieldError, match="item is required") as err:
        STALL.clean({"item": "  "})
    assert err.value.key == "item"
    assert STAGE.field("kind").choices == ("active", "queue", "done")


def test_the_stage_map_marks_new_statuses_and_missing_departments(qtmodeltester):
    edits = []
    model = StageMapModel(edit=lambda *args: edits.append(args) or True, count_title="Visits")
    model.set_rows([StageRow("Backlog", "Marketing", "queue", 1234), StageRow("QA", " ", "queue", None, True),
                    StageRow("Done", "", "done", 3)])
    qtmodeltester.check(model)
    cell = lambda row, col, role=Qt.ItemDataRole.DisplayRole: model.index(row, col).data(role)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Status", "Department", "Kind", "Visits"]
    assert (cell(0, 2), cell(0, 3), cell(1, 3)) == ("queue (waiting)", "1,234", "")
    assert cell(1, 0, Qt.ItemDataRole.FontRole).bold() and cell(0, 0, Qt.ItemDataRole.FontRole) is None
    assert "New in this file" in cell(1, 0, Qt.ItemDataRole.ToolTipRole)
    assert cell(1, 1, Qt.ItemDataRole.BackgroundRole).color().name() == resolve(MISSING_BACKGROUND)
    assert cell(2, 1, Qt.ItemDataRole.BackgroundRole) is None  # a done status needs no department
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable  # status fixed unless asked
    assert model.setData(model.index(1, 2), "active") and edits == [(1, "kind", "active")]  # by position
    assert model.departments() == ["Marketing"]


def test_the_kind_is_picked_by_its_words(qtbot):
    model = StageMapModel(edit=lambda *args: True)
    model.set_rows([StageRow("Backlog", "Marketing", "queue")])
    host = QWidget()
    qtbot.addWidget(host)
    delegate = StageDelegate(model, host)
    index = model.index(0, 2)
    editor = delegate.createEditor(host, QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox) and not editor.isEditable()
    assert [editor.itemText(i) for i in range(editor.count())] == [
        "active (worked on)", "queue (waiting)", "done (left the flow)"]
    delegate.setEditorData(editor, index)
    assert editor.currentData() == "queue"
    department = delegate.createEditor(host, QStyleOptionViewItem(), model.index(0, 1))
    assert department.isEditable() and department.itemText(0) == "Marketing"


def test_figures_carry_their_header_tips_and_silo_background(qtmodeltester):
    from models.audit.analysis import HandoffFigure

    model = HandoffFigureModel()
    model.set_rows([HandoffFigure("Design", "IT", 1, 5.0, 5.0, 5.0), HandoffFigure("Intake", "IT", 2, 3.0, 1.5, 1.85)])
    qtmodeltester.check(model)
    assert "silo tax" in model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(0, 6).data(Qt.ItemDataRole.BackgroundRole).color().name() == resolve(SILO_BACKGROUND)
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert [model.index(1, c).data() for c in range(7)] == ["Intake", "IT", "no", "2", "3.0", "1.5", "1.9"]


def test_stall_times_show_and_edit_in_the_plan_zone_and_open_stalls_sort_last(qtbot):
    edits = []
    model = StallTableModel(edit=lambda *args: edits.append(args) or True)
    model.set_rows(STALLS, ["Backlog", "Ready for Dev"], tz=PARIS)
    proxy = RowFilterProxy()
    proxy.setSourceModel(model)
    assert model.index(0, 2).data() == "2026-03-02 10:00"  # 09:00 UTC in Paris
    assert model.index(0, 2).data(Qt.ItemDataRole.EditRole) == QDateTime(2026, 3, 2, 10, 0, 0)
    assert model.index(1, 3).data(Qt.ItemDataRole.EditRole) == QDateTime(2026, 3, 1, 10, 0, 0)  # from entered
    assert model.index(1, 4).data(SORT_ROLE) == float("inf") and model.index(0, 4).data(SORT_ROLE) == 3.5
    assert model.index(1, 4).data(Qt.ItemDataRole.TextAlignmentRole) == model.index(0, 4).data(
        Qt.ItemDataRole.TextAlignmentRole)  # "open" aligned as the numbers
    proxy.sort(3, Qt.SortOrder.AscendingOrder)
    assert proxy.index(1, 0).data() == "Promo rule"  # still open: last
    assert model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) == "from the agency"

    assert not model.setData(model.index(0, 2), QDateTime(2026, 3, 2, 10, 0, 0))  # unchanged
    assert model.setData(model.index(0, 2), QDateTime(2026, 3, 2, 11, 0, 0))
    assert edits == [(1, "entered", datetime(2026, 3, 2, 11, 0))]  # naive: the store places it in the zone

    host = QWidget()
    qtbot.addWidget(host)
    delegate = StallDelegate(host)
    editor = delegate.createEditor(host, QStyleOptionViewItem(), model.index(0, 3))
    assert isinstance(editor, QDateTimeEdit)
    delegate.setEditorData(editor, model.index(0, 3))
    assert editor.dateTime() == QDateTime(2026, 3, 5, 22, 0, 0)
    stage = delegate.createEditor(host, QStyleOptionViewItem(), model.index(0, 1))
    assert isinstance(stage, QComboBox) and not stage.isEditable() and stage.count() == 2
    delegate.setEditorData(stage, model.index(0, 1))
    assert stage.currentText() == "Ready for Dev"
