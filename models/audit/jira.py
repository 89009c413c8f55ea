"""Jira REST responses saved with ``expand=changelog``, in every shape they
come in, detected by content.

A file holds one or more JSON documents (one after another, or one per line
as JSON Lines); each document is a search page (an object with an ``issues``
list), a single issue (``GET /issue/KEY?expand=changelog``), or a list of
either.  Several files are read as pages of one search.  An issue repeated
across pages is kept once (the copy with the longest changelog).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Callable, NamedTuple, Sequence

from .dates import aware, parse_iso
from .problems import LogError, Problem

__all__ = ["JiraIssue", "JiraRow", "documents", "issues_in", "jira_issues", "kept_once", "jira_rows", "NOT_JIRA"]

NOT_JIRA = ("JSON, but not a Jira export: expected search pages (objects with an 'issues' list), "
            "issues (objects with 'key' and 'fields'), or lists of them, saved with expand=changelog")

_SPACE = re.compile(r"[ \t\n\r]*")
_KEY = re.compile(r'"key"\s*:\s*"([^"\\]*)"')


@dataclass(frozen=True)
class JiraIssue:
    data: dict
    file: str
    line: int | None


class JiraRow(NamedTuple):  # a tuple: tens of thousands are made per file
    key: str
    at: datetime | None
    from_status: str | None
    to_status: str | None
    title: str | None
    type: str | None
    raw_at: str
    file: str
    line: int | None


def documents(text: str, name: str) -> list[tuple[int, int, Any]] | None:
    """The JSON documents of *text* as ``(start, end, value)``; ``None`` if the
    text does not start with one.  A bad document after a good one raises a
    problem naming its line."""
    decoder = json.JSONDecoder()
    docs: list[tuple[int, int, Any]] = []
    pos = _SPACE.match(text, 0).end()
    while pos < len(text):
        try:
            value, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as e:
            if not docs:
                return None
            where = f" at line {e.lineno}, column {e.colno}" if isinstance(e, json.JSONDecodeError) else ""
            raise LogError([Problem(name, text.count("\n", 0, pos) + 1, None, None,
                                    f"not valid JSON from this line on ({getattr(e, 'msg', e)}{where})")]) from None
        docs.append((pos, end, value))
        pos = _SPACE.match(text, end).end()
    return docs or None


def _is_issue(d: Any) -> bool:
    return isinstance(d, dict) and "key" in d and isinstance(d.get("fields"), dict)


def issues_in(value: Any) -> list[dict] | None:
    """The issues of one document, or ``None`` if it is not Jira."""
    if _is_issue(value):
        return [value]
    if isinstance(value, dict):
        found = value.get("issues")
        return found if isinstance(found, list) and all(_is_issue(i) for i in found) else None
    if isinstance(value, list) and value:
        out: list[dict] = []
        for v in value:
            sub = issues_in(v) if isinstance(v, dict) else None  # pages or issues, one level deep
            if sub is None:
                return None
            out.extend(sub)
        return out
    return None


def jira_issues(text: str, docs: Sequence[tuple[int, int, Any]], name: str) -> list[JiraIssue] | None:
    """Every issue of a file's documents with the line of its key; ``None``
    if a document is not Jira."""
    found: list[tuple[dict, int]] = []
    for start, end, value in docs:
        issues = issues_in(value)
        if issues is None:
            return None
        if not issues:
            continue
        where = {}
        for m in _KEY.finditer(text, start, end):
            where.setdefault(m.group(1), m.start())
        found.extend((i, where.get(str(i.get("key")), start)) for i in issues)
    line_of: dict[int, int] = {}
    line, pos = 1, 0
    for offset in sorted({o for _, o in found}):
        line += text.count("\n", pos, offset)
        pos = offset
        line_of[offset] = line
    return [JiraIssue(i, name, line_of[o]) for i, o in found]


def kept_once(issues: Sequence[JiraIssue]) -> tuple[list[JiraIssue], int]:
    """One copy of each issue key (the one with the longest changelog, at the
    place of the first) and how many copies were dropped."""
    def length(i: JiraIssue) -> int:
        log = i.data.get("changelog")
        histories = log.get("histories") if isinstance(log, dict) else None
        return len(histories) if isinstance(histories, list) else -1

    slot: dict[Any, int] = {}
    out: list[JiraIssue] = []
    for issue in issues:
        key = issue.data.get("key")
        k = slot.get(key)
        if k is None or key is None:
            slot[key] = len(out)
            out.append(issue)
        elif length(issue) > length(out[k]):
            out[k] = issue
    return out, len(issues) - len(out)


def _s(v: Any) -> str | None:
    if v is None:
        return None
    t = str(v).strip()
    return t or None


def _name_of(v: Any) -> str | None:
    return _s(v.get("name")) if isinstance(v, dict) else _s(v)


def jira_rows(
    issues: Sequence[JiraIssue], tz: tzinfo | None, check: Callable[[int, int], None] | None = None
) -> tuple[list[JiraRow], list[Problem]]:
    """A creation row per issue (at ``fields.created``, entering the first
    change's ``fromString``, or the current status if it never changed), then
    its status changes oldest first; and every problem found."""
    rows: list[JiraRow] = []
    problems: list[Problem] = []
    total = len(issues)
    for n, issue in enumerate(issues, 1):
        if check is not None and n % 500 == 0:
            check(n, total)
        data, name, line = issue.data, issue.file, issue.line

        def problem(where: str | None, value: str | None, message: str, key: str) -> None:
            problems.append(Problem(name, line, where, value, message, key))

        def when(raw: Any, key: str, where: str) -> datetime | None:
            text = _s(raw)
            if text is None:
                problem(where, None, "missing date", key)
                return None
            dt = parse_iso(text)
            if dt is None:
                problem(where, text, f"bad date '{text}' (expected ISO 8601)", key)
                return None
            return aware(dt, tz)

        key = _s(data.get("key"))
        if key is None:
            problem("key", None, "issue without a key", f"#{n}")
            continue
        fields = data["fields"]
        title, itype = _s(fields.get("summary")), _name_of(fields.get("issuetype"))
        created = when(fields.get("created"), key, "fields.created")
        changelog = data.get("changelog")
        if not isinstance(changelog, dict):
            problem("changelog", None, "no changelog: save the search with expand=changelog", key)
            continue
        histories = changelog.get("histories") or []
        ctotal = changelog.get("total")
        if isinstance(ctotal, int) and ctotal > len(histories):
            problem("changelog", None, f"the changelog is cut short ({len(histories)} of {ctotal} entries); "
                    "export this issue's full changelog", key)
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
            dated.extend((at, h_i, it) for it in status_items)
        # Jira usually lists histories newest first: put them oldest first,
        # then sort by time (stable, so same-time changes keep that order).
        if len(dated) > 1 and dated[0][0] > dated[-1][0]:
            dated.reverse()
        dated.sort(key=lambda x: x[0])
        first_to = _s(dated[0][2].get("fromString")) if dated else _name_of(fields.get("status"))
        if first_to is None:
            problem("fields.status", None, "no status for the created row", key)
        rows.append(JiraRow(key, created, None, first_to, title, itype, _s(fields.get("created")) or "",
                            name, line))
        for at, h_i, it in dated:
            to = _s(it.get("toString"))
            if to is None:
                problem(f"changelog.histories[{h_i}].items", None,
                        "status change without a new status (toString)", key)
            rows.append(JiraRow(key, at, _s(it.get("fromString")), to, title, itype, at.isoformat(), name, line))
    return rows, problems
