"""The import wizard on real exports: it asks which date column is the change
time, takes the creation time and current status columns, matches statuses
ignoring case, and reads the pages of a Jira search together."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from PySide6.QtWidgets import QFileDialog, QWizard

from models.audit import Stage, store
from tests.audit import test_import_wizard as wizard_tests
from tests.audit.test_import_wizard import choose, click_next, load, set_stage
from tests.audit.test_readers_exports import A1, A2, A3, CHANGELOG, page
from models.audit.readers import Problem
from views.common.import_wizard import ImportWizard, ProblemModel

UTC = timezone.utc
NEXT = QWizard.WizardButton.NextButton
env = wizard_tests.env  # the fixture: a plan in a workspace document, and a wizard maker


def wait_for(qtbot, wizard, page_id):
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=5000)


def report_lines(wizard):
    return wizard.report_page.summary.text().splitlines()


def opened(qtbot, make, path, text):
    """A wizard showing *path*, written with *text* first."""
    path.write_text(text, encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    return wizard


#: every row of an item carries its creation date, which a user may take for the change time
CREATED_AND_CHANGED = ("issue_key,issue_created_date,status_change_date,from_status,to_status\n"
                       "A-1,2026-01-05 09:00,2026-01-06 09:00,To Do,In Progress\n"
                       "A-1,2026-01-05 09:00,2026-01-08 09:00,In Progress,Done\n"
                       "A-2,2026-01-06 09:00,2026-01-07 12:00,To Do,In Progress\n")


def test_the_wizard_asks_for_the_change_time_and_builds_creation_rows(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    wizard = opened(qtbot, make, tmp_path / "changelog.csv", CHANGELOG)
    assert wizard.file_page.preview.ambiguous == {"at": ("issue_created_date", "status_change_date")}
    click_next(qtbot, wizard)

    mp = wizard.mapping_page
    assert mp.mapping() == {"item": "issue_key", "from": "from_status", "to": "to_status"}  # no guess for the time
    assert mp.choice_note.text() == (
        "Several columns could be the Timestamp (when the status changed): issue_created_date, "
        "status_change_date. Choose one: the import will not guess.")
    assert mp.problem.text() == "Choose a column for: Timestamp."
    assert not wizard.button(NEXT).isEnabled()
    choose(mp.combos["at"], "status_change_date")
    assert mp.choice_note.text() == "" and mp.choice_note.isHidden()
    choose(mp.combos["created"], "issue_created_date")
    choose(mp.combos["status"], "current_status")
    assert mp.samples["created"].text() == "2026-01-05 09:00"
    assert mp.date_format() is None  # ISO 8601 in both date columns
    click_next(qtbot, wizard)

    wait_for(qtbot, wizard, ImportWizard.EXTRA)
    sp = wizard.extra_page
    assert [(r.status, r.count) for r in sp.model.rows()] == [
        ("To Do", 5), ("In Progress", 3), ("Review", 2), ("Done", 1)]
    set_stage(sp, "To Do", "Product")
    set_stage(sp, "In Progress", "IT")
    set_stage(sp, "Review", "Legal")
    click_next(qtbot, wizard)

    wait_for(qtbot, wizard, ImportWizard.REPORT)
    assert wizard.report_page.headline.text() == "Imported."
    assert report_lines(wizard)[0] == "7 transitions of 3 items imported from changelog.csv."
    assert "3 creation rows built from the column 'issue_created_date'." in report_lines(wizard)
    assert "1 item left out: never moved, and no current status (A-4)." in report_lines(wizard)
    info = store.active_import(doc.ws, plan_id)
    assert info.settings["mapping"] == {"item": "issue_key", "at": "status_change_date", "from": "from_status",
                                        "to": "to_status", "created": "issue_created_date",
                                        "status": "current_status"}
    rows = store.load_transitions(doc.ws, plan_id)
    assert [(r.item, r.from_status, r.to_status) for r in rows][:3] == [
        ("A-1", None, "To Do"), ("A-1", "To Do", "In Progress"), ("A-1", "In Progress", "Review")]
    assert rows[0].at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the creation time, in the plan's zone
    assert store.analyse_plan(doc.ws, plan_id).flow_time_median == 4.0


def test_a_constant_time_column_chosen_in_the_wizard_is_refused(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    wizard = opened(qtbot, make, tmp_path / "changelog.csv", CREATED_AND_CHANGED)
    click_next(qtbot, wizard)
    choose(wizard.mapping_page.combos["at"], "issue_created_date")
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.REPORT)
    rp = wizard.report_page
    assert rp.headline.text() == "Nothing was stored."
    shown = [[rp.model.index(r, c).data() for c in range(4)] for r in range(rp.model.rowCount())]
    assert shown[0][:2] == ["1", "issue_created_date"]
    assert shown[0][3].startswith("never differs within an item (1 item with several rows)")
    assert store.active_import(doc.ws, plan_id) is None


def test_log_statuses_take_the_stored_spelling(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    store.set_stage_map(doc.ws, plan_id, [Stage("To Do", "Product", "queue"), Stage("In Progress", "IT", "active"),
                                          Stage("Review", "Legal", "queue"), Stage("Done", "IT", "done")])
    wizard = opened(qtbot, make, tmp_path / "cases.csv",
                    "key,at,from,to\n"
                    "K-1,2026-03-02 09:00,,to do\n"
                    "K-1,2026-03-03 09:00,to do,IN PROGRESS\n"
                    "K-1,2026-03-04 09:00,In progress,done\n"
                    "K-1,2026-03-04 09:00,In progress,done\n")  # a verbatim repeat
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.EXTRA)
    sp = wizard.extra_page
    assert [(r.status, r.count, r.new) for r in sp.model.rows()] == [
        ("To Do", 2, False), ("In Progress", 2, False), ("Done", 1, False)]
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.REPORT)
    assert "1 duplicate row (same item, time, from and to) dropped." in report_lines(wizard)
    rows = store.load_transitions(doc.ws, plan_id)
    assert [(r.from_status, r.to_status) for r in rows] == [
        (None, "To Do"), ("To Do", "In Progress"), ("In Progress", "Done")]
    assert list(store.get_stage_map(doc.ws, plan_id)) == ["To Do", "In Progress", "Review", "Done"]
    # the undo step keeps the aligned rows: redo stores them again without a status problem
    doc.undo_stack.undo()
    assert store.active_import(doc.ws, plan_id) is None
    doc.undo_stack.redo()
    assert [r.to_status for r in store.load_transitions(doc.ws, plan_id)] == ["To Do", "In Progress", "Done"]


def test_the_pages_of_a_jira_search_are_imported_together(qtbot, env, tmp_path, monkeypatch):
    doc, plan_id, make, _host = env
    first, second = tmp_path / "page1.json", tmp_path / "page2.json"
    first.write_text(json.dumps(page(A1, A2)), encoding="utf-8")
    second.write_text(json.dumps(page(A2, A3, start=2)), encoding="utf-8")
    wizard = make()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(first), str(second)], ""))
    wizard.file_page.browse()  # the user picks both pages in the file dialog
    qtbot.waitUntil(lambda: wizard.file_page.preview is not None, timeout=5000)
    fp = wizard.file_page
    assert fp.path_edit.text() == f"{first}; {second}"
    assert fp.detected.text() == ("Format: Jira JSON export (with changelog) · 2 files · encoding utf-8 · "
                                  "6 columns")
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.EXTRA)
    set_stage(wizard.extra_page, "To Do", "Product")
    set_stage(wizard.extra_page, "In Progress", "IT")
    set_stage(wizard.extra_page, "Review", "Legal")
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.REPORT)
    lines = report_lines(wizard)
    assert lines[0] == "7 transitions of 3 items imported from page1.json, page2.json."
    assert "1 issue repeated across pages kept once." in lines
    info = store.active_import(doc.ws, plan_id)
    assert info.settings["files"] == [str(first), str(second)] and info.source == str(first)
    stored = store.load_transitions(doc.ws, plan_id)
    assert sorted({r.item for r in stored}) == ["A-1", "A-2", "A-3"]


def test_several_paths_typed_with_a_csv_among_them_cannot_go_on(qtbot, env, tmp_path):
    _doc, _plan_id, make, _host = env
    first, log = tmp_path / "page1.json", tmp_path / "changelog.csv"
    first.write_text(json.dumps(page(A1)), encoding="utf-8")
    log.write_text(CHANGELOG, encoding="utf-8")
    wizard = make()
    wizard.file_page.path_edit.setText(f"{first}; {log}")
    wizard.file_page.path_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: "Cannot" in wizard.file_page.status.text(), timeout=5000)
    assert "changelog.csv: not a Jira JSON export" in wizard.file_page.status.text()
    assert not wizard.button(NEXT).isEnabled()


def test_one_date_format_reads_the_change_and_creation_times(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    store.set_stage_map(doc.ws, plan_id, [Stage("To Do", "Product", "queue"), Stage("In Progress", "IT", "active")])
    wizard = opened(qtbot, make, tmp_path / "days_first.csv",
                    "key;created;changed;from;to\n"
                    "D-1;02/03/2026 09:00;04/03/2026 10:00;To Do;In Progress\n"
                    "D-2;03/03/2026 09:00;;;\n")
    click_next(qtbot, wizard)
    mp = wizard.mapping_page
    assert "at" not in mp.mapping() and ": changed, created. Choose one" in mp.choice_note.text()
    choose(mp.combos["at"], "changed")
    choose(mp.combos["created"], "created")
    assert mp.date_combo.currentData() == ""  # 02/03 or 03/02: the user must say
    choose(mp.date_combo, "%d/%m/%Y %H:%M")
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.EXTRA)
    click_next(qtbot, wizard)
    wait_for(qtbot, wizard, ImportWizard.REPORT)
    # D-2 never moved and no status column is mapped: it is left out
    assert "1 item left out: never moved, and no current status (D-2)." in report_lines(wizard)
    rows = store.load_transitions(doc.ws, plan_id)
    assert [(r.item, r.at, r.to_status) for r in rows] == [
        ("D-1", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "To Do"),
        ("D-1", datetime(2026, 3, 4, 10, 0, tzinfo=UTC), "In Progress")]


def test_a_jira_problem_shows_its_line_and_issue():
    model = ProblemModel()
    model.set_rows([Problem("p2.json", 32, "toString", "Parked", "not in the stage map", item="A-9"),
                    Problem("log.csv", 4, "To", "x", "bad"), Problem("s.json", None, "key", None, "x", "#3")])
    assert [model.index(r, 0).data() for r in range(3)] == ["32 (issue A-9)", "4", "issue #3"]
