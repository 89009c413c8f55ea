"""A transition log held by the column: what the readers return, the analysis
reads and the store writes, without one Python object per row.

A :class:`TransitionList` is a ``Sequence[Transition]`` (a row can be replaced,
none added): indexing and iterating build each :class:`~.analysis.Transition` on
demand, equal to the one that was read (same strings, same moment, same time zone object).  Underneath,
each text column is a numpy array of codes into a table of distinct values, and
each moment is its wall-clock time and UTC offset in microseconds plus its zone
(see :mod:`.timestamps`).  A million rows take about 50 MB and a handful of
objects for the garbage collector, where a million ``Transition`` objects took
several hundred MB and made its full passes stall every thread.

numpy is imported when a list is built, not when this module is imported.
"""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from itertools import chain, count, filterfalse, islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from .analysis import Transition, stable_argsort

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["TransitionList", "Codes", "NO_LINE"]

#: ``lines`` value of a row that has no line (a stall, a row built from a plain list)
NO_LINE = -1
_BATCH = 4096
_SLICE = 20_000
_SHOWN_ITEMS = 5
#: items whose rows :meth:`TransitionList.changes_never_differ` looks at first
_PROBE_ITEMS = 256
_NAIVE = -(2 ** 63)  # the offset of a naive moment (same as timestamps.NAIVE, as int64)
_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)


class Codes(dict):
    """value -> code: a value not seen yet gets the next code.  Looking codes up
    with ``map(codes.__getitem__, values)`` runs at C speed for known values."""

    __slots__ = ()

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code

    def codes_of(self, distinct: Sequence[Any]) -> np.ndarray:
        """The codes of *distinct* values (none twice), the new ones added in that order."""
        import numpy as np

        out = np.empty(len(distinct), dtype=np.int32)
        for start in range(0, len(distinct), _SLICE):  # C loops short enough to let other threads in
            part = distinct[start:start + _SLICE]
            self.update(zip(filterfalse(self.__contains__, part), count(len(self))))
            out[start:start + len(part)] = np.fromiter(map(self.__getitem__, part), dtype=np.int32, count=len(part))
        return out


class _Zones:
    """Distinct tzinfo objects (None for naive), told apart by value and repr (a
    fixed offset's name is kept)."""

    def __init__(self, zones: Sequence[tzinfo | None] = ()):
        self.list: list[tzinfo | None] = []
        self._keys: dict[Any, int] = {}
        for z in zones:
            self.code(z)

    def code(self, zone: tzinfo | None) -> int:
        key = None if zone is None else (zone, repr(zone))
        k = self._keys.get(key)
        if k is None:
            k = self._keys[key] = len(self.list)
            self.list.append(zone)
        return k


def _differ_within(item: np.ndarray, values: np.ndarray) -> bool:
    """Whether the values of some item differ (the rows in any order)."""
    import numpy as np

    if len(item) < 2:
        return False
    order = np.argsort(item)
    item, values = item[order], values[order]
    starts = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
    return bool(np.any(np.minimum.reduceat(values, starts) != np.maximum.reduceat(values, starts)))


def _codes_of(values: Sequence[Any], table: Codes) -> np.ndarray:
    import numpy as np

    return np.fromiter(map(table.__getitem__, values), dtype=np.int32, count=len(values))


def _lookup(table: Sequence[Any], codes: np.ndarray) -> list:
    """``[table[c] for c in codes]``, at C speed for many codes."""
    import numpy as np

    if len(codes) < 64 or len(table) > 4 * len(codes):
        return [table[c] for c in codes.tolist()]
    values = np.empty(len(table), dtype=object)
    values[:] = list(table)
    return values[codes].tolist()


def _merged(names: list, codes: np.ndarray, rename: Mapping[Any, Any] | None = None
            ) -> tuple[list, np.ndarray]:
    """*names* renamed (``rename``: old -> new) and made distinct again, and *codes* remapped."""
    import numpy as np

    table = Codes()
    if names and names[0] is None:
        table[None] = 0
    new = [rename.get(n, n) if rename else n for n in names]
    remap = np.fromiter(map(table.__getitem__, new), dtype=np.int32, count=len(new))
    return list(table), (remap[codes] if len(remap) else codes)


class TransitionList(Sequence):
    """A ``Sequence[Transition]`` that remembers where each row came from.

    ``lines[i]`` is the file line / sheet row of ``self[i]`` (for Jira, the
    line of the issue's key; None when unknown); ``sources[i]`` its file's
    name when several files were read together (else ``None``: every row is
    from ``file``); ``columns`` maps fields to the column names used.  The
    counts say what reading did: creation rows built, items left out (never
    moved, status unknown), duplicate rows dropped, Jira issues repeated
    across pages.  Built from ``Transition`` objects (any iterable), or by the
    readers and the store straight from columns (:meth:`from_columns`).
    """

    def __init__(
        self,
        items: Iterable[Transition] = (),
        *,
        file: str = "",
        format: str = "",
        lines: Sequence[int | None] = (),
        columns: Mapping[str, str] | None = None,
        sources: Sequence[str] | None = None,
    ):
        self.file = file
        self.format = format
        self.columns: dict[str, str] = dict(columns or {})
        self.created_rows = 0
        self.left_out: tuple[str, ...] = ()
        self.duplicates = 0
        self.repeated_issues = 0
        self._set_rows(items)
        self.lines = lines
        self.sources = sources

    # ----------------------------------------------------------------- building
    def _set_rows(self, rows: Iterable[Transition]) -> None:
        import numpy as np

        items, statuses, titles, types = Codes(), Codes({None: 0}), Codes({None: 0}), Codes({None: 0})
        zones = _Zones()
        item, frm, to, title, kind, wall, offset, zone = [], [], [], [], [], [], [], []
        for t in rows:
            at = t.at
            item.append(items[t.item])
            frm.append(statuses[t.from_status])
            to.append(statuses[t.to_status])
            title.append(titles[t.title])
            kind.append(types[t.type])
            wall.append((at.replace(tzinfo=None) - _EPOCH) // _US)
            off = at.utcoffset()
            offset.append(_NAIVE if off is None else off // _US)
            zone.append(zones.code(at.tzinfo))
        self._items, self._statuses, self._titles, self._types = list(items), list(statuses), list(titles), \
            list(types)
        self._zones = zones.list
        self._item = np.array(item, dtype=np.int32)
        self._from = np.array(frm, dtype=np.int32)
        self._to = np.array(to, dtype=np.int32)
        self._title = np.array(title, dtype=np.int32)
        self._type = np.array(kind, dtype=np.int32)
        self._wall = np.array(wall, dtype=np.int64)
        self._offset = np.array(offset, dtype=np.int64)
        self._zone = np.array(zone, dtype=np.int16)

    @classmethod
    def from_columns(
        cls,
        *,
        item: np.ndarray, items: list[str],
        wall: np.ndarray, offset: np.ndarray, zone: np.ndarray, zones: list[tzinfo | None],
        from_status: np.ndarray, to_status: np.ndarray, statuses: list[str | None],
        title: np.ndarray, titles: list[str | None], type: np.ndarray, types: list[str | None],
        **attrs: Any,
    ) -> TransitionList:
        """A list over columns: each text column is codes into its table (``statuses``,
        ``titles`` and ``types`` hold None at code 0 and distinct values after); moments
        are wall-clock microseconds, the UTC offset in microseconds (``timestamps.NAIVE``
        promoted to int64 min for none) and a code into ``zones``.  ``attrs``: the
        constructor's keywords (``file``, ``lines``…)."""
        out = cls(**attrs)
        out._item, out._items = item, items
        out._wall, out._offset, out._zone, out._zones = wall, offset, zone, zones
        out._from, out._to, out._statuses = from_status, to_status, statuses
        out._title, out._titles, out._type, out._types = title, titles, type, types
        return out

    def _with(self, **columns: Any) -> TransitionList:
        """A copy (tables, columns, lines, sources, counts) with some columns replaced."""
        out = TransitionList(file=self.file, format=self.format, columns=self.columns)
        out.__dict__.update({k: v for k, v in self.__dict__.items()
                             if k not in ("columns", "_lines_list", "_by_item_order")})
        out.__dict__.update(columns)
        return out

    def take(self, rows: np.ndarray | Sequence[int]) -> TransitionList:
        """The rows at positions *rows*, in that order (lines and sources follow)."""
        import numpy as np

        rows = np.asarray(rows, dtype=np.int64)
        n = len(self)
        lines = self._line_array
        out = self._with(
            _item=self._item[rows], _from=self._from[rows], _to=self._to[rows], _title=self._title[rows],
            _type=self._type[rows], _wall=self._wall[rows], _offset=self._offset[rows], _zone=self._zone[rows],
            _line_array=lines[rows] if len(lines) == n else lines[:0],
            _source=self._source[rows] if self._source is not None else None,
        )
        return out

    def with_rows(self, rows: Iterable[Transition]) -> TransitionList:
        """The same list (lines, sources, counts) holding *rows* instead, one for one."""
        out = TransitionList(rows, file=self.file, format=self.format, columns=self.columns)
        out._line_array, out._source, out._source_names = self._line_array, self._source, self._source_names
        out.created_rows, out.left_out = self.created_rows, self.left_out
        out.duplicates, out.repeated_issues = self.duplicates, self.repeated_issues
        return out

    def joined(self, other: TransitionList) -> TransitionList:
        """This list then *other* (its tables merged into this one's; file, counts and
        ``columns`` are this list's)."""
        import numpy as np

        def merge(mine: list, theirs: list, codes: np.ndarray, seed: dict | None = None) -> tuple[list, np.ndarray]:
            table = Codes(seed or {})
            for v in mine:
                table[v]  # noqa: B018 - registers v
            remap = _codes_of(theirs, table)
            return list(table), remap[codes] if len(remap) else codes

        items, their_item = merge(self._items, other._items, other._item)
        statuses, their_from = merge(self._statuses, other._statuses, other._from)
        _, their_to = merge(self._statuses, other._statuses, other._to)
        titles, their_title = merge(self._titles, other._titles, other._title)
        types, their_type = merge(self._types, other._types, other._type)
        zones = _Zones(self._zones)
        zone_map = np.array([zones.code(z) for z in other._zones] or [0], dtype=np.int16)
        n, m = len(self), len(other)
        mine_lines = self._line_array if len(self._line_array) == n else np.full(n, NO_LINE, np.int64)
        their_lines = other._line_array if len(other._line_array) == m else np.full(m, NO_LINE, np.int64)
        return self._with(
            _items=items, _statuses=statuses, _titles=titles, _types=types, _zones=zones.list,
            _item=np.concatenate([self._item, their_item]).astype(np.int32),
            _from=np.concatenate([self._from, their_from]).astype(np.int32),
            _to=np.concatenate([self._to, their_to]).astype(np.int32),
            _title=np.concatenate([self._title, their_title]).astype(np.int32),
            _type=np.concatenate([self._type, their_type]).astype(np.int32),
            _wall=np.concatenate([self._wall, other._wall]),
            _offset=np.concatenate([self._offset, other._offset]),
            _zone=np.concatenate([self._zone, zone_map[other._zone]]).astype(np.int16),
            _line_array=np.concatenate([mine_lines, their_lines]), _source=None, _source_names=None,
        )

    def renamed_statuses(self, rename: Mapping[str, str]) -> TransitionList:
        """The same rows with statuses renamed (``rename``: old spelling -> new)."""
        statuses, frm = _merged(self._statuses, self._from, rename)
        _, to = _merged(self._statuses, self._to, rename)
        return self._with(_statuses=statuses, _from=frm, _to=to)

    # ----------------------------------------------------------------- lines and sources
    @property
    def lines(self) -> list[int | None]:
        cached = self.__dict__.get("_lines_list")
        if cached is None:
            cached = [None if x == NO_LINE else x for x in self._line_array.tolist()]
            self.__dict__["_lines_list"] = cached
        return cached

    @lines.setter
    def lines(self, lines: Sequence[int | None]) -> None:
        import numpy as np

        if isinstance(lines, np.ndarray):
            self._line_array = lines.astype(np.int64, copy=False)
        else:
            self._line_array = np.array([NO_LINE if x is None else x for x in lines], dtype=np.int64)
        self.__dict__.pop("_lines_list", None)

    @property
    def line_array(self) -> np.ndarray:
        """``lines`` as an int64 array, :data:`NO_LINE` for None (may be shorter than the list)."""
        return self._line_array

    @property
    def sources(self) -> list[str] | None:
        if self._source is None:
            return None
        return _lookup(self._source_names, self._source)

    @sources.setter
    def sources(self, sources: Sequence[str] | None) -> None:
        self._source = self._source_names = None
        if sources is not None:
            table = Codes()
            self._source = _codes_of(list(sources), table)
            self._source_names = list(table)

    # ----------------------------------------------------------------- the columns, for the analysis and the store
    @property
    def item_codes(self) -> tuple[np.ndarray, list[str]]:
        return self._item, self._items

    @property
    def status_codes(self) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
        """(from codes, to codes, statuses): code 0 is None (no from-status)."""
        return self._from, self._to, self._statuses

    @property
    def moments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tzinfo | None]]:
        """(wall µs, UTC offset µs or int64 min when naive, zone codes, zones)."""
        return self._wall, self._offset, self._zone, self._zones

    def epoch_us(self) -> np.ndarray:
        """Each row's moment in microseconds since 1970 UTC (naive rows: as if UTC)."""
        import numpy as np

        return self._wall - np.where(self._offset == _NAIVE, 0, self._offset)

    def naive_rows(self) -> np.ndarray:
        import numpy as np

        return np.flatnonzero(self._offset == _NAIVE)

    def texts(self, which: str, rows: slice | np.ndarray | None = None) -> list[str | None]:
        """One text column (``item``, ``from``, ``to``, ``title``, ``type``) as strings."""
        codes, table = {"item": (self._item, self._items), "from": (self._from, self._statuses),
                        "to": (self._to, self._statuses), "title": (self._title, self._titles),
                        "type": (self._type, self._types)}[which]
        return _lookup(table, codes if rows is None else codes[rows])

    def at_values(self, rows: slice | np.ndarray | None = None) -> list[datetime]:
        walls = self._wall if rows is None else self._wall[rows]
        zones = self._zone if rows is None else self._zone[rows]
        table = self._zones
        epoch, us = _EPOCH, _US
        out = []
        for w, z in zip(walls.tolist(), zones.tolist()):
            zone = table[z]
            dt = epoch + w * us
            out.append(dt if zone is None else dt.replace(tzinfo=zone))
        return out

    # ----------------------------------------------------------------- Sequence
    def __len__(self) -> int:
        return len(self._item)

    def _rows(self, rows: slice | np.ndarray) -> Iterator[Transition]:
        return map(Transition, self.texts("item", rows), self.at_values(rows), self.texts("from", rows),
                   self.texts("to", rows), self.texts("title", rows), self.texts("type", rows))

    def __iter__(self) -> Iterator[Transition]:
        n = len(self)
        return chain.from_iterable(self._rows(slice(start, start + _BATCH)) for start in range(0, n, _BATCH))

    def __getitem__(self, index):
        if isinstance(index, slice):
            import numpy as np

            return self.take(np.arange(len(self))[index])
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("TransitionList index out of range")
        zone = self._zones[self._zone[index]]
        at = _EPOCH + int(self._wall[index]) * _US
        return Transition(self._items[self._item[index]], at if zone is None else at.replace(tzinfo=zone),
                          self._statuses[self._from[index]], self._statuses[self._to[index]],
                          self._titles[self._title[index]], self._types[self._type[index]])

    def __setitem__(self, index: int, t: Transition) -> None:
        """Replace one row (its line and source stay)."""
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("TransitionList assignment index out of range")

        def code(table: list, value: Any) -> int:
            try:
                return table.index(value)
            except ValueError:
                table.append(value)
                return len(table) - 1

        self.__dict__.pop("_by_item_order", None)
        # tables may be shared with other lists: copy before adding to them
        self._items, self._statuses = list(self._items), list(self._statuses)
        self._titles, self._types = list(self._titles), list(self._types)
        self._item[index] = code(self._items, t.item)
        self._from[index] = code(self._statuses, t.from_status)
        self._to[index] = code(self._statuses, t.to_status)
        self._title[index] = code(self._titles, t.title)
        self._type[index] = code(self._types, t.type)
        zones = _Zones(self._zones)
        self._zone[index] = zones.code(t.at.tzinfo)
        self._zones = zones.list
        self._wall[index] = (t.at.replace(tzinfo=None) - _EPOCH) // _US
        off = t.at.utcoffset()
        self._offset[index] = _NAIVE if off is None else off // _US

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, TransitionList)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(repr(t) for t in islice(self, 3))
        return f"TransitionList([{shown}{', …' if len(self) > 3 else ''}], {len(self)} rows)"

    # ----------------------------------------------------------------- what reading did
    def without_duplicates(self) -> TransitionList:
        """This list less the rows that repeat an earlier one (``duplicates`` counts them)."""
        import numpy as np

        drop = self.duplicate_positions()
        if not len(drop):
            return self
        keep = np.ones(len(self), dtype=bool)
        keep[drop] = False
        out = self.take(np.flatnonzero(keep))
        out.duplicates = self.duplicates + len(drop)
        return out

    def duplicate_positions(self) -> np.ndarray:
        """Positions (ascending) of the rows that repeat an earlier row's item, time
        (the same instant; naive times equal only naive ones), from and to."""
        import numpy as np

        n = len(self)
        if n < 2:
            return np.zeros(0, dtype=np.int64)
        naive = self._offset == _NAIVE
        moment = np.where(naive, self._wall, self.epoch_us()) * 2 + naive
        # rows sharing a moment are few: compare those in full
        order = np.argsort(moment)  # (numpy's quicksort: its stable sort of int64 is 10 times slower)
        ordered = moment[order]
        shared = np.zeros(n, dtype=bool)
        twin = ordered[1:] == ordered[:-1]
        shared[1:] |= twin
        shared[:-1] |= twin
        rows = np.sort(order[shared])  # ascending position (the sort below is by moment first, stable)
        if not len(rows):
            return np.zeros(0, dtype=np.int64)
        keys = (self._item[rows], self._from[rows], self._to[rows], moment[rows])
        by_key = np.lexsort(keys[:3] + (keys[3],))
        same = np.ones(len(rows) - 1, dtype=bool)
        for k in keys:
            s = k[by_key]
            same &= s[1:] == s[:-1]
        return np.sort(rows[by_key][1:][same])

    def changes_never_differ(self, which: str) -> int:
        """For ``at``, ``from`` or ``to``: how many items have several (non-empty)
        values, if no item's values ever differ; 0 as soon as one item's do (or when
        no item has several).  See :func:`.log_rows.rows_per_item_if_constant`."""
        import numpy as np

        if which == "at":
            naive = self._offset == _NAIVE
            values = np.where(naive, self._wall, self.epoch_us()) * 2 + naive  # naive never equals aware
            keep = None
        else:
            codes = self._from if which == "from" else self._to
            empty = [i for i, s in enumerate(self._statuses) if s is None or s == ""]
            keep = ~np.isin(codes, empty) if empty else None
            values = codes.astype(np.int64)
        # the rows of a few items first: values differing within one of them settle it, as
        # they do in any real log, without grouping every row by item
        probe = self._item < _PROBE_ITEMS
        if keep is not None:
            probe &= keep
        rows = np.flatnonzero(probe)
        if len(rows) < len(self) and _differ_within(self._item[rows], values[rows]):
            return 0
        order = self._by_item()
        if keep is not None:
            order = order[keep[order]]
        if not len(order):
            return 0
        item, values = self._item[order], values[order]
        starts = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
        if np.any(np.minimum.reduceat(values, starts) != np.maximum.reduceat(values, starts)):
            return 0
        return int(np.count_nonzero(np.diff(np.r_[starts, len(item)]) > 1))

    def _by_item(self) -> np.ndarray:
        """Row positions grouped by item (stable), computed once."""
        cached = self.__dict__.get("_by_item_order")
        if cached is None or len(cached) != len(self):
            cached = self.__dict__["_by_item_order"] = stable_argsort(self._item)
        return cached

    def notes(self) -> list[str]:
        """What reading did beyond copying rows, one sentence each (none when nothing)."""
        out = []
        if self.created_rows:
            n = self.created_rows
            origin = f"column '{self.columns['created']}'" if "created" in self.columns else "issues' created field"
            out.append(f"{n} creation row{'s' if n != 1 else ''} built from the {origin}.")
        if self.left_out:
            n = len(self.left_out)
            shown = ", ".join(self.left_out[:_SHOWN_ITEMS]) + (" …" if n > _SHOWN_ITEMS else "")
            out.append(f"{n} item{'s' if n != 1 else ''} left out: never moved, and no current status "
                       f"({shown}).")
        if self.duplicates:
            n = self.duplicates
            out.append(f"{n} duplicate row{'s' if n != 1 else ''} (same item, time, from and to) dropped.")
        if self.repeated_issues:
            n = self.repeated_issues
            out.append(f"{n} issue{'s' if n != 1 else ''} repeated across pages kept once.")
        return out

