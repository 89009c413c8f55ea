"""The kit's widgets in the light and the dark scheme: every text/ground pair they paint
keeps a WCAG contrast of at least 4.5, and a switch of scheme restyles them."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QDateEdit, QLabel, QStyleOptionViewItem, QWidget

from models.core.feature import ChecklistItem
from models.core.fields import Entity, Field
from views.common.checklist import ChecklistWidget
from views.common.palette import ROLES, contrast, hex_of, is_dark
from views.common.rows import RowFilterProxy, RowTableModel, columns, fit_editor, row_table
from tests.common.screens import READABLE, dark_palette, ground, scheme, text_colour
from views.common.style import mix, resolve, style_sheet, tone
from views.common.widgets import ElidedLabel, FigureCard, panel, plain_label

@pytest.fixture(params=[False, True], ids=["light", "dark"])
def dark(request, qapp):
    """The test runs once in the light scheme and once under a dark palette."""
    with scheme(qapp, request.param):
        assert is_dark() == request.param
        yield request.param


def test_a_checklist_reads_in_both_schemes(qtbot, dark):
    w = ChecklistWidget("Step 1 checklist")
    qtbot.addWidget(w)
    w.resize(320, 150)
    w.set_items([ChecklistItem("Stage map complete", True, ""),
                 ChecklistItem("A log imported", False, "Import a work-item log on the Audit page.")])
    w.show()
    qtbot.waitExposed(w)
    bg = ground(w)
    assert bg.name() == hex_of("surface", dark)  # never a light panel under light text
    open_row, done_row = w.rows  # open items first
    for label in (open_row.mark, open_row.label, open_row.hint, done_row.mark, done_row.label, w._title):
        assert contrast(text_colour(label), bg) >= READABLE, (label.text(), dark)
    assert text_colour(done_row.mark).name() == hex_of("ok", dark)
    assert text_colour(open_row.hint).name() == hex_of("muted", dark)


def test_a_figure_card_reads_in_both_schemes(qtbot, dark):
    card = FigureCard("Open developer queue")
    qtbot.addWidget(card)
    card.resize(220, 70)
    card.show()
    qtbot.waitExposed(card)
    for colour in ("ok", "warning", "danger", "text", "#2e7d32", "#c62828", "#37474f"):  # roles and legacy hexes
        card.set("4", "Developer queue, oldest 51 d", colour)
        bg = ground(card)
        assert bg.name() == hex_of("surface", dark)
        assert contrast(text_colour(card.value), bg) >= READABLE, (colour, dark)
        assert contrast(text_colour(card.caption), bg) >= READABLE


def test_tones_follow_a_switch_of_scheme(qtbot, qapp):
    label = plain_label("secondary", name="muted")
    card = QWidget()
    panel(card, "someCard")
    qtbot.addWidget(label)
    qtbot.addWidget(card)
    tone(label, "danger")
    assert text_colour(label).name() == hex_of("danger", False)
    before = QGuiApplication.palette()
    try:
        qapp.setPalette(dark_palette())
        assert text_colour(label).name() == hex_of("danger", True)
        assert hex_of("surface", True) in card.styleSheet()
    finally:
        qapp.setPalette(before)
    assert text_colour(label).name() == hex_of("danger", False)
    assert hex_of("surface", False) in card.styleSheet()


def test_the_style_sheet_is_built_from_the_roles():
    for dark in (False, True):
        sheet = style_sheet(dark, "QLabel#pageTitle { font-size: 20px; }")
        assert sheet.startswith("QLabel#pageTitle") and f"color: {hex_of('muted', dark)}" in sheet
    light, dark = style_sheet(False), style_sheet(True)
    assert light != dark
    # the static sheet the app applies holds no colour that depends on the scheme
    from desktop.paths import resource_path

    static = resource_path("style.qss").read_text(encoding="utf-8").lower()
    for role, (light_hex, dark_hex) in ROLES.items():
        assert light_hex not in static and dark_hex not in static, role
    assert "#f7f9fb" not in static and "color: #666" not in static


def test_resolve_and_mix_give_each_scheme_its_colour():
    assert resolve("danger", False) == "#c62828" and resolve("danger", True) == hex_of("danger", True)
    assert resolve("#2E7D32", True) == hex_of("ok", True)  # a role's light hex follows the role
    assert resolve("#123456", True) == "#123456"  # any other colour is left alone
    for dark in (False, True):
        tint = mix("danger", "danger-bg", 0.3, dark)
        assert contrast(hex_of("text", dark), tint) >= READABLE
        assert tint not in (hex_of("danger", dark), hex_of("danger-bg", dark))


ROW = Entity("row", (Field("name", "name", width=60), Field("due", "due date", "date", width=40),
                    Field("note", "note", width=80)))


class Row:
    def __init__(self, id, name, due, note=""):
        self.id, self.name, self.due, self.note = id, name, due, note


def test_role_colours_in_a_row_table_follow_the_scheme(qapp, dark):
    model = RowTableModel(columns(ROW, name={"colour": lambda r: "danger"}))
    model.set_rows([Row(1, "late", date(2026, 3, 2))])
    colour = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color()
    assert colour.name() == hex_of("danger", dark)
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    assert contrast(colour, base) >= READABLE


def test_an_in_place_date_editor_is_as_wide_as_its_date(qtbot):
    model = RowTableModel(columns(ROW), edit=lambda *_a: True)
    model.set_rows([Row(1, "a", date(2026, 12, 2))])
    table = row_table(model, RowFilterProxy(), "t")
    qtbot.addWidget(table)
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    index = table.model().index(0, 1)
    table.edit(index)
    editor = table.indexWidget(index)
    assert isinstance(editor, QDateEdit)
    assert table.columnWidth(1) < editor.sizeHint().width() <= editor.width()  # the column is narrower
    assert editor.geometry().right() <= table.viewport().width()
    option = QStyleOptionViewItem()
    option.rect = table.visualRect(index).adjusted(300, 0, 300, 0)  # a cell at the right edge
    fit_editor(editor, option)
    assert editor.geometry().right() <= table.viewport().width() and editor.x() >= 0


def test_a_refresh_with_the_same_rows_keeps_an_open_editor(qtbot):
    """The page redraws after each edit; a reset would close the editor Tab had just opened
    on the next cell, and its focus-out commit then warned "commitData called with an editor
    that does not belong to this view"."""
    messages = []
    previous = qInstallMessageHandler(lambda _mode, _ctx, text: messages.append(text))
    try:
        rows = [Row(1, "a", date(2026, 3, 2)), Row(2, "b", date(2026, 3, 3))]
        model = RowTableModel(columns(ROW), edit=lambda *_a: True)
        model.set_rows(rows)
        table = row_table(model, RowFilterProxy(), "t")
        qtbot.addWidget(table)
        table.show()
        qtbot.waitExposed(table)
        index = table.model().index(1, 0)
        table.edit(index)
        editor = table.indexWidget(index)
        assert editor is not None
        resets = []
        model.modelReset.connect(lambda: resets.append(1))
        model.set_rows([Row(1, "a", date(2026, 3, 2)), Row(2, "b2", date(2026, 3, 3))])
        assert resets == [] and table.indexWidget(index) is editor
        assert model.index(1, 0).data() == "b2"
        table.itemDelegate().commitData.emit(editor)
        model.set_rows(rows[:1])  # a row went: a reset, and the editor with it
        assert resets == [1] and table.indexWidget(table.model().index(0, 0)) is None
    finally:
        qInstallMessageHandler(previous)
    assert not [m for m in messages if "does not belong to this view" in m]


def test_an_elided_label_never_asks_for_its_text_width(qtbot):
    label = ElidedLabel("Digital Flagship 90-day transformation with a very long name indeed")
    qtbot.addWidget(label)
    assert label.minimumSizeHint().width() <= 60
    label.resize(120, 30)
    label.show()
    shown = QLabel.text(label)
    assert shown.endswith("…") and label.text().startswith("Digital Flagship")
    assert label.toolTip() == label.text()


def test_a_switch_of_scheme_repolishes_widgets_under_the_app_style_sheet(qtbot, qapp):
    """Under a style sheet Qt keeps the palette a widget was polished with: without a new
    polish, plain labels kept black text on the dark window."""
    from views.common.style import follow_scheme, scheme as watcher_of

    before_palette, before_sheet = QGuiApplication.palette(), qapp.styleSheet()
    watcher = watcher_of()
    qapp.setStyleSheet("QLabel#title { font-size: 15px; }")
    label = QLabel("plain")
    qtbot.addWidget(label)
    label.show()
    try:
        qapp.setPalette(dark_palette())
        qapp.processEvents()
        assert text_colour(label).name() == "#e8e8e8"
        qapp.setPalette(before_palette)
        qapp.processEvents()
        assert contrast(text_colour(label), "#ffffff") >= READABLE
        # once the app hands its sheet over, the sheet itself follows the scheme
        follow_scheme(qapp, "QLabel#title { font-size: 15px; }")
        assert qapp.styleSheet() == style_sheet(False, "QLabel#title { font-size: 15px; }")
        qapp.setPalette(dark_palette())
        qapp.processEvents()
        assert qapp.styleSheet() == style_sheet(True, "QLabel#title { font-size: 15px; }")
    finally:
        watcher.base = None
        qapp.setStyleSheet(before_sheet)
        qapp.setPalette(before_palette)
        qapp.processEvents()
