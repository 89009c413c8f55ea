"""The ownership map (RACI) of a plan: one function per user action.

Capabilities (rows, each in the front, middle or back of house) and departments
(columns) belong to a plan; a cell holds one letter R, A, C or I, or is blank
(no row in ``ownership_assignments``). The checks themselves live in
``models.ownership.checks``; this module stores the map and feeds it to them.

Like ``models.plan.service``: every function takes an open ``Workspace``, runs in one
transaction, returns frozen dataclasses and refuses bad input with
``PlanError``. Functions that change data return what their undo needs.

Escalation (who a capability's problems go to) is stored as text:
``""`` (nobody yet), ``"revenue_architect"`` (the plan's Revenue Architect),
``"squad:<id>"`` (a squad of the plan) or a person's name.

Also here, declared in ``models.ownership.feature``: the ``"ownership"`` key of
``summary --json``, the ``"ownership"`` section of ``plan dump``/``load``, the
Overview check "Every capability has exactly one A" and the demo map. The
fields are declared in ``models.ownership.entities``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.ownership.checks import (
    DEFAULT_CAPABILITIES,
    DEFAULT_DEPARTMENTS,
    LAYERS,
    LETTERS,
    Capability,
    Finding,
    cell_findings,
    check_ownership,
    every_capability_has_one_a,
)
from models.core.fields import Entity
from models.core.transfer import Section
from models.core.versioning import saw_absent
from models.core.workspace import Workspace
from models.ownership.entities import CAPABILITY, DEPARTMENT, LAYER_NAMES, MAX_SYSTEMS, NAME_LIMIT
from models.ownership.schema import OwnershipAssignment, OwnershipCapability, OwnershipDepartment
from models.plan.schema import Plan
from models.plan.service import Edit, PlanError, assign, fetch
from models.squad.schema import Squad

LETTER_NAMES = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}
REVENUE_ARCHITECT = "revenue_architect"
SQUAD_PREFIX = "squad:"

CellKey = tuple[int, int]  # (capability id, department id)


# --------------------------------------------------------------------------- dataclasses

@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    plan_id: int
    name: str
    position: int


@dataclass(frozen=True)
class CapabilityInfo:
    id: int
    plan_id: int
    name: str
    layer: str
    systems: tuple[str, ...]
    escalation: str
    position: int


@dataclass(frozen=True)
class OwnershipMap:
    """A plan's whole map. Capabilities are ordered by layer (front, middle,
    back) then position; departments by position. ``cells`` holds only the
    non-blank cells."""

    plan_id: int
    departments: tuple[DepartmentInfo, ...]
    capabilities: tuple[CapabilityInfo, ...]
    cells: Mapping[CellKey, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.departments and not self.capabilities

    @property
    def filled_in(self) -> bool:
        """The leader has started filling the map in: at least one cell holds a letter. Until
        then the map reads "not filled in yet", not as a finding for every capability."""
        return bool(self.cells)

    def letter(self, capability_id: int, department_id: int) -> str:
        return self.cells.get((capability_id, department_id), "")

    def capability(self, capability_id: int) -> CapabilityInfo | None:
        return next((c for c in self.capabilities if c.id == capability_id), None)

    def department(self, department_id: int) -> DepartmentInfo | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def check_input(self) -> tuple[list[Capability], list[str], dict[tuple[str, str], str]]:
        """The map in the shape ``models.ownership.checks`` reads (names, not ids)."""
        caps = [Capability(c.name, c.layer, c.systems) for c in self.capabilities]
        depts = [d.name for d in self.departments]
        cap_names = {c.id: c.name for c in self.capabilities}
        dept_names = {d.id: d.name for d in self.departments}
        cells = {(cap_names[c], dept_names[d]): v for (c, d), v in self.cells.items()
                 if c in cap_names and d in dept_names}
        return caps, depts, cells

    def findings(self) -> list[Finding]:
        return check_ownership(*self.check_input())

    def severities(self) -> dict:
        """Worst severity per capability name and per (capability, department) name pair."""
        return cell_findings(*self.check_input())

    def every_capability_has_one_a(self) -> bool:
        return bool(self.capabilities) and every_capability_has_one_a(*self.check_input())


@dataclass(frozen=True)
class RemovedDepartment:
    department: DepartmentInfo
    #: (capability id, letter) of every non-blank cell in its column
    cells: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class RemovedCapability:
    capability: CapabilityInfo
    #: (department id, letter) of every non-blank cell in its row
    cells: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class EscalationChoice:
    value: str
    label: str


# --------------------------------------------------------------------------- conversions

def _systems(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").splitlines() if x.strip())


def _department_info(d: OwnershipDepartment) -> DepartmentInfo:
    return DepartmentInfo(d.id, d.plan_id, d.name, d.position)


def _capability_info(c: OwnershipCapability) -> CapabilityInfo:
    return CapabilityInfo(c.id, c.plan_id, c.name, c.layer, _systems(c.systems), c.escalation or "", c.position)


def _capability_order(c: CapabilityInfo | OwnershipCapability) -> tuple[int, int, int]:
    return (LAYERS.index(c.layer), c.position, c.id)


# --------------------------------------------------------------------------- validation

def _one_line(text: str, label: str) -> str:
    if "\n" in text or "\r" in text:
        raise PlanError(f"{label} must fit on one line")
    return text


def _clean_name(entity: Entity, value: Any) -> str:
    name = entity.field("name")
    return _one_line(name.clean(value), name.label)


def _clean_systems(value: Any) -> tuple[str, ...]:
    """Systems as a sequence of names, or as text with one per line or comma-separated."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace("\r", "\n").replace(",", "\n").split("\n")
    else:
        parts = [str(v) for v in value]
    out: list[str] = []
    for part in parts:
        name = part.strip()
        if not name:
            continue
        if len(name) > NAME_LIMIT:
            raise PlanError(f"a system name is longer than {NAME_LIMIT} characters")
        if name not in out:
            out.append(name)
    if len(out) > MAX_SYSTEMS:
        raise PlanError(f"a capability may name at most {MAX_SYSTEMS} systems")
    return tuple(out)


def _clean_letter(value: Any) -> str:
    text = "" if value is None else str(value).strip().upper()
    if text and text not in LETTERS:
        raise PlanError(f"a cell holds R, A, C, I or nothing, not {value!r}")
    return text


def _clean_escalation(s: Session, plan_id: int, value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if text in ("", REVENUE_ARCHITECT):
        return text
    if text.startswith(SQUAD_PREFIX):
        try:
            squad_id = int(text[len(SQUAD_PREFIX):])
        except ValueError:
            squad_id = None
        squad = s.get(Squad, squad_id) if squad_id is not None else None
        if squad is None or squad.plan_id != plan_id:
            raise PlanError("a capability can escalate only to a squad of the same plan")
        return f"{SQUAD_PREFIX}{squad_id}"
    return _one_line(CAPABILITY.field("escalation").clean(text), "escalation")


# --------------------------------------------------------------------------- departments and capabilities alike

def _new_department(d: DepartmentInfo) -> OwnershipDepartment:
    return OwnershipDepartment(id=d.id, plan_id=d.plan_id, name=d.name, position=d.position)


def _new_capability(c: Capability | CapabilityInfo, **ids: int) -> OwnershipCapability:
    return OwnershipCapability(name=c.name, layer=c.layer, systems="\n".join(c.systems),
                               escalation=getattr(c, "escalation", ""), **ids)


@dataclass(frozen=True)
class _Axis:
    """Departments (the columns) or capabilities (the rows): what their shared code needs."""

    entity: Entity
    table: type
    #: the assignment column pointing at this axis, the one pointing across, and the table across
    own: str
    across: str
    across_table: type
    order: Callable[[Any], Any]
    #: the frozen dataclass of a row, and a row (id included) from it
    info: Callable[[Any], Any]
    new: Callable[[Any], Any]
    #: rows move among those of the same group (a capability's layer); the message at its edge
    group: Callable[[Any], Any]
    edge: Callable[[Any], str]


DEPARTMENTS = _Axis(DEPARTMENT, OwnershipDepartment, "department_id", "capability_id", OwnershipCapability,
                    lambda d: (d.position, d.id), _department_info, _new_department,
                    lambda _d: None, lambda _group: "the department is already at the edge of the map")
CAPABILITIES = _Axis(CAPABILITY, OwnershipCapability, "capability_id", "department_id", OwnershipDepartment,
                     _capability_order, _capability_info,
                     lambda c: _new_capability(c, id=c.id, plan_id=c.plan_id, position=c.position),
                     lambda c: c.layer,
                     lambda layer: f"the capability is already at the edge of the {LAYER_NAMES[layer].lower()}")


def _get(s: Session, axis: _Axis, row_id: int) -> Any:
    return fetch(s, axis.table, row_id, axis.entity.name)


def _rows(s: Session, axis: _Axis, plan_id: int) -> list:
    return sorted(s.scalars(select(axis.table).where(axis.table.plan_id == plan_id)), key=axis.order)


def _check_name(s: Session, axis: _Axis, plan_id: int, name: str, own_id: int | None = None) -> None:
    found = s.scalar(select(axis.table.id).where(axis.table.plan_id == plan_id, axis.table.name == name))
    if found is not None and found != own_id:
        raise PlanError(f"a {axis.entity.name} named {name!r} is already in the map")


def _last_position(s: Session, axis: _Axis, plan_id: int) -> int:
    return max((r.position for r in _rows(s, axis, plan_id)), default=-1) + 1


def _add(ws: Workspace, axis: _Axis, plan_id: int, make: Callable[[Session], Any]) -> Any:
    """Add the row ``make(session)`` builds (named, not yet placed) as the last of its axis;
    return its info."""
    with ws.write() as s:
        fetch(s, Plan, plan_id, "plan")
        row = make(s)
        _check_name(s, axis, plan_id, row.name)
        row.plan_id = plan_id
        row.position = _last_position(s, axis, plan_id)
        s.add(row)
        s.flush()
        return axis.info(row)


def _remove(ws: Workspace, axis: _Axis, row_id: int) -> tuple[Any, tuple[tuple[int, str], ...]]:
    """Delete a row or column with its letters; return its info and (id across, letter) of each letter."""
    with ws.write() as s:
        row = _get(s, axis, row_id)
        mine = getattr(OwnershipAssignment, axis.own)
        cells = tuple(sorted((getattr(a, axis.across), a.letter)
                             for a in s.scalars(select(OwnershipAssignment).where(mine == row_id))))
        s.execute(delete(OwnershipAssignment).where(mine == row_id))
        s.delete(row)
        return axis.info(row), cells


def _restore(ws: Workspace, axis: _Axis, info: Any, cells: Iterable[tuple[int, str]]) -> None:
    """Put back a removed row (with its id) and those of its letters whose other end still exists."""
    with ws.write() as s:
        fetch(s, Plan, info.plan_id, "plan")
        _check_name(s, axis, info.plan_id, info.name)
        s.add(axis.new(info))
        s.flush()
        for other_id, letter in cells:
            if s.get(axis.across_table, other_id) is not None:
                s.add(OwnershipAssignment(**{axis.own: info.id, axis.across: other_id}, letter=letter))


def _set_positions(ws: Workspace, axis: _Axis, plan_id: int, positions: Mapping[int, int]) -> dict[int, int]:
    with ws.write() as s:
        fetch(s, Plan, plan_id, "plan")
        by_id = {r.id: r for r in _rows(s, axis, plan_id)}
        if not set(positions) <= set(by_id):
            raise PlanError(f"that {axis.entity.name} is not in this plan's ownership map")
        before = {i: by_id[i].position for i in positions}
        for row_id, position in positions.items():
            by_id[row_id].position = int(position)
        return before


def _move(ws: Workspace, axis: _Axis, row_id: int, offset: int) -> dict[int, int]:
    """Move a row or column by *offset* among those of its group; return the previous positions."""
    with ws.read() as s:
        moved = _get(s, axis, row_id)
        plan_id, group = moved.plan_id, axis.group(moved)
        rows = _rows(s, axis, plan_id)
    same = [r.id for r in rows if axis.group(r) == group]
    i = same.index(row_id)
    if not 0 <= i + offset < len(same):
        raise PlanError(axis.edge(group))
    same.insert(i + offset, same.pop(i))
    order = [r.id for r in rows if axis.group(r) != group] + same
    return _set_positions(ws, axis, plan_id, {x: n for n, x in enumerate(order)})


def _read_map(s: Session, plan_id: int) -> OwnershipMap:
    """The plan's map. In a workspace read, each letter's version is recorded as it loads and
    each blank cell is recorded as shown blank (``saw_absent``; nothing in a write): a letter
    someone puts in a cell after this read is not overwritten by ``set_cells``."""
    q = (select(OwnershipAssignment)
         .join(OwnershipCapability, OwnershipAssignment.capability_id == OwnershipCapability.id)
         .where(OwnershipCapability.plan_id == plan_id))
    departments = tuple(_department_info(d) for d in _rows(s, DEPARTMENTS, plan_id))
    capabilities = tuple(_capability_info(c) for c in _rows(s, CAPABILITIES, plan_id))
    cells = {(a.capability_id, a.department_id): a.letter for a in s.scalars(q)}
    for cap in capabilities:
        for dept in departments:
            if (cap.id, dept.id) not in cells:
                saw_absent(s, OwnershipAssignment, (cap.id, dept.id))
    return OwnershipMap(plan_id, departments, capabilities, cells)


# --------------------------------------------------------------------------- reading

def get_map(ws: Workspace, plan_id: int) -> OwnershipMap:
    with ws.read() as s:
        fetch(s, Plan, plan_id, "plan")
        return _read_map(s, plan_id)


def map_view(ws: Workspace, plan_id: int) -> tuple[OwnershipMap, list[EscalationChoice]]:
    """The map and who its capabilities can escalate to, in one read (what the page shows)."""
    with ws.read() as s:
        choices = _escalation_choices(s, plan_id)
        return _read_map(s, plan_id), choices


def get_capability(ws: Workspace, capability_id: int) -> CapabilityInfo:
    with ws.read() as s:
        return _capability_info(_get(s, CAPABILITIES, capability_id))


def has_map(ws: Workspace, plan_id: int) -> bool:
    return not get_map(ws, plan_id).is_empty


def escalation_choices(ws: Workspace, plan_id: int) -> list[EscalationChoice]:
    """Who a capability can escalate to: nobody, the plan's Revenue Architect,
    each squad of the plan. (Any person's name is accepted as well.)"""
    with ws.read() as s:
        return _escalation_choices(s, plan_id)


def _escalation_choices(s: Session, plan_id: int) -> list[EscalationChoice]:
    plan = fetch(s, Plan, plan_id, "plan")
    squads = s.scalars(select(Squad).where(Squad.plan_id == plan_id).order_by(Squad.id))
    return ([EscalationChoice("", "(nobody yet)"),
             EscalationChoice(REVENUE_ARCHITECT, _architect_label(plan.revenue_architect))]
            + [EscalationChoice(f"{SQUAD_PREFIX}{q.id}", f"Squad: {q.name}") for q in squads])


def _architect_label(name: str) -> str:
    return f"Revenue Architect ({name})" if name.strip() else "Revenue Architect (not named yet)"


def escalation_label(value: str, choices: Sequence[EscalationChoice]) -> str:
    """How an escalation value reads: a role's label, a person's name, or '' for nobody."""
    for c in choices:
        if c.value == value:
            return "" if not value else c.label
    if value.startswith(SQUAD_PREFIX):
        return "(a squad that was removed)"
    return value


# --------------------------------------------------------------------------- the whole map

def create_default_map(ws: Workspace, plan_id: int) -> OwnershipMap:
    """Start the plan's map from the default capabilities and departments, all cells blank."""
    with ws.write() as s:
        _refuse_a_second_map(s, plan_id)
        for i, name in enumerate(DEFAULT_DEPARTMENTS):
            s.add(OwnershipDepartment(plan_id=plan_id, name=name, position=i))
        for i, cap in enumerate(DEFAULT_CAPABILITIES):
            s.add(_new_capability(cap, plan_id=plan_id, position=i))
        s.flush()
        return _read_map(s, plan_id)


def _refuse_a_second_map(s: Session, plan_id: int) -> None:
    fetch(s, Plan, plan_id, "plan")
    if _rows(s, DEPARTMENTS, plan_id) or _rows(s, CAPABILITIES, plan_id):
        raise PlanError("this plan already has an ownership map")


def clear_map(ws: Workspace, plan_id: int) -> OwnershipMap:
    """Remove the whole map; return it (with ids) so ``restore_map`` can put it back."""
    with ws.write() as s:
        fetch(s, Plan, plan_id, "plan")
        before = _read_map(s, plan_id)
        # assignments go with their capabilities (ON DELETE CASCADE)
        s.execute(delete(OwnershipCapability).where(OwnershipCapability.plan_id == plan_id))
        s.execute(delete(OwnershipDepartment).where(OwnershipDepartment.plan_id == plan_id))
        return before


def restore_map(ws: Workspace, snapshot: OwnershipMap) -> None:
    """Put back a map returned by ``clear_map`` or ``create_default_map``, ids included."""
    with ws.write() as s:
        _refuse_a_second_map(s, snapshot.plan_id)
        s.add_all([DEPARTMENTS.new(d) for d in snapshot.departments]
                  + [CAPABILITIES.new(c) for c in snapshot.capabilities])
        s.flush()
        for (cap_id, dept_id), letter in snapshot.cells.items():
            s.add(OwnershipAssignment(capability_id=cap_id, department_id=dept_id, letter=letter))


# --------------------------------------------------------------------------- departments

def add_department(ws: Workspace, plan_id: int, name: str) -> DepartmentInfo:
    """Add a department as the last column."""
    name = _clean_name(DEPARTMENT, name)
    return _add(ws, DEPARTMENTS, plan_id, lambda _s: OwnershipDepartment(name=name))


def rename_department(ws: Workspace, department_id: int, name: str) -> str:
    """Rename; return the previous name."""
    name = _clean_name(DEPARTMENT, name)
    with ws.write() as s:
        d = _get(s, DEPARTMENTS, department_id)
        _check_name(s, DEPARTMENTS, d.plan_id, name, d.id)
        before, d.name = d.name, name
        return before


def remove_department(ws: Workspace, department_id: int) -> RemovedDepartment:
    """Remove a department and its column of letters."""
    return RemovedDepartment(*_remove(ws, DEPARTMENTS, department_id))


def restore_department(ws: Workspace, removed: RemovedDepartment) -> None:
    _restore(ws, DEPARTMENTS, removed.department, removed.cells)


def set_department_positions(ws: Workspace, plan_id: int, positions: Mapping[int, int]) -> dict[int, int]:
    """Give departments of the plan these positions (id -> position); return
    the previous position of each one given."""
    return _set_positions(ws, DEPARTMENTS, plan_id, positions)


def move_department(ws: Workspace, department_id: int, offset: int) -> dict[int, int]:
    """Move a column left (offset < 0) or right; return the previous positions."""
    return _move(ws, DEPARTMENTS, department_id, offset)


# --------------------------------------------------------------------------- capabilities

def add_capability(ws: Workspace, plan_id: int, name: str, layer: str,
                   systems: Any = (), escalation: str = "") -> CapabilityInfo:
    """Add a capability as the last row of its layer."""
    name = _clean_name(CAPABILITY, name)
    layer = CAPABILITY.field("layer").clean(layer)
    systems = _clean_systems(systems)
    return _add(ws, CAPABILITIES, plan_id, lambda s: OwnershipCapability(
        name=name, layer=layer, systems="\n".join(systems), escalation=_clean_escalation(s, plan_id, escalation)))


CAPABILITY_FIELDS = CAPABILITY.keys + ("position",)


def edit_capability(ws: Workspace, capability_id: int, changes: Mapping[str, Any]) -> Edit:
    """Change name, layer, systems and/or escalation; return the previous and the new
    value of every field that changed. A capability moved to another layer goes to
    the end of it (its position changes too)."""
    with ws.write() as s:
        c = _get(s, CAPABILITIES, capability_id)
        for key in changes:
            if key not in CAPABILITY_FIELDS:
                raise PlanError(f"unknown capability field {key!r}")
        cleaned: dict[str, Any] = {}
        if "name" in changes:
            cleaned["name"] = _clean_name(CAPABILITY, changes["name"])
            _check_name(s, CAPABILITIES, c.plan_id, cleaned["name"], c.id)
        if "layer" in changes:
            cleaned["layer"] = CAPABILITY.field("layer").clean(changes["layer"])
            if cleaned["layer"] != c.layer and "position" not in changes:
                cleaned["position"] = _last_position(s, CAPABILITIES, c.plan_id)
        if "systems" in changes:
            cleaned["systems"] = "\n".join(_clean_systems(changes["systems"]))
        if "escalation" in changes:
            cleaned["escalation"] = _clean_escalation(s, c.plan_id, changes["escalation"])
        if "position" in changes:
            cleaned["position"] = int(changes["position"])
        edit = assign(c, cleaned)
        # systems are stored one per line and handed out as a tuple
        return Edit(*({k: _systems(v) if k == "systems" else v for k, v in values.items()}
                      for values in (edit.before, edit.after)))


def update_capability(ws: Workspace, capability_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``edit_capability``, returning only the previous values."""
    return edit_capability(ws, capability_id, changes).before


def set_escalation(ws: Workspace, capability_id: int, escalation: str) -> str:
    """Point a capability at its escalation; return the previous value."""
    before = update_capability(ws, capability_id, {"escalation": escalation})
    return before.get("escalation", escalation.strip())


def remove_capability(ws: Workspace, capability_id: int) -> RemovedCapability:
    """Remove a capability and its row of letters."""
    return RemovedCapability(*_remove(ws, CAPABILITIES, capability_id))


def restore_capability(ws: Workspace, removed: RemovedCapability) -> None:
    _restore(ws, CAPABILITIES, removed.capability, removed.cells)


def set_capability_positions(ws: Workspace, plan_id: int, positions: Mapping[int, int]) -> dict[int, int]:
    """Give capabilities of the plan these positions (id -> position; layers
    still group them); return the previous position of each one given."""
    return _set_positions(ws, CAPABILITIES, plan_id, positions)


def move_capability(ws: Workspace, capability_id: int, offset: int) -> dict[int, int]:
    """Move a row up (offset < 0) or down within its layer; return the previous positions."""
    return _move(ws, CAPABILITIES, capability_id, offset)


# --------------------------------------------------------------------------- cells

def set_cells(ws: Workspace, plan_id: int, letters: Mapping[CellKey, str | None]) -> dict[CellKey, str]:
    """Set each ``(capability id, department id)`` cell to R, A, C, I or blank
    ('' or None); return the previous letter of every cell that changed."""
    cleaned = {key: _clean_letter(value) for key, value in letters.items()}
    with ws.write() as s:
        fetch(s, Plan, plan_id, "plan")
        before: dict[CellKey, str] = {}
        for (cap_id, dept_id), value in cleaned.items():
            cap = s.get(OwnershipCapability, cap_id)
            dept = s.get(OwnershipDepartment, dept_id)
            if cap is None or dept is None or cap.plan_id != plan_id or dept.plan_id != plan_id:
                raise PlanError("that cell is not in this plan's ownership map")
            row = s.get(OwnershipAssignment, (cap_id, dept_id))
            old = row.letter if row is not None else ""
            if old == value:
                continue
            before[(cap_id, dept_id)] = old
            if not value:
                s.delete(row)
            elif row is None:
                s.add(OwnershipAssignment(capability_id=cap_id, department_id=dept_id, letter=value))
            else:
                row.letter = value
        return before


def set_cell(ws: Workspace, plan_id: int, capability_id: int, department_id: int, letter: str | None) -> str:
    """Set one cell; return its previous letter ('' when it was blank)."""
    before = set_cells(ws, plan_id, {(capability_id, department_id): letter})
    return before.get((capability_id, department_id), _clean_letter(letter))


# --------------------------------------------------------------------------- summary, checklist

def summary_part(ws: Workspace, plan, as_of: date) -> dict[str, Any]:
    """``"ownership"`` in ``summary --json``."""
    m = get_map(ws, plan.id)
    return {
        "capabilities": len(m.capabilities),
        "departments": len(m.departments),
        "every_capability_has_one_a": m.every_capability_has_one_a(),
        "filled_in": m.filled_in,
        "findings": [
            {"capability": f.capability, "department": f.department, "rule": f.rule,
             "severity": f.severity, "problem": f.problem, "advice": f.advice}
            for f in m.findings()
        ],
    }


ONE_A_LABEL = "Every capability has exactly one A"


def overview_check(ws: Workspace, plan_id: int) -> list:
    from models.core.feature import ChecklistItem

    m = get_map(ws, plan_id)
    if not m.capabilities:
        return [ChecklistItem(ONE_A_LABEL, False,
                              "Start the map on the Ownership page; give each capability one A.")]
    if not m.filled_in:
        return [ChecklistItem(ONE_A_LABEL, False, "The ownership map is not filled in yet: give each "
                                                  "capability one A on the Ownership page.")]
    caps, depts, cells = m.check_input()
    wrong = sum(1 for c in caps if sum(1 for d in depts if cells.get((c.name, d)) == "A") != 1)
    # The checklist shows hints as rich text: counts only, never names the user typed.
    hint = f"{wrong} of {len(caps)} capabilities lack a single A (see the Ownership page)."
    return [ChecklistItem(ONE_A_LABEL, wrong == 0, hint if wrong else "")]


# --------------------------------------------------------------------------- dump / load

SECTION_KEY = "ownership"
_DEPT_KEYS = ("name",)
_CAP_KEYS = ("name", "layer", "systems", "escalation", "cells")
_ESCALATION_KEYS = ("role", "squad", "person")


def _dump_escalation(s: Session, plan_id: int, value: str, keep_ids: bool) -> dict | None:
    if not value:
        return None
    if value == REVENUE_ARCHITECT:
        return {"role": REVENUE_ARCHITECT}
    if value.startswith(SQUAD_PREFIX):
        if keep_ids:  # undo snapshots: the squad section restores squads with their ids
            return {"squad": value[len(SQUAD_PREFIX):]}
        try:
            squad = s.get(Squad, int(value[len(SQUAD_PREFIX):]))
        except ValueError:
            squad = None
        if squad is None or squad.plan_id != plan_id:
            return None  # the squad is gone: nobody to escalate to
        return {"squad": squad.name}
    return {"person": value}


def dump_section(s: Session, plan_id: int, keep_ids: bool) -> dict | None:
    """The plan's map for ``plan dump``, or None when it has none.

    ``{"departments": [{"name"}], "capabilities": [{"name", "layer", "systems": [..],
    "escalation": null | {"role": "revenue_architect"} | {"squad": name} | {"person": name},
    "cells": {department name: letter}}]}``, rows and columns in display order.
    """
    m = _read_map(s, plan_id)
    if m.is_empty:
        return None
    names = {d.id: d.name for d in m.departments}
    departments = []
    for d in m.departments:
        row: dict[str, Any] = {"name": d.name}
        if keep_ids:
            row.update(id=d.id, position=d.position)
        departments.append(row)
    capabilities = []
    for c in m.capabilities:
        row = {
            "name": c.name, "layer": c.layer, "systems": list(c.systems),
            "escalation": _dump_escalation(s, plan_id, c.escalation, keep_ids),
            "cells": {names[d.id]: m.cells[(c.id, d.id)] for d in m.departments if (c.id, d.id) in m.cells},
        }
        if keep_ids:
            row.update(id=c.id, position=c.position)
        capabilities.append(row)
    return {"departments": departments, "capabilities": capabilities}


def load_section(s: Session, plan_id: int, value: Any, reader, keep_ids: bool) -> None:
    """Store the ``"ownership"`` part of a document, inside the load's transaction."""
    r = reader
    where = SECTION_KEY
    extra = ("id", "position") if keep_ids else ()
    r.obj(value, where, ("departments", "capabilities"), ("departments", "capabilities"))
    if not isinstance(value["departments"], list):
        raise r.fail(f"{where}.departments", "must be a list")
    if not isinstance(value["capabilities"], list):
        raise r.fail(f"{where}.capabilities", "must be a list")

    depts: list[OwnershipDepartment] = []
    by_name: dict[str, OwnershipDepartment] = {}
    for i, d in enumerate(value["departments"]):
        w = f"{where}.departments[{i}]"
        r.obj(d, w, _DEPT_KEYS + extra, ("name",))
        name = _loaded_name(r, d, w)
        if name in by_name:
            raise r.fail(f"{w}.name", f"department {name!r} appears twice")
        row = OwnershipDepartment(plan_id=plan_id, name=name, position=i)
        if keep_ids:
            row.id, row.position = r.integer(d, "id", w), r.integer(d, "position", w)
        depts.append(row)
        by_name[name] = row

    caps: list[tuple[OwnershipCapability, dict[str, str]]] = []
    seen: set[str] = set()
    for i, c in enumerate(value["capabilities"]):
        w = f"{where}.capabilities[{i}]"
        r.obj(c, w, _CAP_KEYS + extra, ("name", "layer"))
        name = _loaded_name(r, c, w)
        if name in seen:
            raise r.fail(f"{w}.name", f"capability {name!r} appears twice")
        seen.add(name)
        layer = r.choice(c, "layer", w, LAYERS)
        systems = c.get("systems", [])
        if not isinstance(systems, list) or not all(isinstance(x, str) for x in systems):
            raise r.fail(f"{w}.systems", "must be a list of text")
        try:
            systems = _clean_systems(systems)
        except PlanError as exc:
            raise r.fail(f"{w}.systems", str(exc)) from None
        escalation = _load_escalation(s, plan_id, c.get("escalation"), r, f"{w}.escalation", keep_ids)
        cells = c.get("cells", {})
        if not isinstance(cells, dict):
            raise r.fail(f"{w}.cells", "must be an object of department name: letter")
        letters: dict[str, str] = {}
        for dept_name, letter in cells.items():
            if dept_name not in by_name:
                raise r.fail(f"{w}.cells", f"{dept_name!r} is not one of the departments")
            if not isinstance(letter, str) or letter.strip().upper() not in LETTERS:
                raise r.fail(f"{w}.cells.{dept_name}", f"{letter!r} is not one of R, A, C, I")
            letters[dept_name] = letter.strip().upper()
        row = OwnershipCapability(plan_id=plan_id, name=name, layer=layer, systems="\n".join(systems),
                                  escalation=escalation, position=i)
        if keep_ids:
            row.id, row.position = r.integer(c, "id", w), r.integer(c, "position", w)
        caps.append((row, letters))

    s.add_all(depts)
    s.add_all(row for row, _ in caps)
    s.flush()
    for row, letters in caps:
        for dept_name, letter in letters.items():
            s.add(OwnershipAssignment(capability_id=row.id, department_id=by_name[dept_name].id, letter=letter))
    s.flush()


def _loaded_name(r, d: dict, where: str) -> str:
    name = r.text(d, "name", where, required=True).strip()
    if len(name) > NAME_LIMIT:
        raise r.fail(f"{where}.name", f"is longer than {NAME_LIMIT} characters")
    if "\n" in name or "\r" in name:
        raise r.fail(f"{where}.name", "must fit on one line")
    return name


def _load_escalation(s: Session, plan_id: int, value: Any, r, where: str, keep_ids: bool) -> str:
    if value is None:
        return ""
    if not isinstance(value, dict) or len(value) != 1:
        raise r.fail(where, 'must be null or one of {"role": "revenue_architect"}, {"squad": name}, '
                            '{"person": name}')
    r.obj(value, where, _ESCALATION_KEYS, ())
    (kind, text), = value.items()
    if not isinstance(text, str) or not text.strip():
        raise r.fail(f"{where}.{kind}", "must be non-empty text")
    text = text.strip()
    if kind == "role":
        if text != REVENUE_ARCHITECT:
            raise r.fail(f"{where}.role", f"{text!r} is not a role (only {REVENUE_ARCHITECT!r})")
        return REVENUE_ARCHITECT
    if kind == "squad":
        if keep_ids:
            return f"{SQUAD_PREFIX}{text}"
        # Squads are loaded by their own section, which comes before this one.
        squad_id = s.scalar(select(Squad.id).where(Squad.plan_id == plan_id, Squad.name == text)
                            .order_by(Squad.id))
        if squad_id is None:
            raise r.fail(f"{where}.squad", f"no squad named {text!r} in the plan")
        return f"{SQUAD_PREFIX}{squad_id}"
    if len(text) > NAME_LIMIT or "\n" in text or text.startswith(SQUAD_PREFIX):
        raise r.fail(f"{where}.person", "must be a person's name on one line")
    return text


SECTION = Section(SECTION_KEY, dump_section, load_section)


# --------------------------------------------------------------------------- demo

#: The demo map: clean at the front, a realistic mess in the middle of house,
#: one bottleneck by design at the back (Finance holds two of its three A's).
DEMO_CELLS: dict[str, dict[str, str]] = {
    "Storefront and content": {"eCommerce": "A", "IT": "R", "Marketing": "C", "Customer Service": "I"},
    "Promotions and pricing": {"Finance": "A", "Marketing": "R", "eCommerce": "C", "Store Operations": "I"},
    "Search and merchandising": {"Marketing": "A", "eCommerce": "R", "IT": "C"},
    # two departments think they own the availability promise
    "Inventory availability": {"eCommerce": "A", "Supply Chain": "A", "IT": "R",
                               "Store Operations": "C", "Customer Service": "I"},
    # everybody and nobody: three teams do the work, Finance signs off
    "Order orchestration": {"eCommerce": "R", "IT": "R", "Supply Chain": "R", "Finance": "A",
                            "Customer Service": "C"},
    "Fulfilment and delivery promise": {"Supply Chain": "A", "Store Operations": "R", "eCommerce": "C",
                                        "Customer Service": "I"},
    # stores and the contact centre do the work; nobody owns the outcome
    "Returns": {"Store Operations": "R", "Customer Service": "R", "Finance": "C", "eCommerce": "I"},
    "Customer service": {"Customer Service": "A", "Store Operations": "R", "eCommerce": "C", "Marketing": "I"},
    "Financials and ERP": {"Finance": "A", "IT": "R", "Supply Chain": "C"},
    "Inventory ownership": {"Finance": "A", "Supply Chain": "R", "Store Operations": "C", "eCommerce": "I"},
    "Supplier management": {"Supply Chain": "A", "Finance": "R", "IT": "C"},
}
DEMO_ESCALATIONS = {
    "Inventory availability": REVENUE_ARCHITECT,
    "Order orchestration": REVENUE_ARCHITECT,
    "Fulfilment and delivery promise": "Priya Shah",
}


def demo_part(ws: Workspace, plan_id: int, start: date) -> None:
    m = create_default_map(ws, plan_id)
    caps = {c.name: c.id for c in m.capabilities}
    depts = {d.name: d.id for d in m.departments}
    set_cells(ws, plan_id, {(caps[c], depts[d]): v for c, row in DEMO_CELLS.items() for d, v in row.items()})
    for name, value in DEMO_ESCALATIONS.items():
        set_escalation(ws, caps[name], value)
