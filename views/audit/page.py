"""Step 1, Audit bottlenecks: import a work-item log (or track stalls by hand),
see where work waits between departments (the silo tax) and choose the handoff
to attack first.

Everything the page shows is loaded in a worker (``load_snapshot``: the
analysis of a 100,000-row log takes about a second), then applied on the GUI
thread; charts draw only when their tab is visible.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.audit import store
from models.audit.analysis import AuditResult, HandoffFigure, Stage
from models.plan.service import list_milestones, list_phases
from models.core.feature import ChecklistItem
from views.audit.charts import CHARTS, AuditChart, prewarm
from views.audit.commands import AddStall, ChooseBottleneck, DeleteStall, EditStall, SetStageMap
from views.audit.dialogs import AddStallDialog, StageMapDialog
from views.audit.importer import open_import_wizard
from views.audit.tables import (
    HandoffFigureModel,
    SortProxy,
    StallDelegate,
    StallTableModel,
    StatusFigureModel,
)
from views.common.checklist import ChecklistWidget
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument

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
STALL_COLUMN = {c.key: i for i, c in enumerate(StallTableModel.COLUMNS)}


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
    return AuditSnapshot(plan_id, stage_map, imports[0] if imports else None, stalls, choice, milestone,
                         store.audit_checklist(ws, plan_id), result, error, tz, len(imports), used, key)


def _pct(x: float | None) -> str:
    """A share as a whole percentage, rounded half up as people do (5/8 → 63 %)."""
    if x is None:
        return "–"
    return f"{Decimal(repr(100 * x)).quantize(Decimal(1), ROUND_HALF_UP)} %"


def _days(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


class Figure(QFrame):
    """A headline number with a caption."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("checklist")  # the same light panel as the checklist
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.title.setObjectName("muted")
        self.value = QLabel("–")
        self.value.setTextFormat(Qt.TextFormat.PlainText)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.caption, 1)

    def set(self, value: str, caption: str) -> None:
        self.value.setText(value)
        self.caption.setText(caption)


def proposed_handoff(result: AuditResult | None) -> HandoffFigure | None:
    """The handoff to attack first: the silo handoff with the most waiting."""
    if result is None:
        return None
    return next((h for h in result.handoffs if h.is_silo), None)


class AuditPage(QWidget):
    #: Emitted each time the page has applied freshly loaded data.
    refreshed = Signal()

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
        heading = QLabel("1 · Audit bottlenecks")
        heading.setObjectName("pageTitle")
        self.phase_label = QLabel()
        self.phase_label.setTextFormat(Qt.TextFormat.PlainText)
        self.phase_label.setWordWrap(True)
        self.import_button = QPushButton("Import log…")
        self.import_button.setToolTip("CSV, Excel .xlsx or a Jira JSON export; replaces the active log (undoable)")
        self.import_button.clicked.connect(self.open_import)
        self.stage_button = QPushButton("Edit stage map…")
        self.stage_button.clicked.connect(self.edit_stage_map)
        self.stall_button = QPushButton("Track stalls by hand…")
        self.stall_button.clicked.connect(self.track_stall)
        buttons = QHBoxLayout()
        for b in (self.import_button, self.stage_button, self.stall_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.source_label = QLabel()
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        self.source_label.setWordWrap(True)
        self.source_label.setObjectName("muted")
        self.checklist = ChecklistWidget("Step 1 checklist")
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
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label.setContentsMargins(6, 10, 6, 10)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color:#b71c1c;")

        # --- headline figures and the proposal
        self.silo_figure = Figure("Silo tax")
        self.efficiency_figure = Figure("Flow efficiency")
        self.flow_time_figure = Figure("Flow time")
        self.attack_box = QFrame()
        self.attack_box.setObjectName("checklist")
        self.attack_box.setFrameShape(QFrame.Shape.StyledPanel)
        attack_title = QLabel("Attack first")
        attack_title.setObjectName("muted")
        self.attack_label = QLabel()
        self.attack_label.setTextFormat(Qt.TextFormat.PlainText)
        self.attack_label.setWordWrap(True)
        self.attack_button = QPushButton("Attack this")
        self.attack_button.setToolTip("Record this handoff as the bottleneck to attack and add a Step-1 milestone")
        self.attack_button.clicked.connect(self.attack_proposed)
        al = QGridLayout(self.attack_box)
        al.setContentsMargins(10, 6, 10, 6)
        al.addWidget(attack_title, 0, 0)
        al.addWidget(self.attack_label, 1, 0)
        al.addWidget(self.attack_button, 1, 1, Qt.AlignmentFlag.AlignBottom)
        al.setColumnStretch(0, 1)
        figures = QHBoxLayout()
        figures.addWidget(self.silo_figure, 2)
        figures.addWidget(self.efficiency_figure, 2)
        figures.addWidget(self.flow_time_figure, 2)
        figures.addWidget(self.attack_box, 4)
        self.figures_row = QWidget()
        self.figures_row.setLayout(figures)
        figures.setContentsMargins(0, 0, 0, 0)

        # --- tables and charts
        self.handoff_model = HandoffFigureModel(self)
        self.handoff_proxy = SortProxy(self.handoff_model, self)
        self.handoff_table = self._table(self.handoff_proxy)
        self.status_model = StatusFigureModel(self)
        self.status_proxy = SortProxy(self.status_model, self)
        self.status_table = self._table(self.status_proxy)
        self.stall_model = StallTableModel(edit=self._edit_stall, parent=self)
        self.stall_proxy = SortProxy(self.stall_model, self)
        self.stall_table = self._table(self.stall_proxy, (200, 170, 130, 130, 70, 200))
        self.stall_table.setItemDelegate(StallDelegate(self.stall_model, self.stall_table))
        self.stall_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.stall_table.sortByColumn(STALL_COLUMN["entered"], Qt.SortOrder.AscendingOrder)
        self.add_stall_button = QPushButton("Add stall…")
        self.add_stall_button.clicked.connect(self.track_stall)
        self.delete_stall_button = QPushButton("Delete")
        self.delete_stall_button.clicked.connect(self.delete_selected_stall)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.stall_table, self.delete_selected_stall,
                  context=Qt.ShortcutContext.WidgetShortcut)
        stall_tools = QHBoxLayout()
        self.stall_note = QLabel("Stalls tracked by hand count alongside the imported log. Double-click a cell "
                                 "to edit it.")
        self.stall_note.setObjectName("muted")
        self.stall_note.setWordWrap(True)
        stall_tools.addWidget(self.stall_note, 1)
        stall_tools.addWidget(self.add_stall_button)
        stall_tools.addWidget(self.delete_stall_button)
        stall_box = QWidget()
        sl = QVBoxLayout(stall_box)
        sl.setContentsMargins(4, 4, 4, 4)
        sl.addLayout(stall_tools)
        sl.addWidget(self.stall_table, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.handoff_table, "Handoffs")
        self.tabs.addTab(self.status_table, "Statuses")
        self.charts: dict[str, AuditChart] = {}
        for key, title, draw in CHARTS:
            chart = AuditChart(key, draw)
            self.charts[key] = chart
            self.tabs.addTab(chart, title)
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

    def _table(self, proxy, widths=None) -> QTableView:
        table = QTableView()
        table.setModel(proxy)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        hh = table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if widths is None:  # figures: names share the spare width, numbers keep theirs
            hh.setStretchLastSection(False)
            for col, c in enumerate(proxy.sourceModel().COLUMNS):
                if c.numeric:
                    table.setColumnWidth(col, 108)
                elif c.key in ("kind", "silo"):
                    table.setColumnWidth(col, 90)
                else:
                    hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        else:
            hh.setStretchLastSection(True)
            for col, width in enumerate(widths):
                table.setColumnWidth(col, width)
        table.sortByColumn(proxy.sourceModel().COLUMNS.index(
            next(c for c in proxy.sourceModel().COLUMNS if c.key in ("total_days", "entered"))),
            Qt.SortOrder.DescendingOrder)
        return table

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
        for b in (self.import_button, self.stage_button, self.stall_button, self.add_stall_button,
                  self.delete_stall_button):
            b.setEnabled(writable)
        self._generation += 1
        generation = self._generation
        if plan is None:
            self.snapshot = None
            self._show(None)
            self.refreshed.emit()
            return
        ws, plan_id = self.doc.ws, plan.id
        self._loading = True
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

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.error_label.setText(f"The audit figures could not be computed: {message}")
        self.error_label.setVisible(True)
        self.refreshed.emit()

    def _apply(self, generation: int, snap: AuditSnapshot) -> None:
        if generation != self._generation:
            return  # an older load; a newer one is on its way
        self._loading = False
        self.snapshot = snap
        self._show(snap)
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
        if has_result:
            self._show_figures(result)
        self._show_attack(snap)

    def _source_text(self, snap: AuditSnapshot | None) -> str:
        if snap is None:
            return ""
        parts = []
        if snap.active is not None:
            a = snap.active
            parts.append(f"Log: {Path(a.source).name}, {a.row_count:,} rows, imported {a.imported_at:%d %b %Y %H:%M}"
                         + (f" ({snap.imports - 1} earlier import{'s' if snap.imports > 2 else ''} kept for undo)"
                            if snap.imports > 1 else ""))
        if snap.stalls:
            parts.append(f"{len(snap.stalls)} stall{'s' if len(snap.stalls) != 1 else ''} tracked by hand")
        if snap.result is not None:
            as_of = snap.result.as_of.astimezone(snap.tz)
            parts.append(f"Figures as of {as_of:%d %b %Y %H:%M} (the latest event; open items count up to then)")
        if snap.stage_map:
            parts.append(f"Stage map: {len(snap.stage_map)} statuses")
        return "  ·  ".join(parts)

    def _show_figures(self, r: AuditResult) -> None:
        flow_total = r.active_days + r.queue_days
        self.silo_figure.set(
            f"{_days(r.silo_tax_days)} days",
            f"{_pct(r.silo_tax_share)} of all time in the flow was spent waiting between two departments.")
        self.efficiency_figure.set(
            _pct(r.flow_efficiency),
            f"Worked on {_days(r.active_days)} of {_days(flow_total)} days in the flow; the rest was waiting.")
        if r.completed:
            self.flow_time_figure.set(
                f"{_days(r.flow_time_median)} d · {_days(r.flow_time_p85)} d",
                f"Median · 85th percentile, over the {r.completed:,} of {r.items:,} items that finished.")
        else:
            self.flow_time_figure.set("–", f"None of the {r.items:,} items has finished yet.")

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
        wizard = open_import_wizard(self.doc, plan_id, self.tasks, self)
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
        return self.doc.execute(SetStageMap(self.doc, plan_id, dialog.stages()))

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
        v = dialog.values()
        return self.doc.execute(AddStall(self.doc, plan_id, v["item"], v["stage"], v["entered"], v["left"],
                                         v["note"]))

    def make_stall_dialog(self, stages, tz) -> AddStallDialog:
        now = datetime.combine(self._today(), datetime.now().time()).astimezone()
        return AddStallDialog(stages, now, tz, self)

    def _edit_stall(self, stall_id: int, key: str, value) -> bool:
        title = next(c.title for c in StallTableModel.COLUMNS if c.key == key)
        return self.doc.execute(EditStall(self.doc, self.plan_id(), stall_id, {key: value},
                                          f"Edit stall {title.lower()}"))

    def selected_stall(self) -> store.StallInfo | None:
        index = self.stall_table.currentIndex()
        if not index.isValid():
            return None
        return self.stall_model.stall(self.stall_proxy.mapToSource(index).row())

    def delete_selected_stall(self) -> bool:
        stall = self.selected_stall()
        if stall is None or self.doc.read_only:
            return False
        return self.doc.execute(DeleteStall(self.doc, stall.id, stall.item))

    def attack_proposed(self) -> bool:
        plan_id = self.plan_id()
        if plan_id is None or self.proposal is None or self.doc.read_only:
            return False
        h = self.proposal
        return self.doc.execute(ChooseBottleneck(self.doc, plan_id, h.from_department, h.to_department,
                                                 self._today()))
