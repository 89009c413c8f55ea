"""Readers for work-item transition logs and stage maps.

Supported inputs, detected by content (not by extension):

* CSV in UTF-8 (with or without a byte-order mark) or UTF-16 (with one), or in
  the encoding the caller names: invalid UTF-8 is refused with its line, never
  guessed as another encoding; any of the delimiters ``, ; TAB |``;
* Excel ``.xlsx`` workbooks (any sheet; real date cells and text dates);
* Jira REST responses saved with ``expand=changelog`` in every shape
  (:mod:`.jira`), one file or several pages.

Everything is all-or-nothing: :func:`read_transitions` collects every problem
it finds and raises one :class:`LogError` carrying all of them, or returns the
complete list.  Columns are guessed only where the guess is safe
(:mod:`.columns`); the data rows are read a chunk at a time (:mod:`.table_rows`),
plain UTF-8 CSV by the column with numpy (:mod:`.plain_csv`); what happens to
the rows once read is in :mod:`.log_rows`.  A path is checked to be a regular
file before it is opened (a FIFO would block), a header wider than
:data:`MAX_COLUMNS` is refused before any guess, texts longer than
:data:`TEXT_LIMITS` are refused at their line.  ``openpyxl`` and numpy are
imported only when a file is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from datetime import tzinfo
from itertools import chain, islice
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, Union

from .analysis import Stage, Transition
from .columns import (
    FIELD_LABELS, FIELDS, REQUIRED_FIELDS, ambiguity_message, choose_columns, guess_mapping, norm_name,
)
from .dates import COMMON_DATE_FORMATS, detect_date_formats, parse_iso
from .jira import NOT_JIRA, JiraIssue, documents, jira_issues, jira_rows, kept_once
from .log_rows import TransitionList, status_key
from .stage_rule import stage_problems
from .problems import MAX_SHOWN_PROBLEMS, Cancelled, LogError, MappingNeeded, Problem, file_name
from .table_rows import TEXT_LIMITS, SlowPath, TableRows, blank, cell_text

__all__ = [
    "FIELDS",
    "REQUIRED_FIELDS",
    "COMMON_DATE_FORMATS",
    "MAX_XLSX_UNPACKED_BYTES",
    "MAX_SHOWN_PROBLEMS",
    "MAX_COLUMNS",
    "TEXT_LIMITS",
    "Problem",
    "LogError",
    "MappingNeeded",
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

PREVIEW_ROWS = 50
SAMPLE_ROWS = 500
#: records read at a time (small: each is a list the garbage collector would walk)
CHUNK_ROWS = 2000
#: A header wider than this is refused before any column is guessed (Excel stops at 16,384).
MAX_COLUMNS = 16384
#: text decoded for the CSV reader a region at a time (one StringIO of a whole
#: file holds 4 bytes a character)
_REGION = 1 << 20
_FIRST_REGION = 1 << 16
#: bytes of a plain UTF-8 file cut into cells at a time (about 400,000 rows: each
#: region looks its distinct values up once)
_BYTES_REGION = 32 << 20
#: Refuse workbooks that would unpack to more than this.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
_DELIMITERS = ",;\t|"
#: control characters but the white space ones (\t \n \v \f \r): rare in text, common in binaries
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")

#: One log file, or several (pages of one Jira search).
Source = Union[str, Path, Sequence[Union[str, Path]]]

_name = file_name  # the low-code import uses it


@dataclass(frozen=True)
class LogPreview:
    """What the import dialog shows before reading a log.

    ``rows`` holds the first 50 data rows as text, each padded/cut to
    ``len(columns)``.  ``guessed_mapping`` maps fields (see :data:`FIELDS`)
    to column names; ``ambiguous`` lists, for a field left out of it, the
    columns that could hold it (the user must choose).  ``date_formats`` lists
    the strptime formats that parse every sampled text timestamp of the
    guessed timestamp column: empty if ISO 8601 works (``iso_dates``), several
    if ambiguous (``%d/%m`` vs ``%m/%d``), empty with ``iso_dates`` false if
    nothing known works.  For Jira files the columns are the derived
    transitions (Key, At, From, To, Summary, Type) and no mapping or date
    format is needed.  ``paths`` names every file when several were given.
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
    paths: tuple[str, ...] = ()
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Raw file access


def _read_bytes(path: str | Path) -> bytes:
    name = _name(path)
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        regular = False
    if not regular:  # a FIFO or a device would block open() or never end: say what it is
        from models.core.files import FileError, existing_file

        try:
            existing_file(path)
        except FileError as exc:
            reason = str(exc)
            prefix = f"{Path(path)}: "
            reason = reason[len(prefix):] if reason.startswith(prefix) else reason
            if not reason.startswith("is "):  # "is a named pipe, not a file" says it all
                reason = f"cannot read the file: {reason}"
            raise LogError([Problem(name, None, None, None, reason)]) from None
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise LogError(
            [Problem(name, None, None, None, f"cannot read the file: {e.strerror or e}")]
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


def _decode(raw: bytes, name: str, whole: bool = True) -> tuple[str, str]:
    """Decode a text file; returns (text, encoding name).  Without *whole*, a big
    UTF-8 file is checked all through but only its head is returned (the rest is
    decoded a region at a time as it is read: no copy of the whole text)."""
    not_text = Problem(
        name, None, None, None,
        "does not look like a CSV/text file, an Excel .xlsx workbook or a Jira JSON export",
    )
    if not raw or raw.isspace():  # (not raw.strip(): a copy of the whole file)
        raise LogError([Problem(name, None, None, None, "the file is empty")])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif (u16 := _looks_utf16(raw)) is not None:
        encodings = (u16,)
    else:
        encodings = ("utf-8",)
    (enc,) = encodings
    try:
        text = _decoded(raw, enc, whole or not enc.startswith("utf-8"))
    except UnicodeDecodeError as e:
        if enc.startswith("utf-8"):  # strict: a wrong guess would change the text silently
            raise LogError([_not_utf8(raw, e, name)]) from None
        raise LogError([not_text]) from None
    sample = text[:65536]
    if "\x00" in sample:
        raise LogError([not_text])
    controls = len(_CONTROLS.findall(sample))
    if controls > max(2, len(sample) // 200):
        raise LogError([not_text])
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc


#: a big file is decoded and scanned in pieces, so that no single call keeps the
#: interpreter from the GUI thread for long
_PIECE = 4 << 20
#: bytes scanned at a time by numpy (temporaries this small are reused, not faulted in anew)
_SCAN = 1 << 16
#: the head of a big ASCII file decoded (enough to detect its delimiter)
_HEAD = 1 << 20


def _decoded(raw: bytes, encoding: str, whole: bool = True) -> str:
    """``raw.decode(encoding)``, a piece at a time; without *whole*, every piece is
    checked but only the first is kept (of a big ASCII file, only its first MB is decoded:
    nothing else to check)."""
    if len(raw) <= _PIECE:
        return raw.decode(encoding)
    if not whole and raw.isascii():  # (0.3 ms for 8 MB) valid in any UTF-8: only a head to decode
        return raw[:_HEAD].decode(encoding)
    decoder = codecs.getincrementaldecoder(encoding)()
    parts = []
    for start in range(0, len(raw), _PIECE):
        piece = raw[start:start + _PIECE]
        try:
            text = decoder.decode(piece, final=start + _PIECE >= len(raw))
        except UnicodeDecodeError as e:  # e.object: the bytes held back from the last piece, then this one
            shift = start + len(piece) - len(e.object)
            raise UnicodeDecodeError(e.encoding, raw, e.start + shift, e.end + shift,
                                     e.reason) from None
        if whole or not parts:
            parts.append(text)
    return "".join(parts)


def _count(data: str | bytes, sub: Any) -> int:
    """``data.count(sub)``, a piece at a time (each piece reaching over the next one
    by the length of *sub* less one, so that none is missed or counted twice)."""
    extra = len(sub) - 1
    return sum(data.count(sub, start, start + _PIECE + extra) for start in range(0, len(data), _PIECE))


def _lone_return(raw: bytes) -> bool:
    """Whether a carriage return in *raw* is not followed by a newline (``raw.count(b"\\r") !=
    raw.count(b"\\r\\n")``, 11 ms for 8 MB), with numpy 64 KB at a time (2 ms: pieces that
    small reuse the same memory, larger ones cost a page fault every 4 KB)."""
    import numpy as np

    a = np.frombuffer(raw, dtype=np.uint8)
    n = len(a)
    if a[-1] == 13:
        return True
    for start in range(0, n - 1, _SCAN):
        stop = min(start + _SCAN, n - 1)  # a return at `stop - 1` is checked against a[stop]
        if np.any((a[start:stop] == 13) & (a[start + 1:stop + 1] != 10)):
            return True
    return False


def _not_utf8(raw: bytes, e: UnicodeDecodeError, name: str) -> Problem:
    if b"\x00" in raw[:65536]:
        return Problem(name, None, None, None,
                       "does not look like a CSV/text file, an Excel .xlsx workbook or a Jira JSON export")
    line = raw.count(b"\n", 0, e.start) + 1
    return Problem(name, line, None, None,
                   f"not UTF-8 text (byte 0x{raw[e.start]:02x}): save it as UTF-8, or choose its encoding "
                   "(cp1252 for most Windows exports)")


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
    scores = {d: _records_consistency(sample, d) for d in _DELIMITERS}
    good = [d for d in _DELIMITERS if scores[d][0]]
    if len(good) == 1:  # what the sniffer says cannot change it (a few ms saved on every log)
        return good[0]
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed][0]:
        return sniffed
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


_cell_text = cell_text  # the low-code import uses them
_blank = blank


def _check_width(name: str, line: int, cells: Sequence[Any]) -> None:
    """Refuse a header too wide to be a log's before anything looks at its names."""
    if len(cells) > MAX_COLUMNS:
        raise LogError([Problem(
            name, line, None, None,
            f"the header has {len(cells):,} columns, more than the {MAX_COLUMNS:,} a log may have: "
            "is this the right file, and the right delimiter?",
        )])


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

    def chunks(self, it: Iterator[tuple[int, Sequence[Any]]], size: int, exact: bool = True
               ) -> Iterator[tuple[Sequence[int], Any, Any]]:
        """The records *it* (from :meth:`records`) has not given yet, *size* at a time:
        ``(lines, records, None)``, or ``(lines, None, cells by column)``."""
        while True:
            part = list(islice(it, size))
            if not part:
                return
            yield [line for line, _ in part], [cells for _, cells in part], None

    def close(self) -> None:
        pass

    def __enter__(self) -> _Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _CsvTable(_Table):
    format = "csv"

    def __init__(self, text: str, encoding: str, name: str, delimiter: str | None = None,
                 raw: bytes | None = None):
        self.name = name
        #: the text, or with *raw* its head only (enough to detect the delimiter)
        self.text = text
        #: the file's bytes when they are UTF-8: its lines are decoded a region at a
        #: time, and read by the column where plain
        self.raw = raw
        self.encoding = encoding
        self.delimiter = delimiter or _detect_delimiter(text)
        self._total: int | None = None
        self._reader: Any = None
        self._line = 0  # the last line read

    @property
    def total_hint(self) -> int:  # type: ignore[override]
        """The lines of the file (for progress: counted when first asked for)."""
        if self._total is None:
            raw = self.raw
            self._total = (_count(raw, b"\n") if raw is not None else _count(self.text, "\n")) + 1
        return self._total

    def _lines(self) -> Iterator[str]:
        """The lines ``io.StringIO(text, newline="")`` gives, a region at a time: each
        region ends after a "\n", so no line (nor "\r\n") is split."""
        text = self.raw if self.raw is not None else self.text
        newline = b"\n" if self.raw is not None else "\n"

        def regions() -> Iterator[io.StringIO]:
            start, n = 0, len(text)
            if isinstance(text, bytes) and text.startswith(codecs.BOM_UTF8):
                start = len(codecs.BOM_UTF8)
            size = _FIRST_REGION  # (the header and the sample often suffice: the rest may be read by numpy)
            while start < n:
                end = text.find(newline, start + size)
                end = n if end < 0 else end + 1
                region = text[start:end]
                yield io.StringIO(region.decode("utf-8") if isinstance(region, bytes) else region, newline="")
                start, size = end, _REGION

        return chain.from_iterable(regions())

    def _csv(self) -> Any:
        if self._reader is None:
            self._reader = csv.reader(self._lines(), delimiter=self.delimiter)
        return self._reader

    def records(self) -> Iterator[tuple[int, Sequence[Any]]]:
        reader = self._csv()
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise LogError(
                    [Problem(self.name, reader.line_num or self._line + 1, None, None, f"unreadable CSV: {e}")]
                ) from None
            start = self._line + 1
            self._line = reader.line_num
            yield start, cells

    def chunks(self, it: Iterator[tuple[int, Sequence[Any]]], size: int, exact: bool = True
               ) -> Iterator[tuple[Sequence[int], Any, Any]]:
        """Without *exact*: the rest of a UTF-8 file without quotes is cut into lines and
        cells by numpy (what the csv module does there, a region at a time) and given
        by the column (:mod:`.plain_csv`); else a chunk is read in one C call and must hold one record
        a line (else :class:`SlowPath`: the lines of its records are not known)."""
        if exact:
            yield from super().chunks(it, size)
            return
        start = self._rest()
        if start is not None:
            yield from self._split(start)
            return
        reader = self._csv()
        while True:
            try:
                part = list(islice(reader, size))
            except csv.Error:
                raise SlowPath() from None  # read row by row, the problem at its line
            if not part:
                return
            first = self._line + 1
            if reader.line_num - self._line != len(part):
                raise SlowPath()  # a quoted value over several lines
            self._line = reader.line_num
            yield range(first, first + len(part)), part, None

    def _rest(self) -> int | None:
        """Where (in the UTF-8 bytes) the lines not read yet start, if nothing in them
        needs the csv module (no quote, no NUL, no carriage return but in "\r\n");
        else None."""
        raw = self.raw
        if raw is None or (b"\r" in raw and _lone_return(raw)):
            return None
        start = 0
        for _ in range(self._line):
            start = raw.find(b"\n", start) + 1
            if start == 0:
                return len(raw)
        if raw.find(b'"', start) >= 0 or raw.find(b"\x00", start) >= 0:
            return None
        return start

    def _split(self, start: int) -> Iterator[tuple[Sequence[int], Any, Any]]:
        from .plain_csv import split_lines

        raw, n = self.raw, len(self.raw)
        while start < n:
            end = raw.find(b"\n", start + _BYTES_REGION)
            end = n if end < 0 else end + 1
            block = memoryview(raw)[start:end]  # (not a copy)
            start = end
            first = self._line + 1
            fields = split_lines(block, self.delimiter)
            if fields is not None:
                self._line += fields.rows
                yield range(first, first + fields.rows), None, fields
            else:  # lines of several widths, or blank: the csv module, one record a line
                block = bytes(block)
                lines = block.decode("utf-8").split("\n")
                if block.endswith(b"\n"):
                    lines.pop()
                lines = [line[:-1] if line.endswith("\r") else line for line in lines]
                self._line += len(lines)
                yield range(first, first + len(lines)), list(csv.reader(lines, delimiter=self.delimiter)), None


class _XlsxTable(_Table):
    format = "xlsx"

    def __init__(self, path: str | Path, name: str, sheet: str | None):
        self.name = name
        self._iters: list[Any] = []
        import zipfile  # lazy: only a workbook needs it

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



# --------------------------------------------------------------------------
# Opening a source


def _paths(source: Source) -> list[str | Path]:
    if isinstance(source, (str, Path)):
        return [source]
    paths = list(source)
    if not paths:
        raise LogError([Problem("", None, None, None, "no file given")])
    return paths


def _open(
    path: str | Path,
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
) -> _Table | tuple[list[JiraIssue], str]:
    """Open one file: a table (CSV/xlsx) or ``(jira_issues, encoding)``."""
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
        text, enc = _decode(raw, name, whole=False)
        if text[:4096].lstrip()[:1] in ("{", "[") and len(raw) > _PIECE and enc.startswith("utf-8"):
            text = _decoded(raw, enc)  # JSON: the whole text, not its head
    if text[:4096].lstrip()[:1] in ("{", "["):
        docs = documents(text, name)
        if docs is not None:
            issues = jira_issues(text, docs, name)
            if issues is None:
                raise LogError([Problem(name, None, None, None, NOT_JIRA)])
            return issues, enc
        if str(path).lower().endswith((".json", ".jsonl")):
            raise LogError([Problem(name, 1, None, None, "not valid JSON")])
    utf8 = enc.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig")
    return _CsvTable(text, enc, name, delimiter, raw if utf8 else None)


def _open_source(
    source: Source, sheet: str | None, encoding: str | None, delimiter: str | None
) -> _Table | tuple[list[JiraIssue], str]:
    """Open a log: one file, or several files that are all Jira pages."""
    paths = _paths(source)
    if len(paths) == 1:
        return _open(paths[0], sheet, encoding, delimiter)
    issues: list[JiraIssue] = []
    enc = ""
    for path in paths:
        src = _open(path, None, encoding, None)
        if not isinstance(src, tuple):
            src.close()
            raise LogError([Problem(
                _name(path), None, None, None,
                "not a Jira JSON export: several files are read as the pages of one Jira search "
                "(a CSV or Excel log is read alone)",
            )])
        issues.extend(src[0])
        enc = enc or src[1]
    return issues, enc


def _source_name(source: Source) -> str:
    return ", ".join(_name(p) for p in _paths(source))


# --------------------------------------------------------------------------
# Preview


_JIRA_COLUMNS = ("Key", "At", "From", "To", "Summary", "Type")
_JIRA_MAPPING = dict(zip(FIELDS, _JIRA_COLUMNS))


def preview(
    path: Source,
    sheet: str | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> LogPreview:
    """Look at a log (one file, or several Jira pages): detected format,
    columns, first 50 rows, guessed mapping, fields that need a choice and
    candidate date formats.  Raises :class:`LogError` if it cannot be read at
    all."""
    paths = _paths(path)
    named = dict(path=str(paths[0]), paths=tuple(str(p) for p in paths) if len(paths) > 1 else ())
    src = _open_source(path, sheet, encoding, delimiter)
    if isinstance(src, tuple):
        issues, enc = src
        rows, _ = jira_rows(kept_once(issues)[0], None)
        shown = tuple(
            (r.key, r.raw_at, r.from_status or "", r.to_status or "", r.title or "", r.type or "")
            for r in rows[:PREVIEW_ROWS]
        )
        return LogPreview(
            format="jira", encoding=enc, delimiter=None, sheets=(), sheet=None,
            columns=_JIRA_COLUMNS, rows=shown, guessed_mapping=dict(_JIRA_MAPPING),
            date_formats=(), iso_dates=True, **named,
        )
    with src:
        columns: tuple[str, ...] = ()
        sample: list[Sequence[Any]] = []
        it = src.records()
        for line, cells in it:
            if not _blank(cells):
                _check_width(src.name, line, cells)
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
        mapping, ambiguous = choose_columns(columns, sample)
        formats: tuple[str, ...] = ()
        iso = True
        if "at" in mapping:
            i = columns.index(mapping["at"])
            values = [c[i] for c in sample if i < len(c)]
            formats = detect_date_formats(values)
            texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
            iso = all(parse_iso(v) is not None for v in texts)
        return LogPreview(
            format=src.format, encoding=src.encoding, delimiter=src.delimiter,
            sheets=src.sheets, sheet=src.sheet, columns=columns, rows=shown,
            guessed_mapping=mapping, date_formats=formats, iso_dates=iso, ambiguous=ambiguous, **named,
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


def read_transitions(
    path: Source,
    mapping: Mapping[str, str] | None = None,
    date_format: str | None = None,
    sheet: str | None = None,
    tz: tzinfo | None = None,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    guess_unmapped: bool = False,
) -> TransitionList:
    """Read a whole transition log: a CSV or xlsx file, or one or several
    Jira JSON files (pages of one search).

    ``mapping`` maps fields (:data:`FIELDS`; ``item``, ``at`` and ``to`` are
    required) to column names.  Without it, or with ``guess_unmapped``, the
    fields it leaves out are guessed, except where several columns could hold
    one: then :class:`MappingNeeded` lists them.  ``date_format`` is a
    strptime format (or ``"ISO"``) for the timestamp and creation-time
    columns; by default ISO 8601 is tried and else a single unambiguous format
    from :data:`COMMON_DATE_FORMATS` is used.  Naive timestamps are placed in
    ``tz`` (default: the computer's local zone, with the offset valid at each
    date).  Mapping and date format are ignored for Jira files.

    Returns a :class:`TransitionList` (see :mod:`.log_rows` for the rules
    applied: duplicates dropped, creation rows built), or raises
    :class:`LogError` with every problem found (never partial data), or
    :class:`Cancelled`.  ``progress(done, total)`` is called every few
    thousand rows, and ``is_cancelled()`` is checked as often.
    """
    tick = _Ticker(progress, is_cancelled)
    tick(0, 0)
    src = _open_source(path, sheet, encoding, delimiter)
    if isinstance(src, tuple):
        return _read_jira(src[0], _source_name(path), len(_paths(path)) > 1, tz, tick)
    guess = mapping is None or guess_unmapped
    for by_column in (True, False):  # row by row when the column reading cannot be exact
        if not by_column:
            src = _open_source(path, sheet, encoding, delimiter)
        with src:
            try:
                out = _read_table(src, _name(_paths(path)[0]), dict(mapping or {}), guess, date_format, tz,
                                  tick, by_column)
            except SlowPath:
                continue
            out.format = src.format
            return out
    raise AssertionError("the row-by-row reading never gives up")  # pragma: no cover


def _read_jira(issues: list[JiraIssue], name: str, several: bool, tz: tzinfo | None, tick: _Ticker) -> TransitionList:
    kept, repeated = kept_once(issues)
    rows, problems = jira_rows(kept, tz, tick)
    if problems:
        raise LogError(problems)
    out = TransitionList(
        (Transition(r.key, r.at, r.from_status, r.to_status, r.title, r.type) for r in rows),  # type: ignore[arg-type]
        file=name, format="jira", lines=[r.line for r in rows],
        columns={"from": "fromString", "to": "toString"},
        sources=[r.file for r in rows] if several else None,
    )
    out.created_rows = len(kept)
    out.repeated_issues = repeated
    tick(len(rows), len(rows))
    long = _too_long(out, {"item": "key", "from": "fromString", "to": "toString", "title": "fields.summary",
                           "type": "fields.issuetype"})
    if long:
        raise LogError(long)
    return out.without_duplicates()


def _too_long(rows: TransitionList, columns: Mapping[str, str]) -> list[Problem]:
    """A problem for each row with a text longer than :data:`TEXT_LIMITS` allows."""
    problems = []
    lines = rows.lines
    for fld, column in columns.items():
        limit = TEXT_LIMITS[fld]
        texts = rows.texts(fld)
        for i, value in enumerate(texts):
            if value is not None and len(value) > limit:
                item = texts[i] if fld == "item" else rows.texts("item", slice(i, i + 1))[0]
                problems.append(Problem(
                    (rows.sources or [rows.file] * len(rows))[i], lines[i] if i < len(lines) else None, column,
                    value[:40] + "…", f"{len(value):,} characters long, more than the {limit} a log may hold",
                    item[:40]))
    return problems


def _listed(columns: Sequence[str], most: int = 20) -> str:
    """Column names for a message: the first *most*, and how many more."""
    more = len(columns) - most
    return ", ".join(columns[:most]) + (f" and {more:,} more" if more > 0 else "")


def _mapping_problems(
    name: str, header_line: int, columns: Sequence[str], mapping: Mapping[str, str], complete: bool
) -> list[Problem]:
    problems = []
    for fld, col in mapping.items():
        if fld not in FIELDS:
            problems.append(Problem(name, None, None, None, f"unknown field '{fld}' in the column mapping"))
        elif col and col not in columns:
            problems.append(Problem(
                name, header_line, col, None,
                f"no column named '{col}' for the {FIELD_LABELS[fld]} (columns: {_listed(columns)})",
            ))
    if not complete:
        return problems
    for fld in REQUIRED_FIELDS:
        if not mapping.get(fld):
            problems.append(Problem(
                name, header_line, None, None,
                f"no column chosen for the {FIELD_LABELS[fld]} (columns: {_listed(columns)})",
            ))
    if mapping.get("created") and not mapping.get("from"):
        problems.append(Problem(name, header_line, mapping["created"], None,
                                "a creation time needs the from-status column too: a creation row enters "
                                "the item's first from-status"))
    if mapping.get("status") and not mapping.get("created"):
        problems.append(Problem(name, header_line, mapping["status"], None,
                                "the current status is read only with the creation time: map both"))
    return problems


def _read_table(
    src: _Table,
    name: str,
    mapping: dict[str, str],
    guess: bool,
    date_format: str | None,
    tz: tzinfo | None,
    tick: _Ticker,
    by_column: bool,
) -> TransitionList:
    records: Iterator[tuple[int, Sequence[Any]]] = src.records()
    columns: tuple[str, ...] | None = None
    header_line = 1
    for line, cells in records:
        if not _blank(cells):
            _check_width(name, line, cells)
            columns = _header_names(cells)
            header_line = line
            break
    if columns is None:
        raise LogError([Problem(name, None, None, None, "no header row: the file has no data")])
    problems = _mapping_problems(name, header_line, columns, mapping, complete=not guess)
    if problems:
        raise LogError(problems)
    sample: list[tuple[int, Sequence[Any]]] = []
    if guess:
        sample = list(islice(records, SAMPLE_ROWS))
        mapping, ambiguous = choose_columns(columns, [c for _, c in sample if not _blank(c)],
                                            {f: c for f, c in mapping.items() if c})
        if ambiguous:
            raise MappingNeeded([Problem(name, header_line, None, None, ambiguity_message(f, cands))
                                 for f, cands in ambiguous.items()], ambiguous)
        problems = _mapping_problems(name, header_line, columns, mapping, complete=True)
        if problems:
            raise LogError(problems)
    mapping = {f: c for f, c in mapping.items() if c}
    rows = TableRows(name, header_line, columns, mapping, date_format, tz, by_column)
    texts = isinstance(src, _CsvTable)
    if sample:
        rows.add_chunk([line for line, _ in sample], [cells for _, cells in sample], texts)
    total = src.total_hint if tick.progress is not None else 0  # (a count of the lines: for progress only)
    for lines, chunk, by_column in src.chunks(records, CHUNK_ROWS, exact=not rows.by_column):
        tick(lines[-1], total)
        if by_column is None:
            rows.add_chunk(lines, chunk, texts)
        else:
            rows.add_fields(lines, by_column)
    tick(total, total)
    return rows.finish(tick.check)


# --------------------------------------------------------------------------
# Stage map and status check


def read_stage_map_csv(path: str | Path) -> dict[str, Stage]:
    """Read a stage map from a CSV with the columns ``status``, ``department``
    and ``kind`` (any order, any case; other columns ignored).  Returns
    ``{status: Stage}`` in file order, or raises :class:`LogError` listing
    every bad row (missing field, bad kind, a status given twice, even in
    another case: statuses match ignoring case)."""
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
            header = tuple(norm_name(c) for c in cells)
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
    first: dict[str, tuple[str, int]] = {}  # status_key -> (spelling, line)
    for line, cells in records:
        if _blank(cells):
            continue
        vals = {f: (cells[i].strip() if i < len(cells) else "") for f, i in col.items()}
        # the one rule the Audit page applies too (a done status may leave its department blank)
        found = stage_problems(vals["status"], vals["department"], vals["kind"])
        for f, message in found:
            problems.append(Problem(name, line, f, vals[f] or None, message))
        bad = bool(found)
        kind = vals["kind"].lower()
        status = vals["status"]
        seen = first.get(status_key(status)) if status else None
        if seen is not None:
            spelling, at = seen
            problems.append(Problem(
                name, line, "status", status,
                f"duplicate status '{status}' (first on line {at})" if spelling == status else
                f"status '{status}' is '{spelling}' (line {at}) in another case: statuses match "
                "ignoring case, keep one spelling",
            ))
            continue
        if status:
            first[status_key(status)] = (status, line)
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
    the first line it appears on (and the issue key for Jira), in order of
    first appearance.  Line numbers and file names come from a
    :class:`TransitionList`; for a plain list they are ``None`` and the item
    is named instead.  Exact spelling: align the statuses first
    (:func:`.log_rows.align_statuses`)."""
    import numpy as np

    log = transitions if isinstance(transitions, TransitionList) else TransitionList(transitions)
    frm, to, names = log.status_codes
    unknown = [c for c, s in enumerate(names) if s and s not in stages]
    if not unknown:
        return []
    lines = getattr(transitions, "lines", None)
    columns = getattr(transitions, "columns", {}) or {}
    sources = getattr(transitions, "sources", None)
    jira = getattr(transitions, "format", "") == "jira"
    # the first (row, from before to) of each unknown status, and how often it is used
    found = []
    for c in unknown:
        in_from, in_to = np.flatnonzero(frm == c), np.flatnonzero(to == c)
        if not len(in_from) and not len(in_to):
            continue
        first = min((int(in_from[0]), 0) if len(in_from) else (len(log), 0),
                    (int(in_to[0]), 1) if len(in_to) else (len(log), 1))
        found.append((first, names[c], len(in_from) + len(in_to)))
    found.sort()
    name = _name(file)
    problems = []
    for (i, fld), s, n in found:
        line = lines[i] if lines and i < len(lines) else None
        more = f" (used {n} times)" if n > 1 else ""
        problems.append(Problem(
            sources[i] if sources else name, line, columns.get(("from", "to")[fld], ("from", "to")[fld]), s,
            f"status '{s}' is not in the stage map{more}",
            log[i].item if line is None or jira else None,
        ))
    return problems
