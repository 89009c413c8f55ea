"""Cleaning what users type, shared by every service: one message style everywhere.

Each function returns the clean value or raises ``PlanError`` with a message
that names the field (``"due date must be a date (YYYY-MM-DD), not 'soon'"``).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any



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


def clean_date(value: Any, label: str, *, optional: bool = False) -> date | None:
    """A date, a datetime (its date) or ISO text ``YYYY-MM-DD``; None only when optional."""
    if value is None and optional:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PlanError(f"{label} must be a date (YYYY-MM-DD), not {value!r}")
