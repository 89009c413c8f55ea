"""The Low-code page driven as a user would, its table models, and undo of every edit."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QStyleOptionViewItem

from models.lowcode import service as svc
from models.lowcode.service import RequestDraft, ToolDraft
from models.plan.service import list_plans
from models.plan.transfer import dump_plan
from tests.conftest import FEATURES, TODAY
from tests.common.undo import round_trip
from views.common.document import WorkspaceDocument
from views.common.rows import RowDelegate
from views.lowcode.commands import (
    SetTargetShare,
    add_request,
    add_tool,
    delete_request,
    delete_tool,
    edit_request,
    edit_tool,
    import_requests,
)
from views.lowcode.page import LowcodePage
from views.lowcode.tables import RequestTableModel, ToolTableModel

D = date.fromisoformat


def make_page(qtbot, doc) -> LowcodePage:
    page = LowcodePage(doc, lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()  # pages redraw on a change only while shown
    page.refresh()
    return page


def by_title(doc, title):
    return next(r for r in svc.list_requests(doc.ws, doc.plan_id) if r.title == title)


def cell(page, title, key):
    model = page.request_model
    for row in range(model.rowCount()):
        if model.row(row).title == title:
            return page.request_proxy.mapFromSource(model.index(row, model.column_index(key)))
    raise AssertionError(title)


# --------------------------------------------------------------------------- undo of every edit

def test_add_edit_delete_request_undo_redo(doc):
    draft = RequestDraft("Spring page", D("2026-03-02"), "landing page", "Brand", route="developer",
                         reason="missing component")
    round_trip(doc, add_request(doc, doc.plan_id, draft),
               lambda: by_title(doc, "Spring page").reason == "missing component" or pytest.fail())
    rid = by_title(doc, "Spring page").id
    round_trip(doc, edit_request(doc, rid, {"route": "self-serve"}),
               lambda: by_title(doc, "Spring page").reason == "" or pytest.fail("reason not cleared"))
    round_trip(doc, edit_request(doc, rid, {"delivered": D("2026-03-06")}),
               lambda: by_title(doc, "Spring page").lead_days == 4 or pytest.fail())
    round_trip(doc, delete_request(doc, rid, "Spring page"),
               lambda: svc.list_requests(doc.ws, doc.plan_id) == [] or pytest.fail())
    # after undoing the delete, the earlier edits still find the same row
    doc.undo_stack.undo()
    for _ in range(3):
        doc.undo_stack.undo()
    assert svc.list_requests(doc.ws, doc.plan_id) == []
    for _ in range(4):
        doc.undo_stack.redo()
    assert svc.list_requests(doc.ws, doc.plan_id) == []


def test_add_edit_delete_tool_undo_redo(doc):
    round_trip(doc, add_tool(doc, doc.plan_id, ToolDraft("PageCraft", "page builder", "Sofia", 3, "adopted")),
               lambda: svc.list_tools(doc.ws, doc.plan_id)[0].trained == 3 or pytest.fail())
    tid = svc.list_tools(doc.ws, doc.plan_id)[0].id
    round_trip(doc, edit_tool(doc, tid, {"trained": 8, "status": "rolling out"}),
               lambda: svc.get_tool(doc.ws, tid).trained == 8 or pytest.fail())
    round_trip(doc, delete_tool(doc, tid, "PageCraft"),
               lambda: svc.list_tools(doc.ws, doc.plan_id) == [] or pytest.fail())


def test_import_requests_is_one_undo_step(doc):
    drafts = [RequestDraft(f"R{i}", D("2026-03-01")) for i in range(3)]
    round_trip(doc, import_requests(doc, doc.plan_id, drafts, "ledger.csv"),
               lambda: len(svc.list_requests(doc.ws, doc.plan_id)) == 3 or pytest.fail())
    assert doc.undo_stack.count() == 1


def test_target_edits_merge_into_one_step_and_undo_to_the_default(doc):
    assert doc.execute(SetTargetShare(doc, doc.plan_id, 0.7))
    assert doc.execute(SetTargetShare(doc, doc.plan_id, 0.65))
    assert doc.undo_stack.count() == 1
    assert svc.get_target_share(doc.ws, doc.plan_id) == 0.65
    doc.undo_stack.undo()
    assert svc.get_target_share(doc.ws, doc.plan_id) == 0.8
    assert "lowcode" not in dump_plan(doc.ws, doc.plan_id, FEATURES)  # back to no stored target at all
    doc.undo_stack.redo()
    assert svc.get_target_share(doc.ws, doc.plan_id) == 0.65


def test_a_refused_edit_is_not_an_undo_step(doc):
    errors = []
    doc.error.connect(errors.append)
    rid = svc.add_request(doc.ws, doc.plan_id, RequestDraft("X", D("2026-03-05")))
    assert not doc.execute(edit_request(doc, rid, {"delivered": D("2026-03-01")}))
    assert not doc.execute(add_tool(doc, doc.plan_id, ToolDraft("  ")))
    assert doc.undo_stack.count() == 0
    assert errors == ["the delivered date 2026-03-01 is before the requested date 2026-03-05",
                      "tool name is required"]


# --------------------------------------------------------------------------- table models

def test_table_models_pass_the_model_tester(qtmodeltester, demo_ws):
    st = svc.lowcode_state(demo_ws, list_plans(demo_ws)[0].id, TODAY)
    requests = RequestTableModel(edit=lambda *_a: True)
    requests.set_rows(st.requests, TODAY)
    qtmodeltester.check(requests)
    tools = ToolTableModel(edit=lambda *_a: True)
    tools.set_usage(st.requests, TODAY)
    tools.set_rows(st.tools)
    qtmodeltester.check(tools)


def test_request_model_shows_open_ages_and_lead_times(doc):
    svc.import_requests(doc.ws, doc.plan_id, [
        RequestDraft("Open dev", D("2026-02-10"), route="developer", reason="skills"),
        RequestDraft("Shipped", D("2026-03-01"), delivered=D("2026-03-04")),
        RequestDraft("Later", D("2026-03-10"), delivered=D("2026-03-20")),
    ])
    model = RequestTableModel(edit=lambda *_a: True)
    model.set_rows(svc.list_requests(doc.ws, doc.plan_id), TODAY)
    lead = model.column_index("lead")
    reason = model.column_index("reason")
    texts = {model.row(r).title: model.index(r, lead).data() for r in range(3)}
    assert texts == {"Open dev": "open 34 d", "Shipped": "3 d", "Later": "open 6 d"}
    rows = {model.row(r).title: r for r in range(3)}
    assert model.index(rows["Shipped"], reason).data() == "–"
    assert not (model.flags(model.index(rows["Shipped"], reason)) & Qt.ItemFlag.ItemIsEditable)
    assert model.flags(model.index(rows["Open dev"], reason)) & Qt.ItemFlag.ItemIsEditable
    assert model.index(rows["Open dev"], lead).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"


# --------------------------------------------------------------------------- the page

def test_page_headline_figures_on_a_hand_ledger(qtbot, doc):
    svc.import_requests(doc.ws, doc.plan_id, [
        RequestDraft("A", D("2026-03-01"), delivered=D("2026-03-03")),
        RequestDraft("B", D("2026-02-10"), delivered=D("2026-02-16")),
        RequestDraft("C", D("2026-02-01"), delivered=D("2026-02-17"), route="developer"),
        RequestDraft("D", D("2026-02-20"), route="developer", reason="missing component"),
        RequestDraft("F", D("2026-03-12"), delivered=D("2026-03-16")),
    ])
    page = make_page(qtbot, doc)
    c = page.cards
    assert (c["last4"].value.text(), c["last4"].caption.text()) == ("67 %", "Last 4 weeks (2 of 3: too few to judge)")
    assert (c["cumulative"].value.text(), c["cumulative"].caption.text()) == ("75 %", "All time (3 of 4)")
    assert c["lead_self"].value.text() == "4 d" and c["lead_dev"].value.text() == "16 d"
    assert (c["queue"].value.text(), c["queue"].caption.text()) == ("1", "Developer queue, oldest 24 d")
    assert page.target_spin.value() == 80
    assert [i.done for i in page.checklist.items] == [False, False, True, False]
    assert page.tabs.tabText(0) == "Requests (5)"


def test_page_on_the_demo_and_its_filters(qtbot, demo_doc):
    page = make_page(qtbot, demo_doc)
    assert page.cards["queue"].value.text() == "4"
    assert page.cards["queue"].caption.text() == "Developer queue, oldest 51 d"
    assert page.tabs.tabText(1) == "Tools (4)"
    total = page.request_model.rowCount()
    page.filter_state.setCurrentIndex(page.filter_state.findData("queue"))
    assert page.request_proxy.rowCount() == 4
    page.filter_state.setCurrentIndex(0)
    page.filter_route.setCurrentIndex(page.filter_route.findData("developer"))
    developer = page.request_proxy.rowCount()
    assert 0 < developer < total
    assert page.request_count.text() == f"{developer} of {total} requests shown"
    page.filter_route.setCurrentIndex(0)
    page.filter_text.setText("store-locator")
    assert page.request_proxy.rowCount() == 2  # once, then again for the German site
    page.filter_text.setText("STORE-LOCATOR map block (german")
    assert page.request_proxy.rowCount() == 1


def test_editing_cells_in_place_is_undoable(qtbot, doc):
    svc.add_request(doc.ws, doc.plan_id, RequestDraft("Quiz page", D("2026-03-02"), delivered=D("2026-03-05")))
    page = make_page(qtbot, doc)
    assert page.request_proxy.setData(cell(page, "Quiz page", "route"), "developer", Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: page.request_model.rowCount() == 1 and page.request_model.row(0).route == "developer")
    assert page.request_proxy.setData(cell(page, "Quiz page", "reason"), "custom logic", Qt.ItemDataRole.EditRole)
    assert by_title(doc, "Quiz page").reason == "custom logic"
    assert page.request_proxy.setData(cell(page, "Quiz page", "delivered"), None, Qt.ItemDataRole.EditRole)
    assert by_title(doc, "Quiz page").delivered is None
    assert doc.undo_stack.count() == 3
    for _ in range(3):
        doc.undo_stack.undo()
    r = by_title(doc, "Quiz page")
    assert (r.route, r.reason, r.delivered) == ("self-serve", "", D("2026-03-05"))


def test_the_delivered_editor_steps_below_the_requested_date_to_open(qtbot, doc):
    svc.add_request(doc.ws, doc.plan_id, RequestDraft("Quiz page", D("2026-03-02"), delivered=D("2026-03-05")))
    page = make_page(qtbot, doc)
    index = cell(page, "Quiz page", "delivered")
    delegate = page.request_table.itemDelegate()
    assert isinstance(delegate, RowDelegate)
    editor = delegate.createEditor(page.request_table.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QDateEdit)
    delegate.setEditorData(editor, index)
    assert editor.date() == QDate(2026, 3, 5)
    assert editor.minimumDate() == QDate(2026, 3, 1) and editor.specialValueText() == "open"
    editor.setDate(editor.minimumDate())
    delegate.setModelData(editor, page.request_proxy, index)
    assert by_title(doc, "Quiz page").delivered is None
    qtbot.waitUntil(lambda: cell(page, "Quiz page", "delivered").data() == "open")
    editor.setDate(QDate(2026, 3, 9))
    delegate.setModelData(editor, page.request_proxy, cell(page, "Quiz page", "delivered"))
    assert by_title(doc, "Quiz page").delivered == D("2026-03-09")
    editor.deleteLater()


def test_target_spin_box_edits_the_target_with_undo(qtbot, doc):
    svc.add_request(doc.ws, doc.plan_id, RequestDraft("A", D("2026-03-01"), delivered=D("2026-03-03")))
    page = make_page(qtbot, doc)
    page.target_spin.setValue(70)
    assert svc.get_target_share(doc.ws, doc.plan_id) == 0.7
    qtbot.waitUntil(lambda: page.state.target_share == 0.7)
    page.target_spin.setValue(71)
    assert doc.undo_stack.count() == 1
    qtbot.waitUntil(lambda: "71%" in page.checklist.items[3].label)
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: page.target_spin.value() == 80)
    assert svc.get_target_share(doc.ws, doc.plan_id) == 0.8
    assert doc.undo_stack.count() == 1  # the refresh after undo did not push a new command


def test_add_mark_delivered_and_delete_from_the_page(qtbot, doc, monkeypatch):
    from views.lowcode import page as lowcode_page
    class FakeDialog:
        def __init__(self, values, **_kw):
            self.values_in = values

        def exec(self):
            return lowcode_page.QDialog.DialogCode.Accepted

        def draft(self):
            return RequestDraft("Countdown timer", D("2026-03-10"), "landing page", "Trading",
                                route="developer", reason="missing component")

    monkeypatch.setattr(lowcode_page, "RequestDialog", FakeDialog)
    page = make_page(qtbot, doc)
    page.add_request_button.click()
    qtbot.waitUntil(lambda: page.request_model.rowCount() == 1)
    page.request_table.setCurrentIndex(cell(page, "Countdown timer", "title"))
    page.deliver_button.click()
    assert by_title(doc, "Countdown timer").delivered == TODAY
    qtbot.waitUntil(lambda: page.cards["lead_dev"].value.text() == "6 d")
    page.request_table.setCurrentIndex(cell(page, "Countdown timer", "title"))
    page.delete_request_button.click()
    qtbot.waitUntil(lambda: page.request_model.rowCount() == 0)
    assert doc.undo_stack.count() == 3
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: page.request_model.rowCount() == 1)


def test_add_and_edit_tool_from_the_page(qtbot, doc, monkeypatch):
    from views.lowcode import page as lowcode_page
    answers = iter([{"name": "SplitLab", "capability": "A/B testing", "owner": "Aisha", "trained": 0,
                     "status": "evaluating"},
                    {"name": "SplitLab", "capability": "A/B testing", "owner": "Aisha", "trained": 4,
                     "status": "adopted"}])

    class FakeDialog:
        def __init__(self, *_a, **_kw):
            self._values = next(answers)

        def exec(self):
            return lowcode_page.QDialog.DialogCode.Accepted

        def values(self):
            return self._values

        def draft(self):
            return ToolDraft(**self._values)

    monkeypatch.setattr(lowcode_page, "ToolDialog", FakeDialog)
    page = make_page(qtbot, doc)
    page.add_tool_button.click()
    qtbot.waitUntil(lambda: page.tool_model.rowCount() == 1)
    page.tool_table.setCurrentIndex(page.tool_proxy.index(0, 0))
    page.edit_tool_button.click()
    qtbot.waitUntil(lambda: page.checklist.items[0].done and page.checklist.items[1].done)
    assert svc.list_tools(doc.ws, doc.plan_id)[0].trained == 4


def test_charts_draw_on_their_tabs(qtbot, demo_doc):
    page = make_page(qtbot, demo_doc)
    page.show()
    for i, chart in ((2, page.share_chart), (3, page.lead_chart), (4, page.reasons_chart)):
        page.tabs.setCurrentIndex(i)
        qtbot.waitUntil(lambda c=chart: c.drawn_with_data, timeout=10000)
        assert chart.figure.axes
    target_lines = [ln for ln in page.share_chart.figure.axes[0].get_lines() if list(ln.get_ydata()) == [80, 80]]
    assert len(target_lines) == 1
    bars = page.reasons_chart.figure.axes[0].patches
    assert bars[0].get_height() == max(b.get_height() for b in bars)
    assert page.reasons_chart.figure.axes[0].get_xticklabels()[0].get_text() == "missing component"


def test_charts_explain_themselves_without_data(qtbot, doc):
    page = make_page(qtbot, doc)
    page.show()
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.share_chart.drawn_with_data, timeout=10000)
    texts = [t.get_text() for t in page.share_chart.figure.axes[0].texts]
    assert texts and texts[0].startswith("No request delivered yet")
    assert page.intro.isVisible() and page.intro.text().startswith("Log every marketing request")


def test_read_only_disables_edits(qtbot, tmp_path):
    from models.plan.demo import write_demo
    from models.core.workspace import open_workspace

    path = write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)
    ws = open_workspace(path, read_only=True)
    try:
        d = WorkspaceDocument(ws, FEATURES)
        page = make_page(qtbot, d)
        assert not page.add_request_button.isEnabled() and not page.target_spin.isEnabled()
        assert not (page.request_model.flags(page.request_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable)
    finally:
        ws.close()


def test_the_main_window_shows_the_low_code_page(qtbot, settings, tmp_path):
    from desktop.main_window import PAGES, MainWindow
    from models.plan.demo import write_demo

    w = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(write_demo(tmp_path / "demo.ninety", FEATURES, TODAY))
    w.sidebar.setCurrentRow([p.key for p in PAGES].index("lowcode"))
    page = w.pages["lowcode"]
    assert isinstance(page, LowcodePage)
    qtbot.waitUntil(lambda: page.request_model.rowCount() > 50)
    w.close()


# --------------------------------------------------------------------------- the row dialogs

def test_request_dialog_steps_delivered_to_open_and_offers_a_reason_only_to_developers(qtbot):
    from views.common.field_editors import OptionalDateEdit
    from views.lowcode.dialogs import RequestDialog

    dialog = RequestDialog({"requested": D("2026-03-02"), "route": "developer", "reason": "skills"},
                           tool_names=["PageCraft"], teams=["CRM", "brand", "CRM"])
    qtbot.addWidget(dialog)
    ed = dialog.editors
    assert isinstance(ed["delivered"], OptionalDateEdit) and ed["delivered"].text() == "open"
    assert [ed["team"].itemText(i) for i in range(ed["team"].count())] == ["brand", "CRM"]
    assert [ed["tool"].itemText(i) for i in range(ed["tool"].count())] == ["", "PageCraft"]
    assert ed["reason"].itemText(0) == "(none given)" and ed["reason"].isEnabled()
    assert not dialog._ok.isEnabled()  # a title first
    ed["title"].setText("Store-locator map block")
    ed["delivered"].setDate(QDate(2026, 3, 9))
    ed["requested"].setDate(QDate(2026, 3, 12))  # the delivery moves along, never before the request
    assert dialog.values()["delivered"] == D("2026-03-12")
    ed["route"].setCurrentIndex(ed["route"].findText("self-serve"))
    assert not ed["reason"].isEnabled() and dialog.values()["reason"] == ""
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.draft() == RequestDraft("Store-locator map block", D("2026-03-12"), "other", "",
                                          D("2026-03-12"), "self-serve", "", "")


def test_request_dialog_stays_open_on_a_rule_between_fields(qtbot):
    from views.lowcode.dialogs import RequestDialog

    dialog = RequestDialog({"title": "X", "requested": D("2026-03-02")})
    qtbot.addWidget(dialog)
    dialog.editors["reason"].setEnabled(True)  # as if the route were ignored
    dialog.editors["reason"].setCurrentIndex(1)
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text() == "Only developer-route requests have a reason a developer was needed"


def test_tool_dialog_edits_the_declared_fields(qtbot):
    from views.lowcode.dialogs import ToolDialog

    dialog = ToolDialog({"name": "PageCraft", "capability": "page builder", "owner": "Sofia", "trained": 5,
                         "status": "adopted"}, editing=True)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit tool" and dialog.editors["trained"].maximum() == 100_000
    dialog.editors["trained"].setValue(8)
    assert dialog.changed_values() == {"trained": 8}
    assert dialog.draft() == ToolDraft("PageCraft", "page builder", "Sofia", 8, "adopted")
    fresh = ToolDialog()
    qtbot.addWidget(fresh)
    assert (fresh.values()["capability"], fresh.values()["status"], fresh.values()["trained"]) == (
        "page builder", "evaluating", 0)


def test_the_reason_cell_offers_no_reason_first_and_the_tool_cell_the_inventory(qtbot, doc):
    svc.add_request(doc.ws, doc.plan_id, RequestDraft("Quiz page", D("2026-03-02"), route="developer",
                                                      reason="skills"))
    svc.add_tool(doc.ws, doc.plan_id, ToolDraft("PageCraft"))
    page = make_page(qtbot, doc)
    delegate = page.request_table.itemDelegate()
    parent = page.request_table.viewport()
    reason = delegate.createEditor(parent, QStyleOptionViewItem(), cell(page, "Quiz page", "reason"))
    assert [reason.itemText(i) for i in range(3)] == ["(none)", "missing component", "data access"]
    tool = delegate.createEditor(parent, QStyleOptionViewItem(), cell(page, "Quiz page", "tool"))
    assert tool.isEditable() and [tool.itemText(i) for i in range(tool.count())] == ["", "PageCraft"]
    delegate.setEditorData(reason, cell(page, "Quiz page", "reason"))
    assert reason.currentText() == "skills"
    reason.setCurrentIndex(0)
    delegate.setModelData(reason, page.request_proxy, cell(page, "Quiz page", "reason"))
    assert by_title(doc, "Quiz page").reason == ""
    assert doc.undo_stack.undoText() == "Edit why a developer"
    reason.deleteLater()
    tool.deleteLater()
