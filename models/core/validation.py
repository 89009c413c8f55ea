"""Cleaning what users type or load, shared by every service: one message style everywhere.

Each function returns the clean value or raises ``PlanError`` with a message
that names the field (``"due date must be a date (YYYY-MM-DD), not 'soon'"``).
The bounds here hold at every entry point (the GUI, ``plan load``, imports):
dates within ``DATE_MIN``–``DATE_MAX``, JSON nested at most ``MAX_JSON_DEPTH``
deep, and messages cut to a few short lines (``brief``).
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

#: the dates any entry point accepts: arithmetic on them (a plan's end, a series per
#: day) stays far from ``date.max``, and a typo such as year 0001 or 9999 is caught
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2200, 12, 31)
#: the deepest nesting a JSON document may have (a plan needs 4)
MAX_JSON_DEPTH = 64
#: what a message may hold: lines, and characters per line
MAX_LINES = 22  # 20 problems of a log, "and N more", a heading
MAX_LINE = 300


class PlanError(ValueError):
    """A user's edit was refused; the message says why."""


def clean_text(value: Any, label: str, *, required: bool = False, limit: int = 200) -> str:
    """Text with surrounding white space removed; required and length-checked."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise PlanError(f"{label} is required")
    if len(text) > limit:
        raise PlanError(f"{label} is longer than {limit} characters")
    return text


def check_day(day: date, label: str) -> date:
    """*day* itself if it lies within ``DATE_MIN``–``DATE_MAX``."""
    if not DATE_MIN <= day <= DATE_MAX:
        raise PlanError(f"{label} {day.isoformat()} is outside the years {DATE_MIN.year}–{DATE_MAX.year}")
    return day


def in_date_range(moment: date | datetime) -> bool:
    day = moment.date() if isinstance(moment, datetime) else moment
    return DATE_MIN <= day <= DATE_MAX


def clean_date(value: Any, label: str, *, optional: bool = False) -> date | None:
    """A date, a datetime (its date) or ISO text ``YYYY-MM-DD`` within the sane range;
    None only when optional."""
    if value is None and optional:
        return None
    if isinstance(value, datetime):
        return check_day(value.date(), label)
    if isinstance(value, date):
        return check_day(value, label)
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return check_day(day, label)
    raise PlanError(f"{label} must be a date (YYYY-MM-DD), not {value!r}")


# --------------------------------------------------------------------------- documents and messages

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deep *text*'s arrays and objects nest, found without parsing (so a hostile
    document cannot exhaust the parser's recursion)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def load_json(text: str, source: str) -> Any:
    """``json.loads`` for untrusted text: nesting checked first; errors name *source*."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise PlanError(f"{source}: not a plan document (nested {depth:,} deep; at most {MAX_JSON_DEPTH})")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise PlanError(f"{source}: not valid JSON ({brief(str(exc), max_lines=1)})") from None


def brief(text: str, *, max_lines: int = MAX_LINES, max_line: int = MAX_LINE) -> str:
    """*text* cut to a few short lines: a long line ends "… (N more characters)", the
    lines past *max_lines* become "and N more"."""
    lines = text.splitlines() or [""]
    out = []
    for line in lines[:max_lines]:
        if len(line) > max_line:
            line = f"{line[:max_line]}… ({len(line) - max_line:,} more characters)"
        out.append(line)
    if len(lines) > max_lines:
        out.append(f"and {len(lines) - max_lines:,} more")
    return "\n".join(out)
