"""Step 2, pilot one squad: the step's checklist, the metric headline, role and
autonomy warnings, then tabs for the progress chart, the charter, members,
check-ins, changes shipped and the day-90 review. Every edit is an undo command.
"""
from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.plan.service import list_phases
from models.squad import service as svc
from models.squad.entities import ROW_ENTITIES
from models.squad.behaviour import SquadBehaviour, squad_behaviour
from models.squad.metrics import MIN_FORECAST_POINTS, TOO_EARLY
from models.squad.service import SquadState, format_value, verdict_reason
from views.common.document import WorkspaceDocument
from views.common.checklist import ChecklistWidget
from views.common.page_header import card_grid, page_header, page_title
from views.common.refresh import ScopedRefresh
from views.common.row_commands import cell_editor
from views.common.rows import RowFilterProxy, RowTableModel, row_table, selected_row, table_page
from views.common.style import tone
from views.common.widgets import FigureCard, elided_label, plain_label
from views.squad.chart import BehaviourChartCanvas, SquadChartCanvas
from views.squad.commands import (
    add_squad_row,
    create_squad,
    delete_squad_row,
    edit_charter,
    edit_squad_row,
    record_verdict,
    set_autonomy_granted,
)
from views.squad.dialogs import CharterDialog, RowDialog, VerdictDialog
from views.squad.tables import AutonomyTableModel, ChangeTableModel, CheckInTableModel, MemberTableModel

#: colour roles (views.common.palette), light and dark
GOOD, BAD, NEUTRAL = "ok", "danger", "text"
VERDICT_COLOURS = {"expand": GOOD, "iterate": "warning", "stop": BAD, TOO_EARLY: "muted"}
#: sizes only: every colour comes from a role and follows the scheme
PAGE_STYLE = """
QLabel#squadName { font-size: 15px; font-weight: bold; }
QLabel#verdictBadge { font-size: 18px; font-weight: bold; }
"""
#: the checklist's height, and the warnings' under it (they scroll inside)
CHECKLIST_HEIGHT = 124
WARNING_LINES = 5
#: how long a message stays in the window's status bar
MESSAGE_MS = 6000
#: the unit of a change of a metric measured in per cent: percentage points
PERCENT_UNITS = ("%", "percent", "per cent")


def decimals_of(scale: float | None) -> int:
    """The decimals a metric of this size is read with (``format_value``: 2.30, 38.50, 1,204)."""
    text = format_value(abs(scale) if scale else 1.0)
    return len(text.split(".")[1]) if "." in text else 0


def change_text(x: float | None, unit: str, scale: float | None) -> str:
    """A change of the metric (per week): signed, to the metric's own precision (a metric read as
    2.30 % changes by +0.03), in percentage points ("pp") when the metric is a percentage; a
    change too small for that precision keeps two significant digits (+0.0041), never 0.00."""
    if x is None:
        return "–"
    digits = decimals_of(scale)
    text = f"{x:+,.{digits}f}"
    if x != 0 and float(text.replace(",", "")) == 0:
        text = f"{x:+.{min(12, 1 - math.floor(math.log10(abs(x))))}f}"  # two significant digits
    unit = unit.strip()
    unit = "pp" if unit.casefold() in PERCENT_UNITS else unit
    return f"{text} {unit}".strip()


def forecast_moved(before: SquadState | None, after: SquadState) -> str:
    """What the status bar says when an edit moved the same squad's forecast ("" when it did not)."""
    if before is None or before.squad.id != after.squad.id or after.figures is None:
        return ""
    old = before.figures.forecast if before.figures else None
    new, sq = after.figures.forecast, after.squad
    if new is None or old == new:
        return ""
    unit = f" {sq.metric_unit}" if sq.metric_unit else ""
    was = f" (was {format_value(old)}{unit})" if old is not None else ""
    track = "" if after.figures.on_track is None else ("; on track" if after.figures.on_track else "; behind")
    return f"Forecast on {sq.target_date:%d %b}: {format_value(new)}{unit}{was}{track}."


class SquadPage(QWidget):
    #: a sentence for the window's status bar after an edit ("Add member: saved…", "Forecast on
    #: 18 Jan: 2.27 % → 2.29 %"), and how long to show it (ms)
    statusMessage = Signal(str, int)

    def __init__(self, doc: WorkspaceDocument, today: Callable[[], date] = date.today, tasks=None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._today = today
        self.state: SquadState | None = None
        self._squad_id: int | None = None
        self.setStyleSheet(PAGE_STYLE)

        # --- header: title, squad, meta, headline cards, warnings | checklist
        self.picker = QComboBox()
        self.picker.setMinimumWidth(260)
        self.picker.activated.connect(self._on_pick)
        self.picker.setVisible(False)
        title_row = QHBoxLayout()
        title_row.addWidget(page_title("2 · Pilot one squad"))
        title_row.addStretch(1)
        title_row.addWidget(self.picker)
        # Every region of the header keeps its height whatever it holds, so the tabs under it
        # never move: names on one line (cut with "…", whole in the tooltip), the cards or the
        # hint in their place, the warnings scrolling in theirs under the checklist.
        self.squad_name = elided_label(name="squadName")
        self.meta = elided_label(name="muted")
        self.cards = {key: FigureCard(caption) for key, caption in (
            ("latest", "Latest"), ("target", "Target"), ("progress", "Progress"), ("forecast", "Forecast"),
            ("on_track", "On track?"), ("rate", "Needed per week"), ("velocity", "Changes per week"),
            ("kept", "Kept"))}
        self.cards_box = card_grid(tuple(self.cards.values()), 4)
        self.cards_hint = plain_label("Give the metric a baseline and a target (Charter ▸ Edit charter…) to see "
                                      "progress, the forecast and the suggested verdict.", name="muted")
        self.cards_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.cards_stack = QStackedWidget()
        self.cards_stack.addWidget(self.cards_box)
        self.cards_stack.addWidget(self.cards_hint)
        self.warnings = plain_label(name="squadWarnings")
        self.warnings.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        tone(self.warnings, "warning")
        self.warnings_area = QScrollArea()
        self.warnings_area.setWidget(self.warnings)
        self.warnings_area.setWidgetResizable(True)
        self.warnings_area.setFrameShape(QFrame.Shape.NoFrame)
        self.warnings_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.warnings_area.viewport().setAutoFillBackground(False)
        self.warnings.setAutoFillBackground(False)
        self.checklist = ChecklistWidget("Step 2 checklist", height=CHECKLIST_HEIGHT)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(4)
        side_layout.addWidget(self.checklist)
        side_layout.addWidget(self.warnings_area)
        header = page_header((title_row, self.squad_name, self.meta, self.cards_stack), side, 330)

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
        # no raised pane: the tabs' pages are on the window's ground, which every text role reads on
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_progress_tab(), "Progress")
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

        self.body = QStackedWidget()
        self.body.addWidget(empty)
        self.body.addWidget(self.tabs)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)

        self.refresher = ScopedRefresh(self, doc, ("squad",), self.refresh)

    # ----------------------------------------------------------------- building
    def _build_progress_tab(self) -> QWidget:
        """The progress chart, or (one click away) the metric's process-behaviour chart
        with its signals in words."""
        self.chart = SquadChartCanvas()
        self.behaviour_chart = BehaviourChartCanvas()
        self.behaviour: SquadBehaviour | None = None
        self.progress_button = QPushButton("Progress and forecast")
        self.behaviour_button = QPushButton("Process behaviour")
        self.behaviour_button.setToolTip("XmR chart of the check-ins: centre line, natural process limits "
                                         "(mean ± 2.66 × mean moving range) and the signals that show real change")
        self.chart_buttons = QButtonGroup(self)
        for i, b in enumerate((self.progress_button, self.behaviour_button)):
            b.setCheckable(True)
            self.chart_buttons.addButton(b, i)
        self.progress_button.setChecked(True)
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(self.chart)
        self.chart_stack.addWidget(self.behaviour_chart)
        self.chart_buttons.idClicked.connect(self.chart_stack.setCurrentIndex)
        self.signals_label = plain_label()
        self.chart_buttons.idClicked.connect(lambda i: self.signals_label.setVisible(i == 1))
        self.signals_label.setVisible(False)
        bar = QHBoxLayout()
        bar.addWidget(self.progress_button)
        bar.addWidget(self.behaviour_button)
        bar.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.chart_stack, 1)
        layout.addWidget(self.signals_label)
        return page

    def show_behaviour(self, on: bool = True) -> None:
        """Show the process-behaviour chart (or the progress chart) in the Progress tab."""
        (self.behaviour_button if on else self.progress_button).click()

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
        proxy = RowFilterProxy(self)
        table = row_table(self.models[kind], proxy, f"squad_{kind}_table", on_delete=lambda k=kind: self.delete_row(k))
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tables[kind], self.proxies[kind] = table, proxy

        add = QPushButton(f"Add {noun}…")
        add.clicked.connect(lambda _c=False, k=kind: self.add_row(k))
        edit = QPushButton("Edit…")
        edit.clicked.connect(lambda _c=False, k=kind: self.edit_row(k))
        delete = QPushButton("Delete")
        delete.clicked.connect(lambda _c=False, k=kind: self.delete_row(k))
        self.add_buttons[kind], self.edit_buttons[kind], self.delete_buttons[kind] = add, edit, delete
        hint = extra if extra is not None else QLabel("Double-click a cell to edit it in place.")
        return table_page(table, (hint, add, edit, delete))

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
        rule = plain_label("How the suggestion is made: nothing is suggested (too early) until the squad has run "
                      "a third of its time and has 3 check-ins, and there is no forecast line from fewer than 3 "
                      "points. Then: expand if the target is met or the forecast reaches it; iterate if progress "
                      "is at least 50 %; otherwise stop.\n"
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
        self._fit_regions()
        super().showEvent(event)

    def _fit_regions(self) -> None:
        """Fix the height of the cards' place (two rows of cards, captions of two lines) and of
        the warnings' (``WARNING_LINES`` lines), from the fonts the style gives them."""
        self.ensurePolished()
        card = self.cards["latest"]
        card.ensurePolished()
        margins = card.layout().contentsMargins()
        card_height = (margins.top() + margins.bottom() + 2 * card.frameWidth() + card.layout().spacing()
                       + card.value.sizeHint().height() + 2 * card.caption.fontMetrics().lineSpacing())
        grid = self.cards_box.layout()
        self.cards_stack.setFixedHeight(2 * card_height + grid.verticalSpacing() + grid.contentsMargins().top())
        self.warnings_area.setFixedHeight(WARNING_LINES * self.warnings.fontMetrics().lineSpacing() + 4)

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
            self.cards_stack.setVisible(False)
            self.warnings_area.setVisible(False)
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
        before = self.state
        self.state = st = svc.squad_state(self.doc.ws, self._squad_id, as_of)
        moved = forecast_moved(before, st)
        if moved:
            self.statusMessage.emit(moved, MESSAGE_MS)
        self.body.setCurrentIndex(1)
        self.checklist.setVisible(True)
        self.cards_stack.setVisible(True)
        self.warnings_area.setVisible(True)
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
        # the charts draw on their thread, and only once they can be seen (chart_canvas)
        self.chart.set_state(st)
        self._show_behaviour(st)

    def _set_checklist(self, items) -> None:
        self.checklist.set_items(items)

    def _phase_text(self, plan) -> str:
        phase = next((p for p in list_phases(self.doc.ws, plan.id) if p.step == "squad"), None)
        review = svc.review_date(plan)
        days = (review - self._today()).days
        when = f"in {days} days" if days > 0 else ("today" if days == 0 else f"{-days} days ago")
        span = f"Step 2: {phase.start:%d %b} → {phase.end:%d %b %Y}   ·   " if phase else ""
        return f"{span}Day-90 review: {review:%d %b %Y} ({when})"

    def _with_unit(self, x: float | None) -> str:
        if x is None:
            return "–"
        unit = self.state.squad.metric_unit if self.state else ""
        text = format_value(x)
        return f"{text} {unit}".strip() if unit else text

    def _change(self, x: float | None) -> str:
        """A change of the metric, to the metric's precision, in pp for a percentage (``change_text``)."""
        sq = self.state.squad
        scale = max((abs(v) for v in (sq.baseline, sq.target) if v is not None), default=None)
        return change_text(x, sq.metric_unit or "", scale)

    def _fill_cards(self, st: SquadState) -> None:
        f, sq, c = st.figures, st.squad, self.cards
        self.cards_stack.setCurrentWidget(self.cards_box if f is not None else self.cards_hint)
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
        no_line = (f"No straight line from fewer than {MIN_FORECAST_POINTS} points: a forecast needs the "
                   f"baseline and {MIN_FORECAST_POINTS - 1} check-ins.")
        c["forecast"].set(self._with_unit(f.forecast), f"Forecast on {sq.target_date:%d %b}",
                          tip=no_line if f.forecast is None else
                          "Least-squares line through the baseline and every check-in, at the target date")
        if f.on_track is None:
            c["on_track"].set("–", "On track?", tip=no_line)
        else:
            c["on_track"].set("On track" if f.on_track else "Behind", "On track?", GOOD if f.on_track else BAD,
                              "Whether the forecast reaches the target in the metric's direction")
        if f.required_weekly_rate is None:
            c["rate"].set("–", "Needed per week", tip="The target date has passed.")
        else:
            current = None if f.slope is None else f.slope * 7
            tip = "(target − latest) ÷ weeks left"
            if (sq.metric_unit or "").strip().casefold() in PERCENT_UNITS:
                tip += ", in percentage points (pp)"
            if current is not None:
                tip += f"; the trend so far is {self._change(current)} per week"
            c["rate"].set(self._change(f.required_weekly_rate), "Needed per week", tip=tip)
        c["velocity"].set(f"{f.velocity_per_week:.1f}", "Changes a week",
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
        # the place stays when all is well, so the tabs do not move when the last warning goes
        self.warnings.setText("\n".join(lines) if lines else "No role or autonomy warnings: the four core roles "
                              "are covered and every decision is granted.")
        tone(self.warnings, "warning" if lines else "muted")

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

    def _show_behaviour(self, st: SquadState) -> None:
        """The process-behaviour chart of the check-ins up to the as-of date, and its signals in words."""
        sq = st.squad
        self.behaviour = b = squad_behaviour(sq.direction, st.checkins, st.as_of)
        unit = f" ({sq.metric_unit})" if sq.metric_unit else ""
        self.behaviour_chart.set_behaviour(b, f"{sq.metric_name or 'Metric'}{unit}")
        if b.chart is None:
            self.signals_label.setText("")  # the chart says what it still needs
        elif not b.chart.signals:
            self.signals_label.setText(
                f"No signal: the {len(b.chart.values)} check-ins vary within the natural process limits "
                f"({format_value(b.chart.lower)} to {format_value(b.chart.upper)}), so their ups and downs are "
                "routine, not yet evidence of change.")
        else:
            self.signals_label.setText("\n".join(f"{'▲' if s.improvement else '⚠'} {s.text} ({self._dates_of(s)})."
                                                 for s in b.chart.signals))

    def _dates_of(self, signal) -> str:
        """The dates of a signal's first and last check-in."""
        first, last = (self.behaviour.dates[i] for i in (signal.points[0], signal.points[-1]))
        return f"{first:%d %b}" if first == last else f"{first:%d %b} – {last:%d %b}"

    def _fill_review(self, st: SquadState, writable: bool) -> None:
        f, sq = st.figures, st.squad
        suggested = f.verdict_suggested if f else None
        self.suggested_badge.setText(suggested.upper() if suggested else "No suggestion yet")
        tone(self.suggested_badge, VERDICT_COLOURS.get(suggested, NEUTRAL))
        if suggested == TOO_EARLY:
            self.suggested_reason.setText("No verdict is suggested yet, it is too early: "
                                          + "; ".join(f.verdict_missing) + ".")
        else:
            self.suggested_reason.setText(verdict_reason(st))
        days = (st.review_date - st.as_of).days
        self.review_when.setText(
            f"The review is on day 90, {st.review_date:%d %b %Y} ({days} days from now): until then this is "
            "what the numbers would say today." if days > 0 else
            f"Day 90 was {st.review_date:%d %b %Y}: time to decide.")
        if sq.verdict:
            self.recorded_badge.setText(f"{sq.verdict.upper()} (recorded {sq.verdict_date:%d %b %Y})")
            tone(self.recorded_badge, VERDICT_COLOURS[sq.verdict])
            self.recorded_rationale.setText(sq.verdict_rationale)
        else:
            self.recorded_badge.setText("Not recorded yet")
            tone(self.recorded_badge, "muted")
            self.recorded_rationale.setText("")
        self.record_button.setEnabled(writable)
        self.clear_verdict_button.setVisible(bool(sq.verdict))
        self.clear_verdict_button.setEnabled(writable)

    # ----------------------------------------------------------------- editing
    def _execute(self, command) -> bool:
        """Run *command* as one undo step and say so in the status bar."""
        ok = self.doc.execute(command)
        if ok:
            self.statusMessage.emit(f"{command.text()}: saved. Edit ▸ Undo takes it back.", MESSAGE_MS)
        return ok

    def _on_pick(self, index: int) -> None:
        self._squad_id = self.picker.itemData(index)
        self.refresh()

    def set_up_squad(self) -> None:
        plan = self.doc.plan()
        if plan is not None:
            self._execute(create_squad(self.doc, plan.id))

    def _row_editor(self, kind: str):
        return cell_editor(self.doc, ROW_ENTITIES[kind],
                           lambda doc, row_id, changes, text: edit_squad_row(doc, kind, row_id, changes, text))

    def _grant(self, autonomy_id: int, _key: str, granted: bool) -> bool:
        return self._execute(set_autonomy_granted(self.doc, autonomy_id, granted))

    def selected(self, kind: str):
        return selected_row(self.tables[kind])

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
            self._execute(add_squad_row(self.doc, kind, self.state.squad.id, dialog.values()))

    def edit_row(self, kind: str) -> None:
        item = self.selected(kind)
        if item is None or self.doc.read_only:
            return
        dialog = RowDialog(kind, asdict(item), editing=True, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes = dialog.changed_values()
            if changes:
                self._execute(edit_squad_row(self.doc, kind, item.id, changes))

    def delete_row(self, kind: str) -> None:
        item = self.selected(kind)
        if item is None or self.doc.read_only:
            return
        self._execute(delete_squad_row(self.doc, kind, item.id))

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
                self._execute(edit_charter(self.doc, st.squad.id, changes, autonomy))

    def record_verdict(self) -> None:
        st = self.state
        if st is None or self.doc.read_only:
            return
        suggested = st.figures.verdict_suggested if st.figures else None
        dialog = VerdictDialog(suggested, verdict_reason(st), st.squad, self._today(), self, review=st.review_date)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            verdict, rationale, on = dialog.result_values()
            early, why = dialog.early_values()
            self._execute(record_verdict(self.doc, st.squad.id, verdict, rationale, on, early, why))

    def clear_verdict(self) -> None:
        st = self.state
        if st is None or self.doc.read_only or not st.squad.verdict:
            return
        self._execute(record_verdict(self.doc, st.squad.id, None, "", self._today()))
