"""The Low-code page as a user sees it: it fits 1024×700, counts in words, lets a
delivered request be marked open again, and its chart keeps counts off the target line."""
from __future__ import annotations

from datetime import timedelta

from matplotlib.colors import to_hex
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from models.lowcode import service as svc
from models.lowcode.service import RequestDraft
from tests.common.screens import READABLE, fits, scheme, show_page
from tests.conftest import TODAY
from views.common.chart_canvas import render
from views.common.palette import contrast, hex_of
from views.lowcode.charts import WeeklyShareChart
from views.lowcode.page import MARK_DELIVERED, MARK_OPEN, LowcodePage, count_of


def shown_page(qtbot, doc) -> LowcodePage:
    return show_page(qtbot, lambda: LowcodePage(doc, lambda: TODAY))


def test_the_page_fits_1024_by_700_with_every_tab(qtbot, demo_doc):
    page = shown_page(qtbot, demo_doc)
    assert fits(page), page.minimumSizeHint()
    for i in range(page.tabs.count()):
        page.tabs.setCurrentIndex(i)
        assert fits(page), (page.tabs.tabText(i), page.minimumSizeHint())


def test_counts_read_as_words(qtbot, doc):
    assert (count_of(1, "request"), count_of(0, "request"), count_of(2, "request")) == (
        "1 request", "0 requests", "2 requests")
    svc.import_requests(doc.ws, doc.plan_id, [RequestDraft("Only one", TODAY - timedelta(days=3))])
    page = shown_page(qtbot, doc)
    assert page.request_count.text() == "1 request. Double-click a cell to edit it."
    assert "steps below" not in page.request_count.text()


def test_a_delivered_request_can_be_marked_open_again(qtbot, doc):
    svc.import_requests(doc.ws, doc.plan_id, [RequestDraft("Ship it", TODAY - timedelta(days=3))])
    page = shown_page(qtbot, doc)
    page.request_table.selectRow(0)
    assert page.deliver_button.text() == MARK_DELIVERED
    page.deliver_button.click()
    qtbot.waitUntil(lambda: svc.list_requests(doc.ws, doc.plan_id)[0].delivered == TODAY, timeout=2000)
    qtbot.waitUntil(lambda: page.deliver_button.text() == MARK_OPEN, timeout=2000)
    page.deliver_button.click()
    qtbot.waitUntil(lambda: svc.list_requests(doc.ws, doc.plan_id)[0].delivered is None, timeout=2000)
    assert doc.undo_stack.undoText() == "Mark request open"
    qtbot.waitUntil(lambda: page.deliver_button.text() == MARK_DELIVERED, timeout=2000)


def test_week_counts_sit_over_the_target_line_on_the_ground(demo_doc):
    state = svc.lowcode_state(demo_doc.ws, demo_doc.plan_id, TODAY)
    chart = WeeklyShareChart()
    for dark in (False, True):
        _image, fig = render(lambda f: chart.draw_state(f, state), 900, 360, dark=dark)
        ax = fig.axes[0]
        target = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
        counts = [t for t in ax.texts if "/" in t.get_text() or t.get_text() == "none"]
        assert counts
        for text in counts:
            box = text.get_bbox_patch()
            assert box is not None and text.get_zorder() > target.get_zorder()
            assert to_hex(box.get_facecolor()) == hex_of("surface", dark)
            assert contrast(to_hex(text.get_color()), hex_of("surface", dark)) >= READABLE


def test_the_ledger_reads_in_the_dark_scheme(qtbot, qapp, demo_doc):
    with scheme(qapp, True):
        page = shown_page(qtbot, demo_doc)
        model = page.request_model
        base = QGuiApplication.palette().base().color()
        coloured = 0
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                fg = model.index(r, c).data(Qt.ItemDataRole.ForegroundRole)
                if fg is not None:
                    coloured += 1
                    assert contrast(fg.color(), base) >= READABLE, model.columns[c].key
        assert coloured > 50
        for card in page.cards.values():
            assert contrast(card.value.palette().color(card.value.foregroundRole()), hex_of("surface", True)) \
                >= READABLE
