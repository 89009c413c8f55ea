"""The data rows of a CSV or xlsx log, read a chunk at a time, checked, and
turned into a :class:`~.transition_list.TransitionList`.

Two ways in, one result.  A chunk of CSV records whose mapped cells are all there
is taken by the column: its cells are looked up in tables of the values seen so
far (C-speed ``map``), and its timestamps are read by the column
(:mod:`.timestamps`).  Any other chunk (short rows, blank rows, empty cells,
xlsx cells, a creation time mapped) is read row by row with every check and
its problem at its line.  Whatever the way, the values are stripped, the
problems are the same and come at the same lines; where the column reading finds
something it would have to report row by row (a cell of blanks only, a record
over several lines) it stops with :class:`SlowPath`, and the caller reads the
whole file again row by row.
"""
from __future__ import annotations

from array import array
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from .columns import FIELDS
from .dates import ISO_NAMES, aware, choose_format, parse_iso
from .log_rows import IdleItem, add_creation_rows
from .problems import LogError, Problem
from .transition_list import Codes, TransitionList

if TYPE_CHECKING:  # pragma: no cover
    from .plain_csv import Fields

__all__ = ["SlowPath", "TableRows", "cell_text", "blank", "parse_dates", "TEXT_LIMITS", "PROGRESS_EVERY"]

PROGRESS_EVERY = 2000
#: The longest text kept from a log, per field (as much as the workspace's columns hold).
TEXT_LIMITS = {"item": 200, "from": 200, "to": 200, "title": 500, "type": 100}
_TEXT_FIELDS = ("item", "from", "to", "title", "type")
_LABELS = {"item": "item id", "from": "from-status", "to": "to-status", "title": "title", "type": "type"}
#: timestamps read by the column at a time (bounds the strings held)
_BATCH = 65536
_NAIVE64 = -(2 ** 63)


class SlowPath(Exception):
    """The column reading met what only the row-by-row reading reports exactly."""


def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v).strip()


def blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def parse_dates(
    raw: list[Any],
    lines: list[int],
    name: str,
    columns: Sequence[str],
    date_format: str | None,
    tz: tzinfo | None,
    check: Callable[[], None],
) -> tuple[list[datetime | None], list[Problem]]:
    """Parse timestamp cells (text and/or real date cells), ``columns[i]``
    naming the column of ``raw[i]``; one format serves them all."""
    problems: list[Problem] = []
    out: list[datetime | None] = [None] * len(raw)
    fmt = date_format.strip() if date_format else None
    iso_mode = fmt is None or fmt.lower() in ISO_NAMES
    pending: list[int] = []  # text values that ISO did not parse (auto mode)
    for i, v in enumerate(raw):
        if i % PROGRESS_EVERY == 0:
            check()
        if isinstance(v, str):
            if iso_mode:
                dt = parse_iso(v)
                if dt is None:
                    pending.append(i)
                    continue
            else:
                try:
                    dt = datetime.strptime(v, fmt)  # type: ignore[arg-type]
                except ValueError:
                    problems.append(Problem(name, lines[i], columns[i], v, f"bad date '{v}' (expected {fmt})"))
                    continue
            out[i] = aware(dt, tz)
        elif isinstance(v, datetime):
            out[i] = aware(v, tz)
        elif isinstance(v, date):
            out[i] = aware(datetime.combine(v, time()), tz)
        else:
            t = cell_text(v)
            problems.append(Problem(
                name, lines[i], columns[i], t,
                f"'{t}' is not a date (format the cells as dates, or as text)",
            ))
    if not pending:
        return out, problems
    texts = [raw[i] for i in pending]
    chosen: str | None = None
    if fmt is None:  # auto: ISO failed for these, try the common formats
        chosen, example, cands = choose_format(texts)
        if example is not None:
            where = pending[texts.index(example)]
            problems.append(Problem(
                name, lines[where], columns[where], example,
                f"ambiguous dates such as '{example}': could be "
                f"{' or '.join(cands)}; choose the date format",
            ))
            return out, problems
    for k, i in enumerate(pending):
        if k % PROGRESS_EVERY == 0:
            check()
        v = raw[i]
        dt = None
        if chosen is not None:
            try:
                dt = datetime.strptime(v, chosen)
            except ValueError:
                pass
        if dt is None:
            expected = chosen or "ISO 8601 such as 2024-03-01 09:15, or choose a date format"
            problems.append(Problem(name, lines[i], columns[i], v, f"bad date '{v}' (expected {expected})"))
        else:
            out[i] = aware(dt, tz)
    return out, problems


class _Moments:
    """The timestamp cells of the kept rows, in row order: ISO 8601 text read by
    the column a batch at a time, the rest kept for :func:`parse_dates`."""

    _UNREAD = _NAIVE64

    def __init__(self, by_column: bool):
        self.by_column = by_column
        self.walls: list = []  # numpy arrays, in row order
        self.offsets: list = []  # seconds; NAIVE - 1 when naive; _UNREAD for the rest
        self.rest: list[tuple[int, Any]] = []  # (row, cell) read one at a time
        self._batch: list[Any] = []
        self._texts = True
        self.rows = 0

    def add(self, cells: list[Any], texts: bool) -> None:
        self._batch.extend(cells)
        self._texts = self._texts and texts
        if len(self._batch) >= _BATCH:
            self.flush()

    def add_read(self, wall, offset, done, undone: list[str]) -> None:
        """Cells read by the column already (:func:`.plain_csv.Fields.moments`), and
        the text of those it did not read."""
        import numpy as np

        self.flush()
        self._keep(wall, offset, done)
        self.rest.extend(zip((self.rows + np.flatnonzero(~done)).tolist(), undone))
        self.rows += len(wall)

    def _keep(self, wall, offset, done) -> None:
        from .timestamps import NAIVE

        offset = offset.copy()
        offset[offset == NAIVE] = NAIVE - 1  # kept apart from _UNREAD
        offset[~done] = self._UNREAD
        self.walls.append(wall)
        self.offsets.append(offset)

    def flush(self) -> None:
        import numpy as np

        batch, texts, start = self._batch, self._texts, self.rows
        self._batch, self._texts = [], True
        if not batch:
            return
        self.rows += len(batch)
        if not self.by_column:
            self._keep(np.zeros(len(batch), np.int64), np.zeros(len(batch), np.int64),
                       np.zeros(len(batch), bool))
            self.rest.extend(zip(range(start, start + len(batch)), batch))
            return
        from .timestamps import parse_iso_texts

        positions = None if texts else [i for i, v in enumerate(batch) if type(v) is str]
        values = batch if positions is None else [batch[i] for i in positions]
        wall, offset, done = parse_iso_texts(values)
        if positions is not None:  # spread over the batch: the other cells are not text
            full_wall, full_offset = np.zeros(len(batch), np.int64), np.zeros(len(batch), np.int64)
            full_done = np.zeros(len(batch), bool)
            full_wall[positions], full_offset[positions], full_done[positions] = wall, offset, done
            wall, offset, done = full_wall, full_offset, full_done
        self._keep(wall, offset, done)
        self.rest.extend((start + i, batch[i]) for i in np.flatnonzero(~done).tolist())

    def arrays(self):
        import numpy as np

        self.flush()
        if not self.walls:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(self.walls), np.concatenate(self.offsets)


class TableRows:
    """The rows of a table as they are read, then checked and turned into a
    :class:`TransitionList`."""

    def __init__(self, name: str, header_line: int, columns: Sequence[str], mapping: Mapping[str, str],
                 date_format: str | None, tz: tzinfo | None, by_column: bool):
        self.name = name
        self.header_line = header_line
        self.mapping = dict(mapping)
        self.date_format = date_format
        self.tz = tz
        fmt = date_format.strip() if date_format else None
        iso = fmt is None or fmt.lower() in ISO_NAMES
        # the creation time is read with the timestamps, in one go: row by row
        self.by_column = by_column and "created" not in mapping
        # Each row's cells for FIELDS, in two C calls: the mapped cells, then those
        # spread over FIELDS with None for the unmapped (100,000s of rows).
        mapped = [f for f in FIELDS if f in mapping]
        self.index = [columns.index(mapping[f]) for f in mapped]
        self.position = dict(zip(mapped, self.index))
        self.width = max(self.index) + 1
        self.take = itemgetter(*self.index)
        self.spread = itemgetter(*(mapped.index(f) if f in mapping else len(mapped) for f in FIELDS))
        self.problems: list[Problem] = []
        self.lines = array("q")
        self.codes: dict[str, list] = {f: [] for f in _TEXT_FIELDS}  # numpy arrays, a chunk each
        statuses = Codes({None: 0})
        self.tables = {"item": Codes(), "from": statuses, "to": statuses, "title": Codes({None: 0}),
                       "type": Codes({None: 0})}
        self.moments = _Moments(iso and "created" not in mapping)
        self.idle: list[IdleItem] = []
        #: item -> (first creation time cell, its line)
        self.created: dict[str, tuple[Any, int]] = {}
        self._pending: list[tuple] = []

    def _problem(self, line: int, fld: str, value: Any, message: str) -> None:
        self.problems.append(Problem(self.name, line, self.mapping[fld], value, message))

    # ----------------------------------------------------------------- reading
    def add_chunk(self, lines: Sequence[int], records: list[Sequence[Any]], texts: bool) -> None:
        """A chunk of records (with their lines); *texts*: every cell is a str (CSV)."""
        if not (self.by_column and texts and self._take_by_column(lines, records)):
            for line, cells in zip(lines, records):
                if cells and not blank(cells):
                    self.add(line, cells)
            self._flush()

    def _take_by_column(self, lines: Sequence[int], records: list[Sequence[Any]]) -> bool:
        if min(map(len, records)) < self.width:
            return False
        return self._take({f: list(map(itemgetter(i), records)) for f, i in self.position.items()}, lines)

    def add_fields(self, lines: range, fields: Fields) -> None:
        """Cells of plain CSV cut by numpy (:mod:`.plain_csv`), every line as wide."""
        import numpy as np

        needed = [self.position[f] for f in ("item", "at", "to")]
        if not self.by_column or fields.width < self.width or any(fields.empty(j) for j in needed):
            columns = [fields.texts(j) for j in range(fields.width)]
            self.add_chunk(lines, [list(r) for r in zip(*columns)], True)
            return
        n = fields.rows
        self.lines.frombytes(np.arange(lines.start, lines.stop, lines.step, dtype=np.int64).tobytes())  # (no int objects)
        for f in _TEXT_FIELDS:
            j = self.position.get(f)
            self.codes[f].append(np.zeros(n, np.int32) if j is None else fields.codes(j, self.tables[f]))
        at = self.position["at"]
        wall, offset, done = fields.moments(at)
        self.moments.add_read(wall, offset, done, fields.texts(at, np.flatnonzero(~done)))

    def _take(self, cells: dict[str, list[str]], lines: Sequence[int]) -> bool:
        """Take rows whose mapped cells are text, item, time and to-status all there."""
        import numpy as np

        if not (all(cells["item"]) and all(cells["at"]) and all(cells["to"])):
            return False
        n = len(cells["item"])
        self.lines.extend(lines)
        for f in _TEXT_FIELDS:
            values = cells.get(f)
            self.codes[f].append(np.zeros(n, np.int32) if values is None else
                                 np.fromiter(map(self.tables[f].__getitem__, values), np.int32, n))
        self.moments.add(cells["at"], True)
        return True

    def add(self, line: int, cells: Sequence[Any]) -> None:
        width = len(cells)
        got = self.take(cells) if width >= self.width else tuple(cells[i] if i < width else None
                                                                 for i in self.index)
        item, at, frm, to, title, kind, created, status = self.spread(got + (None,))
        text = cell_text
        item = text(item)
        if isinstance(at, str):
            at = at.strip()
        frm, to, title, kind = text(frm) or None, text(to), text(title) or None, text(kind) or None
        no_change = (at is None or at == "") and not frm and not to
        if not item:
            self._problem(line, "item", None, "missing item id")
        if "created" in self.mapping:
            self._note_created(line, item, created.strip() if isinstance(created, str) else created)
            if no_change:
                self.idle.append(IdleItem(line, item, text(status) or None, title, kind))
                return
        elif no_change and item:
            self._problem(line, "at", None, "no status change on this row (an item that never moved?): "
                                           "map the creation time and current status columns to read it")
            return
        if at is None or at == "":
            self._problem(line, "at", None, "missing date")
        if not to:
            self._problem(line, "to", None, "missing to-status")
        self._pending.append((line, item, at, frm, to, title, kind))

    def _flush(self) -> None:
        if not self._pending:
            return
        import numpy as np

        lines, item, at, frm, to, title, kind = zip(*self._pending)
        self._pending = []
        self.lines.extend(lines)
        for f, values in zip(_TEXT_FIELDS, (item, frm, to, title, kind)):
            self.codes[f].append(np.fromiter(map(self.tables[f].__getitem__, values), np.int32, len(values)))
        self.moments.add(list(at), False)

    def _note_created(self, line: int, item: str, value: Any) -> None:
        if value is None or value == "" or not item:
            return
        first = self.created.setdefault(item, (value, line))
        if first[0] != value:
            self._problem(line, "created", cell_text(value),
                          f"creation time differs from line {first[1]} ('{cell_text(first[0])}') for item {item}")

    # ----------------------------------------------------------------- checking
    def finish(self, check: Callable[[], None]) -> TransitionList:
        import numpy as np

        self._flush()
        self.moments.flush()
        lines = np.frombuffer(self.lines, dtype=np.int64) if len(self.lines) else np.zeros(0, np.int64)
        wall, offset, zone, zones, read, when = self._moments(lines, check)
        tables, codes = self._texts()
        self._length_problems(tables, codes, lines)
        keep = np.flatnonzero(read)
        rows = TransitionList.from_columns(
            item=codes["item"][keep], items=tables["item"], wall=wall[keep], offset=offset[keep],
            zone=zone[keep], zones=zones, from_status=codes["from"][keep], to_status=codes["to"][keep],
            statuses=tables["to"], title=codes["title"][keep], titles=tables["title"],
            type=codes["type"][keep], types=tables["type"], lines=lines[keep])
        if not self.problems:
            self._check_changes(rows)
        rows = rows.without_duplicates()
        if "created" in self.mapping:
            built, missing = add_creation_rows(rows, rows.lines, when, self.idle)
            for item, line in missing:
                if item not in self.created:  # else its bad date is reported already
                    self._problem(line, "created", None, f"missing creation time for item {item}")
            built.duplicates = rows.duplicates
            rows = built
        if self.problems:
            self._raise()
        rows.file, rows.columns = self.name, dict(self.mapping)
        return rows

    def _moments(self, lines, check):
        """Every row's moment (wall µs, offset µs, zone code), the zones, which rows have
        a moment, and the creation times by item; date problems added."""
        import numpy as np

        from .timestamps import NAIVE, place_naive, wall_us

        m = self.moments
        wall, seconds = m.arrays()
        read = seconds != m._UNREAD
        naive = seconds == NAIVE - 1
        offset = np.where(read & ~naive, seconds, 0) * 1_000_000
        zone = np.zeros(len(wall), dtype=np.int16)
        zones: list[tzinfo] = []
        if naive.any():
            placed_wall, placed_offset, placed_zone, zones = place_naive(wall[naive], self.tz, aware)
            wall[naive], offset[naive], zone[naive] = placed_wall, placed_offset * 1_000_000, placed_zone
        fixed = read & ~naive
        if fixed.any():
            kinds, inverse = np.unique(seconds[fixed], return_inverse=True)
            zone[fixed] = len(zones) + inverse.reshape(-1)
            zones = zones + [timezone(timedelta(seconds=s)) for s in kinds.tolist()]
        # the rest, one at a time, with the creation times: one format serves them all
        rest = []
        for row, cell in m.rest:
            if isinstance(cell, str):
                cell = cell.strip()
                if not cell:
                    if self.by_column:
                        raise SlowPath()  # a cell of blanks: "missing date", row by row
                    continue
            elif cell is None:
                continue
            rest.append((row, cell))
        created = list(self.created.items())
        raw = [c for _, c in rest] + [v for _, (v, _) in created]
        where = [int(lines[r]) for r, _ in rest] + [line for _, (_, line) in created]
        names = [self.mapping["at"]] * len(rest) + [self.mapping.get("created", "")] * len(created)
        parsed, problems = parse_dates(raw, where, self.name, names, self.date_format, self.tz, check)
        self.problems.extend(problems)
        known = {repr(z): k for k, z in enumerate(zones)}
        for (row, _), dt in zip(rest, parsed):
            if dt is None:
                continue
            key = repr(dt.tzinfo)
            k = known.get(key)
            if k is None:
                k = known[key] = len(zones)
                zones.append(dt.tzinfo)
            wall[row] = wall_us(dt)
            offset[row] = dt.utcoffset() // timedelta(microseconds=1)
            zone[row] = k
            read[row] = True
        when = {item: dt for (item, _), dt in zip(created, parsed[len(rest):]) if dt is not None}
        return wall, offset, zone, zones, read, when

    def _texts(self):
        """The text tables stripped (empty -> None; an empty item stays "") and the codes
        renumbered to match."""
        import numpy as np

        tables, codes = {}, {}
        for f in _TEXT_FIELDS:
            raw = np.concatenate(self.codes[f]) if self.codes[f] else np.zeros(0, np.int32)
            names = list(self.tables[f])
            if set(map(type, names[f != "item":])) <= {str}:  # C-speed stripping
                clean = names[:f != "item"] + list(map(str.strip, names[f != "item":]))
            else:
                clean = [None if v is None else cell_text(v) for v in names]
            if f != "item" and "" in clean:
                clean = [v or None for v in clean]
            if self.by_column and f in ("item", "to"):
                empty = [k for k, v in enumerate(clean) if not v]
                if empty and np.isin(raw, empty).any():
                    raise SlowPath()  # a cell of blanks: reported row by row
            if clean == names:  # nothing stripped: the codes stand
                codes[f], tables[f] = raw, names
                continue
            table = Codes({None: 0}) if f != "item" else Codes()
            remap = np.fromiter(map(table.__getitem__, clean), dtype=np.int32, count=len(clean))
            codes[f] = remap[raw] if len(remap) else raw
            tables[f] = list(table)
        if tables["from"] != tables["to"]:  # one table for both: merge them
            merged = Codes({None: 0})
            for f in ("from", "to"):
                remap = np.fromiter(map(merged.__getitem__, tables[f]), dtype=np.int32, count=len(tables[f]))
                codes[f] = remap[codes[f]]
            tables["from"] = tables["to"] = list(merged)
        return tables, codes

    def _length_problems(self, tables, codes, lines) -> None:
        import numpy as np

        for f in _TEXT_FIELDS:
            limit = TEXT_LIMITS[f]
            if f not in self.mapping or max(map(len, filter(None, tables[f])), default=0) <= limit:
                continue  # (the common case, at C speed)
            long = [k for k, v in enumerate(tables[f]) if v is not None and len(v) > limit]
            if not long:
                continue
            for row in np.flatnonzero(np.isin(codes[f], long)).tolist():
                value = tables[f][codes[f][row]]
                self._problem(int(lines[row]), f, value[:40] + "…",
                              f"the {_LABELS[f]} is {len(value):,} characters long, more than the "
                              f"{limit} a log may hold: is this the right column?")

    def _check_changes(self, rows: TransitionList) -> None:
        """A time or status column whose values never differ within an item
        cannot be the time or status of each change."""
        for fld in ("at", "from", "to"):
            if fld not in self.mapping:
                continue
            n = rows.changes_never_differ(fld)
            if not n:
                continue
            what = {"at": "the time", "from": "the from-status", "to": "the to-status"}[fld]
            hint = ""
            if fld == "at" and "created" not in self.mapping:
                hint = " (if it is when the item was created, map it as the creation time)"
            elif fld == "to" and "status" not in self.mapping:
                hint = " (if it is the item's current status, map it as such)"
            self.problems.append(Problem(
                self.name, self.header_line, self.mapping[fld], None,
                f"never differs within an item ({n} item{'s' if n != 1 else ''} with several rows): "
                f"it cannot be {what} of each status change{hint}",
            ))

    def _raise(self) -> None:
        self.problems.sort(key=lambda p: (p.line is not None, p.line or 0))
        raise LogError(self.problems)
