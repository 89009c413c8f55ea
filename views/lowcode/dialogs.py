"""Dialogs of the Low-code page: a request and a tool, each the generic row dialog
over its declared fields (``models.lowcode.entities``).

Dialogs collect values only; the page turns them into undo commands. Each checks
its values with the service's own rules before it closes, so a mistake does not
throw away what the leader typed.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from PySide6.QtWidgets import QWidget

from models.lowcode.entities import REQUEST, TOOL
from models.lowcode.service import RequestDraft, ToolDraft, check_request, draft_defaults
from views.common.field_editors import OptionalDateEdit, make_editor
from views.common.row_dialog import RowDialog

NO_REASON = "(none given)"


class RequestDialog(RowDialog):
    """Add or edit a request. ``values`` holds ``RequestDraft`` field names (``requested`` at least).

    The delivery date steps below the requested date to "open"; the reason is chosen
    only for a developer request.
    """

    def __init__(self, values: dict[str, Any], *, tool_names: Sequence[str] = (), teams: Sequence[str] = (),
                 editing: bool = False, parent: QWidget | None = None):
        reason = REQUEST.field("reason")
        values = draft_defaults(RequestDraft) | values
        super().__init__(
            REQUEST, values, title="Edit request" if editing else "Add request",
            choices={"team": tuple(sorted(set(teams), key=str.casefold)), "tool": ("",) + tuple(tool_names)},
            editors={"delivered": lambda p: OptionalDateEdit(p, empty_text="open", floor=values["requested"]),
                     "reason": lambda p: make_editor(reason, p, empty=NO_REASON)},
            check=check_request, parent=parent)
        delivered = self.editors["delivered"]
        delivered.setToolTip("Step below the requested date to leave the request open")
        self.editors["requested"].dateChanged.connect(
            lambda q: delivered.set_floor(date(q.year(), q.month(), q.day())))
        self.editors["route"].currentIndexChanged.connect(lambda _i: self._route_changed())
        self._route_changed()

    def _route_changed(self) -> None:
        developer = self.values()["route"] == "developer"
        reason = self.editors["reason"]
        reason.setEnabled(developer)
        if not developer:
            reason.setCurrentIndex(0)

    def draft(self) -> RequestDraft:
        return RequestDraft(**self.values())


class ToolDialog(RowDialog):
    """Add or edit a tool of the inventory. ``values`` holds ``ToolDraft`` field names."""

    def __init__(self, values: dict[str, Any] | None = None, *, editing: bool = False,
                 parent: QWidget | None = None):
        super().__init__(TOOL, values or {}, title="Edit tool" if editing else "Add tool", parent=parent)

    def draft(self) -> ToolDraft:
        return ToolDraft(**self.values())
