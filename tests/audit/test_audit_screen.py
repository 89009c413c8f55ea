"""What a user sees on the Audit page (issue 15): readable in the light and the dark scheme,
a layout that holds still and fits a 1024×700 window, charts whose colours and orders read
at a glance, a busy cursor and a status-bar line for slow moments, and "Attack this" that
keeps its milestone inside the Audit step (asking before it extends the step)."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from models.audit import store
from models.plan import service as svc
from tests.audit.conftest import STAGES, log
from tests.common.screens import PAGE_BUDGET, READABLE, fits, scheme, text_colour
from views.audit.charts import CELL_INKS, KIND_SHADES, cell_ink, draw_heatmap, flow_colours, heatmap_matrix
from views.audit.tables import AgeingModel, HandoffFigureModel, StageMapModel, StageRow
from views.common.palette import contrast, hex_of, is_dark

TODAY = date(2026, 3, 16)


@pytest.fixture(params=[False, True], ids=["light", "dark"])
def dark(request, qapp):
    with scheme(qapp, request.param):
        assert is_dark() == request.param
        yield request.param


@pytest.fixture
def make_page(make_audit_page):
    return lambda ws, today=TODAY, tasks=False: make_audit_page(ws, today=today, tasks=tasks, size=PAGE_BUDGET)


def painted_ground(image, widget: QWidget, page: QWidget):
    """The colour most painted along the bottom row of *widget* on the page's image (its ground)."""
    top_left = widget.mapTo(page, QPoint(0, 0))
    y = top_left.y() + widget.height() - 1
    xs = range(top_left.x() + 1, top_left.x() + widget.width() - 1, max(1, widget.width() // 20))
    return Counter(image.pixelColor(x, y).name() for x in xs).most_common(1)[0][0]


def readable_labels(page: QWidget) -> list[tuple[str, float]]:
    """(text, contrast with the ground it is painted on) of every visible label with text."""
    page.repaint()
    image = page.grab().toImage()
    out = []
    for label in page.findChildren(QLabel):
        if label.isVisibleTo(page) and label.text().strip() and label.width() > 4 and label.height() > 4 \
                and label.visibleRegion().boundingRect().size() == label.size():
            out.append((label.text()[:40], contrast(text_colour(label), painted_ground(image, label, page))))
    return out


# --------------------------------------------------------------------------- dark mode

def test_the_page_reads_in_both_schemes(make_page, ws, loaded, dark):
    page = make_page(ws)
    assert page.figures_row.isVisible()
    pairs = readable_labels(page)
    assert len(pairs) >= 10  # title, goal, source, figures, proposal, checklist…
    unreadable = [(text, round(c, 2)) for text, c in pairs if c < READABLE]
    assert not unreadable, (dark, unreadable)
    # the figure panels are the scheme's surface, never a light card under light text
    panel = page.silo_figure
    image = page.grab().toImage()
    assert painted_ground(image, panel.caption, page) == hex_of("surface", dark)
    assert contrast(text_colour(panel.value), hex_of("surface", dark)) >= READABLE


def test_tinted_rows_keep_their_text_readable(qapp, dark):
    from models.audit.ageing import AgeingItem
    from models.audit.analysis import HandoffFigure

    handoffs = HandoffFigureModel()
    handoffs.set_rows([HandoffFigure("Design", "IT", 1, 5.0, 5.0, 5.0)])
    stages = StageMapModel()
    stages.set_rows([StageRow("Waiting", "", "queue", 3, True)])
    ageing = AgeingModel()
    ageing.set_rows([AgeingItem("A-1", "Waiting", "IT", "queue", 40.0, 3.0, True)])
    for model, column, role in ((handoffs, 0, "warning-bg"), (stages, 1, "danger-bg"), (ageing, 0, "danger-bg")):
        index = model.index(0, column)
        ground = index.data(Qt.ItemDataRole.BackgroundRole).color()
        text = index.data(Qt.ItemDataRole.ForegroundRole).color()
        assert ground.name() == hex_of(role, dark)
        assert text.name() == hex_of("text", dark)
        assert contrast(text, ground) >= READABLE, (type(model).__name__, dark)


def test_kinds_in_the_status_table_are_coloured_by_role(qapp, dark):
    from models.audit.analysis import StatusFigure
    from views.audit.tables import StatusFigureModel

    model = StatusFigureModel()
    model.set_rows([StatusFigure(kind, "IT", kind, 1, 1, 1.0, 1.0, 1.0) for kind in ("queue", "active")])
    base = qapp.palette().base().color()
    for r, role in enumerate(("warning", "info")):
        colour = model.index(r, 2).data(Qt.ItemDataRole.ForegroundRole).color()
        assert colour.name() == hex_of(role, dark)
        assert contrast(colour, base) >= READABLE


# --------------------------------------------------------------------------- layout

def test_the_page_fits_a_1024_by_700_window_on_every_tab(make_page, demo_ws):
    page = make_page(demo_ws)
    assert page.figures_row.isVisible()
    for i in range(page.tabs.count()):
        page.tabs.setCurrentIndex(i)
        assert fits(page), (page.tabs.tabText(i), page.minimumSizeHint())
    assert fits(page.whatif_tab) and fits(page.forecast_tab)


def test_long_texts_never_widen_the_page(make_page, ws):
    start = date(2026, 3, 1)
    plan_id = svc.create_plan(ws, svc.PlanDraft(
        name="Long", start=start, timezone="UTC",
        phases={"audit": (start, start + timedelta(days=20), "Find where work stalls " * 30)}))
    long = "Digital experience and conversion optimisation guild " * 3
    store.set_stage_map(ws, plan_id, [st if st.department != "IT" else store.Stage(st.status, long, st.kind)
                                      for st in STAGES])
    store.store_log(ws, plan_id, log(), source="/logs/" + "a-very-long-file-name-" * 8 + ".csv", format="csv",
                    settings={})
    page = make_page(ws)
    assert page.figures_row.isVisible() and long.strip() in page.attack_label.text()
    assert page.phase_label.text().endswith("stalls Find where work stalls")  # whole, cut only on screen
    assert page.minimumSizeHint().width() <= PAGE_BUDGET[0]
    assert page.source_label.minimumSizeHint().width() <= 60 and page.phase_label.minimumSizeHint().width() <= 60


def test_the_tabs_hold_still_when_the_figures_change(qtbot, make_page, ws, loaded):
    """The headline row keeps its height whatever it says (a longer proposal scrolls inside
    its panel), so the tab a user aims at does not move under the pointer."""
    page = make_page(ws)
    before = page.tabs.mapTo(page, QPoint(0, 0))
    row = page.figures_row.height()
    # a stall in a new department: other figures, another proposal, a longer text
    stages = STAGES + [store.Stage("Legal Review", "Legal department", "queue")]
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        store.set_stage_map(ws, loaded, stages)
        store.add_stall(ws, loaded, "C", "Legal Review", "2026-03-02 09:00", "2026-03-09 09:00",
                        "Contract review " * 20)
        page.refresh()
    assert page.silo_figure.value.text() != "8.0 days" or page.attack_label.text()
    assert page.figures_row.height() == row
    assert page.tabs.mapTo(page, QPoint(0, 0)) == before


# --------------------------------------------------------------------------- charts

def test_heatmap_rows_and_columns_list_the_departments_in_one_order(loaded, ws):
    result = store.analyse_plan(ws, loaded)
    rows, cols, _matrix = heatmap_matrix(result, {s.status: s for s in STAGES})
    assert rows[:len(cols)] == cols  # row i is column i: the diagonal runs corner to corner
    assert rows[-1] == "Intake"
    from matplotlib.figure import Figure

    fig = Figure()
    draw_heatmap(fig, result, {s.status: s for s in STAGES})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][:len(cols)] == [t.get_text() for t in ax.get_xticklabels()]


def test_heatmap_numbers_read_on_light_and_dark_cells():
    for ground in ("#fff7ec", "#fdd49e", "#ef6548", "#7f0000"):
        from matplotlib.colors import to_rgba

        ink = cell_ink(to_rgba(ground))
        assert ink in CELL_INKS and contrast(ink, ground) >= READABLE, ground


def test_neighbouring_flow_bands_of_one_kind_differ_clearly():
    """Two statuses of one kind next to each other in the cumulative flow take consecutive
    shades (and the last shade is followed by the first): each pair differs clearly."""
    for kind, shades in KIND_SHADES.items():
        for i, shade in enumerate(shades):
            following = shades[(i + 1) % len(shades)]
            assert contrast(shade, following) >= 2.0, (kind, shade, following)
    stages = {name: store.Stage(name, "D", "queue") for name in ("Design approval", "Legal review", "Dev backlog",
                                                                  "Ready for QA", "QA queue", "Ready to release")}
    colours = flow_colours(list(stages), stages)
    for a, b in zip(colours, colours[1:]):
        assert contrast(a, b) >= 2.0


# --------------------------------------------------------------------------- slow moments

def test_a_busy_cursor_while_the_log_is_analysed_and_a_line_for_the_status_bar(qtbot, make_page, ws, loaded):
    page = make_page(ws, tasks=True)
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert page.cursor().shape() == Qt.CursorShape.ArrowCursor
    messages = []
    page.statusMessage.connect(lambda text, ms: messages.append((text, ms)))
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        store.add_stall(ws, loaded, "C", "Ready for Dev", "2026-03-02 09:00", "2026-03-05 09:00")
        page.refresh()
        assert page.loading and page.cursor().shape() == Qt.CursorShape.BusyCursor
    assert not page.loading and page.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert messages and messages[-1][0].startswith("Audit figures updated: silo tax") and messages[-1][1] > 0


def test_a_forecast_tab_says_in_the_status_bar_when_it_is_ready(qtbot, make_page, ws, loaded):
    page = make_page(ws)
    messages = []
    page.statusMessage.connect(lambda text, _ms: messages.append(text))
    with qtbot.waitSignal(page.forecast_tab.computed, timeout=10000):
        page.tabs.setCurrentWidget(page.forecast_tab)
    assert any(m.startswith("Forecast ready: in 85 % of") for m in messages)
    assert not page.forecast_tab.testAttribute(Qt.WidgetAttribute.WA_SetCursor)  # a child: unset for real


# --------------------------------------------------------------------------- attack this

def audit_end(ws, plan_id) -> date:
    return next(p for p in svc.list_phases(ws, plan_id) if p.step == "audit").end


def audit_milestones(ws, plan_id):
    return [m for m in svc.list_milestones(ws, plan_id) if m.step == "audit"]


def test_attack_this_keeps_the_milestone_inside_the_step(qtbot, make_page, ws, loaded, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No)
    page = make_page(ws)
    end = audit_end(ws, loaded)
    assert TODAY + timedelta(days=store.ATTACK_DAYS) > end  # two weeks from now is after the step
    messages = []
    page.statusMessage.connect(lambda text, _ms: messages.append(text))
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        assert page.attack_proposed()
    assert not asked  # nothing to extend: no question
    [m] = audit_milestones(ws, loaded)
    assert m.due == end and audit_end(ws, loaded) == end
    assert messages[-1].startswith("Attack the Design → IT handoff: a Step-1 milestone due 21 Mar 2026, "
                                   "the Audit step's last day")


def test_attack_this_after_the_step_asks_before_extending_it(qtbot, make_page, ws, loaded, monkeypatch):
    end = audit_end(ws, loaded)
    late = end + timedelta(days=5)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    page = make_page(ws, today=late)
    doc = page.doc

    # No: nothing is stored, the step keeps its end
    assert not page.attack_proposed()
    assert asked and f"ended on {end:%d %b %Y}" in asked[0] and "Extend the Audit step to" in asked[0]
    assert audit_milestones(ws, loaded) == [] and store.get_choice(ws, loaded) is None
    assert audit_end(ws, loaded) == end and doc.undo_stack.count() == 0

    # Yes: the step is extended to hold the milestone, as one undo step
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        assert page.attack_proposed()
    due = late + timedelta(days=store.ATTACK_DAYS)
    [m] = audit_milestones(ws, loaded)
    assert m.due == due and audit_end(ws, loaded) == due
    assert doc.undo_stack.count() == 1
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        doc.undo_stack.undo()
    assert audit_milestones(ws, loaded) == [] and audit_end(ws, loaded) == end
    assert store.get_choice(ws, loaded) is None
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        doc.undo_stack.redo()
    assert [x.id for x in audit_milestones(ws, loaded)] == [m.id] and audit_end(ws, loaded) == due
    assert store.get_choice(ws, loaded).milestone_id == m.id
