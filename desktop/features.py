"""The one list of features: their model side (document, summary, demo, checklist,
sheets) and their page. Everything that loops over features gets this list."""
from __future__ import annotations

from importlib import import_module
from typing import Callable, NamedTuple

from models.audit.feature import FEATURE as AUDIT
from models.core.feature import Feature
from models.lowcode.feature import FEATURE as LOWCODE
from models.ownership.feature import FEATURE as OWNERSHIP
from models.plan.feature import FEATURE as PLAN
from models.squad.feature import FEATURE as SQUAD

#: In document order: the ownership map comes after the squad, since an escalation may name one.
FEATURES: tuple[Feature, ...] = (PLAN, AUDIT, SQUAD, OWNERSHIP, LOWCODE)


class PageEntry(NamedTuple):
    key: str
    label: str
    #: "module:Class"; imported only when the window is built, so commands without a window stay Qt-free
    widget: str

    def factory(self) -> Callable:
        module, name = self.widget.split(":")
        return getattr(import_module(module), name)


PAGES: tuple[PageEntry, ...] = (
    PageEntry("overview", "Overview", "views.plan.page:OverviewPage"),
    PageEntry("audit", "1  Audit", "views.audit.page:AuditPage"),
    PageEntry("squad", "2  Squad", "views.squad.page:SquadPage"),
    PageEntry("lowcode", "3  Low-code", "views.lowcode.page:LowcodePage"),
    PageEntry("ownership", "Ownership", "views.ownership.page:OwnershipPage"),
    PageEntry("export", "Export", "views.export.page:ExportPage"),
)
