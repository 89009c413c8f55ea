"""Step 1, Audit bottlenecks: import a work-item log (or track stalls by hand),
see where work waits between departments (the silo tax, in days and, with a
cost of delay, in money) and choose the handoff to attack first; then see day
90 before it comes: the throughput forecast, the ageing work in progress and
the what-if squad simulation.

Everything the page shows is loaded in a worker (``load_snapshot``: the
analysis of a 100,000-row log takes about a second), then applied on the GUI
thread; charts draw only when their tab is visible. The Forecast, Ageing and
What-if tabs compute in the background when shown, from the log they share
(``views.audit.log_jobs``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.audit import store
from models.audit.analysis import INTAKE, AuditResult, HandoffFigure, Stage
from models.audit.forecast_store import Scenario, get_cost_of_delay, list_scenarios, plan_silo_money
from models.audit.money import CostOfDelay, SiloMoney
from models.plan.service import list_milestones, list_phases
from models.core.feature import ChecklistItem
from views.audit.ageing import AgeingTab
from views.audit.charts import CHARTS, AuditChart, prewarm
from views.audit.commands import (
    add_stall,
    choose_bottleneck,
    delete_stall,
    edit_stage_map,
    edit_stall,
    set_cost_of_delay,
)
from views.audit.dialogs import AddStallDialog, CostOfDelayDialog, StageMapDialog, error_label
from views.audit.forecast import ForecastTab
from views.audit.headline import AttackBox, Figure, figures_row
from views.audit.importer import open_import_wizard
from views.audit.log_jobs import LogTab, PlanLogCache
from views.audit.tables import HandoffFigureModel, StallDelegate, StallTableModel, StatusFigureModel, figure_table
from views.audit.whatif import WhatIfTab
from views.common.checklist import ChecklistWidget
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument
from views.common.rows import RowFilterProxy, row_table, selected_row, table_page
from views.common.widgets import elided_label, plain_label

#: the checklist's height: as tall as the title, the goal, the buttons and the source beside it
CHECKLIST_HEIGHT = 112
#: how long a message stays in the window's status bar
MESSAGE_MS = 6000

EMPTY_TEXT = (
    "No audit data yet. Two ways to start:\n\n"
    "•  Import log… reads a work-item log, one row per status change (item, timestamp, from, to), from a "
    "CSV, an Excel sheet or a Jira search saved as JSON with expand=changelog. You then map each status to "
    "its department and to active, queue or done time.\n\n"
    "•  No log? Edit the stage map with the stages work goes through, then Track stalls by hand: for a "
    "few items, note when each entered and left each stage. The same figures come out.\n\n"
    "The page then shows the wait at every handoff between departments (the silo tax), flow efficiency, "
    "flow time, and proposes the handoff to attack first."
)


@dataclass(frozen=True)
class AuditSnapshot:
    """What the page shows, loaded off the GUI thread."""

    plan_id: int
    stage_map: dict[str, Stage]
    active: store.ImportInfo | None
    stalls: list[store.StallInfo]
    choice: store.BottleneckChoice | None
    choice_milestone: str | None
    checklist: list[ChecklistItem]
    result: AuditResult | None
    error: str | None
    tz: tzinfo | None
    imports: int = 0
    used: dict[str, int] = field(default_factory=dict)
    #: what the analysis depends on; an unchanged key reuses the previous result
    data_key: tuple = ()
    #: the plan's cost of delay, and the silo tax in money when it has one
    cost: CostOfDelay | None = None
    money: SiloMoney | None = None
    scenarios: tuple[Scenario, ...] = ()


def load_snapshot(ws, plan_id: int, *, previous: AuditSnapshot | None = None,
                  warm_charts: bool = True) -> AuditSnapshot:
    """Everything the Audit page needs, in one go (runs in a worker).

    The analysis (about a second for 100,000 rows) is reused from *previous*
    when the log, the stalls, the stage map and the time zone are unchanged,
    so an edit elsewhere in the plan does not analyse the log again."""
    stage_map = store.get_stage_map(ws, plan_id)
    imports = store.list_imports(ws, plan_id)
    stalls = store.list_stalls(ws, plan_id)
    choice = store.get_choice(ws, plan_id)
    tz = store.plan_timezone(ws, plan_id)
    milestone = None
    if choice is not None and choice.milestone_id is not None:
        m = next((m for m in list_milestones(ws, plan_id) if m.id == choice.milestone_id), None)
        if m is not None:
            milestone = f"Milestone '{m.title}', due {m.due:%d %b %Y}, {m.status}"
    key = (plan_id, imports[0].id if imports else None, tuple(stalls), tuple(stage_map.items()), str(tz))
    if previous is not None and previous.data_key == key:
        result, error = previous.result, previous.error
    else:
        result, error = None, None
        try:
            result = store.analyse_plan(ws, plan_id)
        except store.AuditError as exc:
            error = str(exc)
    if result is not None and warm_charts:
        prewarm()
    used: dict[str, int] = {}
    if result is not None:
        for s in result.statuses:
            used[s.status] = s.visits
    cost = get_cost_of_delay(ws, plan_id)
    money = None
    if cost is not None and result is not None:
        if previous is not None and previous.data_key == key and previous.cost == cost:
            money = previous.money
        else:
            try:
                money = plan_silo_money(ws, plan_id)
            except store.AuditError:
                money = None
    return AuditSnapshot(plan_id, stage_map, imports[0] if imports else None, stalls, choice, milestone,
                         store.audit_checklist(ws, plan_id), result, error, tz, len(imports), used, key,
                         cost, money, tuple(list_scenarios(ws, plan_id)))


def _pct(x: float | None) -> str:
    """A share as a whole percentage, rounded half up as people do (5/8 → 63 %)."""
    if x is None:
        return "–"
    return f"{Decimal(repr(100 * x)).quantize(Decimal(1), ROUND_HALF_UP)} %"


def _days(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def money_text(amount: float, currency: str) -> str:
    """An amount of money as people read it on a slide: whole units, grouped."""
    return f"{amount:,.0f} {currency}"


def money_tooltip(money: SiloMoney) -> str:
    """How the amount adds up, by item type."""
    lines = ["Σ over items of silo-tax days × cost of delay per week ÷ 7:"]
    for part in money.by_type:
        name = part.item_type if part.item_type is not None else "every other item"
        lines.append(f"{name}: {_days(part.silo_tax_days)} days × {money_text(part.per_week, money.currency)} "
                     f"a week ÷ 7 = {money_text(part.amount, money.currency)}")
    return "\n".join(lines)


def merge_suggestion(snap: AuditSnapshot | None) -> tuple[str, ...]:
    """The departments the what-if merges first: the chosen handoff's, else the proposed one's."""
    if snap is None:
        return ()
    pair = None
    if snap.choice is not None:
        pair = (snap.choice.from_department, snap.choice.to_department)
    else:
        h = proposed_handoff(snap.result)
        if h is not None:
            pair = (h.from_department, h.to_department)
    return tuple(d for d in pair or () if d != INTAKE)


def departments_in_flow(stage_map) -> list[str]:
    """The departments of the active and queue statuses, in the stage map's order."""
    return list(dict.fromkeys(s.department for s in stage_map.values() if s.kind != "done" and s.department))


def proposed_handoff(result: AuditResult | None) -> HandoffFigure | None:
    """The handoff to attack first: the silo handoff with the most waiting."""
    if result is None:
        return None
    return next((h for h in result.handoffs if h.is_silo), None)


class AuditPage(QWidget):
    #: Emitted each time the page has applied freshly loaded data.
    refreshed = Signal()
    #: a sentence for the window's status bar after something the user did or waited for
    #: ("Imported …", "Figures updated: …", "Forecast ready: …"), and how long to show it (ms)
    statusMessage = Signal(str, int)

    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._today = today
        self.tasks = tasks
        self.snapshot: AuditSnapshot | None = None
        self._generation = 0
        self._loading = False
        self._had_result = False
        self.wizard = None

        # --- header
        heading = plain_label("1 · Audit bottlenecks", wrap=False, name="pageTitle")
        # one line each, whatever they say (the whole text in their tooltip): the tabs never move
        self.phase_label = elided_label()
        self.import_button = QPushButton("Import log…")
        self.import_button.setToolTip("CSV, Excel .xlsx or a Jira JSON export; replaces the active log (undoable)")
        self.import_button.clicked.connect(self.open_import)
        self.stage_button = QPushButton("Edit stage map…")
        self.stage_button.clicked.connect(self.edit_stage_map)
        self.stall_button = QPushButton("Track stalls by hand…")
        self.stall_button.clicked.connect(self.track_stall)
        self.cost_button = QPushButton("Cost of delay…")
        self.cost_button.setToolTip("What one item waiting one week costs: shows the silo tax in money (undoable)")
        self.cost_button.clicked.connect(self.edit_cost_of_delay)
        buttons = QHBoxLayout()
        for b in (self.import_button, self.stage_button, self.stall_button, self.cost_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.source_label = elided_label(name="muted")
        self.checklist = ChecklistWidget("Step 1 checklist", height=CHECKLIST_HEIGHT)
        self.checklist.setMaximumWidth(430)
        left = QVBoxLayout()
        left.addWidget(heading)
        left.addWidget(self.phase_label)
        left.addLayout(buttons)
        left.addWidget(self.source_label)
        left.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(left, 3)
        header.addWidget(self.checklist, 2)

        # --- empty state and errors
        self.empty_label = plain_label(EMPTY_TEXT, name="emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label.setContentsMargins(6, 10, 6, 10)
        self.error_label = error_label()

        # --- headline figures and the proposal
        self.silo_figure = Figure("Silo tax")
        self.money_label = plain_label(wrap=False)
        self.money_label.setStyleSheet("font-weight:bold;")
        self.silo_figure.layout().insertWidget(2, self.money_label)
        self.efficiency_figure = Figure("Flow efficiency")
        self.flow_time_figure = Figure("Flow time")
        self.attack_box = AttackBox()
        self.attack_label, self.attack_button = self.attack_box.label, self.attack_box.button
        self.attack_button.clicked.connect(self.attack_proposed)
        self.figures_row = figures_row((self.silo_figure, self.efficiency_figure, self.flow_time_figure),
                                       self.attack_box)

        # --- tables and charts
        self.handoff_model = HandoffFigureModel(self)
        self.handoff_proxy, self.handoff_table = figure_table(self.handoff_model, self, "total_days")
        self.status_model = StatusFigureModel(self)
        self.status_proxy, self.status_table = figure_table(self.status_model, self, "total_days")
        self.stall_model = StallTableModel(edit=self._edit_stall, parent=self)
        self.stall_proxy = RowFilterProxy(self)
        self.stall_table = row_table(self.stall_model, self.stall_proxy, "audit_stall_table",
                                     on_delete=self.delete_selected_stall)
        self.stall_table.setItemDelegate(StallDelegate(self.stall_table))
        self.stall_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.stall_table.sortByColumn(self.stall_model.column_index("entered"), Qt.SortOrder.AscendingOrder)
        self.add_stall_button = QPushButton("Add stall…")
        self.add_stall_button.clicked.connect(self.track_stall)
        self.delete_stall_button = QPushButton("Delete")
        self.delete_stall_button.clicked.connect(self.delete_selected_stall)
        self.stall_note = plain_label("Stalls tracked by hand count alongside the imported log. Double-click a "
                                      "cell to edit it.", name="muted")
        stall_box = table_page(self.stall_table, (self.stall_note, self.add_stall_button, self.delete_stall_button))
        stall_box.layout().setContentsMargins(4, 4, 4, 4)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.handoff_table, "Handoffs")
        self.tabs.addTab(self.status_table, "Statuses")
        self.charts: dict[str, AuditChart] = {}
        for key, title, draw in CHARTS:
            chart = AuditChart(key, draw)
            self.charts[key] = chart
            self.tabs.addTab(chart, title)
        self.log_cache = PlanLogCache()
        self.forecast_tab = ForecastTab(self.log_cache, tasks)
        self.ageing_tab = AgeingTab(self.log_cache, tasks)
        self.whatif_tab = WhatIfTab(self.log_cache, tasks, doc)
        self.log_tabs: tuple[LogTab, ...] = (self.forecast_tab, self.ageing_tab, self.whatif_tab)
        for tab, title in zip(self.log_tabs, ("Forecast", "Ageing work", "What-if squad")):
            self.tabs.addTab(tab, title)
            tab.message.connect(lambda text: self.statusMessage.emit(text, MESSAGE_MS))
        self.stall_tab = self.tabs.addTab(stall_box, "Tracked by hand")
        self._finding_tabs = list(range(self.stall_tab))

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.error_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.figures_row)
        layout.addWidget(self.tabs, 1)

        self.refresher = ScopedRefresh(self, doc, ("audit", "plan"), self.refresh)  # it shows Step 1's milestones
        self._show(None)

    # ----------------------------------------------------------------- loading
    def schedule_refresh(self) -> None:
        self.refresher.schedule()

    @property
    def loading(self) -> bool:
        return self._loading

    def refresh(self) -> None:
        plan = self.doc.plan()
        self._update_phase(plan)
        writable = plan is not None and not self.doc.read_only
        for b in (self.import_button, self.stage_button, self.stall_button, self.cost_button,
                  self.add_stall_button, self.delete_stall_button):
            b.setEnabled(writable)
        self._generation += 1
        generation = self._generation
        if plan is None:
            self._set_loading(False)  # a load still on its way is dropped
            self.snapshot = None
            self._show(None)
            self.refreshed.emit()
            return
        ws, plan_id = self.doc.ws, plan.id
        self._set_loading(True)
        previous = self.snapshot
        if self.tasks is None:  # no runner (a bare page in a test): load here
            self._apply(generation, load_snapshot(ws, plan_id, previous=previous, warm_charts=False))
            return
        self.tasks.run("Analysing the log…", lambda _p: load_snapshot(ws, plan_id, previous=previous),
                       show_dialog=False,
                       on_done=lambda snap: self._apply(generation, snap),
                       on_error=lambda msg: self._failed(generation, msg))

    def _update_phase(self, plan) -> None:
        if plan is None:
            self.phase_label.setText("")
            return
        phase = next((p for p in list_phases(self.doc.ws, plan.id) if p.step == "audit"), None)
        ms = [m for m in list_milestones(self.doc.ws, plan.id) if m.step == "audit"]
        if phase is None:
            self.phase_label.setText("")
            return
        done = sum(m.status == "done" for m in ms)
        self.phase_label.setText(f"{phase.start:%d %b} → {phase.end:%d %b %Y}   ·   {done} of {len(ms)} "
                                 f"milestones done   ·   Goal: {phase.goal or '(none yet)'}")

    def _set_loading(self, loading: bool) -> None:
        """The page is analysing the log in the background: a busy cursor over it (the
        window stays usable), the arrow again when the figures are shown."""
        self._loading = loading
        if loading:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.error_label.setText(f"The audit figures could not be computed: {message}")
        self.error_label.setVisible(True)
        self.refreshed.emit()

    def _apply(self, generation: int, snap: AuditSnapshot) -> None:
        if generation != self._generation:
            return  # an older load; a newer one is on its way
        self._set_loading(False)
        previous, self.snapshot = self.snapshot, snap
        self._show(snap)
        if previous is not None and previous.plan_id == snap.plan_id and previous.data_key != snap.data_key:
            self.statusMessage.emit(updated_text(snap), MESSAGE_MS)
        self.refreshed.emit()

    # ----------------------------------------------------------------- showing
    def _show(self, snap: AuditSnapshot | None) -> None:
        result = snap.result if snap else None
        has_result = result is not None
        self.empty_label.setVisible(snap is not None and not has_result and snap.error is None)
        self.figures_row.setVisible(has_result)
        for i in self._finding_tabs:
            self.tabs.setTabVisible(i, has_result)
        if not has_result:
            self.tabs.setCurrentIndex(self.stall_tab)
        elif not self._had_result:
            self.tabs.setCurrentIndex(0)  # the first findings: show the handoffs
        self._had_result = has_result
        self.error_label.setVisible(bool(snap and snap.error))
        self.error_label.setText((snap.error + ". Use Edit stage map… to map them.") if snap and snap.error else "")
        self.checklist.set_items(snap.checklist if snap else [])
        self.checklist.setVisible(snap is not None)
        self.source_label.setText(self._source_text(snap))
        stages = list(snap.stage_map.values()) if snap else []
        stall_stages = [s.status for s in stages if s.kind != "done"]
        self.stall_model.set_rows(snap.stalls if snap else [], stall_stages,
                                  editable=not self.doc.read_only, tz=snap.tz if snap else None)
        self.tabs.setTabText(self.stall_tab, f"Tracked by hand ({len(snap.stalls)})" if snap and snap.stalls
                             else "Tracked by hand")
        self.handoff_model.set_rows(result.handoffs if result else [])
        self.status_model.set_rows(result.statuses if result else [])
        chart_stages = store.analysis_stages(snap.stage_map) if snap else {}
        for chart in self.charts.values():
            chart.set_result(result, chart_stages)
        plan = self.doc.plan() if snap is not None else None
        for tab in self.log_tabs:
            tab.set_source(self.doc.ws, plan, snap.data_key if has_result else None)
        self.whatif_tab.set_context(departments_in_flow(snap.stage_map) if snap else [],
                                    snap.scenarios if snap else (), merge_suggestion(snap),
                                    not self.doc.read_only and snap is not None)
        if has_result:
            self._show_figures(result)
            self._show_money(snap)
        self._show_attack(snap)

    def _source_text(self, snap: AuditSnapshot | None) -> str:
        """Where the figures come from, on one line: their moment first, then the log,
        the stalls and the stage map."""
        if snap is None:
            return ""
        parts = []
        if snap.result is not None:
            as_of = snap.result.as_of.astimezone(snap.tz)
            parts.append(f"Figures as of {as_of:%d %b %Y %H:%M}, the latest event (open items count up to then)")
        if snap.active is not None:
            a = snap.active
            parts.append(f"Log: {Path(a.source).name}, {a.row_count:,} rows, imported {a.imported_at:%d %b %Y %H:%M}"
                         + (f" ({snap.imports - 1} earlier import{'s' if snap.imports > 2 else ''} kept for undo)"
                            if snap.imports > 1 else ""))
        if snap.stalls:
            parts.append(f"{len(snap.stalls)} stall{'s' if len(snap.stalls) != 1 else ''} tracked by hand")
        if snap.stage_map:
            parts.append(f"Stage map: {len(snap.stage_map)} statuses")
        return "  ·  ".join(parts)

    def _show_figures(self, r: AuditResult) -> None:
        flow_total = r.active_days + r.queue_days
        self.silo_figure.set(
            f"{_days(r.silo_tax_days)} days",
            f"{_pct(r.silo_tax_share)} of the time in the flow was spent waiting between departments.")
        self.efficiency_figure.set(
            _pct(r.flow_efficiency),
            f"Worked on {_days(r.active_days)} of {_days(flow_total)} days in the flow; the rest was waiting.")
        if r.completed:
            self.flow_time_figure.set(
                f"{_days(r.flow_time_median)} d · {_days(r.flow_time_p85)} d",
                f"Median · 85th percentile, over the {r.completed:,} of {r.items:,} items that finished.")
        else:
            self.flow_time_figure.set("–", f"None of the {r.items:,} items has finished yet.")

    def _show_money(self, snap: AuditSnapshot) -> None:
        money = snap.money
        self.money_label.setVisible(money is not None)
        if money is None:
            self.money_label.setText("")
            self.silo_figure.setToolTip("Set a cost of delay (Cost of delay…) to see the silo tax in money.")
            return
        self.money_label.setText(f"{money_text(money.amount, money.currency)} of delay")
        self.silo_figure.setToolTip(money_tooltip(money))

    def _show_attack(self, snap: AuditSnapshot | None) -> None:
        proposal = proposed_handoff(snap.result if snap else None)
        choice = snap.choice if snap else None
        lines = []
        if choice is not None:
            lines.append(f"Chosen on {choice.chosen_on:%d %b %Y}: the {choice.from_department} → "
                         f"{choice.to_department} handoff.")
            if snap.choice_milestone:
                lines.append(snap.choice_milestone + ".")
        if proposal is not None:
            same = choice is not None and (choice.from_department, choice.to_department) == (
                proposal.from_department, proposal.to_department)
            if not same:
                r = snap.result
                share = proposal.total_days / r.silo_tax_days if r.silo_tax_days else None
                lines.append(
                    ("Biggest handoff now: " if choice is not None else "Proposed: ")
                    + f"{proposal.from_department} → {proposal.to_department}. {proposal.items:,} "
                    f"item{'s' if proposal.items != 1 else ''} waited "
                    f"{_days(proposal.total_days)} days in all (median {_days(proposal.median_days)} d, 85 % "
                    f"within {_days(proposal.p85_days)} d): {_pct(share)} of the silo tax.")
            self.attack_button.setText("Attack this instead" if choice is not None else "Attack this")
            self.attack_button.setVisible(not same)
        else:
            self.attack_button.setVisible(False)
            if snap is not None and snap.result is not None:
                lines.append("No item waited between two departments yet, so there is no handoff to propose.")
        self.attack_button.setEnabled(not self.doc.read_only)
        self.attack_label.setText("\n".join(lines))
        self.proposal = proposal

    # ----------------------------------------------------------------- actions
    def plan_id(self) -> int | None:
        return self.doc.plan_id

    def open_import(self):
        """Open the import wizard (window-modal); returns it so tests can drive it."""
        plan_id = self.plan_id()
        if plan_id is None or self.doc.read_only:
            return None
        old = self.wizard
        if old is not None and not old.busy:
            old.deleteLater()  # kept until now: a worker of a closed wizard may still report to it
        wizard = open_import_wizard(self.doc, plan_id, self.tasks, self, self._today)
        wizard.imported.connect(lambda stored: self.statusMessage.emit(
            f"Imported {Path(stored.info.source).name}: {stored.info.row_count:,} transitions. "
            "Edit ▸ Undo takes the import back.", MESSAGE_MS))
        wizard.open()
        self.wizard = wizard
        return wizard

    def edit_stage_map(self) -> bool:
        plan_id = self.plan_id()
        if plan_id is None or self.doc.read_only:
            return False
        stages = store.get_stage_map(self.doc.ws, plan_id)
        used = self.snapshot.used if self.snapshot and self.snapshot.plan_id == plan_id else {}
        dialog = self.make_stage_map_dialog(list(stages.values()), used)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.changed():
            return False
        return self.doc.execute(edit_stage_map(self.doc, plan_id, dialog.stages()))

    def make_stage_map_dialog(self, stages, used) -> StageMapDialog:
        return StageMapDialog(stages, used, self)

    def track_stall(self) -> bool:
        plan_id = self.plan_id()
        if plan_id is None or self.doc.read_only:
            return False
        self.tabs.setCurrentIndex(self.stall_tab)
        stages = [s.status for s in store.get_stage_map(self.doc.ws, plan_id).values() if s.kind != "done"]
        if not stages:
            QMessageBox.information(
                self, "Track stalls by hand",
                "First list the stages work goes through, with their department and kind, in Edit stage map…")
            return False
        tz = self.snapshot.tz if self.snapshot else None
        dialog = self.make_stall_dialog(stages, tz)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.doc.execute(add_stall(self.doc, plan_id, dialog.values()))

    def make_stall_dialog(self, stages, tz) -> AddStallDialog:
        now = datetime.combine(self._today(), datetime.now().time()).astimezone()
        return AddStallDialog(stages, now, tz, self)

    def _edit_stall(self, stall_id: int, key: str, value) -> bool:
        title = next(c.title for c in self.stall_model.columns if c.key == key)
        return self.doc.execute(edit_stall(self.doc, stall_id, {key: value}, f"Edit stall {title.lower()}"))

    def selected_stall(self) -> store.StallInfo | None:
        return selected_row(self.stall_table)

    def delete_selected_stall(self) -> bool:
        stall = self.selected_stall()
        if stall is None or self.doc.read_only:
            return False
        return self.doc.execute(delete_stall(self.doc, stall.id, stall.item))

    def edit_cost_of_delay(self) -> bool | None:
        """Open the cost-of-delay dialog, offering the log's item types (read in the
        background first when the tabs have not read the log yet); None while reading."""
        plan_id = self.plan_id()
        if plan_id is None or self.doc.read_only:
            return False
        snap = self.snapshot
        key = snap.data_key if snap is not None and snap.result is not None else None
        if key is None:
            return self._edit_cost(plan_id, ())
        loaded = self.log_cache.cached(key) if self.log_cache.has(key) else None
        if loaded is not None or self.tasks is None:
            if loaded is None:
                loaded = self._load_quietly(plan_id, key)
            return self._edit_cost(plan_id, loaded.types if loaded else ())
        ws, cache = self.doc.ws, self.log_cache
        self.cost_button.setEnabled(False)

        def opened(loaded) -> None:
            self.cost_button.setEnabled(not self.doc.read_only)
            self._edit_cost(plan_id, loaded.types if loaded else ())

        def failed(_message: str) -> None:
            self.cost_button.setEnabled(not self.doc.read_only)
            self._edit_cost(plan_id, ())

        self.tasks.run("Reading the log's item types…", lambda _p: cache.load(ws, plan_id, key),
                       show_dialog=False, on_done=opened, on_error=failed)
        return None

    def _load_quietly(self, plan_id: int, key):
        try:
            return self.log_cache.load(self.doc.ws, plan_id, key)
        except store.AuditError:
            return None

    def _edit_cost(self, plan_id: int, types) -> bool:
        current = get_cost_of_delay(self.doc.ws, plan_id)
        dialog = self.make_cost_dialog(current, types)
        outcome = dialog.exec()
        if outcome == CostOfDelayDialog.REMOVE:
            return self.doc.execute(set_cost_of_delay(self.doc, plan_id, None))
        if outcome != QDialog.DialogCode.Accepted:
            return False
        cost = dialog.cost()
        if cost == current:
            return False
        return self.doc.execute(set_cost_of_delay(self.doc, plan_id, cost))

    def make_cost_dialog(self, cost: CostOfDelay | None, types) -> CostOfDelayDialog:
        return CostOfDelayDialog(cost, types, self)

    def attack_proposed(self) -> bool:
        """Record the proposed handoff as the bottleneck and add its milestone inside the Audit
        step; when the step is already over, ask before extending it to hold the milestone."""
        plan_id = self.plan_id()
        if plan_id is None or self.proposal is None or self.doc.read_only:
            return False
        h, today = self.proposal, self._today()
        where = store.attack_plan(self.doc.ws, plan_id, today)
        if where.extend_to is not None:
            answer = QMessageBox.question(
                self, "Attack this",
                f"The Audit step ended on {where.step_end:%d %b %Y}. The milestone \"{store.attack_title(h.from_department, h.to_department)}\" "
                f"would be due on {where.due:%d %b %Y}.\n\nExtend the Audit step to {where.extend_to:%d %b %Y} "
                "to hold it? Edit ▸ Undo takes both back.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        ok = self.doc.execute(choose_bottleneck(self.doc, plan_id, h.from_department, h.to_department, today,
                                                extend_step=where.extend_to is not None))
        if ok:
            self.statusMessage.emit(attack_text(h.from_department, h.to_department, where), MESSAGE_MS)
        return ok


def attack_text(from_department: str, to_department: str, where: store.AttackPlan) -> str:
    """The status bar's line after "Attack this"."""
    text = f"{store.attack_title(from_department, to_department)}: a Step-1 milestone due {where.due:%d %b %Y}"
    if where.extend_to is not None:
        text += f"; the Audit step now ends on {where.extend_to:%d %b %Y}"
    elif where.due == where.step_end:
        text += ", the Audit step's last day"
    return text + (" (baselined)" if where.baselined else "") + "."


def updated_text(snap: AuditSnapshot) -> str:
    """The status bar's line once new figures are shown."""
    r = snap.result
    if r is None:
        return "Audit figures cleared: no log and no stalls tracked by hand." if snap.error is None \
            else "The audit figures could not be computed."
    return (f"Audit figures updated: silo tax {_days(r.silo_tax_days)} days, flow efficiency "
            f"{_pct(r.flow_efficiency)}, {r.items:,} items.")
