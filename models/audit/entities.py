"""The audit's fields, declared once: the store validates stage maps and stalls with
them, and the Audit page builds the stage-map and stall columns and editors from them.

``models.core.fields`` has no date-and-time kind, so a stall's ``entered`` and
``left`` are ``Moment`` fields, declared here: they read a datetime, a date or
ISO 8601 text; the store then places a naive moment in the plan's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.audit.analysis import KINDS
from models.core.fields import Entity, Field
from models.core.validation import PlanError

MOMENT = "datetime"


@dataclass(frozen=True)
class Moment(Field):
    """A date and time (kind ``"datetime"``); naive unless the value carried an offset."""

    kind: str = MOMENT

    def __post_init__(self) -> None:
        if self.kind != MOMENT:
            raise ValueError(f"a Moment's kind is {MOMENT!r}, not {self.kind!r}")

    def clean(self, value: Any) -> datetime | None:
        label = self.label
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.optional and not self.required:
                return None
            raise PlanError(f"{label} is required")
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                raise PlanError(f"{label} must be a date and time such as 2026-03-02 09:30, "
                                f"not {value!r}") from None
        elif isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if not isinstance(value, datetime):
            raise PlanError(f"{label} must be a date and time, not {value!r}")
        return value


#: one line of a stage map: a department is required unless the status is done
STAGE = Entity("stage", (
    Field("status", "status", required=True, width=220),
    Field("department", "department", width=190),
    Field("kind", "kind", "choice", choices=KINDS, width=170),
))

#: an item that sat in a stage from entered to left (None: still there), tracked by hand
STALL = Entity("stall", (
    Field("item", "item", required=True, width=200, help="e.g. Spring sale landing page"),
    # an active or queue status of the stage map: the store checks it against the map
    Field("stage", "stage", required=True, width=170),
    Moment("entered", "entered", required=True, width=130),
    Moment("left", "left", optional=True, width=130),
    Field("note", "note", limit=10000, width=200),
))
