"""The import wizard, driven page by page as a user would, on small real files."""
from __future__ import annotations

import json
import time
from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget, QWizard

from desktop.tasks import TaskRunner
from models.plan import service as svc
from models.audit import Stage, store
from models.audit.readers import COMMON_DATE_FORMATS, Problem
from views.audit import importer as audit_import
from views.audit.importer import audit_import_spec, log_facts
from models.audit.kinds import guess_kind
from views.audit.tables import StageMapModel, StageRow
from views.common.document import WorkspaceDocument
from tests.conftest import FEATURES
from views.common.import_wizard import (
    ImportWizard,
    PreviewModel,
    ProblemModel,
    ambiguous_example,
    candidate_formats,
    format_example,
)

UTC = timezone.utc
NEXT = QWizard.WizardButton.NextButton
BACK = QWizard.WizardButton.BackButton

SEMICOLON_LOG = (
    "Ref;Moment;Prior;Now;Headline\n"
    "A-1;02/03/2026 09:00;;Backlog;Hero banner\n"
    "A-1;03/03/2026 09:00;Backlog;In Design;Hero banner\n"
    "A-1;05/03/2026 09:00;In Design;Design Approval;Hero banner\n"
    "A-1;10/03/2026 09:00;Design Approval;Done;Hero banner\n"
    "A-2;04/03/2026 12:00;;Backlog;Promo\n"
    "A-2;06/03/2026 12:00;Backlog;In Design;Promo\n"
)


@pytest.fixture
def env(qtbot, ws):
    plan_id = svc.create_plan(ws, svc.PlanDraft(name="Audit test", start=date(2026, 3, 1), timezone="UTC"))
    doc = WorkspaceDocument(ws, FEATURES)
    host = QWidget()
    qtbot.addWidget(host)
    tasks = TaskRunner(host)
    made = []

    def wizard():
        w = ImportWizard(audit_import_spec(doc, plan_id), tasks, host)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield doc, plan_id, wizard, host
    tasks.wait()
    for w in made:
        w.close()


def click_next(qtbot, wizard):
    button = wizard.button(NEXT)
    assert button.isEnabled(), "Next is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def load(qtbot, wizard, path):
    wizard.set_path(path)
    qtbot.waitUntil(lambda: wizard.file_page.preview is not None or "Cannot" in wizard.file_page.status.text(),
                    timeout=5000)


def choose(combo, data):
    pos = combo.findData(data)
    assert pos >= 0, f"{data!r} not offered"
    combo.setCurrentIndex(pos)


def set_stage(page, status, department=None, kind=None):
    model: StageMapModel = page.model
    row = next(i for i, r in enumerate(model.rows()) if r.status == status)
    if department is not None:
        assert model.setData(model.index(row, 1), department)
    if kind is not None:
        assert model.setData(model.index(row, 2), kind)


def test_semicolon_log_with_ambiguous_dates_is_imported_page_by_page(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    path = tmp_path / "handoffs.csv"
    path.write_text(SEMICOLON_LOG, encoding="utf-8")
    wizard = make()

    # 1. file and preview
    assert not wizard.button(NEXT).isEnabled()
    load(qtbot, wizard, path)
    page = wizard.file_page
    assert page.detected.text() == "Format: CSV text · encoding utf-8 · delimiter semicolon · 5 columns"
    assert page.model.rowCount() == 6 and page.model.columnCount() == 5
    assert page.model.index(2, 3).data() == "Design Approval"
    assert page.delimiter_combo.isVisibleTo(page) and not page.sheet_combo.isVisibleTo(page)
    click_next(qtbot, wizard)

    # 2. columns: nothing could be guessed from these names, and the dates are ambiguous
    assert wizard.currentId() == ImportWizard.MAPPING
    mp = wizard.mapping_page
    assert all(c.currentData() == "" for c in mp.combos.values())
    assert not wizard.button(NEXT).isEnabled()
    assert mp.problem.text() == "Choose a column for: Item id, Timestamp, To status."
    for key, column in (("item", "Ref"), ("at", "Moment"), ("from", "Prior"), ("to", "Now"),
                        ("title", "Headline")):
        choose(mp.combos[key], column)
    assert mp.samples["at"].text() == "02/03/2026 09:00"
    assert mp.date_combo.currentData() == ""  # "Choose how to read the dates…"
    assert "ambiguous" in mp.date_note.text() and "'02/03/2026 09:00'" in mp.date_note.text()
    assert not wizard.button(NEXT).isEnabled()
    offered = [mp.date_combo.itemData(i) for i in range(mp.date_combo.count())]
    assert {"%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"} <= set(offered)
    choose(mp.date_combo, "%d/%m/%Y %H:%M")
    assert mp.date_note.text() == "'02/03/2026 09:00' reads as 2 Mar 2026 09:00."
    assert wizard.button(NEXT).isEnabled()
    click_next(qtbot, wizard)

    # 3. read in a worker, then every status found is mapped
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    sp = wizard.extra_page
    rows = {r.status: r for r in sp.model.rows()}
    assert {s: (r.kind, r.count, r.new) for s, r in rows.items()} == {
        "Backlog": ("queue", 4, True), "In Design": ("active", 3, True),
        "Design Approval": ("queue", 2, True), "Done": ("done", 1, True)}  # an approval waits (issue 15)
    assert sp.summary.text().startswith("4 statuses found in 2 items; 4 are new")
    assert not wizard.button(NEXT).isEnabled()
    head, _, names = sp.problem.text().partition(": ")
    assert head == "3 statuses still need a department"
    assert sorted(names.split(", ")) == ["Backlog", "Design Approval", "In Design"]
    set_stage(sp, "Backlog", "Marketing")
    set_stage(sp, "In Design", "Design")
    set_stage(sp, "Design Approval", "Marketing")  # already guessed queue
    assert wizard.button(NEXT).isEnabled() and wizard.button(NEXT).text() == "Import"
    click_next(qtbot, wizard)

    # 4. stored in a worker; the report says what
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    rp = wizard.report_page
    assert rp.headline.text() == "Imported."
    assert rp.summary.text().splitlines()[:2] == [
        "6 transitions of 2 items imported from handoffs.csv.",
        "They run from 2026-03-02 09:00 to 2026-03-10 09:00 (8 days).",
    ]
    assert not wizard.button(BACK).isEnabled()  # a stored import is undone with Edit ▸ Undo

    info = store.active_import(doc.ws, plan_id)
    assert (info.row_count, info.format) == (6, "csv")
    assert info.settings["mapping"] == {"item": "Ref", "at": "Moment", "from": "Prior", "to": "Now",
                                        "title": "Headline"}
    assert info.settings["date_format"] == "%d/%m/%Y %H:%M" and info.settings["delimiter"] == ";"
    rows = store.load_transitions(doc.ws, plan_id)
    assert rows[0].at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # day first, as chosen; plan zone UTC
    assert rows[3].to_status == "Done" and rows[3].at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert rows.lines == [2, 3, 4, 5, 6, 7]
    assert store.get_stage_map(doc.ws, plan_id) == {
        "Backlog": Stage("Backlog", "Marketing", "queue"),
        "Design Approval": Stage("Design Approval", "Marketing", "queue"),
        "In Design": Stage("In Design", "Design", "active"),
        "Done": Stage("Done", "", "done"),
    }

    # 5. one undo step takes the log and the new stage map back out; redo stores them again
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Import handoffs.csv"
    doc.undo_stack.undo()
    assert store.active_import(doc.ws, plan_id) is None
    assert store.get_stage_map(doc.ws, plan_id) == {}
    doc.undo_stack.redo()
    assert store.active_import(doc.ws, plan_id).row_count == 6
    assert len(store.get_stage_map(doc.ws, plan_id)) == 4


def test_a_bad_log_lists_its_problems_and_stores_nothing(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    path = tmp_path / "bad.csv"
    path.write_text("item,timestamp,from,to\n"
                    "X-1,2026-03-01 09:00,,Backlog\n"
                    ",2026-03-02 09:00,Backlog,In Design\n"
                    "X-1,2026-02-30 10:00,Backlog,Done\n", encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    click_next(qtbot, wizard)
    mp = wizard.mapping_page
    assert mp.mapping() == {"item": "item", "at": "timestamp", "from": "from", "to": "to"}
    assert mp.date_format() is None  # mostly ISO 8601: the reader reports the odd one out
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    rp = wizard.report_page
    assert rp.headline.text() == "Nothing was stored."
    assert "2 problems found in bad.csv" in rp.summary.text()
    shown = [[rp.model.index(r, c).data() for c in range(4)] for r in range(rp.model.rowCount())]
    assert shown[0] == ["3", "item", "", "missing item id"]
    assert shown[1][:3] == ["4", "timestamp", "2026-02-30 10:00"] and shown[1][3].startswith("bad date")
    assert store.active_import(doc.ws, plan_id) is None and store.get_stage_map(doc.ws, plan_id) == {}
    assert doc.undo_stack.count() == 0
    # Back leads to the mapping to fix it
    assert wizard.button(BACK).isEnabled()
    qtbot.mouseClick(wizard.button(BACK), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == ImportWizard.MAPPING


def test_more_than_20_problems_show_20_and_the_count(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    lines = ["item,timestamp,to"] + [f"I-{n},not a date {n},Backlog" for n in range(25)]
    lines.insert(1, "I-0,2026-03-01 09:00,Backlog")
    lines.insert(2, "I-1,2026-03-01 10:00,Backlog")
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    click_next(qtbot, wizard)
    choose(wizard.mapping_page.date_combo, "iso")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    rp = wizard.report_page
    assert rp.model.rowCount() == 20
    assert rp.model.index(0, 0).data() == "4" and rp.model.index(19, 0).data() == "23"
    assert rp.more.text().startswith("…and 5 more problems.")
    assert store.active_import(doc.ws, plan_id) is None


def test_cancelling_the_store_stores_nothing(qtbot, env, tmp_path, monkeypatch):
    doc, plan_id, make, host = env
    real = audit_import.store_in_worker

    def slow_store(ws, plan_id, stages, transitions, *, progress=None, is_cancelled=None, **kw):
        progress(0, len(transitions))
        deadline = time.monotonic() + 5
        while not is_cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(ws, plan_id, stages, transitions, progress=progress, is_cancelled=is_cancelled, **kw)

    monkeypatch.setattr(audit_import, "store_in_worker", slow_store)
    store.set_stage_map(doc.ws, plan_id, [Stage("Backlog", "Marketing", "queue"),
                                          Stage("In Design", "Design", "active"),
                                          Stage("Design Approval", "Marketing", "queue"),
                                          Stage("Done", "", "done")])
    before = store.get_stage_map(doc.ws, plan_id)
    path = tmp_path / "handoffs.csv"
    path.write_text(SEMICOLON_LOG, encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    click_next(qtbot, wizard)
    mp = wizard.mapping_page
    for key, column in (("item", "Ref"), ("at", "Moment"), ("from", "Prior"), ("to", "Now")):
        choose(mp.combos[key], column)
    choose(mp.date_combo, "%m/%d/%Y %H:%M")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    assert not any(r.new for r in wizard.extra_page.model.rows())  # all known from the stored map
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in host.findChildren(QProgressDialog)), timeout=5000)
    dialog = next(d for d in host.findChildren(QProgressDialog) if d.isVisible())
    assert dialog.labelText().startswith("Storing 6 transitions")
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    with qtbot.waitSignal(wizard.stepFinished, timeout=5000) as blocker:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert blocker.args == ["cancelled"]
    assert wizard.currentId() == ImportWizard.EXTRA
    assert wizard.extra_page.problem.text() == "Import cancelled: nothing was stored."
    assert store.active_import(doc.ws, plan_id) is None
    assert store.get_stage_map(doc.ws, plan_id) == before
    assert doc.undo_stack.count() == 0


def test_cancel_on_the_wizard_while_storing_stops_the_worker_then_closes(qtbot, env, tmp_path, monkeypatch):
    doc, plan_id, make, host = env
    real = audit_import.store_in_worker
    started = []

    def slow_store(ws, plan_id, stages, transitions, *, progress=None, is_cancelled=None, **kw):
        started.append(True)
        deadline = time.monotonic() + 5
        while not is_cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(ws, plan_id, stages, transitions, progress=progress, is_cancelled=is_cancelled, **kw)

    monkeypatch.setattr(audit_import, "store_in_worker", slow_store)
    path = tmp_path / "log.csv"
    path.write_text("item,at,to\nK-1,2026-03-02 09:00,Backlog\nK-1,2026-03-03 09:00,Build\n", encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    set_stage(wizard.extra_page, "Backlog", "Marketing")
    set_stage(wizard.extra_page, "Build", "IT")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert wizard.busy
    assert not wizard.button(NEXT).isEnabled() and not wizard.button(BACK).isEnabled()
    wizard.reject()  # the wizard's Cancel button, Escape or closing the window
    assert wizard.isVisible()  # not before the worker has stopped
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)
    assert not wizard.busy
    assert store.active_import(doc.ws, plan_id) is None and store.get_stage_map(doc.ws, plan_id) == {}
    assert doc.undo_stack.count() == 0


def test_excel_sheet_is_chosen_and_real_date_cells_are_read(qtbot, env, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    doc, plan_id, make, _host = env
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "Exported from the agency tracker"
    sheet = wb.create_sheet("Log")
    sheet.append(["Key", "Changed", "From", "To"])
    sheet.append(["W-1", datetime(2026, 3, 2, 9, 0), None, "Brief"])
    sheet.append(["W-1", datetime(2026, 3, 4, 15, 30), "Brief", "Legal Review"])
    path = tmp_path / "log.xlsx"
    wb.save(path)
    store.set_stage_map(doc.ws, plan_id, [Stage("Brief", "Marketing", "active"),
                                          Stage("Legal Review", "Legal", "queue")])
    wizard = make()
    load(qtbot, wizard, path)
    page = wizard.file_page
    assert page.preview.sheet == "Notes" and page.sheet_combo.isVisibleTo(page)
    page.sheet_combo.setCurrentText("Log")
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.sheet == "Log", timeout=5000)
    assert page.detected.text() == "Format: Excel workbook · sheet 'Log' · 4 columns"
    click_next(qtbot, wizard)
    assert wizard.mapping_page.mapping() == {"item": "Key", "at": "Changed", "from": "From", "to": "To"}
    assert wizard.mapping_page.date_format() is None
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    rows = store.load_transitions(doc.ws, plan_id)
    assert [(r.item, r.at, r.to_status) for r in rows] == [
        ("W-1", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "Brief"),
        ("W-1", datetime(2026, 3, 4, 15, 30, tzinfo=UTC), "Legal Review")]
    assert store.active_import(doc.ws, plan_id).settings["sheet"] == "Log"


def test_a_jira_export_is_detected_by_content_and_needs_no_mapping(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    data = {"issues": [{
        "key": "SHOP-7", "fields": {"created": "2026-03-02T09:00:00.000+0100", "summary": "Promo page",
                                    "status": {"name": "Done"}},
        "changelog": {"histories": [  # newest first, as Jira sends them
            {"created": "2026-03-05T10:00:00.000+0100",
             "items": [{"field": "status", "fromString": "In Progress", "toString": "Done"}]},
            {"created": "2026-03-03T09:00:00.000+0100",
             "items": [{"field": "assignee", "fromString": "a", "toString": "b"},
                       {"field": "status", "fromString": "To Do", "toString": "In Progress"}]},
        ]}}]}
    path = tmp_path / "search.txt"  # the name does not matter, the content does
    path.write_text(json.dumps(data), encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    assert wizard.file_page.detected.text().startswith("Format: Jira JSON export")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    assert [r.status for r in wizard.extra_page.model.rows()] == ["To Do", "In Progress", "Done"]
    assert [r.kind for r in wizard.extra_page.model.rows()] == ["queue", "active", "done"]
    set_stage(wizard.extra_page, "To Do", "Marketing")
    set_stage(wizard.extra_page, "In Progress", "IT")
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    assert wizard.visitedIds() == [ImportWizard.FILE, ImportWizard.EXTRA, ImportWizard.REPORT]
    rows = store.load_transitions(doc.ws, plan_id)
    assert [(r.from_status, r.to_status, r.at.isoformat()) for r in rows] == [
        (None, "To Do", "2026-03-02T09:00:00+01:00"),
        ("To Do", "In Progress", "2026-03-03T09:00:00+01:00"),
        ("In Progress", "Done", "2026-03-05T10:00:00+01:00")]


def test_an_unreadable_file_says_why_and_cannot_go_on(qtbot, env, tmp_path):
    _doc, _plan_id, make, _host = env
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    wizard = make()
    load(qtbot, wizard, path)
    assert wizard.file_page.status.text().startswith("Cannot read this file:")
    assert "old Excel .xls" in wizard.file_page.status.text()
    assert not wizard.button(NEXT).isEnabled()


def test_a_typed_date_format_is_used(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    store.set_stage_map(doc.ws, plan_id, [Stage("Queue", "IT", "queue"), Stage("Work", "IT", "active")])
    path = tmp_path / "compact.csv"
    path.write_text("item|at|to\nC-1|02-Mar-2026 09h30|Queue\nC-1|03-Mar-2026 10h00|Work\n", encoding="utf-8")
    wizard = make()
    load(qtbot, wizard, path)
    assert "delimiter pipe" in wizard.file_page.detected.text()
    click_next(qtbot, wizard)
    mp = wizard.mapping_page
    assert mp.date_combo.currentData() == "other" and not wizard.button(NEXT).isEnabled()
    mp.date_edit.setText("%d-%b-%Y %Hh%M")
    assert mp.date_note.text() == "'02-Mar-2026 09h30' reads as 2 Mar 2026 09:30."
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.EXTRA, timeout=5000)
    click_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    assert store.load_transitions(doc.ws, plan_id)[1].at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_the_last_column_mapping_of_the_plan_is_remembered(qtbot, env, tmp_path):
    doc, plan_id, make, _host = env
    store.set_stage_map(doc.ws, plan_id, [Stage("Backlog", "Marketing", "queue"),
                                          Stage("In Design", "Design", "active"),
                                          Stage("Design Approval", "Marketing", "queue"),
                                          Stage("Done", "", "done")])
    from models.audit.readers import read_transitions

    path = tmp_path / "handoffs.csv"
    path.write_text(SEMICOLON_LOG, encoding="utf-8")
    mapping = {"item": "Ref", "at": "Moment", "from": "Prior", "to": "Now"}
    rows = read_transitions(path, mapping, "%d/%m/%Y %H:%M", tz=UTC)
    store.store_log(doc.ws, plan_id, rows, source=str(path), format="csv", settings={"mapping": mapping})
    wizard = make()
    load(qtbot, wizard, path)
    click_next(qtbot, wizard)
    assert wizard.mapping_page.mapping() == mapping


# --------------------------------------------------------------------------- pieces

def test_date_format_helpers():
    assert format_example("%d/%m/%Y %H:%M", "03/04/2026 09:00") == "3 Apr 2026 09:00"
    assert format_example("%d/%m/%Y", "31/12/2026") == "31 Dec 2026"
    assert format_example("%d/%m/%Y", "2026-12-31") == ""
    both = ("%d/%m/%Y", "%m/%d/%Y")
    assert ambiguous_example(both, ["01/01/2026", "03/04/2026"]) == "03/04/2026"
    assert ambiguous_example(both, ["01/01/2026", "02/02/2026"]) is None
    assert candidate_formats(["25/04/2026 09:00", "26/04/2026 10:00"]) == ("%d/%m/%Y %H:%M",)
    # one typo in ten does not hide the format
    values = [f"{d:02d}/04/2026" for d in range(13, 22)] + ["3l/04/2026"]
    assert candidate_formats(values) == ("%d/%m/%Y",)
    assert candidate_formats(["soon", "later"]) == ()
    assert "%d/%m/%Y %H:%M" in COMMON_DATE_FORMATS


def test_log_facts_orders_statuses_by_their_place_in_the_flow():
    from models.audit import Transition

    def t(item, day, to):
        return Transition(item, datetime(2026, 3, day, tzinfo=UTC), None, to)

    # file order is scrambled; by time each item goes Backlog -> Build -> Review -> Done
    rows = [t("B", 9, "Done"), t("A", 2, "Backlog"), t("A", 5, "Review"), t("A", 3, "Build"),
            t("B", 1, "Backlog"), t("B", 4, "Build"), t("A", 8, "Done"), t("B", 6, "Review"), t("C", 7, "Backlog")]
    facts = log_facts(rows)
    assert [s for s, _n in facts.statuses] == ["Backlog", "Build", "Review", "Done"]
    assert dict(facts.statuses) == {"Backlog": 3, "Build": 2, "Review": 2, "Done": 2}
    assert (facts.items, facts.first.day, facts.last.day) == (3, 1, 9)


def test_new_statuses_get_a_first_guess_of_their_kind():
    assert [guess_kind(s) for s in ("Ready for QA", "Waiting for Legal", "In Development", "Closed",
                                    "Won't Do", "Code Review", "Backlog")] == [
        "queue", "queue", "active", "done", "done", "queue", "queue"]  # a review waits (issue 15)


def test_wizard_table_models_pass_the_model_tester(qtmodeltester):
    preview = PreviewModel()
    preview.set_rows(("a", "b"), (("1", "2"), ("3", "")))
    qtmodeltester.check(preview)
    problems = ProblemModel()
    problems.set_rows([Problem("f.csv", 3, "item", None, "missing item id"),
                       Problem("f.json", None, "fields.created", "x", "bad date", item="SHOP-1")])
    qtmodeltester.check(problems)
    assert problems.index(1, 0).data() == "issue SHOP-1"
    stages = StageMapModel(edit=lambda *_a: True)
    stages.set_rows([StageRow("Backlog", "Marketing", "queue", 4), StageRow("Done", "", "done", 1, True)])
    qtmodeltester.check(stages)


def test_preview_model_is_plain_text():
    model = PreviewModel()
    model.set_rows(("<b>col</b>",), (("<i>x</i>",),))
    assert model.index(0, 0).data() == "<i>x</i>"


def test_progress_reports_are_throttled_but_cancel_is_not(monkeypatch):
    from views.common import import_wizard as import_wizard
    class FakeProgress:
        cancelled = False

        def __init__(self):
            self.sent = []

        def report(self, done, total):
            if self.cancelled:
                raise RuntimeError("cancelled")
            self.sent.append((done, total))

    clock = [100.0]
    monkeypatch.setattr(import_wizard.time, "monotonic", lambda: clock[0])
    fake = FakeProgress()
    report = import_wizard.throttled(fake)
    for done in range(0, 10000, 2000):  # five calls within the same instant
        report(done, 10000)
    clock[0] += 0.2
    report(9000, 10000)
    report(10000, 10000)  # the last one always goes through
    assert fake.sent == [(0, 10000), (9000, 10000), (10000, 10000)]
    fake.cancelled = True
    with pytest.raises(RuntimeError):
        report(9500, 10000)  # throttled, yet the cancel is noticed at once
