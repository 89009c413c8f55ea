"""A process-behaviour chart (XmR chart) of a series: the one statistic two
features draw (the squad's metric on its page, and in the Forecast sheet),
so it lives below both.  Plain Python.

Definitions (Wheeler's XmR chart):

* centre line = the mean of the values;
* moving ranges ``mR_i = |x_i - x_(i-1)|`` for ``i >= 2``;
* natural process limits = centre ± 2.66 × mean(mR);
* signals:
  - *outside*: a point above the upper or below the lower limit (strictly);
  - *run*: 8 or more points in a row strictly on one side of the centre
    (a point on the centre line breaks the run); one signal per run;
  - *near limit*: 3 of 4 consecutive points closer to the same limit than
    to the centre (strictly; a point beyond the limit is closer to it);
    overlapping windows on the same side make one signal.
* A signal on the side the metric should move (``direction`` "up" or
  "down") is an improvement; on the other side, a warning.  With no
  direction, neither.

Fewer than :data:`MIN_POINTS` values give no chart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

SCALE = 2.66
MIN_POINTS = 5
RUN_LENGTH = 8
OUTSIDE, RUN, NEAR_LIMIT = "outside", "run", "near limit"
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Signal:
    rule: str  # OUTSIDE | RUN | NEAR_LIMIT
    side: str  # UP (above the centre) | DOWN
    #: the points that make the signal, ascending
    points: tuple[int, ...]
    #: True: real improvement; False: a warning; None: the series has no good direction
    improvement: bool | None

    @property
    def text(self) -> str:
        where = "above" if self.side == UP else "below"
        if self.rule == OUTSIDE:
            what = f"point {self.points[0] + 1} is {where} the {'upper' if self.side == UP else 'lower'} limit"
        elif self.rule == RUN:
            what = f"{len(self.points)} points in a row {where} the centre line (points {self.points[0] + 1}–{self.points[-1] + 1})"
        else:
            what = (f"3 of 4 points closer to the {'upper' if self.side == UP else 'lower'} limit than to the "
                    f"centre (points {self.points[0] + 1}–{self.points[-1] + 1})")
        if self.improvement is None:
            return what
        return ("Real improvement: " if self.improvement else "Warning: ") + what


@dataclass(frozen=True)
class XmR:
    values: tuple[float, ...]
    #: ``None`` for the first point
    moving_ranges: tuple[float | None, ...]
    centre: float
    mean_moving_range: float
    upper: float
    lower: float
    signals: tuple[Signal, ...]

    @property
    def upper_mid(self) -> float:
        """Half-way between the centre and the upper limit (the near-limit line)."""
        return (self.centre + self.upper) / 2

    @property
    def lower_mid(self) -> float:
        return (self.centre + self.lower) / 2

    def signals_at(self, i: int) -> tuple[Signal, ...]:
        """The signals point ``i`` belongs to (to colour it on a chart)."""
        return tuple(s for s in self.signals if i in s.points)


def xmr(values: Sequence[float], direction: str | None = None) -> XmR | None:
    """The XmR chart of ``values`` in their order, or None with fewer than 5."""
    xs = tuple(float(v) for v in values)
    if len(xs) < MIN_POINTS:
        return None
    if direction not in (UP, DOWN, None):
        raise ValueError(f"direction must be 'up', 'down' or None, not {direction!r}")
    centre = sum(xs) / len(xs)
    ranges = [abs(b - a) for a, b in zip(xs, xs[1:])]
    mr = sum(ranges) / len(ranges)
    upper, lower = centre + SCALE * mr, centre - SCALE * mr

    def good(side: str) -> bool | None:
        return None if direction is None else side == direction

    def side_of(x: float) -> str | None:
        return UP if x > centre else DOWN if x < centre else None

    signals: list[Signal] = []
    for i, x in enumerate(xs):
        if x > upper or x < lower:
            signals.append(Signal(OUTSIDE, side_of(x), (i,), good(side_of(x))))

    start = 0
    for i in range(1, len(xs) + 1):
        if i == len(xs) or side_of(xs[i]) != side_of(xs[start]) or side_of(xs[i]) is None:
            side = side_of(xs[start])
            if side is not None and i - start >= RUN_LENGTH:
                signals.append(Signal(RUN, side, tuple(range(start, i)), good(side)))
            start = i

    for side, limit in ((UP, upper), (DOWN, lower)):
        near = [side_of(x) == side and abs(x - limit) < abs(x - centre) for x in xs]
        hits: set[int] = set()
        last_window = -2
        for i in range(len(xs) - 3):
            if sum(near[i:i + 4]) < 3:
                continue
            window = {j for j in range(i, i + 4) if near[j]}
            if i > last_window + 3 and hits:  # a new, separate stretch
                signals.append(Signal(NEAR_LIMIT, side, tuple(sorted(hits)), good(side)))
                hits = set()
            hits |= window
            last_window = i
        if hits:
            signals.append(Signal(NEAR_LIMIT, side, tuple(sorted(hits)), good(side)))

    signals.sort(key=lambda s: (s.points[0], s.rule))
    return XmR(xs, (None, *ranges), centre, mr, upper, lower, tuple(signals))
