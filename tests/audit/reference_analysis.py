"""The audit's analysis as it was written in plain Python, one row at a time, before
the columnar (numpy) version: kept as the oracle the columnar analysis must match
figure for figure, bit for bit (``test_columnar_audit.py``).  Not used by the app."""
from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from datetime import date, datetime, tzinfo
from operator import itemgetter
from typing import Iterable, Mapping

from models.audit.analysis import (
    _EMPTY_FLOW, _MAX_TS, _MIN_TS, ACTIVE, DONE, INTAKE, SECONDS_PER_DAY, AuditResult,
    CumulativeFlow, HandoffFigure, Stage, StatusFigure, Transition, UnknownStatusError,
    _flow_days, _lookups, _percentile_sorted, _result,
)

_key0 = itemgetter(0)


def _outside_range(transitions, items):
    from models.audit.analysis import DateRangeError

    return DateRangeError(f"outside: {items[0]!r} ({len(items)} items)")


def _group(
    transitions: Iterable[Transition], kind_of: Mapping[str, str]
) -> tuple[dict[str, list[tuple[float, str]]], datetime | None]:
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
    outside: list[str] = []
    for item, rows in groups.items():
        if len(rows) > 1:
            rows.sort(key=_key0)
        if rows[0][0] < _MIN_TS or rows[-1][0] >= _MAX_TS:
            outside.append(item)
        if rows[-1][0] > as_ts:
            rows = rows[: bisect_right(rows, as_ts, key=_key0)]
            if not rows:
                continue
        kept.append(rows)
    if outside:
        raise _outside_range(transitions, outside)
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

    flow_times.sort()
    return _result(as_of, len(kept), flow_times, active_total, queue_total, statuses, handoffs, silo,
                   _cumulative_flow(kept, stages, as_of))


def _cumulative_flow(
    kept: list[list[tuple[float, str]]], stages: Mapping[str, Stage], as_of: datetime
) -> CumulativeFlow:
    if not kept:
        return _EMPTY_FLOW
    days, boundaries = _flow_days(min(rows[0][0] for rows in kept), as_of)
    ndays = len(days)
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
        days=tuple(days),
        statuses=tuple(order),
        counts=tuple(counts),
    )


def cumulative_flow(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None = None,
) -> CumulativeFlow:
    _, _, kept, as_of = _prepare(transitions, stages, as_of)
    if as_of is None:
        return _EMPTY_FLOW
    return _cumulative_flow(kept, stages, as_of)


# --------------------------------------------------------------------------- the import wizard's facts
# The row-by-row loop the wizard used before flow_facts: the reference it is checked against.

from models.audit.log_rows import status_key  # noqa: E402
from views.audit.importer import end_of_day  # noqa: E402

def log_facts_loop(transitions: list[Transition], today: date | None = None, tz: tzinfo | None = None) -> tuple:
    """Counts, items, date range, the rows dated after *today* (in *tz*) and the statuses
    in flow order, in one pass plus a sort per item. Spellings of a status that differ only in case count as one,
    under its first spelling. Items keep lists of row numbers, not tuples, so that
    100,000 rows add few objects for the garbage collector to walk (its full passes
    stall every thread)."""
    counts: Counter[str] = Counter()
    rows_of: dict[str, list[int]] = {}
    spelling: dict[str, str] = {}  # status as written -> its first spelling
    by_key: dict[str, str] = {}  # status_key -> its first spelling

    def one(status: str) -> str:
        known = spelling.get(status)
        if known is None:
            known = spelling[status] = by_key.setdefault(status_key(status), status)
        return known

    first = last = None
    boundary = end_of_day(today, tz) if today is not None else None
    naive_boundary = boundary.replace(tzinfo=None) if boundary is not None else None
    future = 0

    for i, t in enumerate(transitions):
        if boundary is not None and t.at >= (boundary if t.at.tzinfo is not None else naive_boundary):
            future += 1
        counts[one(t.to_status)] += 1
        if t.from_status:
            counts[one(t.from_status)] += 1
        rows = rows_of.get(t.item)
        if rows is None:
            rows_of[t.item] = [i]
        else:
            rows.append(i)
        if first is None or t.at < first:
            first = t.at
        if last is None or t.at > last:
            last = t.at
    # flow order: a status's mean relative position in the items' histories
    moments = [t.at for t in transitions]
    rank_sum: dict[str, float] = {}
    rank_n: dict[str, int] = {}
    for rows in rows_of.values():
        n = len(rows)
        if n > 1:
            rows.sort(key=moments.__getitem__)
        for pos, i in enumerate(rows):
            status = spelling[transitions[i].to_status]
            rank_sum[status] = rank_sum.get(status, 0.0) + (pos / (n - 1) if n > 1 else 0.0)
            rank_n[status] = rank_n.get(status, 0) + 1
    order = sorted(counts, key=lambda s: (rank_sum[s] / rank_n[s] if s in rank_n else -1, s))
    return len(rows_of), first, last, tuple((s, counts[s]) for s in order), future
