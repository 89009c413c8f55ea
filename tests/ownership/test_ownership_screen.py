"""The Ownership page as a user sees it: it fits 1024×700, the Escalates-to column and its
list show whole names, and every letter and finding reads in both schemes."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox

from tests.common.screens import READABLE, fits, ground, scheme, show_page, text_colour
from tests.conftest import TODAY
from views.common.palette import contrast, hex_of
from views.ownership.page import OwnershipPage


@pytest.fixture
def page(qtbot, doc):
    return show_page(qtbot, lambda: OwnershipPage(doc, lambda: TODAY))


def test_the_page_fits_1024_by_700(page):
    assert fits(page), page.minimumSizeHint()


def test_escalations_are_shown_whole_in_the_column_and_its_list(page, qtbot):
    model, grid = page.model, page.grid
    col = model.escalation_column
    fm = grid.fontMetrics()
    longest = max(fm.horizontalAdvance(c.label) for c in model.escalation_choices())
    shown = {model.index(r, col).data() for r in range(model.rowCount())} - {None, ""}
    assert "Revenue Architect (Dana Okafor)" in shown
    for text in shown:  # "Revenue Architect (Dana Okafor)", not "Revenue Arc…"
        assert grid.columnWidth(col) >= fm.horizontalAdvance(text) + 8, text
    row = next(r for r in range(model.rowCount()) if not model.row_info(r).is_header)
    index = model.index(row, col)
    grid.edit(index)
    combo = grid.findChild(QComboBox, "escalationEditor")
    assert combo.view().minimumWidth() >= longest
    assert combo.width() >= grid.columnWidth(col)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_letters_tints_and_findings_read_in_both_schemes(page, qapp, qtbot, dark):
    with scheme(qapp, dark):
        page.refresh()
        model = page.model
        base = QGuiApplication.palette().base().color()
        pairs = 0
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                if not index.data(Qt.ItemDataRole.DisplayRole):
                    continue
                bg = index.data(Qt.ItemDataRole.BackgroundRole)
                fg = index.data(Qt.ItemDataRole.ForegroundRole)
                ground_colour = bg.color() if bg is not None else base
                text = fg.color() if fg is not None else QGuiApplication.palette().text().color()
                assert contrast(text, ground_colour) >= READABLE, (index.data(), dark)
                pairs += 1
        assert pairs > 50
        # the tints mark problems in both schemes (never the light tint under light text)
        tinted = [model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) for r in range(model.rowCount())]
        assert any(b is not None and (b.color().lightness() < 128) == dark for b in tinted)
        for card in page.findings.cards:
            bg = ground(card)
            assert bg.name() == hex_of("surface", dark)
            for label in (card.title, card.problem, card.advice):
                assert contrast(text_colour(label), bg) >= READABLE, (label.text(), dark)
