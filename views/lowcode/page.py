"""Step 3, empower with low-code: the step's checklist, the headline figures (the
self-serve share against its editable target, median lead time per route, the
open developer queue), then tabs for the request ledger, the tool inventory and
three charts. Every edit is an undo command.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.lowcode import service as svc
from models.lowcode.entities import REQUEST, TOOL
from models.lowcode.figures import MIN_EVIDENCE
from models.lowcode.service import LowcodeState
from models.plan.service import list_phases
from views.common.document import WorkspaceDocument
from views.common.checklist import ChecklistWidget
from views.common.page_header import card_grid, page_header, page_title
from views.common.refresh import ScopedRefresh
from views.common.row_commands import cell_editor
from views.common.rows import RowFilterProxy, row_table, selected_row, table_page
from views.common.widgets import FigureCard, compact_combo, panel, plain_label
from views.lowcode import commands as cmd
from views.lowcode.charts import LeadTimeChart, LowcodeChart, ReasonsChart, WeeklyShareChart
from views.lowcode.commands import SetTargetShare
from views.lowcode.dialogs import RequestDialog, ToolDialog
from views.lowcode.tables import TEXT_KEYS, RequestTableModel, ToolTableModel
from views.plan.widgets import no_plan_label


def count_of(n: int, word: str) -> str:
    """"1 request", "2 requests"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

#: colour roles of the figures (views.common.palette): they follow the light or dark scheme
MARK_DELIVERED, MARK_OPEN = "Mark delivered", "Mark open"
GOOD, WARN, BAD, NEUTRAL = "ok", "warning", "danger", "text"
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
        panel(self, "figureCard")
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
        self.setStyleSheet(PAGE_STYLE)

        # --- header: title, phase, headline cards | checklist
        self.meta = plain_label(name="muted")
        self.cards = {key: FigureCard(caption) for key, caption in (
            ("last4", "Self-serve, last 4 weeks"), ("cumulative", "Self-serve, all time"),
            ("lead_self", "Median lead, self-serve"), ("lead_dev", "Median lead, developer"),
            ("queue", "Open developer queue"))}
        self.target_card = TargetCard()
        self.target_spin = self.target_card.spin
        self.target_spin.valueChanged.connect(self._target_changed)
        self.cards_box = card_grid((self.cards["last4"], self.cards["cumulative"], self.target_card,
                                    self.cards["lead_self"], self.cards["lead_dev"], self.cards["queue"]), 3)
        self.intro = plain_label(name="muted")
        self.checklist = ChecklistWidget("Step 3 checklist")
        header = page_header((page_title("3 · Empower with low-code"), self.meta, self.cards_box, self.intro),
                             self.checklist, 300)

        # --- tabs
        self.tabs = QTabWidget()
        self.request_model = RequestTableModel(edit=cell_editor(doc, REQUEST, cmd.edit_request), parent=self)
        self.tool_model = ToolTableModel(edit=cell_editor(doc, TOOL, cmd.edit_tool), parent=self)
        self.tabs.addTab(self._build_requests_tab(), "Requests")
        self.tabs.addTab(self._build_tools_tab(), "Tools")
        self.share_chart = WeeklyShareChart()
        self.lead_chart = LeadTimeChart()
        self.reasons_chart = ReasonsChart()
        self.charts: tuple[LowcodeChart, ...] = (self.share_chart, self.lead_chart, self.reasons_chart)
        self.tabs.addTab(self.share_chart, "Weekly share")
        self.tabs.addTab(self.lead_chart, "Lead time")
        self.tabs.addTab(self.reasons_chart, "Why developers (Pareto)")

        self.empty_label = no_plan_label()
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tabs, 1)
        self._body = (self.cards_box, self.checklist, self.tabs)

        self.refresher = ScopedRefresh(self, doc, ("lowcode",), self.refresh)

    # ----------------------------------------------------------------- building
    def _build_requests_tab(self) -> QWidget:
        self.request_proxy = RowFilterProxy(self, text_keys=TEXT_KEYS)
        self.request_table = row_table(self.request_model, self.request_proxy, "lowcodeRequests", row_height=24,
                                       on_delete=self.delete_request, stretch="title")
        self.request_table.sortByColumn(self.request_model.column_index("requested"), Qt.SortOrder.DescendingOrder)

        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter (title, team, tool, type, reason)")
        self.filter_text.setMinimumWidth(110)
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(self.request_proxy.set_text)
        self.filter_route = QComboBox()
        for label, value in (("All routes", None), ("Self-serve", "self-serve"), ("Developer", "developer")):
            self.filter_route.addItem(label, value)
        compact_combo(self.filter_route, 7)
        self.filter_route.currentIndexChanged.connect(
            lambda _i: self.request_proxy.set_filter("route", self.filter_route.currentData()))
        self.filter_state = QComboBox()
        for label, value in (("All states", None), ("Open", "open"), ("Delivered", "delivered"),
                             ("Developer queue", "queue")):
            self.filter_state.addItem(label, value)
        compact_combo(self.filter_state, 8)
        self.filter_state.currentIndexChanged.connect(lambda _i: self.request_proxy.set_row_filter(
            "state", self.request_model.accepts(self.filter_state.currentData())))
        self.add_request_button = QPushButton("Add…")
        self.add_request_button.setToolTip("Add a request to the ledger")
        self.add_request_button.clicked.connect(self.add_request)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Add requests from a CSV or XLSX spreadsheet: all rows or none")
        self.import_button.clicked.connect(self.import_requests)
        self.edit_request_button = QPushButton("Edit…")
        self.edit_request_button.clicked.connect(self.edit_request)
        self.deliver_button = QPushButton(MARK_DELIVERED)
        self.deliver_button.setToolTip("Record today as the delivery date of the selected open request; "
                                       "on a delivered request, mark it open again")
        self.deliver_button.clicked.connect(self.toggle_delivered)
        self.delete_request_button = QPushButton("Delete")
        self.delete_request_button.clicked.connect(self.delete_request)
        self.request_count = plain_label(wrap=False, name="muted")

        page = table_page(self.request_table, (
            self.filter_text, self.filter_route, self.filter_state, 8, self.add_request_button, self.edit_request_button,
            self.import_button, self.deliver_button, self.delete_request_button), self.request_count)
        self.request_table.selectionModel().currentRowChanged.connect(lambda *_a: self._name_deliver_button())
        self.request_proxy.rowsInserted.connect(lambda *_a: self._count_shown())
        self.request_proxy.rowsRemoved.connect(lambda *_a: self._count_shown())
        self.request_proxy.modelReset.connect(self._count_shown)
        self.request_proxy.layoutChanged.connect(self._count_shown)
        return page

    def _build_tools_tab(self) -> QWidget:
        self.tool_proxy = RowFilterProxy(self)
        self.tool_table = row_table(self.tool_model, self.tool_proxy, "lowcodeTools", row_height=24,
                                    on_delete=self.delete_tool)
        self.tool_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.add_tool_button = QPushButton("Add tool…")
        self.add_tool_button.clicked.connect(self.add_tool)
        self.edit_tool_button = QPushButton("Edit…")
        self.edit_tool_button.clicked.connect(self.edit_tool)
        self.delete_tool_button = QPushButton("Delete")
        self.delete_tool_button.clicked.connect(self.delete_tool)
        self.tool_note = plain_label(name="muted")
        return table_page(self.tool_table, (self.tool_note, self.add_tool_button, self.edit_tool_button,
                                            self.delete_tool_button))

    # ----------------------------------------------------------------- refresh
    def schedule_refresh(self) -> None:
        self.refresher.schedule()

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
            self.tool_model.set_rows([], editable=False)
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
        self.tool_model.set_rows(st.tools, editable=writable)
        self.tabs.setTabText(0, f"Requests ({len(st.requests)})")
        self.tabs.setTabText(1, f"Tools ({len(st.tools)})")
        adopted = sum(t.status == "adopted" for t in st.tools)
        self.tool_note.setText(
            f"{adopted} adopted · {st.figures.people_trained} people trained on tools rolling out or adopted. "
            "Double-click a cell to edit it.")
        self._count_shown()
        self._name_deliver_button()
        # each chart draws on its thread once it can be seen (chart_canvas)
        for chart in self.charts:
            chart.set_state(st)

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
        enough = recent >= MIN_EVIDENCE
        if recent and not enough:
            caption = f"Last 4 weeks ({recent_self} of {recent}: too few to judge)"
        c["last4"].set(_percent(last4), caption,
                       NEUTRAL if last4 is None or not enough else (GOOD if last4 >= f.target_share else WARN),
                       "Self-serve share of the requests delivered in the 28 days up to today; it counts "
                       f"against the target from {MIN_EVIDENCE} deliveries on")
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
        self.request_count.setText(f"{shown} of {count_of(total, 'request')} shown" if shown != total else
                                   f"{count_of(total, 'request')}. Double-click a cell to edit it.")

    # ----------------------------------------------------------------- editing
    def _target_changed(self, value: int) -> None:
        plan = self.doc.plan()
        if self._filling or plan is None or self.state is None:
            return
        if round(self.state.target_share * 100) == value:
            return
        if not self.doc.execute(SetTargetShare(self.doc, plan.id, value / 100)):
            self.schedule_refresh()

    def _selected(self, table):
        """The row selected in *table*, or None (also when the workspace is read-only)."""
        return None if self.doc.read_only else selected_row(table)

    def _dialog_lists(self) -> dict:
        st = self.state
        return {"tool_names": [t.name for t in st.tools] if st else [],
                "teams": sorted({r.team for r in st.requests if r.team}) if st else []}

    def _run_dialog(self, dialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _add_through(self, make_dialog, add) -> None:
        """Open the dialog a new row starts from; accepted, its draft is added as one undo step."""
        plan = self.doc.plan()
        if plan is None or self.doc.read_only:
            return
        dialog = make_dialog()
        if self._run_dialog(dialog):
            self.doc.execute(add(self.doc, plan.id, dialog.draft()))

    def _edit_through(self, table, make_dialog, edit, text: str) -> None:
        """Open a dialog on the row selected in *table*; the fields the user changed become
        one undo step."""
        item = self._selected(table)
        if item is None:
            return
        dialog = make_dialog(asdict(item))
        if self._run_dialog(dialog):
            changes = {k: v for k, v in dialog.values().items() if v != getattr(item, k)}
            if changes:
                self.doc.execute(edit(self.doc, item.id, changes, text))

    def add_request(self) -> None:
        self._add_through(lambda: RequestDialog({"requested": self._today()}, parent=self, **self._dialog_lists()),
                          cmd.add_request)

    def edit_request(self) -> None:
        self._edit_through(self.request_table, lambda values: RequestDialog(
            values, editing=True, parent=self, **self._dialog_lists()), cmd.edit_request, "Edit request")

    def _name_deliver_button(self) -> None:
        r = selected_row(self.request_table)
        self.deliver_button.setText(MARK_OPEN if r is not None and r.delivered is not None else MARK_DELIVERED)

    def toggle_delivered(self) -> None:
        """Mark the selected open request delivered today, or a delivered one open again."""
        r = self._selected(self.request_table)
        if r is not None and r.delivered is not None:
            self.doc.execute(cmd.edit_request(self.doc, r.id, {"delivered": None}, "Mark request open"))
        else:
            self.mark_delivered()
        self._name_deliver_button()

    def mark_delivered(self) -> None:
        r = self._selected(self.request_table)
        if r is None or r.delivered is not None:
            return
        self.doc.execute(cmd.edit_request(self.doc, r.id, {"delivered": max(self._today(), r.requested)},
                                          "Mark request delivered"))

    def delete_request(self) -> None:
        r = self._selected(self.request_table)
        if r is not None:
            self.doc.execute(cmd.delete_request(self.doc, r.id, r.title))

    def import_requests(self) -> None:
        plan = self.doc.plan()
        if plan is None or self.doc.read_only or self.tasks is None:
            return
        from views.lowcode.importer import open_import_wizard

        wizard = open_import_wizard(self.doc, plan.id, self.tasks, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()

    def add_tool(self) -> None:
        self._add_through(lambda: ToolDialog(parent=self), cmd.add_tool)

    def edit_tool(self) -> None:
        self._edit_through(self.tool_table, lambda values: ToolDialog(values, editing=True, parent=self),
                           cmd.edit_tool, "Edit tool")

    def delete_tool(self) -> None:
        t = self._selected(self.tool_table)
        if t is not None:
            self.doc.execute(cmd.delete_tool(self.doc, t.id, t.name))
