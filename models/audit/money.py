"""The silo tax in money (plain Python).

The plan may set a cost of delay: a currency, an amount per week, and
optionally other amounts for some item types of the log (the ``type``
column).  An item's type is the last non-empty type among its rows in log
order; types match ignoring case and surrounding blanks; an item whose type
has no amount of its own (or has no type, such as a hand-tracked stall) costs
the plan's amount.

    silo tax in money = Σ over items of (the item's silo-tax days × its cost of delay per week ÷ 7)

with each item's silo-tax days as the audit counts them (queue days on
handoffs between two different departments, Intake excluded), so the days of
all items add up to the Audit page's silo tax.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from models.audit.analysis import Stage, Transition, analyse


def type_key(item_type: str | None) -> str:
    return " ".join((item_type or "").split()).casefold()


@dataclass(frozen=True)
class CostOfDelay:
    currency: str
    #: the cost of one item waiting one week
    per_week: float
    #: (item type, cost per week) for types that cost something else, sorted by type
    per_type: tuple[tuple[str, float], ...] = ()

    def for_type(self, item_type: str | None) -> float:
        key = type_key(item_type)
        for name, amount in self.per_type:
            if type_key(name) == key:
                return amount
        return self.per_week

    def to_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "per_week": self.per_week,
                "per_type": [{"type": t, "per_week": a} for t, a in self.per_type]}


@dataclass(frozen=True)
class TypeMoney:
    """One item type's part (``item_type`` None: every item that costs the plan's amount)."""

    item_type: str | None
    per_week: float
    silo_tax_days: float
    amount: float


@dataclass(frozen=True)
class SiloMoney:
    currency: str
    amount: float
    silo_tax_days: float
    #: by item type: the types with an amount of their own first (as in the cost), then the rest
    by_type: tuple[TypeMoney, ...]

    def to_json(self) -> dict[str, Any]:
        """``"audit".silo_tax.money`` of ``ninety summary --json``."""
        return {
            "currency": self.currency,
            "amount": round(self.amount, 2),
            "by_type": [{"type": t.item_type, "per_week": t.per_week, "days": round(t.silo_tax_days, 4),
                         "amount": round(t.amount, 2)} for t in self.by_type],
        }


def silo_tax_money(transitions: Iterable[Transition], stages: Mapping[str, Stage], cost: CostOfDelay,
                   as_of: datetime | None = None) -> SiloMoney:
    """The silo tax of a log in the cost's currency, as of ``as_of`` (default:
    the log's latest timestamp), by item type."""
    rows = list(transitions)
    if as_of is None and rows:
        as_of = max(t.at for t in rows)
    item_type: dict[str, str] = {}
    for t in rows:
        if t.type and t.type.strip():
            item_type[t.item] = t.type
    own = {type_key(name): name for name, _ in cost.per_type}
    groups: dict[str | None, list[Transition]] = {name: [] for _, name in own.items()}
    groups[None] = []
    for t in rows:
        groups[own.get(type_key(item_type.get(t.item)))].append(t)
    parts = []
    for name, group in groups.items():
        days = analyse(group, stages, as_of).silo_tax_days if group else 0.0
        per_week = cost.per_week if name is None else cost.for_type(name)
        parts.append(TypeMoney(name, per_week, days, days * per_week / 7))
    return SiloMoney(cost.currency, sum(p.amount for p in parts), sum(p.silo_tax_days for p in parts),
                     tuple(parts))
