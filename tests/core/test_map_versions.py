"""No lost update on the two maps people fill in together, in a workspace file: the
ownership map's RACI cells (a blank cell is no row: the map's read records each blank
cell it showed) and the audit stage map (saved whole: a save is refused when any row of
the plan's map changed, was added or was deleted since this workspace read it). Two
``Workspace`` objects on one SQLite file stand for two app instances (without the app's
lock). No mocks of the database."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models.audit import store
from models.audit.analysis import Stage, Transition
from models.audit.schema import AuditImport, AuditStage
from models.core.versioning import UNKNOWN, StaleEdit
from models.core.workspace import open_workspace
from models.ownership import service as own
from models.ownership.schema import OwnershipAssignment
from models.plan.service import PlanDraft, create_plan
from tests.common.two_clients import told

MAP = [Stage("To do", "Marketing", "queue"), Stage("Design", "Design", "active"),
       Stage("Build", "IT", "active"), Stage("Done", "", "done")]


# --------------------------------------------------------------------------- the ownership map

@pytest.fixture
def grid(clients, plan_id):
    """The default map, made by a third client: neither a nor b has read it yet."""
    return own.create_default_map(clients[0], plan_id)


def _cell(grid, row: int = 0, column: int = 0) -> tuple[int, int]:
    return grid.capabilities[row].id, grid.departments[column].id


def test_the_map_read_records_each_blank_cell_and_each_letter(clients, plan_id, grid):
    a, b = clients
    filled, blank = _cell(grid, 0, 0), _cell(grid, 0, 1)
    own.set_cells(b, plan_id, {filled: "A"})
    key = ("ownership_assignments", blank)
    assert a.versions.expected(key) is UNKNOWN
    own.map_view(a, plan_id)
    assert a.versions.expected(key) is None
    assert a.versions.expected(("ownership_assignments", filled)) == 1
    blanks = len(grid.capabilities) * len(grid.departments) - 1
    assert sum(1 for k, v in a.versions.seen.items() if k[0] == "ownership_assignments" and v is None) == blanks


def test_a_letter_put_in_a_blank_cell_after_my_read_is_not_overwritten(clients, plan_id, grid):
    a, b = clients
    cell = _cell(grid)
    assert own.get_map(a, plan_id).letter(*cell) == ""  # a's page shows the cell blank
    own.set_cell(b, plan_id, *cell, "A")  # Sam fills it
    with pytest.raises(StaleEdit) as refused:
        own.set_cell(a, plan_id, *cell, "R")
    told(refused, "Sam Lee")
    assert own.get_map(b, plan_id).letter(*cell) == "A"
    with b.read() as s:
        assert s.get(OwnershipAssignment, cell).changed_by == "Sam Lee"
    assert own.get_map(a, plan_id).letter(*cell) == "A"  # a's page reloads: a's edit now lands
    assert own.set_cell(a, plan_id, *cell, "R") == "A"
    assert own.get_map(b, plan_id).letter(*cell) == "R"


def test_a_paste_over_several_cells_one_filled_since_writes_nothing(clients, plan_id, grid):
    a, b = clients
    first, second, third = _cell(grid, 0, 0), _cell(grid, 0, 1), _cell(grid, 1, 0)
    own.get_map(a, plan_id)
    own.set_cells(b, plan_id, {second: "C"})
    with pytest.raises(StaleEdit) as refused:
        own.set_cells(a, plan_id, {first: "A", second: "R", third: "I"})
    told(refused, "Sam Lee")
    assert dict(own.get_map(b, plan_id).cells) == {second: "C"}


def test_clearing_a_cell_i_saw_blank_keeps_the_letter_filled_since(clients, plan_id, grid):
    a, b = clients
    cell = _cell(grid)
    own.get_map(a, plan_id)
    own.set_cell(b, plan_id, *cell, "A")
    with pytest.raises(StaleEdit) as refused:
        own.set_cells(a, plan_id, {cell: ""})
    told(refused, "Sam Lee")
    assert own.get_map(b, plan_id).letter(*cell) == "A"


def test_a_cell_nobody_touched_since_my_read_lands(clients, plan_id, grid):
    a, b = clients
    mine, sams = _cell(grid, 0, 0), _cell(grid, 1, 1)
    own.get_map(a, plan_id)
    own.set_cell(b, plan_id, *sams, "A")  # another cell: no conflict
    assert own.set_cell(a, plan_id, *mine, "R") == ""
    assert dict(own.get_map(b, plan_id).cells) == {mine: "R", sams: "A"}


def test_undo_and_redo_of_a_letter_in_a_blank_cell(clients, plan_id, grid):
    a, b = clients
    cell = _cell(grid)
    own.get_map(a, plan_id)
    before = own.set_cell(a, plan_id, *cell, "R")
    assert before == ""
    with a.versions.undoing():
        assert own.set_cell(a, plan_id, *cell, before) == "R"
    assert own.get_map(b, plan_id).letter(*cell) == ""
    with a.versions.undoing():
        own.set_cell(a, plan_id, *cell, "R")  # redo
    assert own.get_map(b, plan_id).letter(*cell) == "R"


def test_undo_of_a_letter_someone_changed_since_is_refused(clients, plan_id, grid):
    a, b = clients
    cell = _cell(grid)
    own.get_map(a, plan_id)
    own.set_cell(a, plan_id, *cell, "R")
    own.get_map(b, plan_id)
    own.set_cell(b, plan_id, *cell, "A")
    own.get_map(a, plan_id)  # a's page shows Sam's letter...
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        own.set_cell(a, plan_id, *cell, "")  # ...but undo must not remove it
    told(refused, "Sam Lee")
    assert own.get_map(a, plan_id).letter(*cell) == "A"


def test_redo_over_a_letter_put_in_after_my_undo_is_refused(clients, plan_id, grid):
    a, b = clients
    cell = _cell(grid)
    own.get_map(a, plan_id)
    own.set_cell(a, plan_id, *cell, "R")
    with a.versions.undoing():
        own.set_cell(a, plan_id, *cell, "")
    own.get_map(b, plan_id)
    own.set_cell(b, plan_id, *cell, "A")
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        own.set_cell(a, plan_id, *cell, "R")
    told(refused, "Sam Lee")
    assert own.get_map(b, plan_id).letter(*cell) == "A"


# --------------------------------------------------------------------------- the audit stage map

def _rows(ws, plan_id: int) -> list[tuple]:
    with ws.read() as s:
        return list(s.execute(select(AuditStage.id, AuditStage.status, AuditStage.department, AuditStage.kind,
                                     AuditStage.position, AuditStage.version)
                              .where(AuditStage.plan_id == plan_id).order_by(AuditStage.position)))


def _with(stages, status: str, department: str) -> list[Stage]:
    return [Stage(st.status, department, st.kind) if st.status == status else st for st in stages]


@pytest.fixture
def mapped(clients, plan_id):
    """The plan's stage map as Sam saved it; neither client has read it since."""
    store.set_stage_map(clients[1], plan_id, MAP)
    return plan_id


def test_a_map_changed_since_my_read_is_not_overwritten(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(b, mapped)
    sams = _with(shown, "Build", "Platform")
    store.set_stage_map(b, mapped, sams)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, mapped, _with(shown, "Design", "Brand"))  # another row than Sam's
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(b, mapped).values()) == sams
    shown = list(store.get_stage_map(a, mapped).values())  # a's page reloads: a's edit now lands
    assert store.set_stage_map(a, mapped, _with(shown, "Design", "Brand")) == {st.status: st for st in sams}


def test_a_status_added_since_my_read_is_not_dropped(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(b, mapped)
    sams = shown[:3] + [Stage("Review", "Legal", "queue")] + shown[3:]
    store.set_stage_map(b, mapped, sams)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, mapped, _with(shown, "Design", "Brand"))
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(a, mapped).values()) == sams


def test_a_status_deleted_since_my_read_is_not_brought_back(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(b, mapped)
    sams = [st for st in shown if st.status != "Design"]
    store.set_stage_map(b, mapped, sams)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, mapped, _with(shown, "Build", "Platform"))
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(a, mapped).values()) == sams


def test_a_map_emptied_since_my_read_is_not_filled_again(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(b, mapped)
    store.set_stage_map(b, mapped, [])
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, mapped, _with(shown, "Build", "Platform"))
    assert refused.value.who == "someone"  # no row left to say who
    assert str(refused.value).endswith("; your edit was not applied")
    assert store.get_stage_map(b, mapped) == {}


def test_a_first_map_made_since_my_read_is_not_overwritten(clients, plan_id):
    a, b = clients
    assert store.get_stage_map(a, plan_id) == {}
    store.get_stage_map(b, plan_id)
    sams = [Stage("Queued", "Ops", "queue"), Stage("Closed", "", "done")]
    store.set_stage_map(b, plan_id, sams)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, plan_id, MAP)  # no status in common with Sam's
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(a, plan_id).values()) == sams


def test_saving_the_map_as_it_now_is_writes_nothing_and_is_not_refused(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(b, mapped)
    sams = _with(shown, "Build", "Platform")
    store.set_stage_map(b, mapped, sams)
    rows = _rows(b, mapped)
    assert store.set_stage_map(a, mapped, sams) == {st.status: st for st in sams}
    assert _rows(b, mapped) == rows


def test_a_change_to_another_plans_map_does_not_refuse_mine(clients, mapped):
    a, b = clients
    other = create_plan(b, PlanDraft(name="Other plan", start=date(2026, 1, 1), revenue_architect="Sam Lee"))
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(a, other)
    store.set_stage_map(b, other, MAP)
    store.set_stage_map(a, mapped, _with(shown, "Build", "Platform"))
    assert store.get_stage_map(b, mapped)["Build"].department == "Platform"


def test_my_own_saves_one_after_another_land(clients, mapped):
    a, _ = clients
    shown = list(store.get_stage_map(a, mapped).values())
    first = _with(shown, "Build", "Platform")
    store.set_stage_map(a, mapped, first)
    second = [st for st in first if st.status != "Design"] + [Stage("Shipped", "", "done")]
    assert store.set_stage_map(a, mapped, second) == {st.status: st for st in first}
    assert list(store.get_stage_map(a, mapped).values()) == second


def test_a_workspace_that_never_read_the_map_saves_it_as_before(clients, mapped, shared_file):
    c = open_workspace(shared_file)
    try:
        store.set_stage_map(c, mapped, _with(MAP, "Build", "Platform"))  # the command line: no read
    finally:
        c.close()
    assert store.get_stage_map(clients[0], mapped)["Build"].department == "Platform"


def test_rows_are_changed_in_place_and_every_row_names_who_saved_the_map(clients, mapped):
    a, b = clients
    before = {status: (row_id, version) for row_id, status, _d, _k, _p, version in _rows(a, mapped)}
    shown = list(store.get_stage_map(a, mapped).values())
    saved = [shown[2], shown[0], Stage("Review", "Legal", "queue"), shown[3]]  # reordered, one in, one out
    saved[0] = Stage("Build", "Platform", "active")
    store.set_stage_map(a, mapped, saved)
    assert list(store.get_stage_map(b, mapped).values()) == saved
    rows = _rows(b, mapped)
    assert [status for _i, status, *_ in rows] == ["Build", "To do", "Review", "Done"]
    assert [position for *_, position, _v in rows] == [0, 1, 2, 3]
    for row_id, status, _d, _k, _p, version in rows:
        if status in before:  # kept: the same row, a new version
            assert (row_id, version) == (before[status][0], before[status][1] + 1)
    with b.read() as s:
        assert {r.changed_by for r in s.scalars(select(AuditStage).where(AuditStage.plan_id == mapped))} \
            == {"Priya Shah"}


def test_undo_and_redo_of_a_map_save(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    saved = [st for st in _with(shown, "Build", "Platform") if st.status != "Design"]
    previous = store.set_stage_map(a, mapped, saved)
    assert list(previous.values()) == shown
    with a.versions.undoing():
        assert list(store.set_stage_map(a, mapped, previous).values()) == saved
    assert list(store.get_stage_map(b, mapped).values()) == shown
    with a.versions.undoing():
        store.set_stage_map(a, mapped, saved)  # redo
    assert list(store.get_stage_map(b, mapped).values()) == saved


def test_undo_of_a_map_someone_changed_since_is_refused(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    previous = store.set_stage_map(a, mapped, _with(shown, "Build", "Platform"))
    sams = [st for st in store.get_stage_map(b, mapped).values() if st.status != "To do"]
    store.set_stage_map(b, mapped, sams)
    store.get_stage_map(a, mapped)  # a's page shows Sam's map...
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        store.set_stage_map(a, mapped, previous)  # ...but undo must not put back the old one
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(a, mapped).values()) == sams


def test_redo_over_a_map_saved_after_my_undo_is_refused(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    saved = _with(shown, "Build", "Platform")
    previous = store.set_stage_map(a, mapped, saved)
    with a.versions.undoing():
        store.set_stage_map(a, mapped, previous)
    sams = list(store.get_stage_map(b, mapped).values()) + [Stage("Review", "Legal", "queue")]
    store.set_stage_map(b, mapped, sams)
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        store.set_stage_map(a, mapped, saved)
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(b, mapped).values()) == sams


def _log() -> list[Transition]:
    start = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    return [Transition("ITEM-1", start, None, "To do"),
            Transition("ITEM-1", start + timedelta(days=2), "To do", "Design"),
            Transition("ITEM-1", start + timedelta(days=4), "Design", "Done")]


def test_an_import_with_a_map_over_one_changed_since_stores_nothing(clients, mapped):
    a, b = clients
    shown = list(store.get_stage_map(a, mapped).values())
    store.get_stage_map(b, mapped)
    sams = _with(shown, "Design", "Brand")
    store.set_stage_map(b, mapped, sams)
    with pytest.raises(StaleEdit) as refused:
        store.store_import(a, mapped, _with(shown, "To do", "Sales"), _log(), source="log.csv",
                           format="csv", settings={})
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(b, mapped).values()) == sams
    with b.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditImport)) == 0
    store.get_stage_map(a, mapped)  # reloaded: the import now lands, and its undo still works
    info, previous = store.store_import(a, mapped, _with(sams, "To do", "Sales"), _log(), source="log.csv",
                                        format="csv", settings={})
    assert store.analyse_plan(b, mapped) is not None
    with a.versions.undoing():
        store.delete_import(a, info.id)
        store.set_stage_map(a, mapped, list(previous.values()))
    assert list(store.get_stage_map(b, mapped).values()) == sams
