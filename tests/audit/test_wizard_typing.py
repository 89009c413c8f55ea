"""The import wizard as a user types in it (issue 15): a path typed is read without Enter,
a path that names no file says so, statuses that wait are guessed as queue, and events
dated after today are counted and imported only once the user agrees."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from desktop.tasks import TaskRunner
from models.audit import Transition, store
from models.audit.kinds import guess_kind
from models.plan import service as svc
from tests.conftest import FEATURES
from views.audit.importer import audit_import_spec, log_facts
from views.common.document import WorkspaceDocument
from views.common.import_wizard import ImportWizard

NEXT = QWizard.WizardButton.NextButton
UTC = timezone.utc
TODAY = date(2026, 3, 16)
#: a log whose last two rows are dated after TODAY
LOG = (
    "item,timestamp,from,to\n"
    "A-1,2026-03-02 09:00,,Backlog\n"
    "A-1,2026-03-03 09:00,Backlog,In Design\n"
    "A-1,2026-03-05 09:00,In Design,Design approval\n"
    "A-1,2026-03-16 23:30,Design approval,Legal review\n"
    "A-1,2026-03-17 00:30,Legal review,Done\n"
    "A-2,2026-04-02 12:00,,Backlog\n"
)


@pytest.fixture
def env(qtbot, ws):
    plan_id = svc.create_plan(ws, svc.PlanDraft(name="Typing", start=date(2026, 3, 1), timezone="UTC"))
    doc = WorkspaceDocument(ws, FEATURES)
    host = QWidget()
    qtbot.addWidget(host)
    tasks = TaskRunner(host)
    wizard = ImportWizard(audit_import_spec(doc, plan_id, lambda: TODAY), tasks, host)
    qtbot.addWidget(wizard)
    wizard.show()
    yield doc, plan_id, wizard
    tasks.wait()
    wizard.close()


def test_next_is_enabled_after_typing_a_path_without_enter(qtbot, env, tmp_path):
    _doc, _plan, wizard = env
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    edit = wizard.file_page.path_edit
    edit.setFocus()
    assert not wizard.button(NEXT).isEnabled()
    qtbot.keyClicks(edit, str(path))  # no Enter, the focus stays in the field
    qtbot.waitUntil(lambda: wizard.button(NEXT).isEnabled(), timeout=5000)
    assert wizard.file_page.preview is not None and wizard.file_page.model.rowCount() == 6
    # typing on (another file): Next waits for it again
    qtbot.keyClicks(edit, ".bak")
    assert not wizard.button(NEXT).isEnabled()
    qtbot.waitUntil(lambda: wizard.file_page.status.text() == f"No file at {path}.bak.", timeout=5000)
    assert not wizard.button(NEXT).isEnabled() and wizard.file_page.preview is None
    # back to the file: read again, Next on
    for _ in range(4):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: wizard.button(NEXT).isEnabled(), timeout=5000)


def test_events_after_today_are_counted_and_need_consent(qtbot, env, tmp_path):
    doc, plan_id, wizard = env
    path = tmp_path / "future.csv"
    path.write_text(LOG, encoding="utf-8")
    wizard.set_path(path)
    qtbot.waitUntil(lambda: wizard.button(NEXT).isEnabled(), timeout=5000)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)  # to the mapping
    assert wizard.mapping_page.mapping() == {"item": "item", "at": "timestamp", "from": "from", "to": "to"}
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)  # read
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    page = wizard.extra_page
    kinds = {r.status: r.kind for r in page.model.rows()}
    assert kinds == {"Backlog": "queue", "In Design": "active", "Design approval": "queue",
                     "Legal review": "queue", "Done": "done"}
    for row, dept in ((0, "Marketing"), (1, "Design"), (2, "Design"), (3, "Legal")):
        if not page.model.rows()[row].department:
            assert page.model.setData(page.model.index(row, 1), dept)
    # 2026-03-17 00:30 and 2026-04-02 12:00 are after 16 Mar (23:30 on the 16th is not)
    assert page.future_events() == 2
    assert page.future.isVisibleTo(page) and page.future_ok.isVisibleTo(page)
    assert page.future.text().startswith("⚠ 2 events are dated after today (16 Mar 2026), the latest on "
                                         "02 Apr 2026 12:00.")
    assert not page.missing() and not wizard.button(NEXT).isEnabled()  # Import waits for consent
    page.future_ok.setChecked(True)
    assert wizard.button(NEXT).isEnabled() and wizard.button(NEXT).text() == "Import"
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    assert wizard.report_page.headline.text() == "Imported."
    assert "2 of them are dated after today, as you agreed" in wizard.report_page.summary.text()
    assert store.active_import(doc.ws, plan_id).row_count == 6


def test_a_log_of_the_past_asks_nothing(qtbot, env, tmp_path):
    _doc, _plan, wizard = env
    path = tmp_path / "past.csv"
    path.write_text("\n".join(LOG.splitlines()[:4]) + "\n", encoding="utf-8")
    wizard.set_path(path)
    qtbot.waitUntil(lambda: wizard.button(NEXT).isEnabled(), timeout=5000)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    page = wizard.extra_page
    assert page.future_events() == 0 and not page.future.isVisibleTo(page) and not page.future_ok.isVisibleTo(page)


def test_log_facts_count_the_events_after_today_in_the_plans_zone():
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    rows = [Transition("A", datetime(2026, 3, 16, 22, 30, tzinfo=UTC), None, "Backlog"),  # 23:30 in Berlin
            Transition("A", datetime(2026, 3, 16, 23, 30, tzinfo=UTC), "Backlog", "Done")]  # 17 Mar 00:30
    assert log_facts(rows, TODAY, berlin).future == 1
    assert log_facts(rows, TODAY, UTC).future == 0
    assert log_facts(rows).future == 0  # no today: nothing counted


@pytest.mark.parametrize("status, kind", [
    ("Design approval", "queue"), ("Legal Review", "queue"), ("Code review", "queue"),
    ("Waiting for Legal", "queue"), ("Awaiting sign-off", "queue"), ("Ready for QA", "queue"),
    ("To Do", "queue"), ("Backlog", "queue"), ("Blocked", "queue"), ("On hold", "queue"),
    ("Done, awaiting release", "queue"),
    ("Done", "done"), ("Closed", "done"), ("Won't Do", "done"), ("Cancelled", "done"), ("Live", "done"),
    ("In Development", "active"), ("In Design", "active"), ("Delivery planning", "active"),
    ("Shareholder update", "active"), ("Build", "active"),
])
def test_status_kind_guesses(status, kind):
    assert guess_kind(status) == kind
