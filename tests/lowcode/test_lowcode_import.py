"""Importing a request ledger from CSV/XLSX: the reader on small real files, its failure
cases, and the shared import wizard configured for requests (all or nothing, one undo step)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from desktop.tasks import TaskRunner
from models.lowcode import service as svc
from models.audit.readers import Cancelled, LogError
from models.lowcode.service import RequestDraft
from models.lowcode.importer import guess_mapping, preview_requests, read_requests
from models.plan.service import PlanDraft, create_plan
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument
from views.common.import_wizard import ImportWizard
from views.lowcode.importer import lowcode_import_spec

D = date.fromisoformat
NEXT = QWizard.WizardButton.NextButton
BACK = QWizard.WizardButton.BackButton
MAPPING = {"title": "Request", "type": "Type", "team": "Team", "requested": "Requested on",
           "delivered": "Delivered on", "route": "Route", "tool": "Tool", "reason": "Reason"}

LEDGER = (
    "Request;Type;Team;Requested on;Delivered on;Route;Tool;Reason\n"
    "Spring landing page;Landing page;Brand;2026-03-02;2026-03-04;Self serve;PageCraft;\n"
    "Store locator block;landing page;Retail;2026-03-03;;DEV;;Missing component\n"
    "Welcome emails;email;CRM;2026-03-04;2026-03-05;marketing;Sequence Studio;\n"
    "\n"
    "Bundle rule;Promotion;Trading;2026-03-05;2026-03-19;Developer;;legal\n"
    "Size guide copy;;eCommerce;2026-03-06;2026-03-06;;;\n"
    "Reviews widget;integration;eCommerce;2026-03-07;;;;data access\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the reader

def test_a_semicolon_ledger_is_read_with_every_route_word(tmp_path):
    path = write(tmp_path, "ledger.csv", LEDGER)
    p = preview_requests(path)
    assert (p.format, p.delimiter, p.guessed_mapping) == ("csv", ";", MAPPING)
    assert p.date_formats == () and p.iso_dates
    records = read_requests(path, p.guessed_mapping)
    assert records.lines == [2, 3, 4, 6, 7, 8]  # the blank line 5 is skipped
    assert list(records) == [
        RequestDraft("Spring landing page", D("2026-03-02"), "landing page", "Brand", D("2026-03-04"),
                     "self-serve", "PageCraft", ""),
        RequestDraft("Store locator block", D("2026-03-03"), "landing page", "Retail", None, "developer", "",
                     "missing component"),
        RequestDraft("Welcome emails", D("2026-03-04"), "email sequence", "CRM", D("2026-03-05"), "self-serve",
                     "Sequence Studio", ""),
        RequestDraft("Bundle rule", D("2026-03-05"), "promotion or bundle rule", "Trading", D("2026-03-19"),
                     "developer", "", "legal or compliance"),
        RequestDraft("Size guide copy", D("2026-03-06"), "other", "eCommerce", D("2026-03-06"), "self-serve", "", ""),
        # no route given, but a reason: a developer request
        RequestDraft("Reviews widget", D("2026-03-07"), "integration", "eCommerce", None, "developer", "",
                     "data access"),
    ]


def test_day_first_dates_with_the_format_chosen(tmp_path):
    path = write(tmp_path, "ledger.csv", "Title,Requested,Delivered\n"
                                         "A,02/03/2026,05/03/2026\n"
                                         "B,13/03/2026,\n")
    p = preview_requests(path)
    assert p.guessed_mapping == {"title": "Title", "requested": "Requested", "delivered": "Delivered"}
    assert p.date_formats == ("%d/%m/%Y",)  # 13/03 rules out month first
    records = read_requests(path, p.guessed_mapping, "%d/%m/%Y")
    assert [(r.requested, r.delivered) for r in records] == [(D("2026-03-02"), D("2026-03-05")),
                                                             (D("2026-03-13"), None)]


def test_an_excel_sheet_with_real_date_cells(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    sheet = wb.create_sheet("Ledger")
    sheet.append(["Title", "Route", "Requested", "Delivered", "Why developer"])
    sheet.append(["Quiz page", "developer", datetime(2026, 3, 2, 9, 30), date(2026, 3, 12), "Missing component"])
    sheet.append(["Hero test", "self-serve", date(2026, 3, 3), None, None])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    p = preview_requests(path, "Ledger")
    assert (p.format, p.sheets, p.sheet) == ("xlsx", ("Notes", "Ledger"), "Ledger")
    assert p.guessed_mapping == {"title": "Title", "requested": "Requested", "delivered": "Delivered",
                                 "route": "Route", "reason": "Why developer"}
    records = read_requests(path, p.guessed_mapping, None, "Ledger")
    assert [(r.title, r.requested, r.delivered, r.route, r.reason) for r in records] == [
        ("Quiz page", D("2026-03-02"), D("2026-03-12"), "developer", "missing component"),
        ("Hero test", D("2026-03-03"), None, "self-serve", "")]


def test_every_bad_row_is_reported_with_file_line_and_column(tmp_path):
    path = write(tmp_path, "bad.csv",
                 "Title,Requested,Delivered,Route,Reason,Type\n"
                 "Fine,2026-03-01,2026-03-02,self-serve,,\n"          # line 2
                 ",2026-03-01,,self-serve,,\n"                         # 3: no title
                 "Late,2026-03-05,2026-03-01,developer,skills,\n"      # 4: delivered before requested
                 "Odd date,31/02/2026,,self-serve,,\n"                 # 5: not ISO
                 "Agency,2026-03-01,,agency,,\n"                       # 6: unknown route
                 "Reasoned,2026-03-01,,self-serve,skills,\n"           # 7: reason on self-serve
                 "Banner,2026-03-01,,self-serve,,banner\n"             # 8: unknown type
                 "No date,,,self-serve,,\n"                            # 9: requested empty
                 "Budget,2026-03-01,,developer,budget,\n")             # 10: unknown reason
    with pytest.raises(LogError) as exc:
        read_requests(path, preview_requests(path).guessed_mapping)
    got = [(p.file, p.line, p.column, p.value) for p in exc.value.problems]
    assert got == [
        ("bad.csv", 3, "Title", "", ),
        ("bad.csv", 4, "Delivered", "2026-03-01"),
        ("bad.csv", 5, "Requested", "31/02/2026"),
        ("bad.csv", 6, "Route", "agency"),
        ("bad.csv", 7, "Reason", "skills"),
        ("bad.csv", 8, "Type", "banner"),
        ("bad.csv", 9, "Requested", ""),
        ("bad.csv", 10, "Reason", "budget"),
    ]
    text = str(exc.value).splitlines()
    assert text[0] == "bad.csv, line 3, column 'Title': the title is empty"
    assert text[1] == ("bad.csv, line 4, column 'Delivered': the delivered date 2026-03-01 is before the "
                       "requested date 2026-03-05")
    assert text[2] == "bad.csv, line 5, column 'Requested': '31/02/2026' is not a date YYYY-MM-DD " \
                      "(or choose the date format)"


@pytest.mark.parametrize("content, name, message", [
    ("Title,Requested\n", "empty.csv", "empty.csv: the file has a header but no requests"),
    ("", "blank.csv", "blank.csv: the file is empty"),
    (",,\n,,\n", "commas.csv", "commas.csv: no header row: the file has no data"),
    (json.dumps({"issues": [{"key": "A-1", "fields": {}}]}), "jira.json",
     "jira.json: a Jira export holds status changes, not a request ledger"),
])
def test_files_that_hold_no_ledger_are_refused(tmp_path, content, name, message):
    path = write(tmp_path, name, content)
    with pytest.raises(LogError) as exc:
        read_requests(path, {"title": "Title", "requested": "Requested"})
    assert str(exc.value).startswith(message)


def test_a_mapping_naming_a_missing_column_or_leaving_out_a_required_field(tmp_path):
    path = write(tmp_path, "ledger.csv", "Title,Requested\nA,2026-03-01\n")
    with pytest.raises(LogError, match="ledger.csv, line 1, column 'When': no column named 'When'"):
        read_requests(path, {"title": "Title", "requested": "When"})
    with pytest.raises(LogError, match="ledger.csv: choose a column for: requested"):
        read_requests(path, {"title": "Title"})


def test_reading_can_be_cancelled(tmp_path):
    path = write(tmp_path, "ledger.csv", "Title,Requested\nA,2026-03-01\n")
    with pytest.raises(Cancelled):
        read_requests(path, {"title": "Title", "requested": "Requested"}, is_cancelled=lambda: True)


def test_guess_mapping_prefers_exact_names():
    assert guess_mapping(["Request date", "Request", "Delivery date", "Requesting team", "Tool used"]) == {
        "title": "Request", "team": "Requesting team", "requested": "Request date",
        "delivered": "Delivery date", "tool": "Tool used"}


# --------------------------------------------------------------------------- the wizard

@pytest.fixture
def env(qtbot, ws):
    plan_id = create_plan(ws, PlanDraft(name="Plan", start=D("2026-02-02")))
    doc = WorkspaceDocument(ws, FEATURES)
    host = QWidget()
    qtbot.addWidget(host)
    tasks = TaskRunner(host)
    made = []

    def make():
        w = ImportWizard(lowcode_import_spec(doc, plan_id), tasks, host)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield doc, plan_id, make, host, tasks
    tasks.wait()
    for w in made:
        w.close()


def run_to_report(qtbot, wizard, path):
    wizard.set_path(path)
    qtbot.waitUntil(lambda: wizard.file_page.preview is not None, timeout=5000)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == ImportWizard.MAPPING
    assert wizard.button(NEXT).text() == "Import" and wizard.button(NEXT).isEnabled()
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.REPORT, timeout=5000)
    return wizard.report_page


def test_the_wizard_imports_a_ledger_as_one_undo_step(qtbot, env, tmp_path):
    doc, plan_id, make, _host, _tasks = env
    wizard = make()
    rp = run_to_report(qtbot, wizard, write(tmp_path, "ledger.csv", LEDGER))
    assert wizard.mapping_page.mapping() == MAPPING
    assert rp.headline.text() == "Imported."
    assert rp.summary.text().splitlines() == [
        "6 requests imported from ledger.csv: 3 self-serve, 3 developer, 2 still open.",
        "Requested from 2026-03-02 to 2026-03-07.",
        "Edit ▸ Undo takes them all back out.",
    ]
    stored = svc.list_requests(doc.ws, plan_id)
    assert [r.title for r in stored] == ["Spring landing page", "Store locator block", "Welcome emails",
                                         "Bundle rule", "Size guide copy", "Reviews widget"]
    f = svc.lowcode_state(doc.ws, plan_id, TODAY).figures
    # the three developer requests are open as of today: two without a date, the bundle ships on 19 Mar
    assert (f.delivered, f.self_serve, len(f.open_developer_queue)) == (3, 3, 3)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Import 6 requests from ledger.csv"
    doc.undo_stack.undo()
    assert svc.list_requests(doc.ws, plan_id) == []
    doc.undo_stack.redo()
    assert svc.list_requests(doc.ws, plan_id) == stored


def test_one_bad_row_stores_nothing_and_the_report_names_it(qtbot, env, tmp_path):
    doc, plan_id, make, _host, _tasks = env
    svc.add_request(doc.ws, plan_id, RequestDraft("Already there", D("2026-03-01")))
    wizard = make()
    text = LEDGER.replace("Welcome emails;email;CRM;2026-03-04;2026-03-05",
                          "Welcome emails;email;CRM;2026-03-04;2026-03-01")
    rp = run_to_report(qtbot, wizard, write(tmp_path, "ledger.csv", text))
    assert rp.headline.text() == "Nothing was stored."
    assert "1 problem found in ledger.csv" in rp.summary.text()
    row = [rp.model.index(0, c).data() for c in range(4)]
    assert row[:3] == ["4", "Delivered on", "2026-03-01"]
    assert row[3].startswith("the delivered date 2026-03-01 is before")
    assert [r.title for r in svc.list_requests(doc.ws, plan_id)] == ["Already there"]
    assert doc.undo_stack.count() == 0
    qtbot.mouseClick(wizard.button(BACK), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == ImportWizard.MAPPING


def test_a_store_that_fails_stores_nothing(qtbot, env, tmp_path, monkeypatch):
    doc, plan_id, make, _host, _tasks = env

    def refuse(*_a, **_k):
        raise svc.PlanError("no plan with id 99")

    monkeypatch.setattr(svc, "import_requests", refuse)
    wizard = make()
    rp = run_to_report(qtbot, wizard, write(tmp_path, "ledger.csv", LEDGER))
    assert rp.headline.text() == "Nothing was stored."
    assert rp.model.index(0, 3).data() == "no plan with id 99"
    assert svc.list_requests(doc.ws, plan_id) == [] and doc.undo_stack.count() == 0


def test_the_page_opens_the_wizard(qtbot, env):
    from views.lowcode.page import LowcodePage

    doc, _plan_id, _make, _host, tasks = env
    page = LowcodePage(doc, lambda: TODAY, tasks)
    qtbot.addWidget(page)
    page.refresh()
    page.show()
    page.import_button.click()
    wizard = page.findChild(ImportWizard)
    assert wizard is not None and wizard.windowTitle() == "Import requests"
    assert [f.key for f in wizard.spec.fields] == ["title", "type", "team", "requested", "delivered", "route",
                                                   "tool", "reason"]
    wizard.close()
