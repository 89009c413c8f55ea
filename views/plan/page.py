"""Overview: day N of 90, the RAG status with its reason, the checklist,
the roadmap timeline and the milestone table (sortable, filterable, edited in place)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.plan.service import MilestoneDraft, list_milestones, list_phases, plan_day
from models.plan.schema import MILESTONE_STATUSES, STEP_NAMES, STEPS
from models.plan.status import plan_checklist, rag_status
from views.common.checklist import ChecklistWidget
from views.plan.commands import AddMilestone, DeleteMilestone, EditMilestone, SetBaseline
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument
from views.plan.milestone_table import (
    COLUMN_INDEX,
    COLUMNS,
    MilestoneDelegate,
    MilestoneFilterProxy,
    MilestoneTableModel,
)
from views.plan.timeline import TimelineCanvas

RAG_STYLE = {
    "red": "background:#c62828; color:white;",
    "amber": "background:#f9a825; color:black;",
    "green": "background:#2e7d32; color:white;",
}


class AddMilestoneDialog(QDialog):
    def __init__(self, default_due: date, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Add milestone")
        form = QFormLayout(self)
        self.title = QLineEdit()
        self.title.setPlaceholderText("What will be true when it is done?")
        self.step = QComboBox()
        for s in STEPS:
            self.step.addItem(STEP_NAMES[s], s)
        self.owner = QLineEdit()
        self.due = QDateEdit(QDate(default_due.year, default_due.month, default_due.day))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        form.addRow("&Title", self.title)
        form.addRow("&Step", self.step)
        form.addRow("&Owner", self.owner)
        form.addRow("&Due", self.due)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setEnabled(False)
        self.title.textChanged.connect(lambda t: self._ok.setEnabled(bool(t.strip())))

    def draft(self) -> MilestoneDraft:
        d = self.due.date()
        return MilestoneDraft(step=self.step.currentData(), title=self.title.text().strip(),
                              owner=self.owner.text().strip(), due=date(d.year(), d.month(), d.day()))


class OverviewPage(QWidget):
    #: Emitted once the timeline has been drawn with the plan's data.
    ready = Signal()

    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._today = today
        self._ready_sent = False

        # --- header
        self.plan_title = QLabel()
        self.plan_title.setObjectName("planTitle")
        self.plan_title.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_meta = QLabel()
        self.plan_meta.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_meta.setObjectName("muted")
        self.day_label = QLabel()
        self.day_label.setObjectName("dayCounter")
        self.rag_badge = QLabel()
        self.rag_badge.setObjectName("ragBadge")
        self.rag_badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rag_reason = QLabel()
        self.rag_reason.setTextFormat(Qt.TextFormat.PlainText)
        self.rag_reason.setWordWrap(True)
        self.checklist = ChecklistWidget("Set-up checklist")

        head_left = QVBoxLayout()
        head_left.addWidget(self.plan_title)
        head_left.addWidget(self.plan_meta)
        counter = QHBoxLayout()
        counter.addWidget(self.day_label)
        counter.addSpacing(16)
        counter.addWidget(self.rag_badge)
        counter.addWidget(self.rag_reason, 1)
        head_left.addLayout(counter)
        head_left.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(head_left, 3)
        header.addWidget(self.checklist, 2)

        # --- timeline
        self.timeline = TimelineCanvas()
        self.timeline.drawn.connect(self._on_timeline_drawn)

        # --- milestone table
        self.model = MilestoneTableModel(edit=self._edit_milestone, parent=self)
        self.proxy = MilestoneFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("milestoneTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(MilestoneDelegate(self.model, self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMN_INDEX["due"], Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for key, width in (("step", 95), ("title", 340), ("owner", 110), ("due", 88), ("baseline_due", 88),
                           ("slip_days", 72), ("status", 140), ("done_date", 88),
                           ("depends_on_id", 200), ("notes", 200)):
            self.table.setColumnWidth(COLUMN_INDEX[key], width)

        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter milestones (title, owner, notes)")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(self.proxy.set_text)
        self.filter_status = QComboBox()
        self.filter_status.addItem("All statuses", None)
        for s in MILESTONE_STATUSES:
            self.filter_status.addItem(s.capitalize(), s)
        self.filter_status.addItem("Overdue", "overdue")
        self.filter_status.currentIndexChanged.connect(
            lambda _i: self.proxy.set_status(self.filter_status.currentData()))
        self.filter_step = QComboBox()
        self.filter_step.addItem("All steps", None)
        for s in STEPS:
            self.filter_step.addItem(STEP_NAMES[s], s)
        self.filter_step.currentIndexChanged.connect(
            lambda _i: self.proxy.set_step(self.filter_step.currentData()))
        self.add_button = QPushButton("Add milestone…")
        self.add_button.clicked.connect(self.add_milestone)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.baseline_button = QPushButton("Set baseline")
        self.baseline_button.setToolTip("Freeze today's due dates; the table then shows slip against them.")
        self.baseline_button.clicked.connect(self.set_baseline)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)

        tools = QHBoxLayout()
        tools.addWidget(QLabel("<b>Milestones</b>"))
        tools.addWidget(self.filter_text, 1)
        tools.addWidget(self.filter_status)
        tools.addWidget(self.filter_step)
        tools.addWidget(self.add_button)
        tools.addWidget(self.delete_button)
        tools.addWidget(self.baseline_button)
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(tools)
        tl.addWidget(self.table)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.timeline)
        splitter.addWidget(table_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.empty_label = QLabel("This workspace holds no plan yet. Choose Plan ▸ New plan… to start one.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)
        self._body = [splitter, self.checklist]

        self.refresher = ScopedRefresh(self, doc, ("plan", "ownership"), self.refresh)

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
            self.rag_badge.setText("")
            self.rag_badge.setStyleSheet("")
            self.rag_reason.setText("")
            self.model.set_rows([], self._today())
            return
        as_of = self._today()
        phases = list_phases(self.doc.ws, plan.id)
        milestones = list_milestones(self.doc.ws, plan.id)
        day = plan_day(plan, as_of)
        days_left = max(0, (plan.end - as_of).days)
        self.plan_title.setText(plan.name)
        meta = [plan.organisation,
                f"Sponsor: {plan.sponsor}" if plan.sponsor else "",
                f"Revenue Architect: {plan.revenue_architect}" if plan.revenue_architect else "No Revenue Architect yet",
                f"{plan.start:%d %b %Y} → {plan.end:%d %b %Y}"]
        self.plan_meta.setText("  ·  ".join(m for m in meta if m))
        if day < 1:
            self.day_label.setText(f"Starts in {1 - day} days")
        elif day > plan.horizon_days:
            self.day_label.setText(f"Finished {day - plan.horizon_days} days ago")
        else:
            self.day_label.setText(f"Day {day} of {plan.horizon_days} · {days_left} days left")
        rag = rag_status(milestones, as_of)
        self.rag_badge.setText(f"  {rag.colour.upper()}  ")
        self.rag_badge.setStyleSheet(RAG_STYLE[rag.colour] + "border-radius:4px; font-weight:bold;")
        self.rag_badge.setToolTip("Red: a blocked milestone is overdue, or more than 20 % of milestones due so far "
                                  "are overdue. Amber: any milestone overdue or blocked. Green: otherwise.")
        self.rag_reason.setText(rag.reason)
        self.checklist.set_items(plan_checklist(self.doc.ws, plan, phases, milestones, self.doc.features))
        self.model.set_rows(milestones, as_of, editable=not self.doc.read_only)
        self.timeline.set_data(plan, phases, milestones, as_of)

    def _on_timeline_drawn(self) -> None:
        if not self._ready_sent and self.model.rowCount() >= 0:
            self._ready_sent = True
            self.ready.emit()

    # ----------------------------------------------------------------- editing
    def _edit_milestone(self, milestone_id: int, key: str, value) -> bool:
        title = next((c.title for c in COLUMNS if c.key == key), key)
        return self.doc.execute(EditMilestone(self.doc, milestone_id, {key: value}, f"Edit {title.lower()}"))

    def selected_milestone(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            index = self.table.currentIndex()
            if not index.isValid():
                return None
            rows = [index]
        return self.model.milestone(self.proxy.mapToSource(rows[0]).row())

    def add_milestone(self) -> None:
        plan = self.doc.plan()
        if plan is None:
            return
        dialog = AddMilestoneDialog(max(self._today(), plan.start) + timedelta(days=7), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.execute(AddMilestone(self.doc, plan.id, dialog.draft()))

    def delete_selected(self) -> None:
        m = self.selected_milestone()
        if m is None or self.doc.read_only:
            return
        self.doc.execute(DeleteMilestone(self.doc, m.id, m.title))

    def set_baseline(self) -> None:
        plan = self.doc.plan()
        if plan is None:
            return
        has_baseline = any(m.baseline_due for m in list_milestones(self.doc.ws, plan.id))
        if has_baseline:
            answer = QMessageBox.question(
                self, "Set baseline",
                "Replace the current baseline with today's due dates? Slip will be measured from them "
                "(Undo restores the old baseline).")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.doc.execute(SetBaseline(self.doc, plan.id))
