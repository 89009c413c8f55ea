"""Checks on a RACI map for shared commerce functions (order management,
inventory availability, returns ...).

Pure Python, standard library only, no Qt.

The map
-------
Rows are :class:`Capability` objects (each in a ``"front"``, ``"middle"``
or ``"back"`` layer), columns are department names, and ``assignments``
maps ``(capability_name, department)`` to one letter: ``"R"``
(responsible: does the work), ``"A"`` (accountable: owns the outcome, one
per row), ``"C"`` (consulted) or ``"I"`` (informed). A missing key, ``None``
or an empty string is a blank cell. Letters are read case-insensitively and
stripped of blanks; anything else raises ``ValueError``. Assignments for a
capability or department that is not passed in are ignored (the grid shows
only the given rows and columns). Capability names and department names
must be unique.

Rules (in this order for each capability)
-----------------------------------------
``no_accountable``
    No department holds ``A``.
``multiple_accountable``
    More than one department holds ``A``.
``no_responsible``
    No department holds ``R``.
``diffuse``
    Three or more departments hold ``R``, and the accountable department
    is outside them. A cell holds one letter, so the department holding
    ``A`` can never also hold ``R`` in the same row: the rule therefore
    fires whenever three or more departments hold ``R`` (with or without
    an ``A``). Work split that widely means everybody and nobody owns it.
``accountability_bottleneck``
    A department is accountable for more than half the capabilities of a
    layer (``2 * count > capabilities in that layer``; exactly half is
    fine). Reported with ``capability=None`` and ``department`` set.

Wording
-------
Problems and advice name the capability as typed (never lower-cased) and each piece of
advice names its capability, so no two findings read the same; the general example (a
Commerce Operations team) is given once, with the first capability that has no A.

Order of findings
-----------------
Capabilities in the order given, and for each one the rules in the order
above; then bottlenecks by layer (front, middle, back) and, within a layer,
by department in the order given.

Severity (for colouring a grid)
-------------------------------
``no_accountable``, ``multiple_accountable`` and ``no_responsible`` are
``"error"``; ``diffuse`` and ``accountability_bottleneck`` are
``"warning"``. :func:`cell_findings` maps a capability name (the row) and
``(capability, department)`` tuples (cells) to the worst severity found:
a row gets the worst severity of its capability findings; the ``A`` cells
of a ``multiple_accountable`` row and the ``R`` cells of a ``diffuse`` row
are marked too; a bottleneck marks each ``A`` cell of that department in
that layer (the rows themselves are not marked by a bottleneck).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence, Union

__all__ = [
    "LAYERS",
    "LETTERS",
    "RULES",
    "SEVERITY",
    "Capability",
    "Finding",
    "DEFAULT_CAPABILITIES",
    "DEFAULT_DEPARTMENTS",
    "letter",
    "check_ownership",
    "every_capability_has_one_a",
    "cell_findings",
]

LAYERS: tuple[str, ...] = ("front", "middle", "back")
LETTERS: tuple[str, ...] = ("R", "A", "C", "I")
RULES: tuple[str, ...] = (
    "no_accountable",
    "multiple_accountable",
    "no_responsible",
    "diffuse",
    "accountability_bottleneck",
)
SEVERITY: dict[str, str] = {
    "no_accountable": "error",
    "multiple_accountable": "error",
    "no_responsible": "error",
    "diffuse": "warning",
    "accountability_bottleneck": "warning",
}
_RANK = {"warning": 1, "error": 2}

#: Said once, with the first capability that has no A (not repeated for every one).
NO_A_EXAMPLE = ("Where no department runs it end to end, consider a Commerce Operations team with "
                "a mandate over the channels.")

#: Number of departments holding R from which a capability counts as diffuse.
DIFFUSE_MIN_RESPONSIBLE = 3


@dataclass(frozen=True)
class Capability:
    name: str
    layer: str
    systems: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"layer must be one of {LAYERS}, got {self.layer!r}")


@dataclass(frozen=True)
class Finding:
    capability: str | None
    department: str | None
    rule: str
    problem: str
    advice: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.rule]


DEFAULT_CAPABILITIES: tuple[Capability, ...] = (
    Capability("Storefront and content", "front", ("Storefront platform", "CMS")),
    Capability("Promotions and pricing", "front", ("Pricing engine", "Promotion engine")),
    Capability("Search and merchandising", "front", ("Site search", "PIM")),
    Capability("Inventory availability", "middle", ("OMS", "Inventory service")),
    Capability("Order orchestration", "middle", ("OMS",)),
    Capability(
        "Fulfilment and delivery promise", "middle", ("OMS", "WMS", "Carrier platform")
    ),
    Capability("Returns", "middle", ("OMS", "Returns portal")),
    Capability("Customer service", "middle", ("CRM", "Helpdesk")),
    Capability("Financials and ERP", "back", ("ERP",)),
    Capability("Inventory ownership", "back", ("ERP", "WMS")),
    Capability("Supplier management", "back", ("ERP", "Supplier portal")),
)

DEFAULT_DEPARTMENTS: tuple[str, ...] = (
    "eCommerce",
    "Marketing",
    "IT",
    "Supply Chain",
    "Store Operations",
    "Customer Service",
    "Finance",
)

Assignments = Mapping[tuple[str, str], Union[str, None]]
CellKey = Union[str, tuple[str, str]]


def letter(value: str | None) -> str:
    """Normalise a cell value to ``"R"``, ``"A"``, ``"C"``, ``"I"`` or ``""``."""
    if value is None:
        return ""
    v = value.strip().upper()
    if v and v not in LETTERS:
        raise ValueError(f"RACI cell must be one of {LETTERS} or blank, got {value!r}")
    return v


def _validate(capabilities: Sequence[Capability], departments: Sequence[str]) -> None:
    names = [c.name for c in capabilities]
    if len(set(names)) != len(names):
        raise ValueError("capability names must be unique")
    if len(set(departments)) != len(departments):
        raise ValueError("department names must be unique")


def _holders(
    cap: Capability, departments: Sequence[str], assignments: Assignments
) -> dict[str, list[str]]:
    """Departments per letter for one capability, in department order."""
    out: dict[str, list[str]] = {x: [] for x in LETTERS}
    for dept in departments:
        v = letter(assignments.get((cap.name, dept)))
        if v:
            out[v].append(dept)
    return out


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _capability_findings(
    cap: Capability, held: dict[str, list[str]]
) -> list[Finding]:
    found: list[Finding] = []
    a, r = held["A"], held["R"]
    if not a:
        found.append(
            Finding(
                cap.name,
                None,
                "no_accountable",
                f"Nobody is accountable for {cap.name}.",
                f"Name one department accountable for {cap.name}.",
            )
        )
    elif len(a) > 1:
        found.append(
            Finding(
                cap.name,
                None,
                "multiple_accountable",
                f"{_join(a)} are all accountable for {cap.name}.",
                f"Keep one A for {cap.name}; the others become C or R.",
            )
        )
    if not r:
        found.append(
            Finding(
                cap.name,
                None,
                "no_responsible",
                f"No department does the work for {cap.name}.",
                f"Mark the department that does the work for {cap.name} as R.",
            )
        )
    if len(r) >= DIFFUSE_MIN_RESPONSIBLE:
        owner = f"while {_join(a)} holds the A" if len(a) == 1 else "with no single A"
        found.append(
            Finding(
                cap.name,
                None,
                "diffuse",
                f"{cap.name} is done by {len(r)} departments ({_join(r)}) {owner}: "
                "everybody and nobody owns it.",
                f"Give {cap.name} to one or two departments; the others become C or I.",
            )
        )
    return found


def _bottlenecks(
    capabilities: Sequence[Capability],
    departments: Sequence[str],
    held: dict[str, dict[str, list[str]]],
) -> list[tuple[str, Finding]]:
    """``(layer, finding)`` pairs for every accountability bottleneck."""
    found: list[tuple[str, Finding]] = []
    for layer in LAYERS:
        caps = [c for c in capabilities if c.layer == layer]
        if not caps:
            continue
        for dept in departments:
            count = sum(1 for c in caps if dept in held[c.name]["A"])
            if 2 * count > len(caps):
                finding = Finding(
                    None,
                    dept,
                    "accountability_bottleneck",
                    f"{dept} is accountable for {count} of the {len(caps)} "
                    f"{layer}-layer capabilities.",
                    "Hand some of these to the departments that run them day "
                    f"to day, or the {layer} layer waits on one department.",
                )
                found.append((layer, finding))
    return found


def check_ownership(
    capabilities: Sequence[Capability],
    departments: Sequence[str],
    assignments: Assignments,
) -> list[Finding]:
    """All findings for the map, in the stable order described above."""
    _validate(capabilities, departments)
    held = {c.name: _holders(c, departments, assignments) for c in capabilities}
    found: list[Finding] = []
    for cap in capabilities:
        found += _capability_findings(cap, held[cap.name])
    found += [f for _, f in _bottlenecks(capabilities, departments, held)]
    # the general advice is given once, with the first capability that has no A
    first = next((i for i, f in enumerate(found) if f.rule == "no_accountable"), None)
    if first is not None:
        f = found[first]
        found[first] = replace(f, advice=f.advice + " " + NO_A_EXAMPLE)
    return found


def every_capability_has_one_a(
    capabilities: Sequence[Capability],
    departments: Sequence[str],
    assignments: Assignments,
) -> bool:
    """True when every capability has exactly one accountable department."""
    _validate(capabilities, departments)
    return all(
        len(_holders(c, departments, assignments)["A"]) == 1 for c in capabilities
    )


def cell_findings(
    capabilities: Sequence[Capability],
    departments: Sequence[str],
    assignments: Assignments,
) -> dict[CellKey, str]:
    """Worst severity per row (capability name) and per cell
    ``(capability, department)``; keys without a finding are absent."""
    _validate(capabilities, departments)
    held = {c.name: _holders(c, departments, assignments) for c in capabilities}
    out: dict[CellKey, str] = {}

    def mark(key: CellKey, severity: str) -> None:
        if _RANK[severity] > _RANK.get(out.get(key, ""), 0):
            out[key] = severity

    for cap in capabilities:
        for f in _capability_findings(cap, held[cap.name]):
            mark(cap.name, f.severity)
            if f.rule == "multiple_accountable":
                for dept in held[cap.name]["A"]:
                    mark((cap.name, dept), f.severity)
            elif f.rule == "diffuse":
                for dept in held[cap.name]["R"]:
                    mark((cap.name, dept), f.severity)
    for layer, f in _bottlenecks(capabilities, departments, held):
        assert f.department is not None
        for c in capabilities:
            if c.layer == layer and f.department in held[c.name]["A"]:
                mark((c.name, f.department), f.severity)
    return out
