"""Ageing work in progress: which items are stuck right now (plain Python).

* An item is in progress when it is not done as of the as-of moment (see
  :mod:`models.audit.flowlog`); its *age* is as-of minus its first row, in
  days, and ``in_status_days`` is as-of minus its last row.
* Bands are the 50th, 70th, 85th and 95th percentiles of the completed
  items' flow times (linear interpolation, as the audit's flow-time p85), so
  the 85th band is the Audit page's flow-time p85.  No completed item, no bands.
* An item older than the 85th band (strictly) is *at risk*.
* Items are listed oldest first (ties by item name); ``statuses`` lists the
  statuses that hold at least one item, in stage-map order (the dot chart's
  columns).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.audit.analysis import SECONDS_PER_DAY, percentile
from models.audit.flowlog import FlowLog

BAND_PERCENTILES = (50, 70, 85, 95)
AT_RISK_PERCENTILE = 85


@dataclass(frozen=True)
class Bands:
    p50: float
    p70: float
    p85: float
    p95: float

    def pairs(self) -> tuple[tuple[int, float], ...]:
        """((50, days), (70, days), …) to draw the bands."""
        return tuple(zip(BAND_PERCENTILES, (self.p50, self.p70, self.p85, self.p95)))

    def to_json(self) -> dict[str, float]:
        return {f"p{q}": round(v, 4) for q, v in self.pairs()}


@dataclass(frozen=True)
class AgeingItem:
    item: str
    status: str
    department: str
    kind: str
    age_days: float
    in_status_days: float
    at_risk: bool

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "status": self.status, "age_days": round(self.age_days, 4),
                "at_risk": self.at_risk}


@dataclass(frozen=True)
class Ageing:
    as_of: datetime
    #: oldest first
    items: tuple[AgeingItem, ...]
    #: None when no item has been completed
    bands: Bands | None
    #: how many completed items the bands come from
    completed: int
    statuses: tuple[str, ...]

    @property
    def at_risk(self) -> tuple[AgeingItem, ...]:
        return tuple(i for i in self.items if i.at_risk)

    def in_status(self, status: str) -> tuple[AgeingItem, ...]:
        """The items in one status (a column of the dot chart), oldest first."""
        return tuple(i for i in self.items if i.status == status)


def ageing(log: FlowLog) -> Ageing:
    """Ages of the items in progress and the bands from the completed ones."""
    flow_times = log.flow_times()
    bands = Bands(*(percentile(flow_times, q) for q in BAND_PERCENTILES)) if flow_times else None
    limit = bands.p85 if bands is not None else None
    now = log.as_of_ts
    items = []
    for i in log.open_items():
        rows = log.histories[i]
        status = rows[-1][1]
        stage = log.stages[status]
        age = (now - rows[0][0]) / SECONDS_PER_DAY
        items.append(AgeingItem(log.items[i], status, stage.department, stage.kind, age,
                                (now - rows[-1][0]) / SECONDS_PER_DAY, limit is not None and age > limit))
    items.sort(key=lambda a: (-a.age_days, a.item))
    held = {a.status for a in items}
    return Ageing(log.as_of, tuple(items), bands, len(flow_times), tuple(s for s in log.stages if s in held))
