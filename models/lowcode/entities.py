"""The low-code fields, declared once: the service validates with them, plan dump/load
reads and writes them, and the Low-code page builds its columns, editors and row
dialogs from them. The choices (request types, routes, reasons, capabilities, tool
statuses) and the people-trained range live only here and in ``models.lowcode.figures``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.core.fields import Entity, Field
from models.core.validation import PlanError
from models.lowcode.figures import REASONS, REQUEST_TYPES, ROUTES, TOOL_STATUSES

CAPABILITIES: tuple[str, ...] = (
    "page builder",
    "email sequences",
    "headless CMS",
    "A/B testing",
    "promotion rules",
    "other",
)
TRAINED_LIMIT = 100_000


@dataclass(frozen=True)
class Choice(Field):
    """A choice typed in any case or spacing ("Landing  Page" is "landing page").

    When optional, a blank value stores "" (the column holds text, never NULL).
    """

    kind: str = "choice"

    def clean(self, value: Any) -> str:
        if self.optional and (value is None or isinstance(value, str) and not value.strip()):
            return ""
        if isinstance(value, str):
            wanted = " ".join(value.split()).casefold()
            for option in self.choices:
                if option.casefold() == wanted:
                    return option
        raise PlanError(f"{self.label} must be one of {', '.join(self.choices)}, not {value!r}")

    def load(self, raw: Any) -> str:
        if raw is None and self.optional:
            return ""
        if not isinstance(raw, str):
            raise PlanError("must be text")
        return self.clean(raw)


# Field order is the order of the ledger's columns and of a dumped request.
REQUEST = Entity("request", (
    Field("title", "request title", required=True, limit=300, title="Request", width=280,
          help="What marketing asked for, e.g. Spring sale landing page"),
    Choice("type", "type", choices=REQUEST_TYPES, width=172),
    Field("team", "team", width=118),
    Field("requested", "requested date", "date", required=True, title="Requested", width=86),
    Field("delivered", "delivered date", "date", optional=True, title="Delivered", width=86),
    Choice("route", "route", choices=ROUTES, width=80),
    Field("tool", "tool", width=128),
    Choice("reason", "reason", optional=True, choices=REASONS, title="Why a developer", width=140),
))

TOOL = Entity("tool", (
    Field("name", "tool name", required=True, title="Tool", width=210,
          help="e.g. the page builder's product name"),
    Choice("capability", "capability", choices=CAPABILITIES, width=140),
    Field("owner", "owner", width=140),
    Field("trained", "people trained", "int", low=0, high=TRAINED_LIMIT, width=110),
    Choice("status", "status", choices=TOOL_STATUSES, width=110),
))
