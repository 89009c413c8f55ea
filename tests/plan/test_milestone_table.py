"""The Overview's milestone table on the row kit, its dialog, and what one edit costs."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from sqlalchemy import event

from models.plan import service as svc
from models.plan.entities import MILESTONE
from models.plan.info import MILESTONE_STATUSES, STEP_NAMES
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument
from views.plan.commands import EditMilestone
from views.plan.milestone_table import COLUMN_INDEX

TITLE = "Self-serve email sequences live"


@pytest.fixture
def page(qtbot, demo_ws):
    from views.plan.page import OverviewPage

    p = OverviewPage(WorkspaceDocument(demo_ws, FEATURES), lambda: TODAY)
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.model.rowCount() == 17, timeout=5000)
    return p


def cell(page, title, key):
    model = page.model
    row = next(r for r in range(model.rowCount()) if model.milestone(r).title == title)
    return page.proxy.mapFromSource(model.index(row, COLUMN_INDEX[key]))


def stored(page, title=TITLE):
    return next(m for m in svc.list_milestones(page.doc.ws, page.doc.plan_id) if m.title == title)


def choose(page, qtbot, title, key, pick) -> list[str]:
    """Open the cell's combo box, let *pick* choose, commit; return the items it offered."""
    page.table.edit(cell(page, title, key))
    combo = page.table.findChild(QComboBox)
    items = [combo.itemText(i) for i in range(combo.count())]
    pick(combo)
    page.table.commitData(combo)
    page.table.closeEditor(combo, page.table.itemDelegate().EndEditHint.NoHint)
    qtbot.waitUntil(lambda: page.table.findChild(QComboBox) is None, timeout=2000)
    return items


def test_columns_come_from_the_declared_fields(page):
    cols = page.model.columns
    assert [c.title for c in cols] == ["Step", "Milestone", "Owner", "Due", "Baseline", "Slip", "Status",
                                       "Done on", "Depends on", "Notes"]
    assert all(c.field is MILESTONE.field(c.key) for c in cols if c.key != "slip_days")
    flags = page.model.flags(page.model.index(0, COLUMN_INDEX["baseline_due"]))
    assert not flags & Qt.ItemFlag.ItemIsEditable  # declared not editable


def test_step_and_dependency_are_chosen_by_name(page, qtbot):
    items = choose(page, qtbot, TITLE, "step", lambda c: c.setCurrentIndex(1))
    assert items == ["Audit bottlenecks", "Pilot one squad", "Empower with low-code"]
    assert stored(page).step == "squad"
    assert page.doc.undo_stack.undoText() == "Edit step"
    items = choose(page, qtbot, TITLE, "depends_on_id", lambda c: c.setCurrentIndex(1))
    assert items[0] == "(none)" and len(items) == 17 and TITLE not in items  # every other milestone
    assert stored(page).depends_on_id is not None
    qtbot.waitUntil(lambda: cell(page, TITLE, "depends_on_id").data() == items[1], timeout=2000)
    choose(page, qtbot, TITLE, "status", lambda c: c.setCurrentIndex(c.findText("done")))
    assert stored(page).status == "done"


def test_steps_and_statuses_sort_in_their_own_order(page):
    page.table.sortByColumn(COLUMN_INDEX["step"], Qt.SortOrder.AscendingOrder)
    steps = [page.proxy.index(r, COLUMN_INDEX["step"]).data() for r in range(page.proxy.rowCount())]
    assert steps == sorted(steps)  # "1 Audit" < "2 Squad" < "3 Low-code", not alphabetical keys
    page.table.sortByColumn(COLUMN_INDEX["status"], Qt.SortOrder.AscendingOrder)
    statuses = [page.model.milestone(page.proxy.mapToSource(page.proxy.index(r, 0)).row()).status
                for r in range(page.proxy.rowCount())]
    assert statuses == sorted(statuses, key=MILESTONE_STATUSES.index)


def test_overdue_rows_are_tinted_and_say_by_how_much(page):
    overdue = [r for r in range(page.model.rowCount()) if page.model.is_overdue(page.model.milestone(r))]
    assert len(overdue) == 3
    title = page.model.index(overdue[0], COLUMN_INDEX["title"])
    assert title.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fdecea"
    assert title.data(Qt.ItemDataRole.ToolTipRole).startswith("Overdue by")
    assert page.model.index(overdue[0], COLUMN_INDEX["status"]).data().endswith("(overdue)")
    step = page.model.index(overdue[0], COLUMN_INDEX["step"])
    assert step.data(Qt.ItemDataRole.ToolTipRole) in STEP_NAMES.values()  # the step's name, overdue or not


def test_filter_by_step(page):
    page.filter_step.setCurrentIndex(page.filter_step.findData("audit"))
    assert page.proxy.rowCount() == 5
    page.filter_status.setCurrentIndex(page.filter_status.findData("overdue"))
    assert page.proxy.rowCount() == 0


def test_add_milestone_dialog_shows_step_names_and_gives_a_draft(qtbot):
    from views.plan.dialogs import AddMilestoneDialog

    dialog = AddMilestoneDialog(date(2026, 4, 1))
    qtbot.addWidget(dialog)
    assert not dialog._ok.isEnabled()  # the title is required
    dialog.editors["title"].setText(" Re-run the audit ")
    dialog.editors["step"].setCurrentIndex(2)
    assert dialog.editors["step"].currentText() == "Empower with low-code"
    assert dialog._ok.isEnabled()
    assert dialog.draft() == svc.MilestoneDraft(step="lowcode", title="Re-run the audit", due=date(2026, 4, 1))


def test_an_edit_and_the_overviews_redraw_are_few_transactions(page, qtbot):
    """The edit is one write (it reports its new values, nothing is read back); the redraw
    reads the phases and milestones in one go, plus one read per feature's Overview check."""
    m = stored(page)
    begins = []
    event.listen(page.doc.ws.engine, "begin",
                 lambda _c: begins.append(1) if threading.current_thread() is threading.main_thread() else None)
    assert page.doc.execute(EditMilestone(page.doc, m.id, {"owner": "Kim"}, "Edit owner"))
    assert len(begins) == 1
    begins.clear()
    page.refresh()
    checks = sum(len(f.overview_checks) for f in FEATURES)
    assert len(begins) == 1 + checks


def test_edit_milestone_reports_before_and_after(demo_ws):
    plan = svc.find_plan(demo_ws)
    m = next(x for x in svc.list_milestones(demo_ws, plan.id) if x.title == TITLE)
    edit = svc.edit_milestone(demo_ws, m.id, {"status": "done", "owner": m.owner}, today=date(2026, 3, 20))
    assert edit.before == {"status": m.status, "done_date": None}  # the owner did not change
    assert edit.after == {"status": "done", "done_date": date(2026, 3, 20)}
    view = svc.plan_view(demo_ws, plan.id)
    assert view.milestones == svc.list_milestones(demo_ws, plan.id)
    assert view.phases == svc.list_phases(demo_ws, plan.id)


def test_timeline_date_labels_thin_out_on_a_narrow_axis():
    from views.plan.timeline import TICK_LABEL_PX, tick_weeks

    assert tick_weeks(100, 900) == 2  # every second Monday while each label has its room
    narrow = tick_weeks(100, 420)
    assert narrow > 2 and 100 / (7 * narrow) * TICK_LABEL_PX <= 420  # fewer, each with its room
    assert tick_weeks(100, 0) == 2  # no size known yet: the usual ticks
