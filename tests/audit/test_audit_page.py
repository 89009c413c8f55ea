"""The Audit page on a small log whose figures are computed by hand; its edits
as undo commands; its charts on a bare Figure.

The log (``tests/audit/conftest.py``; UTC, day n = 2026-03-n 00:00):
  A: Backlog d1, Brief d2, Ready for Dev d4, In Dev d7, Done d8
  B: Backlog d1, Brief d3, In Design d4, Ready for Dev d5, In Dev d10 (open)
As of d10 (the latest row): active A 2+1, B 1+1+0 = 5 days; queue A 1+3, B 2+5 = 11 days.
Handoffs: Intake→Marketing 1 and 2 days (total 3, median 1.5, p85 1.85);
Marketing→IT 3 (A); Design→IT 5 (B). Silo tax 3 + 5 = 8 days = 50 % of 16;
flow efficiency 5/16 = 31.25 %; flow time of A, the one finished item, 7 days.
"""
from __future__ import annotations

from datetime import date, timezone

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDialog

from models.plan import service as svc
from models.audit import Stage, Transition, store
from models.audit.readers import read_transitions
from models.core.workspace import open_workspace
from views.audit import page as audit_page
from views.audit.charts import (
    AuditChart,
    department_days,
    draw_active_queue,
    draw_cumulative_flow,
    draw_flow_time,
    draw_heatmap,
    heatmap_matrix,
)
from views.audit.commands import add_stall, choose_bottleneck, delete_stall, edit_stage_map, edit_stall, import_log
from views.audit.dialogs import AddStallDialog, StageMapDialog
from views.audit.page import AuditPage
from views.audit.tables import HandoffFigureModel, StallTableModel, StatusFigureModel
from views.common.document import WorkspaceDocument
from tests.audit.conftest import STAGES, d
from tests.conftest import FEATURES

UTC = timezone.utc
TODAY = date(2026, 3, 16)


@pytest.fixture
def make_page(make_audit_page):
    return lambda ws, tasks=True: make_audit_page(ws, tasks=tasks)


def refreshed(qtbot, page, action):
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        result = action()
    return result


# --------------------------------------------------------------------------- figures

def test_the_page_shows_the_hand_computed_figures(make_page, ws, loaded):
    page = make_page(ws)
    assert page.figures_row.isVisible() and not page.empty_label.isVisible()
    assert page.silo_figure.value.text() == "8.0 days"
    assert page.silo_figure.caption.text().startswith("50 % of the time in the flow")
    assert page.efficiency_figure.value.text() == "31 %"
    assert page.efficiency_figure.caption.text() == "Worked on 5.0 of 16.0 days in the flow; the rest was waiting."
    assert page.flow_time_figure.value.text() == "7.0 d · 7.0 d"
    assert page.flow_time_figure.caption.text().endswith("over the 1 of 2 items that finished.")

    shown = [[page.handoff_proxy.index(r, c).data() for c in range(7)] for r in range(page.handoff_proxy.rowCount())]
    assert shown == [
        ["Design", "IT", "yes", "1", "5.0", "5.0", "5.0"],
        ["Intake", "Marketing", "no", "2", "3.0", "1.5", "1.9"],  # p85 of 1 and 2 days = 1.85
        ["Marketing", "IT", "yes", "1", "3.0", "3.0", "3.0"],
    ]
    statuses = {page.status_proxy.index(r, 0).data(): [page.status_proxy.index(r, c).data() for c in range(3, 8)]
                for r in range(page.status_proxy.rowCount())}
    assert statuses == {
        "Ready for Dev": ["2", "2", "8.0", "4.0", "4.7"],  # 3 and 5 days: p85 = 3 + 0.85 × 2
        "Backlog": ["2", "2", "3.0", "1.5", "1.9"],
        "Brief": ["2", "2", "3.0", "1.5", "1.9"],
        "In Dev": ["2", "2", "1.0", "0.5", "0.8"],  # B entered it at the as-of moment: 0 days, still a visit
        "In Design": ["1", "1", "1.0", "1.0", "1.0"],
    }
    assert "Proposed: Design → IT. 1 item waited 5.0 days in all" in page.attack_label.text()
    assert "63 % of the silo tax" in page.attack_label.text()  # 5 of 8 days, 62.5 % rounded half up
    assert page.attack_button.isVisible() and page.attack_button.text() == "Attack this"
    assert "Log: two-items.csv, 10 rows" in page.source_label.text()
    assert "Figures as of 10 Mar 2026 00:00" in page.source_label.text()
    assert [i.done for i in page.checklist.items] == [True, True, False]


def test_sorting_the_handoffs_by_items(make_page, ws, loaded):
    page = make_page(ws)
    page.handoff_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert page.handoff_proxy.index(0, 0).data() == "Intake"


def test_no_data_explains_how_to_start(make_page, ws, plan):
    page = make_page(ws)
    assert page.empty_label.isVisible()
    assert "Import log…" in page.empty_label.text() and "Track stalls by hand" in page.empty_label.text()
    assert not page.figures_row.isVisible()
    visible = [page.tabs.tabText(i) for i in range(page.tabs.count()) if page.tabs.isTabVisible(i)]
    assert visible == ["Tracked by hand"]
    assert page.handoff_model.rowCount() == 0 and page.import_button.isEnabled()
    assert [i.done for i in page.checklist.items] == [False, False, False]


def test_statuses_missing_from_the_stage_map_are_reported(make_page, ws, loaded):
    store.set_stage_map(ws, loaded, [s for s in STAGES if s.status != "In Dev"])
    page = make_page(ws)
    assert page.error_label.isVisible()
    assert "'In Dev'" in page.error_label.text() and "Edit stage map" in page.error_label.text()
    assert not page.figures_row.isVisible()


def test_the_page_loads_without_a_task_runner(make_page, ws, loaded):
    page = make_page(ws, tasks=False)
    assert page.silo_figure.value.text() == "8.0 days"


def test_a_read_only_workspace_offers_no_edits(make_page, ws, loaded, tmp_path):
    path = ws.path
    ws.close()
    with open_workspace(path, read_only=True) as ro:
        page = make_page(ro)
        assert not page.import_button.isEnabled() and not page.stage_button.isEnabled()
        assert not page.attack_button.isEnabled() and not page.add_stall_button.isEnabled()
        assert page.open_import() is None


# --------------------------------------------------------------------------- edits and undo

def test_attack_this_adds_a_milestone_and_undo_removes_it(qtbot, make_page, ws, loaded):
    page = make_page(ws)
    doc = page.doc
    before = len(svc.list_milestones(ws, loaded))
    due = store.attack_plan(ws, loaded, TODAY).due  # inside the Audit step
    refreshed(qtbot, page, lambda: qtbot.mouseClick(page.attack_button, Qt.MouseButton.LeftButton))
    ms = svc.list_milestones(ws, loaded)
    assert len(ms) == before + 1
    m = ms[-1]
    assert (m.step, m.title, m.owner, m.due) == ("audit", "Attack the Design → IT handoff", "Dana", due)
    choice = store.get_choice(ws, loaded)
    assert (choice.from_department, choice.to_department, choice.milestone_id) == ("Design", "IT", m.id)
    assert page.attack_label.text().startswith("Chosen on 16 Mar 2026: the Design → IT handoff.")
    assert not page.attack_button.isVisible()
    assert [i.done for i in page.checklist.items] == [True, True, True]

    refreshed(qtbot, page, doc.undo_stack.undo)
    assert len(svc.list_milestones(ws, loaded)) == before and store.get_choice(ws, loaded) is None
    assert page.attack_button.isVisible()
    refreshed(qtbot, page, doc.undo_stack.redo)
    assert store.get_choice(ws, loaded).milestone_id == m.id  # the same milestone, not a new one
    assert svc.get_milestone(ws, m.id).title == m.title


def test_redo_of_attack_keeps_later_edits_to_its_milestone_redoable(qtbot, ws, loaded):
    from views.plan.commands import EditMilestone

    doc = WorkspaceDocument(ws, FEATURES)
    assert doc.execute(choose_bottleneck(doc, loaded, "Design", "IT", TODAY))
    mid = store.get_choice(ws, loaded).milestone_id
    assert doc.execute(EditMilestone(doc, mid, {"status": "in progress"}, "Edit status"))
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert svc.get_milestone(ws, mid).status == "in progress"
    # choosing another handoff later: undo puts the first choice back
    assert doc.execute(choose_bottleneck(doc, loaded, "Marketing", "IT", TODAY))
    doc.undo_stack.undo()
    assert store.get_choice(ws, loaded).from_department == "Design"


def test_edit_stage_map_through_the_dialog_and_undo(qtbot, make_page, ws, loaded, monkeypatch):
    page = make_page(ws)

    def edit_and_accept(dialog: StageMapDialog):
        model = dialog.model
        row = next(i for i, r in enumerate(model.rows()) if r.status == "In Dev")
        assert model.setData(model.index(row, 1), "Engineering")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(StageMapDialog, "exec", edit_and_accept)
    assert refreshed(qtbot, page, page.edit_stage_map)
    assert store.get_stage_map(ws, loaded)["In Dev"].department == "Engineering"
    assert page.handoff_proxy.index(0, 1).data() == "IT"  # queue departments unchanged
    refreshed(qtbot, page, page.doc.undo_stack.undo)
    assert store.get_stage_map(ws, loaded)["In Dev"].department == "IT"
    refreshed(qtbot, page, page.doc.undo_stack.redo)
    assert store.get_stage_map(ws, loaded)["In Dev"].department == "Engineering"


def test_stage_map_dialog_checks_and_reorders(qtbot):
    dialog = StageMapDialog(STAGES[:3], {"Backlog": 4})
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled() and not dialog.changed()
    dialog.add_status()
    assert dialog.problem.text() == "'New status 1' needs a department." and not ok.isEnabled()
    m = dialog.model
    assert m.setData(m.index(3, 0), "Brief")
    assert dialog.problem.text() == "'Brief' appears twice."
    assert m.setData(m.index(3, 0), "QA Queue") and m.setData(m.index(3, 1), "QA")
    assert ok.isEnabled()
    dialog.table.setCurrentIndex(m.index(3, 0))
    dialog.move_selected(-1)
    assert [s.status for s in dialog.stages()] == ["Backlog", "Brief", "QA Queue", "In Design"]
    dialog.table.setCurrentIndex(m.index(0, 0))
    dialog.remove_selected()
    assert [s.status for s in dialog.stages()] == ["Brief", "QA Queue", "In Design"] and dialog.changed()
    assert m.setData(m.index(0, 0), "(left)")
    assert dialog.problem.text() == "(left) is reserved for stalls tracked by hand."


def test_set_stage_map_refused_is_not_an_undo_step(ws, plan, qapp):
    doc = WorkspaceDocument(ws, FEATURES)
    errors = []
    doc.error.connect(errors.append)
    assert not doc.execute(edit_stage_map(doc, plan, [Stage("Build", "", "active")]))
    assert doc.undo_stack.count() == 0 and errors == ["Build: the department is required"]


def test_track_stalls_by_hand_add_edit_delete_and_undo(qtbot, make_page, ws, plan, monkeypatch):
    store.set_stage_map(ws, plan, STAGES)
    page = make_page(ws)
    assert page.empty_label.isVisible()

    def fill(dialog: AddStallDialog):
        assert [dialog.stage.itemText(i) for i in range(dialog.stage.count())] == [
            "Backlog", "Brief", "In Design", "Ready for Dev", "In Dev"]
        dialog.item.setText("Hero banner")
        dialog.stage.setCurrentText("Ready for Dev")
        dialog.entered.setDateTime(QDateTime(2026, 3, 2, 9, 0, 0))
        dialog.left.setDateTime(QDateTime(2026, 3, 5, 21, 0, 0))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AddStallDialog, "exec", fill)
    assert refreshed(qtbot, page, page.track_stall)
    [stall] = store.list_stalls(ws, plan)
    assert (stall.item, stall.stage, stall.entered, stall.left) == (
        "Hero banner", "Ready for Dev", d(2, 9), d(5, 21))  # typed in the plan's zone (UTC)
    assert page.stall_model.index(0, 4).data() == "3.5"
    assert page.figures_row.isVisible()
    # one stall: 3.5 days in a queue with no active status before it: Intake → IT, no silo tax
    assert page.handoff_proxy.index(0, 0).data() == "Intake" and page.silo_figure.value.text() == "0.0 days"

    index = page.stall_proxy.index(0, 3)  # left
    assert refreshed(qtbot, page, lambda: page.stall_proxy.setData(index, QDateTime(2026, 3, 4, 9, 0, 0)))
    assert store.list_stalls(ws, plan)[0].left == d(4, 9)
    assert page.stall_model.index(0, 4).data() == "2.0"
    refreshed(qtbot, page, page.doc.undo_stack.undo)
    assert store.list_stalls(ws, plan)[0].left == d(5, 21)
    refreshed(qtbot, page, page.doc.undo_stack.redo)

    page.stall_table.setCurrentIndex(page.stall_proxy.index(0, 0))
    assert refreshed(qtbot, page, page.delete_selected_stall)
    assert store.list_stalls(ws, plan) == [] and page.empty_label.isVisible()
    refreshed(qtbot, page, page.doc.undo_stack.undo)
    assert store.list_stalls(ws, plan)[0].id == stall.id
    refreshed(qtbot, page, page.doc.undo_stack.undo)  # the edit
    refreshed(qtbot, page, page.doc.undo_stack.undo)  # the add
    assert store.list_stalls(ws, plan) == []
    refreshed(qtbot, page, page.doc.undo_stack.redo)
    assert store.list_stalls(ws, plan)[0].id == stall.id


def test_an_overlapping_stall_is_refused(ws, plan, qapp):
    store.set_stage_map(ws, plan, STAGES)
    doc = WorkspaceDocument(ws, FEATURES)
    errors = []
    doc.error.connect(errors.append)
    assert doc.execute(add_stall(doc, plan, {"item": "X", "stage": "Backlog", "entered": d(2), "left": d(4)}))
    assert not doc.execute(add_stall(doc, plan, {"item": "X", "stage": "Brief", "entered": d(3), "left": None}))
    assert doc.undo_stack.count() == 1 and "cannot overlap" in errors[0]
    sid = store.list_stalls(ws, plan)[0].id
    assert doc.execute(edit_stall(doc, sid, {"note": "from the agency"}))
    assert doc.execute(delete_stall(doc, sid, "X"))
    doc.undo_stack.undo()
    assert store.list_stalls(ws, plan)[0].note == "from the agency"


def test_track_stalls_needs_a_stage_map_first(make_page, ws, plan, monkeypatch):
    page = make_page(ws)
    shown = []
    monkeypatch.setattr(audit_page.QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    assert not page.track_stall()
    assert "Edit stage map" in shown[0]


def test_import_log_command_undo_makes_the_previous_import_active_again(ws, loaded, tmp_path, qapp):
    doc = WorkspaceDocument(ws, FEATURES)
    path = tmp_path / "second.csv"
    path.write_text("item,at,to\nC,2026-03-11 00:00,Backlog\nC,2026-03-12 00:00,Brief\n", encoding="utf-8")
    rows = read_transitions(path, tz=UTC)
    first = store.active_import(ws, loaded)
    new_map = STAGES + [Stage("Parked", "Marketing", "queue")]
    assert doc.execute(import_log(doc, loaded, new_map, rows, source=str(path), format="csv", settings={}))
    assert store.active_import(ws, loaded).row_count == 2 and "Parked" in store.get_stage_map(ws, loaded)
    assert store.analyse_plan(ws, loaded).items == 1  # the re-import replaces the log
    doc.undo_stack.undo()
    assert store.active_import(ws, loaded).id == first.id and "Parked" not in store.get_stage_map(ws, loaded)
    assert store.analyse_plan(ws, loaded).items == 2
    doc.undo_stack.redo()
    assert store.active_import(ws, loaded).row_count == 2


def test_an_import_with_unmapped_statuses_is_refused(ws, loaded, tmp_path, qapp):
    doc = WorkspaceDocument(ws, FEATURES)
    errors = []
    doc.error.connect(errors.append)
    rows = [Transition("Z", d(3), None, "Somewhere")]
    assert not doc.execute(import_log(doc, loaded, STAGES, rows, source="z.csv", format="csv", settings={}))
    assert doc.undo_stack.count() == 0 and "'Somewhere' is not in the stage map" in errors[0]


def test_the_page_drives_the_import_wizard(qtbot, make_page, ws, plan, tmp_path):
    store.set_stage_map(ws, plan, STAGES)
    page = make_page(ws)
    path = tmp_path / "log.csv"
    path.write_text("key;changed;from;to\nA;2026-03-01 00:00;;Backlog\nA;2026-03-03 00:00;Backlog;Brief\n"
                    "A;2026-03-04 00:00;Brief;Ready for Dev\nA;2026-03-09 00:00;Ready for Dev;In Dev\n",
                    encoding="utf-8")
    wizard = page.open_import()
    wizard.set_path(path)
    qtbot.waitUntil(lambda: wizard.file_page.preview is not None, timeout=5000)
    wizard.next()
    assert wizard.currentId() == wizard.MAPPING
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.EXTRA, timeout=5000)
    with qtbot.waitSignal(page.refreshed, timeout=10000):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.REPORT, timeout=5000)
    assert page.silo_figure.value.text() == "5.0 days"  # Ready for Dev after Brief: Marketing → IT, d4 to d9
    assert page.doc.undo_stack.undoText() == "Import log.csv"
    wizard.accept()


# --------------------------------------------------------------------------- charts

@pytest.fixture
def result(ws, loaded):
    return store.analyse_plan(ws, loaded)


def test_heatmap_has_one_annotated_cell_per_handoff(result):
    from matplotlib.figure import Figure

    rows, cols, matrix = heatmap_matrix(result, {s.status: s for s in STAGES})
    # one order on both axes (row i is column i: the diagonal runs corner to corner), intake last
    assert rows == ["Marketing", "Design", "IT", "Intake"] and cols == ["Marketing", "Design", "IT"]
    assert matrix == [[None, None, 3.0], [None, None, 5.0], [None, None, None], [3.0, None, None]]
    fig = Figure()
    draw_heatmap(fig, result, {s.status: s for s in STAGES})
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (4, 3)
    assert sorted(t.get_text() for t in ax.texts) == ["3.0 d", "3.0 d", "5.0 d"]
    assert len(fig.axes) == 2  # the heatmap and its colour bar


def test_active_vs_queue_bars(result):
    from matplotlib.figure import Figure

    fig = Figure()
    draw_active_queue(fig, result)
    left, right = fig.axes
    assert len(left.patches) == 2 * 5  # active and queue segments for each of the 5 statuses
    assert [t.get_text() for t in left.get_yticklabels()] == [
        "In Dev", "In Design", "Brief", "Backlog", "Ready for Dev"]  # most days at the top
    assert department_days(result) == [("IT", 1.0, 8.0), ("Marketing", 3.0, 3.0), ("Design", 1.0, 0.0)]
    assert len(right.patches) == 2 * 3
    assert [t.get_text() for t in right.texts] == [" 0 % waiting", " 50 % waiting", " 89 % waiting"]


def test_cumulative_flow_stacks_every_status(result):
    from matplotlib.figure import Figure

    fig = Figure()
    stages = store.analysis_stages({s.status: s for s in STAGES})
    polys = draw_cumulative_flow(fig, result, stages)
    assert len(polys) == 6  # the statuses the log uses, Done included
    flow = result.cumulative_flow
    assert flow.days[0] == date(2026, 3, 1) and flow.days[-1] == date(2026, 3, 10)
    assert flow.on(date(2026, 3, 10)) == {"Backlog": 0, "Brief": 0, "In Design": 0, "Ready for Dev": 0,
                                          "In Dev": 1, "Done": 1}
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][0] == "Backlog"


def test_flow_time_histogram_marks_median_and_p85(result):
    from matplotlib.figure import Figure

    fig = Figure()
    draw_flow_time(fig, result)
    ax = fig.axes[0]
    assert sum(p.get_height() for p in ax.patches) == 1  # one finished item
    assert [line.get_xdata()[0] for line in ax.lines] == [7.0, 7.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["median 7.0 d", "85th percentile 7.0 d"]


def test_charts_draw_when_their_tab_is_shown(qtbot, make_page, ws, loaded):
    page = make_page(ws)
    chart: AuditChart = page.charts["heatmap"]
    assert chart.draw_count == 0 and chart.figure is None  # hidden tab: nothing drawn yet
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        page.tabs.setCurrentWidget(chart)
    assert chart.draw_count == 1 and chart.figure.axes[0].images
    assert page.charts["flow"].draw_count == 0


def test_figure_table_models_pass_the_model_tester(qtmodeltester, result, ws, loaded):
    statuses = StatusFigureModel()
    statuses.set_rows(result.statuses)
    qtmodeltester.check(statuses)
    handoffs = HandoffFigureModel()
    handoffs.set_rows(result.handoffs)
    qtmodeltester.check(handoffs)
    store.add_stall(ws, loaded, "S", "Backlog", d(11), d(12), "note")
    store.add_stall(ws, loaded, "T", "Brief", d(11), None)
    stalls = StallTableModel(edit=lambda *_a: True)
    stalls.set_rows(store.list_stalls(ws, loaded), ["Backlog", "Brief"], tz=UTC)
    qtmodeltester.check(stalls)
    assert stalls.index(1, 3).data() == "(still there)" and stalls.index(1, 4).data() == "open"


def test_the_audit_page_in_the_main_window_on_the_demo(qtbot, settings, tmp_path):
    from desktop.main_window import MainWindow
    from models.plan.demo import write_demo

    path = write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)
    window = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path)
    page = window.pages["audit"]
    assert isinstance(page, AuditPage)
    assert page.snapshot is None  # hidden pages wait until they are shown
    window.sidebar.setCurrentRow(list(window.pages).index("audit"))
    qtbot.waitUntil(lambda: page.snapshot is not None and not page.loading, timeout=10000)
    window.sidebar.setCurrentRow(1)
    r = page.snapshot.result
    assert r is not None and r.items > 100
    assert page.silo_figure.value.text() == f"{r.silo_tax_days:,.0f} days"
    choice = page.snapshot.choice
    if choice is None:
        assert page.attack_button.isVisible()
    else:  # the demo's story has the bottleneck chosen already
        assert page.attack_label.text().startswith(
            f"Chosen on {choice.chosen_on:%d %b %Y}: the {choice.from_department} → {choice.to_department} handoff.")
    window.tasks.wait()
    window.close()


def test_an_edit_elsewhere_reuses_the_analysis_and_the_drawn_chart(qtbot, make_page, ws, loaded):
    from views.plan.commands import AddMilestone

    page = make_page(ws)
    chart = page.charts["heatmap"]
    with qtbot.waitSignal(chart.drawn, timeout=10000):
        page.tabs.setCurrentWidget(chart)
    before = page.snapshot.result
    draft = svc.MilestoneDraft(step="squad", title="Unrelated", due=date(2026, 4, 1))
    refreshed(qtbot, page, lambda: page.doc.execute(AddMilestone(page.doc, loaded, draft)))
    assert page.snapshot.result is before and chart.draw_count == 1
    with qtbot.waitSignal(chart.drawn, timeout=10000):  # drawn again, on the chart thread
        stall = {"item": "C", "stage": "Backlog", "entered": d(9), "left": d(10)}
        refreshed(qtbot, page, lambda: page.doc.execute(add_stall(page.doc, loaded, stall)))
    assert page.snapshot.result is not before and page.snapshot.result.items == 3
    assert chart.draw_count == 2


def test_a_workspace_without_a_plan_shows_an_idle_page(make_page, ws):
    page = make_page(ws)
    assert page.snapshot is None and not page.import_button.isEnabled() and not page.stage_button.isEnabled()
    assert page.phase_label.text() == "" and not page.checklist.isVisible()
    assert page.open_import() is None and not page.edit_stage_map() and not page.attack_proposed()
