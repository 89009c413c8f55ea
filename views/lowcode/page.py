"""Step 3, empower with low-code: the step's checklist, the headline figures (the
self-serve share against its editable target, median lead time per route, the
open developer queue), then tabs for the request ledger, the tool inventory and
three charts. Every edit is an undo command.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.lowcode import service as svc
from models.lowcode.service import LowcodeState
from models.plan.service import list_phases
from views.common.checklist import ChecklistWidget
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument
from views.common.widgets import FigureCard, plain_label
from views.lowcode.charts import LeadTimeChart, LowcodeChart, ReasonsChart, WeeklyShareChart
from views.lowcode.commands import (
    AddRequest,
    AddTool,
    DeleteRequest,
    DeleteTool,
    EditRequest,
    EditTool,
    SetTargetShare,
)
from views.lowcode.dialogs import RequestDialog, ToolDialog
from views.lowcode.tables import (
    SORT_ROLE,
    LowcodeDelegate,
    RequestFilterProxy,
    RequestTableModel,
    RowModel,
    ToolTableModel,
)

GOOD, WARN, BAD, NEUTRAL = "#2e7d32", "#b26a00", "#c62828", "#37474f"
PAGE_STYLE = """
QSpinBox#targetSpin { font-size: 15px; font-weight: bold; }
"""




def _percent(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f} %"


def _days(x: float | None) -> str:
    return "–" if x is None else f"{x:g} d"





class TargetCard(QFrame):
    """The target share, edited in place (each change is an undo step; spin clicks merge)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.spin = QSpinBox()
        self.spin.setObjectName("targetSpin")
        self.spin.setRange(1, 100)
        self.spin.setSuffix(" %")
        self.spin.setKeyboardTracking(False)
        self.spin.setToolTip("The self-serve share to reach (80 % by default). Edit ▸ Undo takes a change back.")
        caption = plain_label("Target self-serve share", wrap=False, name="cardCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.spin, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(caption)


class LowcodePage(QWidget):
    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._today = today
        self.tasks = tasks
        self.state: LowcodeState | None = None
        self._filling = False
        self._dirty_charts: set[LowcodeChart] = set()
        self.setStyleSheet(PAGE_STYLE)

        # --- header: title, phase, headline cards | checklist
        title = plain_label("3 · Empower with low-code", wrap=False, name="pageTitle")
        self.meta = plain_label(name="muted")
        self.cards = {key: FigureCard(caption) for key, caption in (
            ("last4", "Self-serve, last 4 weeks"), ("cumulative", "Self-serve, all time"),
            ("lead_self", "Median lead, self-serve"), ("lead_dev", "Median lead, developer"),
            ("queue", "Open developer queue"))}
        self.target_card = TargetCard()
        self.target_spin = self.target_card.spin
        self.target_spin.valueChanged.connect(self._target_changed)
        grid = QGridLayout()
        grid.setSpacing(6)
        grid.setContentsMargins(0, 4, 0, 0)
        order = (self.cards["last4"], self.cards["cumulative"], self.target_card,
                 self.cards["lead_self"], self.cards["lead_dev"], self.cards["queue"])
        for i, card in enumerate(order):
            grid.addWidget(card, i // 3, i % 3)
        self.cards_box = QWidget()
        self.cards_box.setLayout(grid)
        self.intro = plain_label(name="muted")
        self.checklist = ChecklistWidget("Step 3 checklist")
        self.checklist.setFixedWidth(340)

        head_left = QVBoxLayout()
        head_left.addWidget(title)
        head_left.addWidget(self.meta)
        head_left.addWidget(self.cards_box)
        head_left.addWidget(self.intro)
        head_left.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(head_left, 1)
        header.addWidget(self.checklist, 0, Qt.AlignmentFlag.AlignTop)

        # --- tabs
        self.tabs = QTabWidget()
        self.request_model = RequestTableModel(edit=self._edit_request, parent=self)
        self.tool_model = ToolTableModel(edit=self._edit_tool, parent=self)
        self.tabs.addTab(self._build_requests_tab(), "Requests")
        self.tabs.addTab(self._build_tools_tab(), "Tools")
        self.share_chart = WeeklyShareChart()
        self.lead_chart = LeadTimeChart()
        self.reasons_chart = ReasonsChart()
        self.charts: tuple[LowcodeChart, ...] = (self.share_chart, self.lead_chart, self.reasons_chart)
        self.tabs.addTab(self.share_chart, "Weekly share")
        self.tabs.addTab(self.lead_chart, "Lead time")
        self.tabs.addTab(self.reasons_chart, "Why developers (Pareto)")
        self.tabs.currentChanged.connect(lambda _i: self._draw_visible_chart())

        self.empty_label = plain_label("This workspace holds no plan yet. Choose Plan ▸ New plan… to start one.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tabs, 1)
        self._body = (self.cards_box, self.checklist, self.tabs)

        self.refresher = ScopedRefresh(self, doc, ("lowcode",), self.refresh)

    # ----------------------------------------------------------------- building
    def _table(self, model: RowModel, proxy: QSortFilterProxyModel, name: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(proxy)
        table.setItemDelegate(LowcodeDelegate(model, table))
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(24)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh = table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for i, col in enumerate(model.COLUMNS):
            table.setColumnWidth(i, col.width)
        return table

    def _build_requests_tab(self) -> QWidget:
        self.request_proxy = RequestFilterProxy(self)
        self.request_proxy.setSourceModel(self.request_model)
        self.request_table = self._table(self.request_model, self.request_proxy, "lowcodeRequests")
        self.request_table.sortByColumn(RequestTableModel.column_index("requested"), Qt.SortOrder.DescendingOrder)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.request_table, self.delete_request,
                  context=Qt.ShortcutContext.WidgetShortcut)

        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter (title, team, tool, type, reason)")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(self.request_proxy.set_text)
        self.filter_route = QComboBox()
        for label, value in (("All routes", None), ("Self-serve", "self-serve"), ("Developer", "developer")):
            self.filter_route.addItem(label, value)
        self.filter_route.currentIndexChanged.connect(
            lambda _i: self.request_proxy.set_route(self.filter_route.currentData()))
        self.filter_state = QComboBox()
        for label, value in (("Open and delivered", None), ("Open", "open"), ("Delivered", "delivered"),
                             ("Developer queue", "queue")):
            self.filter_state.addItem(label, value)
        self.filter_state.currentIndexChanged.connect(
            lambda _i: self.request_proxy.set_state(self.filter_state.currentData()))
        self.add_request_button = QPushButton("Add request…")
        self.add_request_button.clicked.connect(self.add_request)
        self.import_button = QPushButton("Import CSV/XLSX…")
        self.import_button.setToolTip("Add requests from a spreadsheet: all rows or none")
        self.import_button.clicked.connect(self.import_requests)
        self.edit_request_button = QPushButton("Edit…")
        self.edit_request_button.clicked.connect(self.edit_request)
        self.deliver_button = QPushButton("Mark delivered")
        self.deliver_button.setToolTip("Record today as the delivery date of the selected open request")
        self.deliver_button.clicked.connect(self.mark_delivered)
        self.delete_request_button = QPushButton("Delete")
        self.delete_request_button.clicked.connect(self.delete_request)
        self.request_count = plain_label(wrap=False, name="muted")

        tools = QHBoxLayout()
        tools.addWidget(self.filter_text, 1)
        tools.addWidget(self.filter_route)
        tools.addWidget(self.filter_state)
        tools.addSpacing(8)
        for b in (self.add_request_button, self.import_button, self.edit_request_button, self.deliver_button,
                  self.delete_request_button):
            tools.addWidget(b)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(tools)
        layout.addWidget(self.request_table, 1)
        layout.addWidget(self.request_count)
        self.request_proxy.rowsInserted.connect(lambda *_a: self._count_shown())
        self.request_proxy.rowsRemoved.connect(lambda *_a: self._count_shown())
        self.request_proxy.modelReset.connect(self._count_shown)
        self.request_proxy.layoutChanged.connect(self._count_shown)
        return page

    def _build_tools_tab(self) -> QWidget:
        self.tool_proxy = QSortFilterProxyModel(self)
        self.tool_proxy.setSourceModel(self.tool_model)
        self.tool_proxy.setSortRole(SORT_ROLE)
        self.tool_table = self._table(self.tool_model, self.tool_proxy, "lowcodeTools")
        self.tool_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tool_table, self.delete_tool,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.add_tool_button = QPushButton("Add tool…")
        self.add_tool_button.clicked.connect(self.add_tool)
        self.edit_tool_button = QPushButton("Edit…")
        self.edit_tool_button.clicked.connect(self.edit_tool)
        self.delete_tool_button = QPushButton("Delete")
        self.delete_tool_button.clicked.connect(self.delete_tool)
        self.tool_note = plain_label(name="muted")
        tools = QHBoxLayout()
        tools.addWidget(self.tool_note, 1)
        tools.addWidget(self.add_tool_button)
        tools.addWidget(self.edit_tool_button)
        tools.addWidget(self.delete_tool_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(tools)
        layout.addWidget(self.tool_table, 1)
        return page

    # ----------------------------------------------------------------- refresh
    def schedule_refresh(self) -> None:
        self.refresher.schedule()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._draw_visible_chart()

    def _draw_visible_chart(self) -> None:
        chart = self.tabs.currentWidget()
        if chart in self._dirty_charts and self.state is not None and self.isVisible():
            self._dirty_charts.discard(chart)
            chart.set_state(self.state)

    def refresh(self) -> None:
        plan = self.doc.plan()
        writable = not self.doc.read_only and plan is not None
        self.empty_label.setVisible(plan is None)
        for w in self._body:
            w.setVisible(plan is not None)
        for b in (self.add_request_button, self.import_button, self.edit_request_button, self.deliver_button,
                  self.delete_request_button, self.add_tool_button, self.edit_tool_button,
                  self.delete_tool_button):
            b.setEnabled(writable)
        self.target_spin.setEnabled(writable)
        if plan is None:
            self.state = None
            self.meta.setText("")
            self.intro.setText("")
            self.request_model.set_rows([], self._today(), editable=False)
            self.tool_model.set_rows([], self._today(), editable=False)
            return
        as_of = self._today()
        self.state = st = svc.lowcode_state(self.doc.ws, plan.id, as_of)
        self.meta.setText(self._phase_text(plan))
        self.checklist.set_items(st.checklist)
        self._fill_cards(st)
        self.intro.setText("" if st.requests else
                           "Log every marketing request here, by hand or from a spreadsheet: who asked, when, "
                           "when it shipped, and whether marketers shipped it themselves or a developer had to. "
                           "The figures show whether the self-serve share is rising, and the reasons rank the "
                           "components to build next.")
        self.intro.setVisible(not st.requests)
        self.request_model.set_tool_names([t.name for t in st.tools])
        self.request_model.set_rows(st.requests, as_of, editable=writable)
        self.tool_model.set_usage(st.requests, as_of)
        self.tool_model.set_rows(st.tools, as_of, editable=writable)
        self.tabs.setTabText(0, f"Requests ({len(st.requests)})")
        self.tabs.setTabText(1, f"Tools ({len(st.tools)})")
        adopted = sum(t.status == "adopted" for t in st.tools)
        self.tool_note.setText(
            f"{adopted} adopted · {st.figures.people_trained} people trained on tools rolling out or adopted. "
            "Double-click a cell to edit it.")
        self._count_shown()
        self._dirty_charts = set(self.charts)
        self._draw_visible_chart()

    def _phase_text(self, plan) -> str:
        phase = next((p for p in list_phases(self.doc.ws, plan.id) if p.step == "lowcode"), None)
        if phase is None:
            return ""
        return f"Step 3: {phase.start:%d %b} → {phase.end:%d %b %Y}   ·   Goal: {phase.goal or '(none yet)'}"

    def _fill_cards(self, st: LowcodeState) -> None:
        f, c = st.figures, self.cards
        recent, recent_self = st.recent_delivered
        last4 = f.share_last_4_weeks
        caption = f"Last 4 weeks ({recent_self} of {recent})" if recent else "Last 4 weeks (none delivered)"
        c["last4"].set(_percent(last4), caption,
                       NEUTRAL if last4 is None else (GOOD if last4 >= f.target_share else WARN),
                       "Self-serve share of the requests delivered in the 28 days up to today")
        cum = f.share_cumulative
        caption = f"All time ({f.self_serve} of {f.delivered})" if f.delivered else "All time (none delivered)"
        c["cumulative"].set(_percent(cum), caption,
                            NEUTRAL if cum is None else (GOOD if cum >= f.target_share else WARN),
                            "Self-serve delivered ÷ all delivered")
        c["lead_self"].set(_days(f.median_lead_days["self_serve"]), "Median lead, self-serve",
                           tip="Requested → delivered, calendar days (the median)")
        c["lead_dev"].set(_days(f.median_lead_days["developer"]), "Median lead, developer",
                          tip="Requested → delivered, calendar days (the median)")
        queue = len(f.open_developer_queue)
        oldest = f.oldest_open_days
        c["queue"].set(str(queue), "Open developer queue" if oldest is None else f"Developer queue, oldest {oldest} d",
                       BAD if oldest is not None and oldest > 28 else NEUTRAL,
                       "Developer-route requests not delivered yet; the filter 'Developer queue' lists them")
        self._filling = True
        try:
            self.target_spin.setValue(round(st.target_share * 100))
        finally:
            self._filling = False

    def _count_shown(self) -> None:
        total = self.request_model.rowCount()
        shown = self.request_proxy.rowCount()
        self.request_count.setText(f"{shown} of {total} requests shown" if shown != total else
                                   f"{total} requests. Double-click a cell to edit it; the Delivered cell steps "
                                   "below the requested date to 'open'.")

    # ----------------------------------------------------------------- editing
    def _target_changed(self, value: int) -> None:
        plan = self.doc.plan()
        if self._filling or plan is None or self.state is None:
            return
        if round(self.state.target_share * 100) == value:
            return
        if not self.doc.execute(SetTargetShare(self.doc, plan.id, value / 100)):
            self.schedule_refresh()

    def _edit_request(self, request_id: int, key: str, value) -> bool:
        title = next(c.title for c in RequestTableModel.COLUMNS if c.key == key)
        return self.doc.execute(EditRequest(self.doc, request_id, {key: value}, f"Edit {title.lower()}"))

    def _edit_tool(self, tool_id: int, key: str, value) -> bool:
        title = next(c.title for c in ToolTableModel.COLUMNS if c.key == key)
        return self.doc.execute(EditTool(self.doc, tool_id, {key: value}, f"Edit {title.lower()}"))

    def selected_request(self):
        index = self.request_table.currentIndex()
        if not index.isValid():
            return None
        return self.request_model.row(self.request_proxy.mapToSource(index).row())

    def selected_tool(self):
        index = self.tool_table.currentIndex()
        if not index.isValid():
            return None
        return self.tool_model.row(self.tool_proxy.mapToSource(index).row())

    def _dialog_lists(self) -> dict:
        st = self.state
        return {"tool_names": [t.name for t in st.tools] if st else [],
                "teams": sorted({r.team for r in st.requests if r.team}) if st else []}

    def add_request(self) -> None:
        plan = self.doc.plan()
        if plan is None or self.doc.read_only:
            return
        today = self._today()
        dialog = RequestDialog({"requested": today, "today": today}, parent=self, **self._dialog_lists())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.execute(AddRequest(self.doc, plan.id, dialog.draft()))

    def edit_request(self) -> None:
        r = self.selected_request()
        if r is None or self.doc.read_only:
            return
        values = asdict(r) | {"today": self._today()}
        dialog = RequestDialog(values, editing=True, parent=self, **self._dialog_lists())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes = {k: v for k, v in dialog.values().items() if v != getattr(r, k)}
            if changes:
                self.doc.execute(EditRequest(self.doc, r.id, changes, "Edit request"))

    def mark_delivered(self) -> None:
        r = self.selected_request()
        if r is None or self.doc.read_only or r.delivered is not None:
            return
        self.doc.execute(EditRequest(self.doc, r.id, {"delivered": max(self._today(), r.requested)},
                                     "Mark request delivered"))

    def delete_request(self) -> None:
        r = self.selected_request()
        if r is None or self.doc.read_only:
            return
        self.doc.execute(DeleteRequest(self.doc, r.id, r.title))

    def import_requests(self) -> None:
        plan = self.doc.plan()
        if plan is None or self.doc.read_only or self.tasks is None:
            return
        from views.lowcode.importer import open_import_wizard

        wizard = open_import_wizard(self.doc, plan.id, self.tasks, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()

    def add_tool(self) -> None:
        plan = self.doc.plan()
        if plan is None or self.doc.read_only:
            return
        dialog = ToolDialog(parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.execute(AddTool(self.doc, plan.id, dialog.draft()))

    def edit_tool(self) -> None:
        t = self.selected_tool()
        if t is None or self.doc.read_only:
            return
        dialog = ToolDialog(asdict(t), editing=True, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes = {k: v for k, v in dialog.values().items() if v != getattr(t, k)}
            if changes:
                self.doc.execute(EditTool(self.doc, t.id, changes, "Edit tool"))

    def delete_tool(self) -> None:
        t = self.selected_tool()
        if t is None or self.doc.read_only:
            return
        self.doc.execute(DeleteTool(self.doc, t.id, t.name))
