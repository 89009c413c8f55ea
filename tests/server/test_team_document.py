"""Two documents (two app windows) on one team workspace: the stale edit and the stale undo
are refused with who and when, the pages are told to reload, and the other's edit arrives."""
from __future__ import annotations

import pytest

from desktop.cli import main
from desktop.features import FEATURES
from models.core.workspace import open_workspace
from models.plan import service as svc
from views.common.document import WorkspaceDocument
from views.plan.commands import EditMilestone


@pytest.fixture
def two_docs(qtbot, pg_url, demo_ws):
    path = demo_ws.path
    demo_ws.close()
    assert main(["workspace", "push", str(path), pg_url]) == 0
    docs = []
    for user in ("Priya Shah", "Sam Lee"):
        ws = open_workspace(pg_url)
        ws.versions.user = user
        docs.append(WorkspaceDocument(ws, FEATURES))
    yield docs
    for doc in docs:
        doc._poll.stop()
        doc.ws.close()


def _first(doc):
    return svc.list_milestones(doc.ws, doc.plan_id)[0]


def test_the_other_window_is_told_and_reloads(qtbot, two_docs):
    a, b = two_docs
    m = _first(a)
    _first(b)  # both show it
    assert a.execute(EditMilestone(a, m.id, {"owner": "Priya"}, "Edit owner"))
    with qtbot.waitSignal(b.notice, timeout=5000) as told, qtbot.waitSignal(b.changed, timeout=5000):
        pass  # b's poll (every 2 s) sees it
    assert told.args[0].startswith("Priya Shah changed milestones at ")
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
