"""No lost update on a plan's settings rows, made on their first save (the low-code target,
the chosen handoff, the cost of delay), on a real PostgreSQL (tests/server/conftest.py):
a read that found no row remembers it was absent, so a save over a row someone else made
since is refused with who and when, and two first saves at once leave one row and one
``StaleEdit``, never a database error. No mocks of the database."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.audit import forecast_store, store
from models.audit.money import CostOfDelay
from models.audit.schema import AuditChoice, AuditCostOfDelay
from models.core.versioning import TRACKER, StaleEdit
from models.lowcode import service as lowcode
from models.lowcode.schema import LowcodeSettings, LowcodeTool
from models.plan.schema import Milestone
from tests.common.two_clients import told

TODAY = date(2026, 1, 20)


def _count(ws, orm, plan_id: int) -> int:
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(orm).where(orm.plan_id == plan_id))


@contextmanager
def _meeting(orm: type, *clients):
    """Hold each client's write, just before it inserts an *orm* row, until all of them got
    there: every one of them has looked for the row inside its transaction and found none."""
    trackers = [ws.versions for ws in clients]
    barrier = threading.Barrier(len(clients), timeout=20)

    def wait(session, _context, _instances):
        if session.info.get(TRACKER) in trackers and any(isinstance(o, orm) for o in session.new):
            barrier.wait()

    event.listen(Session, "before_flush", wait)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", wait)


def _at_once(*calls) -> list:
    """Run each call on its own thread; what each returned or raised, in order."""
    out: list = [None] * len(calls)

    def run(i, call):
        try:
            out[i] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return out


def _one_won(results, *users) -> tuple[int, StaleEdit]:
    """(index of the call that landed, the other's StaleEdit), which names the winner."""
    refused = [i for i, r in enumerate(results) if isinstance(r, BaseException)]
    assert len(refused) == 1, results
    loser = refused[0]
    winner = 1 - loser
    exc = results[loser]
    assert isinstance(exc, StaleEdit), repr(exc)
    assert exc.who == users[winner] and exc.when is not None
    return winner, exc


# --------------------------------------------------------------------------- the low-code target

def test_target_someone_set_after_my_read_is_not_overwritten(clients, plan_id):
    a, b = clients
    assert lowcode.get_target_share(a, plan_id) == lowcode.DEFAULT_TARGET_SHARE  # no row: defaults
    lowcode.set_target_share(b, plan_id, 0.6)  # Sam makes the row
    with pytest.raises(StaleEdit) as refused:
        lowcode.set_target_share(a, plan_id, 0.9)
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(b, plan_id) == 0.6
    assert lowcode.get_target_share(a, plan_id) == 0.6  # a's page reloads and shows Sam's...
    assert lowcode.set_target_share(a, plan_id, 0.9) == 0.6  # ...and its edit now lands
    assert lowcode.get_target_share(b, plan_id) == 0.9


def test_target_reset_over_a_row_made_after_my_read_is_refused(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id)
    lowcode.set_target_share(b, plan_id, 0.6)
    with pytest.raises(StaleEdit) as refused:
        lowcode.set_target_share(a, plan_id, None)  # back to the default: would delete Sam's row
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(b, plan_id) == 0.6


def test_first_target_with_nobody_else_lands_and_the_other_reader_istold(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id), lowcode.get_target_share(b, plan_id)
    assert lowcode.set_target_share(a, plan_id, 0.7) is None
    assert lowcode.get_target_share(b, plan_id) == 0.7
    lowcode.set_target_share(a, plan_id, 0.75)  # a's own row: edits go on landing
    assert lowcode.get_target_share(a, plan_id) == 0.75


def test_two_first_targets_at_once_one_lands_the_other_istold(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id), lowcode.get_target_share(b, plan_id)
    with _meeting(LowcodeSettings, a, b):
        results = _at_once(lambda: lowcode.set_target_share(a, plan_id, 0.7),
                           lambda: lowcode.set_target_share(b, plan_id, 0.6))
    winner, _ = _one_won(results, "Priya Shah", "Sam Lee")
    assert lowcode.get_target_share(a, plan_id) == (0.7, 0.6)[winner]
    assert _count(a, LowcodeSettings, plan_id) == 1


def test_an_insert_racing_inside_a_transaction_is_told_and_writes_nothing(clients, plan_id):
    a, b = clients
    with pytest.raises(StaleEdit) as refused:
        with a.write() as s:
            assert s.get(LowcodeSettings, plan_id) is None  # a finds no row in its transaction...
            s.add(LowcodeTool(plan_id=plan_id, name="Priya's tool"))
            s.flush()
            lowcode.set_target_share(b, plan_id, 0.6)  # ...Sam's first save commits first
            s.add(LowcodeSettings(plan_id=plan_id, target_share=0.9))
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(a, plan_id) == 0.6
    assert lowcode.list_tools(a, plan_id) == []  # nothing half-written


def test_a_constraint_that_is_not_a_race_still_shows_as_an_error(clients):
    a, _ = clients
    with pytest.raises(IntegrityError):
        with a.write() as s:
            s.add(LowcodeSettings(plan_id=987654, target_share=0.5))  # no such plan: a bug, not a race


def test_undo_of_a_first_target_deletes_the_row_and_redo_puts_it_back(clients, plan_id):
    a, b = clients
    lowcode.get_target_share(a, plan_id)
    before = lowcode.set_target_share(a, plan_id, 0.7)
    assert before is None
    with a.versions.undoing():
        assert lowcode.set_target_share(a, plan_id, before) == 0.7
    assert _count(b, LowcodeSettings, plan_id) == 0
    with a.versions.undoing():
        assert lowcode.set_target_share(a, plan_id, 0.7) is None  # redo
    assert lowcode.get_target_share(b, plan_id) == 0.7


def test_undo_of_a_first_target_someone_changed_since_is_refused(clients, plan_id):
    a, b = clients
    lowcode.set_target_share(a, plan_id, 0.7)
    lowcode.get_target_share(b, plan_id)
    lowcode.set_target_share(b, plan_id, 0.6)
    lowcode.get_target_share(a, plan_id)  # a's page shows Sam's change...
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        lowcode.set_target_share(a, plan_id, None)  # ...but undo must not delete it
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(a, plan_id) == 0.6


def test_redo_over_a_target_someone_set_after_my_undo_is_refused(clients, plan_id):
    a, b = clients
    lowcode.set_target_share(a, plan_id, 0.7)
    with a.versions.undoing():
        lowcode.set_target_share(a, plan_id, None)
    lowcode.get_target_share(b, plan_id)
    lowcode.set_target_share(b, plan_id, 0.6)
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        lowcode.set_target_share(a, plan_id, 0.7)
    told(refused, "Sam Lee")
    assert lowcode.get_target_share(b, plan_id) == 0.6


# --------------------------------------------------------------------------- the chosen handoff

def test_choice_someone_made_after_my_read_is_not_overwritten_and_adds_no_milestone(clients, plan_id):
    a, b = clients
    assert store.get_choice(a, plan_id) is None
    milestones = _count(a, Milestone, plan_id)
    store.record_choice(b, plan_id, "Design", "IT", TODAY, None)
    with pytest.raises(StaleEdit) as refused:
        store.choose_bottleneck(a, plan_id, "Marketing", "IT", TODAY)
    told(refused, "Sam Lee")
    choice = store.get_choice(a, plan_id)
    assert (choice.from_department, choice.to_department) == ("Design", "IT")
    assert _count(a, Milestone, plan_id) == milestones  # its milestone was not half-written


def test_two_first_choices_at_once_one_lands_the_other_istold(clients, plan_id):
    a, b = clients
    store.get_choice(a, plan_id), store.get_choice(b, plan_id)
    milestones = _count(a, Milestone, plan_id)
    with _meeting(AuditChoice, a, b):
        results = _at_once(lambda: store.choose_bottleneck(a, plan_id, "Design", "IT", TODAY),
                           lambda: store.choose_bottleneck(b, plan_id, "Marketing", "IT", TODAY))
    winner, _ = _one_won(results, "Priya Shah", "Sam Lee")
    choice = store.get_choice(a, plan_id)
    assert choice.from_department == ("Design", "Marketing")[winner]
    assert _count(a, AuditChoice, plan_id) == 1
    assert _count(a, Milestone, plan_id) == milestones + 1  # the winner's milestone only
    assert choice.milestone_id == results[winner][1]


def test_undo_of_a_first_choice_still_works(clients, plan_id):
    a, b = clients
    store.get_choice(a, plan_id)
    previous, mid = store.choose_bottleneck(a, plan_id, "Design", "IT", TODAY)
    assert previous is None
    with a.versions.undoing():
        store.undo_choice(a, plan_id, previous, mid)
    assert store.get_choice(b, plan_id) is None


# --------------------------------------------------------------------------- the cost of delay

def test_cost_someone_set_after_my_read_is_not_overwritten(clients, plan_id):
    a, b = clients
    assert forecast_store.get_cost_of_delay(a, plan_id) is None
    sams = CostOfDelay("EUR", 700.0, (("Bug", 1400.0),))
    forecast_store.set_cost_of_delay(b, plan_id, sams)
    with pytest.raises(StaleEdit) as refused:
        forecast_store.set_cost_of_delay(a, plan_id, CostOfDelay("GBP", 10.0))
    told(refused, "Sam Lee")
    assert forecast_store.get_cost_of_delay(a, plan_id) == sams  # per-type amount included


def test_a_cost_whose_per_type_amounts_someone_changed_since_is_refused(clients, plan_id):
    a, b = clients
    forecast_store.set_cost_of_delay(a, plan_id, CostOfDelay("EUR", 700.0, (("Bug", 1400.0),)))
    forecast_store.get_cost_of_delay(b, plan_id)
    forecast_store.set_cost_of_delay(b, plan_id, CostOfDelay("EUR", 700.0, (("Bug", 2000.0),)))
    with pytest.raises(StaleEdit) as refused:
        forecast_store.set_cost_of_delay(a, plan_id, CostOfDelay("EUR", 800.0, (("Bug", 1400.0),)))
    told(refused, "Sam Lee")
    assert forecast_store.get_cost_of_delay(a, plan_id) == CostOfDelay("EUR", 700.0, (("Bug", 2000.0),))


def test_two_first_costs_at_once_one_lands_the_other_istold(clients, plan_id):
    a, b = clients
    forecast_store.get_cost_of_delay(a, plan_id), forecast_store.get_cost_of_delay(b, plan_id)
    costs = (CostOfDelay("EUR", 700.0, (("Bug", 1400.0),)), CostOfDelay("GBP", 500.0, (("Bug", 900.0),)))
    with _meeting(AuditCostOfDelay, a, b):
        results = _at_once(lambda: forecast_store.set_cost_of_delay(a, plan_id, costs[0]),
                           lambda: forecast_store.set_cost_of_delay(b, plan_id, costs[1]))
    winner, _ = _one_won(results, "Priya Shah", "Sam Lee")
    assert forecast_store.get_cost_of_delay(a, plan_id) == costs[winner]
    assert _count(a, AuditCostOfDelay, plan_id) == 1


def test_undo_of_a_first_cost_still_works(clients, plan_id):
    a, b = clients
    forecast_store.get_cost_of_delay(a, plan_id)
    cost = CostOfDelay("EUR", 700.0, (("Bug", 1400.0),))
    previous = forecast_store.set_cost_of_delay(a, plan_id, cost)
    assert previous is None
    with a.versions.undoing():
        assert forecast_store.set_cost_of_delay(a, plan_id, previous) == cost
    assert forecast_store.get_cost_of_delay(b, plan_id) is None
    with a.versions.undoing():
        forecast_store.set_cost_of_delay(a, plan_id, cost)  # redo
    assert forecast_store.get_cost_of_delay(b, plan_id) == cost
