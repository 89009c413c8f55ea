"""The Forecast tab of the Audit page: at today's pace, how many items by a date,
and when will N items be done (Monte Carlo, ``models.audit.forecast``).

The inputs are the page's own (not stored): the date (default the plan's day
90), the number of items (default the items open at the as-of moment), the
window of days the pace comes from, the trials and the seed. Each change
computes the forecast again in the background from the log the tab shares
with Ageing and What-if; the same inputs always give the same figures.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from models.audit.forecast import CONFIDENCE, DEFAULT_SEED, DEFAULT_TRIALS, DEFAULT_WINDOW_DAYS, Forecast, forecast_log
from models.audit.forecast_store import REVIEW_DAY
from views.audit.forecast_charts import CONFIDENCE_ROLES, draw_forecast
from views.audit.log_jobs import LoadedLog, LogTab, PlanLogCache, ResultChart, input_panel
from views.common.style import tone
from views.common.widgets import panel, plain_label

MAX_TRIALS = 100_000
MAX_WINDOW = 365
SEED_LIMIT = 2**31 - 1


def day_90(plan) -> date:
    """The plan's day 90, the default "how many by" date."""
    return plan.start + timedelta(days=REVIEW_DAY - 1)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def spin(low: int, high: int, value: int, *, step: int = 1, suffix: str = "", group: bool = False) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(group)
    box.setKeyboardTracking(False)  # a typed number counts once it is complete
    return box


def confidence_label(q: int) -> QWidget:
    """"85 %" in its confidence's colour (the chart's), in either scheme."""
    label = plain_label(f"{q} %", wrap=False)
    tone(label, CONFIDENCE_ROLES[q], "font-weight:bold;")
    return label


class ForecastTab(LogTab):
    def __init__(self, cache: PlanLogCache, tasks, parent: QWidget | None = None):
        super().__init__(cache, tasks, "Forecasting…", parent)
        #: None: the plan's day 90 / the items open at the as-of moment
        self._until: date | None = None
        self._items: int | None = None
        self.forecast: Forecast | None = None

        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("ddd dd MMM yyyy")
        self.until.dateChanged.connect(self._until_edited)
        self.day90_button = QPushButton("Day 90")
        self.day90_button.setToolTip("Back to the plan's day 90")
        self.day90_button.clicked.connect(lambda: self._set_until(None))
        self.items = spin(0, 10_000_000, 0, group=True)
        self.items.valueChanged.connect(self._items_edited)
        self.open_button = QPushButton("Open items")
        self.open_button.setToolTip("Back to the items not done at the as-of moment")
        self.open_button.clicked.connect(lambda: self._set_items(None))
        self.window = spin(1, MAX_WINDOW, DEFAULT_WINDOW_DAYS, suffix=" days")
        self.window.setToolTip("The pace is drawn from the daily completions of this many days, ending on the "
                               "as-of date (days with none count as 0)")
        self.trials = spin(100, MAX_TRIALS, DEFAULT_TRIALS, step=1000, group=True)
        self.seed = spin(0, SEED_LIMIT, DEFAULT_SEED)
        self.seed.setToolTip("The same inputs and seed always give the same figures")
        for box in (self.window, self.trials, self.seed):
            box.valueChanged.connect(lambda _v: self.invalidate())

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_buddy("How many &by", self.until), _with(self.until, self.day90_button))
        form.addRow(_buddy("&Items to finish", self.items), _with(self.items, self.open_button))
        form.addRow("&Pace from the last", self.window)
        form.addRow("&Trials", self.trials)
        form.addRow("&Seed", self.seed)

        # the answers: a row per confidence, a column per question
        self.how_many_head = plain_label(wrap=True)
        self.when_head = plain_label(wrap=True)
        for head in (self.how_many_head, self.when_head):
            head.setStyleSheet("font-weight:bold;")
        self.how_many_cells: dict[int, QWidget] = {}
        self.when_cells: dict[int, QWidget] = {}
        answers = QGridLayout()
        answers.setHorizontalSpacing(12)
        answers.addWidget(self.how_many_head, 0, 1)
        answers.addWidget(self.when_head, 0, 2)
        for row, q in enumerate(CONFIDENCE, start=1):
            answers.addWidget(confidence_label(q), row, 0)
            self.how_many_cells[q] = plain_label(wrap=False)
            self.when_cells[q] = plain_label(wrap=False)
            answers.addWidget(self.how_many_cells[q], row, 1)
            answers.addWidget(self.when_cells[q], row, 2)
        answers.setColumnStretch(1, 1)
        answers.setColumnStretch(2, 1)
        self.answers_box = QFrame()
        panel(self.answers_box, "forecastAnswers")
        self.answers_box.setLayout(answers)

        self.pace_label = plain_label(name="muted")
        self.note_label = plain_label()
        tone(self.note_label, "warning")
        self.status_label = plain_label(name="muted")

        self.chart = ResultChart(draw_forecast, "The forecast is drawn when its figures are ready.", (9, 5))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(input_panel((form, self.answers_box, self.note_label, self.pace_label, self.status_label, 1),
                                     350, 400))
        layout.addWidget(self.chart, 1)
        self._show_inputs()
        self.show_result(None)

    # ----------------------------------------------------------------- inputs
    def plan_changed(self) -> None:
        self._until, self._items = None, None
        self._show_inputs()

    def set_source(self, ws, plan, key) -> None:
        super().set_source(ws, plan, key)
        self._show_inputs()  # the plan's start (its day 90) may have moved

    def until_date(self) -> date | None:
        """The "how many by" date in use: the one typed, else the plan's day 90."""
        if self._until is not None:
            return self._until
        return day_90(self.plan) if self.plan is not None else None

    def _show_inputs(self) -> None:
        until = self.until_date()
        self.until.blockSignals(True)
        if until is not None:
            self.until.setDate(_qdate(until))
        self.until.blockSignals(False)
        self.day90_button.setEnabled(self._until is not None)
        self.open_button.setEnabled(self._items is not None)

    def _until_edited(self, value: QDate) -> None:
        self._set_until(date(value.year(), value.month(), value.day()))

    def _set_until(self, until: date | None) -> None:
        if until is not None and self.plan is not None and until == day_90(self.plan):
            until = None
        self._until = until
        self._show_inputs()
        self.invalidate()

    def _items_edited(self, value: int) -> None:
        self._set_items(value)

    def _set_items(self, items: int | None) -> None:
        self._items = items
        if items is None and self.forecast is not None:
            self._show_items(None)
        self._show_inputs()
        self.invalidate()

    def _show_items(self, count: int | None) -> None:
        self.items.blockSignals(True)
        self.items.setValue(count or 0)
        self.items.blockSignals(False)

    # ----------------------------------------------------------------- computing
    def work(self) -> Callable[[LoadedLog], Forecast]:
        options = dict(window_days=self.window.value(), until=self.until_date(), items=self._items,
                       trials=self.trials.value(), seed=self.seed.value())
        return lambda loaded: forecast_log(loaded.flow, **options)

    def set_busy(self, busy: bool) -> None:
        self.status_label.setText(f"Running {self.trials.value():,} trials…" if busy else "")

    def show_error(self, message: str) -> None:
        self.forecast = None
        self._clear(f"The forecast could not be computed: {message}")

    def _clear(self, note: str) -> None:
        self.how_many_head.setText("Items done by the date")
        self.when_head.setText("Items done by")
        for cell in (*self.how_many_cells.values(), *self.when_cells.values()):
            cell.setText("–")
        self.pace_label.setText("")
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self.chart.set_result(None)

    def show_result(self, fc: Forecast | None) -> None:
        self.forecast = fc
        if fc is None:
            self._clear("" if self.key is None else "The plan has no log to forecast from.")
            return
        hm, wh, tp = fc.how_many, fc.when, fc.throughput
        if self._items is None:
            self._show_items(wh.items)
        self.how_many_head.setText(f"Items done by {hm.until:%d %b %Y}")
        self.when_head.setText(f"{wh.items:,} items done by")
        for q in CONFIDENCE:
            self.how_many_cells[q].setText(f"at least {getattr(hm, f'p{q}'):,}")
            day = getattr(wh, f"p{q}")
            self.when_cells[q].setText("no date" if day is None
                                       else f"{day:%d %b %Y} ({getattr(wh, f'p{q}_days')} d)")
        notes = []
        if hm.days == 0:
            notes.append(f"{hm.until:%d %b %Y} is not after the as-of date, {fc.as_of:%d %b %Y}: "
                         "the count is what is done already, 0 more.")
        if wh.reason:
            notes.append(wh.reason)
        self.note_label.setText("\n".join(notes))
        self.note_label.setVisible(bool(notes))
        self.pace_label.setText(
            f"As of {fc.as_of:%d %b %Y %H:%M}, the log's latest entry. Pace: {tp.completed:,} items done in the "
            f"{tp.window_days} days {tp.days[0]:%d %b} – {tp.days[-1]:%d %b %Y}, {tp.per_day_mean:.2f} a day. "
            f"Each of {fc.trials:,} trials draws its days from these (seed {fc.seed}); read the 85 % row as: "
            f"85 % of trials reached at least {hm.p85:,} items by {hm.until:%d %b}.")
        self.chart.set_result(fc)

    def done_message(self, fc: Forecast) -> str:
        hm, wh = fc.how_many, fc.when
        when = f"; {wh.items:,} items done by {wh.p85:%d %b %Y}" if wh.p85 is not None else ""
        return (f"Forecast ready: in 85 % of {fc.trials:,} trials at least {hm.p85:,} items are done by "
                f"{hm.until:%d %b %Y}{when}.")


def _buddy(text: str, editor: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(editor)
    return label


def _with(editor: QWidget, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(editor, 1)
    row.addWidget(button)
    return row
