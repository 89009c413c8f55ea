"""What a feature plugs into the plan as a whole, declared once per feature.

Each feature package exposes one ``FEATURE`` (in ``models/<feature>/feature.py``);
the one list of them lives in ``desktop/features.py``. Code in ``models`` that
loops over features (dump/load, summary, demo, the Overview checklist, the
status pack) receives that list as an argument and never imports it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:
    from models.core.transfer import Section
    from models.core.pack import SheetSpec
    from models.core.workspace import Workspace


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    hint: str = ""


#: (ws, plan, as_of) -> JSON-ready value, or None to leave the key out of ``summary --json``
SummaryPart = Callable[["Workspace", Any, date], Any]
#: (ws, plan_id) -> items added to the Overview checklist
OverviewCheck = Callable[["Workspace", int], list[ChecklistItem]]
#: (ws, plan_id, plan start) -> None: adds the feature's part of the demo plan
DemoPart = Callable[["Workspace", int, date], None]


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    #: its top-level key in the plan document (``plan dump``/``load``)
    section: Section | None = None
    #: keys it adds to ``ninety summary --json``, in order
    summary_parts: tuple[tuple[str, SummaryPart], ...] = ()
    #: where those keys stand among the features' (lowest first): the JSON keeps the order
    #: scripts have seen since the first release, whatever order the features load in
    summary_rank: int = 0
    overview_checks: tuple[OverviewCheck, ...] = ()
    demo: DemoPart | None = None
    #: its sheets in the status pack
    sheets: tuple[SheetSpec, ...] = ()


def sections_of(features: Sequence[Feature]) -> tuple[Section, ...]:
    return tuple(f.section for f in features if f.section is not None)
