"""The pages behind the sidebar, in order. Each factory takes
``(doc, today, tasks)`` and returns the page widget; a page listens to
``doc.changed`` itself."""
from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import QWidget

from views.common.document import WorkspaceDocument

PageFactory = Callable[[WorkspaceDocument, Callable[[], date], object], QWidget]

PAGES = (
    ("overview", "Overview"),
    ("audit", "1  Audit"),
    ("squad", "2  Squad"),
    ("lowcode", "3  Low-code"),
    ("ownership", "Ownership"),
    ("export", "Export"),
)


def _coming(key: str) -> PageFactory:
    def make(doc, today, _tasks):
        from views.step_pages import ComingPage

        return ComingPage(doc, key, today=today)

    return make


def _export_page(doc, today, tasks):
    from views.export.page import ExportPage

    return ExportPage(doc, today=today, tasks=tasks)


def _squad_page(doc, today, tasks):
    from views.squad.page import SquadPage

    return SquadPage(doc, today, tasks)


def page_factories() -> dict[str, PageFactory]:
    factories: dict[str, PageFactory] = {key: _coming(key) for key, _label in PAGES[1:]}
    # --- feature pages replace their placeholder (one line each) ---
    from views.audit.page import AuditPage
    factories["audit"] = AuditPage
    factories["squad"] = _squad_page
    from views.ownership.page import OwnershipPage
    factories["ownership"] = OwnershipPage
    factories["export"] = _export_page
    from views.lowcode.page import LowcodePage
    factories["lowcode"] = LowcodePage
    return factories
