"""Work-item-log analysis for the "Audit bottlenecks" step.

The input is a *transition log* (one :class:`Transition` per status change;
a :class:`~.transition_list.TransitionList` holds it by the column) and a
*stage map* (one :class:`Stage` per workflow status, saying its department and
whether it is ``active``, ``queue`` or ``done``).  :func:`analyse` turns them
into an :class:`AuditResult`, working by the column with numpy (imported when
an analysis runs, not with this module).

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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from models.core.validation import DATE_MAX, DATE_MIN, PlanError

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



# --------------------------------------------------------------------------
# Input records


@dataclass(frozen=True, slots=True)
class Stage:
    """One workflow status: its department and its kind (see :data:`KINDS`)."""

    status: str
    department: str
    kind: str

    def __post_init__(self) -> None:
        _check_kind(self.status, self.kind)


def _check_kind(status: str, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"bad kind {kind!r} for status {status!r} (expected one of {', '.join(KINDS)})")


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
    (both inclusive), in the time zone of ``as_of``; a log spanning more than
    ``MAX_FLOW_POINTS`` days is sampled every n-th day (its last day kept).  ``statuses`` lists every
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


#: the timestamps an analysis accepts: the date range of every entry point, in UTC
_MIN_TS = datetime.combine(DATE_MIN, time(0), tzinfo=timezone.utc).timestamp()
_MAX_TS = datetime.combine(DATE_MAX + timedelta(days=1), time(0), tzinfo=timezone.utc).timestamp()
#: the cumulative flow has at most this many points: past ~4 years of days it is sampled
MAX_FLOW_POINTS = 1500


class DateRangeError(PlanError):
    """The log has timestamps outside the years every entry point accepts."""


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
        _check_kind(status, stage.kind)
        kind_of[status] = stage.kind
        dept_of[status] = stage.department
    return kind_of, dept_of


@dataclass(frozen=True)
class _Kept:
    """The rows that count as of ``as_of``, by the column (numpy arrays): grouped by
    item (items in order of first appearance in the log), each item's rows sorted by
    time, stable.  ``status`` codes index ``names``; ``start``/``end`` bound each
    item's rows."""

    ts: Any
    status: Any
    names: list
    start: Any
    end: Any


def _columns(transitions: Iterable[Transition]):
    from .transition_list import TransitionList

    return transitions if isinstance(transitions, TransitionList) else TransitionList(transitions)


def _prepare(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None,
) -> tuple[dict[str, str], dict[str, str], _Kept | None, datetime | None]:
    """Check the log (naive timestamps, unknown statuses, the date range) and keep
    its rows as of ``as_of`` (default: the latest timestamp, the first row that has
    it giving its zone)."""
    import numpy as np

    kind_of, dept_of = _lookups(stages)
    log = _columns(transitions)
    naive = log.naive_rows()
    if len(naive):
        first = log[int(naive[0])]
        raise ValueError(f"naive timestamp {first.at.isoformat()} for item {first.item!r}")
    frm, to, names = log.status_codes
    used = set(np.flatnonzero(np.bincount(to)).tolist()) | {
        c for c in np.flatnonzero(np.bincount(frm)).tolist() if names[c]}
    unknown = {names[c] for c in used}.difference(kind_of)
    if unknown:
        raise UnknownStatusError(sorted(unknown))
    n = len(log)
    ts = log.epoch_us() / 1e6  # == at.timestamp(), exactly
    if as_of is None:
        if not n:
            return kind_of, dept_of, None, None
        as_of = log[int(np.argmax(ts))].at
    elif as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if not n:
        return kind_of, dept_of, None, as_of
    item, _ = log.item_codes
    seen = np.maximum.accumulate(item)
    if item[0] == 0 and not (np.diff(seen) > 1).any():  # codes given in order of first appearance
        codes = np.arange(int(seen[-1]) + 1)
        row_rank = rank = item.astype(np.int64)
    else:
        codes, first = np.unique(item, return_index=True)
        rank = np.zeros(int(codes.max()) + 1, dtype=np.int64)
        rank[codes[np.argsort(first, kind="stable")]] = np.arange(len(codes))
        row_rank = rank[item]
    outside = (ts < _MIN_TS) | (ts >= _MAX_TS)
    if outside.any():
        items = np.unique(row_rank[outside])  # by first appearance
        by_rank = np.empty(len(codes), dtype=np.int64)
        by_rank[rank[codes]] = codes
        raise _outside_range(transitions, log, outside, [log.item_codes[1][c] for c in by_rank[items].tolist()])
    order = _by_item_then_time(row_rank, log.epoch_us(), ts)
    keep = ts[order] <= as_of.timestamp()
    order = order[keep]
    group = row_rank[order]
    start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(order) else np.zeros(0, np.int64)
    end = np.r_[start[1:], len(order)]
    return kind_of, dept_of, _Kept(ts[order], to[order], names, start, end), as_of


def stable_argsort(key):
    """``np.argsort(key, kind="stable")`` of an integer array, the same positions, several
    times faster: numpy's stable sort of 32- and 64-bit integers is a timsort (about 12 ms
    for 100,000 keys), its default sort a vectorised quicksort (about 1.5 ms); the few
    positions of equal keys are then put back in ascending order.  Keys spanning less than
    2**16 are radix sorted (numpy's stable sort of 16-bit integers); keys spanning little
    enough are sorted with their position as a tie-break (``key * n + position``, distinct)."""
    import numpy as np

    n = len(key)
    if n < 2 or key.dtype.itemsize <= 2 or key.dtype.kind not in "iu":
        return np.argsort(key, kind="stable")
    low, high = int(key.min()), int(key.max())
    if high - low < 2 ** 16:
        return np.argsort((key - low).astype(np.uint16), kind="stable")
    if (high - low + 1) * n < 2 ** 63:
        return np.argsort((key - low).astype(np.int64) * n + np.arange(n, dtype=np.int64))
    order = np.argsort(key)
    ordered = key[order]
    tie = ordered[1:] == ordered[:-1]
    if not tie.any():
        return order
    if np.count_nonzero(tie) > n // 16:  # many: the stable sort is faster than mending
        return np.argsort(key, kind="stable")
    tied = np.zeros(n, dtype=bool)
    tied[1:] = tie
    tied[:-1] |= tie
    at = np.flatnonzero(tied)
    run = np.cumsum(np.r_[True, ~tie])[at]  # the run of equal keys of each tied position
    positions = order[at]
    order[at] = positions[np.lexsort((positions, run))]
    return order


def _by_item_then_time(rank, us, ts):
    """Row positions sorted by item, then time, stable.  One sort of one integer key
    when it fits (microseconds order rows as their timestamps do), else two."""
    import numpy as np

    low = int(us.min())
    span = int(us.max()) - low + 1
    if (int(rank.max()) + 1) * span < 2 ** 62:
        return stable_argsort(rank * span + (us - low))
    return np.lexsort((ts, rank))


def _outside_range(transitions: Iterable[Transition], log, outside, items: list[str]) -> DateRangeError:
    """The error naming the first row (file and line when known) outside the date range."""
    where, shown = f"item {items[0]!r}", None
    if isinstance(transitions, Sequence):
        i = int(outside.argmax())
        tr = log[i]
        shown = tr.at.isoformat()
        lines = getattr(transitions, "lines", None) or ()
        line = lines[i] if i < len(lines) else None
        file = getattr(transitions, "file", "")
        where = ", ".join(x for x in (file, f"line {line}" if line else f"item {tr.item!r}") if x)
    more = f" (and {len(items) - 1} more items)" if len(items) > 1 else ""
    what = f"timestamp {shown}" if shown else "a timestamp"
    return DateRangeError(f"{where}: {what} is outside the years {DATE_MIN.year}–{DATE_MAX.year}{more}")


def _figures(per_item) -> tuple[int, float, float, float]:
    # (an array sorted, then as Python floats: the same values, summed and read faster)
    per_item = sorted(per_item) if isinstance(per_item, list) else _sorted_array(per_item).tolist()
    return (
        len(per_item),
        math.fsum(per_item) / SECONDS_PER_DAY,
        _percentile_sorted(per_item, 50) / SECONDS_PER_DAY,
        _percentile_sorted(per_item, 85) / SECONDS_PER_DAY,
    )


def _sorted_array(values):
    import numpy as np

    return np.sort(values)


def _sums_by(key, values):
    """Per distinct key (ascending): the sum of its values added one by one in the
    given order, as ``total += value`` does; and each key's first position."""
    import numpy as np

    if not len(key):
        return key, np.zeros(0, np.int64), np.zeros(0)
    order = np.argsort(key)
    ordered = key[order]
    change = ordered[1:] != ordered[:-1]
    bounds = np.flatnonzero(np.r_[True, change])
    inverse = np.empty(len(key), dtype=np.int64)
    inverse[order] = np.cumsum(np.r_[False, change])
    sums = np.zeros(len(bounds))
    np.add.at(sums, inverse, values)  # unbuffered, in order: the same roundings
    return ordered[bounds], np.minimum.reduceat(order, bounds), sums


def _running_total(values) -> float:
    """``total = 0.0; for v in values: total += v`` (numpy's accumulate adds in order)."""
    import numpy as np

    return float(np.cumsum(values)[-1]) if len(values) else 0.0


def analyse(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None = None,
    *,
    flow: bool = True,
) -> AuditResult:
    """Analyse a transition log against a stage map (see the module docstring
    for the exact definitions).

    ``as_of`` defaults to the latest timestamp in the log and must be
    timezone-aware.  Raises :class:`UnknownStatusError` if the log uses a
    status (from or to) missing from ``stages`` and ``ValueError`` for naive
    timestamps.  An empty log gives an empty result (``as_of`` = now).  Without *flow*
    the result's ``cumulative_flow`` is left empty (what ``to_json`` gives needs none).

    The work is done by the column (numpy), adding up durations in the order the
    definitions give, so every figure is the one a row-by-row loop gives, to the
    last bit (``tests/audit/reference_analysis.py`` is that loop).
    """
    import numpy as np

    kind_of, dept_of, kept, as_of = _prepare(transitions, stages, as_of)
    if as_of is None:  # empty log and no as_of
        as_of = datetime.now().astimezone()
    if kept is None or not len(kept.ts):
        return AuditResult(as_of, 0, 0, None, None, None, (), (), 0.0, None)
    as_ts = as_of.timestamp()
    ts, names, start, end = kept.ts, kept.names, kept.start, kept.end
    n, groups = len(ts), len(start)
    kinds = np.array([KINDS.index(kind_of[s]) if s in kind_of else -1 for s in names], dtype=np.int64)
    departments = list(dict.fromkeys([INTAKE, *dept_of.values()]))
    dept_code = np.array([departments.index(dept_of[s]) if s in dept_of else 0 for s in names], dtype=np.int64)
    kind = kinds[kept.status]
    group = np.repeat(np.arange(groups), end - start)
    after = np.empty(n)
    after[:-1] = ts[1:]
    after[end - 1] = as_ts
    d = after - ts  # each row's holding time
    counted = kind != KINDS.index(DONE)
    active = kind == KINDS.index(ACTIVE)
    queue = kind == KINDS.index(QUEUE)
    active_total = _running_total(d[active])
    queue_total = _running_total(d[queue])

    # status figures: per item and status, the item's summed time there
    n_status = len(names)
    keys, _, sums = _sums_by(group[counted] * n_status + kept.status[counted], d[counted])
    key_status = keys % n_status
    visits = np.bincount(kept.status[counted], minlength=n_status)
    by_status = stable_argsort(key_status)
    bounds = np.searchsorted(key_status[by_status], np.arange(n_status + 1))
    statuses: list[StatusFigure] = []
    code_of = {s: c for c, s in enumerate(names) if s is not None}
    for s in kind_of:  # stage-map order, as the loop filled its dict
        c = code_of.get(s)
        if c is None or bounds[c] == bounds[c + 1]:
            continue
        n_items, total, med, p85 = _figures(sums[by_status[bounds[c]:bounds[c + 1]]])
        statuses.append(StatusFigure(s, dept_of[s], kind_of[s], n_items, int(visits[c]), total, med, p85))
    statuses.sort(key=lambda f: (-f.total_days, f.status))

    # handoffs: a queue row's time goes to (the item's last active department, or Intake) -> its department
    position = np.arange(n)
    last_active = np.maximum.accumulate(np.where(active, position, -1))
    source = np.where(last_active >= start[group], dept_code[kept.status[np.maximum(last_active, 0)]], 0)
    n_dept = len(departments)
    pair = source * n_dept + dept_code[kept.status]
    keys, first, sums = _sums_by(group[queue] * n_dept * n_dept + pair[queue], d[queue])
    key_pair = keys % (n_dept * n_dept)
    # the distinct pairs (ascending), where each first occurs and each one's keys, as
    # np.unique(return_index=True) and a stable sort give them, from one stable sort (a radix
    # sort: few departments) instead of np.unique's merge sort of int64 and a second sort
    by_pair = stable_argsort(key_pair)
    ordered = key_pair[by_pair]
    bounds = np.r_[np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]), len(ordered)] if len(ordered) \
        else np.zeros(1, np.int64)
    pairs, pair_first = ordered[bounds[:-1]], by_pair[bounds[:-1]]
    handoffs: list[HandoffFigure] = []
    silo = 0.0
    # in the order each pair first occurs, item by item, as the loop filled its dict
    for k in np.argsort(first[pair_first], kind="stable").tolist():
        src, dst = departments[int(pairs[k]) // n_dept], departments[int(pairs[k]) % n_dept]
        n_items, total, med, p85 = _figures(sums[by_pair[bounds[k]:bounds[k + 1]]])
        handoffs.append(HandoffFigure(src, dst, n_items, total, med, p85))
        if src != INTAKE and src != dst:
            silo += total
    handoffs.sort(key=lambda h: (-h.total_days, h.from_department, h.to_department))

    # flow time: from the first row to the start of the final run of done rows
    done = kind == KINDS.index(DONE)
    last_not_done = np.maximum.accumulate(np.where(done, -1, position))
    finished = done[end - 1]
    entered = np.maximum(last_not_done[end - 1] + 1, start)[finished]
    flow_times = np.sort((ts[entered] - ts[start[finished]]) / SECONDS_PER_DAY).tolist()

    return _result(as_of, groups, flow_times, active_total, queue_total, statuses, handoffs, silo,
                   _cumulative_flow(kept, stages, as_of) if flow else _EMPTY_FLOW)


def _result(as_of: datetime, items: int, flow_times: list[float], active_total: float, queue_total: float,
            statuses: list[StatusFigure], handoffs: list[HandoffFigure], silo: float,
            flow: CumulativeFlow) -> AuditResult:
    """The figures from the sums (seconds; flow times in days, ascending)."""
    flow_total = active_total + queue_total
    return AuditResult(
        as_of=as_of,
        items=items,
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
        cumulative_flow=flow,
    )


def _flow_days(first_ts: float, as_of: datetime) -> tuple[list[date], list[float]]:
    """The days of the cumulative flow, from the day of *first_ts* to that of *as_of*
    in its zone: one a day, past :data:`MAX_FLOW_POINTS` days every step-th day (and
    the last one); and the end (the next local midnight) of each but the last."""
    tz = as_of.tzinfo
    first_day = datetime.fromtimestamp(first_ts, tz).date()
    last_day = as_of.date()
    step = -(-((last_day - first_day).days + 1) // MAX_FLOW_POINTS)
    days = [first_day + timedelta(days=j) for j in range(0, (last_day - first_day).days + 1, step)]
    if days[-1] != last_day:
        days.append(last_day)
    return days, [datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz).timestamp() for d in days[:-1]]


def _cumulative_flow(kept: _Kept | None, stages: Mapping[str, Stage], as_of: datetime) -> CumulativeFlow:
    import numpy as np

    if kept is None or not len(kept.ts):
        return _EMPTY_FLOW
    days, ends = _flow_days(float(kept.ts[kept.start].min()), as_of)
    ndays = len(days)
    boundaries = np.array(ends, dtype=float)
    used = {kept.names[c] for c in np.flatnonzero(np.bincount(kept.status)).tolist()}
    order = [s for s in stages if s in used]
    index = np.full(len(kept.names), -1, dtype=np.int64)
    for i, s in enumerate(order):
        index[kept.names.index(s)] = i
    day_of = np.searchsorted(boundaries, kept.ts, side="right")  # bisect_right
    until = np.empty(len(day_of), dtype=np.int64)
    until[:-1] = day_of[1:]
    until[kept.end - 1] = ndays
    moved = until > day_of
    rows = index[kept.status[moved]]
    diff = np.zeros((len(order), ndays + 1), dtype=np.int64)
    np.add.at(diff, (rows, day_of[moved]), 1)
    np.add.at(diff, (rows, until[moved]), -1)
    counts = np.cumsum(diff[:, :ndays], axis=1)
    return CumulativeFlow(
        days=tuple(days),
        statuses=tuple(order),
        counts=tuple(tuple(row) for row in counts.tolist()),
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
