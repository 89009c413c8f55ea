"""The Ageing tab of the Audit page: which items are stuck right now.

Each item not done at the as-of moment, with its age and status, against the
bands of the finished items' flow times (``models.audit.ageing``): a dot chart
by status and a table, oldest first; items older than the 85th percentile are
at risk.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from models.audit.ageing import AT_RISK_PERCENTILE, Ageing, ageing
from views.audit.forecast_charts import draw_ageing
from views.audit.log_jobs import LoadedLog, LogTab, PlanLogCache, ResultChart
from views.audit.tables import AgeingModel, figure_table
from views.common.widgets import plain_label


class AgeingTab(LogTab):
    def __init__(self, cache: PlanLogCache, tasks, parent: QWidget | None = None):
        super().__init__(cache, tasks, "Ageing the work in progress…", parent)
        self.ageing: Ageing | None = None
        self.summary = plain_label()
        self.model = AgeingModel(self)
        self.proxy, self.table = figure_table(self.model, self, "age_days")
        self.chart = ResultChart(draw_ageing, "The ageing chart is drawn when its figures are ready.", (7, 4))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 440])  # the chart a little wider: the table scrolls sideways
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.show_result(None)

    def work(self) -> Callable[[LoadedLog], Ageing]:
        return lambda loaded: ageing(loaded.flow)

    def set_busy(self, busy: bool) -> None:
        if busy and self.ageing is None:
            self.summary.setText("Ageing the work in progress…")

    def show_error(self, message: str) -> None:
        self._show(None, f"The ageing could not be computed: {message}")

    def show_result(self, result: Ageing | None) -> None:
        if result is None:
            self._show(None, "" if self.key is None else "The plan has no log.")
            return
        self._show(result, summary_text(result))

    def done_message(self, result: Ageing) -> str:
        return f"Ageing: {len(result.items):,} items in progress, {len(result.at_risk):,} at risk."

    def _show(self, result: Ageing | None, text: str) -> None:
        self.ageing = result
        self.summary.setText(text)
        self.model.set_rows(result.items if result is not None else [], editable=False)
        self.chart.set_result(result)


def summary_text(a: Ageing) -> str:
    """The tab's headline: how many items are in progress, how many at risk, and the bands."""
    head = f"{len(a.items):,} item{'s' if len(a.items) != 1 else ''} in progress as of {a.as_of:%d %b %Y %H:%M}"
    if a.bands is None:
        return head + ". No item has finished yet, so there are no flow-time bands to judge their age by."
    bands = ", ".join(f"{q} % within {days:.1f} d" for q, days in a.bands.pairs())
    return (f"{head}; {len(a.at_risk):,} at risk: older than the {AT_RISK_PERCENTILE}th percentile of the "
            f"flow times of the {a.completed:,} finished items ({a.bands.p85:.1f} days). Finished items: {bands}.")
