"""The main window driven as a user would: pages, the Overview, editing, files."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop.main_window import PAGES, MainWindow, default_workspace
from models.plan import service as svc
from tests.conftest import TODAY
from views.plan.milestone_table import COLUMN_INDEX, MilestoneTableModel


@pytest.fixture
def window(qtbot, settings, demo_file):
    w = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(demo_file)
    qtbot.waitUntil(lambda: w.overview.model.rowCount() == 17, timeout=5000)
    yield w
    w.close()


def cell(window, title, key):
    model = window.overview.model
    for row in range(model.rowCount()):
        if model.milestone(row).title == title:
            return window.overview.proxy.mapFromSource(model.index(row, COLUMN_INDEX[key]))
    raise AssertionError(title)


def test_overview_shows_day_rag_and_reason(window, qtbot):
    ov = window.overview
    assert ov.plan_title.text() == "Digital Flagship 90-day transformation"
    assert ov.day_label.text() == "Day 43 of 90 · 47 days left"
    assert ov.rag_badge.text().strip() == "RED"
    assert ov.rag_reason.text().startswith("blocked and overdue: 'Data Analyst joins")
    items = {i.label: i.done for i in ov.checklist.items}
    assert [i.done for i in ov.checklist.items[:4]] == [True, True, True, True]  # the plan's own items
    assert items["Every capability has exactly one A"] is False  # the demo's ownership map is messy on purpose
    with qtbot.waitSignal(ov.timeline.drawn, timeout=10000, raising=False):
        pass
    assert ov.timeline.figure is not None and ov.timeline.figure.axes


def test_window_reaches_every_page(window, qtbot):
    for row, (key, label, _widget) in enumerate(PAGES):
        window.sidebar.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[key]
        assert window.sidebar.item(row).text() == label
    window.sidebar.setCurrentRow(1)
    assert "Audit bottlenecks" in window.pages["audit"].findChild(QLabel, "pageTitle").text()
    qtbot.waitUntil(lambda: "5 of 5 milestones done" in window.pages["audit"].phase_label.text())


def test_editing_a_cell_stores_it_and_undo_restores_it(window, demo_file):
    index = cell(window, "Self-serve email sequences live", "owner")
    assert window.overview.proxy.setData(index, "Morgan", Qt.ItemDataRole.EditRole)
    ws = window.doc.ws
    title = "Self-serve email sequences live"
    assert next(m for m in svc.list_milestones(ws, window.doc.plan_id) if m.title == title).owner == "Morgan"
    window.undo_action.trigger()
    assert next(m for m in svc.list_milestones(ws, window.doc.plan_id) if m.title == title).owner == "Jon Park"


def test_changing_a_due_date_in_place_updates_slip(window, qtbot):
    index = cell(window, "Self-serve email sequences live", "due")
    assert window.overview.proxy.setData(index, QDate(2026, 4, 3), Qt.ItemDataRole.EditRole)
    qtbot.waitUntil(lambda: cell(window, "Self-serve email sequences live", "slip_days").data() == "+6")


def test_filter_by_status_and_text(window):
    ov = window.overview
    ov.filter_status.setCurrentIndex(ov.filter_status.findData("blocked"))
    assert ov.proxy.rowCount() == 2
    ov.filter_status.setCurrentIndex(ov.filter_status.findData("overdue"))
    assert ov.proxy.rowCount() == 3
    ov.filter_status.setCurrentIndex(0)
    ov.filter_text.setText("jon park")
    assert ov.proxy.rowCount() == 2


def test_sorting_by_slip(window):
    ov = window.overview
    ov.table.sortByColumn(COLUMN_INDEX["slip_days"], Qt.SortOrder.DescendingOrder)
    first = ov.proxy.index(0, COLUMN_INDEX["title"]).data()
    assert first == "Grant production deploy rights to the squad"


def test_add_and_delete_milestone_from_the_page(window, qtbot, monkeypatch):
    from views.plan import dialogs as plan_dialogs, page as overview_page
    class FakeDialog:
        def __init__(self, *_a, **_k):
            pass

        def exec(self):
            return overview_page.QDialog.DialogCode.Accepted

        def draft(self):
            return svc.MilestoneDraft(step="audit", title="Re-run the audit", due=date(2026, 4, 1))

    monkeypatch.setattr(plan_dialogs, "AddMilestoneDialog", FakeDialog)  # the page imports it when used
    window.overview.add_button.click()
    qtbot.waitUntil(lambda: window.overview.model.rowCount() == 18)
    window.overview.table.setCurrentIndex(cell(window, "Re-run the audit", "title"))
    window.overview.delete_button.click()
    qtbot.waitUntil(lambda: window.overview.model.rowCount() == 17)


def test_table_model_passes_the_model_tester(qtmodeltester, demo_ws):
    model = MilestoneTableModel(edit=lambda *_a: True)
    model.set_rows(svc.list_milestones(demo_ws, svc.find_plan(demo_ws).id), TODAY)
    qtmodeltester.check(model)


def test_a_second_instance_is_offered_read_only(window, qtbot, settings, demo_file, monkeypatch):
    asked = []

    def fake_question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QMessageBox, "question", fake_question)
    second = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(second)
    second.show()
    assert second.open_path(demo_file)
    assert "is open in" in asked[0] and "process" in asked[0]
    assert second.doc.read_only and "read-only" in second.windowTitle()
    qtbot.waitUntil(lambda: second.overview.model.rowCount() == 17)
    assert not second.overview.add_button.isEnabled()
    assert not (second.overview.model.flags(second.overview.model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable)
    second.close()


def test_opening_a_bad_file_says_why_and_keeps_it(window, tmp_path, monkeypatch):
    bad = tmp_path / "notes.ninety"
    bad.write_text("not a plan")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text, *a, **k: shown.append(text))
    assert not window.open_path(bad)
    assert "not a Ninety workspace" in shown[0] and "was not changed" in shown[0]
    assert bad.read_text() == "not a plan"
    assert window.doc.ws.path.name == "demo.ninety"  # the open workspace stays open


def test_recent_files_are_remembered(window, demo_file):
    assert window.recent_files()[0] == str(demo_file.resolve())
    assert window.recent_menu.actions()[0].text() == "demo.ninety"


def test_save_a_copy_runs_in_a_worker(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "copy.ninety"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.save_copy()
    qtbot.waitUntil(target.exists, timeout=5000)
    window.tasks.wait()
    from models.core.workspace import open_workspace

    with open_workspace(target) as copy:
        assert len(svc.list_plans(copy)) == 1


def test_first_run_creates_the_demo_in_the_data_folder(tmp_path):
    path = default_workspace(tmp_path, today=TODAY)
    assert path.name == "Demo.ninety" and path.exists()
    assert default_workspace(tmp_path, today=TODAY) == path  # not rebuilt on later runs


def test_new_plan_wizard_builds_the_draft(qtbot):
    from views.plan.dialogs import NewPlanWizard

    wizard = NewPlanWizard(today=date(2026, 6, 1))
    qtbot.addWidget(wizard)
    wizard.name.setText("Loyalty relaunch")
    wizard.architect.setText("Ana")
    wizard.start.setDate(QDate(2026, 6, 8))
    draft = wizard.draft()
    assert (draft.name, draft.revenue_architect, draft.start) == ("Loyalty relaunch", "Ana", date(2026, 6, 8))
    assert draft.phases["squad"][:2] == (date(2026, 6, 22), date(2026, 9, 5))  # days 15-90 follow the start


def test_checklist_escapes_user_text(qtbot):
    from models.core.feature import ChecklistItem
    from views.common.checklist import ChecklistWidget

    w = ChecklistWidget("Steps")
    qtbot.addWidget(w)
    w.set_items([ChecklistItem("Map <b>Ready</b>", False, "Status '<i>QA & Legal</i>' is unmapped")])
    row = w.rows[0]
    assert row.label.text() == "Map <b>Ready</b>" and row.label.textFormat() == Qt.TextFormat.PlainText
    assert row.hint.text() == "Status '<i>QA & Legal</i>' is unmapped"
    assert row.hint.textFormat() == Qt.TextFormat.PlainText
