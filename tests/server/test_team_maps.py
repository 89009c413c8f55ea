"""No lost update on the two maps a team fills in together, on a real PostgreSQL
(tests/server/conftest.py): a RACI letter put in a cell someone was shown blank is not
overwritten, and a save of the audit stage map over rows changed, added or deleted since
the read is refused with who and when; two saves at once leave one map and one
``StaleEdit``, never a database error nor a mix of both. No mocks of the database."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models.audit import store
from models.audit.analysis import Stage
from models.audit.schema import AuditStage
from models.core.versioning import TRACKER, StaleEdit
from models.ownership import service as own
from models.ownership.schema import OwnershipAssignment
from models.plan import service as plan_svc
from tests.common.two_clients import told

MAP = [Stage("To do", "Marketing", "queue"), Stage("Design", "Design", "active"),
       Stage("Build", "IT", "active"), Stage("Done", "", "done")]


@contextmanager
def _meeting(orm: type, *clients, timeout: float = 20):
    """Hold each client's write, just before it flushes an *orm* row, until all of them got
    there (or *timeout* seconds passed: a writer that waits for another's lock never gets
    there, and the one holding it then goes on alone)."""
    trackers = [ws.versions for ws in clients]
    barrier = threading.Barrier(len(clients), timeout=timeout)

    def wait(session, _context, _instances):
        rows = list(session.new) + list(session.dirty) + list(session.deleted)
        if session.info.get(TRACKER) in trackers and any(isinstance(o, orm) for o in rows):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass

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


def _one_won(results, *users) -> int:
    """The index of the call that landed; the other's StaleEdit names its user."""
    refused = [i for i, r in enumerate(results) if isinstance(r, BaseException)]
    assert len(refused) == 1, results
    loser = refused[0]
    winner = 1 - loser
    exc = results[loser]
    assert isinstance(exc, StaleEdit), repr(exc)
    assert exc.who == users[winner] and exc.when is not None
    return winner


# --------------------------------------------------------------------------- the ownership map

def test_a_letter_put_in_a_cell_after_my_read_is_not_overwritten_and_undo_still_works(clients, plan_id):
    a, b = clients
    grid = own.create_default_map(a, plan_id)
    cell = (grid.capabilities[0].id, grid.departments[0].id)
    mine = (grid.capabilities[1].id, grid.departments[1].id)
    m, _choices = own.map_view(a, plan_id)  # a's page: every cell blank
    assert m.letter(*cell) == "" and m.letter(*mine) == ""
    own.set_cell(b, plan_id, *cell, "A")  # Sam fills one
    with pytest.raises(StaleEdit) as refused:
        own.set_cell(a, plan_id, *cell, "R")
    told(refused, "Sam Lee")
    assert own.get_map(b, plan_id).letter(*cell) == "A"
    # a blank cell nobody touched lands, and its undo and redo still work
    assert own.set_cell(a, plan_id, *mine, "R") == ""
    with a.versions.undoing():
        assert own.set_cell(a, plan_id, *mine, "") == "R"
    assert own.get_map(b, plan_id).letter(*mine) == ""
    with a.versions.undoing():
        own.set_cell(a, plan_id, *mine, "R")
    assert dict(own.get_map(b, plan_id).cells) == {cell: "A", mine: "R"}


def test_two_letters_put_in_one_blank_cell_at_once_one_lands_the_other_istold(clients, plan_id):
    a, b = clients
    grid = own.create_default_map(a, plan_id)
    cell = (grid.capabilities[0].id, grid.departments[0].id)
    own.get_map(a, plan_id), own.get_map(b, plan_id)
    with _meeting(OwnershipAssignment, a, b):
        results = _at_once(lambda: own.set_cell(a, plan_id, *cell, "R"),
                           lambda: own.set_cell(b, plan_id, *cell, "A"))
    winner = _one_won(results, "Priya Shah", "Sam Lee")
    assert own.get_map(a, plan_id).letter(*cell) == ("R", "A")[winner]


# --------------------------------------------------------------------------- the audit stage map

def _with(stages, status: str, department: str) -> list[Stage]:
    return [Stage(st.status, department, st.kind) if st.status == status else st for st in stages]


def _count(ws, plan_id: int) -> int:
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(AuditStage).where(AuditStage.plan_id == plan_id))


def test_the_demo_map_changed_since_my_read_is_not_overwritten(clients):
    a, b = clients
    demo = plan_svc.find_plan(a).id
    figures = store.analyse_plan(a, demo)
    shown = list(store.get_stage_map(a, demo).values())
    store.get_stage_map(b, demo)
    sams = _with(shown, shown[1].status, "Platform")
    store.set_stage_map(b, demo, sams)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, demo, _with(shown, shown[0].status, "Brand"))
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(a, demo).values()) == sams
    # Sam's undo puts the demo map back: the same figures as before
    with b.versions.undoing():
        store.set_stage_map(b, demo, shown)
    assert list(store.get_stage_map(a, demo).values()) == shown
    assert store.analyse_plan(a, demo) == figures


def test_a_status_added_or_deleted_since_my_read_refuses_my_save(clients, plan_id):
    a, b = clients
    store.set_stage_map(b, plan_id, MAP)
    shown = list(store.get_stage_map(a, plan_id).values())
    added = shown[:3] + [Stage("Review", "Legal", "queue")] + shown[3:]
    store.set_stage_map(b, plan_id, added)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, plan_id, _with(shown, "Design", "Brand"))
    told(refused, "Sam Lee")
    shown = list(store.get_stage_map(a, plan_id).values())
    deleted = [st for st in shown if st.status != "Design"]
    store.set_stage_map(b, plan_id, deleted)
    with pytest.raises(StaleEdit) as refused:
        store.set_stage_map(a, plan_id, _with(shown, "Build", "Platform"))
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(b, plan_id).values()) == deleted
    shown = list(store.get_stage_map(a, plan_id).values())  # reloaded: a's save lands
    store.set_stage_map(a, plan_id, _with(shown, "Build", "Platform"))
    assert store.get_stage_map(b, plan_id)["Build"].department == "Platform"


def test_two_saves_of_a_map_at_once_one_lands_the_other_istold(clients, plan_id):
    a, b = clients
    store.set_stage_map(a, plan_id, MAP)
    store.get_stage_map(a, plan_id), store.get_stage_map(b, plan_id)
    saves = (_with(MAP, "Design", "Brand"), [st for st in MAP if st.status != "Build"])
    with _meeting(AuditStage, a, b, timeout=3):
        results = _at_once(lambda: store.set_stage_map(a, plan_id, saves[0]),
                           lambda: store.set_stage_map(b, plan_id, saves[1]))
    winner = _one_won(results, "Priya Shah", "Sam Lee")
    assert list(store.get_stage_map(a, plan_id).values()) == saves[winner]


def test_two_first_maps_at_once_one_lands_never_a_mix(clients, plan_id):
    a, b = clients
    store.get_stage_map(a, plan_id), store.get_stage_map(b, plan_id)  # both shown no map
    maps = (MAP, [Stage("Queued", "Ops", "queue"), Stage("Closed", "", "done")])  # no status in common
    with _meeting(AuditStage, a, b, timeout=3):
        results = _at_once(lambda: store.set_stage_map(a, plan_id, maps[0]),
                           lambda: store.set_stage_map(b, plan_id, maps[1]))
    winner = _one_won(results, "Priya Shah", "Sam Lee")
    assert list(store.get_stage_map(a, plan_id).values()) == maps[winner]
    assert _count(a, plan_id) == len(maps[winner])


def test_undo_of_a_map_save_and_its_refusal_after_someone_elses_save(clients, plan_id):
    a, b = clients
    store.get_stage_map(a, plan_id)
    previous = store.set_stage_map(a, plan_id, MAP)
    assert previous == {}
    with a.versions.undoing():
        store.set_stage_map(a, plan_id, previous)
    assert _count(b, plan_id) == 0
    with a.versions.undoing():
        store.set_stage_map(a, plan_id, MAP)  # redo
    assert list(store.get_stage_map(b, plan_id).values()) == MAP
    sams = _with(MAP, "Build", "Platform")
    store.set_stage_map(b, plan_id, sams)
    store.get_stage_map(a, plan_id)
    with pytest.raises(StaleEdit) as refused, a.versions.undoing():
        store.set_stage_map(a, plan_id, previous)  # would delete Sam's map
    told(refused, "Sam Lee")
    assert list(store.get_stage_map(a, plan_id).values()) == sams
