"""Figures for a cross-functional growth squad that owns one metric.

Pure Python, standard library only, no Qt. Inputs and outputs are frozen
dataclasses; everything is computed "as of" a given date.

Definitions
-----------
Points
    The baseline ``(metric.baseline_date, metric.baseline)`` plus every
    check-in dated on or before ``as_of`` (later check-ins are ignored, as
    are changes dated after ``as_of``). ``x`` is the number of days since
    ``metric.baseline_date``; ``y`` is the value.

Forecast
    The ordinary least-squares line through the points,
    ``slope = sum((x - mean_x) * (y - mean_y)) / sum((x - mean_x) ** 2)``,
    ``intercept = mean_y - slope * mean_x``, evaluated at the target date's
    ``x``. ``None`` (and so are slope and intercept) with fewer than two
    points, or when all points share the same ``x``. ``slope`` is per day.

Latest
    The value of the most recent check-in (on a tie, the one listed last),
    or the baseline when there is no check-in; ``latest_date`` likewise is
    that check-in's date or the baseline date.

Progress
    ``(latest - baseline) / (target - baseline)``, not clamped (it can be
    negative or above 1). ``None`` when ``target == baseline``.

Target met
    ``latest`` has reached the target in the metric's direction
    (up: ``latest >= target``; down: ``latest <= target``).

On track
    The forecast reaches the target in the metric's direction
    (up: ``forecast >= target``; down: ``forecast <= target``). ``None`` when
    there is no forecast.

Required weekly rate
    ``(target - latest) / weeks`` where ``weeks`` is the number of days from
    ``latest_date`` to ``target_date`` divided by 7. ``None`` when that
    number of weeks is not positive (the target date is today or has
    passed).

Target path
    ``target_path(metric, d)``: the straight line from
    ``(baseline_date, baseline)`` to ``(target_date, target)`` evaluated at
    date ``d`` (extrapolated outside that range).

Role coverage
    A core role (``CORE_ROLES``) is covered when at least one member holds
    that role with an allocation of at least 50 (percent). Allocations are
    *not* summed: two people at 25 % each still leave the role uncovered,
    because nobody owns it as their main job. Role names are compared
    ignoring case and surrounding blanks; roles outside ``CORE_ROLES`` are
    ignored. ``roles_missing`` lists the uncovered roles in ``CORE_ROLES``
    order; each comes with a :class:`RoleWarning` whose ``status`` is
    ``"absent"`` (nobody in that role) or ``"under-allocated"`` (somebody,
    but nobody at 50 % or more; ``best_allocation`` is the highest single
    allocation seen).

Changes
    ``changes_shipped`` counts changes dated on or before ``as_of``;
    ``changes_kept`` counts those with outcome ``"kept"``.
    ``share_kept = kept / (kept + rolled back)`` over the shipped changes,
    ``None`` when none has been decided (all pending).
    ``velocity_per_week = changes_shipped / weeks`` where
    ``weeks = max(1, (as_of - baseline_date).days / 7)``.

Verdict suggestion
    ``"expand"`` when the target is met or the squad is on track,
    otherwise ``"iterate"`` when progress is at least 0.5, otherwise
    ``"stop"`` (also when progress is ``None``).

Check-in cadence
    ``checkins_in_last_two_weeks(checkins, as_of)`` is ``True`` when there is
    at least one check-in in each of the two 7-day windows ending at
    ``as_of``: ``as_of - 6 .. as_of`` and ``as_of - 13 .. as_of - 7``
    (both inclusive).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple, Sequence

# the choices and ranges are declared once, with the squad's fields
from models.squad.entities import CHECKIN, CORE_ROLES, DIRECTIONS, OUTCOMES, VERDICTS

__all__ = [
    "CORE_ROLES",
    "ROLE_RISKS",
    "DIRECTIONS",
    "OUTCOMES",
    "VERDICTS",
    "Metric",
    "CheckIn",
    "Member",
    "Change",
    "RoleWarning",
    "SquadFigures",
    "ols_line",
    "forecast_line",
    "latest_value",
    "progress",
    "reached",
    "required_weekly_rate",
    "target_path",
    "role_coverage",
    "checkins_in_last_two_weeks",
    "suggest_verdict",
    "squad_figures",
]


ROLE_RISKS: dict[str, str] = {
    "Product Lead": (
        "nobody prioritises the backlog by ROI, so the squad waits for "
        "decisions from outside"
    ),
    "Tech Lead": (
        "changes go back to the IT queue instead of shipping within the week"
    ),
    "UX/UI Designer": (
        "design work waits on an agency or the brand team"
    ),
    "Data Analyst": (
        "nobody tells the squad on Tuesday whether Monday's change worked"
    ),
}


#: Minimum allocation (percent) for a member to cover a core role.
ROLE_ALLOCATION_THRESHOLD = 50.0


# --------------------------------------------------------------------------
# Inputs


def _one_of(name: str, value: object, options: tuple[str, ...]) -> None:
    if value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    direction: str
    baseline: float
    baseline_date: dt.date
    target: float
    target_date: dt.date

    def __post_init__(self) -> None:
        _one_of("direction", self.direction, DIRECTIONS)


@dataclass(frozen=True)
class CheckIn:
    date: dt.date
    value: float
    confidence: int
    morale: int

    def __post_init__(self) -> None:
        for key in ("confidence", "morale"):
            f = CHECKIN.field(key)
            if not f.low <= getattr(self, key) <= f.high:
                raise ValueError(f"{key} must be {f.low:g}-{f.high:g}, got {getattr(self, key)!r}")


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    department: str
    allocation: float  # percent of the member's time, 0-100

    def __post_init__(self) -> None:
        if self.allocation < 0:
            raise ValueError(f"allocation must not be negative, got {self.allocation!r}")


@dataclass(frozen=True)
class Change:
    date: dt.date
    title: str
    outcome: str

    def __post_init__(self) -> None:
        _one_of("outcome", self.outcome, OUTCOMES)


# --------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True)
class RoleWarning:
    role: str
    risk: str
    status: str  # "absent" | "under-allocated"
    best_allocation: float  # highest single allocation in that role (0 if absent)


@dataclass(frozen=True)
class SquadFigures:
    latest: float
    latest_date: dt.date
    progress: float | None
    forecast: float | None
    slope: float | None  # metric units per day
    intercept: float | None  # value at x = 0 (the baseline date)
    on_track: bool | None
    required_weekly_rate: float | None
    roles_missing: tuple[str, ...]
    role_warnings: tuple[RoleWarning, ...]
    changes_shipped: int
    changes_kept: int
    share_kept: float | None
    velocity_per_week: float
    verdict_suggested: str
    target_met: bool
    #: what a suggestion still needs, in words (empty once there is one)
    verdict_missing: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Building blocks


def ols_line(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """Return ``(slope, intercept)`` of the least-squares line through
    ``points``, or ``None`` with fewer than two points or when every ``x``
    is the same."""
    pts = list(points)
    n = len(pts)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in pts) / n
    mean_y = sum(y for _, y in pts) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pts)
    if sxx == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pts)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def _days(metric: Metric, d: dt.date) -> int:
    return (d - metric.baseline_date).days


def _upto(checkins: Iterable[CheckIn], as_of: dt.date | None) -> list[CheckIn]:
    return [c for c in checkins if as_of is None or c.date <= as_of]


def forecast_line(
    metric: Metric, checkins: Iterable[CheckIn]
) -> tuple[float, float, float] | None:
    """Return ``(forecast_at_target_date, slope, intercept)`` or ``None``.

    Uses the baseline plus *all* given check-ins (filter them first if
    needed). ``x`` is days since the baseline date.
    """
    points = [(0.0, float(metric.baseline))]
    points += [(float(_days(metric, c.date)), float(c.value)) for c in checkins]
    line = ols_line(points)
    if line is None:
        return None
    slope, intercept = line
    return intercept + slope * _days(metric, metric.target_date), slope, intercept


def latest_value(
    metric: Metric, checkins: Iterable[CheckIn]
) -> tuple[float, dt.date]:
    """Most recent check-in's ``(value, date)``; the baseline if none.

    On a date tie the check-in listed last wins.
    """
    best: CheckIn | None = None
    for c in checkins:
        if best is None or c.date >= best.date:
            best = c
    if best is None:
        return float(metric.baseline), metric.baseline_date
    return float(best.value), best.date


def progress(metric: Metric, latest: float) -> float | None:
    """``(latest - baseline) / (target - baseline)``, unclamped."""
    span = metric.target - metric.baseline
    if span == 0:
        return None
    return (latest - metric.baseline) / span


def reached(metric: Metric, value: float) -> bool:
    """Whether ``value`` is at or beyond the target in the metric's direction."""
    if metric.direction == "up":
        return value >= metric.target
    return value <= metric.target


def required_weekly_rate(
    metric: Metric, latest: float, latest_date: dt.date
) -> float | None:
    """``(target - latest)`` per week left until the target date."""
    weeks = (metric.target_date - latest_date).days / 7
    if weeks <= 0:
        return None
    return (metric.target - latest) / weeks


def target_path(metric: Metric, d: dt.date) -> float:
    """Value on the straight line from baseline to target at date ``d``."""
    span_days = _days(metric, metric.target_date)
    if span_days == 0:
        return float(metric.target)
    return metric.baseline + (metric.target - metric.baseline) * _days(metric, d) / span_days


def _norm_role(role: str) -> str:
    return " ".join(role.split()).casefold()


def role_coverage(
    members: Iterable[Member],
) -> tuple[tuple[str, ...], tuple[RoleWarning, ...]]:
    """Return ``(roles_missing, warnings)`` for the core roles.

    A role is covered by at least one member in it with allocation >= 50.
    """
    best: dict[str, float] = {}
    wanted = {_norm_role(r): r for r in CORE_ROLES}
    for m in members:
        role = wanted.get(_norm_role(m.role))
        if role is None:
            continue
        best[role] = max(best.get(role, 0.0), float(m.allocation))
    missing: list[str] = []
    warnings: list[RoleWarning] = []
    for role in CORE_ROLES:
        if role in best and best[role] >= ROLE_ALLOCATION_THRESHOLD:
            continue
        missing.append(role)
        status = "under-allocated" if role in best else "absent"
        warnings.append(
            RoleWarning(role, ROLE_RISKS[role], status, best.get(role, 0.0))
        )
    return tuple(missing), tuple(warnings)


def checkins_in_last_two_weeks(
    checkins: Iterable[CheckIn], as_of: dt.date
) -> bool:
    """At least one check-in in ``as_of-6..as_of`` and in ``as_of-13..as_of-7``."""
    this_week = last_week = False
    for c in checkins:
        age = (as_of - c.date).days
        if 0 <= age <= 6:
            this_week = True
        elif 7 <= age <= 13:
            last_week = True
    return this_week and last_week


def suggest_verdict(
    target_met: bool, on_track: bool | None, progress_value: float | None
) -> str:
    """``"expand"`` / ``"iterate"`` / ``"stop"`` as defined in the module doc."""
    if target_met or on_track:
        return "expand"
    if progress_value is not None and progress_value >= 0.5:
        return "iterate"
    return "stop"


# --------------------------------------------------------------------------
# The honest verdict: no forecast and no suggestion from too little
#
# *Points* are the baseline plus the check-ins dated on or before the as-of date.
# No straight-line forecast (nor ``on_track``) from fewer than MIN_FORECAST_POINTS
# points. *Too early*: no verdict is suggested while the squad has run less than a
# third of its time (baseline date to target date: ``3 x elapsed < run``) or has
# fewer than MIN_CHECKINS check-ins; the suggestion is then "too early" (shown grey)
# with what is missing, in words. Otherwise ``suggest_verdict`` decides.

MIN_FORECAST_POINTS = 3
MIN_CHECKINS = 3
TOO_EARLY = "too early"
#: how each suggestion reads: good, caution, bad, or neutral (grey)
TONES = {"expand": "good", "iterate": "caution", "stop": "bad", TOO_EARLY: "neutral"}


class Point(NamedTuple):
    date: dt.date
    value: float


@dataclass(frozen=True)
class HonestVerdict:
    suggested: str  # expand | iterate | stop | too early
    #: what a suggestion still needs, in words (empty once there is one)
    missing: tuple[str, ...]
    forecast: float | None
    slope: float | None
    intercept: float | None
    on_track: bool | None
    checkins: int
    elapsed_days: int
    run_days: int
    #: the first day a third of the run has passed
    ready_on: dt.date

    @property
    def too_early(self) -> bool:
        return self.suggested == TOO_EARLY

    @property
    def tone(self) -> str:
        return TONES[self.suggested]


def honest_verdict(metric: Metric, checkins: Iterable[Any], as_of: dt.date) -> HonestVerdict:
    """The forecast and the suggestion as of ``as_of``; ``checkins`` need ``date`` and ``value``."""
    seen = [c for c in checkins if c.date <= as_of]
    line = forecast_line(metric, seen) if 1 + len(seen) >= MIN_FORECAST_POINTS else None
    fc, slope, intercept = line if line is not None else (None, None, None)
    on_track = reached(metric, fc) if fc is not None else None
    run = (metric.target_date - metric.baseline_date).days
    elapsed = (as_of - metric.baseline_date).days
    need = math.ceil(run / 3)
    ready_on = metric.baseline_date + dt.timedelta(days=need)
    missing: list[str] = []
    if 3 * elapsed < run:
        missing.append(f"the squad has run {max(elapsed, 0)} of its {run} days; a verdict is suggested after a "
                       f"third of them ({need} days, on {ready_on.isoformat()})")
    if len(seen) < MIN_CHECKINS:
        missing.append(f"{len(seen)} of the {MIN_CHECKINS} check-ins a verdict needs")
    if missing:
        suggested = TOO_EARLY
    else:
        latest, _ = latest_value(metric, seen)
        suggested = suggest_verdict(reached(metric, latest), on_track, progress(metric, latest))
    return HonestVerdict(suggested, tuple(missing), fc, slope, intercept, on_track, len(seen), elapsed, run,
                         ready_on)


# --------------------------------------------------------------------------
# Main entry


def squad_figures(
    metric: Metric,
    checkins: Sequence[CheckIn],
    members: Sequence[Member],
    changes: Sequence[Change],
    as_of: dt.date,
) -> SquadFigures:
    """Compute every squad figure as of ``as_of``."""
    seen = _upto(checkins, as_of)
    latest, latest_date = latest_value(metric, seen)
    prog = progress(metric, latest)

    honest = honest_verdict(metric, seen, as_of)
    fc, slope, intercept, on_track = honest.forecast, honest.slope, honest.intercept, honest.on_track

    met = reached(metric, latest)
    missing, warnings = role_coverage(members)

    shipped = [c for c in changes if c.date <= as_of]
    kept = sum(1 for c in shipped if c.outcome == "kept")
    rolled_back = sum(1 for c in shipped if c.outcome == "rolled back")
    share_kept = kept / (kept + rolled_back) if kept + rolled_back else None
    weeks = max(1.0, (as_of - metric.baseline_date).days / 7)

    return SquadFigures(
        latest=latest,
        latest_date=latest_date,
        progress=prog,
        forecast=fc,
        slope=slope,
        intercept=intercept,
        on_track=on_track,
        required_weekly_rate=required_weekly_rate(metric, latest, latest_date),
        roles_missing=missing,
        role_warnings=warnings,
        changes_shipped=len(shipped),
        changes_kept=kept,
        share_kept=share_kept,
        velocity_per_week=len(shipped) / weeks,
        verdict_suggested=honest.suggested,
        target_met=met,
        verdict_missing=honest.missing,
    )
