"""The Ownership page driven as a user would: the grid, keyboard and mouse
editing, undo of every edit, findings beside the grid, the start panel."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QInputDialog

from models.ownership import service as own
from models.plan import service as svc
from models.plan.transfer import dump_plan
from models.core.workspace import open_workspace
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument
from views.ownership.commands import (
    AddCapability,
    AddDepartment,
    EditCapability,
    MoveCapability,
    MoveDepartment,
    RemoveCapability,
    RemoveDepartment,
    RenameDepartment,
    SetCells,
    StartDefaultMap,
)
from views.ownership.grid import SEVERITY_ROLE, OwnershipGridModel, severity_colour
from views.ownership.page import OwnershipPage


@pytest.fixture
def page(qtbot, doc):
    p = OwnershipPage(doc, lambda: TODAY)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def ids(doc):
    m = own.get_map(doc.ws, doc.plan_id)
    return {c.name: c.id for c in m.capabilities}, {d.name: d.id for d in m.departments}


def letter(doc, capability, department):
    caps, depts = ids(doc)
    return own.get_map(doc.ws, doc.plan_id).letter(caps[capability], depts[department])


def cell(page, capability, department):
    caps, depts = ids(page.doc)
    m = page.model
    return m.index(m.row_of_capability(caps[capability]), m.column_of_department(depts[department]))


def wait_for_model(qtbot, page):
    """The page redraws after the event loop runs; wait until the model shows the database."""
    qtbot.waitUntil(lambda: page.model.ownership_map() == own.get_map(page.doc.ws, page.doc.plan_id),
                    timeout=2000)


def state(doc):
    """Everything the database holds, ids and positions included."""
    return ([dump_plan(doc.ws, p.id, FEATURES, keep_ids=True) for p in svc.list_plans(doc.ws)],
            own.get_map(doc.ws, doc.plan_id))


# --------------------------------------------------------------------------- the grid

def test_grid_model_passes_the_model_tester(qtmodeltester, demo_ws):
    plan = svc.find_plan(demo_ws)
    model = OwnershipGridModel(edit_cells=lambda _c: True, edit_capability=lambda *_a: True)
    model.set_map(own.get_map(demo_ws, plan.id), own.escalation_choices(demo_ws, plan.id))
    qtmodeltester.check(model)
    model.set_map(None)
    assert (model.rowCount(), model.columnCount()) == (0, 0)
    qtmodeltester.check(model)


def test_grid_groups_capabilities_under_layer_rows_with_departments_as_columns(page):
    m = page.model
    assert (m.rowCount(), m.columnCount()) == (14, 10)  # 11 capabilities + 3 layer rows; 7 departments + 3
    assert [m.index(r, 0).data() for r in (0, 4, 10)] == ["Front of house", "Middle of house", "Back of house"]
    assert m.index(5, 0).data() == "Inventory availability"
    assert m.flags(m.index(4, 3)) == Qt.ItemFlag.NoItemFlags
    assert page.grid.columnSpan(4, 0) == 10
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in (1, 4, 5, 8, 9)] == [
        "eCommerce", "Supply\nChain", "Store\nOperations", "Escalates to", "Systems"]
    assert m.index(6, 8).data() == "Revenue Architect (Dana Okafor)"
    assert m.index(7, 8).data() == "Priya Shah"
    assert m.index(7, 9).data() == "OMS, WMS, Carrier platform"


def test_findings_colour_the_cells_and_rows(page):
    order_it = cell(page, "Order orchestration", "IT")
    assert order_it.data(SEVERITY_ROLE) == "warning"
    assert order_it.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(severity_colour("warning", strong=True))
    returns_fin = cell(page, "Returns", "Finance")  # a C in a row with no A: the row is tinted
    assert returns_fin.data(SEVERITY_ROLE) is None
    assert returns_fin.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(severity_colour("error", strong=False))
    returns_name = page.model.index(returns_fin.row(), 0)
    assert returns_name.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(severity_colour("error", strong=True))
    assert cell(page, "Inventory ownership", "Finance").data(SEVERITY_ROLE) == "warning"  # bottleneck
    assert cell(page, "Storefront and content", "eCommerce").data(Qt.ItemDataRole.BackgroundRole) is None
    assert "Nobody is accountable for Returns." in returns_fin.data(Qt.ItemDataRole.ToolTipRole)


def test_findings_are_listed_beside_the_grid_with_what_to_do(page, qtbot):
    panel = page.findings
    assert panel.title.text() == "Findings (4)"
    assert panel.one_a.text() == "✘ 2 of 11 capabilities do not have exactly one A."
    assert [c.title.text() for c in panel.cards] == [
        "More than one A", "Everybody and nobody", "No A", "Bottleneck by design"]
    assert panel.cards[2].advice.text().startswith("→ Name one department accountable for Returns.")
    assert all(c.problem.textFormat() == Qt.TextFormat.PlainText for c in panel.cards)
    assert "Revenue Architect (Dana Okafor): Inventory availability, Order orchestration" in panel.roles.text()
    QTest.mouseClick(panel.cards[2], Qt.MouseButton.LeftButton)
    assert page.grid.currentIndex().data() == "Returns"
    QTest.mouseClick(panel.cards[3], Qt.MouseButton.LeftButton)  # Finance's back-layer A's, not its front one
    assert page.grid.currentIndex() == cell(page, "Financials and ERP", "Finance")
    assert sorted(i.row() for i in page.grid.selectionModel().selectedIndexes()) == [
        cell(page, "Financials and ERP", "Finance").row(), cell(page, "Inventory ownership", "Finance").row()]


# --------------------------------------------------------------------------- keyboard

def test_typing_a_letter_sets_the_cell_and_delete_clears_it(page, doc, qtbot):
    page.grid.setFocus()
    page.grid.setCurrentIndex(cell(page, "Returns", "Finance"))
    QTest.keyClick(page.grid, Qt.Key.Key_A)
    assert letter(doc, "Returns", "Finance") == "A"
    wait_for_model(qtbot, page)
    assert page.findings.title.text() == "Findings (3)"
    assert page.grid.currentIndex() == cell(page, "Returns", "Finance")  # the cursor stays put
    QTest.keyClicks(page.grid, "c")  # lower case works too
    assert letter(doc, "Returns", "Finance") == "C"
    for key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space):
        QTest.keyClick(page.grid, Qt.Key.Key_I)
        assert letter(doc, "Returns", "Finance") == "I"
        QTest.keyClick(page.grid, key)
        assert letter(doc, "Returns", "Finance") == ""
    QTest.keyClick(page.grid, Qt.Key.Key_X)  # not a RACI letter: nothing happens
    assert letter(doc, "Returns", "Finance") == ""
    assert doc.undo_stack.count() == 8
    doc.undo_stack.undo()
    assert letter(doc, "Returns", "Finance") == "I"


def test_arrow_keys_move_and_skip_the_layer_rows(page):
    page.grid.setFocus()
    page.grid.setCurrentIndex(cell(page, "Customer service", "IT"))
    QTest.keyClick(page.grid, Qt.Key.Key_Right)
    assert page.grid.currentIndex() == cell(page, "Customer service", "Supply Chain")
    QTest.keyClick(page.grid, Qt.Key.Key_Down)  # over "Back of house"
    assert page.grid.currentIndex() == cell(page, "Financials and ERP", "Supply Chain")
    QTest.keyClick(page.grid, Qt.Key.Key_R)
    assert letter(page.doc, "Financials and ERP", "Supply Chain") == "R"


def test_a_letter_typed_over_a_selection_is_one_undo_step(page, doc, qtbot):
    before = state(doc)
    first, last = cell(page, "Returns", "eCommerce"), cell(page, "Returns", "IT")
    page.grid.setFocus()
    page.grid.setCurrentIndex(first)
    page.grid.selectionModel().select(QItemSelection(first, last), QItemSelectionModel.SelectionFlag.Select)
    QTest.keyClick(page.grid, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    assert [letter(doc, "Returns", d) for d in ("eCommerce", "Marketing", "IT")] == ["I", "I", "I"]
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Set I in 2 cells"  # eCommerce was I
    doc.undo_stack.undo()
    assert state(doc) == before


# --------------------------------------------------------------------------- mouse

def test_context_menu_sets_and_clears_letters(page, doc):
    index = cell(page, "Returns", "Customer Service")
    menu = page.cell_menu(index)
    names = [a.objectName() for a in menu.actions()]
    assert names[:5] == ["setR", "setA", "setC", "setI", "clear"]
    assert {"editCapability", "removeCapability", "renameDepartment", "removeDepartment"} <= set(names)
    menu.findChild(type(menu.actions()[0]), "setA").trigger()
    assert letter(doc, "Returns", "Customer Service") == "A"
    page.cell_menu(index).findChild(type(menu.actions()[0]), "clear").trigger()
    assert letter(doc, "Returns", "Customer Service") == ""


def test_double_click_opens_a_letter_chooser(page, doc, qtbot):
    index = cell(page, "Returns", "Marketing")
    rect = page.grid.visualRect(index)
    QTest.mouseClick(page.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(page.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    combo = page.grid.findChild(QComboBox, "letterEditor")
    assert combo is not None and combo.itemData(2) == "A"
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert letter(doc, "Returns", "Marketing") == "A"
    qtbot.waitUntil(lambda: page.grid.findChild(QComboBox, "letterEditor") is None, timeout=2000)


def test_escalation_is_chosen_from_the_roles_or_typed_as_a_name(page, doc, qtbot):
    caps, _ = ids(doc)
    row = page.model.row_of_capability(caps["Returns"])
    index = page.model.index(row, page.model.escalation_column)
    page.grid.edit(index)
    combo = page.grid.findChild(QComboBox, "escalationEditor")
    assert [combo.itemText(i) for i in range(combo.count())][:2] == [
        "(nobody yet)", "Revenue Architect (Dana Okafor)"]
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert own.get_map(doc.ws, doc.plan_id).capability(caps["Returns"]).escalation == "revenue_architect"
    wait_for_model(qtbot, page)
    qtbot.waitUntil(lambda: page.grid.findChild(QComboBox, "escalationEditor") is None, timeout=2000)
    assert page.model.setData(index, "Sam Lee", Qt.ItemDataRole.EditRole)
    assert own.get_map(doc.ws, doc.plan_id).capability(caps["Returns"]).escalation == "Sam Lee"
    doc.undo_stack.undo()
    assert own.get_map(doc.ws, doc.plan_id).capability(caps["Returns"]).escalation == "revenue_architect"


def test_editing_a_capability_name_in_place_is_refused_when_it_clashes(page, doc, qtbot):
    errors = []
    doc.error.connect(errors.append)
    caps, _ = ids(doc)
    index = page.model.index(page.model.row_of_capability(caps["Returns"]), 0)
    assert not page.model.setData(index, "Customer service")
    assert errors == ["a capability named 'Customer service' is already in the map"]
    assert doc.undo_stack.count() == 0
    assert page.model.setData(index, "Returns and refunds")
    assert ids(doc)[0]["Returns and refunds"] == caps["Returns"]


# --------------------------------------------------------------------------- departments, capabilities

def test_add_department_button_adds_a_column_and_undo_removes_it(page, doc, qtbot, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Commerce Operations", True))
    page.add_department_button.click()
    qtbot.waitUntil(lambda: page.model.columnCount() == 11, timeout=2000)
    assert page.model.headerData(8, Qt.Orientation.Horizontal) == "Commerce\nOperations"
    page.grid.setFocus()
    page.grid.setCurrentIndex(cell(page, "Returns", "Commerce Operations"))
    QTest.keyClick(page.grid, Qt.Key.Key_A)
    wait_for_model(qtbot, page)
    assert [c.title.text() for c in page.findings.cards] == [
        "More than one A", "Everybody and nobody", "Bottleneck by design"]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: page.model.columnCount() == 10, timeout=2000)


def test_header_menu_moves_and_renames_departments(page, doc, qtbot, monkeypatch):
    _caps, depts = ids(doc)
    finance = page.model.column_of_department(depts["Finance"])
    menu = page.header_menu(finance)
    assert not menu.findChild(type(menu.actions()[0]), "moveRight").isEnabled()  # already the last column
    menu.findChild(type(menu.actions()[0]), "moveLeft").trigger()
    assert [d.name for d in own.get_map(doc.ws, doc.plan_id).departments][5:] == ["Finance", "Customer Service"]
    wait_for_model(qtbot, page)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Finance & Control", True))
    page.grid.horizontalHeader().sectionDoubleClicked.emit(finance - 1)
    assert own.get_map(doc.ws, doc.plan_id).department(depts["Finance"]).name == "Finance & Control"
    assert doc.undo_stack.undoText() == "Rename department to 'Finance & Control'"


def test_edit_capability_dialog_moves_it_to_another_layer(page, doc, qtbot, monkeypatch):
    from views.ownership import page as ownership_page
    class FakeDialog:
        def __init__(self, capability=None, **_k):
            assert capability.name == "Returns"

        def exec(self):
            return ownership_page.QDialog.DialogCode.Accepted

        def values(self):
            return {"name": "Returns", "layer": "back", "systems": "OMS, Returns portal, ERP"}

    monkeypatch.setattr(ownership_page, "CapabilityDialog", FakeDialog)
    caps, _ = ids(doc)
    page.edit_capability(caps["Returns"])
    cap = own.get_capability(doc.ws, caps["Returns"])
    assert (cap.layer, cap.systems) == ("back", ("OMS", "Returns portal", "ERP"))
    qtbot.waitUntil(lambda: page.model.row_info(page.model.rowCount() - 1).capability.name == "Returns",
                    timeout=2000)
    doc.undo_stack.undo()
    assert own.get_capability(doc.ws, caps["Returns"]).layer == "middle"


def test_the_page_starts_a_map_for_a_plan_without_one(page, doc, qtbot):
    plan_id = svc.create_plan(doc.ws, svc.PlanDraft(name="Second", start=date(2026, 5, 4)))
    doc.set_plan(plan_id)
    qtbot.waitUntil(lambda: page.body.currentWidget() is page.start_panel, timeout=2000)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 14, timeout=2000)
    assert page.body.currentWidget() is page.splitter
    # a blank map is not filled in yet: no finding, no tint, until the first letter
    assert page.findings.title.text() == "Findings" and page.findings.cards == []
    assert page.findings.empty.isVisibleTo(page) and "not filled in yet" in page.findings.empty.text()
    assert all(page.model.index(r, c).data(Qt.ItemDataRole.BackgroundRole) is None
               for r in range(page.model.rowCount()) for c in range(1, page.model.columnCount())
               if not page.model.row_info(r).is_header)
    m = own.get_map(doc.ws, plan_id)
    first, it = m.capabilities[0], next(d for d in m.departments if d.name == "IT")
    assert doc.execute(SetCells(doc, plan_id, {(first.id, it.id): "R"}))
    qtbot.waitUntil(lambda: page.findings.title.text() == "Findings (21)", timeout=2000)  # 11 without A, 10 without R
    assert page.findings.cards[0].problem.text() == "Nobody is accountable for Storefront and content."
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: page.body.currentWidget() is page.start_panel, timeout=2000)
    assert own.get_map(doc.ws, plan_id).is_empty


def test_user_text_is_shown_as_plain_text(page, doc, qtbot):
    assert doc.execute(AddCapability(doc, doc.plan_id, "<b>Loyalty</b>", "front"))
    wait_for_model(qtbot, page)
    card = next(c for c in page.findings.cards if "<b>" in c.problem.text())
    assert card.problem.text() == "Nobody is accountable for <b>Loyalty</b>."
    assert card.problem.textFormat() == Qt.TextFormat.PlainText


# --------------------------------------------------------------------------- undo of every command

def round_trip(doc, make_command, check):
    before = state(doc)
    assert doc.execute(make_command())
    after = state(doc)
    assert after != before
    check()
    doc.undo_stack.undo()
    assert state(doc) == before
    doc.undo_stack.redo()
    assert state(doc) == after
    check()


def test_undo_and_redo_of_every_ownership_edit(doc):
    caps, depts = ids(doc)
    plan_id = doc.plan_id

    def current():
        return own.get_map(doc.ws, plan_id)

    round_trip(doc, lambda: SetCells(doc, plan_id, {(caps["Returns"], depts["Finance"]): "A",
                                                     (caps["Returns"], depts["IT"]): "R"}),
               lambda: letter(doc, "Returns", "Finance") == "A" or pytest.fail())
    round_trip(doc, lambda: AddDepartment(doc, plan_id, "Commerce Operations"),
               lambda: current().departments[-1].name == "Commerce Operations" or pytest.fail())
    round_trip(doc, lambda: RenameDepartment(doc, depts["IT"], "Technology"),
               lambda: current().department(depts["IT"]).name == "Technology" or pytest.fail())
    round_trip(doc, lambda: RemoveDepartment(doc, depts["Supply Chain"], "Supply Chain"),
               lambda: current().department(depts["Supply Chain"]) is None or pytest.fail())
    round_trip(doc, lambda: MoveDepartment(doc, plan_id, depts["Finance"], -1),
               lambda: current().departments[4].name == "Finance" or pytest.fail())
    round_trip(doc, lambda: AddCapability(doc, plan_id, "Click and collect", "middle", "OMS"),
               lambda: current().capabilities[8].name == "Click and collect" or pytest.fail())
    round_trip(doc, lambda: EditCapability(doc, caps["Returns"], {"layer": "back", "systems": "ERP"}, "Edit"),
               lambda: current().capabilities[-1].systems == ("ERP",) or pytest.fail())
    round_trip(doc, lambda: RemoveCapability(doc, caps["Order orchestration"], "Order orchestration"),
               lambda: current().capability(caps["Order orchestration"]) is None or pytest.fail())
    # middle of house now: Inventory availability, Fulfilment..., Customer service, Click and collect
    round_trip(doc, lambda: MoveCapability(doc, plan_id, caps["Customer service"], -1),
               lambda: current().capabilities[4].name == "Customer service" or pytest.fail())


def test_start_default_map_undo_and_redo(doc):
    plan_id = svc.create_plan(doc.ws, svc.PlanDraft(name="Second", start=date(2026, 5, 4)))
    doc.set_plan(plan_id)
    round_trip(doc, lambda: StartDefaultMap(doc, plan_id),
               lambda: len(own.get_map(doc.ws, plan_id).capabilities) == 11 or pytest.fail())
    assert not doc.execute(StartDefaultMap(doc, plan_id))  # refused: not an undo step
    assert doc.undo_stack.count() == 1


# --------------------------------------------------------------------------- read-only, main window

def test_read_only_workspace_cannot_be_edited(qtbot, qapp, tmp_path, demo_template):
    path = tmp_path / "ro.ninety"
    shutil.copyfile(demo_template, path)
    ws = open_workspace(path, read_only=True)
    try:
        d = WorkspaceDocument(ws, FEATURES)
        p = OwnershipPage(d, lambda: TODAY)
        qtbot.addWidget(p)
        p.show()
        index = cell(p, "Returns", "Finance")
        assert not (p.model.flags(index) & Qt.ItemFlag.ItemIsEditable)
        assert not p.add_department_button.isEnabled()
        p.grid.setFocus()
        p.grid.setCurrentIndex(index)
        QTest.keyClick(p.grid, Qt.Key.Key_A)
        assert d.undo_stack.count() == 0 and letter(d, "Returns", "Finance") == "C"
        assert not any(a.isEnabled() for a in p.cell_menu(index).actions())
    finally:
        ws.close()


def test_main_window_shows_the_page_and_the_overview_check(qtbot, settings, tmp_path, demo_template):
    from desktop.main_window import PAGES, MainWindow

    path = tmp_path / "demo.ninety"
    shutil.copyfile(demo_template, path)
    w = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(path)
    row = [p.key for p in PAGES].index("ownership")
    w.sidebar.setCurrentRow(row)
    assert isinstance(w.stack.currentWidget(), OwnershipPage)
    page = w.stack.currentWidget()
    qtbot.waitUntil(lambda: page.model.rowCount() == 14, timeout=3000)
    w.sidebar.setCurrentRow(0)  # the Overview redraws when shown
    qtbot.waitUntil(lambda: any(i.label == "Every capability has exactly one A" for i in w.overview.checklist.items),
                    timeout=3000)
    item = next(i for i in w.overview.checklist.items if i.label == "Every capability has exactly one A")
    assert not item.done
    w.close()


# --------------------------------------------------------------------------- the capability dialog, one read

def test_capability_dialog_shows_layer_names_and_gives_keys(qtbot):
    from views.ownership.dialogs import CapabilityDialog

    cap = own.CapabilityInfo(1, 1, "Returns", "middle", ("OMS", "Returns portal"), "", 0)
    dialog = CapabilityDialog(cap)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit capability"
    assert dialog.values() == {"name": "Returns", "layer": "middle", "systems": "OMS, Returns portal"}
    layers = dialog.editors["layer"]
    assert [layers.itemText(i) for i in range(layers.count())] == ["Front of house", "Middle of house",
                                                                   "Back of house"]
    layers.setCurrentIndex(2)
    assert dialog.values()["layer"] == "back"
    new = CapabilityDialog(layer="front")
    qtbot.addWidget(new)
    assert new.values()["layer"] == "front" and not new._ok.isEnabled()  # a name is required
    new.editors["name"].setText("Loyalty")
    assert new._ok.isEnabled()


def test_the_page_reads_the_map_and_the_escalations_at_once(doc):
    m, choices = own.map_view(doc.ws, doc.plan_id)
    assert m == own.get_map(doc.ws, doc.plan_id)
    assert choices == own.escalation_choices(doc.ws, doc.plan_id)
