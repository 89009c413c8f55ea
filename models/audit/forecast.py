"""Monte Carlo throughput forecasts: how many items by a date, and when N
items will be done (plain Python and NumPy, no Qt).

Definitions:

* *Daily throughput* of a calendar day (in the log's time zone) = the items
  that entered a ``done`` status for the last time on that day and are done
  as of the as-of moment (see :mod:`models.audit.flowlog`).  The *window* is
  the ``window_days`` days ending on the as-of date (inclusive); days with
  no completion count as 0.
* *How many by D*: each of ``trials`` trials sums ``d`` daily throughputs
  drawn with replacement from the window, ``d`` = whole days after the as-of
  date up to and including D (0 when D is not after it).  The count reached
  with at least 50 / 85 / 95 % probability is the 50th / 15th / 5th
  percentile of the trial sums, lower interpolation.
* *When will N be done* (default N = the items open at the as-of moment):
  each trial draws daily throughputs until their sum reaches N; its day
  count is the number of days drawn.  The dates by which 50 / 85 / 95 % of
  trials finished are the as-of date plus the 50th / 85th / 95th percentile
  of the day counts, higher interpolation.  N = 0 gives the as-of date.  A
  window without completions gives no dates (``When.reason`` says why); a
  trial still short of N after :data:`MAX_DAYS` days stops there (counted as
  never), so a percentile that falls among those trials has no date.
* Seeded: the same inputs and ``seed`` give the same figures.  The two
  questions draw from separate streams, so changing D leaves the dates alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Iterable, Mapping

import numpy as np

from models.audit.ageing import Ageing, ageing
from models.audit.analysis import Stage, Transition
from models.audit.flowlog import FlowLog, flow_log

DEFAULT_WINDOW_DAYS = 42
DEFAULT_TRIALS = 10_000
DEFAULT_SEED = 90
#: a "when" trial gives up after this many days (ten years)
MAX_DAYS = 3650
#: probability -> percentile of the trial sums (how many) and of the day counts (when)
CONFIDENCE = (50, 85, 95)
#: random draws held in memory at once
_BLOCK_DRAWS = 1_000_000


@dataclass(frozen=True)
class Throughput:
    """The window's daily completions: the run chart."""

    days: tuple[date, ...]
    counts: tuple[int, ...]

    @property
    def window_days(self) -> int:
        return len(self.days)

    @property
    def completed(self) -> int:
        return sum(self.counts)

    @property
    def per_day_mean(self) -> float:
        return self.completed / len(self.counts) if self.counts else 0.0


@dataclass(frozen=True)
class Histogram:
    """How many trials ended on each outcome, every value from the smallest to the largest."""

    values: tuple[int, ...] = ()
    trials: tuple[int, ...] = ()


@dataclass(frozen=True)
class HowMany:
    until: date
    days: int
    #: items reached with at least 50 / 85 / 95 % probability
    p50: int
    p85: int
    p95: int
    histogram: Histogram


@dataclass(frozen=True)
class When:
    items: int
    #: dates by which 50 / 85 / 95 % of trials finished; None when there is no forecast
    p50: date | None
    p85: date | None
    p95: date | None
    #: the same as day counts after the as-of date
    p50_days: int | None
    p85_days: int | None
    p95_days: int | None
    #: day counts of the trials that finished
    histogram: Histogram
    #: trials still short of ``items`` after MAX_DAYS days
    unfinished: int
    #: why a date is missing, in words (None when all three exist)
    reason: str | None = None


@dataclass(frozen=True)
class Forecast:
    as_of: datetime
    trials: int
    seed: int
    throughput: Throughput
    how_many: HowMany
    when: When
    ageing: Ageing

    def to_json(self) -> dict[str, Any]:
        """The ``ninety forecast --json`` document (keys in the README)."""
        tp, hm, wh = self.throughput, self.how_many, self.when
        return {
            "as_of": self.as_of.isoformat(),
            "window_days": tp.window_days,
            "throughput": {
                "days": [{"date": d.isoformat(), "completed": c} for d, c in zip(tp.days, tp.counts)],
                "completed": tp.completed,
                "per_day_mean": round(tp.per_day_mean, 4),
            },
            "how_many": {"until": hm.until.isoformat(), "p50": hm.p50, "p85": hm.p85, "p95": hm.p95},
            "when": {"items": wh.items, **{f"p{q}": _iso(getattr(wh, f"p{q}")) for q in CONFIDENCE}},
            "ageing": [a.to_json() for a in self.ageing.items],
            "bands": self.ageing.bands.to_json() if self.ageing.bands is not None else None,
        }

    def summary_json(self) -> dict[str, Any]:
        """The ``"forecast"`` key of ``ninety summary --json``."""
        data = self.to_json()
        return {"how_many": data["how_many"], "when": data["when"]}


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    return np.random.default_rng([seed, 1]), np.random.default_rng([seed, 2])


def throughput(log: FlowLog, window_days: int = DEFAULT_WINDOW_DAYS) -> Throughput:
    """Daily completions over the ``window_days`` days ending on the as-of date."""
    if window_days < 1:
        raise ValueError("the window needs at least one day")
    first = log.as_of_date - timedelta(days=window_days - 1)
    counts = [0] * window_days
    for rows in log.histories:
        done = log.completed_at(rows)
        if done is not None:
            k = (log.day(done) - first).days
            if 0 <= k < window_days:
                counts[k] += 1
    return Throughput(tuple(first + timedelta(days=k) for k in range(window_days)), tuple(counts))


def _histogram(outcomes: np.ndarray) -> Histogram:
    if outcomes.size == 0:
        return Histogram()
    low = int(outcomes.min())
    counts = np.bincount(outcomes - low)
    return Histogram(tuple(range(low, low + counts.size)), tuple(int(c) for c in counts))


def _percentile(values: np.ndarray, q: int, method: str) -> float:
    """NumPy's ``lower`` / ``higher`` percentile methods, with the rank
    ``(n - 1) * q / 100`` in exact integer arithmetic (and no warning for the
    infinite day counts of unfinished trials)."""
    ordered = np.sort(values)
    scaled = (ordered.size - 1) * q
    rank = scaled // 100 if method == "lower" else -(-scaled // 100)
    return float(ordered[rank])


def how_many(tp: Throughput, as_of_date: date, until: date, trials: int = DEFAULT_TRIALS,
             rng: np.random.Generator | None = None) -> HowMany:
    """Items done by ``until`` (see the module docstring)."""
    rng = rng if rng is not None else _streams(DEFAULT_SEED)[0]
    days = max(0, (until - as_of_date).days)
    values = np.asarray(tp.counts, dtype=np.int64)
    sums = np.zeros(trials, dtype=np.int64)
    if days and values.any():
        chunk = max(1, _BLOCK_DRAWS // days)
        for start in range(0, trials, chunk):
            n = min(chunk, trials - start)
            sums[start:start + n] = values[rng.integers(0, values.size, size=(n, days))].sum(axis=1)
    p50, p85, p95 = (int(_percentile(sums, 100 - q, "lower")) for q in CONFIDENCE)
    return HowMany(until, days, p50, p85, p95, _histogram(sums))


def when(tp: Throughput, as_of_date: date, items: int, trials: int = DEFAULT_TRIALS,
         rng: np.random.Generator | None = None, max_days: int = MAX_DAYS) -> When:
    """The dates by which ``items`` items will be done (see the module docstring)."""
    rng = rng if rng is not None else _streams(DEFAULT_SEED)[1]
    if items <= 0:
        zero = np.zeros(trials, dtype=np.int64)
        return When(max(items, 0), as_of_date, as_of_date, as_of_date, 0, 0, 0, _histogram(zero), 0)
    if tp.completed == 0:
        reason = (f"No item was completed in the {tp.window_days} days up to "
                  f"{as_of_date.isoformat()}: with no pace to draw from, no date can be forecast.")
        return When(items, None, None, None, None, None, None, Histogram(), trials, reason)
    values = np.asarray(tp.counts, dtype=np.int64)
    days = np.full(trials, np.inf)
    reached = np.zeros(trials, dtype=np.int64)
    pending = np.arange(trials)
    elapsed = 0
    # a first block long enough for most trials at the window's mean pace
    block = int(min(max_days, max(16, 1.25 * items / tp.per_day_mean)))
    while pending.size and elapsed < max_days:
        width = max(1, min(block, max_days - elapsed, _BLOCK_DRAWS // pending.size))
        sums = reached[pending, None] + values[rng.integers(0, values.size, size=(pending.size, width))].cumsum(axis=1)
        hit = sums >= items
        finished = hit.any(axis=1)
        days[pending[finished]] = elapsed + hit[finished].argmax(axis=1) + 1
        reached[pending] = sums[:, -1]
        pending = pending[~finished]
        elapsed += width
    counts = [_percentile(days, q, "higher") for q in CONFIDENCE]
    whole = [int(c) if np.isfinite(c) else None for c in counts]
    dates = [None if c is None else as_of_date + timedelta(days=c) for c in whole]
    reason = None
    if None in whole:
        share = 100 * pending.size / trials
        reason = (f"{share:.1f} % of trials had not reached {items} items after {max_days} days at the "
                  "window's pace; the dates beyond that are not forecast.")
    finite = days[np.isfinite(days)].astype(np.int64)
    return When(items, *dates, *whole, _histogram(finite), int(pending.size), reason)


def forecast_log(log: FlowLog, *, window_days: int = DEFAULT_WINDOW_DAYS, until: date | None = None,
                 items: int | None = None, trials: int = DEFAULT_TRIALS, seed: int = DEFAULT_SEED) -> Forecast:
    """Both questions and the ageing chart for one log.  ``until`` defaults to
    90 days after the as-of date (the plan-level entry point passes the plan's
    day 90); ``items`` to the items open at the as-of moment."""
    if trials < 1:
        raise ValueError("at least one trial is needed")
    if seed < 0:
        raise ValueError("the seed must be a whole number, 0 or more")
    tp = throughput(log, window_days)
    as_of_date = log.as_of_date
    if until is None:
        until = as_of_date + timedelta(days=90)
    if items is None:
        items = len(log.open_items())
    rng_how_many, rng_when = _streams(seed)
    return Forecast(log.as_of, trials, seed, tp, how_many(tp, as_of_date, until, trials, rng_how_many),
                    when(tp, as_of_date, items, trials, rng_when), ageing(log))


def forecast(transitions: Iterable[Transition], stages: Mapping[str, Stage], as_of: datetime | None = None,
             *, tz: tzinfo | None = None, **options: Any) -> Forecast:
    """:func:`forecast_log` of a transition log (``as_of`` default: its latest
    timestamp; calendar days in ``tz``, else in ``as_of``'s offset)."""
    return forecast_log(flow_log(transitions, stages, as_of, tz), **options)
