"""Step 2, pilot one squad: the step's checklist, the metric headline, role and
autonomy warnings, then tabs for the progress chart, the charter, members,
check-ins, changes shipped and the day-90 review. Every edit is an undo command.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.squad import service as svc
from models.plan.service import list_phases
from models.squad.service import SquadState, format_value, verdict_reason
from views.common.checklist import ChecklistWidget
from views.common.refresh import ScopedRefresh
from views.common.document import WorkspaceDocument
from views.common.widgets import FigureCard, plain_label
from views.squad.chart import SquadChartCanvas
from views.common.rows import RowDelegate, RowFilterProxy, RowTableModel
from views.squad.commands import (
    CreateSquad,
    EditCharter,
    RecordVerdict,
    SetAutonomyGranted,
    add_squad_row,
    delete_squad_row,
    edit_squad_row,
)
from views.squad.dialogs import CharterDialog, RowDialog, VerdictDialog
from views.squad.tables import AutonomyTableModel, ChangeTableModel, CheckInTableModel, MemberTableModel

GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#37474f"
VERDICT_COLOURS = {"expand": GOOD, "iterate": "#b26a00", "stop": BAD}
PAGE_STYLE = """
QLabel#squadName { font-size: 15px; font-weight: bold; }
QLabel#squadWarnings { color: #8d4f00; }
QLabel#verdictBadge { font-size: 18px; font-weight: bold; }
"""







class SquadPage(QWidget):
    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._today = today
        self.state: SquadState | None = None
        self._squad_id: int | None = None
        self._chart_dirty = False
        self.setStyleSheet(PAGE_STYLE)

        # --- header: title, squad, meta, headline cards, warnings | checklist
        title = plain_label("2 · Pilot one squad", wrap=False, name="pageTitle")
        self.picker = QComboBox()
        self.picker.setMinimumWidth(260)
        self.picker.activated.connect(self._on_pick)
        self.picker.setVisible(False)
        title_row = QHBoxLayout()
        title_row.addWidget(title)
        title_row.addStretch(1)
        title_row.addWidget(self.picker)
        self.squad_name = plain_label(name="squadName")
        self.meta = plain_label(name="muted")
        self.cards = {key: FigureCard(caption) for key, caption in (
            ("latest", "Latest"), ("target", "Target"), ("progress", "Progress"), ("forecast", "Forecast"),
            ("on_track", "On track?"), ("rate", "Needed per week"), ("velocity", "Changes per week"),
            ("kept", "Kept"))}
        cards = QGridLayout()
        cards.setSpacing(6)
        for i, card in enumerate(self.cards.values()):
            cards.addWidget(card, i // 4, i % 4)
        self.warnings = plain_label(name="squadWarnings")
        self.cards_hint = plain_label("Give the metric a baseline and a target (Charter ▸ Edit charter…) to see "
                                 "progress, the forecast and the suggested verdict.", name="muted")
        self.checklist = ChecklistWidget("Step 2 checklist")
        self.checklist.setFixedWidth(330)

        head_left = QVBoxLayout()
        head_left.addLayout(title_row)
        head_left.addWidget(self.squad_name)
        head_left.addWidget(self.meta)
        self.cards_box = QWidget()
        self.cards_box.setLayout(cards)
        cards.setContentsMargins(0, 4, 0, 0)
        head_left.addWidget(self.cards_box)
        head_left.addWidget(self.cards_hint)
        head_left.addWidget(self.warnings)
        head_left.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(head_left, 1)
        header.addWidget(self.checklist, 0, Qt.AlignmentFlag.AlignTop)

        # --- empty state
        self.empty_text = plain_label()
        self.setup_button = QPushButton("Set up the squad")
        self.setup_button.clicked.connect(self.set_up_squad)
        empty = QWidget()
        el = QVBoxLayout(empty)
        el.addWidget(self.empty_text)
        row = QHBoxLayout()
        row.addWidget(self.setup_button)
        row.addStretch(1)
        el.addLayout(row)
        el.addStretch(1)

        # --- tabs
        self.tabs = QTabWidget()
        self.chart = SquadChartCanvas()
        self.tabs.addTab(self.chart, "Progress")
        self.tabs.addTab(self._build_charter_tab(), "Charter")
        self.member_model = MemberTableModel(edit=self._row_editor("member"), parent=self)
        self.checkin_model = CheckInTableModel(edit=self._row_editor("checkin"), parent=self)
        self.change_model = ChangeTableModel(edit=self._row_editor("change"), parent=self)
        self.tables: dict[str, QTableView] = {}
        self.proxies: dict[str, RowFilterProxy] = {}
        self.models: dict[str, RowTableModel] = {
            "member": self.member_model, "checkin": self.checkin_model, "change": self.change_model}
        self.add_buttons: dict[str, QPushButton] = {}
        self.edit_buttons: dict[str, QPushButton] = {}
        self.delete_buttons: dict[str, QPushButton] = {}
        self.change_stats = plain_label(name="muted")
        for kind, noun in (("member", "member"), ("checkin", "check-in"), ("change", "change")):
            extra = self.change_stats if kind == "change" else None
            self.tabs.addTab(self._build_rows_tab(kind, noun, extra), "")
        self.tabs.addTab(self._build_review_tab(), "Day-90 review")
        self._tab_index = {"progress": 0, "charter": 1, "member": 2, "checkin": 3, "change": 4, "review": 5}
        self.tabs.currentChanged.connect(lambda _i: self._draw_chart_if_seen())

        self.body = QStackedWidget()
        self.body.addWidget(empty)
        self.body.addWidget(self.tabs)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)

        self.refresher = ScopedRefresh(self, doc, ("squad",), self.refresh)

    # ----------------------------------------------------------------- building
    def _build_charter_tab(self) -> QWidget:
        page = QWidget()
        self.charter_labels = {key: plain_label() for key in ("problem", "metric", "baseline", "target", "reporting")}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in (("problem", "Problem"), ("metric", "Metric"), ("baseline", "Baseline"),
                           ("target", "Target"), ("reporting", "Reports to")):
            form.addRow(f"<b>{label}</b>", self.charter_labels[key])
        self.edit_charter_button = QPushButton("Edit charter…")
        self.edit_charter_button.clicked.connect(self.edit_charter)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.edit_charter_button, 0, Qt.AlignmentFlag.AlignTop)
        self.autonomy_model = AutonomyTableModel(edit=self._grant, parent=self)
        self.autonomy_table = QTableView()
        self.autonomy_table.setModel(self.autonomy_model)
        self.autonomy_table.verticalHeader().setVisible(False)
        self.autonomy_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.autonomy_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.autonomy_table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.autonomy_table.setColumnWidth(1, 110)
        self.autonomy_summary = plain_label(name="muted")
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        auto_head = QHBoxLayout()
        auto_head.addWidget(QLabel("<b>Autonomy</b>"))
        auto_head.addWidget(self.autonomy_summary, 1)
        layout.addLayout(auto_head)
        layout.addWidget(self.autonomy_table, 1)
        return page

    def _build_rows_tab(self, kind: str, noun: str, extra: QWidget | None) -> QWidget:
        model = self.models[kind]
        proxy = RowFilterProxy(self)
        proxy.setSourceModel(model)
        table = QTableView()
        table.setObjectName(f"squad_{kind}_table")
        table.setModel(proxy)
        table.setItemDelegate(RowDelegate(table))
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh = table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for i, col in enumerate(model.columns):
            table.setColumnWidth(i, col.width)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), table, lambda k=kind: self.delete_row(k),
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.tables[kind], self.proxies[kind] = table, proxy

        add = QPushButton(f"Add {noun}…")
        add.clicked.connect(lambda _c=False, k=kind: self.add_row(k))
        edit = QPushButton("Edit…")
        edit.clicked.connect(lambda _c=False, k=kind: self.edit_row(k))
        delete = QPushButton("Delete")
        delete.clicked.connect(lambda _c=False, k=kind: self.delete_row(k))
        self.add_buttons[kind], self.edit_buttons[kind], self.delete_buttons[kind] = add, edit, delete
        tools = QHBoxLayout()
        tools.addWidget(extra if extra is not None else QLabel("Double-click a cell to edit it in place."), 1)
        tools.addWidget(add)
        tools.addWidget(edit)
        tools.addWidget(delete)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(tools)
        layout.addWidget(table, 1)
        return page

    def _build_review_tab(self) -> QWidget:
        page = QWidget()
        self.suggested_badge = plain_label(wrap=False, name="verdictBadge")
        self.suggested_reason = plain_label()
        self.review_when = plain_label(name="muted")
        self.recorded_badge = plain_label(wrap=False, name="verdictBadge")
        self.recorded_rationale = plain_label()
        self.record_button = QPushButton("Record verdict…")
        self.record_button.clicked.connect(self.record_verdict)
        self.clear_verdict_button = QPushButton("Clear verdict")
        self.clear_verdict_button.clicked.connect(self.clear_verdict)
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(24)
        grid.addWidget(QLabel("<b>Suggested by the data, as of today</b>"), 0, 0)
        grid.addWidget(self.suggested_badge, 1, 0)
        grid.addWidget(self.suggested_reason, 2, 0)
        grid.addWidget(self.review_when, 3, 0)
        grid.addWidget(QLabel("<b>The leader's decision</b>"), 0, 1)
        grid.addWidget(self.recorded_badge, 1, 1)
        grid.addWidget(self.recorded_rationale, 2, 1, 2, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.clear_verdict_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 4, 1)
        rule = plain_label("How the suggestion is made: expand if the target is met or the forecast reaches it; "
                      "iterate if progress is at least 50 %; otherwise stop.\n"
                      + "\n".join(f"· {text}" for text in svc.VERDICT_TEXT.values()), name="muted")
        layout = QVBoxLayout(page)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(rule)
        layout.addStretch(1)
        return page

    # ----------------------------------------------------------------- refresh
    def schedule_refresh(self) -> None:
        self.refresher.schedule()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_checklist()
        self._draw_chart_if_seen()

    def _draw_chart_if_seen(self) -> None:
        """Draw only when the chart can be seen: a redraw costs a fifth of a second."""
        if (self._chart_dirty and self.state is not None and self.isVisible()
                and self.tabs.currentWidget() is self.chart):
            self._chart_dirty = False
            self.chart.set_state(self.state)

    def refresh(self) -> None:
        plan = self.doc.plan()
        writable = not self.doc.read_only
        squads = svc.list_squads(self.doc.ws, plan.id) if plan else []
        self.picker.clear()
        for s in squads:
            self.picker.addItem(s.name, s.id)
        self.picker.setVisible(len(squads) > 1)
        if not squads:
            self.state = None
            self._squad_id = None
            self.squad_name.setText("")
            self.cards_box.setVisible(False)
            self.cards_hint.setVisible(False)
            self.warnings.setVisible(False)
            self._set_checklist(svc.squad_checklist(None))
            self.checklist.setVisible(plan is not None)
            if plan is None:
                self.meta.setText("")
                self.empty_text.setText("This workspace holds no plan yet. Choose Plan ▸ New plan… to start one.")
            else:
                self.meta.setText(self._phase_text(plan))
                self.empty_text.setText(
                    "Pick one high-value problem, form a cross-functional squad, give them 90 days, autonomy and "
                    "a clear metric. Then get out of their way.\n\nSet up the squad to write its charter, name "
                    "its members, and record a check-in every week; the page turns them into a forecast and, "
                    "at day 90, a suggested verdict.")
            self.setup_button.setVisible(plan is not None)
            self.setup_button.setEnabled(writable)
            self.body.setCurrentIndex(0)
            return
        ids = [s.id for s in squads]
        if self._squad_id not in ids:
            self._squad_id = ids[0]
        self.picker.setCurrentIndex(ids.index(self._squad_id))
        as_of = self._today()
        self.state = st = svc.squad_state(self.doc.ws, self._squad_id, as_of)
        self.body.setCurrentIndex(1)
        self.checklist.setVisible(True)
        self.squad_name.setText(st.squad.name)
        self.meta.setText(self._phase_text(plan) + f"   ·   Reports to: {st.squad.reporting_line or '(not set)'}")
        self._set_checklist(svc.squad_checklist(st))
        self._fill_cards(st)
        self._fill_warnings(st)
        self._fill_charter(st)
        self.autonomy_model.set_rows(st.autonomy, editable=writable)
        self.member_model.set_rows(st.members, editable=writable)
        self.checkin_model.set_squad(st.squad, as_of)
        self.checkin_model.set_rows(st.checkins, editable=writable)
        self.change_model.set_rows(st.changes, editable=writable)
        for kind, noun in (("member", "Members"), ("checkin", "Check-ins"), ("change", "Changes shipped")):
            self.tabs.setTabText(self._tab_index[kind], f"{noun} ({self.models[kind].rowCount()})")
            for b in (self.add_buttons[kind], self.edit_buttons[kind], self.delete_buttons[kind]):
                b.setEnabled(writable)
        self.edit_charter_button.setEnabled(writable)
        self._fill_changes(st)
        self._fill_review(st, writable)
        self._chart_dirty = True
        self._draw_chart_if_seen()

    def _set_checklist(self, items) -> None:
        self.checklist.set_items(items)
        self._fit_checklist()

    def _fit_checklist(self) -> None:
        # wrapped labels: a box layout does not ask for the height they need at this width
        self.checklist.setMinimumHeight(max(0, self.checklist.layout().totalHeightForWidth(self.checklist.width())))

    def _phase_text(self, plan) -> str:
        phase = next((p for p in list_phases(self.doc.ws, plan.id) if p.step == "squad"), None)
        review = svc.review_date(plan)
        days = (review - self._today()).days
        when = f"in {days} days" if days > 0 else ("today" if days == 0 else f"{-days} days ago")
        span = f"Step 2: {phase.start:%d %b} → {phase.end:%d %b %Y}   ·   " if phase else ""
        return f"{span}Day-90 review: {review:%d %b %Y} ({when})"

    def _with_unit(self, x: float | None, signed: bool = False) -> str:
        if x is None:
            return "–"
        unit = self.state.squad.metric_unit if self.state else ""
        text = format_value(x)
        if signed and x > 0:
            text = "+" + text
        return f"{text} {unit}".strip() if unit else text

    def _fill_cards(self, st: SquadState) -> None:
        f, sq, c = st.figures, st.squad, self.cards
        self.cards_box.setVisible(f is not None)
        self.cards_hint.setVisible(f is None)
        if f is None:
            return
        arrow = "↑" if sq.direction == "up" else "↓"
        c["latest"].set(self._with_unit(f.latest), f"Latest ({f.latest_date:%d %b})",
                        tip=f"Baseline {self._with_unit(sq.baseline)} on {sq.baseline_date:%d %b %Y}")
        c["target"].set(self._with_unit(sq.target), f"Target {arrow} by {sq.target_date:%d %b}")
        prog = f.progress
        c["progress"].set("–" if prog is None else f"{prog * 100:.0f} %", "Progress",
                          GOOD if f.target_met else NEUTRAL,
                          "(latest − baseline) ÷ (target − baseline), not clamped")
        c["forecast"].set(self._with_unit(f.forecast), f"Forecast on {sq.target_date:%d %b}",
                          tip="Least-squares line through the baseline and every check-in, at the target date")
        if f.on_track is None:
            c["on_track"].set("–", "On track?", tip="A forecast needs at least one check-in.")
        else:
            c["on_track"].set("On track" if f.on_track else "Behind", "On track?", GOOD if f.on_track else BAD,
                              "Whether the forecast reaches the target in the metric's direction")
        if f.required_weekly_rate is None:
            c["rate"].set("–", "Needed per week", tip="The target date has passed.")
        else:
            current = None if f.slope is None else f.slope * 7
            tip = "(target − latest) ÷ weeks left"
            if current is not None:
                tip += f"; the trend so far is {self._with_unit(current, signed=True)} per week"
            c["rate"].set(self._with_unit(f.required_weekly_rate, signed=True), "Needed per week", tip=tip)
        c["velocity"].set(f"{f.velocity_per_week:.1f}", "Changes shipped per week",
                          tip=f"{f.changes_shipped} changes since the baseline date")
        decided = sum(ch.outcome != "pending" and ch.date <= st.as_of for ch in st.changes)
        c["kept"].set("–" if f.share_kept is None else f"{f.share_kept * 100:.0f} %",
                      f"Kept ({f.changes_kept} of {decided} decided)")

    def _fill_warnings(self, st: SquadState) -> None:
        lines = []
        for w in st.role_warnings:
            what = ("no one in this role" if w.status == "absent"
                    else f"only {w.best_allocation:g} % allocated, under 50 %")
            lines.append(f"⚠ {w.role}: {what}. Risk: {w.risk}.")
        not_granted = [a.decision for a in st.autonomy if not a.granted]
        if not_granted:
            lines.append("⚠ Still needs permission for: " + "; ".join(not_granted) + ".")
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))

    def _fill_charter(self, st: SquadState) -> None:
        sq, lab = st.squad, self.charter_labels
        lab["problem"].setText(sq.problem or "(not written yet)")
        direction = "higher is better" if sq.direction == "up" else "lower is better"
        unit = f" ({sq.metric_unit})" if sq.metric_unit else ""
        lab["metric"].setText(f"{sq.metric_name or '(not named yet)'}{unit}, {direction}")
        lab["baseline"].setText(f"{self._with_unit(sq.baseline)} on {sq.baseline_date:%d %b %Y}"
                                if sq.baselined else "(not measured yet)")
        lab["target"].setText(
            (self._with_unit(sq.target) if sq.target is not None else "(no value yet)")
            + (f" by {sq.target_date:%d %b %Y}" if sq.target_date else ""))
        lab["reporting"].setText(sq.reporting_line or "(not set: the squad should report to revenue)")
        granted = sum(a.granted for a in st.autonomy)
        self.autonomy_summary.setText(f"{granted} of {len(st.autonomy)} decisions granted. "
                                      "Tick a decision here once the squad may take it without asking.")

    def _fill_changes(self, st: SquadState) -> None:
        shipped = [c for c in st.changes if c.date <= st.as_of]
        counts = {o: sum(c.outcome == o for c in shipped) for o in ("kept", "rolled back", "pending")}
        velocity = f" · {st.figures.velocity_per_week:.1f} per week" if st.figures else ""
        self.change_stats.setText(
            f"{len(shipped)} shipped{velocity} · {counts['kept']} kept, {counts['rolled back']} rolled back, "
            f"{counts['pending']} pending")

    def _fill_review(self, st: SquadState, writable: bool) -> None:
        f, sq = st.figures, st.squad
        suggested = f.verdict_suggested if f else None
        self.suggested_badge.setText(suggested.upper() if suggested else "No suggestion yet")
        self.suggested_badge.setStyleSheet(f"color:{VERDICT_COLOURS.get(suggested, NEUTRAL)};")
        self.suggested_reason.setText(verdict_reason(st))
        days = (st.review_date - st.as_of).days
        self.review_when.setText(
            f"The review is on day 90, {st.review_date:%d %b %Y} ({days} days from now): until then this is "
            "what the numbers would say today." if days > 0 else
            f"Day 90 was {st.review_date:%d %b %Y}: time to decide.")
        if sq.verdict:
            self.recorded_badge.setText(f"{sq.verdict.upper()} (recorded {sq.verdict_date:%d %b %Y})")
            self.recorded_badge.setStyleSheet(f"color:{VERDICT_COLOURS[sq.verdict]};")
            self.recorded_rationale.setText(sq.verdict_rationale)
        else:
            self.recorded_badge.setText("Not recorded yet")
            self.recorded_badge.setStyleSheet(f"color:{NEUTRAL};")
            self.recorded_rationale.setText("")
        self.record_button.setEnabled(writable)
        self.clear_verdict_button.setVisible(bool(sq.verdict))
        self.clear_verdict_button.setEnabled(writable)

    # ----------------------------------------------------------------- editing
    def _on_pick(self, index: int) -> None:
        self._squad_id = self.picker.itemData(index)
        self.refresh()

    def set_up_squad(self) -> None:
        plan = self.doc.plan()
        if plan is not None:
            self.doc.execute(CreateSquad(self.doc, plan.id))

    def _row_editor(self, kind: str):
        def edit(row_id: int, key: str, value) -> bool:
            title = next(c.title for c in self.models[kind].columns if c.key == key)
            return self.doc.execute(edit_squad_row(self.doc, kind, row_id, {key: value}, f"Edit {title.lower()}"))

        return edit

    def _grant(self, autonomy_id: int, _key: str, granted: bool) -> bool:
        return self.doc.execute(SetAutonomyGranted(self.doc, autonomy_id, granted))

    def selected(self, kind: str):
        table = self.tables[kind]
        index = table.currentIndex()
        if not index.isValid():
            return None
        return self.models[kind].row(self.proxies[kind].mapToSource(index).row())

    def _defaults(self, kind: str) -> dict:
        st = self.state
        as_of = self._today()
        if kind == "member":
            return {"role": st.roles_missing[0] if st.roles_missing else "", "allocation": 100.0}
        if kind == "checkin":
            last = st.checkins[-1] if st.checkins else None
            value = st.figures.latest if st.figures else (last.value if last else (st.squad.baseline or 0))
            return {"date": as_of, "value": value, "confidence": last.confidence if last else 5,
                    "morale": last.morale if last else 3}
        return {"date": as_of, "outcome": "pending"}

    def add_row(self, kind: str) -> None:
        if self.state is None or self.doc.read_only:
            return
        dialog = RowDialog(kind, self._defaults(kind), parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.execute(add_squad_row(self.doc, kind, self.state.squad.id, dialog.values()))

    def edit_row(self, kind: str) -> None:
        item = self.selected(kind)
        if item is None or self.doc.read_only:
            return
        dialog = RowDialog(kind, asdict(item), editing=True, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes = dialog.changed_values()
            if changes:
                self.doc.execute(edit_squad_row(self.doc, kind, item.id, changes))

    def delete_row(self, kind: str) -> None:
        item = self.selected(kind)
        if item is None or self.doc.read_only:
            return
        self.doc.execute(delete_squad_row(self.doc, kind, item.id))

    def edit_charter(self) -> None:
        st = self.state
        if st is None or self.doc.read_only:
            return
        phase = next((p for p in list_phases(self.doc.ws, st.plan.id) if p.step == "squad"), None)
        dialog = CharterDialog(st.squad, st.autonomy, phase.start if phase else st.plan.start, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes = dialog.changes()
            autonomy = dialog.autonomy_items() if dialog.autonomy_changed() else None
            if changes or autonomy is not None:
                self.doc.execute(EditCharter(self.doc, st.squad.id, changes, autonomy))

    def record_verdict(self) -> None:
        st = self.state
        if st is None or self.doc.read_only:
            return
        suggested = st.figures.verdict_suggested if st.figures else None
        dialog = VerdictDialog(suggested, verdict_reason(st), st.squad, self._today(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            verdict, rationale, on = dialog.result_values()
            self.doc.execute(RecordVerdict(self.doc, st.squad.id, verdict, rationale, on))

    def clear_verdict(self) -> None:
        st = self.state
        if st is None or self.doc.read_only or not st.squad.verdict:
            return
        self.doc.execute(RecordVerdict(self.doc, st.squad.id, None, "", self._today()))
