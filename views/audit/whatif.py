"""The What-if tab of the Audit page: form the squad around the handoff.

The leader ticks the departments to merge into the squad and sets what
becomes of the waits on the handoffs between them (0: gone); the simulation
(``models.audit.whatif``, built from the imported log) runs in the background
for the process as it is and as it would be. Its model check comes first: when
the as-is simulation does not reproduce the log's median flow time within
10 %, the tab says so and shows no to-be figure. Scenarios can be saved under
a name (an undo step) and picked again.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.audit.analysis import percentile
from models.audit.forecast_store import Scenario
from models.audit.whatif import DEFAULT_REPLICATIONS, DEFAULT_SEED, Spread, WhatIf, whatif_log
from views.audit.commands import delete_scenario, save_scenario
from views.audit.forecast import SEED_LIMIT, spin
from views.audit.forecast_charts import draw_whatif
from views.audit.log_jobs import LoadedLog, LogTab, PlanLogCache, ResultChart, input_panel
from views.audit.tables import SimFigureModel, SimRow, figure_table
from views.common.document import WorkspaceDocument
from views.common.style import tone
from views.common.widgets import plain_label

MAX_REPLICATIONS = 200
PICK = "(pick a saved scenario)"


def _spread(s: Spread) -> tuple[float | None, float | None, float | None]:
    return s.mean, s.low, s.high


def sim_rows(w: WhatIf, measured_p85: float | None) -> list[SimRow]:
    """The figures table: flow time P50 and P85, throughput per week."""
    def to_be(key: str):
        return None if w.to_be is None else _spread(getattr(w.to_be, key))

    return [
        SimRow(0, "Median flow time, d", "d", w.measured_flow_time_p50, _spread(w.as_is.flow_time_p50),
               to_be("flow_time_p50")),
        SimRow(1, "85th pct flow time, d", "d", measured_p85, _spread(w.as_is.flow_time_p85),
               to_be("flow_time_p85")),
        SimRow(2, "Throughput per week", "", w.measured_throughput_per_week,
               _spread(w.as_is.throughput_per_week), to_be("throughput_per_week")),
    ]


class WhatIfTab(LogTab):
    def __init__(self, cache: PlanLogCache, tasks, doc: WorkspaceDocument, parent: QWidget | None = None):
        super().__init__(cache, tasks, "Simulating…", parent)
        self.doc = doc
        self.result: WhatIf | None = None
        self.scenarios: list[Scenario] = []
        self._known: tuple[str, ...] = ()
        self._writable = False

        self.departments = QListWidget()
        self.departments.setToolTip("The departments to merge into one squad")
        self.departments.itemChanged.connect(lambda _item: self._inputs_changed())
        self.factor = QDoubleSpinBox()
        self.factor.setRange(0.0, 10.0)
        self.factor.setDecimals(2)
        self.factor.setSingleStep(0.1)
        self.factor.setKeyboardTracking(False)
        self.factor.setToolTip("Each wait on a handoff between two merged departments is multiplied by this: "
                               "0 removes it, 0.5 halves it, 1 keeps it")
        self.replications = spin(1, MAX_REPLICATIONS, DEFAULT_REPLICATIONS)
        self.seed = spin(0, SEED_LIMIT, DEFAULT_SEED)
        for box in (self.factor, self.replications, self.seed):
            box.valueChanged.connect(lambda _v: self._inputs_changed())

        self.saved = QComboBox()
        self.saved.activated.connect(self._pick_saved)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the saved scenario picked here (undoable)")
        self.delete_button.clicked.connect(self.delete_picked)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name this scenario")
        self.name.textChanged.connect(lambda _t: self._update_buttons())
        self.name.returnPressed.connect(self.save)
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save the ticked departments and the factor under this name (undoable)")
        self.save_button.clicked.connect(self.save)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Waits between them ×", self.factor)
        form.addRow("&Replications", self.replications)
        form.addRow("S&eed", self.seed)
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.saved, 1)
        saved_row.addWidget(self.delete_button)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.save_button)

        self.check_label = plain_label()
        self.handoffs_label = plain_label(name="muted")
        self.model = SimFigureModel(self)
        self.proxy, self.table = figure_table(self.model, self)  # the figures in their own order
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows_height = self.table.horizontalHeader().sizeHint().height() + 3 * self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(rows_height + 4)
        self.chart = ResultChart(draw_whatif, "The comparison is drawn when the simulation has run.", (8, 3))
        right = QVBoxLayout()
        right.addWidget(self.check_label)
        right.addWidget(self.table)
        right.addWidget(self.handoffs_label)
        right.addWidget(self.chart, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(input_panel((plain_label("Merge into the squad:", wrap=False), self.departments, form,
                                      plain_label("Saved scenarios:", wrap=False), saved_row, name_row), 240, 320))
        layout.addLayout(right, 1)
        self.show_result(None)

    # ----------------------------------------------------------------- context from the page
    def plan_changed(self) -> None:
        self._known = ()

    def set_context(self, departments: Sequence[str], scenarios: Sequence[Scenario],
                    suggested: Sequence[str], writable: bool) -> None:
        """The departments of the stage map (in flow order), the saved scenarios, the
        departments to tick the first time (the chosen or proposed handoff's), and
        whether edits are allowed."""
        self._writable = writable
        departments = tuple(departments)
        if departments != self._known:
            ticked = set(self.merged()) if self._known else set(suggested)
            self.departments.blockSignals(True)
            self.departments.clear()
            for d in departments:
                item = QListWidgetItem(d)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if d in ticked else Qt.CheckState.Unchecked)
                self.departments.addItem(item)
            self.departments.blockSignals(False)
            self._known = departments
            self.invalidate(0)
        self.scenarios = list(scenarios)
        picked = self.saved.currentData()
        self.saved.clear()
        self.saved.addItem(PICK, None)
        for sc in self.scenarios:
            self.saved.addItem(f"{sc.name}: {', '.join(sc.departments)} × {sc.factor:g}", sc.id)
        pos = self.saved.findData(picked) if picked is not None else -1
        self.saved.setCurrentIndex(max(pos, 0))
        self._update_buttons()

    def merged(self) -> list[str]:
        """The ticked departments, in the list's order."""
        return [self.departments.item(i).text() for i in range(self.departments.count())
                if self.departments.item(i).checkState() == Qt.CheckState.Checked]

    def set_merged(self, departments: Sequence[str]) -> None:
        wanted = set(departments)
        self.departments.blockSignals(True)
        for i in range(self.departments.count()):
            item = self.departments.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked)
        self.departments.blockSignals(False)
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        picked = self.picked()
        if picked is not None and (set(self.merged()) != set(picked.departments)
                                   or self.factor.value() != picked.factor):
            self.saved.setCurrentIndex(0)  # the inputs no longer are the picked scenario
        self._update_buttons()
        self.invalidate()

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self._writable and self.picked() is not None)
        self.save_button.setEnabled(self._writable and bool(self.name.text().strip()) and len(self.merged()) >= 2)

    # ----------------------------------------------------------------- saved scenarios
    def picked(self) -> Scenario | None:
        sid = self.saved.currentData()
        return next((sc for sc in self.scenarios if sc.id == sid), None)

    def _pick_saved(self, _index: int) -> None:
        sc = self.picked()
        if sc is None:
            self._update_buttons()
            return
        self.factor.blockSignals(True)
        self.factor.setValue(sc.factor)
        self.factor.blockSignals(False)
        self.set_merged(sc.departments)

    def save(self) -> bool:
        name = self.name.text().strip()
        if self.plan is None or not self._writable or not name or len(self.merged()) < 2:
            return False
        ok = self.doc.execute(save_scenario(self.doc, self.plan.id, name, self.merged(), self.factor.value()))
        if ok:
            self.name.clear()
        return ok

    def delete_picked(self) -> bool:
        sc = self.picked()
        if sc is None or not self._writable:
            return False
        return self.doc.execute(delete_scenario(self.doc, sc))

    # ----------------------------------------------------------------- computing
    def compute(self) -> None:
        if self._stale and self.isVisible() and self.key is not None and len(self.merged()) < 2:
            self._stale = False
            self.job.cancel()
            self.unsetCursor()  # a simulation dropped on its way has no result to end the busy cursor
            self._show(None, "Tick at least two departments to merge into the squad: the simulation then "
                             "removes (or scales) the waits on the handoffs between them.", "muted")
            self.settled()
            return
        super().compute()

    def work(self) -> Callable[[LoadedLog], tuple[WhatIf, float | None]]:
        merge, factor = self.merged(), self.factor.value()
        replications, seed = self.replications.value(), self.seed.value()

        def run(loaded: LoadedLog) -> tuple[WhatIf, float | None]:
            flow_times = loaded.flow.flow_times()
            measured_p85 = percentile(flow_times, 85) if flow_times else None
            return (whatif_log(loaded.flow, merge, factor=factor, replications=replications, seed=seed),
                    measured_p85)
        return run

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.check_label.setText(f"Simulating {self.replications.value()} replications, as is and to be…")
            tone(self.check_label, "muted")

    def show_error(self, message: str) -> None:
        self._show(None, f"The simulation could not run: {message}", "danger")

    def show_result(self, value: tuple[WhatIf, float | None] | None) -> None:
        if value is None:
            self._show(None, "" if self.key is None else "The plan has no log to simulate.", "muted")
            return
        w, measured_p85 = value
        self._show(w, w.model_check, "ok" if w.model_ok else "danger", measured_p85)

    def _show(self, w: WhatIf | None, check: str, role: str, measured_p85: float | None = None) -> None:
        self.result = w
        self.check_label.setText(("Model check passed. " if w is not None and w.model_ok else
                                  "Model check failed. " if w is not None else "") + check)
        tone(self.check_label, role)
        self.model.set_rows(sim_rows(w, measured_p85) if w is not None else [], editable=False)
        self.table.setVisible(w is not None)
        if w is None:
            self.handoffs_label.setText("")
        elif w.handoffs:
            self.handoffs_label.setText(
                f"Handoffs the squad absorbs ({len(w.handoffs)}), busiest first: "
                + ", ".join(f"{a} → {b}" for a, b in w.handoffs)
                + f". Their waits are multiplied by {w.factor:g}.")
        else:
            self.handoffs_label.setText("No item waited on a handoff between these departments in the log, so "
                                        "the squad changes nothing here.")
        self.chart.set_result(w)

    def done_message(self, value: tuple[WhatIf, float | None]) -> str:
        w = value[0]
        if w.to_be is None or w.to_be.flow_time_p85.mean is None or w.as_is.flow_time_p85.mean is None:
            return "Simulation done: the model check failed, so there is no to-be figure."
        return (f"Simulation done: with {' + '.join(w.merge)} in one squad, the 85th percentile flow time goes "
                f"from {w.as_is.flow_time_p85.mean:.1f} to {w.to_be.flow_time_p85.mean:.1f} days.")
