"""Work-item-log analysis for the "Audit bottlenecks" step.

Pure Python (stdlib only).  The input is a *transition log* (one
:class:`Transition` per status change) and a *stage map* (one :class:`Stage`
per workflow status, saying its department and whether it is ``active``,
``queue`` or ``done``).  :func:`analyse` turns them into an :class:`AuditResult`.

Definitions (all times are calendar time; a day is 86 400 s):

* Each item's rows are sorted by time (stable: equal timestamps keep their
  order in the log).  The status of a row holds from that row's timestamp to
  the next row's timestamp; the item's last status holds until the as-of
  moment.  Time spent in ``done`` statuses never counts; an item reopened from
  ``done`` resumes counting.  Rows after ``as_of`` are ignored (an item whose
  rows all lie after ``as_of`` does not exist yet); an interval that crosses
  ``as_of`` is cut there.
* An *interval* (a visit) is one row's holding time.  A zero-length interval
  (two rows with the same timestamp, or an item whose last row is exactly at
  ``as_of``) is still a visit: the item did enter that status.
* Status figures cover ``active`` and ``queue`` statuses that were visited.
  ``median_days``/``p85_days`` are taken over the items that visited the
  status, of each item's summed time there.
* Handoffs: a ``queue`` interval belongs to the pair (department of the item's
  most recent ``active`` status before it, or ``"Intake"``) -> (department of
  the queue status).
* Silo tax: queue time on pairs whose two departments differ, Intake pairs
  excluded; its share is relative to all active + queue time.
* Flow efficiency: active time / (active + queue time).
* Flow time (completed items only, i.e. whose last status as of ``as_of`` is
  ``done``): from the item's first row to the moment it last *entered* done,
  i.e. the start of its final run of consecutive ``done`` rows (so
  ``Resolved -> Closed`` does not move the completion date).
* Percentiles use linear interpolation between closest ranks (NumPy's
  default, Excel's ``PERCENTILE.INC``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any, Iterable, Mapping, Sequence

__all__ = [
    "KINDS",
    "INTAKE",
    "Stage",
    "Transition",
    "StatusFigure",
    "HandoffFigure",
    "CumulativeFlow",
    "AuditResult",
    "UnknownStatusError",
    "percentile",
    "median",
    "analyse",
    "cumulative_flow",
]

KINDS = ("active", "queue", "done")
ACTIVE, QUEUE, DONE = KINDS
#: Pseudo-department for queue time before an item's first active status.
INTAKE = "Intake"
SECONDS_PER_DAY = 86400.0

_key0 = itemgetter(0)


# --------------------------------------------------------------------------
# Input records


@dataclass(frozen=True, slots=True)
class Stage:
    """One workflow status: its department and its kind (see :data:`KINDS`)."""

    status: str
    department: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"bad kind {self.kind!r} for status {self.status!r} "
                f"(expected one of {', '.join(KINDS)})"
            )


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of the transition log.

    ``at`` must be timezone-aware.  ``from_status`` is ``None`` for the row
    that creates the item; it is informational only (the analysis uses
    ``to_status``), but it is checked against the stage map.
    """

    item: str
    at: datetime
    from_status: str | None
    to_status: str
    title: str | None = None
    type: str | None = None


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class StatusFigure:
    status: str
    department: str
    kind: str
    items: int
    visits: int
    total_days: float
    median_days: float
    p85_days: float

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "department": self.department,
            "kind": self.kind,
            "items": self.items,
            "visits": self.visits,
            "total_days": _r(self.total_days),
            "median_days": _r(self.median_days),
            "p85_days": _r(self.p85_days),
        }


@dataclass(frozen=True, slots=True)
class HandoffFigure:
    """Queue time between two departments (JSON keys ``from`` and ``to``)."""

    from_department: str
    to_department: str
    items: int
    total_days: float
    median_days: float
    p85_days: float

    @property
    def is_silo(self) -> bool:
        """True if this pair counts towards the silo tax."""
        return self.from_department != INTAKE and self.from_department != self.to_department

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.from_department,
            "to": self.to_department,
            "items": self.items,
            "total_days": _r(self.total_days),
            "median_days": _r(self.median_days),
            "p85_days": _r(self.p85_days),
        }


@dataclass(frozen=True, slots=True)
class CumulativeFlow:
    """Cumulative-flow data: how many items sat in each status at the end of
    each calendar day.

    ``days`` runs from the day of the earliest row to the day of ``as_of``
    (both inclusive), in the time zone of ``as_of``.  ``statuses`` lists every
    status (``done`` ones included) that occurs in the log, in stage-map
    order.  ``counts[i][j]`` is the number of items whose status at the end of
    ``days[j]`` (after all of that day's changes; for the last day, as of
    ``as_of``) was ``statuses[i]``.  Items not yet created are not counted, so
    for every day the column sum is the number of items that existed by then.
    """

    days: tuple[date, ...] = ()
    statuses: tuple[str, ...] = ()
    counts: tuple[tuple[int, ...], ...] = ()

    def series(self, status: str) -> tuple[int, ...]:
        """The per-day counts of one status (zeros if it never occurs)."""
        try:
            return self.counts[self.statuses.index(status)]
        except ValueError:
            return (0,) * len(self.days)

    def on(self, day: date) -> dict[str, int]:
        """``{status: count}`` at the end of ``day`` (``KeyError`` if out of range)."""
        try:
            j = self.days.index(day)
        except ValueError:
            raise KeyError(day) from None
        return {s: c[j] for s, c in zip(self.statuses, self.counts)}


_EMPTY_FLOW = CumulativeFlow()


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Everything the Audit step shows.  Floats keep full precision here;
    :meth:`to_json` rounds to 4 decimals.

    ``statuses`` and ``handoffs`` are sorted by ``total_days`` descending,
    ties by name.  Extra fields for the charts: ``active_days`` and
    ``queue_days`` (totals over all items), ``flow_times`` (flow time in days
    of every completed item, ascending, for a histogram) and
    ``cumulative_flow`` (see :class:`CumulativeFlow`).
    """

    as_of: datetime
    items: int
    completed: int
    flow_time_median: float | None
    flow_time_p85: float | None
    flow_efficiency: float | None
    statuses: tuple[StatusFigure, ...]
    handoffs: tuple[HandoffFigure, ...]
    silo_tax_days: float
    silo_tax_share: float | None
    active_days: float = 0.0
    queue_days: float = 0.0
    flow_times: tuple[float, ...] = ()
    cumulative_flow: CumulativeFlow = _EMPTY_FLOW

    def to_json(self) -> dict[str, Any]:
        statuses = sorted(
            (s.to_json() for s in self.statuses),
            key=lambda d: (-d["total_days"], d["status"]),
        )
        handoffs = sorted(
            (h.to_json() for h in self.handoffs),
            key=lambda d: (-d["total_days"], d["from"], d["to"]),
        )
        return {
            "as_of": self.as_of.isoformat(),
            "items": self.items,
            "completed": self.completed,
            "flow_time_days": {
                "median": _r(self.flow_time_median),
                "p85": _r(self.flow_time_p85),
            },
            "flow_efficiency": _r(self.flow_efficiency),
            "statuses": statuses,
            "handoffs": handoffs,
            "silo_tax": {"days": _r(self.silo_tax_days), "share": _r(self.silo_tax_share)},
        }


class UnknownStatusError(ValueError):
    """The log uses statuses that the stage map does not define."""

    def __init__(self, statuses: Iterable[str]):
        self.statuses: tuple[str, ...] = tuple(statuses)
        listed = ", ".join(repr(s) for s in self.statuses)
        noun = "status is" if len(self.statuses) == 1 else "statuses are"
        super().__init__(f"{len(self.statuses)} {noun} not in the stage map: {listed}")


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# --------------------------------------------------------------------------
# Statistics


def _percentile_sorted(data: Sequence[float], q: float) -> float:
    n = len(data)
    if n == 1:
        return float(data[0])
    h = (n - 1) * q / 100.0
    lo = math.floor(h)
    if lo >= n - 1:
        return float(data[-1])
    frac = h - lo
    a = data[lo]
    return float(a + (data[lo + 1] - a) * frac)


def percentile(values: Sequence[float] | Iterable[float], q: float) -> float:
    """The ``q``-th percentile (``0 <= q <= 100``) of ``values``.

    Linear interpolation between closest ranks: NumPy's default method and
    Excel's ``PERCENTILE.INC`` (with ``q/100``).  ``percentile([1, 2, 3, 4],
    85) == 3.55``.  Raises ``ValueError`` for no values or ``q`` out of range.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be between 0 and 100, got {q!r}")
    data = sorted(values)
    if not data:
        raise ValueError("percentile of no values")
    return _percentile_sorted(data, q)


def median(values: Sequence[float] | Iterable[float]) -> float:
    """The median (50th percentile, interpolated) of ``values``."""
    return percentile(values, 50)


# --------------------------------------------------------------------------
# Analysis


def _lookups(stages: Mapping[str, Stage]) -> tuple[dict[str, str], dict[str, str]]:
    kind_of: dict[str, str] = {}
    dept_of: dict[str, str] = {}
    for status, stage in stages.items():
        if stage.kind not in KINDS:
            raise ValueError(f"bad kind {stage.kind!r} for status {status!r}")
        kind_of[status] = stage.kind
        dept_of[status] = stage.department
    return kind_of, dept_of


def _group(
    transitions: Iterable[Transition], kind_of: Mapping[str, str]
) -> tuple[dict[str, list[tuple[float, str]]], datetime | None]:
    """Group rows by item as ``(epoch seconds, to_status)`` in log order.
    Returns the groups and the latest ``at``.  Raises for unknown statuses
    and naive timestamps."""
    groups: dict[str, list[tuple[float, str]]] = {}
    get = groups.get
    seen: set[str] = set()
    add = seen.add
    max_ts = -math.inf
    max_at: datetime | None = None
    for tr in transitions:
        at = tr.at
        if at.tzinfo is None:
            raise ValueError(f"naive timestamp {at.isoformat()} for item {tr.item!r}")
        ts = at.timestamp()
        if ts > max_ts:
            max_ts = ts
            max_at = at
        s = tr.to_status
        add(s)
        f = tr.from_status
        if f:
            add(f)
        rows = get(tr.item)
        if rows is None:
            groups[tr.item] = [(ts, s)]
        else:
            rows.append((ts, s))
    unknown = seen.difference(kind_of)
    if unknown:
        raise UnknownStatusError(sorted(unknown))
    return groups, max_at


def _prepare(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None,
) -> tuple[dict[str, str], dict[str, str], list[list[tuple[float, str]]], datetime | None]:
    kind_of, dept_of = _lookups(stages)
    groups, max_at = _group(transitions, kind_of)
    if as_of is None:
        as_of = max_at
    elif as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if as_of is None:
        return kind_of, dept_of, [], None
    as_ts = as_of.timestamp()
    kept: list[list[tuple[float, str]]] = []
    for rows in groups.values():
        if len(rows) > 1:
            rows.sort(key=_key0)
        if rows[-1][0] > as_ts:
            rows = rows[: bisect_right(rows, as_ts, key=_key0)]
            if not rows:
                continue
        kept.append(rows)
    return kind_of, dept_of, kept, as_of


def _figures(per_item: list[float]) -> tuple[int, float, float, float]:
    per_item.sort()
    return (
        len(per_item),
        math.fsum(per_item) / SECONDS_PER_DAY,
        _percentile_sorted(per_item, 50) / SECONDS_PER_DAY,
        _percentile_sorted(per_item, 85) / SECONDS_PER_DAY,
    )


def analyse(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None = None,
) -> AuditResult:
    """Analyse a transition log against a stage map (see the module docstring
    for the exact definitions).

    ``as_of`` defaults to the latest timestamp in the log and must be
    timezone-aware.  Raises :class:`UnknownStatusError` if the log uses a
    status (from or to) missing from ``stages`` and ``ValueError`` for naive
    timestamps.  An empty log gives an empty result (``as_of`` = now).
    """
    kind_of, dept_of, kept, as_of = _prepare(transitions, stages, as_of)
    if as_of is None:  # empty log and no as_of
        as_of = datetime.now().astimezone()
    as_ts = as_of.timestamp()

    per_status: dict[str, list[float]] = {s: [] for s in kind_of}
    visits: dict[str, int] = dict.fromkeys(kind_of, 0)
    per_pair: dict[tuple[str, str], list[float]] = {}
    active_total = 0.0
    queue_total = 0.0
    flow_times: list[float] = []

    for rows in kept:
        n = len(rows)
        item_status: dict[str, float] = {}
        item_pair: dict[tuple[str, str], float] = {}
        last_dept = INTAKE
        for i in range(n):
            ts, s = rows[i]
            k = kind_of[s]
            if k == DONE:
                continue
            d = (rows[i + 1][0] if i + 1 < n else as_ts) - ts
            item_status[s] = item_status.get(s, 0.0) + d
            visits[s] += 1
            if k == ACTIVE:
                active_total += d
                last_dept = dept_of[s]
            else:
                queue_total += d
                pair = (last_dept, dept_of[s])
                item_pair[pair] = item_pair.get(pair, 0.0) + d
        for s, v in item_status.items():
            per_status[s].append(v)
        for pair, v in item_pair.items():
            lst = per_pair.get(pair)
            if lst is None:
                per_pair[pair] = [v]
            else:
                lst.append(v)
        if kind_of[rows[-1][1]] == DONE:
            j = n - 1
            while j > 0 and kind_of[rows[j - 1][1]] == DONE:
                j -= 1
            flow_times.append((rows[j][0] - rows[0][0]) / SECONDS_PER_DAY)

    statuses: list[StatusFigure] = []
    for s, lst in per_status.items():
        if not lst:
            continue
        n_items, total, med, p85 = _figures(lst)
        statuses.append(
            StatusFigure(s, dept_of[s], kind_of[s], n_items, visits[s], total, med, p85)
        )
    statuses.sort(key=lambda f: (-f.total_days, f.status))

    handoffs: list[HandoffFigure] = []
    silo = 0.0
    for (src, dst), lst in per_pair.items():
        n_items, total, med, p85 = _figures(lst)
        handoffs.append(HandoffFigure(src, dst, n_items, total, med, p85))
        if src != INTAKE and src != dst:
            silo += total
    handoffs.sort(key=lambda h: (-h.total_days, h.from_department, h.to_department))

    flow_total = active_total + queue_total
    flow_times.sort()
    return AuditResult(
        as_of=as_of,
        items=len(kept),
        completed=len(flow_times),
        flow_time_median=_percentile_sorted(flow_times, 50) if flow_times else None,
        flow_time_p85=_percentile_sorted(flow_times, 85) if flow_times else None,
        flow_efficiency=(active_total / flow_total) if flow_total > 0 else None,
        statuses=tuple(statuses),
        handoffs=tuple(handoffs),
        silo_tax_days=silo,
        silo_tax_share=(silo * SECONDS_PER_DAY / flow_total) if flow_total > 0 else None,
        active_days=active_total / SECONDS_PER_DAY,
        queue_days=queue_total / SECONDS_PER_DAY,
        flow_times=tuple(flow_times),
        cumulative_flow=_cumulative_flow(kept, stages, as_of),
    )


def _cumulative_flow(
    kept: list[list[tuple[float, str]]], stages: Mapping[str, Stage], as_of: datetime
) -> CumulativeFlow:
    if not kept:
        return _EMPTY_FLOW
    tz = as_of.tzinfo
    first_ts = min(rows[0][0] for rows in kept)
    first_day = datetime.fromtimestamp(first_ts, tz).date()
    last_day = as_of.date()
    ndays = (last_day - first_day).days + 1
    # boundaries[j] = start (local midnight) of day j + 1
    boundaries = [
        datetime.combine(first_day + timedelta(days=j + 1), time(0), tzinfo=tz).timestamp()
        for j in range(ndays - 1)
    ]
    used = {s for rows in kept for _, s in rows}
    order = [s for s in stages if s in used]
    index = {s: i for i, s in enumerate(order)}
    diff = [[0] * (ndays + 1) for _ in order]
    for rows in kept:
        n = len(rows)
        day_of = [bisect_right(boundaries, ts) for ts, _ in rows]
        for i in range(n):
            d0 = day_of[i]
            d1 = day_of[i + 1] if i + 1 < n else ndays
            if d1 > d0:
                row = diff[index[rows[i][1]]]
                row[d0] += 1
                row[d1] -= 1
    counts = []
    for row in diff:
        acc = 0
        series = []
        for j in range(ndays):
            acc += row[j]
            series.append(acc)
        counts.append(tuple(series))
    return CumulativeFlow(
        days=tuple(first_day + timedelta(days=j) for j in range(ndays)),
        statuses=tuple(order),
        counts=tuple(counts),
    )


def cumulative_flow(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None = None,
) -> CumulativeFlow:
    """Cumulative-flow data alone (also available as
    ``analyse(...).cumulative_flow``); see :class:`CumulativeFlow`."""
    _, _, kept, as_of = _prepare(transitions, stages, as_of)
    if as_of is None:
        return _EMPTY_FLOW
    return _cumulative_flow(kept, stages, as_of)
