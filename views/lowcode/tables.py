"""The Low-code page's tables: columns from the request and tool declarations
(``models.lowcode.entities``) shown by the one row model of ``views.common.rows``,
plus what is the ledger's own: the lead time, the "open" delivery cell and its
editor, colours by route, status and age, and the ledger's state filters.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Sequence

from models.lowcode.entities import REQUEST, TOOL
from models.lowcode.figures import REQUEST_TYPES, TOOL_STATUSES
from models.lowcode.service import RequestInfo
from views.common.field_editors import OptionalDateEdit, make_editor
from views.common.rows import Column, EditCallback, RowTableModel, columns, computed

#: colour roles (views.common.palette): readable in the light and the dark scheme
ROUTE_COLOURS = {"self-serve": "ok", "developer": "warning"}
STATUS_COLOURS = {"adopted": "ok", "rolling out": "info", "evaluating": "muted"}
OPEN_COLOUR = "warning"
STALE_COLOUR = "danger"
MUTED = "muted"
#: Open developer requests older than this are shown in red.
STALE_DAYS = 28
NO_REASON = "(none)"
#: sort keys that put open requests after every delivered one (the oldest last)
OPEN_DELIVERY_SORT = 10**7
OPEN_LEAD_SORT = 10**6

#: the ledger's state filter: "open", "delivered", or "queue" (open developer requests)
STATES: dict[str, Callable[[RequestInfo, date], bool]] = {
    "open": lambda r, as_of: not r.is_delivered(as_of),
    "delivered": lambda r, as_of: r.is_delivered(as_of),
    "queue": lambda r, as_of: not r.is_delivered(as_of) and r.route == "developer" and r.requested <= as_of,
}
#: what the ledger's filter text searches
TEXT_KEYS = ("title", "team", "tool", "type", "reason")


def _ranked(options: Sequence[str]) -> Callable[[object, str], int]:
    """Sort a choice column in the declared order, not alphabetically."""
    return lambda _row, value: options.index(value) if value in options else len(options)


class RequestTableModel(RowTableModel):
    """The ledger. Open requests read "open" and their age; delivery after the as-of
    date still counts as open. The reason is edited only on developer requests."""

    def __init__(self, edit: EditCallback | None = None, parent=None):
        age_colour = self._age_colour
        cols = columns(
            REQUEST,
            type={"sort": _ranked(REQUEST_TYPES)},
            delivered={"display": lambda _r, d: "open" if d is None else d.isoformat(),
                       "sort": lambda _r, d: OPEN_DELIVERY_SORT if d is None else d.toordinal(),
                       "colour": age_colour, "tooltip": self._delivered_tip, "editor": self._delivered_editor},
            route={"colour": lambda r: ROUTE_COLOURS.get(r.route)},
            reason={"display": lambda r, v: v if r.route == "developer" else "–",
                    "colour": lambda r: None if r.route == "developer" else MUTED,
                    "tooltip": lambda r: None if r.route == "developer" else
                    "Only developer-route requests have a reason",
                    "editable_when": lambda r: r.route == "developer",
                    "editor": lambda _r, parent: make_editor(REQUEST.field("reason"), parent, empty=NO_REASON,
                                                             in_table=True)},
        )
        # the lead time's text is its value: a number of days or the wait of an open request
        lead = computed("lead", "Lead time", self._lead_text, sort=self._lead_sort, colour=age_colour,
                        tooltip=self._lead_tip, width=80)
        super().__init__(cols + (lead,), edit, parent)
        self.as_of = date.today()
        self.tool_names: tuple[str, ...] = ()

    def set_rows(self, rows: Sequence, as_of: date, editable: bool = True) -> None:
        self.as_of = as_of
        super().set_rows(rows, editable)

    def set_tool_names(self, names: Sequence[str]) -> None:
        """The inventory's tools, offered by the Tool cell's editor."""
        self.tool_names = tuple(names)

    def choices(self, item, col: Column) -> tuple[str, ...]:
        return ("",) + self.tool_names if col.key == "tool" else super().choices(item, col)

    def accepts(self, state: str | None) -> Callable[[RequestInfo], bool] | None:
        """The row filter for a ledger state (as of the model's date), None for every state."""
        return None if state is None else (lambda r: STATES[state](r, self.as_of))

    def age(self, item: RequestInfo) -> int | None:
        """Days an undelivered request has been waiting as of the as-of date."""
        if item.is_delivered(self.as_of) or item.requested > self.as_of:
            return None
        return (self.as_of - item.requested).days

    def _age_colour(self, item: RequestInfo) -> str | None:
        if item.is_delivered(self.as_of):
            return None
        age = self.age(item)
        return STALE_COLOUR if item.route == "developer" and age is not None and age > STALE_DAYS else OPEN_COLOUR

    def _delivered_tip(self, item: RequestInfo) -> str | None:
        if item.delivered is None:
            return "Open: double-click to record the delivery date (or use Mark delivered)"
        if item.delivered > self.as_of:
            return "Delivered after the as-of date: still open in the figures"
        return None

    def _delivered_editor(self, item: RequestInfo, parent) -> OptionalDateEdit:
        """A calendar whose step below the requested date reads "open"; an open request's
        cell offers the as-of date (not before the request, not after today)."""
        editor = OptionalDateEdit(parent, empty_text="open", floor=item.requested,
                                  proposal=max(item.requested, min(self.as_of, date.today())))
        editor.setToolTip("The delivery date; the step below the requested date reads \"open\" "
                          "(not delivered yet)")
        return editor

    def _lead_text(self, item: RequestInfo) -> str:
        if item.is_delivered(self.as_of):
            return f"{item.lead_days} d"
        age = self.age(item)
        return f"open {age} d" if age is not None else ""

    def _lead_sort(self, item: RequestInfo, _text: str) -> float:
        if item.is_delivered(self.as_of):
            return float(item.lead_days)
        return OPEN_LEAD_SORT + (self.age(item) or 0)  # open ones last, oldest last

    def _lead_tip(self, item: RequestInfo) -> str | None:
        if item.is_delivered(self.as_of):
            return "Delivered − requested, in calendar days"
        age = self.age(item)
        return None if age is None else f"Waiting for {age} days"


class ToolTableModel(RowTableModel):
    """The tool inventory, with how many delivered self-serve requests name each tool."""

    def __init__(self, edit: EditCallback | None = None, parent=None):
        cols = columns(
            TOOL,
            trained={"colour": lambda t: OPEN_COLOUR if t.trained == 0 and t.status != "evaluating" else None,
                     "tooltip": lambda t: "People trained count once the tool is rolling out or adopted"
                     if t.status == "evaluating" else None},
            status={"sort": _ranked(TOOL_STATUSES), "colour": lambda t: STATUS_COLOURS.get(t.status)},
        )
        used = computed("used", "Self-serve requests shipped with it",
                        lambda t: self._usage.get(t.name.casefold(), 0), width=220,
                        tooltip=lambda _t: "Delivered self-serve requests whose tool names this one")
        super().__init__(cols + (used,), edit, parent)
        self._usage: dict[str, int] = {}

    def set_usage(self, requests: Sequence[RequestInfo], as_of: date) -> None:
        """Delivered self-serve requests per tool name (case-insensitive); call before set_rows."""
        usage: dict[str, int] = {}
        for r in requests:
            if r.tool and r.route == "self-serve" and r.is_delivered(as_of):
                key = r.tool.casefold()
                usage[key] = usage.get(key, 0) + 1
        self._usage = usage
