"""Two documents (two app windows) on one team workspace: the stale edit and the stale undo
are refused with who and when, the pages are told to reload, and the other's edit arrives,
read on the database executor (desktop/tasks.py), never on the GUI thread."""
from __future__ import annotations

import threading

import pytest

from desktop.features import FEATURES
from desktop.tasks import TaskRunner
from models.core.workspace import open_workspace
from models.plan import service as svc
from views.common.document import WorkspaceDocument
from views.plan.commands import DeleteMilestone, EditMilestone


class Executor:
    """The app's database executor as ``MainWindow`` hands it to a document, counting
    the reads it is given and noting the thread each runs on."""

    def __init__(self):
        self.runner = TaskRunner()
        self.started = 0
        self.finished = 0
        self.on_gui_thread = 0

    def __call__(self, fn, on_done) -> None:
        self.started += 1

        def work(_progress):
            if threading.current_thread() is threading.main_thread():
                self.on_gui_thread += 1
            return fn()

        def done(result) -> None:
            self.finished += 1
            on_done(result)

        self.runner.run("Looking for others' changes…", work, on_done=done, show_dialog=False)


@pytest.fixture
def two_docs(qtbot, team):
    docs = []
    for user in ("Priya Shah", "Sam Lee"):
        ws = open_workspace(team)
        ws.versions.user = user
        executor = Executor()
        doc = WorkspaceDocument(ws, FEATURES, run_in_background=executor)
        doc.executor = executor
        qtbot.waitUntil(lambda: executor.finished >= 1)  # the first look: where things stand
        docs.append(doc)
    yield docs
    for doc in docs:
        doc.stop_polling()
        assert doc.executor.runner.wait()
        doc.ws.close()
    assert all(doc.executor.on_gui_thread == 0 for doc in docs)


def _first(doc):
    return svc.list_milestones(doc.ws, doc.plan_id)[0]


def test_the_other_window_is_told_and_reloads(qtbot, two_docs):
    a, b = two_docs
    m = _first(a)
    _first(b)  # both show it
    assert a.execute(EditMilestone(a, m.id, {"owner": "Priya"}, "Edit owner"))
    with qtbot.waitSignal(b.notice, timeout=5000) as told, qtbot.waitSignal(b.changed, timeout=5000):
        pass  # b's poll (every 2 s, in the background) sees it
    assert told.args[0].startswith(f"Priya Shah changed the milestone '{m.title}' at ")
    assert _first(b).owner == "Priya"


def test_a_stale_edit_is_refused_with_who_and_when_and_pages_reload(qtbot, two_docs):
    a, b = two_docs
    m = _first(a)
    _first(b)
    assert a.execute(EditMilestone(a, m.id, {"owner": "Priya"}, "Edit owner"))
    with qtbot.waitSignal(b.error) as refused, qtbot.waitSignal(b.changed):
        assert not b.execute(EditMilestone(b, m.id, {"owner": "Sam"}, "Edit owner"))
    assert refused.args[0].startswith("Changed by Priya Shah at ")
    assert refused.args[0].endswith("; your edit was not applied")
    assert b.undo_stack.count() == 0 and _first(a).owner == "Priya"


def test_undo_of_a_row_someone_else_changed_is_refused(qtbot, two_docs):
    a, b = two_docs
    m = _first(a)
    assert a.execute(EditMilestone(a, m.id, {"owner": "Priya"}, "Edit owner"))
    _first(b)
    assert b.execute(EditMilestone(b, m.id, {"owner": "Sam"}, "Edit owner"))
    _first(a)  # a's page reloaded
    with qtbot.waitSignal(a.error) as refused:
        a.undo_stack.undo()
    assert "Changed by Sam Lee at " in refused.args[0]
    assert _first(a).owner == "Sam"


def test_ones_own_edit_is_no_news(qtbot, two_docs):
    a, b = two_docs
    m = _first(a)
    told = []
    a.notice.connect(told.append)
    assert a.execute(EditMilestone(a, m.id, {"owner": "Priya"}, "Edit owner"))
    with qtbot.waitSignal(b.notice, timeout=5000):
        pass
    polls = a.executor.finished
    qtbot.waitUntil(lambda: a.executor.finished >= polls + 2, timeout=6000)  # two more looks
    assert told == []


def test_a_deletion_elsewhere_is_told_as_one(qtbot, two_docs):
    a, b = two_docs
    m = _first(a)
    assert a.execute(DeleteMilestone(a, m.id, m.title))
    with qtbot.waitSignal(b.notice, timeout=5000) as told:
        pass
    assert told.args[0] == "Someone else deleted a milestone"
    assert m.id not in [x.id for x in svc.list_milestones(b.ws, b.plan_id)]


def test_a_poll_waits_for_the_one_still_reading(qtbot, two_docs):
    _a, b = two_docs
    busy, release = threading.Event(), threading.Event()
    # the database executor has one thread: a slow task holds it, so b's next read waits
    b.executor.runner.run("Slow", lambda _p: (busy.set(), release.wait(10)), show_dialog=False)
    assert busy.wait(5)
    started = b.executor.started
    for _ in range(5):
        b.poll_others()
    qtbot.wait(b.POLL_MS + 500)  # and the timer's tick
    assert b.executor.started == started + 1
    release.set()
    qtbot.waitUntil(lambda: b.executor.finished == b.executor.started, timeout=5000)
    assert b.polling


def test_a_closed_workspace_stops_polling(qtbot, two_docs):
    _a, b = two_docs
    qtbot.waitUntil(lambda: b.executor.finished == b.executor.started)
    b.ws.close()
    qtbot.waitUntil(lambda: not b.polling, timeout=5000)
    started = b.executor.started
    b.poll_others()
    assert b.executor.started == started


def test_a_server_away_is_told_once_and_polling_goes_on(qtbot, two_docs, pg_server_url):
    import psycopg
    from sqlalchemy.engine import make_url

    _a, b = two_docs
    told = []
    b.notice.connect(told.append)
    admin = make_url(pg_server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as con:  # the team database goes away
        con.execute(f'DROP DATABASE "{b.ws.url.database}" WITH (FORCE)')
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    seen = b.executor.finished
    qtbot.waitUntil(lambda: b.executor.finished >= seen + 2, timeout=20000)  # still asking
    assert len(told) == 1 and "no database" in told[0]
    assert b.polling


def test_the_app_window_shows_the_note_and_reads_in_the_background(qtbot, team, settings, monkeypatch):
    from desktop.main_window import MainWindow
    from views.common import document

    marks_on_gui_thread = []
    real_change_mark = document.change_mark

    def change_mark(session):  # the poll's read, as it is, noting the thread it runs on
        marks_on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return real_change_mark(session)

    monkeypatch.setattr(document, "change_mark", change_mark)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    try:
        assert window.open_path(team)
        other = open_workspace(team)
        other.versions.user = "Priya Shah"
        plan = svc.list_plans(other)[0]
        m = svc.list_milestones(other, plan.id)[0]
        svc.edit_milestone(other, m.id, {"owner": "Priya"})
        other.close()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith(
            f"Priya Shah changed the milestone '{m.title}' at "), timeout=5000)
        assert len(marks_on_gui_thread) >= 2 and not any(marks_on_gui_thread)
    finally:
        window.tasks.wait()
        window._close_workspace()
