"""The one row model, delegate, proxy and row dialog, on a small declared entity."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QLineEdit, QPlainTextEdit, \
    QSpinBox, QStyleOptionViewItem, QWidget

from models.core.fields import Entity, Field
from models.core.validation import PlanError
from views.common.field_editors import OptionalDateEdit, editor_value, make_editor, set_editor_value
from views.common.row_commands import EditRow
from views.common.rows import ID_ROLE, SORT_ROLE, RowDelegate, RowDialog, RowFilterProxy, RowTableModel, \
    columns, computed, out_of, row_table, selected_row, table_page

TASK = Entity("task", (
    Field("title", "task title", required=True, width=200),
    Field("due", "due date", "date", required=True),
    Field("effort", "effort", "int", low=1, high=5),
    Field("share", "share", "percent", low=0, high=100),
    Field("cost", "cost", "float"),
    Field("status", "status", "choice", choices=("open", "done")),
    Field("owner", "owner", choices=("Ana", "Ben"), help="anyone"),
    Field("note", "note", "longtext"),
    Field("urgent", "urgent", "bool"),
))


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    due: date
    effort: int
    share: float
    cost: float
    status: str
    owner: str
    note: str
    urgent: bool


ROWS = [
    Task(1, "Write brief", date(2026, 3, 2), 2, 50.0, 1200.0, "open", "Ana", "", False),
    Task(2, "Hire analyst", date(2026, 2, 20), 5, 100.0, 0.5, "done", "Ben", "x" * 40, True),
    Task(3, "Book room", date(2026, 3, 9), 1, 12.5, 80.0, "open", "Cleo", "", False),
]


def make_model(edits=None, parent=None):
    cols = columns(TASK, effort={"display": out_of(TASK.field("effort"))},
                   status={"colour": lambda t: "#2e7d32" if t.status == "done" else None}) + (
        computed("late", "Late", lambda t: t.due < date(2026, 3, 1) and t.status != "done"),)
    calls = edits if edits is not None else []
    model = RowTableModel(cols, edit=lambda *args: calls.append(args) or True, parent=parent)
    model.set_rows(ROWS)
    return model


def test_model_passes_the_model_tester(qtmodeltester):
    qtmodeltester.check(make_model())


def test_model_shows_values_by_kind_and_sorts_by_value():
    m = make_model()
    cell = lambda r, key, role=Qt.ItemDataRole.DisplayRole: m.index(r, m.column_index(key)).data(role)
    assert m.headerData(0, Qt.Orientation.Horizontal) == "Task title"
    assert (cell(0, "due"), cell(0, "effort"), cell(0, "share"), cell(0, "cost")) == \
        ("2026-03-02", "2 / 5", "50 %", "1200")
    assert cell(1, "urgent", Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(1, "status", Qt.ItemDataRole.ForegroundRole).color().name() == "#2e7d32"
    assert cell(1, "note", Qt.ItemDataRole.ToolTipRole) == "x" * 40
    assert cell(0, "due", SORT_ROLE) == date(2026, 3, 2).toordinal() and cell(2, "title", ID_ROLE) == 3
    assert cell(0, "due", Qt.ItemDataRole.EditRole) == QDate(2026, 3, 2)
    assert not m.flags(m.index(0, m.column_index("late"))) & Qt.ItemFlag.ItemIsEditable
    assert m.flags(m.index(0, m.column_index("urgent"))) & Qt.ItemFlag.ItemIsUserCheckable


def test_model_never_writes_it_calls_edit():
    calls = []
    m = make_model(calls)
    assert m.setData(m.index(0, m.column_index("due")), QDate(2026, 3, 4))
    assert m.setData(m.index(0, m.column_index("urgent")), Qt.CheckState.Checked.value,
                     Qt.ItemDataRole.CheckStateRole)
    assert not m.setData(m.index(0, m.column_index("title")), " Write brief ")  # unchanged
    assert not m.setData(m.index(1, m.column_index("share")), 100.0)
    assert not m.setData(m.index(0, m.column_index("late")), True)  # display-only
    assert calls == [(1, "due", date(2026, 3, 4)), (1, "urgent", True)]
    assert m.row(0) == ROWS[0]
    m.set_rows(ROWS, editable=False)
    assert not m.setData(m.index(0, m.column_index("due")), QDate(2026, 3, 4))
    assert not m.flags(m.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


@pytest.mark.parametrize("key, editor_type", [
    ("due", QDateEdit), ("effort", QSpinBox), ("share", QDoubleSpinBox), ("cost", QDoubleSpinBox),
    ("status", QComboBox), ("owner", QComboBox), ("title", QLineEdit), ("note", QLineEdit),
])
def test_delegate_creates_the_editor_the_field_asks_for(qtbot, key, editor_type):
    parent = QWidget()
    qtbot.addWidget(parent)
    m = make_model(parent=parent)
    proxy = RowFilterProxy(parent)
    proxy.setSourceModel(m)
    proxy.sort(m.column_index("due"))  # row 0 of the proxy is the earliest task (id 2)
    index = proxy.index(0, m.column_index(key))
    delegate = RowDelegate(parent)
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    assert type(editor) is editor_type
    delegate.setEditorData(editor, index)
    if key == "effort":
        assert (editor.minimum(), editor.maximum(), editor.value()) == (1, 5, 5)
    if key == "share":
        assert (editor.maximum(), editor.decimals(), editor.suffix()) == (100, 1, " %")
    if key == "status":
        assert not editor.isEditable() and editor.currentText() == "done"
    if key == "owner":
        assert editor.isEditable() and [editor.itemText(i) for i in range(editor.count())] == ["Ana", "Ben"]
    if key == "due":
        assert editor.date() == QDate(2026, 2, 20)


def test_delegate_writes_through_the_edit_callback(qtbot):
    calls = []
    m = make_model(calls)
    index = m.index(2, m.column_index("effort"))
    delegate = RowDelegate()
    editor = delegate.createEditor(None, QStyleOptionViewItem(), index)
    qtbot.addWidget(editor)
    editor.setValue(4)
    delegate.setModelData(editor, m, index)
    assert calls == [(3, "effort", 4)]


def test_proxy_filters_by_text_and_by_value(qtbot):
    m = make_model()
    proxy = RowFilterProxy()
    proxy.setSourceModel(m)
    ids = lambda: sorted(proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount()))
    proxy.set_text("  HIRE ")
    assert ids() == [2]
    proxy.set_text("2026-03")
    assert ids() == [1, 3]
    proxy.set_filter("status", "open")
    assert ids() == [1, 3]
    proxy.set_text("")
    proxy.set_filter("late", True)  # a computed column filters too
    assert ids() == []
    proxy.set_filter("late", None)
    proxy.set_filter("effort", lambda e: e >= 2)
    assert ids() == [1]
    proxy.set_filter("status", None)
    assert ids() == [1, 2]


def test_dialog_builds_the_form_from_the_fields(qtbot):
    dialog = RowDialog(TASK, {"title": "Write brief", "effort": 3, "status": "done"}, title="Add task")
    qtbot.addWidget(dialog)
    kinds = {key: type(ed) for key, ed in dialog.editors.items()}
    assert kinds == {"title": QLineEdit, "due": QDateEdit, "effort": QSpinBox, "share": QDoubleSpinBox,
                     "cost": QDoubleSpinBox, "status": QComboBox, "owner": QComboBox, "note": QPlainTextEdit,
                     "urgent": QCheckBox}
    assert dialog.editors["effort"].maximum() == 5
    assert dialog.values()["status"] == "done" and dialog.changed_values() == {}
    dialog.editors["title"].setText("")
    assert not dialog._ok.isEnabled()  # the task title is required
    dialog.editors["title"].setText("Write the brief")
    assert dialog._ok.isEnabled() and dialog.changed_values() == {"title": "Write the brief"}


def test_dialog_refuses_an_out_of_range_value_and_stays_open(qtbot):
    dialog = RowDialog(TASK, {"title": "Write brief", "effort": 3}, title="Edit task")
    qtbot.addWidget(dialog)
    effort = dialog.editors["effort"]
    effort.setValue(9)
    assert effort.value() == 5  # the spin box holds the Field's range
    effort.setRange(0, 99)  # a value the Field refuses (as if typed past the editor's limits)
    effort.setValue(9)
    dialog.accept()
    assert dialog.result() != RowDialog.DialogCode.Accepted
    assert dialog.error.text() == "Effort must be from 1 to 5, not 9" and not dialog.error.isHidden()
    effort.setValue(4)
    dialog.accept()
    assert dialog.result() == RowDialog.DialogCode.Accepted


# --------------------------------------------------------------------------- column hooks, filters, custom editors

def hooked_model(edits=None):
    """Sort by a declared order, edit the effort only on open tasks, a custom editor for the due date."""
    calls = edits if edits is not None else []
    cols = columns(TASK, status={"sort": lambda _t, s: ("done", "open").index(s)},
                   effort={"editable_when": lambda t: t.status == "open"},
                   due={"editor": lambda t, parent: OptionalDateEdit(parent, empty_text="later", floor=t.due)})
    model = RowTableModel(cols, edit=lambda *args: calls.append(args) or True)
    model.set_rows(ROWS)
    return model


def test_a_column_sorts_by_its_own_key_and_is_editable_only_where_it_says():
    calls = []
    m = hooked_model(calls)
    status, effort = m.column_index("status"), m.column_index("effort")
    assert [m.index(r, status).data(SORT_ROLE) for r in range(3)] == [1, 0, 1]
    assert m.flags(m.index(0, effort)) & Qt.ItemFlag.ItemIsEditable
    assert not m.flags(m.index(1, effort)) & Qt.ItemFlag.ItemIsEditable  # task 2 is done
    assert not m.setData(m.index(1, effort), 3)
    assert m.setData(m.index(0, effort), 3)
    assert calls == [(1, "effort", 3)]


def test_a_column_opens_its_own_editor_whose_step_below_the_floor_means_empty(qtbot):
    calls = []
    m = hooked_model(calls)
    parent = QWidget()
    qtbot.addWidget(parent)
    index = m.index(0, m.column_index("due"))
    delegate = RowDelegate(parent)
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    assert isinstance(editor, OptionalDateEdit) and editor.specialValueText() == "later"
    delegate.setEditorData(editor, index)
    assert editor.date() == QDate(2026, 3, 2) and editor.minimumDate() == QDate(2026, 3, 1)
    editor.setDate(editor.minimumDate())
    delegate.setModelData(editor, m, index)
    assert calls == [(1, "due", None)]


def test_optional_date_edit_keeps_empty_empty_and_moves_an_earlier_date_up(qtbot):
    editor = OptionalDateEdit(floor=date(2026, 3, 2))
    qtbot.addWidget(editor)
    set_editor_value(editor, None, None)
    assert editor_value(editor) is None and editor.text() == "none"
    editor.set_floor(date(2026, 3, 10))
    assert editor_value(editor) is None  # still empty, not the new floor's eve
    set_editor_value(editor, None, date(2026, 3, 12))
    editor.set_floor(date(2026, 3, 15))
    assert editor_value(editor) == date(2026, 3, 15)
    editor.set_floor(date(2026, 3, 1))
    assert editor_value(editor) == date(2026, 3, 15)
    proposing = OptionalDateEdit(floor=date(2026, 3, 2), proposal=date(2026, 3, 16))
    qtbot.addWidget(proposing)
    proposing.set_value(None)  # a cell opened to record the date offers the proposal
    assert editor_value(proposing) == date(2026, 3, 16)


def test_an_optional_choice_offers_no_value_first(qtbot):
    field = Field("size", "size", "choice", optional=True, choices=("S", "M"))
    combo = make_editor(field, empty="(any)")
    qtbot.addWidget(combo)
    assert [combo.itemText(i) for i in range(combo.count())] == ["(any)", "S", "M"]
    assert editor_value(combo) == ""
    set_editor_value(combo, field, "M")
    assert editor_value(combo) == "M"
    set_editor_value(combo, field, None)
    assert combo.currentIndex() == 0 and field.clean(editor_value(combo)) is None


def test_proxy_searches_only_the_text_columns_and_applies_row_filters():
    m = make_model()
    proxy = RowFilterProxy(text_keys=("title", "owner"))
    proxy.setSourceModel(m)
    ids = lambda: sorted(proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount()))
    proxy.set_text("2026-03")  # dates are not searched
    assert ids() == []
    proxy.set_text("ben")
    assert ids() == [2]
    proxy.set_text("")
    proxy.set_row_filter("cheap", lambda t: t.cost < 100)
    proxy.set_row_filter("small", lambda t: t.effort <= 2)
    assert ids() == [3]
    proxy.set_row_filter("small", None)
    assert ids() == [2, 3]
    proxy.set_row_filter("cheap", None)
    assert ids() == [1, 2, 3]


def test_row_table_page_and_selection(qtbot):
    m = make_model()
    proxy = RowFilterProxy()
    deleted = []
    table = row_table(m, proxy, "tasks", row_height=24, on_delete=lambda: deleted.append(True))
    page = table_page(table, (QWidget(), 8, QWidget()), below=QWidget())
    qtbot.addWidget(page)
    assert table.objectName() == "tasks" and isinstance(table.itemDelegate(), RowDelegate)
    assert table.columnWidth(0) == 200 and table.verticalHeader().defaultSectionSize() == 24
    assert selected_row(table) is None
    table.sortByColumn(m.column_index("due"), Qt.SortOrder.AscendingOrder)
    table.setCurrentIndex(proxy.index(0, 0))
    assert selected_row(table) == ROWS[1]  # the earliest task, through the proxy


def test_dialog_takes_custom_editors_and_checks_rules_between_fields(qtbot):
    def check(values):
        if values["status"] == "done" and not values["urgent"]:
            raise PlanError("only urgent tasks are done so fast")

    dialog = RowDialog(TASK, {"title": "Write brief", "due": date(2026, 3, 2)}, title="Add task",
                       editors={"due": lambda parent: OptionalDateEdit(parent, floor=date(2026, 3, 1))},
                       check=check)
    qtbot.addWidget(dialog)
    assert isinstance(dialog.editors["due"], OptionalDateEdit) and dialog.values()["due"] == date(2026, 3, 2)
    dialog.editors["status"].setCurrentIndex(dialog.editors["status"].findText("done"))
    dialog.accept()
    assert dialog.result() != RowDialog.DialogCode.Accepted
    assert dialog.error.text() == "Only urgent tasks are done so fast"
    dialog.editors["urgent"].setChecked(True)
    dialog.accept()
    assert dialog.result() == RowDialog.DialogCode.Accepted


def test_cell_editor_names_the_undo_step_after_the_field(qtbot, ws):
    from desktop.features import FEATURES
    from views.common.document import WorkspaceDocument
    from views.common.row_commands import ServiceRows, cell_editor

    store = {1: {"effort": 2}}

    def update(_ws, row_id, changes):
        before = {k: store[row_id][k] for k in changes}
        store[row_id].update(changes)
        return before

    rows = ServiceRows(add=None, update=update, delete=None, restore=None)
    doc = WorkspaceDocument(ws, FEATURES)
    seen = []
    edit = cell_editor(doc, TASK, lambda d, row_id, changes, text: seen.append(text) or EditRow(
        d, "tasks", rows, row_id, changes, text))
    assert edit(1, "effort", 4) and store[1]["effort"] == 4
    assert seen == ["Edit effort"] and doc.undo_stack.undoText() == "Edit effort"
    doc.undo_stack.undo()
    assert store[1]["effort"] == 2
    doc.deleteLater()


def test_page_header_puts_the_rows_left_and_the_checklist_top_right(qtbot):
    from PySide6.QtWidgets import QLabel

    from views.common.checklist import ChecklistWidget
    from views.common.page_header import card_grid, page_header, page_title

    host = QWidget()
    qtbot.addWidget(host)
    cards = [QLabel(str(i)) for i in range(5)]
    grid = card_grid(cards, 3)
    checklist = ChecklistWidget("Step 9 checklist")
    title = page_title("9 · Ship it")
    header = page_header((title, grid), checklist, 300)
    host.setLayout(header)
    assert title.objectName() == "pageTitle" and checklist.width() == 300
    positions = [grid.layout().getItemPosition(grid.layout().indexOf(c))[:2] for c in cards]
    assert positions == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert header.itemAt(1).widget() is checklist and header.itemAt(1).alignment() == Qt.AlignmentFlag.AlignTop
