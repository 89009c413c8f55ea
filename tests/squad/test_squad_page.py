"""The Squad page driven as a user would, its table models, and undo of every squad edit."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from models.squad import service as svc
from models.plan.service import PlanDraft, create_plan, find_plan
from models.squad.service import AutonomyItem, ChangeDraft, CheckInDraft, MemberDraft
from tests.conftest import FEATURES, TODAY
from tests.common.undo import round_trip
from views.common.document import WorkspaceDocument
from desktop.features import PAGES
from views.squad.commands import (
    add_squad_row,
    create_squad,
    delete_squad_row,
    edit_charter,
    edit_squad_row,
    record_verdict,
    set_autonomy_granted,
)
from views.squad.dialogs import CharterDialog, RowDialog, VerdictDialog
from views.squad.page import SquadPage
from views.squad.tables import AutonomyTableModel, ChangeTableModel, CheckInTableModel, MemberTableModel

ACCEPTED = QDialog.DialogCode.Accepted


@pytest.fixture
def page(qtbot, doc):
    p = next(e for e in PAGES if e.key == "squad").factory()(doc, lambda: TODAY, None)
    qtbot.addWidget(p)
    p.resize(1110, 740)
    p.show()
    p.refresh()
    return p


def open_tab(page, key):
    page.tabs.setCurrentIndex(page._tab_index[key])


def squad_id(doc):
    return svc.list_squads(doc.ws, doc.plan_id)[0].id


def wait_refreshed(qtbot, page, check):
    qtbot.waitUntil(check, timeout=3000)


# --------------------------------------------------------------------------- the page

def test_page_shows_headline_warnings_checklist_and_counts(page):
    assert isinstance(page, SquadPage)
    assert page.squad_name.text() == "Increase mobile conversion by 15 %"
    c = page.cards
    assert c["latest"].value.text() == "2.10 %" and c["latest"].caption.text() == "Latest (16 Mar)"
    assert c["target"].value.text() == "2.30 %" and c["target"].caption.text() == "Target ↑ by 02 May"
    assert c["progress"].value.text() == "33 %"
    assert c["forecast"].value.text() == "2.27 %"
    assert c["on_track"].value.text() == "Behind"
    # 0.0298 percentage points, to the metric's own two decimals (issue 15: not "+0.0298 %")
    assert c["rate"].value.text() == "+0.03 pp" and "percentage points (pp)" in c["rate"].toolTip()
    assert c["velocity"].value.text() == "2.0"
    assert c["kept"].value.text() == "67 %" and c["kept"].caption.text() == "Kept (4 of 6 decided)"
    assert [i.done for i in page.checklist.items] == [True, False, True, True, False]
    warnings = page.warnings.text()
    assert warnings.startswith("⚠ Data Analyst: only 20 % allocated, under 50 %. Risk: nobody tells the squad")
    assert "Still needs permission for: Ship to production without the IT release train" in warnings
    assert page.warnings.textFormat() == Qt.TextFormat.PlainText
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Progress", "Charter", "Members (5)", "Check-ins (4)", "Changes shipped (8)", "Day-90 review"]
    assert page.change_stats.text() == "8 shipped · 2.0 per week · 4 kept, 2 rolled back, 2 pending"
    assert page.suggested_badge.text() == "STOP"
    assert page.suggested_reason.text() == "Progress is 33 %, below 50 %, and the forecast 2.27 falls short of 2.30."
    assert page.recorded_badge.text() == "Not recorded yet"
    assert page.charter_labels["baseline"].text() == "2.00 % on 16 Feb 2026"
    assert page.autonomy_summary.text().startswith("3 of 5 decisions granted.")


def test_chart_has_actuals_target_path_forecast_and_a_second_axis(page, qtbot):
    if not page.chart.drawn_with_data:
        with qtbot.waitSignal(page.chart.drawn, timeout=10000):
            pass
    top, low, morale = page.chart.figure.axes
    lines = {line.get_label(): line for line in top.get_lines()}
    actual = lines["Actual (from the baseline)"]
    assert list(actual.get_ydata()) == [2.0, 2.03, 2.05, 2.08, 2.1]
    assert list(lines["Target path"].get_ydata()) == [2.0, 2.3]
    forecast = lines["Forecast (least squares)"].get_ydata()
    assert forecast[0] == pytest.approx(2.002) and forecast[1] == pytest.approx(2.269857, abs=1e-6)
    assert [p.get_height() for p in low.patches] == [7, 6, 6, 5]  # confidence bars
    assert list(morale.get_lines()[0].get_ydata()) == [4, 4, 3, 3]
    # the scales keep their ticks; the headroom above them holds the legend
    assert list(low.get_yticks()) == [0, 5, 10] and low.get_ylim()[0] == 0 and low.get_ylim()[1] > 10
    assert morale.get_ylim()[0] == 0.5 and morale.get_ylim()[1] > 5.5


def test_user_text_is_plain_text(page, doc):
    open_tab(page, "charter")
    svc.update_charter(doc.ws, squad_id(doc), {"name": "<b>Bold</b> squad", "problem": "<i>x</i>"})
    page.refresh()
    assert page.squad_name.text() == "<b>Bold</b> squad"
    assert page.squad_name.textFormat() == Qt.TextFormat.PlainText
    assert page.charter_labels["problem"].textFormat() == Qt.TextFormat.PlainText


def test_set_up_the_squad_on_a_plan_without_one(qtbot, ws):
    create_plan(ws, PlanDraft(name="Fresh", start=date(2026, 3, 2), revenue_architect="Kim"))
    d = WorkspaceDocument(ws, FEATURES)
    p = SquadPage(d, lambda: TODAY)
    qtbot.addWidget(p)
    p.show()
    p.refresh()
    assert p.body.currentIndex() == 0 and p.setup_button.isVisible()
    assert [i.done for i in p.checklist.items] == [False] * 5
    p.setup_button.click()
    wait_refreshed(qtbot, p, lambda: p.body.currentIndex() == 1)
    sq = svc.list_squads(ws, d.plan_id)[0]
    assert sq.target_date == date(2026, 5, 30)  # day 90 of a plan starting 2 Mar
    assert p.charter_labels["reporting"].text() == "Revenue (Kim, Revenue Architect)"
    assert p.cards_box.isHidden() and not p.cards_hint.isHidden()  # no metric yet: no figures
    d.undo_stack.undo()
    wait_refreshed(qtbot, p, lambda: p.body.currentIndex() == 0)
    assert svc.list_squads(ws, d.plan_id) == []


def test_add_a_check_in_through_the_dialog_and_undo_it(page, doc, qtbot, monkeypatch):
    open_tab(page, "checkin")
    seen = {}

    def fake_exec(dialog):
        seen.update(dialog.values())
        dialog.editors["value"].setValue(2.16)
        dialog.editors["blockers"].setPlainText("None")
        return ACCEPTED

    monkeypatch.setattr(RowDialog, "exec", fake_exec)
    page.add_buttons["checkin"].click()
    # the dialog opens on today's date with the latest value and the last confidence and morale
    assert (seen["date"], seen["value"], seen["confidence"], seen["morale"]) == (TODAY, 2.1, 5, 3)
    wait_refreshed(qtbot, page, lambda: page.checkin_model.rowCount() == 5)
    stored = svc.list_checkins(doc.ws, squad_id(doc))
    assert (stored[-1].value, stored[-1].blockers) == (2.16, "None")
    assert page.tabs.tabText(3) == "Check-ins (5)"
    assert page.cards["latest"].value.text() == "2.16 %"
    doc.undo_stack.undo()
    wait_refreshed(qtbot, page, lambda: page.checkin_model.rowCount() == 4)
    assert page.cards["latest"].value.text() == "2.10 %"


def test_editing_an_allocation_in_place_covers_the_role(page, doc, qtbot):
    open_tab(page, "member")
    model = page.member_model
    row = next(r for r in range(model.rowCount()) if model.row(r).role == "Data Analyst")
    index = page.proxies["member"].mapFromSource(model.index(row, model.column_index("allocation")))
    assert page.proxies["member"].setData(index, 100.0, Qt.ItemDataRole.EditRole)
    wait_refreshed(qtbot, page, lambda: page.checklist.items[1].done)
    assert "Data Analyst" not in page.warnings.text()
    assert svc.squad_state(doc.ws, squad_id(doc), TODAY).roles_missing == ()
    assert doc.undo_stack.undoText() == "Edit allocation"
    doc.undo_stack.undo()
    wait_refreshed(qtbot, page, lambda: not page.checklist.items[1].done)


def test_granting_a_decision_with_its_check_box(page, doc, qtbot):
    open_tab(page, "charter")
    model = page.autonomy_model
    row = next(r for r in range(model.rowCount()) if not model.row(r).granted)
    decision = model.row(row).decision
    assert model.setData(model.index(row, 1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    wait_refreshed(qtbot, page, lambda: decision not in page.warnings.text())
    assert {a.decision: a.granted for a in svc.list_autonomy(doc.ws, squad_id(doc))}[decision] is True
    doc.undo_stack.undo()
    wait_refreshed(qtbot, page, lambda: decision in page.warnings.text())


def test_edit_charter_through_the_dialog(page, doc, qtbot, monkeypatch):
    open_tab(page, "charter")
    def fake_exec(dialog):
        dialog.target.setText("2.2")
        dialog._new_decision()
        dialog.autonomy.item(dialog.autonomy.count() - 1).setText("Hire a freelancer for two weeks")
        return ACCEPTED

    monkeypatch.setattr(CharterDialog, "exec", fake_exec)
    page.edit_charter_button.click()
    wait_refreshed(qtbot, page, lambda: page.cards["target"].value.text() == "2.20 %")
    assert page.cards["on_track"].value.text() == "On track"  # forecast 2.27 reaches 2.20
    assert page.suggested_badge.text() == "EXPAND"
    assert [a.decision for a in svc.list_autonomy(doc.ws, squad_id(doc))][-1] == "Hire a freelancer for two weeks"
    assert doc.undo_stack.count() == 1  # one edit, one undo step
    doc.undo_stack.undo()
    wait_refreshed(qtbot, page, lambda: page.cards["target"].value.text() == "2.30 %")
    assert len(svc.list_autonomy(doc.ws, squad_id(doc))) == 5


def test_charter_dialog_keeps_a_wrong_way_target_open(qtbot, doc):
    sid = squad_id(doc)
    st = svc.squad_state(doc.ws, sid, TODAY)
    dialog = CharterDialog(st.squad, st.autonomy, TODAY)
    qtbot.addWidget(dialog)
    dialog.direction.setCurrentIndex(dialog.direction.findData("down"))
    dialog.accept()
    assert dialog.result() != ACCEPTED
    assert dialog.error.text() == "The metric should go down, so the target must be below the baseline (2)"
    dialog.baseline.setText("abc")
    assert dialog.problem_text() == "baseline: 'abc' is not a number"
    dialog.direction.setCurrentIndex(dialog.direction.findData("up"))
    dialog.baseline.setText("2,0")
    assert dialog.problem_text() is None and dialog.changes() == {}
    assert not dialog.autonomy_changed()


def test_record_and_clear_the_verdict(page, doc, qtbot, monkeypatch):
    open_tab(page, "review")
    def fake_exec(dialog):
        dialog.verdict.setCurrentIndex(dialog.verdict.findData("iterate"))
        dialog.rationale.setPlainText("Deploy rights and a full-time analyst first.")
        ok = dialog._ok
        # 16 March is before the day-90 review: recording now needs "record early" and a reason
        assert dialog.early.isVisibleTo(dialog) and not ok.isEnabled()
        dialog.early.setChecked(True)
        assert not ok.isEnabled()
        dialog.early_reason.setText("The sponsor wants a decision before the budget round")
        assert ok.isEnabled()
        return ACCEPTED

    monkeypatch.setattr(VerdictDialog, "exec", fake_exec)
    page.record_button.click()
    wait_refreshed(qtbot, page, lambda: page.recorded_badge.text().startswith("ITERATE"))
    assert page.recorded_badge.text() == "ITERATE (recorded 16 Mar 2026)"
    assert page.recorded_rationale.text().startswith("Recorded early, ")
    assert page.recorded_rationale.text().endswith(
        "before the day-90 review: The sponsor wants a decision before the budget round\n"
        "Deploy rights and a full-time analyst first.")
    assert not page.checklist.items[4].done  # recorded before day 90
    page.clear_verdict_button.click()
    wait_refreshed(qtbot, page, lambda: page.recorded_badge.text() == "Not recorded yet")
    doc.undo_stack.undo()
    wait_refreshed(qtbot, page, lambda: page.recorded_badge.text().startswith("ITERATE"))


def test_delete_the_selected_change_and_undo(page, doc, qtbot):
    open_tab(page, "change")
    table = page.tables["change"]
    table.selectRow(0)
    first = page.selected("change")
    page.delete_buttons["change"].click()
    wait_refreshed(qtbot, page, lambda: page.change_model.rowCount() == 7)
    assert first.id not in [c.id for c in svc.list_changes(doc.ws, squad_id(doc))]
    doc.undo_stack.undo()
    wait_refreshed(qtbot, page, lambda: page.change_model.rowCount() == 8)
    assert svc.get_row(doc.ws, "change", first.id) == first


def test_edit_a_member_through_the_dialog(page, doc, qtbot, monkeypatch):
    open_tab(page, "member")
    def fake_exec(dialog):
        dialog.editors["department"].setText("Platform")
        return ACCEPTED

    monkeypatch.setattr(RowDialog, "exec", fake_exec)
    page.tables["member"].selectRow(0)
    member = page.selected("member")
    page.edit_buttons["member"].click()
    wait_refreshed(qtbot, page, lambda: svc.get_row(doc.ws, "member", member.id).department == "Platform")
    assert doc.undo_stack.undoText() == "Edit member"


def test_a_refused_edit_says_why_and_is_not_an_undo_step(page, doc):
    open_tab(page, "checkin")
    errors = []
    doc.error.connect(errors.append)
    model = page.checkin_model
    index = model.index(0, model.column_index("date"))
    assert not model.setData(index, date(2026, 2, 1), Qt.ItemDataRole.EditRole)
    assert errors == ["a check-in cannot be dated before the baseline date (2026-02-16)"]
    assert doc.undo_stack.count() == 0


def test_read_only_workspace_disables_editing(qtbot, tmp_path):
    from models.core.workspace import open_workspace
    from models.plan.demo import write_demo

    path = write_demo(tmp_path / "ro.ninety", FEATURES, TODAY)
    ws = open_workspace(path, read_only=True)
    d = WorkspaceDocument(ws, FEATURES)
    p = SquadPage(d, lambda: TODAY)
    qtbot.addWidget(p)
    p.refresh()
    assert not p.add_buttons["checkin"].isEnabled() and not p.edit_charter_button.isEnabled()
    assert not p.member_model.flags(p.member_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    ws.close()


# --------------------------------------------------------------------------- table models

def test_table_models_pass_the_model_tester(qtmodeltester, demo_ws):
    sid = svc.list_squads(demo_ws, find_plan(demo_ws).id)[0]
    st = svc.squad_state(demo_ws, sid.id, TODAY)
    for cls, rows in ((MemberTableModel, st.members), (CheckInTableModel, st.checkins),
                      (ChangeTableModel, st.changes), (AutonomyTableModel, st.autonomy)):
        model = cls(edit=lambda *_a: True)
        if cls is CheckInTableModel:
            model.set_squad(st.squad, TODAY)
        model.set_rows(rows)
        qtmodeltester.check(model)


def test_check_in_model_shows_the_target_path_and_greys_future_rows(demo_ws):
    sid = svc.list_squads(demo_ws, find_plan(demo_ws).id)[0].id
    svc.add_checkin(demo_ws, sid, CheckInDraft(date(2026, 3, 23), 2.2))
    st = svc.squad_state(demo_ws, sid, TODAY)
    model = CheckInTableModel()
    model.set_squad(st.squad, TODAY)
    model.set_rows(st.checkins)
    path = model.column_index("path")
    # 2.0 + 0.3 * 21 / 75 on 9 Mar (x = 21)
    assert model.index(2, path).data() == "2.08"
    assert model.index(4, 0).data(Qt.ItemDataRole.ToolTipRole).startswith("After the as-of date")
    assert model.index(3, model.column_index("confidence")).data() == "5 / 10"


# --------------------------------------------------------------------------- undo of every squad edit

def test_undo_create_squad(qtapp_doc_fresh):
    d = qtapp_doc_fresh
    round_trip(d, create_squad(d, d.plan_id), lambda: len(svc.list_squads(d.ws, d.plan_id)) == 1 or pytest.fail())


@pytest.fixture
def qtapp_doc_fresh(qapp, ws):
    create_plan(ws, PlanDraft(name="Fresh", start=date(2026, 3, 2)))
    d = WorkspaceDocument(ws, FEATURES)
    yield d
    d.deleteLater()


def test_undo_edit_charter_with_autonomy(doc):
    sid = squad_id(doc)
    items = [AutonomyItem("Only this", True)]
    round_trip(doc, edit_charter(doc, sid, {"reporting_line": "IT"}, items),
               lambda: [a.decision for a in svc.list_autonomy(doc.ws, sid)] == ["Only this"] or pytest.fail())


def test_undo_record_verdict(doc):
    sid = squad_id(doc)
    round_trip(doc, record_verdict(doc, sid, "expand", "Target met", date(2026, 5, 2)),
               lambda: svc.get_squad(doc.ws, sid).verdict == "expand" or pytest.fail())


def test_undo_grant_decision(doc):
    a = next(x for x in svc.list_autonomy(doc.ws, squad_id(doc)) if not x.granted)
    round_trip(doc, set_autonomy_granted(doc, a.id, True),
               lambda: next(x for x in svc.list_autonomy(doc.ws, a.squad_id) if x.id == a.id).granted
               or pytest.fail())


@pytest.mark.parametrize("kind, draft", [
    ("member", MemberDraft("Zoe", "Data Analyst", "Finance", 100)),
    ("checkin", CheckInDraft(date(2026, 3, 17), 2.12, 6, 4, "", "Mid-week")),
    ("change", ChangeDraft(date(2026, 3, 16), "One-tap reorder", outcome="pending")),
])
def test_undo_add_edit_delete_rows(doc, kind, draft):
    sid = squad_id(doc)
    command = add_squad_row(doc, kind, sid, draft)
    round_trip(doc, command, lambda: svc.get_row(doc.ws, kind, command.row_id) or pytest.fail())
    key = {"member": "allocation", "checkin": "morale", "change": "outcome"}[kind]
    value = {"member": 40.0, "checkin": 2, "change": "kept"}[kind]
    row_id = command.row_id
    round_trip(doc, edit_squad_row(doc, kind, row_id, {key: value}),
               lambda: getattr(svc.get_row(doc.ws, kind, row_id), key) == value or pytest.fail())
    listing = {"member": svc.list_members, "checkin": svc.list_checkins, "change": svc.list_changes}[kind]
    round_trip(doc, delete_squad_row(doc, kind, row_id),
               lambda: row_id not in [r.id for r in listing(doc.ws, sid)] or pytest.fail())


def test_undo_and_redo_keep_ids_for_later_commands(doc):
    errors = []
    doc.error.connect(errors.append)
    sid = squad_id(doc)
    assert doc.execute(edit_charter(doc, sid, {}, [AutonomyItem("New decision", False)]))
    new = svc.list_autonomy(doc.ws, sid)[0]
    assert doc.execute(set_autonomy_granted(doc, new.id, True))
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert len(svc.list_autonomy(doc.ws, sid)) == 5
    doc.undo_stack.redo()
    doc.undo_stack.redo()  # the grant still finds the decision it was made on
    assert [(a.id, a.granted) for a in svc.list_autonomy(doc.ws, sid)] == [(new.id, True)]
    assert errors == []


# --------------------------------------------------------------------------- untouched fields stay as stored

def test_untouched_numbers_are_not_rounded_into_an_edit(qtbot, doc):
    sid = squad_id(doc)
    svc.update_charter(doc.ws, sid, {"baseline": 1.98765, "target": 1234567.5})
    st = svc.squad_state(doc.ws, sid, TODAY)
    charter = CharterDialog(st.squad, st.autonomy, TODAY)
    qtbot.addWidget(charter)
    assert (charter.baseline.text(), charter.target.text()) == ("1.98765", "1234567.5")
    assert charter.changes() == {}
    checkin = svc.add_checkin(doc.ws, sid, CheckInDraft(date(2026, 3, 16), 2.12345))
    row = RowDialog("checkin", {**svc.get_row(doc.ws, "checkin", checkin).__dict__}, editing=True)
    qtbot.addWidget(row)
    assert row.values()["value"] == 2.123  # the spin box shows three decimals
    assert row.changed_values() == {}
    row.editors["note"].setPlainText("Edited note only")
    assert row.changed_values() == {"note": "Edited note only"}
    model = CheckInTableModel(edit=lambda *_a: pytest.fail("no edit expected"))
    model.set_rows([svc.get_row(doc.ws, "checkin", checkin)])
    assert not model.setData(model.index(0, model.column_index("value")), 2.123, Qt.ItemDataRole.EditRole)


def test_the_verdict_dialog_preselects_a_suggestion_but_not_too_early(qtbot, doc):
    st = svc.squad_state(doc.ws, squad_id(doc), date(2026, 3, 16))
    review = st.review_date
    dialog = VerdictDialog("expand", "", st.squad, review, review=review)
    qtbot.addWidget(dialog)
    assert dialog.verdict.currentData() == "expand" and not dialog.early.isVisibleTo(dialog)
    dialog.rationale.setPlainText("Met the target.")
    assert dialog._ok.isEnabled() and dialog.early_values() == (False, "")
    early = VerdictDialog("too early", "", st.squad, date(2026, 3, 16), review=review)
    qtbot.addWidget(early)
    early.rationale.setPlainText("Stop.")
    assert early.verdict.currentData() is None and not early._ok.isEnabled()
