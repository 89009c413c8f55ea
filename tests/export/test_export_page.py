"""The Export page: choose sheets, write the pack in a worker, list what was sent."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox

from desktop.tasks import TaskRunner
from models.plan.demo import write_demo
from models.core.workspace import open_workspace
from tests.conftest import FEATURES, TODAY
from views.common.document import WorkspaceDocument
from views.export.page import ExportPage


@pytest.fixture
def page(qtbot, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)  # the "pack written" box
    # a failure must fail the test, never wait on a modal box
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: None)
    ws = open_workspace(write_demo(tmp_path / "demo.ninety", FEATURES, TODAY))
    doc = WorkspaceDocument(ws, FEATURES)
    tasks = TaskRunner()
    p = ExportPage(doc, today=lambda: TODAY, tasks=tasks, settings=settings)
    qtbot.addWidget(p)
    with qtbot.waitSignal(p.sheetsShown, timeout=20000):  # read on the database executor
        p.refresh()
    yield p
    tasks.wait()
    ws.close()


def test_sheets_offered_are_those_with_data(page):
    assert list(page.sheet_checks)[:3] == ["summary", "roadmap", "bottlenecks"]
    assert all(c.isChecked() for c in page.sheet_checks.values())


def test_export_runs_in_a_worker_and_is_listed(page, qtbot, tmp_path):
    page.sheet_checks["auditlog"].setChecked(False)
    page.label.setText("Board only")
    target = tmp_path / "out.xlsx"
    page.export_to(target)
    qtbot.waitUntil(lambda: page.last_result is not None or page.last_error is not None, timeout=30000)
    assert page.last_error is None, page.last_error
    wb = load_workbook(target)
    assert "Audit log" not in wb.sheetnames and wb.sheetnames[:2] == ["Summary", "Roadmap"]
    assert wb["Roadmap"].oddHeader.right.text == "Board only"
    assert page.history.rowCount() == 1
    assert page.history.item(0, 3).text() == str(target.resolve())
    assert page.settings.value("export/label") == "Board only"


def test_a_failed_export_says_so_and_writes_nothing(page, qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: shown.append(text))
    target = tmp_path / "missing-folder" / "out.xlsx"
    page.export_to(target)
    qtbot.waitUntil(lambda: page.last_error is not None, timeout=30000)
    assert "no such folder" in shown[0] and "No file was written" in shown[0]
    assert not target.exists() and page.history.rowCount() == 0
    assert page.export_button.isEnabled()


def test_progress_reports_are_throttled_but_keep_new_messages_and_the_end():
    from desktop.tasks import Progress

    sent = []

    class Sig:
        class progress:
            @staticmethod
            def emit(*args):
                sent.append(args)

    p = Progress(Sig)
    for i in range(1000):
        p.report(i, 1000, "Reading…")
    p.report(1000, 1000, "Reading…")
    p.report(5, 10, "Storing…")
    assert len(sent) < 20  # a tight loop sends a handful, not a thousand
    assert sent[0] == (0, 1000, "Reading…") and (1000, 1000, "Reading…") in sent
    assert sent[-1] == (5, 10, "Storing…")
