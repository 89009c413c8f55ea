"""Cells that are safe to hand to stakeholders.

Text a user typed must never become a formula, an error value or a broken file:
strings are stripped of XML-illegal control characters, and any string that a
spreadsheet could read as a formula or error (leading ``=``, ``+``, ``-``, ``@``,
``#``, tab, CR or LF) is forced to be stored as text.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

# XML 1.0 forbids these; openpyxl raises IllegalCharacterError on them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RISKY_FIRST = frozenset("=+-@#\t\r\n")


def clean_text(text: str) -> str:
    return _ILLEGAL.sub("", text)


def is_risky(text: str) -> bool:
    return bool(text) and text[0] in RISKY_FIRST


def excel_value(value: Any) -> Any:
    """A value openpyxl can write: naive datetimes, cleaned strings, plain numbers."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: keep the wall time as recorded
    if isinstance(value, (int, float, date)) or value is None:
        return value
    return clean_text(str(value))


def text_cell(sheet, value: str, **style):
    """A write-only cell that stays text whatever it starts with."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=clean_text(value))
    cell.data_type = "s"
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def safe_row(sheet, values):
    """Prepare a row for ``append``: risky strings become text cells, the rest plain values."""
    out = []
    for v in values:
        if isinstance(v, str):
            v = clean_text(v)
            out.append(text_cell(sheet, v) if is_risky(v) else v)
        else:
            out.append(excel_value(v))
    return out
