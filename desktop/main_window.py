"""The main window: sidebar, pages, menus, the open workspace and its lock."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QHBoxLayout,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desktop.paths import APP_NAME, DEMO_FILE, resource_path
from desktop.features import FEATURES, PAGES
from models.core.changes import Change
from desktop.tasks import TaskRunner
from models.plan.service import list_phases
from models.core.workspace import (
    WORKSPACE_SUFFIX,
    Workspace,
    WorkspaceError,
    create_workspace,
    open_workspace,
)
from views.plan.commands import CreatePlan, DeletePlan, EditPlanDetails
from views.common.document import WorkspaceDocument
from views.plan.dialogs import EditPlanDialog, NewPlanWizard

MAX_RECENT = 8
FILE_FILTER = f"Ninety workspaces (*{WORKSPACE_SUFFIX});;All files (*)"


class WorkspaceLock:
    """A QLockFile beside the workspace so a second instance can say who holds it."""

    def __init__(self, path: Path):
        self.lock = QLockFile(str(path) + ".lock")
        self.lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        return self.lock.tryLock(0)

    def holder(self) -> str:
        info = self.lock.getLockInfo()  # PySide6: (pid, hostname, appname), or falsy
        if not info or len(info) != 3 or not info[0]:
            return "another program"
        pid, host, app = info
        return f"{app or 'Ninety'} (process {pid} on {host or 'this computer'})"

    def release(self) -> None:
        self.lock.unlock()


class MainWindow(QMainWindow):
    workspaceOpened = Signal()

    def __init__(self, today: Callable[[], date] = date.today, settings: QSettings | None = None):
        super().__init__()
        self._today = today
        self.settings = settings or QSettings()
        self.doc: WorkspaceDocument | None = None
        self._lock: WorkspaceLock | None = None
        self.tasks = TaskRunner(self)
        self.setWindowIcon(QIcon(str(resource_path("icons", "ninety.svg"))))
        self.resize(1280, 820)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(170)
        for page in PAGES:
            item = QListWidgetItem(page.label)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages: dict[str, QWidget] = {}

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.plan_picker = QComboBox()
        self.plan_picker.setMinimumWidth(280)
        self.plan_picker.activated.connect(self._on_plan_picked)
        toolbar = QToolBar("Plan")
        toolbar.setObjectName("planToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(" Plan: "))
        toolbar.addWidget(self.plan_picker)
        self.addToolBar(toolbar)
        self.read_only_label = QLabel()
        self.statusBar().addPermanentWidget(self.read_only_label)

        self._build_menus()
        self._restore_geometry()
        self._update_actions()

    # ----------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.act_new_ws = QAction("&New workspace…", self, shortcut=QKeySequence.StandardKey.New,
                                  triggered=self.new_workspace)
        self.act_open = QAction("&Open…", self, shortcut=QKeySequence.StandardKey.Open,
                                triggered=self.open_dialog)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.act_save_copy = QAction("Save a &Copy…", self, shortcut=QKeySequence.StandardKey.SaveAs,
                                     triggered=self.save_copy)
        self.act_quit = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        file_menu.insertAction(self.recent_menu.menuAction(), self.act_new_ws)
        file_menu.insertAction(self.recent_menu.menuAction(), self.act_open)
        file_menu.addAction(self.act_save_copy)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)

        self.edit_menu = self.menuBar().addMenu("&Edit")

        plan_menu = self.menuBar().addMenu("&Plan")
        self.act_new_plan = QAction("&New plan…", self, triggered=self.new_plan)
        self.act_edit_plan = QAction("&Edit plan…", self, triggered=self.edit_plan)
        self.act_baseline = QAction("Set &baseline", self, triggered=lambda: self.overview.set_baseline())
        self.act_delete_plan = QAction("&Delete plan", self, triggered=self.delete_plan)
        for a in (self.act_new_plan, self.act_edit_plan, self.act_baseline):
            plan_menu.addAction(a)
        plan_menu.addSeparator()
        plan_menu.addAction(self.act_delete_plan)

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(QAction("Open the data &folder", self, triggered=self._open_data_folder))
        help_menu.addAction(QAction("&About Ninety", self, triggered=self._about))
        self._rebuild_recent_menu()

    def _rebuild_edit_menu(self) -> None:
        self.edit_menu.clear()
        if self.doc is None:
            return
        undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo

    def _update_actions(self) -> None:
        has_doc = self.doc is not None
        writable = has_doc and not self.doc.read_only
        has_plan = has_doc and self.doc.plan_id is not None
        self.act_save_copy.setEnabled(has_doc)
        self.act_new_plan.setEnabled(writable)
        for a in (self.act_edit_plan, self.act_baseline, self.act_delete_plan):
            a.setEnabled(writable and has_plan)

    # ----------------------------------------------------------------- recent files
    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: Path) -> None:
        items = [str(path.resolve())] + [p for p in self.recent_files() if p != str(path.resolve())]
        self.settings.setValue("recentFiles", items[:MAX_RECENT])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for p in files:
            act = self.recent_menu.addAction(Path(p).name)
            act.setToolTip(p)
            act.triggered.connect(lambda _checked=False, p=p: self.open_path(Path(p)))
        self.recent_menu.setEnabled(bool(files))

    # ----------------------------------------------------------------- opening
    def open_path(self, path: Path, *, read_only: bool = False, ask: bool = True) -> bool:
        """Open *path*; False (after telling the user) if it cannot be opened."""
        path = Path(path)
        lock = None
        if not read_only:
            lock = WorkspaceLock(path)
            if path.exists() and not lock.acquire():
                holder = lock.holder()
                if not ask:
                    read_only = True
                else:
                    answer = QMessageBox.question(
                        self, "Workspace in use",
                        f"{path.name} is open in {holder}.\n\nOpen it read-only? You can look but not edit.",
                        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
                    if answer != QMessageBox.StandardButton.Open:
                        return False
                    read_only = True
                lock = None
        try:
            ws = open_workspace(path, read_only=read_only)
        except WorkspaceError as exc:
            if lock:
                lock.release()
            QMessageBox.critical(self, "Cannot open workspace", f"{exc}\n\nThe file was not changed.")
            return False
        self._set_workspace(ws, lock)
        if ws.migration_backup:
            self.statusBar().showMessage(
                f"Upgraded {path.name} to this version; the old file is kept as {ws.migration_backup.name}", 15000)
        return True

    def _set_workspace(self, ws: Workspace, lock: WorkspaceLock | None) -> None:
        self._close_workspace()
        self._lock = lock
        self.doc = WorkspaceDocument(ws, FEATURES, self)
        self.doc.error.connect(self._show_error)
        self.doc.changed.connect(self._on_changed)
        self.doc.planChanged.connect(self._refresh_plan_picker)
        self._rebuild_edit_menu()
        self._build_pages()
        self._remember(ws.path)
        self.read_only_label.setText("Read-only" if ws.read_only else "")
        self._refresh_plan_picker()
        self._update_title()
        self._update_actions()
        self.sidebar.setCurrentRow(0)
        self.workspaceOpened.emit()

    def _build_pages(self) -> None:
        while self.stack.count():
            w = self.stack.widget(0)
            self.stack.removeWidget(w)
            w.deleteLater()
        self.pages = {}
        for page in PAGES:
            self.pages[page.key] = page.factory()(self.doc, self._today, self.tasks)
            self.stack.addWidget(self.pages[page.key])
        self.overview = self.pages["overview"]

    def _close_workspace(self) -> None:
        if self.doc is not None:
            self.tasks.wait()
            self.doc.ws.close()
            self.doc.deleteLater()
            self.doc = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open workspace", self._last_dir(), FILE_FILTER)
        if path:
            self.open_path(Path(path))

    def new_workspace(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New workspace", self._last_dir(), FILE_FILTER,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if not path:
            return
        path = Path(path)
        if path.suffix != WORKSPACE_SUFFIX:
            path = path.with_name(path.name + WORKSPACE_SUFFIX)
        try:
            create_workspace(path).close()
        except WorkspaceError as exc:
            QMessageBox.critical(self, "Cannot create workspace", str(exc))
            return
        if self.open_path(path):
            self.new_plan()

    def save_copy(self) -> None:
        if self.doc is None:
            return
        default = str(self.doc.ws.path.with_name(self.doc.ws.path.stem + " copy" + WORKSPACE_SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy", default, FILE_FILTER)
        if not path:
            return
        ws = self.doc.ws
        target = Path(path)
        self.tasks.run(
            "Saving a copy…", lambda progress: ws.save_copy(target),
            on_done=lambda _r: self.statusBar().showMessage(f"Saved a copy to {target}", 8000),
            on_error=lambda msg: QMessageBox.critical(self, "Save a copy failed", msg),
        )

    def _last_dir(self) -> str:
        files = self.recent_files()
        return str(Path(files[0]).parent) if files else str(Path.home())

    # ----------------------------------------------------------------- plans
    def _refresh_plan_picker(self) -> None:
        self.plan_picker.blockSignals(True)
        self.plan_picker.clear()
        if self.doc is not None:
            for p in self.doc.plans():
                self.plan_picker.addItem(p.name, p.id)
            pos = self.plan_picker.findData(self.doc.plan_id)
            self.plan_picker.setCurrentIndex(pos)
        self.plan_picker.blockSignals(False)
        self._update_title()

    def _on_plan_picked(self, index: int) -> None:
        if self.doc is not None:
            self.doc.set_plan(self.plan_picker.itemData(index))

    def new_plan(self) -> None:
        if self.doc is None or self.doc.read_only:
            return
        wizard = NewPlanWizard(today=self._today(), parent=self)
        if wizard.exec():
            self.doc.execute(CreatePlan(self.doc, wizard.draft()))

    def edit_plan(self) -> None:
        plan = self.doc.plan() if self.doc else None
        if plan is None:
            return
        dialog = EditPlanDialog(plan, list_phases(self.doc.ws, plan.id), self)
        if dialog.exec():
            plan_changes, phase_changes = dialog.changes()
            if plan_changes or phase_changes:
                self.doc.execute(EditPlanDetails(self.doc, plan.id, plan_changes, phase_changes))

    def delete_plan(self) -> None:
        plan = self.doc.plan() if self.doc else None
        if plan is None:
            return
        answer = QMessageBox.question(
            self, "Delete plan", f"Delete the plan {plan.name!r} and its milestones? Edit ▸ Undo brings it back.")
        if answer == QMessageBox.StandardButton.Yes:
            self.doc.execute(DeletePlan(self.doc, plan.id, plan.name))

    # ----------------------------------------------------------------- misc
    def _on_changed(self, change: Change) -> None:
        if change.plans:
            self._refresh_plan_picker()
        self._update_actions()
        if self.doc is not None and not self.doc.read_only:
            self.statusBar().showMessage("All changes saved", 3000)

    def _update_title(self) -> None:
        if self.doc is None:
            self.setWindowTitle(APP_NAME)
            return
        plan = self.doc.plan()
        parts = [plan.name if plan else "No plan", self.doc.ws.path.name]
        if self.doc.read_only:
            parts.append("read-only")
        self.setWindowTitle(" — ".join(parts) + f" — {APP_NAME}")

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, APP_NAME, message)

    def _open_data_folder(self) -> None:
        from desktop.paths import data_dir

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_dir())))

    def _about(self) -> None:
        QMessageBox.about(self, "About Ninety",
                          "<b>Ninety</b><br>Plan and evidence a 90-day operating-model transformation: "
                          "audit bottlenecks, pilot one squad, empower with low-code.")

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self._close_workspace()
        super().closeEvent(event)


def default_workspace(data: Path, today: date | None = None) -> Path:
    """The demo workspace in the user's data folder, created on first use."""
    from models.plan.demo import write_demo

    path = data / DEMO_FILE
    if not path.exists():
        write_demo(path, FEATURES, today)
    return path


__all__ = ["MainWindow", "default_workspace", "os"]
