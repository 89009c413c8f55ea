"""Overview: day N of 90, the RAG status with its reason, the checklist,
the roadmap timeline and the milestone table (sortable, filterable, edited in place).

The Overview is the first thing a user sees, so this module and what it imports stay
clear of SQLAlchemy: at start-up the page is first built from a ``Glance`` (the plan read
with the standard library, ``models.plan.glance``), painted, and replaced a moment later
by the page of the open workspace. The service calls and edit commands it needs are
imported when used.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.plan.info import MILESTONE_STATUSES, STEP_NAMES, STEPS, MilestoneInfo, PhaseInfo, PlanInfo, plan_day
from models.plan.status import NO_MILESTONES, plan_checklist, rag_status
from views.common.checklist import ChecklistWidget
from views.common.refresh import ScopedRefresh
from views.common.palette import is_dark
from views.common.style import on_scheme_change, resolve
from views.common.widgets import compact_combo, elided_label, plain_label
from views.common.rows import row_table, selected_row
from views.plan.labelled import keyed_combo
from views.plan.recent_changes import RecentChangesWidget
from views.plan.milestone_table import COLUMN_INDEX, MilestoneDelegate, MilestoneFilterProxy, MilestoneTableModel
from views.plan.timeline import TimelineCanvas
from views.plan.widgets import button, no_plan_label, under_tools

if TYPE_CHECKING:
    from models.plan.glance import Glance
    from views.common.document import WorkspaceDocument

#: the badge's ground by rag value (its text is the surface colour: readable in both schemes)
RAG_ROLES = {"red": "danger", "amber": "warning", "green": "ok", NO_MILESTONES: "muted"}
RAG_WORDS = {NO_MILESTONES: "NO MILESTONES"}
RAG_TIP = ("Red: a blocked milestone is overdue, or more than 20 % of milestones due so far are overdue. "
           "Amber: any milestone overdue or blocked. Green: otherwise. Grey: no milestones yet.")
#: the header's height: the checklist scrolls inside it, so nothing under it moves
HEADER_HEIGHT = 132
CHECKLIST_WIDTH = 300
#: lines in the recent changes beside the timeline
RECENT_LINES = 6


def rag_badge_style(rag: str, dark: bool) -> str:
    return (f"background: {resolve(RAG_ROLES[rag], dark)}; color: {resolve('surface', dark)}; "
            "border-radius: 4px; font-weight: bold;")


class OverviewPage(QWidget):
    #: Emitted once the timeline has been drawn with the plan's data.
    ready = Signal()

    def __init__(self, doc: WorkspaceDocument | None, today: Callable[[], date] = date.today, tasks=None,
                 parent=None, *, glance: Glance | None = None):
        """The page of *doc*; or, with *doc* None, a read-only page showing *glance* (start-up)."""
        super().__init__(parent)
        self.doc = doc
        self.glance = glance
        self._today = today
        self._ready_sent = False

        # --- header: title, meta, day and RAG on the left; the checklist at the right, one height
        self.plan_title = elided_label(name="planTitle")
        self.plan_meta = plain_label(name="muted")
        self.day_label = plain_label(wrap=False, name="dayCounter")
        self.rag_badge = QLabel()
        self.rag_badge.setObjectName("ragBadge")
        self.rag_badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rag_badge.setToolTip(RAG_TIP)
        self._rag = NO_MILESTONES
        on_scheme_change(self.rag_badge, lambda badge, dark: badge.setStyleSheet(
            rag_badge_style(self._rag, dark) if badge.text() else ""))
        self.rag_reason = plain_label()
        self.checklist = ChecklistWidget("Set-up checklist", height=HEADER_HEIGHT)
        self.checklist.setFixedWidth(CHECKLIST_WIDTH)

        head_left = QVBoxLayout()
        head_left.setSpacing(2)
        head_left.addWidget(self.plan_title)
        head_left.addWidget(self.plan_meta)
        counter = QHBoxLayout()
        counter.addWidget(self.day_label)
        counter.addSpacing(12)
        counter.addWidget(self.rag_badge, 0, Qt.AlignmentFlag.AlignTop)
        counter.addWidget(self.rag_reason, 1)
        head_left.addLayout(counter)
        head_left.addStretch(1)
        header_box = QWidget()
        header_box.setFixedHeight(HEADER_HEIGHT)
        header = QHBoxLayout(header_box)
        header.setContentsMargins(0, 0, 0, 0)
        header.addLayout(head_left, 1)
        header.addWidget(self.checklist, 0, Qt.AlignmentFlag.AlignTop)

        # --- timeline, and beside it (under the checklist) who changed what lately
        self.timeline = TimelineCanvas()
        self.timeline.drawn.connect(self._on_timeline_drawn)
        self.recent = RecentChangesWidget()
        self.recent.setFixedWidth(CHECKLIST_WIDTH)  # one column with the checklist above it
        top = QWidget()
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(0, 0, 0, 0)
        top_row.addWidget(self.timeline, 1)
        top_row.addWidget(self.recent)

        # --- milestone table
        self.model = MilestoneTableModel(edit=self._edit_milestone, parent=self)
        self.proxy = MilestoneFilterProxy(self)
        self.table = row_table(self.model, self.proxy, "milestoneTable", row_height=26,
                               on_delete=self.delete_selected, stretch="title")
        self.table.setItemDelegate(MilestoneDelegate(self.model, self.table))
        self.table.sortByColumn(COLUMN_INDEX["due"], Qt.SortOrder.AscendingOrder)

        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter milestones (title, owner, notes)")
        self.filter_text.setMinimumWidth(120)
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(self.proxy.set_text)
        self.filter_status = keyed_combo(None, {None: "All statuses", **{s: s.capitalize() for s in MILESTONE_STATUSES},
                                                "overdue": "Overdue"})
        self.filter_status.currentIndexChanged.connect(
            lambda _i: self.proxy.set_status(self.filter_status.currentData()))
        self.filter_step = keyed_combo(None, {None: "All steps", **{s: STEP_NAMES[s] for s in STEPS}})
        compact_combo(self.filter_step, 12)
        self.filter_step.currentIndexChanged.connect(
            lambda _i: self.proxy.set_step(self.filter_step.currentData()))
        self.add_button = button("Add milestone…", self.add_milestone)
        self.delete_button = button("Delete", self.delete_selected)
        self.baseline_button = button("Set baseline", self.set_baseline,
                                      "Freeze today's due dates; the table then shows slip against them.")

        tools = QHBoxLayout()
        tools.addWidget(self.filter_text, 1)
        tools.addWidget(self.filter_status)
        tools.addWidget(self.filter_step)
        tools.addWidget(self.add_button)
        tools.addWidget(self.delete_button)
        tools.addWidget(self.baseline_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(under_tools(tools, self.table))
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([180, 420])
        self.splitter = splitter

        self.empty_label = no_plan_label()
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(header_box)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)
        self._body = [splitter, self.checklist]

        if doc is None:  # a glance: shown as it is, then replaced by the workspace's own page
            self.refresher = None
            for w in (self.add_button, self.delete_button, self.baseline_button):
                w.setEnabled(False)
            self.recent.empty_label.setText("")  # to come with the workspace's own page
            self._show(glance.plan, glance.view.phases, glance.view.milestones, None, editable=False)
        else:
            # every feature: the recent changes list edits made on any page
            self.refresher = ScopedRefresh(self, doc, ("plan", *(f.key for f in doc.features)), self.refresh)

    # ----------------------------------------------------------------- refresh
    def schedule_refresh(self) -> None:
        self.refresher.schedule()

    def refresh(self) -> None:
        plan = self.doc.plan()
        has_plan = plan is not None
        self.empty_label.setVisible(not has_plan)
        for w in self._body:
            w.setVisible(has_plan)
        for w in (self.add_button, self.delete_button, self.baseline_button):
            w.setEnabled(has_plan and not self.doc.read_only)
        if not has_plan:
            self.plan_title.setText("No plan")
            self.plan_meta.setText("")
            self.day_label.setText("")
            self._show_rag(None)
            self.rag_reason.setText("")
            self.model.set_rows([], self._today())
            self.recent.set_changes([])
            return
        from models.plan.service import plan_view

        # one read for the phases, the milestones and the latest changes
        view = plan_view(self.doc.ws, plan.id, recent=RECENT_LINES)
        phases, milestones = view.phases, view.milestones
        checklist = plan_checklist(self.doc.ws, plan, phases, milestones, self.doc.features)
        self._show(plan, phases, milestones, checklist, editable=not self.doc.read_only)
        self.recent.set_changes(view.recent)

    def _show(self, plan: PlanInfo, phases: list[PhaseInfo], milestones: list[MilestoneInfo],
              checklist, *, editable: bool) -> None:
        """Show *plan*; *checklist* None (a glance) leaves the checklist and the timeline
        to the workspace's page, which follows at once."""
        as_of = self._today()
        day = plan_day(plan, as_of)
        days_left = max(0, (plan.end - as_of).days)
        self.plan_title.setText(plan.name)
        meta = [f"{plan.start:%d %b %Y} → {plan.end:%d %b %Y}", plan.organisation,
                f"Sponsor: {plan.sponsor}" if plan.sponsor else "",
                f"Revenue Architect: {plan.revenue_architect}" if plan.revenue_architect else "No Revenue Architect yet"]
        self.plan_meta.setText("  ·  ".join(m for m in meta if m))
        if day < 1:
            self.day_label.setText(f"Starts in {1 - day} days")
        elif day > plan.horizon_days:
            self.day_label.setText(f"Finished {day - plan.horizon_days} days ago")
        else:
            self.day_label.setText(f"Day {day} of {plan.horizon_days} · {days_left} days left")
        rag = rag_status(milestones, as_of)
        self._show_rag(rag.colour)
        self.rag_reason.setText(rag.reason if rag.colour != NO_MILESTONES else
                                "No milestones yet: add one per step to track the plan.")
        self.model.set_rows(milestones, as_of, editable=editable)
        if checklist is None:
            return
        self.checklist.set_items(checklist)
        self.timeline.set_data(plan, phases, milestones, as_of)

    def _show_rag(self, rag: str | None) -> None:
        """The badge for *rag* ("red", "amber", "green" or "none"); None hides it."""
        self._rag = rag or NO_MILESTONES
        self.rag_badge.setText("" if rag is None else f"  {RAG_WORDS.get(rag, rag.upper())}  ")
        self.rag_badge.setVisible(rag is not None)
        self.rag_badge.setStyleSheet(rag_badge_style(rag, is_dark()) if rag is not None else "")

    def _on_timeline_drawn(self) -> None:
        if not self._ready_sent and self.model.rowCount() >= 0:
            self._ready_sent = True
            self.ready.emit()

    # ----------------------------------------------------------------- editing
    def _edit_milestone(self, milestone_id: int, key: str, value) -> bool:
        from views.plan.commands import EditMilestone

        if self.doc is None:
            return False
        title = self.model.columns[COLUMN_INDEX[key]].title
        return self.doc.execute(EditMilestone(self.doc, milestone_id, {key: value}, f"Edit {title.lower()}"))

    def selected_milestone(self):
        return selected_row(self.table)

    def add_milestone(self) -> None:
        from views.plan.commands import AddMilestone
        from views.plan.dialogs import AddMilestoneDialog

        plan = self.doc.plan() if self.doc is not None else None
        if plan is None:
            return
        dialog = AddMilestoneDialog(max(self._today(), plan.start) + timedelta(days=7), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.execute(AddMilestone(self.doc, plan.id, dialog.draft()))

    def delete_selected(self) -> None:
        from views.plan.commands import DeleteMilestone

        m = self.selected_milestone()
        if m is not None and self.doc is not None and not self.doc.read_only:
            self.doc.execute(DeleteMilestone(self.doc, m.id, m.title))

    def set_baseline(self) -> None:
        from views.plan.commands import SetBaseline

        plan = self.doc.plan() if self.doc is not None else None
        if plan is None:
            return
        has_baseline = any(m.baseline_due for m in self.model.rows())
        if has_baseline:
            answer = QMessageBox.question(
                self, "Set baseline",
                "Replace the current baseline with today's due dates? Slip will be measured from them "
                "(Undo restores the old baseline).")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.doc.execute(SetBaseline(self.doc, plan.id))
