"""What every status-pack sheet builder gets (``PackContext``) and how a feature declares a sheet."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable


@dataclass
class PackContext:
    """What every sheet builder gets."""

    ws: Any  # a Workspace
    plan: Any  # a PlanInfo
    as_of: date
    label: str
    summary: dict[str, Any]
    header: str
    #: filled by sheet builders that provide chart data for the Summary sheet
    refs: dict[str, Any] = field(default_factory=dict)
    check: Callable[[], None] = lambda: None

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, run once per export: sheet builders and their ``present`` tests share it."""
        if key not in self.refs:
            self.refs[key] = compute()
        return self.refs[key]


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    present: Callable[[PackContext], bool]
    build: Callable[[Any, PackContext], None]
    #: position in the pack, lowest first (Summary 0, Roadmap 10, … Audit log 90)
    order: int = 50
