"""No lost update on a plan's settings rows, made on their first save, in a workspace file:
two ``Workspace`` objects on one SQLite file stand for two app instances (without the
app's lock). A read that found no row remembers it was absent (``VersionTracker``), so a
save over a row the other made since is refused with who and when and writes nothing.
No mocks of the database."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models.audit import forecast_store, store
from models.audit.money import CostOfDelay
from models.audit.schema import AuditCostOfDelay
from models.core.versioning import UNKNOWN, StaleEdit
from models.lowcode import service as lowcode
from models.lowcode.schema import LowcodeSettings, LowcodeTool
from models.plan.schema import Milestone
from tests.common.two_clients import told

TODAY = date(2026, 1, 20)


def _count(ws, orm, plan_id: int) -> int:
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(orm).where(orm.plan_id == plan_id))


def test_a_read_that_finds_no_row_remembers_it_absent(clients, plan_id):
    a, _ = clients
    key = ("lowcode_settings", (plan_id,))
    assert a.versions.expected(key) is UNKNOWN
    lowcode.get_target_share(a, plan_id)
    assert key in a.versions.seen and a.versions.expected(key) is None
    lowcode.set_target_share(a, plan_id, 0.7)
    assert a.versions.expected(key) == 1


def test_target_the_other_set_after_my_read_is_not_overwritten(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id)  # no row: the page shows the default
    lowcode.set_target_share(b, plan_id, 0.6)
    with pytest.raises(StaleEdit) as refused:
        lowcode.set_target_share(a, plan_id, 0.9)
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(b, plan_id) == 0.6
    lowcode.get_target_share(a, plan_id)  # reloaded: a's edit now lands
    assert lowcode.set_target_share(a, plan_id, 0.9) == 0.6


def test_both_read_no_target_the_first_save_lands_the_second_istold(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id), lowcode.get_target_share(b, plan_id)
    assert lowcode.set_target_share(a, plan_id, 0.7) is None  # a first save with nobody else: lands
    with pytest.raises(StaleEdit) as refused:
        lowcode.set_target_share(b, plan_id, 0.6)
    told(refused, "Priya Shah")
    assert lowcode.get_target_share(b, plan_id) == 0.7
    assert _count(a, LowcodeSettings, plan_id) == 1


def test_an_insert_over_a_row_the_other_made_is_told_not_a_database_error(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id)
    lowcode.set_target_share(b, plan_id, 0.6)
    with pytest.raises(StaleEdit) as refused:
        with a.write() as s:  # a writer that inserts without looking first
            s.add(LowcodeTool(plan_id=plan_id, name="Priya's tool"))
            s.flush()
            s.add(LowcodeSettings(plan_id=plan_id, target_share=0.9))
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(a, plan_id) == 0.6
    assert lowcode.list_tools(a, plan_id) == []  # nothing half-written


def test_inserting_a_row_this_workspace_itself_made_stays_an_error(clients, plan_id):
    a, _ = clients
    lowcode.set_target_share(a, plan_id, 0.7)
    with pytest.raises(IntegrityError):  # a bug, not a race: not dressed up as someone's change
        with a.write() as s:
            s.add(LowcodeSettings(plan_id=plan_id, target_share=0.9))


def test_undo_and_redo_of_a_first_target(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id)
    before = lowcode.set_target_share(a, plan_id, 0.7)
    with a.versions.undoing():
        lowcode.set_target_share(a, plan_id, before)
    assert _count(b, LowcodeSettings, plan_id) == 0
    with a.versions.undoing():
        lowcode.set_target_share(a, plan_id, 0.7)
    assert lowcode.get_target_share(b, plan_id) == 0.7


def test_redo_over_a_target_the_other_set_after_my_undo_is_refused(clients, plan_id):
    a, b = clients
    before = lowcode.set_target_share(a, plan_id, 0.7)
    with a.versions.undoing():
        lowcode.set_target_share(a, plan_id, before)
    lowcode.set_target_share(b, plan_id, 0.6)
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        lowcode.set_target_share(a, plan_id, 0.7)
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(b, plan_id) == 0.6


def test_choice_the_other_made_after_my_read_is_kept_and_no_milestone_is_added(clients, plan_id):
    a, b = clients
    assert store.get_choice(a, plan_id) is None
    milestones = _count(a, Milestone, plan_id)
    store.record_choice(b, plan_id, "Design", "IT", TODAY, None)
    with pytest.raises(StaleEdit) as refused:
        store.choose_bottleneck(a, plan_id, "Marketing", "IT", TODAY)
    told(refused, "Sam Lee")
    assert store.get_choice(a, plan_id).from_department == "Design"
    assert _count(a, Milestone, plan_id) == milestones


def test_undo_of_a_first_choice(clients, plan_id):
    a, b = clients
    store.get_choice(a, plan_id)
    previous, mid = store.choose_bottleneck(a, plan_id, "Design", "IT", TODAY)
    with a.versions.undoing():
        store.undo_choice(a, plan_id, previous, mid)
    assert store.get_choice(b, plan_id) is None


def test_cost_the_other_set_after_my_read_is_not_overwritten(clients, plan_id):
    a, b = clients
    assert forecast_store.get_cost_of_delay(a, plan_id) is None
    sams = CostOfDelay("EUR", 700.0, (("Bug", 1400.0),))
    forecast_store.set_cost_of_delay(b, plan_id, sams)
    with pytest.raises(StaleEdit) as refused:
        forecast_store.set_cost_of_delay(a, plan_id, CostOfDelay("GBP", 10.0))
    told(refused, "Sam Lee")
    assert forecast_store.get_cost_of_delay(a, plan_id) == sams


def test_a_change_to_per_type_amounts_alone_gives_the_cost_a_new_version(clients, plan_id):
    a, b = clients
    forecast_store.set_cost_of_delay(a, plan_id, CostOfDelay("EUR", 700.0, (("Bug", 1400.0),)))
    forecast_store.get_cost_of_delay(b, plan_id)
    forecast_store.set_cost_of_delay(b, plan_id, CostOfDelay("EUR", 700.0, (("Bug", 2000.0),)))
    with a.read() as s:
        assert s.get(AuditCostOfDelay, plan_id).version == 2
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        forecast_store.set_cost_of_delay(a, plan_id, None)  # undo of a's first save
    told(refused, "Sam Lee")
    assert forecast_store.get_cost_of_delay(a, plan_id) == CostOfDelay("EUR", 700.0, (("Bug", 2000.0),))


def test_undo_of_a_first_cost(clients, plan_id):
    a, b = clients
    forecast_store.get_cost_of_delay(a, plan_id)
    cost = CostOfDelay("EUR", 700.0, (("Bug", 1400.0),))
    previous = forecast_store.set_cost_of_delay(a, plan_id, cost)
    with a.versions.undoing():
        forecast_store.set_cost_of_delay(a, plan_id, previous)
    assert forecast_store.get_cost_of_delay(b, plan_id) is None


def test_a_read_can_say_which_cells_of_a_grid_it_showed_empty(clients, plan_id):
    """``saw_absent``: for rows a read finds by a query, not by ``get`` (the ownership map's
    cells): a cell the user saw blank and the other filled since is not overwritten."""
    from models.core.versioning import saw_absent
    from models.ownership import service as own
    from models.ownership.schema import OwnershipAssignment

    a, b = clients
    grid = own.create_default_map(a, plan_id)
    cell = (grid.capabilities[0].id, grid.departments[0].id)
    with a.write() as s:  # nothing outside a read
        saw_absent(s, OwnershipAssignment, (cell[0], grid.departments[1].id))
    assert ("ownership_assignments", (cell[0], grid.departments[1].id)) not in a.versions.seen
    with a.read() as s:  # what the map's read does for each blank cell
        saw_absent(s, OwnershipAssignment, cell)
    own.set_cells(b, plan_id, {cell: "R"})
    with pytest.raises(StaleEdit) as refused:
        own.set_cells(a, plan_id, {cell: "A"})
    told(refused, "Sam Lee")
    assert own.get_map(a, plan_id).letter(*cell) == "R"
