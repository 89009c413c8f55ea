"""The Overview as a user sees it: it fits 1024×700, holds still, reads in the dark
scheme, and its timeline names and separates the milestones."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication

from models.core.feature import ChecklistItem
from models.plan import service as svc
from models.plan.service import MilestoneInfo
from tests.common.screens import READABLE, fits, ground, scheme, show_page, text_colour
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument
from views.common.palette import contrast, hex_of
from views.plan.page import HEADER_HEIGHT, OverviewPage
from views.plan.timeline import STACK, marker_tip, place_markers

@pytest.fixture
def page(qtbot, qapp, demo_ws):
    doc = WorkspaceDocument(demo_ws, FEATURES)
    p = show_page(qtbot, lambda: OverviewPage(doc, lambda: TODAY))
    with qtbot.waitSignal(p.timeline.drawn, timeout=15000):
        pass
    yield p
    doc.deleteLater()


def test_the_overview_fits_a_1024_by_700_window(page):
    assert fits(page), page.minimumSizeHint()
    # a long plan name and meta line never widen the page
    svc.update_plan(page.doc.ws, page.doc.plan_id, {"name": "A very long plan name " * 6,
                                                     "sponsor": "Somebody with a long title " * 4})
    page.doc._plans = None
    page.refresh()
    assert fits(page), page.minimumSizeHint()
    # at that size the milestone table shows most of the plan, not 2.5 rows
    rows = page.table.viewport().height() // page.table.verticalHeader().defaultSectionSize()
    assert rows >= 8


def test_the_table_does_not_move_when_the_checklist_changes(page, qtbot):
    top = page.table.mapTo(page, QPoint(0, 0)).y()
    assert page.checklist.height() == HEADER_HEIGHT
    page.checklist.set_items([ChecklistItem(f"Item {i}", False, "A hint that wraps onto a second line " * 2)
                              for i in range(9)])
    qtbot.wait(20)
    assert page.table.mapTo(page, QPoint(0, 0)).y() == top and page.checklist.height() == HEADER_HEIGHT
    page.checklist.set_items([ChecklistItem("Only one", True, "")])
    qtbot.wait(20)
    assert page.table.mapTo(page, QPoint(0, 0)).y() == top


def test_a_plan_without_milestones_shows_a_neutral_badge(page, qtbot):
    pid = svc.create_plan(page.doc.ws, svc.PlanDraft(name="Fresh", start=TODAY))
    page.doc._plans = None
    page.doc.set_plan(pid)
    page.refresh()
    assert page.rag_badge.text().strip() == "NO MILESTONES"
    assert hex_of("muted", False) in page.rag_badge.styleSheet()
    assert "No milestones yet" in page.rag_reason.text()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_overview_reads_in_both_schemes(page, qapp, qtbot, dark):
    with scheme(qapp, dark):
        page.refresh()
        badge_bg = ground(page.rag_badge)
        assert contrast(text_colour(page.rag_badge), badge_bg) >= READABLE
        assert badge_bg.name() == hex_of("danger", dark)  # the demo is red
        # overdue rows: their tint under every text colour a row can show
        model = page.model
        overdue = [r for r in range(model.rowCount()) if model.is_overdue(model.row(r))]
        assert overdue
        for r in overdue:
            bg = model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole).color()
            assert bg.name() == hex_of("danger-bg", dark)
            for c in range(model.columnCount()):
                fg = model.index(r, c).data(Qt.ItemDataRole.ForegroundRole)
                colour = fg.color() if fg is not None else QColor(hex_of("text", dark))
                assert contrast(colour, bg) >= READABLE, (model.columns[c].key, dark)
        for label in (page.plan_meta, page.day_label, page.rag_reason):
            assert contrast(text_colour(label), QGuiApplication.palette().window().color()) >= READABLE


def _m(i, step, due, status="not started"):
    return MilestoneInfo(i, 1, step, f"Milestone {i}", "Ana", due, status)


def test_milestones_due_the_same_day_are_stacked_not_hidden():
    d = date(2026, 3, 10)
    markers = place_markers([_m(1, "squad", d), _m(2, "squad", d), _m(3, "squad", d), _m(4, "audit", d),
                             _m(5, "squad", d + timedelta(days=1))], {"audit": 2, "squad": 1, "lowcode": 0})
    squad_same_day = sorted(mk.y for mk in markers if mk.milestone.step == "squad" and mk.milestone.due == d)
    assert squad_same_day == [pytest.approx(1 - STACK), pytest.approx(1.0), pytest.approx(1 + STACK)]
    assert {mk.y for mk in markers if mk.milestone.id in (4, 5)} == {2.0, 1.0}  # alone on their day: on the row
    assert len({(mk.x, mk.y) for mk in markers}) == 5


def test_timeline_markers_have_tooltips_and_attention_labels(page):
    fig = page.timeline.figure
    markers = fig.ninety_markers
    assert len(markers) == page.model.rowCount() == 17
    ax = fig.axes[0]
    # the milestones that need attention are named on the chart
    labels = {t.get_text() for t in ax.texts}
    assert any(text.startswith("Data Analyst joins") for text in labels)
    assert not any(text.startswith("Export 6 weeks") for text in labels)  # done: no label
    # the pointer over a marker finds its milestone (through the image stretched to the widget)
    target = next(mk for mk in markers if mk.milestone.title.startswith("Grant production"))
    ratio = fig.dpi / 96.0
    x, y = ax.transData.transform((target.x, target.y)) / ratio
    wx = x * page.timeline.width() / (fig.bbox.width / ratio)
    wy = page.timeline.height() - y * page.timeline.height() / (fig.bbox.height / ratio)
    found = page.timeline.markers_at(wx, wy)
    assert found and found[0].title == target.milestone.title
    assert page.timeline.markers_at(2, 2) == []
    tip = marker_tip(found[0], TODAY)
    assert "Grant production deploy rights" in tip and "overdue by" in tip and "Owner: Ravi Menon" in tip
