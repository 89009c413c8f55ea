"""The one list of features: their model side (document, summary, demo, checklist,
sheets) and their page. Everything that loops over features gets this list.

Both lists are cheap to import: ``PAGES`` names each page's widget as a string,
and ``FEATURES`` imports the model packages (SQLAlchemy and all) the first time
it is read, so the window's frame can be on screen before any of that is loaded.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Callable, NamedTuple

if TYPE_CHECKING:
    from models.core.feature import Feature

    FEATURES: tuple[Feature, ...]

#: In document order: the ownership map comes after the squad, since an escalation may name one.
FEATURE_MODULES: tuple[str, ...] = (
    "models.plan.feature",
    "models.audit.feature",
    "models.squad.feature",
    "models.ownership.feature",
    "models.lowcode.feature",
)


def __getattr__(name: str):
    # PEP 562: ``FEATURES`` is built on first use, then stored as a plain module attribute.
    if name == "FEATURES":
        features = tuple(import_module(module).FEATURE for module in FEATURE_MODULES)
        globals()["FEATURES"] = features
        return features
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PageEntry(NamedTuple):
    key: str
    label: str
    #: "module:Class"; imported only when the page is first shown, so commands without a
    #: window stay Qt-free and the window appears before any page is built
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
