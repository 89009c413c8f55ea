"""Figures for the low-code shift: marketers ship about 80 % of requests
self-serve, developers keep the complex 20 %.

Pure Python, standard library only, no Qt. Inputs and outputs are frozen
dataclasses (week rows and reason rows are named tuples, so they also
unpack as plain tuples). Everything is computed "as of" a given date.

Definitions
-----------
Delivered
    A request is delivered when ``delivered is not None`` and
    ``delivered <= as_of``. A request delivered after ``as_of`` is still open
    as of ``as_of``.

Self-serve share
    ``share_cumulative`` = self-serve delivered / all delivered (``None``
    when nothing is delivered). ``share_last_4_weeks`` is the same ratio
    over requests delivered in the 28 days ending at ``as_of``, i.e. with
    ``as_of - 27 <= delivered <= as_of``.

Lead time
    ``delivered - requested`` in calendar days, for delivered requests.
    ``lead_days_by_route`` holds the sorted lead times per route
    (keys ``"self_serve"`` and ``"developer"``) for a box or strip chart;
    ``median_lead_days`` holds their medians (the mean of the two middle
    values for an even count), ``None`` for a route with no delivery.

Open developer queue
    Developer-route requests requested on or before ``as_of`` and not
    delivered as of ``as_of``, oldest request first.
    ``oldest_open_days = (as_of - requested).days`` of the oldest of them,
    ``None`` when the queue is empty.

Top reasons (Pareto)
    All developer-route requests requested on or before ``as_of`` (open or
    delivered) counted by ``reason``; a missing or blank reason counts as
    ``"unspecified"``. Sorted by count descending, then reason ascending.
    Each row carries the cumulative share ``running count / total``.

Weekly share
    One row per ISO week (weeks start on Monday) from the week of the first
    delivery on or before ``as_of`` to the week containing ``as_of``:
    ``(week_start, delivered, self_serve, share)``, with ``share`` ``None``
    in a week without deliveries. Empty when nothing is delivered.

Tools
    ``tools_adopted`` = number of tools with status ``"adopted"``;
    ``people_trained`` = sum of ``trained`` over tools that are
    ``"adopted"`` or ``"rolling out"``.

Weeks tracked
    Whole weeks from the first ``requested`` date (among requests requested
    on or before ``as_of``) to ``as_of``: ``(as_of - first).days // 7``;
    0 when there is no request.

Checklist
    ``checklist(fig)`` returns ``(label, done)`` pairs: at least one low-code
    tool adopted; people trained (> 0); requests tracked for 4 weeks
    (``weeks_tracked >= 4``); last-4-weeks share at or above the target, on
    evidence: at least ``MIN_EVIDENCE`` (10) requests delivered in those 4 weeks
    (``delivered_last_4_weeks``), so one lucky request does not tick it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

__all__ = [
    "REQUEST_TYPES",
    "REASONS",
    "ROUTES",
    "TOOL_STATUSES",
    "UNSPECIFIED",
    "WINDOW_DAYS",
    "MIN_EVIDENCE",
    "Request",
    "Tool",
    "WeekShare",
    "ReasonCount",
    "LowcodeFigures",
    "is_delivered",
    "median",
    "self_serve_share",
    "weekly_share",
    "top_reasons",
    "lowcode_figures",
    "checklist",
]

REQUEST_TYPES: tuple[str, ...] = (
    "landing page",
    "email sequence",
    "A/B test",
    "content update",
    "promotion or bundle rule",
    "integration",
    "data or AI model",
    "other",
)

REASONS: tuple[str, ...] = (
    "missing component",
    "data access",
    "custom logic",
    "legal or compliance",
    "skills",
    "other",
)

ROUTES: tuple[str, ...] = ("self-serve", "developer")
TOOL_STATUSES: tuple[str, ...] = ("evaluating", "rolling out", "adopted")
UNSPECIFIED = "unspecified"

#: Length of the recent window, in days, ending at (and including) as_of.
WINDOW_DAYS = 28
#: Deliveries in the recent window the self-serve share needs before it can tick the checklist.
MIN_EVIDENCE = 10

_ROUTE_KEYS = {"self-serve": "self_serve", "developer": "developer"}


# --------------------------------------------------------------------------
# Inputs


def _one_of(name: str, value: object, options: tuple[str, ...]) -> None:
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")


@dataclass(frozen=True)
class Request:
    title: str
    type: str
    team: str
    requested: dt.date
    delivered: dt.date | None
    route: str
    tool: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        _one_of("route", self.route, ROUTES)
        if self.delivered is not None and self.delivered < self.requested:
            raise ValueError(
                f"{self.title!r}: delivered {self.delivered} before requested "
                f"{self.requested}"
            )


@dataclass(frozen=True)
class Tool:
    name: str
    capability: str
    owner: str
    trained: int
    status: str

    def __post_init__(self) -> None:
        _one_of("status", self.status, TOOL_STATUSES)
        if self.trained < 0:
            raise ValueError(f"trained must not be negative, got {self.trained!r}")


# --------------------------------------------------------------------------
# Outputs


class WeekShare(NamedTuple):
    week_start: dt.date  # a Monday
    delivered: int
    self_serve: int
    share: float | None


class ReasonCount(NamedTuple):
    reason: str
    count: int
    cumulative_share: float


@dataclass(frozen=True)
class LowcodeFigures:
    target_share: float
    share_cumulative: float | None
    share_last_4_weeks: float | None
    #: requests delivered in the recent window (the evidence behind share_last_4_weeks)
    delivered_last_4_weeks: int
    delivered: int
    self_serve: int
    median_lead_days: dict[str, float | None]
    lead_days_by_route: dict[str, tuple[int, ...]]
    open_developer_queue: tuple[Request, ...]
    oldest_open_days: int | None
    top_reasons: tuple[ReasonCount, ...]
    weekly_share: tuple[WeekShare, ...]
    tools_adopted: int
    people_trained: int
    weeks_tracked: int


# --------------------------------------------------------------------------
# Building blocks


def is_delivered(request: Request, as_of: dt.date) -> bool:
    return request.delivered is not None and request.delivered <= as_of


def median(values: Iterable[float]) -> float | None:
    """Median; the mean of the two middle values for an even count."""
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        return None
    mid = n // 2
    if n % 2:
        return float(xs[mid])
    return (xs[mid - 1] + xs[mid]) / 2


def self_serve_share(delivered: Sequence[Request]) -> float | None:
    """Share of ``delivered`` requests that went self-serve."""
    if not delivered:
        return None
    return sum(1 for r in delivered if r.route == "self-serve") / len(delivered)


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def weekly_share(
    requests: Iterable[Request], as_of: dt.date
) -> tuple[WeekShare, ...]:
    """Per-ISO-week deliveries and self-serve share (see module doc)."""
    done = [r for r in requests if is_delivered(r, as_of)]
    if not done:
        return ()
    counts: dict[dt.date, list[int]] = {}
    for r in done:
        assert r.delivered is not None
        row = counts.setdefault(_monday(r.delivered), [0, 0])
        row[0] += 1
        row[1] += r.route == "self-serve"
    week = min(counts)
    last = _monday(as_of)
    rows: list[WeekShare] = []
    while week <= last:
        n, ss = counts.get(week, (0, 0))
        rows.append(WeekShare(week, n, ss, ss / n if n else None))
        week += dt.timedelta(days=7)
    return tuple(rows)


def _reason_key(reason: str | None) -> str:
    if reason is None or not reason.strip():
        return UNSPECIFIED
    return reason.strip()


def top_reasons(
    requests: Iterable[Request], as_of: dt.date
) -> tuple[ReasonCount, ...]:
    """Pareto of developer-route reasons (see module doc)."""
    counts: dict[str, int] = {}
    for r in requests:
        if r.route == "developer" and r.requested <= as_of:
            key = _reason_key(r.reason)
            counts[key] = counts.get(key, 0) + 1
    total = sum(counts.values())
    rows: list[ReasonCount] = []
    running = 0
    for reason, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        rows.append(ReasonCount(reason, count, running / total))
    return tuple(rows)


# --------------------------------------------------------------------------
# Main entry


def lowcode_figures(
    requests: Sequence[Request],
    tools: Sequence[Tool],
    as_of: dt.date,
    target_share: float = 0.8,
) -> LowcodeFigures:
    """Compute every low-code figure as of ``as_of``."""
    done = [r for r in requests if is_delivered(r, as_of)]
    window_start = as_of - dt.timedelta(days=WINDOW_DAYS - 1)
    recent = [r for r in done if r.delivered is not None and r.delivered >= window_start]

    lead: dict[str, list[int]] = {"self_serve": [], "developer": []}
    for r in done:
        assert r.delivered is not None
        lead[_ROUTE_KEYS[r.route]].append((r.delivered - r.requested).days)
    lead_days = {k: tuple(sorted(v)) for k, v in lead.items()}

    queue = sorted(
        (
            r
            for r in requests
            if r.route == "developer"
            and r.requested <= as_of
            and not is_delivered(r, as_of)
        ),
        key=lambda r: r.requested,
    )

    started = [r.requested for r in requests if r.requested <= as_of]
    weeks_tracked = (as_of - min(started)).days // 7 if started else 0

    return LowcodeFigures(
        target_share=target_share,
        share_cumulative=self_serve_share(done),
        share_last_4_weeks=self_serve_share(recent),
        delivered_last_4_weeks=len(recent),
        delivered=len(done),
        self_serve=sum(1 for r in done if r.route == "self-serve"),
        median_lead_days={k: median(v) for k, v in lead_days.items()},
        lead_days_by_route=lead_days,
        open_developer_queue=tuple(queue),
        oldest_open_days=(as_of - queue[0].requested).days if queue else None,
        top_reasons=top_reasons(requests, as_of),
        weekly_share=weekly_share(requests, as_of),
        tools_adopted=sum(1 for t in tools if t.status == "adopted"),
        people_trained=sum(
            t.trained for t in tools if t.status in ("adopted", "rolling out")
        ),
        weeks_tracked=weeks_tracked,
    )


def checklist(fig: LowcodeFigures) -> list[tuple[str, bool]]:
    """The four readiness items for the low-code shift, with done flags."""
    share = fig.share_last_4_weeks
    return [
        ("At least one low-code tool adopted", fig.tools_adopted >= 1),
        ("People trained on the low-code tools", fig.people_trained > 0),
        ("Requests tracked for 4 weeks", fig.weeks_tracked >= 4),
        (
            f"Self-serve share of the last 4 weeks at or above "
            f"{fig.target_share:.0%}",
            share is not None and share >= fig.target_share
            and fig.delivered_last_4_weeks >= MIN_EVIDENCE,
        ),
    ]
