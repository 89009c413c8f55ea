"""Export: write the Excel status pack stakeholders read instead of the app.

Choose the sheets, the as-of date and a confidentiality label; the pack is
written in a worker with a cancellable progress dialog, and every pack written
is listed with its date so the leader sees what stakeholders received.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QDate, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.export.pack import ExportCancelled, ExportInfo, available_sheets, list_exports, write_status_pack
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument
from views.common.page_header import page_title


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


#: characters no file name may hold on Windows, macOS or Linux (and control characters)
_UNSAFE = set('<>:"/\\|?*')
#: the sheet check boxes sit in this many columns (the box keeps one size as sheets come and go)
SHEET_COLUMNS = 2
SHEET_ROWS = 4


def file_name_for(plan_name: str, as_of: date) -> str:
    """The pack's default file name: the plan's name as typed ("R&D", accents, commas kept), only
    the characters a file name cannot hold replaced."""
    safe = "".join("_" if ch in _UNSAFE or ord(ch) < 32 else ch for ch in plan_name).strip(" .")
    return f"{safe or 'Plan'} status pack {as_of.isoformat()}.xlsx"


class ExportPage(QWidget):
    #: the sheets on offer and the history are on screen (after a background read)
    sheetsShown = Signal()

    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None,
                 parent=None, settings: QSettings | None = None):
        super().__init__(parent)
        self.doc = doc
        self._today = today
        self.tasks = tasks
        self._serial = 0  # the newest read; an older one finishing late is dropped
        self.settings = settings or QSettings()
        self.last_result: ExportInfo | None = None
        self.last_error: str | None = None

        heading = page_title("Export")
        intro = QLabel("The status pack is the Excel workbook stakeholders read instead of the app: the state of "
                       "the transformation on one page, native charts, filterable tables and pages that print. "
                       "It is built fresh each time and only replaces the file once it is complete.")
        intro.setWordWrap(True)

        self.sheet_box = QGroupBox("Sheets (each appears only when its data exists)")
        self.sheet_layout = QGridLayout(self.sheet_box)
        self.sheet_checks: dict[str, QCheckBox] = {}
        # room for every sheet from the start: the page does not move when they are read
        probe = QCheckBox("Bottlenecks")
        self.sheet_box.setMinimumHeight(SHEET_ROWS * (probe.sizeHint().height() + 6) + 40)

        self.as_of = QDateEdit(_qdate(today()))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.label = QLineEdit(str(self.settings.value("export/label", "Confidential")))
        self.label.setPlaceholderText("e.g. Confidential: leadership team")
        form = QFormLayout()
        form.addRow("&As of", self.as_of)
        form.addRow("&Confidentiality label", self.label)

        self.export_button = QPushButton("Export status pack…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_and_export)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(["Written", "As of", "Sheets", "File"])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.history.doubleClicked.connect(self._open_history_folder)

        top = QHBoxLayout()
        top.addWidget(self.sheet_box, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        right.addWidget(self.status)
        right.addStretch(1)
        top.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(top)
        self.history_title = QLabel("<b>Packs written from this plan</b>")
        layout.addWidget(self.history_title)
        layout.addWidget(self.history, 1)
        # the sheets on offer depend on every feature's data
        self.refresher = ScopedRefresh(self, doc, [f.key for f in doc.features], self.refresh)

    # ----------------------------------------------------------------- refresh
    def refresh(self) -> None:
        plan = self.doc.plan()
        self.export_button.setEnabled(plan is not None)
        if plan is None:
            self._show_sheets([], [])
            return
        ws, features, as_of = self.doc.ws, self.doc.features, self._as_of()

        def read(_progress):
            # which sheets have data needs the audit figures: off the GUI thread
            return available_sheets(ws, plan, as_of, features), list_exports(ws, plan.id)

        if self.tasks is None:
            self._show_sheets(*read(None))
            return
        self._serial += 1
        serial = self._serial
        self.tasks.run("Reading the plan…", read, show_dialog=False,
                       on_done=lambda r: serial == self._serial and self._show_sheets(*r),
                       on_error=lambda msg: setattr(self, "last_error", msg))

    def _show_sheets(self, sheets: list[tuple[str, str]], records: list[ExportInfo]) -> None:
        for check in self.sheet_checks.values():
            self.sheet_layout.removeWidget(check)
            check.deleteLater()
        self.sheet_checks = {}
        rows = max(SHEET_ROWS, -(-len(sheets) // SHEET_COLUMNS))
        for i, (key, title) in enumerate(sheets):
            check = QCheckBox(title)
            check.setChecked(True)
            self.sheet_layout.addWidget(check, i % rows, i // rows)
            self.sheet_checks[key] = check
        self._fill_history(records)
        self.sheetsShown.emit()

    def _fill_history(self, records: list[ExportInfo]) -> None:
        self.history_title.setText("<b>Packs written from this plan</b> " + (
            "(double-click one to open its folder)" if records else "(none yet)"))
        self.history.setRowCount(len(records))
        for r, rec in enumerate(records):
            values = [f"{rec.created_at:%Y-%m-%d %H:%M}", rec.as_of.isoformat(), ", ".join(rec.sheets), rec.path]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 3:
                    item.setToolTip(v)
                self.history.setItem(r, c, item)

    def _as_of(self) -> date:
        q = self.as_of.date()
        return date(q.year(), q.month(), q.day())

    def chosen_sheets(self) -> list[str]:
        return [k for k, c in self.sheet_checks.items() if c.isChecked()]

    # ----------------------------------------------------------------- export
    def _folder_key(self) -> str:
        return "export/folder/" + str(Path(self.doc.ws.path).resolve()).replace("/", "|")

    def default_path(self) -> Path:
        """Beside the workspace, or where this workspace's last pack went; the plan's name kept."""
        plan = self.doc.plan()
        folder = Path(str(self.settings.value(self._folder_key(), str(Path(self.doc.ws.path).resolve().parent))))
        if not folder.is_dir():
            folder = Path(self.doc.ws.path).resolve().parent
        return folder / file_name_for(plan.name, self._as_of())

    def choose_and_export(self) -> None:
        if self.doc.plan() is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export status pack", str(self.default_path()),
                                              "Excel workbook (*.xlsx)")
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.export_to(Path(path))

    def export_to(self, target: Path) -> None:
        plan = self.doc.plan()
        sheets = self.chosen_sheets()
        if not sheets:
            QMessageBox.information(self, "Export", "Choose at least one sheet.")
            return
        label = self.label.text().strip()
        as_of = self._as_of()
        self.settings.setValue("export/label", label)
        self.settings.setValue(self._folder_key(), str(target.parent))
        ws, features = self.doc.ws, self.doc.features
        self.export_button.setEnabled(False)
        self.status.setText(f"Writing {target.name}…")

        def work(progress):
            return write_status_pack(ws, plan, target, features, as_of=as_of, sheets=sheets, label=label,
                                     progress=progress.report, is_cancelled=lambda: progress.cancelled)

        self.tasks.run("Writing the status pack…", work, on_done=self._done, on_error=self._failed,
                       on_cancel=self._cancelled)

    def _done(self, info: ExportInfo) -> None:
        self.last_result, self.last_error = info, None
        self.export_button.setEnabled(True)
        self.status.setText(f"Wrote {info.path}")
        self._fill_history(list_exports(self.doc.ws, info.plan_id))
        box = QMessageBox(QMessageBox.Icon.Information, "Status pack written",
                          f"The pack is ready:\n{info.path}", parent=self)
        open_folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(info.path).parent)))

    def _failed(self, message: str) -> None:
        self.last_error = message
        self.export_button.setEnabled(True)
        self.status.setText("The pack was not written.")
        QMessageBox.critical(self, "Export failed", f"{message}\n\nNo file was written.")

    def _cancelled(self) -> None:
        self.last_error = "cancelled"
        self.export_button.setEnabled(True)
        self.status.setText("Cancelled: no file was written.")

    def _open_history_folder(self, index) -> None:
        item = self.history.item(index.row(), 3)
        if item:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(item.text()).parent)))


__all__ = ["ExportPage", "ExportCancelled"]
