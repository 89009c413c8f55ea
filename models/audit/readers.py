"""Readers for work-item transition logs and stage maps.

Supported inputs, detected by content (not by extension):

* CSV in any encoding (UTF-8 with or without BOM, UTF-16 with BOM, cp1252 /
  Latin-1 fallback) and any of the delimiters ``, ; TAB |``;
* Excel ``.xlsx`` workbooks (any sheet; real date cells and text dates);
* a Jira REST search response saved as JSON with ``expand=changelog``.

Everything is all-or-nothing: :func:`read_transitions` collects every problem
it finds and raises one :class:`LogError` carrying all of them, or returns the
complete list.  Pure Python; ``openpyxl`` is imported only when an ``.xlsx``
file is actually read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .analysis import KINDS, Stage, Transition

__all__ = [
    "FIELDS",
    "REQUIRED_FIELDS",
    "COMMON_DATE_FORMATS",
    "MAX_XLSX_UNPACKED_BYTES",
    "Problem",
    "LogError",
    "Cancelled",
    "LogPreview",
    "TransitionList",
    "preview",
    "read_transitions",
    "read_stage_map_csv",
    "check_statuses",
    "guess_mapping",
    "detect_date_formats",
]

#: Fields a mapping may name, in display order.
FIELDS = ("item", "at", "from", "to", "title", "type")
#: Fields that must be mapped to a column.
REQUIRED_FIELDS = ("item", "at", "to")
_FIELD_LABELS = {
    "item": "item id",
    "at": "timestamp",
    "from": "from-status",
    "to": "to-status",
    "title": "title",
    "type": "type",
}

PREVIEW_ROWS = 50
SAMPLE_ROWS = 500
PROGRESS_EVERY = 2000
MAX_SHOWN_PROBLEMS = 20
#: Refuse workbooks that would unpack to more than this.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
_DELIMITERS = ",;\t|"
_ISO_NAMES = {"iso", "iso8601", "iso 8601", "iso-8601"}

_DATE_PARTS = (
    "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y",
    "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%Y-%m-%d", "%Y.%m.%d",
    "%d/%b/%y", "%d/%b/%Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%b %d %Y", "%b %d, %Y",
)
_TIME_PARTS = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", " %I:%M %p", " %I:%M:%S %p")
#: strptime formats tried when the timestamps are not ISO 8601.
COMMON_DATE_FORMATS: tuple[str, ...] = tuple(d + t for d in _DATE_PARTS for t in _TIME_PARTS)


# --------------------------------------------------------------------------
# Problems and errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``line`` is the physical line (CSV, header = 1) or sheet row (xlsx); for
    Jira files it is ``None`` and ``item`` names the issue key instead, and
    ``column`` names the JSON field.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    item: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        elif self.item is not None:
            parts.append(f"issue {self.item}")
        if self.column is not None:
            word = "field" if self.line is None and self.item is not None else "column"
            parts.append(f"{word} '{self.column}'")
        return ", ".join(parts) + ": " + self.message


class LogError(Exception):
    """Reading failed; ``problems`` lists everything that was wrong."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        extra = len(self.problems) - MAX_SHOWN_PROBLEMS
        if extra > 0:
            shown.append(f"and {extra} more")
        return "\n".join(shown)


class Cancelled(Exception):
    """``is_cancelled()`` returned true while reading."""


# --------------------------------------------------------------------------
# Public records


@dataclass(frozen=True)
class LogPreview:
    """What the import dialog shows before reading a log.

    ``rows`` holds the first 50 data rows as text, each padded/cut to
    ``len(columns)``.  ``guessed_mapping`` maps fields (see :data:`FIELDS`)
    to column names.  ``date_formats`` lists the strptime formats that parse
    every sampled text timestamp of the guessed timestamp column: empty if
    ISO 8601 works (``iso_dates``), several if ambiguous (``%d/%m`` vs
    ``%m/%d``), empty with ``iso_dates`` false if nothing known works.
    For Jira files the columns are the derived transitions (Key, At, From,
    To, Summary, Type) and no mapping or date format is needed.
    """

    path: str
    format: str  # "csv" | "xlsx" | "jira"
    encoding: str | None
    delimiter: str | None
    sheets: tuple[str, ...]
    sheet: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    guessed_mapping: dict[str, str]
    date_formats: tuple[str, ...]
    iso_dates: bool = True


class TransitionList(list):
    """A ``list[Transition]`` that remembers where each row came from.

    ``lines[i]`` is the file line / sheet row of ``self[i]`` (``None`` for
    Jira, where the item key identifies the issue); ``columns`` maps fields
    to the column names used.  :func:`check_statuses` uses both.
    """

    def __init__(
        self,
        items: Iterable[Transition] = (),
        *,
        file: str = "",
        format: str = "",
        lines: Sequence[int | None] = (),
        columns: Mapping[str, str] | None = None,
    ):
        super().__init__(items)
        self.file = file
        self.format = format
        self.lines: list[int | None] = list(lines)
        self.columns: dict[str, str] = dict(columns or {})


# --------------------------------------------------------------------------
# Column and date guessing


_CANDIDATES: dict[str, tuple[str, ...]] = {
    "item": ("key", "issue key", "item", "item id", "id", "issue", "issue id",
             "work item", "work item id", "ticket", "ticket id", "card", "card id"),
    "at": ("timestamp", "changed", "changed at", "date changed", "transition date",
           "at", "date", "datetime", "date time", "time", "when", "created", "updated"),
    "from": ("from", "from status", "old", "old status", "old value", "previous status",
             "fromstring", "status from"),
    "to": ("to", "to status", "new", "new status", "new value", "tostring",
           "status to", "status"),
    "title": ("summary", "title", "name", "item title", "issue summary"),
    "type": ("type", "issue type", "item type", "work item type", "issuetype"),
}


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """Guess ``{field: column}`` from column names (exact normalised names
    first, then names containing a candidate's words).  Fields with no
    plausible column are left out."""
    normed = [(_norm(c), c) for c in columns]
    used: set[str] = set()
    result: dict[str, str] = {}
    for fld in FIELDS:  # pass 1: exact
        for cand in _CANDIDATES[fld]:
            hit = next((c for n, c in normed if n == cand and c not in used), None)
            if hit is not None:
                result[fld] = hit
                used.add(hit)
                break
    for fld in FIELDS:  # pass 2: containment of all the candidate's words
        if fld in result:
            continue
        for cand in _CANDIDATES[fld]:
            words = set(cand.split())
            hit = next(
                (c for n, c in normed if c not in used and words <= set(n.split())), None
            )
            if hit is not None:
                result[fld] = hit
                used.add(hit)
                break
    return {f: result[f] for f in FIELDS if f in result}


def _parse_iso(s: str) -> datetime | None:
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    if s.endswith((" UTC", " GMT")):
        try:
            return datetime.fromisoformat(s[:-4] + "+00:00")
        except ValueError:
            pass
    return None


def _parses(s: str, fmt: str) -> bool:
    try:
        datetime.strptime(s, fmt)
    except ValueError:
        return False
    return True


def _candidate_formats(values: Sequence[str]) -> list[str]:
    """Formats of :data:`COMMON_DATE_FORMATS` that parse every value."""
    return [f for f in COMMON_DATE_FORMATS if all(_parses(v, f) for v in values)]


def detect_date_formats(values: Iterable[Any]) -> tuple[str, ...]:
    """Candidate strptime formats for sampled timestamp values.

    Non-text values (e.g. real Excel dates) and empty ones are ignored, as
    are values that already parse as ISO 8601.  Returns ``()`` when every text
    value is ISO 8601 (or there is none) and also when no known format fits;
    several formats when the sample is ambiguous.
    """
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    rest = [v for v in texts if _parse_iso(v) is None]
    if not rest:
        return ()
    return tuple(_candidate_formats(rest[:SAMPLE_ROWS]))


def _aware(dt: datetime, tz: tzinfo | None) -> datetime:
    if dt.tzinfo is not None:
        return dt
    if tz is None:
        try:
            return dt.astimezone()  # local zone, with the offset valid at that date
        except (OverflowError, OSError, ValueError):
            return dt.replace(tzinfo=datetime.now().astimezone().tzinfo)
    localize = getattr(tz, "localize", None)  # pytz-style zones
    if localize is not None:
        return localize(dt)
    return dt.replace(tzinfo=tz)


# --------------------------------------------------------------------------
# Raw file access


def _name(path: str | Path) -> str:
    return Path(path).name or str(path)


def _read_bytes(path: str | Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except IsADirectoryError:
        raise LogError([Problem(_name(path), None, None, None, "is a folder, not a file")]) from None
    except OSError as e:
        raise LogError(
            [Problem(_name(path), None, None, None, f"cannot read the file: {e.strerror or e}")]
        ) from None


def _looks_utf16(raw: bytes) -> str | None:
    head = raw[:400]
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text file; returns (text, encoding name)."""
    not_text = Problem(
        name, None, None, None,
        "does not look like a CSV/text file, an Excel .xlsx workbook or a Jira JSON export",
    )
    if not raw.strip():
        raise LogError([Problem(name, None, None, None, "the file is empty")])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif (u16 := _looks_utf16(raw)) is not None:
        encodings = (u16,)
    else:
        encodings = ("utf-8", "cp1252", "latin-1")
    for enc in encodings:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise LogError([not_text])
    sample = text[:65536]
    if "\x00" in sample:
        raise LogError([not_text])
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    if controls > max(2, len(sample) // 200):
        raise LogError([not_text])
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc


def _records_consistency(sample: str, delimiter: str) -> tuple[bool, int]:
    rows = [r for r in islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 60) if r]
    if not rows:
        return False, 0
    width = len(rows[0])
    if width < 2:
        return False, width
    same = sum(1 for r in rows if len(r) == width)
    return same >= 0.9 * len(rows), width


def _detect_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    scores = {d: _records_consistency(sample, d) for d in _DELIMITERS}
    if sniffed in scores and scores[sniffed][0]:
        return sniffed
    good = [d for d in _DELIMITERS if scores[d][0]]
    if good:
        return max(good, key=lambda d: scores[d][1])
    widest = max(_DELIMITERS, key=lambda d: scores[d][1])
    return widest if scores[widest][1] >= 2 else ","


def _sniff_kind(raw_head: bytes) -> str:
    if raw_head.startswith(b"PK\x03\x04"):
        return "zip"
    if raw_head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "text"


def _cell_text(v: Any) -> str:
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


def _blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _header_names(cells: Sequence[Any]) -> tuple[str, ...]:
    names: list[str] = []
    for i, c in enumerate(cells):
        t = _cell_text(c)
        names.append(t if t else f"Column {i + 1}")
    while names and names[-1] == f"Column {len(names)}" and len(names) > 1:
        names.pop()  # trailing empty header cells (common in xlsx)
    return tuple(names)


class _Table:
    """Common shape of CSV and xlsx sources: a header and data records."""

    format = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    total_hint = 0

    def records(self) -> Iterator[tuple[int, Sequence[Any]]]:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> _Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _CsvTable(_Table):
    format = "csv"

    def __init__(self, text: str, encoding: str, name: str, delimiter: str | None = None):
        self.name = name
        self.text = text
        self.encoding = encoding
        self.delimiter = delimiter or _detect_delimiter(text)
        self.total_hint = text.count("\n") + 1

    def records(self) -> Iterator[tuple[int, Sequence[Any]]]:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        prev = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise LogError(
                    [Problem(self.name, reader.line_num or prev + 1, None, None, f"unreadable CSV: {e}")]
                ) from None
            start = prev + 1
            prev = reader.line_num
            yield start, cells


class _XlsxTable(_Table):
    format = "xlsx"

    def __init__(self, path: str | Path, name: str, sheet: str | None):
        self.name = name
        self._iters: list[Any] = []
        try:
            with zipfile.ZipFile(path) as z:
                unpacked = sum(i.file_size for i in z.infolist())
        except (zipfile.BadZipFile, OSError) as e:
            raise LogError([Problem(name, None, None, None, f"not a readable Excel workbook ({e})")]) from None
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise LogError([Problem(
                name, None, None, None,
                f"the workbook unpacks to {unpacked / 1048576:.0f} MB, more than the "
                f"{MAX_XLSX_UNPACKED_BYTES // 1048576} MB allowed; save the sheet as CSV instead",
            )])
        import openpyxl  # lazy: keeps importing models.audit fast

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for broken files
            raise LogError([Problem(name, None, None, None, f"not a readable Excel workbook ({e})")]) from None
        self.sheets = tuple(self.wb.sheetnames)
        if sheet is None:
            if not self.sheets:
                self.close()
                raise LogError([Problem(name, None, None, None, "the workbook has no sheets")])
            sheet = self.sheets[0]
        elif sheet not in self.sheets:
            self.close()
            raise LogError([Problem(
                name, None, None, sheet,
                f"no sheet named '{sheet}' (sheets: {', '.join(self.sheets)})",
            )])
        self.sheet = sheet
        self.ws = self.wb[sheet]
        self.total_hint = self.ws.max_row or 0
        if hasattr(self.ws, "reset_dimensions"):
            # the stored dimension is sometimes wrong (e.g. "A1"); read everything
            self.ws.reset_dimensions()

    def records(self) -> Iterator[tuple[int, Sequence[Any]]]:
        # Read in chunks so that openpyxl's warnings (unsupported extensions
        # and the like) are silenced without keeping a warnings context open
        # across yields.
        it = self.ws.iter_rows(min_row=1, values_only=True)
        self._iters.append(it)
        r = 0
        while True:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    chunk = list(islice(it, 1000))
            except Exception as e:
                raise LogError([Problem(
                    self.name, r + 1 if r else None, None, None,
                    f"unreadable sheet '{self.sheet}' ({e})",
                )]) from None
            if not chunk:
                return
            for values in chunk:
                r += 1
                yield r, values

    def close(self) -> None:
        # finish openpyxl's row generators (they hold open zip members)
        # before closing the archive
        for it in getattr(self, "_iters", ()):
            it.close()
        self._iters = []
        wb = getattr(self, "wb", None)
        if wb is not None:
            wb.close()
            self.wb = None


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _is_jira(data: Any) -> bool:
    def page_ok(d: Any) -> bool:
        return (
            isinstance(d, dict)
            and isinstance(d.get("issues"), list)
            and all(isinstance(i, dict) and "key" in i and "fields" in i for i in d["issues"])
        )

    if isinstance(data, list):
        return bool(data) and all(page_ok(d) for d in data)
    return page_ok(data)


def _open(
    path: str | Path,
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
) -> _Table | tuple[Any, str]:
    """Open a source: a table (CSV/xlsx) or ``(jira_data, encoding)``."""
    name = _name(path)
    raw = _read_bytes(path)
    kind = _sniff_kind(raw[:8])
    if kind == "zip":
        return _XlsxTable(path, name, sheet)
    if kind == "ole":
        raise LogError([Problem(
            name, None, None, None,
            "this is an old Excel .xls workbook; save it as .xlsx or CSV first",
        )])
    if encoding:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise LogError([Problem(name, None, None, None, f"cannot decode as {encoding}: {e}")]) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        enc = encoding
    else:
        text, enc = _decode(raw, name)
    if text[:4096].lstrip()[:1] in ("{", "["):
        data = _load_json(text)
        if data is not None:
            if _is_jira(data):
                return data, enc
            raise LogError([Problem(
                name, None, None, None,
                "a JSON file, but not a Jira search response (expected an object with an "
                "'issues' list, saved with expand=changelog)",
            )])
        if str(path).lower().endswith(".json"):
            raise LogError([Problem(name, None, None, None, "not valid JSON")])
    return _CsvTable(text, enc, name, delimiter)


# --------------------------------------------------------------------------
# Jira


_JIRA_COLUMNS = ("Key", "At", "From", "To", "Summary", "Type")
_JIRA_MAPPING = dict(zip(FIELDS, ("Key", "At", "From", "To", "Summary", "Type")))


def _s(v: Any) -> str | None:
    if v is None:
        return None
    t = str(v).strip()
    return t or None


def _jira_rows(
    data: Any, name: str, tz: tzinfo | None, check: Callable[[int, int], None] | None = None
) -> tuple[list[tuple[str, datetime | None, str | None, str | None, str | None, str | None, str]], list[Problem]]:
    """Rows ``(key, at, from, to, title, type, raw_at)`` and problems."""
    pages = data if isinstance(data, list) else [data]
    issues = [i for p in pages for i in p["issues"]]
    rows: list[tuple[str, datetime | None, str | None, str | None, str | None, str | None, str]] = []
    problems: list[Problem] = []

    def when(raw: Any, key: str, where: str) -> datetime | None:
        text = _s(raw)
        if text is None:
            problems.append(Problem(name, None, where, None, "missing date", key))
            return None
        dt = _parse_iso(text)
        if dt is None:
            problems.append(Problem(name, None, where, text, f"bad date '{text}' (expected ISO 8601)", key))
            return None
        return _aware(dt, tz)

    total = len(issues)
    for n, issue in enumerate(issues, 1):
        if check is not None and n % 500 == 0:
            check(n, total)
        key = _s(issue.get("key"))
        if key is None:
            problems.append(Problem(name, None, "key", None, "issue without a key", f"#{n}"))
            continue
        fields = issue.get("fields") if isinstance(issue.get("fields"), dict) else {}
        status = fields.get("status")
        current = _s(status.get("name")) if isinstance(status, dict) else _s(status)
        title = _s(fields.get("summary"))
        itype = fields.get("issuetype")
        itype = _s(itype.get("name")) if isinstance(itype, dict) else _s(itype)
        created = when(fields.get("created"), key, "fields.created")
        changelog = issue.get("changelog")
        if not isinstance(changelog, dict):
            problems.append(Problem(
                name, None, "changelog", None,
                "no changelog: save the search with expand=changelog", key,
            ))
            continue
        histories = changelog.get("histories") or []
        ctotal = changelog.get("total")
        if isinstance(ctotal, int) and ctotal > len(histories):
            problems.append(Problem(
                name, None, "changelog", None,
                f"the changelog is cut short ({len(histories)} of {ctotal} entries); "
                "export this issue's full changelog", key,
            ))
            continue
        dated: list[tuple[datetime, int, Any]] = []
        for h_i, h in enumerate(histories):
            if not isinstance(h, dict):
                continue
            status_items = [
                it for it in (h.get("items") or [])
                if isinstance(it, dict)
                and (str(it.get("field", "")).lower() == "status" or it.get("fieldId") == "status")
            ]
            if not status_items:
                continue
            at = when(h.get("created"), key, f"changelog.histories[{h_i}].created")
            if at is None:
                continue
            for it in status_items:
                dated.append((at, h_i, it))
        # Jira usually lists histories newest first: put them oldest first,
        # then sort by time (stable, so same-time changes keep that order).
        if len(dated) > 1 and dated[0][0] > dated[-1][0]:
            dated.reverse()
        dated.sort(key=lambda x: x[0])
        first_to = _s(dated[0][2].get("fromString")) if dated else current
        raw_created = _s(fields.get("created")) or ""
        if first_to is None:
            problems.append(Problem(name, None, "fields.status", None, "no status for the created row", key))
        rows.append((key, created, None, first_to, title, itype, raw_created))
        for at, h_i, it in dated:
            to = _s(it.get("toString"))
            if to is None:
                problems.append(Problem(
                    name, None, f"changelog.histories[{h_i}].items", None,
                    "status change without a new status (toString)", key,
                ))
            rows.append((key, at, _s(it.get("fromString")), to, title, itype, at.isoformat()))
    return rows, problems


# --------------------------------------------------------------------------
# Preview


def preview(
    path: str | Path,
    sheet: str | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> LogPreview:
    """Look at a log file: detected format, columns, first 50 rows, guessed
    mapping and candidate date formats.  Raises :class:`LogError` if the file
    cannot be read at all."""
    src = _open(path, sheet, encoding, delimiter)
    if isinstance(src, tuple):
        data, enc = src
        rows, _ = _jira_rows(data, _name(path), None)
        shown = tuple(
            (key, raw_at, f or "", t or "", title or "", typ or "")
            for key, _, f, t, title, typ, raw_at in rows[:PREVIEW_ROWS]
        )
        return LogPreview(
            path=str(path), format="jira", encoding=enc, delimiter=None, sheets=(), sheet=None,
            columns=_JIRA_COLUMNS, rows=shown, guessed_mapping=dict(_JIRA_MAPPING),
            date_formats=(), iso_dates=True,
        )
    with src:
        columns: tuple[str, ...] = ()
        sample: list[Sequence[Any]] = []
        it = src.records()
        for _, cells in it:
            if not _blank(cells):
                columns = _header_names(cells)
                break
        for _, cells in it:
            if _blank(cells):
                continue
            sample.append(cells)
            if len(sample) >= SAMPLE_ROWS:
                break
        width = len(columns)
        shown = tuple(
            tuple((_cell_text(c) for c in islice(cells, width))) + ("",) * max(0, width - len(cells))
            for cells in sample[:PREVIEW_ROWS]
        )
        mapping = guess_mapping(columns)
        formats: tuple[str, ...] = ()
        iso = True
        if "at" in mapping:
            i = columns.index(mapping["at"])
            values = [c[i] for c in sample if i < len(c)]
            formats = detect_date_formats(values)
            texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
            iso = all(_parse_iso(v) is not None for v in texts)
        return LogPreview(
            path=str(path), format=src.format, encoding=src.encoding, delimiter=src.delimiter,
            sheets=src.sheets, sheet=src.sheet, columns=columns, rows=shown,
            guessed_mapping=mapping, date_formats=formats, iso_dates=iso,
        )


# --------------------------------------------------------------------------
# Reading


class _Ticker:
    """Reports progress and checks for cancellation."""

    def __init__(
        self,
        progress: Callable[[int, int], None] | None,
        is_cancelled: Callable[[], bool] | None,
    ):
        self.progress = progress
        self.is_cancelled = is_cancelled

    def check(self) -> None:
        if self.is_cancelled is not None and self.is_cancelled():
            raise Cancelled()

    def __call__(self, done: int, total: int) -> None:
        self.check()
        if self.progress is not None:
            self.progress(done, max(total, done))


def _choose_format(texts: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """Pick the strptime format for non-ISO timestamps.

    Formats are scored on a sample (tolerating up to 10 % bad values, at
    least one, so one typo does not hide the format); the best ones are then checked on every
    value.  Returns ``(format, None, candidates)``; ``(None, None, [])`` if
    nothing fits; ``(None, example_value, candidates)`` when several formats
    fit but read some value differently (e.g. ``%d/%m`` vs ``%m/%d``).
    """
    sample = texts[:200]
    # tolerate a few bad values, but a format must read at least half the sample
    limit = min(max(1, len(sample) // 10), len(sample) // 2)
    scored: list[tuple[int, str]] = []
    for f in COMMON_DATE_FORMATS:
        fails = 0
        for v in sample:
            if not _parses(v, f):
                fails += 1
                if fails > limit:
                    break
        if fails <= limit:
            scored.append((fails, f))
    if not scored:
        return None, None, []
    best = min(n for n, _ in scored)
    cands = [f for n, f in scored if n == best]
    if len(cands) == 1:
        return cands[0], None, cands
    parsed: dict[str, list[datetime | None]] = {}
    fails_of: dict[str, int] = {}
    for f in cands:
        out: list[datetime | None] = []
        for v in texts:
            try:
                out.append(datetime.strptime(v, f))
            except ValueError:
                out.append(None)
        parsed[f] = out
        fails_of[f] = out.count(None)
    fewest = min(fails_of.values())
    cands = [f for f in cands if fails_of[f] == fewest]
    first = parsed[cands[0]]
    for other in cands[1:]:
        for v, a, b in zip(texts, first, parsed[other]):
            if a != b:
                return None, v, cands
    return cands[0], None, cands


def _parse_dates(
    raw: list[Any],
    lines: list[int],
    name: str,
    column: str,
    date_format: str | None,
    tz: tzinfo | None,
    check: Callable[[], None],
) -> tuple[list[datetime | None], list[Problem]]:
    """Parse a timestamp column (text and/or real date cells)."""
    problems: list[Problem] = []
    out: list[datetime | None] = [None] * len(raw)
    fmt = date_format.strip() if date_format else None
    iso_mode = fmt is None or fmt.lower() in _ISO_NAMES
    pending: list[int] = []  # text values that ISO did not parse (auto mode)
    for i, v in enumerate(raw):
        if i % PROGRESS_EVERY == 0:
            check()
        if isinstance(v, str):
            if iso_mode:
                dt = _parse_iso(v)
                if dt is None:
                    pending.append(i)
                    continue
            else:
                try:
                    dt = datetime.strptime(v, fmt)  # type: ignore[arg-type]
                except ValueError:
                    problems.append(Problem(name, lines[i], column, v, f"bad date '{v}' (expected {fmt})"))
                    continue
            out[i] = _aware(dt, tz)
        elif isinstance(v, datetime):
            out[i] = _aware(v, tz)
        elif isinstance(v, date):
            out[i] = _aware(datetime.combine(v, time()), tz)
        else:
            t = _cell_text(v)
            problems.append(Problem(
                name, lines[i], column, t,
                f"'{t}' is not a date (format the cells as dates, or as text)",
            ))
    if not pending:
        return out, problems
    texts = [raw[i] for i in pending]
    chosen: str | None = None
    if fmt is None:  # auto: ISO failed for these, try the common formats
        chosen, example, cands = _choose_format(texts)
        if example is not None:
            problems.append(Problem(
                name, None, column, example,
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
            problems.append(Problem(name, lines[i], column, v, f"bad date '{v}' (expected {expected})"))
        else:
            out[i] = _aware(dt, tz)
    return out, problems


def read_transitions(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    date_format: str | None = None,
    sheet: str | None = None,
    tz: tzinfo | None = None,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> TransitionList:
    """Read a whole transition log (CSV, xlsx or Jira JSON).

    ``mapping`` maps fields (:data:`FIELDS`; ``item``, ``at`` and ``to`` are
    required) to column names; by default it is guessed.  ``date_format`` is a
    strptime format (or ``"ISO"``); by default ISO 8601 is tried and else a
    single unambiguous format from :data:`COMMON_DATE_FORMATS` is used.
    Naive timestamps are placed in ``tz`` (default: the computer's local zone,
    with the offset valid at each date).  Mapping and date format are ignored
    for Jira files.

    Returns a :class:`TransitionList` in file order, or raises
    :class:`LogError` with every problem found (never partial data), or
    :class:`Cancelled`.  ``progress(done, total)`` is called every few
    thousand rows, and ``is_cancelled()`` is checked as often.
    """
    tick = _Ticker(progress, is_cancelled)
    name = _name(path)
    tick(0, 0)
    src = _open(path, sheet, encoding, delimiter)
    if isinstance(src, tuple):
        return _read_jira(src[0], name, tz, tick)
    with src:
        return _read_table(src, name, mapping, date_format, tz, tick)


def _read_jira(data: Any, name: str, tz: tzinfo | None, tick: _Ticker) -> TransitionList:
    rows, problems = _jira_rows(data, name, tz, tick)
    if problems:
        raise LogError(problems)
    out = TransitionList(
        (Transition(k, at, f, t, title, typ) for k, at, f, t, title, typ, _ in rows),  # type: ignore[arg-type]
        file=name, format="jira", lines=[None] * len(rows),
        columns={"from": "fromString", "to": "toString"},
    )
    tick(len(rows), len(rows))
    return out


def _read_table(
    src: _Table,
    name: str,
    mapping: Mapping[str, str] | None,
    date_format: str | None,
    tz: tzinfo | None,
    tick: _Ticker,
) -> TransitionList:
    records = src.records()
    columns: tuple[str, ...] | None = None
    header_line = 1
    for line, cells in records:
        if not _blank(cells):
            columns = _header_names(cells)
            header_line = line
            break
    if columns is None:
        raise LogError([Problem(name, None, None, None, "no header row: the file has no data")])
    if mapping is None:
        mapping = guess_mapping(columns)
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for fld, col in mapping.items():
        if fld not in FIELDS:
            problems.append(Problem(name, None, None, None, f"unknown field '{fld}' in the column mapping"))
        elif col:
            if col in columns:
                index[fld] = columns.index(col)
            else:
                problems.append(Problem(
                    name, header_line, col, None,
                    f"no column named '{col}' for the {_FIELD_LABELS[fld]} "
                    f"(columns: {', '.join(columns)})",
                ))
    for fld in REQUIRED_FIELDS:
        if not mapping.get(fld):
            problems.append(Problem(
                name, header_line, None, None,
                f"no column chosen for the {_FIELD_LABELS[fld]} (columns: {', '.join(columns)})",
            ))
    if problems:
        raise LogError(problems)

    i_item, i_at, i_to = index["item"], index["at"], index["to"]
    i_from, i_title, i_type = index.get("from"), index.get("title"), index.get("type")
    c_item, c_at, c_to = mapping["item"], mapping["at"], mapping["to"]
    total = src.total_hint
    lines: list[int] = []
    items: list[str] = []
    ats: list[Any] = []
    froms: list[str | None] = []
    tos: list[str] = []
    titles: list[str | None] = []
    types: list[str | None] = []
    text = _cell_text
    count = 0
    for line, cells in records:
        count += 1
        if count % PROGRESS_EVERY == 0:
            tick(line, total)
        width = len(cells)
        if width == 0 or _blank(cells):
            continue
        item = text(cells[i_item]) if i_item < width else ""
        at = cells[i_at] if i_at < width else None
        if isinstance(at, str):
            at = at.strip()
        to = text(cells[i_to]) if i_to < width else ""
        if not item:
            problems.append(Problem(name, line, c_item, None, "missing item id"))
        if at is None or at == "":
            problems.append(Problem(name, line, c_at, None, "missing date"))
        if not to:
            problems.append(Problem(name, line, c_to, None, "missing to-status"))
        lines.append(line)
        items.append(item)
        ats.append(at)
        froms.append((text(cells[i_from]) or None) if i_from is not None and i_from < width else None)
        tos.append(to)
        titles.append((text(cells[i_title]) or None) if i_title is not None and i_title < width else None)
        types.append((text(cells[i_type]) or None) if i_type is not None and i_type < width else None)
    tick(total, total)

    # dates: only the present ones (missing ones are already reported)
    present = [k for k, v in enumerate(ats) if v is not None and v != ""]
    parsed, date_problems = _parse_dates(
        [ats[k] for k in present], [lines[k] for k in present], name, c_at, date_format, tz, tick.check
    )
    problems.extend(date_problems)
    if problems:
        problems.sort(key=lambda p: (p.line is not None, p.line or 0))
        raise LogError(problems)
    # no problems means no missing dates, so `parsed` lines up with the rows
    out = TransitionList(
        map(Transition, items, parsed, froms, tos, titles, types),
        file=name, format=src.format, lines=lines, columns=dict(mapping),
    )
    return out


# --------------------------------------------------------------------------
# Stage map and status check


def read_stage_map_csv(path: str | Path) -> dict[str, Stage]:
    """Read a stage map from a CSV with the columns ``status``, ``department``
    and ``kind`` (any order, any case; other columns ignored).  Returns
    ``{status: Stage}`` in file order, or raises :class:`LogError` listing
    every bad row (missing field, bad kind, duplicate status)."""
    name = _name(path)
    raw = _read_bytes(path)
    if _sniff_kind(raw[:8]) != "text":
        raise LogError([Problem(name, None, None, None, "not a CSV file")])
    text, enc = _decode(raw, name)
    table = _CsvTable(text, enc, name)
    records = table.records()
    header: tuple[str, ...] | None = None
    header_line = 1
    for line, cells in records:
        if not _blank(cells):
            header = tuple(_norm(c) for c in cells)
            header_line = line
            break
    if header is None:
        raise LogError([Problem(name, None, None, None, "the stage map is empty")])
    aliases = {"status": ("status", "state"), "department": ("department", "dept", "team"), "kind": ("kind",)}
    col: dict[str, int] = {}
    problems: list[Problem] = []
    for fld, names in aliases.items():
        pos = next((header.index(n) for n in names if n in header), None)
        if pos is None:
            problems.append(Problem(name, header_line, fld, None, f"no '{fld}' column (need status, department, kind)"))
        else:
            col[fld] = pos
    if problems:
        raise LogError(problems)
    stages: dict[str, Stage] = {}
    first_line: dict[str, int] = {}
    for line, cells in records:
        if _blank(cells):
            continue
        vals = {f: (cells[i].strip() if i < len(cells) else "") for f, i in col.items()}
        bad = False
        for f in ("status", "department", "kind"):
            if not vals[f]:
                problems.append(Problem(name, line, f, None, f"missing {f}"))
                bad = True
        kind = vals["kind"].lower()
        if vals["kind"] and kind not in KINDS:
            problems.append(Problem(
                name, line, "kind", vals["kind"],
                f"bad kind '{vals['kind']}' (expected {', '.join(KINDS[:-1])} or {KINDS[-1]})",
            ))
            bad = True
        status = vals["status"]
        if status and status in first_line:
            problems.append(Problem(
                name, line, "status", status,
                f"duplicate status '{status}' (first on line {first_line[status]})",
            ))
            continue
        if status:
            first_line[status] = line
        if not bad:
            stages[status] = Stage(status, vals["department"], kind)
    if not problems and not stages:
        problems.append(Problem(name, None, None, None, "the stage map has no stages"))
    if problems:
        raise LogError(problems)
    return stages


def check_statuses(
    transitions: Sequence[Transition], stages: Mapping[str, Stage], file: str | Path
) -> list[Problem]:
    """One problem per status (from or to) that is not in the stage map, with
    the first line it appears on (or the issue key for Jira), in order of
    first appearance.  Line numbers come from a :class:`TransitionList`;
    for a plain list they are ``None`` and the item is named instead."""
    lines = getattr(transitions, "lines", None)
    columns = getattr(transitions, "columns", {}) or {}
    first: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    for i, t in enumerate(transitions):
        for fld, s in (("from", t.from_status), ("to", t.to_status)):
            if s and s not in stages:
                counts[s] = counts.get(s, 0) + 1
                if s not in first:
                    first[s] = (i, fld)
    name = _name(file)
    problems = []
    for s, (i, fld) in first.items():
        line = lines[i] if lines and i < len(lines) else None
        n = counts[s]
        more = f" (used {n} times)" if n > 1 else ""
        problems.append(Problem(
            name, line, columns.get(fld, fld), s,
            f"status '{s}' is not in the stage map{more}",
            None if line is not None else transitions[i].item,
        ))
    return problems
