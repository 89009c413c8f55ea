"""Reading a request ledger from CSV or XLSX, for the shared import wizard.

The file handling is the audit readers': content sniffing (xlsx, old .xls, CSV
in any encoding and delimiter), sheets, the first rows for the preview, and
``Problem`` / ``LogError`` for everything wrong. This module adds only what is
particular to requests: the fields and their guessed columns, and turning
each row into a ``RequestDraft`` with the service's own rules.

All or nothing: :func:`read_requests` returns every row or raises one
``LogError`` listing every problem (file, line and column). Storing is
``models.lowcode.service.import_requests``, one transaction.

Fields: ``title`` (required), ``type``, ``team``, ``requested`` (a date,
required), ``delivered`` (a date; empty while open), ``route`` (``self-serve``
or ``developer``; also "self serve", "marketing", "dev", case-insensitively;
empty: developer when the row gives a reason, else self-serve), ``tool`` and
``reason``. Types and reasons are matched case-insensitively, with a few
common short forms ("email", "A/B", "legal", "data"…).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from models.audit import readers
from models.audit.readers import Cancelled, LogError, LogPreview, Problem
from models.lowcode.service import REQUEST_KEYS, RequestDraft, check_request
from models.lowcode.figures import REASONS, REQUEST_TYPES
from models.plan.service import PlanError

FIELDS = REQUEST_KEYS
REQUIRED_FIELDS = ("title", "requested")
DATE_FIELDS = ("requested", "delivered")
PROGRESS_EVERY = 500

_CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("title", "request", "request title", "summary", "name", "subject", "what"),
    "type": ("type", "request type", "kind", "category"),
    "team": ("team", "requesting team", "requested by", "requester", "department", "from"),
    "requested": ("requested", "requested on", "requested date", "request date", "date requested", "created",
                  "created on", "opened", "submitted", "raised", "date"),
    "delivered": ("delivered", "delivered on", "delivered date", "delivery date", "date delivered", "shipped",
                  "shipped on", "done", "completed", "closed", "resolved", "live"),
    "route": ("route", "self serve", "self service", "channel", "path", "shipped by", "delivered by", "who"),
    "tool": ("tool", "tool used", "platform", "low code tool"),
    "reason": ("reason", "developer reason", "reason for developer", "why developer", "why a developer", "why",
               "blocker"),
}

ROUTE_WORDS = {
    "self serve": "self-serve", "selfserve": "self-serve", "self service": "self-serve",
    "marketing": "self-serve",
    "dev": "developer", "developer": "developer", "developers": "developer",
}
TYPE_WORDS = {
    "landing": "landing page", "landing pages": "landing page", "page": "landing page",
    "email": "email sequence", "emails": "email sequence", "email sequences": "email sequence",
    "ab test": "A/B test", "ab": "A/B test", "a b": "A/B test", "ab tests": "A/B test", "experiment": "A/B test",
    "content": "content update", "content updates": "content update",
    "promotion": "promotion or bundle rule", "promotion rule": "promotion or bundle rule",
    "bundle": "promotion or bundle rule", "bundle rule": "promotion or bundle rule",
    "promo": "promotion or bundle rule",
    "integrations": "integration",
    "data": "data or AI model", "ai": "data or AI model", "ai model": "data or AI model",
    "data model": "data or AI model", "model": "data or AI model",
}
REASON_WORDS = {
    "component": "missing component", "missing components": "missing component",
    "data": "data access", "access": "data access",
    "logic": "custom logic", "custom": "custom logic", "custom code": "custom logic",
    "legal": "legal or compliance", "compliance": "legal or compliance",
    "skill": "skills", "training": "skills",
}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """Guess ``{field: column}`` from the column names: exact (normalised) names first,
    then names containing all of a candidate's words. Fields with no column are left out."""
    normed = [(_norm(c), c) for c in columns]
    used: set[str] = set()
    result: dict[str, str] = {}
    for exact in (True, False):
        for field in FIELDS:
            if field in result:
                continue
            for cand in _CANDIDATES[field]:
                words = set(cand.split())
                hit = next((c for n, c in normed if c not in used
                            and (n == cand if exact else words <= set(n.split()))), None)
                if hit is not None:
                    result[field] = hit
                    used.add(hit)
                    break
    return {f: result[f] for f in FIELDS if f in result}


def _word(value: str, options: Sequence[str], synonyms: Mapping[str, str]) -> str | None:
    key = _norm(value)
    for option in options:
        if _norm(option) == key:
            return option
    return synonyms.get(key)


def route_of(value: str) -> str | None:
    """``self-serve`` / ``developer`` for the words the import accepts, else None."""
    key = _norm(value)
    return ROUTE_WORDS.get(key)


# --------------------------------------------------------------------------- preview

def preview_requests(path: str | Path, sheet: str | None = None, delimiter: str | None = None) -> LogPreview:
    """The readers' preview of a CSV or XLSX file, with the request fields' guessed
    mapping and the date formats its requested and delivered columns may use."""
    p = readers.preview(path, sheet, delimiter=delimiter)
    if p.format == "jira":
        raise LogError([Problem(readers._name(path), None, None, None,
                                "a Jira export holds status changes, not a request ledger; "
                                "use a CSV or XLSX with one row per request")])
    mapping = guess_mapping(p.columns)
    values: list[str] = []
    for field in DATE_FIELDS:
        if field in mapping:
            i = p.columns.index(mapping[field])
            values.extend(r[i] for r in p.rows if i < len(r))
    formats = readers.detect_date_formats(values)
    texts = [v.strip() for v in values if v.strip()]
    iso = all(_iso_day(v) is not None for v in texts)
    return replace(p, guessed_mapping=mapping, date_formats=formats, iso_dates=iso)


# --------------------------------------------------------------------------- reading

class RequestRecords(list):
    """A ``list[RequestDraft]`` that remembers the file and each row's line."""

    def __init__(self, drafts: Sequence[RequestDraft] = (), *, file: str = "", lines: Sequence[int] = ()):
        super().__init__(drafts)
        self.file = file
        self.lines = list(lines)


def _iso_day(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _day(value: Any, date_format: str | None) -> date | None | str:
    """The date in a cell, None for an empty cell, or the error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return "is not a date (format the cells as dates, or as text)"
    text = value.strip()
    if date_format is None or date_format.strip().lower() in ("iso", "iso8601", "iso 8601"):
        day = _iso_day(text)
        return day if day is not None else "is not a date YYYY-MM-DD (or choose the date format)"
    try:
        return datetime.strptime(text, date_format.strip()).date()
    except ValueError:
        return f"is not a date in the format {date_format.strip()}"


def read_requests(
    path: str | Path,
    mapping: Mapping[str, str],
    date_format: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    delimiter: str | None = None,
) -> RequestRecords:
    """Read every request of a CSV or XLSX file (the wizard's ``read``).

    ``mapping`` maps fields (:data:`FIELDS`) to column names; ``date_format`` is
    a strptime format, or None for ISO 8601 (real Excel dates always work).
    Returns all the rows, or raises ``LogError`` with every problem found, or
    ``Cancelled``. Blank rows are skipped.
    """
    name = readers._name(path)

    def tick(done: int, total: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        if progress is not None:
            progress(done, max(total, done))

    tick(0, 0)
    missing = [f for f in REQUIRED_FIELDS if f not in mapping]
    if missing:
        raise LogError([Problem(name, None, None, None, f"choose a column for: {', '.join(missing)}")])
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise LogError([Problem(name, None, None, None, f"unknown field {unknown[0]!r}")])
    src = readers._open(path, sheet, None, delimiter)
    if isinstance(src, tuple):
        raise LogError([Problem(name, None, None, None,
                                "a Jira export holds status changes, not a request ledger")])
    with src:
        records = src.records()
        columns: tuple[str, ...] | None = None
        header_line = 1
        for line, cells in records:
            if not readers._blank(cells):
                columns = readers._header_names(cells)
                header_line = line
                break
        if columns is None:
            raise LogError([Problem(name, None, None, None, "no header row: the file has no data")])
        absent = [(f, c) for f, c in mapping.items() if c not in columns]
        if absent:
            raise LogError([Problem(name, header_line, c, None, f"no column named '{c}' for the {f} field")
                            for f, c in absent])
        index = {f: columns.index(c) for f, c in mapping.items()}
        drafts: list[RequestDraft] = []
        lines: list[int] = []
        problems: list[Problem] = []
        total = src.total_hint
        for n, (line, cells) in enumerate(records):
            if n % PROGRESS_EVERY == 0:
                tick(n, total)
            if readers._blank(cells):
                continue
            draft = _row(name, line, cells, index, mapping, date_format, problems)
            if draft is not None:
                drafts.append(draft)
                lines.append(line)
        if problems:
            raise LogError(problems)
        if not drafts:
            raise LogError([Problem(name, None, None, None, "the file has a header but no requests")])
        tick(total, total)
        return RequestRecords(drafts, file=name, lines=lines)


def _row(name: str, line: int, cells: Sequence[Any], index: Mapping[str, int], mapping: Mapping[str, str],
         date_format: str | None, problems: list[Problem]) -> RequestDraft | None:
    """One row as a draft, or None after adding its problems."""
    found = len(problems)

    def cell(field: str) -> Any:
        i = index.get(field)
        return cells[i] if i is not None and i < len(cells) else None

    def text(field: str) -> str:
        return readers._cell_text(cell(field))

    def bad(field: str, message: str, value: Any = None) -> None:
        shown = readers._cell_text(cell(field)) if value is None else value
        problems.append(Problem(name, line, mapping.get(field), shown, message))

    title = text("title")
    if not title:
        bad("title", "the title is empty")
    elif len(title) > 300:
        bad("title", "the title is longer than 300 characters", title[:40] + "…")
    days: dict[str, date | None] = {}
    for field in DATE_FIELDS:
        value = _day(cell(field), date_format)
        if isinstance(value, str):
            bad(field, f"'{text(field)}' {value}")
            value = None
        elif value is None and field == "requested":
            bad(field, "the requested date is empty")
        days[field] = value
    kind = "other"
    if text("type"):
        kind = _word(text("type"), REQUEST_TYPES, TYPE_WORDS) or ""
        if not kind:
            bad("type", f"'{text('type')}' is not a request type ({', '.join(REQUEST_TYPES)})")
    reason = ""
    if text("reason"):
        reason = _word(text("reason"), REASONS, REASON_WORDS) or ""
        if not reason:
            bad("reason", f"'{text('reason')}' is not a reason ({', '.join(REASONS)})")
    if text("route"):
        route = route_of(text("route"))
        if route is None:
            bad("route", f"'{text('route')}' is not a route (self-serve or developer; also "
                         "'self serve', 'marketing', 'dev')")
    else:
        route = "developer" if text("reason") else "self-serve"
    for field, limit in (("team", 200), ("tool", 200)):
        if len(text(field)) > limit:
            bad(field, f"longer than {limit} characters", text(field)[:40] + "…")
    if len(problems) > found:
        return None
    draft = RequestDraft(title=title, requested=days["requested"], type=kind, team=text("team"),
                         delivered=days["delivered"], route=route, tool=text("tool"), reason=reason)
    try:
        check_request({k: getattr(draft, k) for k in REQUEST_KEYS})
    except PlanError as exc:
        field = "delivered" if "delivered date" in str(exc) else "reason"
        bad(field, str(exc))
        return None
    return draft
