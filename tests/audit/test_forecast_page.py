"""The Audit page's Forecast, Ageing and What-if tabs and the silo tax in money, driven
as a user would on a small hand-made log in a real workspace; every figure shown is
checked against the model's own computation, and the constant-pace case by hand.

The log (UTC; plan starting 1 March 2026, so day 90 is 29 May):
  C10a, C10b, … C16a, C16b: two items reach Done at noon on each day from 10 to 16
  March (C…b are Bugs, C…a Stories), each after 6 to 9 days of Backlog → Brief →
  Ready for Dev → Build → Ready for Design → Design.
  OLD-1 waits in Ready for Dev since 3 February; NEW-1 … NEW-4 started 12-15 March.
As of 16 March 12:00 (the latest row), with a 7-day window the pace is exactly 2 a
day: by 29 May (74 days later) 148 items at every confidence; the 5 open items are
done in 3 days, on 19 March, at every confidence. OLD-1 (43.5 days old) is the one
item older than the 85th percentile of the flow times: at risk.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QWidget

from desktop.tasks import TaskRunner
from models.audit import Stage, Transition, store
from models.audit.forecast import CONFIDENCE
from models.audit.forecast_store import (
    get_cost_of_delay,
    list_scenarios,
    plan_forecast,
    plan_silo_money,
    plan_whatif,
)
from models.audit.money import CostOfDelay
from models.plan import service as psvc
from views.audit.dialogs import CostOfDelayDialog
from views.audit.forecast_charts import CONFIDENCE_ROLES, ageing_points
from views.audit.log_jobs import LatestJob, PlanLogCache
from views.audit.page import money_text
from views.common.chart_canvas import ink
from views.common.palette import hex_of, is_dark

UTC = timezone.utc
TODAY = date(2026, 3, 17)
STAGES = [
    Stage("Backlog", "Marketing", "queue"),
    Stage("Brief", "Marketing", "active"),
    Stage("Ready for Dev", "IT", "queue"),
    Stage("Build", "IT", "active"),
    Stage("Ready for Design", "Design", "queue"),
    Stage("Design", "Design", "active"),
    Stage("Done", "IT", "done"),
]
WAIT = 30000


def at(day: int, hour: int = 0) -> datetime:
    """Day *day* of March 2026, UTC."""
    return datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=day - 1, hours=hour)


def _item(rows: list[Transition], name: str, steps, kind: str | None = None) -> None:
    prev = None
    for moment, status in steps:
        rows.append(Transition(name, moment, prev, status, None, kind))
        prev = status


def log() -> list[Transition]:
    rows: list[Transition] = []
    for k, day in enumerate(range(10, 17)):
        for j in range(2):
            start, done = at(day - 6 - (k + j) % 4), at(day, 12)
            _item(rows, f"C{day}{'ab'[j]}", [
                (start, "Backlog"), (start + timedelta(hours=12), "Brief"), (start + timedelta(days=1), "Ready for Dev"),
                (start + timedelta(days=3, hours=12), "Build"), (done - timedelta(days=1), "Ready for Design"),
                (done - timedelta(hours=12), "Design"), (done, "Done")], "Bug" if j else "Story")
    _item(rows, "OLD-1", [(datetime(2026, 2, 1, tzinfo=UTC), "Backlog"), (datetime(2026, 2, 3, tzinfo=UTC), "Ready for Dev")])
    _item(rows, "NEW-1", [(at(15), "Backlog"), (at(15, 12), "Brief")])
    _item(rows, "NEW-2", [(at(14), "Backlog"), (at(15), "Ready for Dev")])
    _item(rows, "NEW-3", [(at(13), "Backlog"), (at(14), "Build")])
    _item(rows, "NEW-4", [(at(12), "Backlog"), (at(16, 6), "Ready for Design")])
    return rows


def mixed_log() -> list[Transition]:
    """Three items done in 2 days and two in 20: the simulation mixes their visits, so its
    median (about 9 days) is far from the measured 2 days and the model check fails."""
    rows = []
    for k in range(5):
        step = timedelta(days=10 if k >= 3 else 1)
        for i, status in enumerate(("Backlog", "Brief", "Done")):
            rows.append(Transition(f"M{k}", at(1 + k) + i * step, None, status))
    rows.append(Transition("LATE", at(40), None, "Backlog"))
    return rows


def make_plan(ws, rows, name="Forecast page test") -> int:
    plan_id = psvc.create_plan(ws, psvc.PlanDraft(name=name, start=date(2026, 3, 1), timezone="UTC"))
    store.set_stage_map(ws, plan_id, STAGES)
    store.store_log(ws, plan_id, rows, source="/logs/pace.csv", format="csv", settings={})
    return plan_id


@pytest.fixture
def plan(ws):
    return make_plan(ws, log())


@pytest.fixture
def make_page(make_audit_page):
    return lambda ws: make_audit_page(ws, today=TODAY, size=(1300, 850))


def open_tab(qtbot, page, tab):
    """Show *tab* and wait for its figures."""
    with qtbot.waitSignal(tab.computed, timeout=WAIT):
        page.tabs.setCurrentWidget(tab)
    settle(qtbot, tab)


def settle(qtbot, tab):
    """Wait until the tab shows figures for its current inputs."""
    qtbot.waitUntil(lambda: not tab.busy, timeout=WAIT)


def drawn(qtbot, chart):
    if not chart.drawn_with_data or chart.busy:
        with qtbot.waitSignal(chart.drawn, timeout=WAIT):
            pass
    return chart.figure


def refreshed(qtbot, page, action):
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        return action()


# --------------------------------------------------------------------------- Forecast tab

def test_constant_pace_gives_exact_figures_equal_to_the_model(qtbot, make_page, ws, plan):
    page = make_page(ws)
    tab = page.forecast_tab
    assert page.tabs.isTabVisible(page.tabs.indexOf(tab))
    open_tab(qtbot, page, tab)
    # the defaults: the plan's day 90, the open items, a 42-day window, 10,000 trials, seed 90
    assert tab.until.date() == QDate(2026, 5, 29) and not tab.day90_button.isEnabled()
    assert tab.items.value() == 5 and tab.window.value() == 42 and tab.trials.value() == 10_000
    model = plan_forecast(ws, plan)
    assert tab.forecast == model
    for q in CONFIDENCE:
        assert tab.how_many_cells[q].text() == f"at least {getattr(model.how_many, f'p{q}'):,}"

    tab.window.setValue(7)  # the last 7 days: exactly 2 items a day
    qtbot.waitUntil(lambda: tab.forecast is not None and tab.forecast.throughput.window_days == 7, timeout=WAIT)
    settle(qtbot, tab)
    assert tab.forecast == plan_forecast(ws, plan, window_days=7)
    assert tab.forecast.throughput.counts == (2,) * 7
    assert tab.how_many_head.text() == "Items done by 29 May 2026"
    assert tab.when_head.text() == "5 items done by"
    assert [tab.how_many_cells[q].text() for q in CONFIDENCE] == ["at least 148"] * 3  # 74 days x 2
    assert [tab.when_cells[q].text() for q in CONFIDENCE] == ["19 Mar 2026 (3 d)"] * 3  # 5 items at 2 a day
    assert "As of 16 Mar 2026 12:00" in tab.pace_label.text()
    assert "14 items done in the 7 days 10 Mar – 16 Mar 2026, 2.00 a day" in tab.pace_label.text()
    assert not tab.note_label.isVisible()


def test_the_date_and_the_items_are_inputs_with_a_way_back(qtbot, make_page, ws, plan):
    page = make_page(ws)
    tab = page.forecast_tab
    open_tab(qtbot, page, tab)
    tab.window.setValue(7)
    tab.items.setValue(4)
    tab.until.setDate(QDate(2026, 3, 20))
    qtbot.waitUntil(lambda: tab.forecast.how_many.until == date(2026, 3, 20) and tab.forecast.when.items == 4,
                    timeout=WAIT)
    settle(qtbot, tab)
    assert tab.forecast == plan_forecast(ws, plan, window_days=7, until=date(2026, 3, 20), items=4)
    assert tab.how_many_cells[85].text() == "at least 8"  # 4 days after 16 March, 2 a day
    assert tab.when_cells[95].text() == "18 Mar 2026 (2 d)"
    assert tab.day90_button.isEnabled() and tab.open_button.isEnabled()
    tab.day90_button.click()
    tab.open_button.click()
    qtbot.waitUntil(lambda: tab.forecast.how_many.until == date(2026, 5, 29) and tab.forecast.when.items == 5,
                    timeout=WAIT)
    settle(qtbot, tab)
    assert tab.items.value() == 5 and tab.until.date() == QDate(2026, 5, 29)
    assert not tab.day90_button.isEnabled() and not tab.open_button.isEnabled()
    # a date that is not after the as-of date: nothing more to forecast, and the tab says so
    tab.until.setDate(QDate(2026, 3, 16))
    qtbot.waitUntil(lambda: tab.forecast.how_many.days == 0, timeout=WAIT)
    settle(qtbot, tab)
    assert tab.how_many_cells[50].text() == "at least 0"
    assert tab.note_label.isVisible() and "is not after the as-of date" in tab.note_label.text()


def test_a_window_without_completions_gives_no_dates_and_says_why(qtbot, make_page, ws, plan):
    page = make_page(ws)
    tab = page.forecast_tab
    open_tab(qtbot, page, tab)
    tab.seed.setValue(7)
    qtbot.waitUntil(lambda: tab.forecast.seed == 7, timeout=WAIT)
    settle(qtbot, tab)
    assert tab.forecast == plan_forecast(ws, plan, seed=7)
    # move the as-of moment out of reach: a log whose last completion is weeks before it
    store.store_log(ws, plan, [t for t in log() if t.item.startswith(("OLD", "NEW"))]
                    + [Transition("LATE", at(80), None, "Backlog")], source="/logs/late.csv", format="csv",
                    settings={})
    refreshed(qtbot, page, page.schedule_refresh)
    qtbot.waitUntil(lambda: tab.forecast is not None and tab.forecast.throughput.completed == 0, timeout=WAIT)
    settle(qtbot, tab)
    assert [tab.when_cells[q].text() for q in CONFIDENCE] == ["no date"] * 3
    assert tab.note_label.isVisible()
    assert tab.note_label.text() == tab.forecast.when.reason and "No item was completed" in tab.note_label.text()


def test_the_forecast_chart_marks_the_three_percentiles_and_runs_the_window(qtbot, make_page, ws, plan):
    page = make_page(ws)
    tab = page.forecast_tab
    open_tab(qtbot, page, tab)
    tab.window.setValue(10)
    qtbot.waitUntil(lambda: tab.forecast.throughput.window_days == 10, timeout=WAIT)
    settle(qtbot, tab)
    fig = drawn(qtbot, tab.chart)
    fc = tab.forecast
    how_many, when, run = fig.axes
    marks = {line.get_color(): line.get_xdata()[0] for line in how_many.get_lines()}
    assert marks == {ink(fig, CONFIDENCE_ROLES[q]): getattr(fc.how_many, f"p{q}") for q in CONFIDENCE}
    assert [t.get_text() for t in how_many.texts] == ["50 %", "85 %", "95 %"]
    assert len(when.get_lines()) == 3
    counts, mean = run.get_lines()
    assert tuple(counts.get_ydata()) == fc.throughput.counts == (0, 0, 0, 2, 2, 2, 2, 2, 2, 2)
    assert mean.get_ydata()[0] == pytest.approx(1.4)


# --------------------------------------------------------------------------- Ageing tab

def test_ageing_lists_the_items_in_progress_oldest_first_with_the_one_at_risk(qtbot, make_page, ws, plan,
                                                                            qtmodeltester):
    page = make_page(ws)
    tab = page.ageing_tab
    open_tab(qtbot, page, tab)
    expected = plan_forecast(ws, plan).ageing
    assert tab.ageing == expected
    rows = [[tab.proxy.index(r, c).data() for c in range(tab.proxy.columnCount())]
            for r in range(tab.proxy.rowCount())]
    assert [r[0] for r in rows] == ["OLD-1", "NEW-4", "NEW-3", "NEW-2", "NEW-1"]
    assert rows[0] == ["OLD-1", "Ready for Dev", "IT", "43.5", "41.5", "at risk"]
    assert [r[5] for r in rows[1:]] == [""] * 4
    assert tab.proxy.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == hex_of("danger-bg", is_dark())
    assert tab.proxy.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert tab.summary.text().startswith(
        f"5 items in progress as of 16 Mar 2026 12:00; 1 at risk: older than the 85th percentile of the flow "
        f"times of the 14 finished items ({expected.bands.p85:.1f} days).")
    qtmodeltester.check(tab.model)
    fig = drawn(qtbot, tab.chart)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(expected.statuses)
    safe, risky = ax.collections
    assert [tuple(p) for p in risky.get_offsets()] == [(x, a) for x, a, r in ageing_points(expected) if r]
    assert len(safe.get_offsets()) == 4
    assert [round(line.get_ydata()[0], 6) for line in ax.get_lines()] == [
        round(days, 6) for _q, days in expected.bands.pairs()]


# --------------------------------------------------------------------------- What-if tab

def test_whatif_shows_as_is_and_to_be_equal_to_the_simulation(qtbot, make_page, ws, plan, qtmodeltester):
    page = make_page(ws)
    tab = page.whatif_tab
    # first shown: the departments of the proposed handoff are ticked
    proposal = page.proposal
    open_tab(qtbot, page, tab)
    assert set(tab.merged()) == {proposal.from_department, proposal.to_department} - {"Intake"}
    assert [tab.departments.item(i).text() for i in range(tab.departments.count())] == ["Marketing", "IT", "Design"]
    tab.set_merged(["Marketing", "IT"])
    tab.factor.setValue(0.5)
    qtbot.waitUntil(lambda: tab.result is not None and tab.result.factor == 0.5
                    and tab.result.merge == ("Marketing", "IT"), timeout=WAIT)
    settle(qtbot, tab)
    expected = plan_whatif(ws, plan, ["Marketing", "IT"], factor=0.5)
    assert tab.result == expected and expected.model_ok
    assert tab.check_label.text() == "Model check passed. " + expected.model_check
    table = [[tab.proxy.index(r, c).data() for c in range(tab.proxy.columnCount())] for r in range(3)]
    p50 = expected.as_is.flow_time_p50
    assert table[0][:3] == ["Median flow time, d", "8.0", f"{p50.mean:,.1f} ({p50.low:,.1f}–{p50.high:,.1f})"]
    tp = expected.to_be.throughput_per_week
    assert table[2][3] == f"{tp.mean:,.1f} ({tp.low:,.1f}–{tp.high:,.1f})"
    delta = expected.to_be.flow_time_p50.mean - p50.mean
    assert table[0][4] == f"{delta:+,.1f} d ({100 * delta / p50.mean:+.0f} %)"
    assert tab.handoffs_label.text().startswith("Handoffs the squad absorbs (1), busiest first: Marketing → IT.")
    qtmodeltester.check(tab.model)
    fig = drawn(qtbot, tab.chart)
    # the measured value is in the title (no legend over a bar)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        f"Median flow time, d\nmeasured: {expected.measured_flow_time_p50:.1f}", "85th pct flow time, d",
        f"Items done per week\nmeasured: {expected.measured_throughput_per_week:.1f}"]
    assert all(ax.get_legend() is None for ax in fig.axes)
    # fewer than two departments: nothing to simulate, and the tab says what to do
    tab.set_merged(["IT"])
    qtbot.waitUntil(lambda: tab.result is None, timeout=WAIT)
    assert tab.check_label.text().startswith("Tick at least two departments")
    assert not tab.table.isVisibleTo(tab)


def test_a_failed_model_check_shows_no_to_be_figure(qtbot, make_page, ws):
    plan = make_plan(ws, mixed_log(), "Mixed")
    page = make_page(ws)
    tab = page.whatif_tab
    open_tab(qtbot, page, tab)
    tab.set_merged(["Marketing", "IT"])
    qtbot.waitUntil(lambda: tab.result is not None and tab.result.merge == ("Marketing", "IT"), timeout=WAIT)
    settle(qtbot, tab)
    expected = plan_whatif(ws, plan, ["Marketing", "IT"])
    assert tab.result == expected and not expected.model_ok and expected.to_be is None
    assert tab.check_label.text() == "Model check failed. " + expected.model_check
    assert "no to-be figure is shown" in tab.check_label.text()
    assert [tab.proxy.index(r, 3).data() for r in range(3)] == ["–"] * 3
    assert [tab.proxy.index(r, 4).data() for r in range(3)] == ["–"] * 3


def test_save_pick_and_delete_scenarios_as_undo_steps(qtbot, make_page, ws, plan):
    page = make_page(ws)
    doc, tab = page.doc, page.whatif_tab
    open_tab(qtbot, page, tab)
    tab.set_merged(["IT", "Design"])
    tab.factor.setValue(0.25)
    assert not tab.save_button.isEnabled()  # no name yet
    tab.name.setText("IT and Design")
    refreshed(qtbot, page, tab.save_button.click)
    (saved,) = list_scenarios(ws, plan)
    assert (saved.name, saved.departments, saved.factor) == ("IT and Design", ("IT", "Design"), 0.25)
    assert tab.name.text() == "" and tab.saved.count() == 2
    assert tab.saved.itemText(1) == "IT and Design: IT, Design × 0.25"
    # pick it after changing the inputs: they come back
    tab.set_merged(["Marketing", "IT"])
    tab.factor.setValue(1.0)
    tab.saved.setCurrentIndex(1)
    tab.saved.activated.emit(1)
    assert tab.merged() == ["IT", "Design"] and tab.factor.value() == 0.25
    qtbot.waitUntil(lambda: tab.result is not None and tab.result.merge == ("IT", "Design")
                    and tab.result.factor == 0.25, timeout=WAIT)
    refreshed(qtbot, page, tab.delete_button.click)
    assert list_scenarios(ws, plan) == [] and tab.saved.count() == 1
    refreshed(qtbot, page, doc.undo_stack.undo)
    assert list_scenarios(ws, plan) == [saved]
    refreshed(qtbot, page, doc.undo_stack.undo)
    assert list_scenarios(ws, plan) == []
    refreshed(qtbot, page, doc.undo_stack.redo)
    assert list_scenarios(ws, plan) == [saved]  # the same id
    # a name taken already is refused and leaves no undo step
    steps = doc.undo_stack.count()
    tab.name.setText("IT and Design")
    assert not tab.save() and doc.undo_stack.count() == steps


# --------------------------------------------------------------------------- silo tax in money

def test_cost_of_delay_shows_the_silo_tax_in_money_and_undoes(qtbot, make_page, ws, plan, monkeypatch):
    page = make_page(ws)
    doc = page.doc
    assert not page.money_label.isVisible()
    offered = []

    def fill(dialog):
        offered.append(list(dialog._types))
        dialog.currency.setText("EUR")
        dialog.per_week.setValue(700)
        dialog.add_type()
        dialog.types.cellWidget(0, 0).setEditText("bug")
        dialog.types.cellWidget(0, 1).setValue(1400)
        assert dialog.problem_text() is None
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CostOfDelayDialog, "exec", fill)
    refreshed(qtbot, page, page.cost_button.click)
    assert offered == [["Bug", "Story"]]  # the log's item types
    cost = get_cost_of_delay(ws, plan)
    assert cost == CostOfDelay("EUR", 700.0, (("bug", 1400.0),))
    money = plan_silo_money(ws, plan)
    assert page.snapshot.money == money
    assert page.money_label.isVisible()
    assert page.money_label.text() == f"{money_text(money.amount, 'EUR')} of delay"
    # Σ silo-tax days x cost per week / 7: the Bugs at 200 a day, the rest at 100
    bugs, rest = money.by_type
    assert money.amount == pytest.approx(bugs.silo_tax_days * 200 + rest.silo_tax_days * 100)
    assert money.silo_tax_days == pytest.approx(page.snapshot.result.silo_tax_days)
    assert "bug: " in page.silo_figure.toolTip() and "every other item: " in page.silo_figure.toolTip()
    refreshed(qtbot, page, doc.undo_stack.undo)
    assert get_cost_of_delay(ws, plan) is None and not page.money_label.isVisible()
    refreshed(qtbot, page, doc.undo_stack.redo)
    assert get_cost_of_delay(ws, plan) == cost and page.money_label.isVisible()
    # remove it through the dialog
    monkeypatch.setattr(CostOfDelayDialog, "exec", lambda dialog: CostOfDelayDialog.REMOVE)
    refreshed(qtbot, page, page.cost_button.click)
    assert get_cost_of_delay(ws, plan) is None and not page.money_label.isVisible()


def test_the_cost_dialog_refuses_a_type_given_twice(qtbot):
    dialog = CostOfDelayDialog(CostOfDelay("EUR", 10.0, (("Bug", 20.0),)), ["Bug", "Story"])
    qtbot.addWidget(dialog)
    assert dialog.remove_button is not None
    dialog.add_type()
    assert dialog.type_at(1) == "Story"  # the next type not costed yet
    dialog.types.cellWidget(1, 0).setEditText("bug")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text() == "The item type 'bug' has two costs of delay"
    dialog.types.setCurrentCell(1, 0)
    dialog.remove_type()
    assert dialog.problem_text() is None and dialog.cost() == CostOfDelay("EUR", 10.0, (("Bug", 20.0),))


# --------------------------------------------------------------------------- background work

def test_latest_job_shows_only_the_newest_result(qtbot):
    host = QWidget()
    runner = TaskRunner(host)
    job = LatestJob(runner, "test")
    shown = []
    for n in range(4):
        job.request(lambda n=n: n * n, shown.append, shown.append, needs_db=lambda: False)
    qtbot.waitUntil(lambda: not job.busy, timeout=WAIT)
    runner.wait()
    assert shown == [9]
    job.request(lambda: 1 / 0, shown.append, shown.append)
    qtbot.waitUntil(lambda: not job.busy, timeout=WAIT)
    assert shown == [9, "division by zero"]
    host.deleteLater()


def test_the_log_cache_reads_the_log_once_per_data_key(ws, plan):
    cache = PlanLogCache()
    assert not cache.has(("k", 1))
    loaded = cache.load(ws, plan, ("k", 1))
    assert cache.has(("k", 1)) and cache.cached(("k", 1)) is loaded
    assert loaded.types == ("Bug", "Story") and len(loaded.flow.items) == 19
    assert cache.load(ws, plan, ("k", 1)) is loaded
    assert cache.cached(("k", 2)) is None


def test_read_only_shows_the_figures_but_offers_no_edit(qtbot, make_page, ws, plan):
    from models.core.workspace import open_workspace

    path = ws.path
    ws.close()
    with open_workspace(path, read_only=True) as ro:
        page = make_page(ro)
        assert not page.cost_button.isEnabled() and page.edit_cost_of_delay() is False
        tab = page.whatif_tab
        open_tab(qtbot, page, tab)
        tab.name.setText("Anything")
        assert tab.result is not None  # the simulation runs
        assert not tab.save_button.isEnabled() and not tab.save() and not tab.delete_button.isEnabled()
        open_tab(qtbot, page, page.forecast_tab)
        assert page.forecast_tab.forecast == plan_forecast(ro, plan)
