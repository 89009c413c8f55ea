"""The main window: sidebar, pages, menus, the open workspace and its lock.

The lock (``models.core.lock``) is the one the command line honours too; a
workspace held by another Ninety, or in a read-only place, opens read-only. After
each open the full ``integrity_check`` runs in the background and a damaged file
is reported, with Save a Copy offered to rescue what can be read."""
from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, QUrl, Signal
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
from desktop.features import PAGES
from desktop.pages import KEYS, BusyCursor, FirstPaint, PageMap, Placeholder, page_title
from models.core.changes import Change
from desktop.tasks import TaskRunner
from models.core.files import is_server_url, sweep_scratch

if TYPE_CHECKING:
    # Bound at run time by load_models(), not at import: the window's frame needs only Qt,
    # so it is on screen before SQLAlchemy and the views are loaded. A heavy name this
    # module needs goes both here and in load_models().
    from desktop.features import FEATURES
    from models.plan.glance import Glance
    from models.plan.service import list_phases
    from models.core.workspace import (
        WORKSPACE_SUFFIX,
        ReadOnlyError,
        Workspace,
        WorkspaceError,
        WorkspaceLockedError,
        create_workspace,
        open_workspace,
    )
    from views.plan.commands import CreatePlan, DeletePlan, EditPlanDetails
    from views.common.document import WorkspaceDocument
    from views.plan.dialogs import EditPlanDialog, NewPlanWizard

MAX_RECENT = 8
#: how long start-up waits for the frame's first paint before opening the workspace anyway
PAINT_WAIT_MS = 2000
#: the longest a page keeps the cursor busy while it loads
BUSY_CAP_MS = 10000
#: how long edits must have paused before the summaries of the workspace are worked out
#: again for scripts (``ninety summary --warm``, in a process of its own)
WARM_AFTER_MS = 3000
FILE_FILTER = "Ninety workspaces (*.ninety);;All files (*)"  # load_models() spells it with WORKSPACE_SUFFIX
_models_loaded = False


def load_models() -> None:
    """Import the models and the views the window's actions use, and bind their names in
    this module (see the TYPE_CHECKING block above). ``MainWindow()`` calls it at once
    unless told not to; ``desktop.app`` calls it once the window's frame is painted."""
    global _models_loaded, FEATURES, list_phases, WORKSPACE_SUFFIX, ReadOnlyError, Workspace, \
        WorkspaceError, WorkspaceLockedError, create_workspace, open_workspace, CreatePlan, DeletePlan, \
        EditPlanDetails, WorkspaceDocument, EditPlanDialog, NewPlanWizard, FILE_FILTER
    if _models_loaded:
        return
    from desktop.features import FEATURES
    from models.plan.service import list_phases
    from models.core.workspace import (
        WORKSPACE_SUFFIX,
        ReadOnlyError,
        Workspace,
        WorkspaceError,
        WorkspaceLockedError,
        create_workspace,
        open_workspace,
    )
    from views.plan.commands import CreatePlan, DeletePlan, EditPlanDetails
    from views.common.document import WorkspaceDocument
    from views.plan.dialogs import EditPlanDialog, NewPlanWizard

    FILE_FILTER = f"Ninety workspaces (*{WORKSPACE_SUFFIX});;All files (*)"
    _models_loaded = True


def _freeze_heap() -> None:
    """Once, when the first Overview's charts are drawn (the models, the views, SQLAlchemy,
    numpy and matplotlib are loaded): move every object alive to the collector's permanent
    generation (``gc.freeze``). A full collection walks every tracked object while it
    holds the interpreter lock; with those hundreds of thousands of module-level objects
    in it, one triggered on the chart thread stalled the GUI thread for 80-110 ms
    (bench/gui_edit.py). What is frozen lives as long as the app anyway, but for the
    first page objects of a workspace closed later: at most a few MB, never collected."""
    if gc.get_freeze_count() == 0:
        gc.freeze()


class MainWindow(QMainWindow):
    workspaceOpened = Signal()
    #: a page's key, once the page has first been painted with its data after a workspace opened
    pageReady = Signal(str)
    #: start-up's glance of the plan (``models.plan.glance``) has been painted
    glancePainted = Signal()

    def __init__(self, today: Callable[[], date] = date.today, settings: QSettings | None = None, *,
                 defer_models: bool = False):
        """*defer_models*: leave the models unloaded (``load_models()``) so that the frame can be
        shown first; ``when_painted`` runs the rest once it is on screen."""
        super().__init__()
        if not defer_models:
            load_models()
        self._today = today
        self.settings = settings or QSettings()
        self.doc: WorkspaceDocument | None = None
        sweep_scratch()  # scratch files of exports killed in an earlier run
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
        # Each page's place holds a placeholder until the page is first shown (desktop.pages).
        self.stack = QStackedWidget()
        self._placeholders = [Placeholder() for _ in PAGES]
        for placeholder in self._placeholders:
            self.stack.addWidget(placeholder)
        self._set_placeholder_text("No workspace open: File ▸ Open… or File ▸ New workspace…")
        self.pages = PageMap(self._build_page)
        self._busy = BusyCursor()
        self._first_paints: dict[str, FirstPaint] = {}
        #: start-up's read-only Overview of the plan, until the workspace's own replaces it
        self.glance_page: QWidget | None = None
        #: after edits pause, and when a workspace closes, scripts' ``summary`` answers are
        #: worked out again (setting ``summary/warm``, on unless turned off)
        self._warm_timer = QTimer(self, singleShot=True, interval=WARM_AFTER_MS,
                                  timeout=lambda: self._warm_summaries(self.doc))
        self._warmer = None  # the last such process (subprocess reaps it)
        self.sidebar.currentRowChanged.connect(self._show_page)

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
        if defer_models:
            self._enable_opening(False)

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
        self.act_connect = QAction("Connect to &team server…", self, triggered=self.connect_dialog)
        file_menu.insertAction(self.recent_menu.menuAction(), self.act_connect)
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

        # View: every page from the keyboard, Ctrl+1 to Ctrl+6 in sidebar order
        view_menu = self.menuBar().addMenu("&View")
        self.page_actions: list[QAction] = []
        for row, entry in enumerate(PAGES):
            action = QAction(" ".join(entry.label.split()), self, shortcut=QKeySequence(f"Ctrl+{row + 1}"),
                             triggered=lambda _checked=False, r=row: self.sidebar.setCurrentRow(r))
            view_menu.addAction(action)
            self.page_actions.append(action)

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
        # a server's address is remembered without its password (ServerAddress)
        items = [str(path.resolve())] + [p for p in self.recent_files() if p != str(path.resolve())]
        self.settings.setValue("recentFiles", items[:MAX_RECENT])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for p in files:
            act = self.recent_menu.addAction(p if is_server_url(p) else Path(p).name)
            act.setToolTip(p)
            act.triggered.connect(lambda _checked=False, p=p: self.open_path(p if is_server_url(p) else Path(p)))
        self.recent_menu.setEnabled(bool(files))

    # ----------------------------------------------------------------- opening
    def open_path(self, path: Path, *, read_only: bool = False, ask: bool = True, create: bool = False) -> bool:
        """Open *path* (or a team server's address); False (after telling the user) if it cannot be opened.
        *create*: an empty server database is set up as a workspace (File ▸ Connect to team server…)."""
        path = path if is_server_url(path) else Path(path)
        note = ""
        try:
            try:
                if is_server_url(path):  # a password only if the server wants one (_open_server)
                    ws = self._open_server(path, read_only=read_only, ask=ask, create=create)
                    if ws is None:  # the password was not given
                        return False
                else:
                    ws = open_workspace(path, read_only=read_only, lock=not read_only)
            except WorkspaceLockedError as exc:
                if ask:
                    answer = QMessageBox.question(
                        self, "Workspace in use",
                        f"{path.name} is open in {exc.holder}.\n\nOpen it read-only? You can look but not edit.",
                        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
                    if answer != QMessageBox.StandardButton.Open:
                        return False
                ws = open_workspace(path, read_only=True)
            except ReadOnlyError:  # a read-only folder or medium: reading still works
                ws = open_workspace(path, read_only=True)
                note = f"{path.name} is in a read-only place: opened for reading only"
        except WorkspaceError as exc:
            QMessageBox.critical(self, "Cannot open workspace", f"{exc}\n\nThe file was not changed.")
            return False
        self._set_workspace(ws)
        if ws.migration_backup:
            note = f"Upgraded {path.name} to this version; the old file is kept as {ws.migration_backup.name}"
        if note:
            self.statusBar().showMessage(note, 15000)
        self._check_integrity(ws)
        return True

    def _check_integrity(self, ws: Workspace) -> None:
        """The full integrity check (indexes included) off the GUI thread; damage is reported."""
        def done(problems) -> None:
            if problems and self.doc is not None and self.doc.ws is ws:
                self._report_damage(ws, problems)

        self.tasks.run("Checking the workspace…", lambda _progress: ws.integrity_problems(),
                       on_done=done, show_dialog=False, workspace=False)

    def _report_damage(self, ws: Workspace, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        box = QMessageBox(QMessageBox.Icon.Warning, "Workspace damaged",
                          f"{ws.path.name} is damaged: {' '.join(problems[0].split())[:200]}{more}.\n\n"
                          "What Ninety shows may be incomplete. Save a copy of what can be read? "
                          "The copy's indexes are rebuilt.", QMessageBox.StandardButton.Close, self)
        save = box.addButton("Save a Copy…", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        if box.clickedButton() is save:
            self.save_copy()

    def _set_workspace(self, ws: Workspace) -> None:
        self._close_workspace()
        # a team workspace's poll for others' changes reads on the database executor
        self.doc = WorkspaceDocument(ws, FEATURES, self, run_in_background=lambda fn, done: self.tasks.run(
            "Looking for others' changes…", lambda _progress: fn(), on_done=done, show_dialog=False))
        self.doc.error.connect(self._show_error)
        self.doc.notice.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.doc.changed.connect(self._on_changed)
        self.doc.planChanged.connect(self._refresh_plan_picker)
        self._rebuild_edit_menu()
        self._build_pages()
        if gc.get_freeze_count() == 0:  # not yet: once the first Overview's charts are drawn
            self.overview.ready.connect(_freeze_heap)
        self._remember(ws.path)
        self.read_only_label.setText("Read-only" if ws.read_only else "")
        self._refresh_plan_picker()
        self._update_title()
        self._update_actions()
        self.sidebar.setCurrentRow(0)
        self.workspaceOpened.emit()

    # ----------------------------------------------------------------- pages (desktop.pages)
    @property
    def overview(self) -> QWidget:
        return self.pages["overview"]

    def _build_pages(self) -> None:
        """Drop the previous workspace's pages (each place shows its placeholder again) and
        build the Overview, which is shown first; the other pages are built when first shown."""
        for watch in self._first_paints.values():
            watch.cancel()
            watch.deleteLater()
        self._first_paints.clear()
        for key, page in list(self.pages.built.items()):
            row = KEYS.index(key)
            self._busy.off(key)
            self.stack.insertWidget(row, self._placeholders[row])
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.built.clear()
        self._set_placeholder_text("")
        self._build_page("overview")
        self.stack.setCurrentIndex(0)
        self._watch_first_paint("overview")

    def _build_page(self, key: str) -> QWidget:
        """Build page *key* in its placeholder's place (``KeyError`` without a workspace)."""
        if self.doc is None:
            raise KeyError(key)
        row = KEYS.index(key)
        page = PAGES[row].factory()(self.doc, self._today, self.tasks)
        glance = self.glance_page if key == "overview" else None
        shown = self._take_place(row, glance or self._placeholders[row], page)
        if glance is not None:
            if shown:  # drawn with its data before the glance's last paint leaves the screen
                page.refresher.refresh_now()
            self.glance_page = None
            glance.deleteLater()
        self.pages.built[key] = page
        # a page that says what an action did ("Imported x.csv: …") says it in the status bar
        message = getattr(page, "statusMessage", None)
        if message is not None:
            message.connect(self._status_message)
        return page

    def _take_place(self, row: int, old: QWidget, new: QWidget) -> bool:
        """Put *new* in the stack in *old*'s place at *row* (shown if *old* was); whether it was."""
        shown = self.stack.currentWidget() is old
        self.stack.insertWidget(row, new)
        if shown:
            self.stack.setCurrentWidget(new)
        self.stack.removeWidget(old)
        return shown

    def _status_message(self, text: str, msecs: int) -> None:
        self.statusBar().showMessage(text, msecs)

    def _show_page(self, row: int) -> None:
        """Bring the page in sidebar row *row* to the front. A page shown for the first time
        is built here: its placeholder is painted first (building keeps the GUI thread for a
        moment) and the cursor stays busy until the page is painted with its data."""
        if not 0 <= row < len(KEYS):
            return
        key = KEYS[row]
        for other in self._first_paints:
            if other != key:
                self._busy.off(other)  # the user moved on: no busy cursor for a page not shown
        if self.doc is None or key in self.pages.built:
            self.stack.setCurrentIndex(row)
            return
        self._placeholders[row].setText(f"Loading {page_title(key)}…")
        self.stack.setCurrentIndex(row)
        self._busy.on(key)
        # A click makes the row current before it selects it: select it now, so the sidebar
        # painted below highlights the page being loaded.
        self.sidebar.selectionModel().select(self.sidebar.model().index(row, 0),
                                             QItemSelectionModel.SelectionFlag.ClearAndSelect)
        # A synchronous paint of the frame (not processEvents): the placeholder and the
        # sidebar's new selection are on screen before the build below.
        self.centralWidget().repaint()
        try:
            self._build_page(key)
        except BaseException:
            self._busy.off(key)
            self._placeholders[row].setText(f"{page_title(key)} could not be shown; details are in the log.")
            raise
        self._watch_first_paint(key)

    def _watch_first_paint(self, key: str) -> None:
        watch = FirstPaint(self.pages.built[key], self)
        self._first_paints[key] = watch
        watch.done.connect(lambda key=key: self._page_painted(key))
        QTimer.singleShot(BUSY_CAP_MS, lambda key=key: self._not_busy(key))

    def _not_busy(self, key: str) -> None:
        self._busy.off(key)
        if key == "overview":
            self._busy.off("opening")

    def _page_painted(self, key: str) -> None:
        self._not_busy(key)
        self.pageReady.emit(key)

    def _enable_opening(self, enabled: bool) -> None:
        """Until the models are loaded (start-up, ``when_painted``), nothing can open a file."""
        self.act_new_ws.setEnabled(enabled)
        self.act_open.setEnabled(enabled)
        self.recent_menu.setEnabled(enabled and bool(self.recent_files()))

    def _set_placeholder_text(self, text: str) -> None:
        for placeholder in self._placeholders:
            placeholder.setText(text)

    def when_painted(self, then: Callable[[], None], *, opening: str = "",
                     glance: Path | Glance | None = None) -> None:
        """Run *then* once the window's frame is on screen, with the models loaded.

        Start-up shows the frame (sidebar, menus, "Opening *opening*…" and a busy cursor)
        before SQLAlchemy and the views are imported and the workspace is opened: the user
        sees the window at once rather than a blank one. With *glance* (the workspace file
        about to be opened, or a glance of it already read), the frame's first paint already shows the plan's Overview,
        read-only, from a glance of the file (``models.plan.glance``: no SQLAlchemy needed),
        when the file gives one. *then* runs after that first paint, or after
        ``PAINT_WAIT_MS`` should no paint come (a window opened minimised)."""
        if opening:
            self._set_placeholder_text(f"Opening {opening}…")
            self._busy.on("opening")
        placeholder = self.stack.currentWidget()
        ran = False

        def load_and_open() -> None:
            try:
                load_models()
                self._enable_opening(True)
                then()
            finally:
                if self.doc is None:  # nothing opened (the user was told why)
                    self._drop_glance()
                    self._busy.off("opening")
                    self._set_placeholder_text("No workspace open: File ▸ Open… or File ▸ New workspace…")

        if glance is not None and self._show_glance(glance, load_and_open):
            return

        def run() -> None:
            nonlocal ran
            if ran:
                return
            ran = True
            if isinstance(placeholder, Placeholder):
                placeholder.painted.disconnect(painted)
            load_and_open()

        def painted() -> None:
            QTimer.singleShot(0, run)  # once this paint has reached the screen

        if isinstance(placeholder, Placeholder):
            placeholder.painted.connect(painted)
        QTimer.singleShot(PAINT_WAIT_MS, self, run)  # (not once the window is gone)

    def _show_glance(self, glance: Path | Glance, then: Callable[[], None]) -> bool:
        """Show the Overview of the first plan from *glance* (or from a glance of the file at
        that path) and run *then* once it is painted; False (nothing shown) when the file
        gives no safe glance."""
        from models.plan.glance import read_glance
        from views.plan.page import OverviewPage

        if isinstance(glance, Path):
            glance = read_glance(glance)
        if glance is None:
            return False
        row = KEYS.index("overview")
        page = OverviewPage(None, self._today, glance=glance)
        self._take_place(row, self._placeholders[row], page)
        self.stack.setCurrentWidget(page)  # the first page at start, whatever was current
        self.glance_page = page
        # the picker lists the plans (not yet pickable) and the sidebar marks the Overview
        self._fill_plan_picker(glance.plans, glance.plan.id, enabled=False)
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(row)
        self.sidebar.blockSignals(False)
        watch = FirstPaint(page, self)
        ran = False

        def go_on() -> None:
            nonlocal ran
            if not ran:
                ran = True
                watch.cancel()
                watch.deleteLater()
                then()

        def painted() -> None:
            self.glancePainted.emit()
            QTimer.singleShot(0, go_on)  # once this paint has reached the screen

        watch.done.connect(painted)
        QTimer.singleShot(PAINT_WAIT_MS, self, go_on)  # no paint comes to a minimised window
        return True

    def _drop_glance(self) -> None:
        """The workspace did not open after all: its placeholder takes the glance's place."""
        page, self.glance_page = self.glance_page, None
        if page is None:
            return
        self._fill_plan_picker([], None)
        row = KEYS.index("overview")
        self._take_place(row, page, self._placeholders[row])
        page.deleteLater()

    def _close_workspace(self) -> None:
        if self.doc is not None:
            self.doc.ws.interrupt()  # a background integrity check stops now
            self.tasks.wait()
            self.doc.ws.close()  # releases the lock
            self._warm_timer.stop()
            if not self.doc.read_only:  # closing changed the file's state: the summaries' keys
                self._warm_summaries(self.doc)
            self.doc.deleteLater()
            self.doc = None

    #: passwords typed for team servers in this run of the app, by address (without password):
    #: reopening a server (Open Recent, another window) does not ask again. Only in memory:
    #: never in QSettings, the recent list, a title or a message.
    _server_passwords: dict[str, str] = {}

    def connect_dialog(self) -> None:
        """File ▸ Connect to team server…: an address; a password is asked for only if the
        server wants one that libpq did not find (PGPASSWORD, ~/.pgpass): ``_open_server``."""
        from PySide6.QtWidgets import QInputDialog

        address, ok = QInputDialog.getText(self, "Connect to team server",
                                           "Server address (postgresql://user@host:port/database):")
        if not ok or not address.strip():
            return
        if not is_server_url(address):
            QMessageBox.warning(self, "Connect to team server", "The address must start with postgresql://")
            return
        self.open_path(address.strip(), create=True)  # an empty database becomes the team's workspace

    def _open_server(self, address: str, *, read_only: bool, ask: bool = True,
                     create: bool = False) -> Workspace | None:
        """Open a team server's workspace. It is tried without a password (libpq's own:
        the address, PGPASSWORD, ~/.pgpass) or with the one typed earlier in this run; only
        when the server wants one is it asked for, and asked again, saying so, when the
        server refuses it. None when the user cancels; with *ask* False the error is raised."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from models.core.server import PasswordNeededError, PasswordRefusedError, login, masked, open_server

        key = masked(address)
        password = self._server_passwords.get(key)
        while True:
            try:
                ws = open_server(address, read_only=read_only, password=password or None, create=create)
            except (PasswordNeededError, PasswordRefusedError) as exc:
                self._server_passwords.pop(key, None)
                if not ask:
                    raise
                question = (f"The server refused the password for {login(address)}.\n\nPassword:"
                            if isinstance(exc, PasswordRefusedError) else
                            f"The server wants a password for {login(address)}.\n\nPassword:")
                password, ok = QInputDialog.getText(self, "Connect to team server", question,
                                                    QLineEdit.EchoMode.Password)
                if not ok:
                    return None
                continue
            if password:
                self._server_passwords[key] = password
            return ws

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
        if target.suffix.lower() != WORKSPACE_SUFFIX:  # "Plan copy" becomes "Plan copy.ninety"
            target = target.with_name(target.name + WORKSPACE_SUFFIX)

        def done(problems: list[str]) -> None:
            if problems:
                QMessageBox.warning(self, "Save a copy", f"Saved a copy to {target}, but it is still damaged: "
                                    f"{' '.join(problems[0].split())[:200]}")
            else:
                self.statusBar().showMessage(f"Saved a copy to {target}", 8000)

        self.tasks.run(
            "Saving a copy…", lambda progress: ws.save_copy(target), on_done=done,
            on_error=lambda msg: QMessageBox.critical(self, "Save a copy failed", msg),
        )

    def _last_dir(self) -> str:
        files = self.recent_files()
        return str(Path(files[0]).parent) if files else str(Path.home())

    # ----------------------------------------------------------------- plans
    def _refresh_plan_picker(self) -> None:
        if self.doc is None:
            self._fill_plan_picker([], None)
        else:
            self._fill_plan_picker(self.doc.plans(), self.doc.plan_id)
        self._update_title()

    def _fill_plan_picker(self, plans, current: int | None, *, enabled: bool = True) -> None:
        """List *plans* in the picker with *current* chosen; not *enabled* while start-up
        shows a glance (nothing to switch to until the workspace is open)."""
        self.plan_picker.blockSignals(True)
        self.plan_picker.clear()
        for p in plans:
            self.plan_picker.addItem(p.name, p.id)
        self.plan_picker.setCurrentIndex(self.plan_picker.findData(current))
        self.plan_picker.setEnabled(enabled)
        self.plan_picker.blockSignals(False)

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
            self._warm_timer.start()

    def _warm_summaries(self, doc) -> None:
        """Have the summaries of *doc*'s workspace file worked out again for scripts
        (``desktop.summary_cache.warm_in_background``); not for a team server or when the
        ``summary/warm`` setting is off."""
        if doc is None or getattr(doc.ws, "url", None) is not None:
            return
        if not self.settings.value("summary/warm", True, type=bool):
            return
        from desktop.summary_cache import warm_in_background

        self._warmer = warm_in_background(doc.ws.path)

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
        from desktop.cli import _version

        QMessageBox.about(self, "About Ninety",
                          f"<b>Ninety {_version()}</b><br>Plan and evidence a 90-day operating-model "
                          "transformation: audit bottlenecks, pilot one squad, empower with low-code.")

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event) -> None:
        self._busy.clear()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()  # now, not whenever the settings object is destroyed
        self._close_workspace()
        super().closeEvent(event)


def default_workspace(data: Path, today: date | None = None) -> Path:
    """The demo workspace in the user's data folder, created on first use."""
    from desktop.features import FEATURES
    from models.plan.demo import write_demo

    path = data / DEMO_FILE
    if not path.exists():
        write_demo(path, FEATURES, today)
    return path


__all__ = ["MainWindow", "default_workspace", "os"]
