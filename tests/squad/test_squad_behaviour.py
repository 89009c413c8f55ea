"""The squad metric's process-behaviour chart: XmR limits and each signal rule, by hand."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.core.behaviour import NEAR_LIMIT, OUTSIDE, RUN, xmr
from models.squad.behaviour import squad_behaviour
from models.squad.metrics import CheckIn


def test_limits_by_hand_and_no_signal():
    chart = xmr([10, 12, 11, 13, 12], "up")
    # mean 58/5 = 11.6; moving ranges 2, 1, 2, 1: mean 1.5; limits 11.6 ± 2.66 x 1.5 = ± 3.99
    assert chart.centre == pytest.approx(11.6)
    assert chart.moving_ranges == (None, 2, 1, 2, 1) and chart.mean_moving_range == 1.5
    assert (chart.upper, chart.lower) == (pytest.approx(15.59), pytest.approx(7.61))
    assert chart.signals == ()


def test_fewer_than_five_points_make_no_chart():
    assert xmr([1, 2, 3, 4]) is None


def test_a_point_outside_the_limits_is_an_improvement_or_a_warning_by_direction():
    # mean 12, moving ranges 0, 0, 0, 10: mean 2.5; upper 12 + 6.65 = 18.65 < 20
    up = xmr([10, 10, 10, 10, 20], "up")
    assert up.upper == pytest.approx(18.65)
    (signal,) = up.signals
    assert (signal.rule, signal.side, signal.points, signal.improvement) == (OUTSIDE, "up", (4,), True)
    assert signal.text == "Real improvement: point 5 is above the upper limit"
    (down,) = xmr([10, 10, 10, 10, 20], "down").signals
    assert down.improvement is False and down.text.startswith("Warning: ")
    assert xmr([10, 10, 10, 10, 20]).signals[0].improvement is None


def test_eight_in_a_row_on_one_side():
    # mean 30/10 = 3; the first eight are below it; moving ranges 1 x 7, 7, 0: mean 14/9
    chart = xmr([1, 2, 1, 2, 1, 2, 1, 2, 9, 9], "up")
    assert chart.centre == 3 and chart.mean_moving_range == pytest.approx(14 / 9)
    assert chart.upper == pytest.approx(3 + 2.66 * 14 / 9)  # 7.138: both 9s are outside
    rules = [(s.rule, s.side, s.points, s.improvement) for s in chart.signals]
    assert rules == [(RUN, "down", tuple(range(8)), False), (OUTSIDE, "up", (8,), True), (OUTSIDE, "up", (9,), True)]
    # seven in a row is routine
    assert all(s.rule != RUN for s in xmr([1, 2, 1, 2, 1, 2, 1, 9, 9, 9]).signals)
    # a point on the centre line (mean 30/10 = 3) breaks a run
    assert all(s.rule != RUN for s in xmr([1, 1, 1, 1, 3, 1, 1, 1, 1, 19]).signals)


def test_three_of_four_closer_to_a_limit_than_to_the_centre():
    values = [2, 3, 2, 3, 2, 6, 6, 3, 6, 2, 3, 2]
    chart = xmr(values, "up")
    # mean 40/12; moving ranges 1, 1, 1, 1, 4, 0, 3, 3, 4, 1, 1: mean 20/11
    centre, mr = 40 / 12, 20 / 11
    assert chart.centre == pytest.approx(centre) and chart.mean_moving_range == pytest.approx(mr)
    # closer to the upper limit than to the centre: above centre + 1.33 mR = 5.75; the 6s are within the limit
    assert chart.upper_mid == pytest.approx(centre + 1.33 * mr) and 6 < chart.upper
    (signal,) = chart.signals
    assert (signal.rule, signal.side, signal.points, signal.improvement) == (NEAR_LIMIT, "up", (5, 6, 8), True)
    assert chart.signals_at(6) == (signal,) and chart.signals_at(7) == ()
    # mirrored: a warning for a metric that should go up
    (low,) = xmr([6 - v for v in values], "up").signals
    assert (low.rule, low.side, low.points, low.improvement) == (NEAR_LIMIT, "down", (5, 6, 8), False)
    # two of four is routine
    assert xmr([2, 3, 2, 3, 2, 6, 6, 3, 3, 2, 3, 2]).signals == ()


def test_the_squad_chart_reads_the_check_ins_up_to_the_as_of_date_in_date_order():
    start = date(2026, 3, 1)
    checkins = [CheckIn(start + timedelta(days=7 * k), v, 5, 3) for k, v in enumerate([10, 12, 11, 13, 12, 30])]
    shuffled = checkins[3:] + checkins[:3]
    few = squad_behaviour("up", shuffled, start + timedelta(days=21))
    assert few.chart is None and few.dates == tuple(c.date for c in checkins[:4])
    assert few.missing == "A process-behaviour chart needs at least 5 check-ins; there are 4 so far."
    five = squad_behaviour("up", shuffled, start + timedelta(days=28))
    assert five.chart.values == (10, 12, 11, 13, 12) and five.missing is None
    six = squad_behaviour("up", shuffled, start + timedelta(days=35))
    assert [s.rule for s in six.chart.signals] == [OUTSIDE] and six.chart.signals[0].improvement
