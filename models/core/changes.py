"""What an edit changed, so only the pages that show it redraw."""
from __future__ import annotations

from dataclasses import dataclass

#: every feature's data may have changed (a plan created, deleted, reloaded or re-dated)
EVERYTHING = "*"


@dataclass(frozen=True)
class Change:
    #: keys of the features whose data changed ("plan", "audit", "squad", …) or EVERYTHING
    features: frozenset[str]
    #: the plan it happened in; None when it is not about one plan
    plan_id: int | None = None
    #: the list of plans (names, how many) changed
    plans: bool = False

    @classmethod
    def of(cls, *features: str, plan_id: int | None = None, plans: bool = False) -> Change:
        return cls(frozenset(features), plan_id, plans)

    def concerns(self, keys: frozenset[str] | set[str]) -> bool:
        return EVERYTHING in self.features or bool(self.features & keys)
