"""Monte Carlo forecast: daily throughput, how many by a date, when N are done.
Every figure is checked against a hand computation or a brute-force enumeration
of the exact distribution."""
from __future__ import annotations

import itertools
import time
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from models.audit import Stage, Transition
from models.audit.flowlog import flow_log
from models.audit.forecast import (
    MAX_DAYS, Throughput, _percentile, forecast, forecast_log, how_many, throughput, when,
)

STAGES = {s.status: s for s in (
    Stage("Todo", "Product", "queue"),
    Stage("Doing", "IT", "active"),
    Stage("Resolved", "IT", "done"),
    Stage("Closed", "IT", "done"),
)}
UTC = timezone.utc
AS_OF = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)


def done_on(item: str, day: date, hour: int = 12) -> list[Transition]:
    """An item created 3 days before ``day`` and done on ``day``."""
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return [Transition(item, at - timedelta(days=3), None, "Todo"), Transition(item, at, "Todo", "Resolved")]


def open_item(item: str, created: datetime) -> list[Transition]:
    return [Transition(item, created, None, "Todo")]


def constant_log(per_day: int, days: int = 42) -> list[Transition]:
    rows = []
    for k in range(days):
        day = AS_OF.date() - timedelta(days=k)
        for j in range(per_day):
            rows += done_on(f"D{k}-{j}", day, hour=9)
    return rows


def test_percentile_methods_match_the_definition():
    a = np.array([7, 1, 3, 5, 9])  # sorted 1 3 5 7 9; rank (n-1)q/100 = 4q/100
    assert _percentile(a, 50, "lower") == 5 and _percentile(a, 50, "higher") == 5
    assert _percentile(a, 15, "lower") == 1 and _percentile(a, 15, "higher") == 3  # rank 0.6
    assert _percentile(a, 85, "lower") == 7 and _percentile(a, 85, "higher") == 9  # rank 3.4
    assert _percentile(np.array([1.0, np.inf]), 95, "higher") == np.inf
    for q in (5, 15, 50, 85, 95):  # NumPy's methods, for the record
        for method in ("lower", "higher"):
            assert _percentile(a, q, method) == np.percentile(a, q, method=method)


def test_daily_throughput_counts_the_last_entry_into_done_in_the_plan_zone():
    paris = ZoneInfo("Europe/Paris")
    rows = [
        # A: Resolved then Closed the next day: counted once, on the day it was resolved
        Transition("A", datetime(2026, 3, 20, 9, tzinfo=UTC), None, "Todo"),
        Transition("A", datetime(2026, 3, 28, 9, tzinfo=UTC), "Todo", "Resolved"),
        Transition("A", datetime(2026, 3, 29, 9, tzinfo=UTC), "Resolved", "Closed"),
        # B: done, reopened, done again: counted on the last day it entered done
        Transition("B", datetime(2026, 3, 20, 9, tzinfo=UTC), None, "Todo"),
        Transition("B", datetime(2026, 3, 25, 9, tzinfo=UTC), "Todo", "Resolved"),
        Transition("B", datetime(2026, 3, 26, 9, tzinfo=UTC), "Resolved", "Doing"),
        Transition("B", datetime(2026, 3, 30, 9, tzinfo=UTC), "Doing", "Resolved"),
        # C: done then reopened: not done at the as-of, not counted
        Transition("C", datetime(2026, 3, 20, 9, tzinfo=UTC), None, "Todo"),
        Transition("C", datetime(2026, 3, 27, 9, tzinfo=UTC), "Todo", "Resolved"),
        Transition("C", datetime(2026, 3, 28, 9, tzinfo=UTC), "Resolved", "Doing"),
        # D: done at 23:30 UTC on the 29th = 01:30 on the 30th in Paris (summer time)
        Transition("D", datetime(2026, 3, 20, 9, tzinfo=UTC), None, "Todo"),
        Transition("D", datetime(2026, 3, 29, 23, 30, tzinfo=UTC), "Todo", "Resolved"),
        # E: done after the as-of moment: not counted; F: done before the window
        Transition("E", datetime(2026, 3, 20, 9, tzinfo=UTC), None, "Todo"),
        Transition("E", datetime(2026, 3, 31, 19, tzinfo=UTC), "Todo", "Resolved"),
        *done_on("F", date(2026, 3, 24)),
    ]
    utc = throughput(flow_log(rows, STAGES, AS_OF), window_days=7)
    assert utc.days == tuple(date(2026, 3, 25) + timedelta(days=k) for k in range(7))
    assert dict(zip(utc.days, utc.counts)) == {
        date(2026, 3, 25): 0, date(2026, 3, 26): 0, date(2026, 3, 27): 0, date(2026, 3, 28): 1,
        date(2026, 3, 29): 1, date(2026, 3, 30): 1, date(2026, 3, 31): 0}
    assert utc.completed == 3 and utc.per_day_mean == pytest.approx(3 / 7)
    local = throughput(flow_log(rows, STAGES, AS_OF, paris), window_days=7)
    assert dict(zip(local.days, local.counts))[date(2026, 3, 29)] == 0  # D moved to the 30th
    assert dict(zip(local.days, local.counts))[date(2026, 3, 30)] == 2


def test_constant_throughput_makes_every_percentile_exact():
    rows = constant_log(per_day=2) + [r for k in range(11) for r in open_item(f"O{k}", AS_OF - timedelta(days=2))]
    result = forecast(rows, STAGES, AS_OF, until=date(2026, 4, 30), items=11)
    tp, hm, wh = result.throughput, result.how_many, result.when
    assert tp.counts == (2,) * 42 and tp.per_day_mean == 2
    # 30 days after the as-of date, 2 a day, in every trial
    assert hm.days == 30 and (hm.p50, hm.p85, hm.p95) == (60, 60, 60)
    assert hm.histogram.values == (60,) and hm.histogram.trials == (10_000,)
    # 11 items at 2 a day: reached on the 6th day in every trial
    assert (wh.p50_days, wh.p85_days, wh.p95_days) == (6, 6, 6)
    assert wh.p50 == wh.p85 == wh.p95 == date(2026, 4, 6)
    assert wh.reason is None and wh.unfinished == 0
    # the default N is the items open at the as-of moment
    assert forecast(rows, STAGES, AS_OF).when.items == 11


def test_how_many_matches_the_enumerated_distribution():
    # window of 3 days with 0, 1 and 3 completions; 2 days to forecast
    tp = Throughput((date(2026, 3, 29), date(2026, 3, 30), date(2026, 3, 31)), (0, 1, 3))
    sums = sorted(a + b for a, b in itertools.product(tp.counts, repeat=2))
    assert sums == [0, 1, 1, 2, 3, 3, 4, 4, 6]

    def reached_with(p: Fraction) -> int:
        """The largest count reached with probability at least p, exactly."""
        return max(c for c in sums if Fraction(sum(s >= c for s in sums), len(sums)) >= p)

    expected = tuple(reached_with(Fraction(q, 100)) for q in (50, 85, 95))
    assert expected == (3, 1, 0)  # P(>= 3) = 5/9, P(>= 1) = 8/9, P(>= 0) = 1
    result = how_many(tp, date(2026, 3, 31), date(2026, 4, 2), 10_000, np.random.default_rng(7))
    assert result.days == 2 and (result.p50, result.p85, result.p95) == expected
    # the histogram holds every trial; its shares are close to the ninths
    assert sum(result.histogram.trials) == 10_000 and result.histogram.values == tuple(range(0, 7))
    shares = dict(zip(result.histogram.values, result.histogram.trials))
    assert shares[5] == 0 and shares[4] == pytest.approx(2 / 9 * 10_000, rel=0.08)


def _finish_cdf(values: tuple[int, ...], items: int, k: int) -> Fraction:
    """P(the first k draws reach ``items``), by enumerating every sequence of k draws."""
    hits = sum(sum(seq) >= items for seq in itertools.product(values, repeat=k))
    return Fraction(hits, len(values) ** k)


def test_when_matches_the_enumerated_distribution_with_higher_interpolation():
    tp = Throughput(tuple(date(2026, 3, 29) + timedelta(days=k) for k in range(3)), (0, 1, 3))
    items = 5
    cdf = {k: _finish_cdf(tp.counts, items, k) for k in range(1, 9)}
    expected = []
    for q in (50, 85, 95):
        k = min(k for k, p in cdf.items() if p >= Fraction(q, 100))
        # at least 6 standard deviations of a 10,000-trial share from the boundary
        assert cdf[k] - Fraction(q, 100) > Fraction(1, 80) and Fraction(q, 100) - cdf[k - 1] > Fraction(1, 80)
        expected.append(k)
    result = when(tp, date(2026, 3, 31), items, 10_000, np.random.default_rng(11))
    assert (result.p50_days, result.p85_days, result.p95_days) == tuple(expected) == (4, 6, 8)
    assert result.p50 == date(2026, 4, 4) and result.p95 == date(2026, 4, 8)
    assert sum(result.histogram.trials) == 10_000 and result.histogram.values[0] == 2  # 3 + 3 is the fastest


def test_a_window_without_completions_says_so_and_stops():
    rows = [r for k in range(5) for r in open_item(f"O{k}", AS_OF - timedelta(days=60))]
    rows += done_on("OLD", date(2026, 1, 10))  # outside the 42-day window
    result = forecast(rows, STAGES, AS_OF)
    assert result.throughput.completed == 0
    assert (result.how_many.p50, result.how_many.p85, result.how_many.p95) == (0, 0, 0)
    w = result.when
    assert w.items == 5 and (w.p50, w.p85, w.p95) == (None, None, None)
    assert "No item was completed in the 42 days up to 2026-03-31" in w.reason
    data = result.to_json()
    assert data["when"] == {"items": 5, "p50": None, "p85": None, "p95": None}


def test_a_pace_too_slow_for_n_stops_at_the_horizon():
    # one completion in 42 days, 2,000 items to finish: about 230 years a trial
    rows = done_on("A", AS_OF.date()) + [r for k in range(3) for r in open_item(f"O{k}", AS_OF)]
    started = time.perf_counter()
    result = forecast(rows, STAGES, AS_OF, items=2000)
    assert time.perf_counter() - started < 10
    assert result.when.p50 is None and result.when.unfinished == 10_000
    assert f"after {MAX_DAYS} days" in result.when.reason


def test_no_items_left_is_the_as_of_date():
    result = forecast(constant_log(1), STAGES, AS_OF, items=0)
    assert result.when.p50 == result.when.p95 == AS_OF.date() and result.when.reason is None


def test_seeded_figures_repeat_and_questions_draw_from_their_own_stream():
    rows = []
    for k in range(42):
        for j in range(k % 4):
            rows += done_on(f"D{k}-{j}", AS_OF.date() - timedelta(days=k))
    rows += [r for k in range(40) for r in open_item(f"O{k}", AS_OF - timedelta(days=k % 7))]
    a = forecast(rows, STAGES, AS_OF, seed=5)
    b = forecast(rows, STAGES, AS_OF, seed=5)
    assert a == b and a.to_json() == b.to_json()
    c = forecast(rows, STAGES, AS_OF, seed=6)
    assert c.how_many.histogram != a.how_many.histogram
    moved = forecast(rows, STAGES, AS_OF, seed=5, until=date(2026, 6, 1))
    assert moved.when == a.when  # changing D leaves the dates alone
    # the default horizon without a plan: 90 days after the as-of date
    assert a.how_many.until == date(2026, 6, 29) and a.how_many.days == 90


def test_forecast_json_keys():
    result = forecast_log(flow_log(constant_log(1) + open_item("O", AS_OF), STAGES, AS_OF))
    data = result.to_json()
    assert set(data) == {"as_of", "window_days", "throughput", "how_many", "when", "ageing", "bands"}
    assert set(data["throughput"]) == {"days", "completed", "per_day_mean"}
    assert data["throughput"]["days"][-1] == {"date": "2026-03-31", "completed": 1}
    assert set(data["how_many"]) == {"until", "p50", "p85", "p95"}
    assert set(data["when"]) == {"items", "p50", "p85", "p95"}
    assert set(data["bands"]) == {"p50", "p70", "p85", "p95"}
    assert data["ageing"] == [{"item": "O", "status": "Todo", "age_days": 0.0, "at_risk": False}]
    assert data["as_of"] == "2026-03-31T18:00:00+00:00" and data["window_days"] == 42
