"""The transition log as item histories: what the forecast, the ageing chart
and the what-if simulation read (plain Python, no Qt).

The definitions are those of :mod:`models.audit.analysis`: each item's rows
sorted by time (stable), rows after ``as_of`` ignored, an item whose rows all
lie after ``as_of`` does not exist yet.  An item is *done* when its last
status as of ``as_of`` is a ``done`` status; it was *completed* at the moment
it last entered done (the start of its final run of ``done`` rows).  Its
*flow time* is from its first row to that moment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Iterable, Mapping

from models.audit.analysis import DONE, SECONDS_PER_DAY, Stage, Transition, UnknownStatusError

Row = tuple[float, str]  # (epoch seconds, status entered)


@dataclass(frozen=True)
class FlowLog:
    """Every item's history as of ``as_of`` (aware, in the time zone that
    defines calendar days).  ``histories[i]`` belongs to ``items[i]``."""

    as_of: datetime
    items: tuple[str, ...]
    histories: tuple[tuple[Row, ...], ...]
    stages: Mapping[str, Stage]

    @property
    def as_of_ts(self) -> float:
        return self.as_of.timestamp()

    @property
    def as_of_date(self) -> date:
        return self.as_of.date()

    def day(self, ts: float) -> date:
        """The calendar day of an epoch time, in the log's time zone."""
        return datetime.fromtimestamp(ts, self.as_of.tzinfo).date()

    def is_done(self, status: str) -> bool:
        return self.stages[status].kind == DONE

    def completed_at(self, rows: tuple[Row, ...]) -> float | None:
        """When the item last entered done, or None if it is not done as of ``as_of``."""
        if not self.is_done(rows[-1][1]):
            return None
        j = len(rows) - 1
        while j > 0 and self.is_done(rows[j - 1][1]):
            j -= 1
        return rows[j][0]

    def flow_times(self) -> list[float]:
        """Flow time in days of every completed item, ascending."""
        out = []
        for rows in self.histories:
            done = self.completed_at(rows)
            if done is not None:
                out.append((done - rows[0][0]) / SECONDS_PER_DAY)
        out.sort()
        return out

    def open_items(self) -> list[int]:
        """Indices of the items not done as of ``as_of``."""
        return [i for i, rows in enumerate(self.histories) if not self.is_done(rows[-1][1])]


def flow_log(
    transitions: Iterable[Transition],
    stages: Mapping[str, Stage],
    as_of: datetime | None = None,
    tz: tzinfo | None = None,
) -> FlowLog:
    """Group a log into item histories as of ``as_of`` (default: its latest
    timestamp; must be timezone-aware).  Calendar days are those of ``tz``,
    else of ``as_of``'s own offset.  Raises :class:`UnknownStatusError` for
    statuses missing from ``stages`` and ``ValueError`` for naive timestamps
    or an empty log without ``as_of``."""
    groups: dict[str, list[Row]] = {}
    seen: set[str] = set()
    latest: datetime | None = None
    for tr in transitions:
        if tr.at.tzinfo is None:
            raise ValueError(f"naive timestamp {tr.at.isoformat()} for item {tr.item!r}")
        if latest is None or tr.at > latest:
            latest = tr.at
        seen.add(tr.to_status)
        if tr.from_status:
            seen.add(tr.from_status)
        groups.setdefault(tr.item, []).append((tr.at.timestamp(), tr.to_status))
    unknown = seen.difference(stages)
    if unknown:
        raise UnknownStatusError(sorted(unknown))
    if as_of is None:
        as_of = latest
    if as_of is None:
        raise ValueError("an empty log needs an as-of moment")
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if tz is not None:
        as_of = as_of.astimezone(tz)
    cut = as_of.timestamp()
    items: list[str] = []
    histories: list[tuple[Row, ...]] = []
    for item, rows in groups.items():
        rows.sort(key=_at)
        kept = tuple(r for r in rows if r[0] <= cut)
        if kept:
            items.append(item)
            histories.append(kept)
    return FlowLog(as_of, tuple(items), tuple(histories), dict(stages))


def _at(row: Row) -> float:
    return row[0]
