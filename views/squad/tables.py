"""The Squad page's tables: columns from the squad's declared fields
(``models.squad.entities``) shown by the one row model of ``views.common.rows``,
plus the display-only columns and colours that are the squad's own.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from models.squad.entities import AUTONOMY, CHANGE, CHECKIN, CORE_ROLES, MEMBER
from models.squad.metrics import ROLE_ALLOCATION_THRESHOLD
from models.squad.service import SquadInfo, checkin_target_path, format_value
from views.common.rows import EditCallback, RowTableModel, column, columns, computed, out_of

#: colour roles (views.common.palette): they follow the light or dark scheme
OUTCOME_COLOURS = {"kept": "ok", "rolled back": "danger", "pending": "muted"}
GOOD, WARNING_COLOUR, FUTURE = "ok", "warning", "muted"


def covers(member) -> str:
    """Whether a member covers a core role, in words."""
    role = next((r for r in CORE_ROLES if r.casefold() == " ".join(member.role.split()).casefold()), None)
    if role is None:
        return "no (not a core role)"
    if member.allocation >= ROLE_ALLOCATION_THRESHOLD:
        return f"yes: {role}"
    return f"no: under {ROLE_ALLOCATION_THRESHOLD:g} % allocation"


def _under_allocated(member) -> str | None:
    return WARNING_COLOUR if covers(member).startswith("no: ") else None


class MemberTableModel(RowTableModel):
    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(columns(MEMBER, allocation={"colour": _under_allocated}) + (
            computed("covers", "Covers a core role", covers, colour=_under_allocated, width=260),), edit, parent)


class ChangeTableModel(RowTableModel):
    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__(columns(CHANGE, outcome={"colour": lambda c: OUTCOME_COLOURS[c.outcome]}), edit, parent)


class AutonomyTableModel(RowTableModel):
    """The decisions the squad takes without asking; "Granted" is a check box."""

    def __init__(self, edit: EditCallback | None = None, parent=None):
        super().__init__((
            column(AUTONOMY.field("decision"), tooltip=lambda a: a.decision),
            column(AUTONOMY.field("granted"), display=lambda _a, granted: "granted" if granted else "not yet",
                   colour=lambda a: GOOD if a.granted else WARNING_COLOUR),
        ), edit, parent)

    def flags(self, index):
        # the decision is renamed in the charter dialog, not in place
        flags = super().flags(index)
        return flags & ~Qt.ItemFlag.ItemIsEditable if index.column() == 0 else flags


class CheckInTableModel(RowTableModel):
    """Check-ins with the target path on their date; those after the as-of date are greyed."""

    def __init__(self, edit: EditCallback | None = None, parent=None):
        value = CHECKIN.field("value")
        cols = columns(CHECKIN, value={"display": lambda _c, v: format_value(v), "colour": self._value_colour,
                                       "tooltip": self._value_tip},
                       confidence={"display": out_of(CHECKIN.field("confidence"))},
                       morale={"display": out_of(CHECKIN.field("morale"))})
        path = computed("path", "Target path", self._path, width=90,
                        display=lambda _c, p: "" if p is None else format_value(p))
        at = cols.index(next(c for c in cols if c.field is value)) + 1
        super().__init__(cols[:at] + (path,) + cols[at:], edit, parent,
                         row_colour=lambda c: FUTURE if c.date > self._as_of else None,
                         row_tooltip=lambda c: ("After the as-of date: not counted in the figures yet"
                                                if c.date > self._as_of else None))
        self._squad: SquadInfo | None = None
        self._as_of = date.max

    def set_squad(self, squad: SquadInfo | None, as_of: date) -> None:
        """The squad whose target path the "Target path" column reads (call before set_rows)."""
        self._squad = squad
        self._as_of = as_of

    def _path(self, checkin) -> float | None:
        return None if self._squad is None else checkin_target_path(self._squad, checkin.date)

    def _value_colour(self, checkin) -> str | None:
        path = self._path(checkin)
        if path is None:
            return None
        behind = checkin.value < path if self._squad.direction == "up" else checkin.value > path
        return WARNING_COLOUR if behind else GOOD

    def _value_tip(self, checkin) -> str | None:
        path = self._path(checkin)
        return None if path is None else f"Target path on {checkin.date.isoformat()}: {format_value(path)}"
