"""What a user sees on the Squad page (issue 15): figures formatted as people read them,
readable in the light and the dark scheme, a header that holds still and never widens a
1024×700 window, chart labels and bars that never overlap, and a status-bar line after an edit."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.features import PAGES
from models.squad import service as svc
from models.squad.service import CheckInDraft, MemberDraft
from tests.common.screens import PAGE_BUDGET, READABLE, fits, scheme, text_colour
from tests.conftest import TODAY
from views.common.palette import contrast, hex_of, is_dark
from views.squad.chart import bar_width, end_labels
from views.squad.commands import add_squad_row
from views.squad.page import change_text
from views.squad.tables import ChangeTableModel, CheckInTableModel, MemberTableModel

WAIT = 30000


def make_page(doc):
    return next(e for e in PAGES if e.key == "squad").factory()(doc, lambda: TODAY, None)


@pytest.fixture
def page(qtbot, doc):
    p = make_page(doc)
    qtbot.addWidget(p)
    p.resize(*PAGE_BUDGET)
    p.show()
    qtbot.waitExposed(p)
    p.refresh()
    return p


@pytest.fixture(params=[False, True], ids=["light", "dark"])
def dark(request, qapp):
    with scheme(qapp, request.param):
        assert is_dark() == request.param
        yield request.param


def squad_id(doc) -> int:
    return svc.list_squads(doc.ws, doc.plan().id)[0].id


def drawn(qtbot, chart):
    if not chart.drawn_with_data or chart.busy:
        with qtbot.waitSignal(chart.drawn, timeout=WAIT):
            pass


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("x, unit, scale, text", [
    (0.0298, "%", 2.3, "+0.03 pp"),            # percentage points, to the metric's two decimals
    (-0.0298, "%", 2.3, "-0.03 pp"),
    (0.0041, "%", 2.3, "+0.0041 pp"),          # too small for two decimals: two significant digits
    (12.345, "s", 38.5, "+12.35 s"),
    (-152.4, "€", 1204.0, "-152 €"),           # a metric in thousands is read without decimals
    (1.25, "", 120.0, "+1.2"),
    (0.0, "%", 2.3, "+0.00 pp"),
    (None, "%", 2.3, "–"),
])
def test_a_change_of_the_metric_reads_as_people_say_it(x, unit, scale, text):
    assert change_text(x, unit, scale) == text


def test_needed_per_week_is_in_percentage_points(page):
    card = page.cards["rate"]
    assert card.value.text() == "+0.03 pp"
    assert "percentage points (pp)" in card.toolTip() and "the trend so far is +0.03 pp per week" in card.toolTip()


# --------------------------------------------------------------------------- dark mode

def painted_ground(image, widget: QWidget, page: QWidget) -> str:
    top_left = widget.mapTo(page, QPoint(0, 0))
    y = top_left.y() + widget.height() - 1
    xs = range(top_left.x() + 1, top_left.x() + widget.width() - 1, max(1, widget.width() // 20))
    return Counter(image.pixelColor(x, y).name() for x in xs).most_common(1)[0][0]


@pytest.mark.parametrize("tab", ["progress", "review", "charter"])
def test_the_page_reads_in_both_schemes(qtbot, doc, dark, tab):
    page = make_page(doc)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    page.tabs.setCurrentIndex(page._tab_index[tab])
    page.repaint()
    image = page.grab().toImage()
    checked = []
    for label in page.findChildren(QLabel):
        if label.isVisibleTo(page) and label.text().strip() and label.visibleRegion().boundingRect().size() == label.size():
            ground = painted_ground(image, label, page)
            checked.append(label.text()[:30])
            assert contrast(text_colour(label), ground) >= READABLE, (label.text()[:50], dark, ground)
    assert any(t.startswith("⚠ Data Analyst") for t in checked)  # the warnings, in their place
    assert any(t.startswith("Behind") for t in checked)
    if tab == "review":
        assert {"STOP", "Not recorded yet"} <= set(checked)
    assert text_colour(page.cards["on_track"].value).name() == hex_of("danger", dark)


def test_table_colours_read_on_the_tables_ground(qapp, doc, dark):
    st = svc.squad_state(doc.ws, squad_id(doc), TODAY)
    base = qapp.palette().base().color()
    from PySide6.QtCore import Qt

    checked = 0
    for model, rows in ((MemberTableModel(), st.members), (ChangeTableModel(), st.changes),
                        (CheckInTableModel(), st.checkins)):
        if isinstance(model, CheckInTableModel):
            model.set_squad(st.squad, TODAY - timedelta(days=10))  # some rows in the future: greyed
        model.set_rows(rows)
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                brush = model.index(r, c).data(Qt.ItemDataRole.ForegroundRole)
                if brush is not None:
                    checked += 1
                    assert contrast(brush.color(), base) >= READABLE, (type(model).__name__, r, c, dark)
    assert checked >= 10


# --------------------------------------------------------------------------- layout

def test_the_page_fits_a_1024_by_700_window_on_every_tab(page):
    for i in range(page.tabs.count()):
        page.tabs.setCurrentIndex(i)
        assert fits(page), (page.tabs.tabText(i), page.minimumSizeHint())


def test_opening_the_page_never_widens_a_1024_px_window(qtbot, doc):
    svc.update_charter(doc.ws, squad_id(doc), {
        "name": "Increase mobile conversion on every checkout step " * 4,
        "reporting_line": "Revenue (Dana Okafor, Revenue Architect, with the Chief Digital Officer) " * 2})
    svc.add_member(doc.ws, squad_id(doc), MemberDraft("Someone with a long name " * 3,
                                                      "A role nobody has heard of " * 3, "Department " * 5, 10))
    # a second squad with a long name: the squad picker shows
    svc.create_squad(doc.ws, doc.plan().id, svc.SquadDraft(name="Reduce the time from brief to live page " * 3))
    window = QWidget()
    sidebar = QWidget()
    sidebar.setFixedWidth(170)
    row = QHBoxLayout(window)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(sidebar)
    qtbot.addWidget(window)
    window.resize(1024, 700 - 110)
    window.show()
    qtbot.waitExposed(window)
    page = make_page(doc)
    row.addWidget(page, 1)
    page.refresh()
    for i in range(page.tabs.count()):
        page.tabs.setCurrentIndex(i)
        qtbot.wait(10)
        assert (window.width(), window.height()) == (1024, 700 - 110), page.tabs.tabText(i)
        assert page.minimumSizeHint().width() <= PAGE_BUDGET[0], page.tabs.tabText(i)
    assert page.picker.isVisibleTo(page) and page.picker.count() == 2


def test_the_tab_bar_holds_still_after_adding_a_member(qtbot, page, doc):
    """The member covers the missing role: a warning goes, a checklist item ticks, the
    Members tab's count grows; the tab bar stays where the user's pointer is."""
    page.tabs.setCurrentIndex(page._tab_index["member"])
    before = page.tabs.tabBar().mapTo(page, QPoint(0, 0))
    warnings = page.warnings.text()
    assert doc.execute(add_squad_row(doc, "member", squad_id(doc), MemberDraft("Zoe", "Data Analyst", "Finance", 100)))
    qtbot.waitUntil(lambda: page.tabs.tabText(page._tab_index["member"]) == "Members (6)", timeout=WAIT)
    assert page.warnings.text() != warnings and "Data Analyst" not in page.warnings.text()
    assert page.tabs.tabBar().mapTo(page, QPoint(0, 0)) == before
    # the last warning gone too: the place stays, saying so
    for autonomy in svc.squad_state(doc.ws, squad_id(doc), TODAY).autonomy:
        svc.set_autonomy_granted(doc.ws, autonomy.id, True)
    page.refresh()
    assert page.warnings.text().startswith("No role or autonomy warnings") and page.warnings_area.isVisible()
    assert page.tabs.tabBar().mapTo(page, QPoint(0, 0)) == before


def test_an_edit_says_so_in_the_status_bar(qtbot, page, doc, monkeypatch):
    messages = []
    page.statusMessage.connect(lambda text, ms: messages.append((text, ms)))
    from views.squad import page as squad_page

    class Accepting:
        def __init__(self, kind, initial, **_kw):
            self.initial = initial

        def exec(self):
            return squad_page.QDialog.DialogCode.Accepted

        def values(self):
            return {**self.initial, "value": 2.2, "date": TODAY - timedelta(days=2)}

    monkeypatch.setattr(squad_page, "RowDialog", Accepting)
    page.add_row("checkin")
    assert messages[0][0] == "Add check-in: saved. Edit ▸ Undo takes it back." and messages[0][1] > 0
    page.refresh()
    assert messages[-1][0].startswith("Forecast on ") and "(was 2.27 %)" in messages[-1][0]


# --------------------------------------------------------------------------- the chart

def test_target_and_forecast_labels_never_overlap(qtbot, page, doc):
    """A target of 2.27 beside a forecast of 2.27 (issue 15 saw 2.80 and 2.79 print over each other)."""
    svc.update_charter(doc.ws, squad_id(doc), {"target": 2.27})
    page.refresh()
    page.tabs.setCurrentIndex(page._tab_index["progress"])
    drawn(qtbot, page.chart)
    top = page.chart.figure.axes[0]
    labels = [t for t in top.texts if t.get_text().startswith(("target", "forecast"))]
    assert sorted(t.get_text() for t in labels) == ["forecast 2.27", "target 2.27"]
    renderer = page.chart.figure.canvas.get_renderer()
    a, b = (t.get_window_extent(renderer) for t in labels)
    assert not a.overlaps(b)


def test_end_labels_sit_either_side_of_two_close_values():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    for values in ((2.80, 2.79), (2.79, 2.80), (5.0, 5.0), (2.0, 3.0)):
        fig = Figure(figsize=(6, 3))
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot(111)
        ax.set_ylim(2.0, 3.0 if max(values) <= 3 else 6.0)
        ax.set_xlim(0, 10)
        end_labels(ax, 9, [(values[0], "target", "muted"), (values[1], "forecast", "series-2")])
        canvas.draw()
        renderer = canvas.get_renderer()
        a, b = (t.get_window_extent(renderer) for t in ax.texts)
        assert not a.overlaps(b), values


def test_confidence_bars_never_overlap(qtbot, page, doc):
    sid = squad_id(doc)
    last = max(c.date for c in svc.squad_state(doc.ws, sid, TODAY).checkins)
    for days in (1, 2):  # check-ins on consecutive days
        svc.add_checkin(doc.ws, sid, CheckInDraft(last + timedelta(days=days), 2.1, 6, 3))
    page._today = lambda: last + timedelta(days=3)
    page.refresh()
    page.tabs.setCurrentIndex(page._tab_index["progress"])
    drawn(qtbot, page.chart)
    low = page.chart.figure.axes[1]
    spans = sorted((p.get_x(), p.get_x() + p.get_width()) for p in low.patches)
    assert len(spans) == 6
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
    assert bar_width([date(2026, 1, 1), date(2026, 1, 8)]) == 2.5
    assert bar_width([date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 2)]) == pytest.approx(0.7)
