"""Desktop habits of the Export page: the pack's default name keeps the plan's name as
typed ("R&D", accents), its dialog opens beside the workspace, the page fits 1024×700."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from models.plan import service as svc
from models.plan.demo import write_demo
from models.core.workspace import open_workspace
from tests.conftest import FEATURES, TODAY
from tests.common.screens import fits
from views.common.document import WorkspaceDocument
from views.export.page import ExportPage, file_name_for


@pytest.fixture
def page(qtbot, tmp_path, settings):
    folder = tmp_path / "Team share"
    folder.mkdir()
    ws = open_workspace(write_demo(folder / "demo.ninety", FEATURES, TODAY))
    doc = WorkspaceDocument(ws, FEATURES)
    p = ExportPage(doc, today=lambda: TODAY, settings=settings)  # no task runner: reads at once
    qtbot.addWidget(p)
    p.refresh()
    yield p
    ws.close()


def test_the_default_name_keeps_the_plan_name_as_typed():
    assert file_name_for("R&D: Growth / EMEA, Zoë's plan", TODAY) == \
        "R&D_ Growth _ EMEA, Zoë's plan status pack 2026-03-16.xlsx"
    assert file_name_for('a<b>c"d|e?f*g\\h\x07', TODAY) == "a_b_c_d_e_f_g_h_ status pack 2026-03-16.xlsx"
    assert file_name_for(" .. ", TODAY) == "Plan status pack 2026-03-16.xlsx"


def test_the_save_dialog_opens_beside_the_workspace_then_where_the_last_pack_went(page, monkeypatch, tmp_path):
    svc.update_plan(page.doc.ws, page.doc.plan_id, {"name": "Growth & Loyalty 90"})
    page.doc._plans = None
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _p, _t, start, _f: (asked.append(start), ("", ""))[1])
    page.choose_and_export()
    assert Path(asked[0]) == tmp_path / "Team share" / "Growth & Loyalty 90 status pack 2026-03-16.xlsx"
    elsewhere = tmp_path / "Packs"
    elsewhere.mkdir()
    page.settings.setValue(page._folder_key(), str(elsewhere))
    assert page.default_path().parent == elsewhere
    elsewhere.rmdir()  # gone since: back beside the workspace
    assert page.default_path().parent == tmp_path / "Team share"


def test_the_page_fits_1024_by_700_and_holds_its_sheet_list(page):
    assert fits(page), page.minimumSizeHint()
    def height():  # what a layout gives the box
        return max(page.sheet_box.minimumHeight(), page.sheet_box.sizeHint().height())

    assert len(page.sheet_checks) == 8
    full = height()
    page._show_sheets([], [])
    assert height() == full  # nothing under it moves while the sheets are read
    assert "(none yet)" in page.history_title.text()
