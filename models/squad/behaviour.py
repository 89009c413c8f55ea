"""The squad metric's process-behaviour chart (the Squad page): the XmR chart
of :mod:`models.core.behaviour` over the check-ins up to the as-of date, in
date order (ties in the order given), with the metric's direction deciding
which signals are real improvement and which are warnings.  The baseline is
not a point: the chart reads how the squad's weeks vary.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Protocol

from models.core.behaviour import MIN_POINTS, XmR, xmr


class _Point(Protocol):
    date: date
    value: float


@dataclass(frozen=True)
class SquadBehaviour:
    dates: tuple[date, ...]
    #: None with fewer than MIN_POINTS check-ins
    chart: XmR | None

    @property
    def missing(self) -> str | None:
        """What the chart still needs, in words (None once it is drawn)."""
        if self.chart is not None:
            return None
        return (f"A process-behaviour chart needs at least {MIN_POINTS} check-ins; "
                f"there {'is' if len(self.dates) == 1 else 'are'} {len(self.dates)} so far.")


def squad_behaviour(direction: str, checkins: Iterable[_Point], as_of: date) -> SquadBehaviour:
    """The chart of the check-ins dated on or before ``as_of``."""
    seen = sorted((c for c in checkins if c.date <= as_of), key=lambda c: c.date)
    return SquadBehaviour(tuple(c.date for c in seen), xmr([c.value for c in seen], direction))
