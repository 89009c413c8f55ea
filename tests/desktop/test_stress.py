"""Stress: 50 edits, undos and redos through the main window's document while
background loads run on the database executor (whose threads are made to
expire and be re-created all the time), then the database must hold exactly the
edits, with no error dialog and no exception on the way."""
from __future__ import annotations

import random
import sys
import threading
import time
from datetime import timedelta

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QMessageBox

from desktop.features import PAGES
from desktop.main_window import MainWindow
from models.core.workspace import open_workspace
from models.ownership import service as own_svc
from models.plan import service as plan_svc
from models.squad import service as squad_svc
from tests.conftest import TODAY
from views.ownership.commands import SetCells
from views.plan.commands import EditMilestone

EDITS = 50
SEED = 20260316
EXPIRY_MS = 50


# --------------------------------------------------------------------------- helpers

def add_checkin_command(doc, squad_id: int, draft):
    """The Squad page's "add check-in" undo command, whichever API this tree has:
    ``add_squad_row`` (generic row commands), the older ``AddSquadRow``, or the
    generic ``AddRow`` over the service's row store."""
    from views.squad import commands as squad_commands

    if hasattr(squad_commands, "add_squad_row"):
        return squad_commands.add_squad_row(doc, "checkin", squad_id, draft)
    if hasattr(squad_commands, "AddSquadRow"):
        return squad_commands.AddSquadRow(doc, "checkin", squad_id, draft)
    from views.common.row_commands import AddRow

    return AddRow(doc, "squad", squad_svc.ROW_STORES["checkin"], squad_id, draft, "Add check-in")


def new_row_id(command) -> int:
    row_id = getattr(command, "row_id", None)
    assert isinstance(row_id, int), f"{type(command).__name__} keeps no row_id"
    return row_id


def spin(ms: int) -> None:
    """Run the event loop for *ms* (QEventLoop + QTimer: QTest.qWait keeps the GIL)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settled(window) -> bool:
    """No background task running or waiting to deliver, the Audit page not mid-load."""
    return (not window.tasks._live and window.tasks.pool.activeThreadCount() == 0
            and window.tasks.free_pool.activeThreadCount() == 0 and not window.pages["audit"].loading)


def page_row(key: str) -> int:
    return [page.key for page in PAGES].index(key)


class Model:
    """What the database should hold: the same edits on plain dicts, with an undo stack."""

    def __init__(self, milestones, checkins, cells):
        self.milestones = {m.id: {"owner": m.owner, "notes": m.notes, "due": m.due} for m in milestones}
        self.checkins = {c.id: c.note for c in checkins}
        self.cells = {k: v for k, v in cells.items() if v}
        self.stack: list[tuple] = []  # (apply, revert)
        self.index = 0

    def push(self, apply, revert) -> None:
        del self.stack[self.index:]
        apply()
        self.stack.append((apply, revert))
        self.index += 1

    def undo(self) -> None:
        self.index -= 1
        self.stack[self.index][1]()

    def redo(self) -> None:
        self.stack[self.index][0]()
        self.index += 1

    # the edits
    def edit_milestone(self, mid: int, field: str, value) -> None:
        before = self.milestones[mid][field]

        def apply():
            self.milestones[mid][field] = value

        def revert():
            self.milestones[mid][field] = before

        self.push(apply, revert)

    def add_checkin(self, row_id: int, note: str) -> None:
        def apply():
            self.checkins[row_id] = note

        def revert():
            del self.checkins[row_id]

        self.push(apply, revert)

    def set_cell(self, key, letter: str) -> None:
        before = self.cells.get(key, "")

        def put(value):
            if value:
                self.cells[key] = value
            else:
                self.cells.pop(key, None)

        self.push(lambda: put(letter), lambda: put(before))


# --------------------------------------------------------------------------- fixtures

@pytest.fixture
def dialogs(monkeypatch):
    """Every QMessageBox.critical/warning/information, recorded instead of shown.
    Each module that shows one imports the same PySide6 class, so patching it covers
    desktop.main_window, views.export.page, views.audit.page and the rest."""
    shown: list[tuple[str, str, str]] = []

    def recorder(kind):
        def record(_parent, title, text, *_a, **_k):
            shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok
        return record

    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    return shown


@pytest.fixture
def window(qtbot, settings, demo_file, dialogs):
    w = MainWindow(today=lambda: TODAY, settings=settings)
    # threads of both pools expire almost at once, so the stress keeps starting new ones
    w.tasks.pool.setExpiryTimeout(EXPIRY_MS)
    w.tasks.free_pool.setExpiryTimeout(EXPIRY_MS)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(demo_file)
    qtbot.waitUntil(lambda: w.overview.model.rowCount() == 17, timeout=10000)
    # the Audit page analyses its log in the background when first shown
    w.sidebar.setCurrentRow(page_row("audit"))
    qtbot.waitUntil(lambda: w.pages["audit"].snapshot is not None, timeout=15000)
    w.sidebar.setCurrentRow(page_row("overview"))
    qtbot.waitUntil(lambda: settled(w), timeout=15000)
    yield w
    w.tasks.wait()
    w.close()


# --------------------------------------------------------------------------- the test

def test_fifty_edits_while_background_loads_run(window, qtbot, demo_file, dialogs, capsys):
    started = time.monotonic()
    rng = random.Random(SEED)
    doc = window.doc
    ws, plan_id = doc.ws, doc.plan_id

    thread_errors: list[str] = []
    old_thread_hook = threading.excepthook
    threading.excepthook = lambda args: thread_errors.append(f"{args.exc_type.__name__}: {args.exc_value}")
    doc_errors: list[str] = []
    doc.error.connect(doc_errors.append)

    milestones = plan_svc.list_milestones(ws, plan_id)
    squad_id = squad_svc.list_squads(ws, plan_id)[0].id
    raci = own_svc.get_map(ws, plan_id)
    model = Model(milestones, squad_svc.list_checkins(ws, squad_id), raci.cells)
    targets = [m.id for m in milestones[::3]]
    cell_keys = [(c.id, d.id) for c in raci.capabilities[:4] for d in raci.departments[:4]]

    # background reads of our own, next to the pages' loads
    reads_done: list[object] = []
    read_errors: list[str] = []
    reads = (
        lambda _p: plan_svc.list_plans(ws),
        lambda _p: plan_svc.list_milestones(ws, plan_id),
        lambda _p: squad_svc.squad_state(ws, squad_id, TODAY),
        lambda _p: own_svc.get_map(ws, plan_id),
    )
    reads_started = 0
    audit_loads = 0

    def start_reads(n: int) -> None:
        nonlocal reads_started
        for _ in range(n):
            window.tasks.run("read", rng.choice(reads), show_dialog=False,
                             on_done=reads_done.append, on_error=read_errors.append)
            reads_started += 1

    counts = {"milestone": 0, "checkin": 0, "raci": 0, "undo": 0, "redo": 0}
    try:
        for step in range(EDITS):
            # another page to the front: it refreshes, the Audit page re-analyses in the background
            row = rng.randrange(len(PAGES))
            window.sidebar.setCurrentRow(row)
            if PAGES[row].key == "audit" and rng.random() < 0.7:
                # pages redraw only for changes that concern them, and no edit here is
                # an audit edit: ask the Audit page for a fresh background analysis
                window.pages["audit"].schedule_refresh()
                audit_loads += 1
            start_reads(rng.randint(1, 3))

            stack = doc.undo_stack
            choices = ["milestone", "checkin", "raci"] * 2
            if stack.canUndo():
                choices += ["undo"] * 2
            if stack.canRedo():
                choices += ["redo"] * 3
            what = rng.choice(choices)
            counts[what] += 1

            if what == "milestone":
                mid = rng.choice(targets)
                field = rng.choice(("owner", "notes", "due"))
                value = {"owner": f"Stress owner {step}", "notes": f"stress note {step}",
                         "due": TODAY + timedelta(days=step + 1)}[field]
                assert doc.execute(EditMilestone(doc, mid, {field: value}, f"Edit {field}"))
                model.edit_milestone(mid, field, value)
            elif what == "checkin":
                note = f"stress check-in {step}"
                draft = squad_svc.CheckInDraft(date=TODAY - timedelta(days=rng.randint(0, 20)),
                                               value=round(2.0 + rng.random(), 2),
                                               confidence=rng.randint(0, 10), morale=rng.randint(1, 5), note=note)
                command = add_checkin_command(doc, squad_id, draft)
                assert doc.execute(command)
                model.add_checkin(new_row_id(command), note)
            elif what == "raci":
                key = rng.choice(cell_keys)
                letter = rng.choice(("R", "A", "C", "I", ""))
                assert doc.execute(SetCells(doc, plan_id, {key: letter}))
                model.set_cell(key, letter)
            elif what == "undo":
                stack.undo()
                model.undo()
            else:
                stack.redo()
                model.redo()
            assert stack.index() == model.index, f"step {step} ({what})"
            assert not dialogs and not doc_errors, (step, what, dialogs, doc_errors)

            deadline = time.monotonic() + rng.randint(60, 120) / 1000
            qtbot.waitUntil(lambda: time.monotonic() >= deadline, timeout=2000)

        # let every page load and every background read finish
        qtbot.waitUntil(lambda: len(reads_done) + len(read_errors) == reads_started, timeout=15000)
        qtbot.waitUntil(lambda: settled(window), timeout=15000)
        assert window.tasks.wait()
        spin(50)  # deliver the last queued results
    finally:
        threading.excepthook = old_thread_hook

    assert all(counts.values()), counts  # every kind of step happened
    assert audit_loads > 0
    assert dialogs == [] and doc_errors == []
    assert read_errors == [] and thread_errors == []
    assert "could not be computed" not in window.pages["audit"].error_label.text()
    assert "Traceback" not in capsys.readouterr().err  # a failed task prints its traceback

    def check(workspace) -> None:
        now = {m.id: m for m in plan_svc.list_milestones(workspace, plan_id)}
        for mid, want in model.milestones.items():
            got = now[mid]
            assert {"owner": got.owner, "notes": got.notes, "due": got.due} == want, mid
        checkins = squad_svc.list_checkins(workspace, squad_id)
        assert {c.id: c.note for c in checkins} == model.checkins
        assert len(checkins) == len(model.checkins)
        assert own_svc.get_map(workspace, plan_id).cells == model.cells

    check(ws)  # what the window's workspace reads now
    window.close()
    with open_workspace(demo_file) as fresh:  # and what was committed to the file
        check(fresh)
    assert time.monotonic() - started < 30, "the stress run should take well under 30 s"
    print(f"steps: {counts}; background reads: {reads_started}; audit analyses asked: {audit_loads}",
          file=sys.stderr)
