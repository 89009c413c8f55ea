"""The Squad page's honest verdict and the metric's process-behaviour chart, on a squad
made by hand in a real workspace.

The squad: conversion, baseline 2.0 % on 1 March 2026, target 2.3 % on 15 May (a
75-day run, a third of it is 25 days, reached on 26 March).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.features import PAGES
from models.core.behaviour import xmr
from models.plan.service import PlanDraft, create_plan
from models.squad import service as svc
from models.squad.metrics import TOO_EARLY
from models.squad.service import CheckInDraft, SquadDraft
from tests.conftest import FEATURES
from views.common.chart_canvas import ink
from views.common.document import WorkspaceDocument
from views.squad.chart import IMPROVEMENT, POINT, WARNING
from views.common.style import resolve
from views.squad.page import VERDICT_COLOURS

BASE = date(2026, 3, 1)
WAIT = 30000


@pytest.fixture
def squad(ws):
    plan_id = create_plan(ws, PlanDraft(name="Honest verdict", start=date(2026, 2, 20)))
    return svc.create_squad(ws, plan_id, SquadDraft(
        metric_name="Conversion", metric_unit="%", baseline=2.0, baseline_date=BASE, target=2.3,
        target_date=BASE + timedelta(days=75)))


@pytest.fixture
def page(qtbot, ws, squad):
    today = [BASE + timedelta(days=10)]
    doc = WorkspaceDocument(ws, FEATURES)
    p = next(e for e in PAGES if e.key == "squad").factory()(doc, lambda: today[0], None)
    p.today = today  # the test moves the calendar
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    p.refresh()
    yield p
    doc.deleteLater()


def check_in(ws, squad, *days_values):
    for day, value in days_values:
        svc.add_checkin(ws, squad, CheckInDraft(BASE + timedelta(days=day), value))


def move_to(page, day: int):
    page.today[0] = BASE + timedelta(days=day)
    page.refresh()


def drawn(qtbot, chart):
    if not chart.drawn_with_data or chart.busy:
        with qtbot.waitSignal(chart.drawn, timeout=WAIT):
            pass
    return chart.figure


def test_day_10_is_too_early_in_grey_with_what_is_missing(qtbot, page, ws, squad):
    check_in(ws, squad, (7, 2.01))
    move_to(page, 10)
    f = page.state.figures
    assert f.verdict_suggested == TOO_EARLY
    assert page.suggested_badge.text() == "TOO EARLY"
    assert resolve(VERDICT_COLOURS[TOO_EARLY]) in page.suggested_badge.styleSheet()
    assert page.suggested_reason.text() == (
        "No verdict is suggested yet, it is too early: the squad has run 10 of its 75 days; a verdict is "
        "suggested after a third of them (25 days, on 2026-03-26); 1 of the 3 check-ins a verdict needs.")
    # two points (the baseline and one check-in): no straight line, so no forecast and no "Behind"
    assert page.cards["forecast"].value.text() == "–"
    assert page.cards["forecast"].toolTip().startswith("No straight line from fewer than 3 points")
    assert page.cards["on_track"].value.text() == "–"
    page.tabs.setCurrentIndex(page._tab_index["progress"])
    fig = drawn(qtbot, page.chart)
    top = fig.axes[0]
    assert "Forecast (least squares)" not in [line.get_label() for line in top.get_lines()]
    assert any(t.get_text().startswith("No forecast line yet") for t in top.texts)


def test_a_suggestion_once_a_third_of_the_run_and_three_check_ins_are_there(qtbot, page, ws, squad):
    check_in(ws, squad, (7, 2.02), (14, 2.04), (21, 2.06))
    move_to(page, 24)  # 3 x 24 = 72 < 75: still too early, one thing missing
    assert page.suggested_badge.text() == "TOO EARLY"
    assert page.suggested_reason.text().count(";") == 1 and "24 of its 75 days" in page.suggested_reason.text()
    assert page.cards["forecast"].value.text() != "–"  # four points: a line, but no verdict yet
    move_to(page, 25)
    f = page.state.figures
    assert f.verdict_suggested == "stop" and f.verdict_missing == ()
    assert page.suggested_badge.text() == "STOP" and resolve(VERDICT_COLOURS["stop"]) in page.suggested_badge.styleSheet()
    assert f.forecast == pytest.approx(2.0 + 0.06 / 21 * 75)
    assert page.cards["on_track"].value.text() == "Behind"


def test_the_behaviour_chart_needs_five_check_ins(qtbot, page, ws, squad):
    check_in(ws, squad, (7, 2.02), (14, 2.04), (21, 2.03), (28, 2.05))
    move_to(page, 30)
    page.tabs.setCurrentIndex(page._tab_index["progress"])
    page.show_behaviour()
    assert page.behaviour_chart.isVisible() and not page.chart.isVisible()
    assert page.behaviour.chart is None
    qtbot.waitUntil(lambda: page.behaviour_chart.figure is not None and not page.behaviour_chart.busy, timeout=WAIT)
    texts = [t.get_text() for t in page.behaviour_chart.figure.axes[0].texts]
    assert texts == ["A process-behaviour chart needs at least 5 check-ins; there are 4 so far."]
    assert page.signals_label.text() == "" and not page.behaviour_chart.drawn_with_data
    page.show_behaviour(False)
    assert page.chart.isVisible() and not page.signals_label.isVisible()


def test_the_behaviour_chart_draws_the_limits_and_names_the_signals(qtbot, page, ws, squad):
    values = [2.02, 2.04, 2.03, 2.05, 2.04, 2.30]
    check_in(ws, squad, *((7 * (k + 1), v) for k, v in enumerate(values)))
    move_to(page, 45)
    page.tabs.setCurrentIndex(page._tab_index["progress"])
    page.show_behaviour()
    expected = xmr(values, "up")
    assert page.behaviour.chart == expected
    (signal,) = expected.signals
    assert signal.improvement and signal.points == (5,)
    assert page.signals_label.isVisible()
    assert page.signals_label.text() == "▲ Real improvement: point 6 is above the upper limit (12 Apr)."
    fig = drawn(qtbot, page.behaviour_chart)
    ax = fig.axes[0]
    series, *points, upper, centre, lower, upper_mid, lower_mid = ax.get_lines()
    assert tuple(series.get_ydata()) == expected.values
    assert [line.get_ydata()[0] for line in (upper, centre, lower)] == pytest.approx(
        [expected.upper, expected.centre, expected.lower])
    assert [line.get_ydata()[0] for line in (upper_mid, lower_mid)] == pytest.approx(
        [expected.upper_mid, expected.lower_mid])
    assert [p.get_color() for p in points] == [ink(fig, POINT)] * 5 + [ink(fig, IMPROVEMENT)]
    assert ax.get_title(loc="left") == "Process behaviour of 6 check-ins (at least 5): 1 improvement signal, 0 warnings"

    # the same jump for a metric that should go down is a warning
    svc.update_charter(ws, squad, {"direction": "down", "target": 1.7})
    page.refresh()
    assert page.signals_label.text() == "⚠ Warning: point 6 is above the upper limit (12 Apr)."
    fig = drawn(qtbot, page.behaviour_chart)
    assert fig.axes[0].get_lines()[6].get_color() == ink(fig, WARNING)


def test_no_signal_says_the_variation_is_routine(page, ws, squad):
    check_in(ws, squad, *((7 * (k + 1), v) for k, v in enumerate([2.02, 2.04, 2.03, 2.05, 2.04])))
    move_to(page, 40)
    chart = xmr([2.02, 2.04, 2.03, 2.05, 2.04], "up")
    assert page.signals_label.text() == (
        f"No signal: the 5 check-ins vary within the natural process limits ({svc.format_value(chart.lower)} to "
        f"{svc.format_value(chart.upper)}), so their ups and downs are routine, not yet evidence of change.")
