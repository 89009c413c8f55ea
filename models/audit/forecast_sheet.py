"""The Forecast sheet of the status pack: how many items by day 90 and when
the open ones will be done (the outcome histograms with their percentiles),
the throughput run chart, the ageing chart and table, the silo tax in money,
and the squad metric's process-behaviour chart (read from the summary, so the
audit needs nothing of the squad).

Native Excel charts over values written as values.  The figures and charts
come first, the ageing table last (its header repeated on each page it runs
to); the charts' data follows it, outside the print area.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from models.core.pack import PackContext, SheetSpec

BAND_COLOURS = {50: "9E9E9E", 70: "757575", 85: "F9A825", 95: "C62828"}
PERCENTILES = (50, 85, 95)
#: one colour per status on the ageing chart (Tableau 10)
DOT_COLOURS = ("4E79A7", "F28E2B", "59A14F", "B07AA1", "76B7B2", "EDC948", "9C755F", "E15759", "FF9DA7", "BAB0AC")


def _forecast(ctx: PackContext):
    """The plan's forecast, computed once per export (None without a usable log)."""
    from models.audit.forecast_store import plan_forecast
    from models.audit.sheet import audit_once

    return audit_once(ctx, "forecast", plan_forecast)


def _squad_chart(ctx: PackContext):
    """(the squad summary, its XmR chart), or None with fewer than 5 check-ins."""
    from models.core.behaviour import xmr

    squad = ctx.summary.get("squad")
    if not squad:
        return None
    chart = xmr([c["value"] for c in squad.get("checkins", [])], squad.get("direction"))
    return None if chart is None else (squad, chart)


def _present(ctx: PackContext) -> bool:
    return _forecast(ctx) is not None or _squad_chart(ctx) is not None


def _build(wb, ctx: PackContext) -> None:
    from models.core.sheet import PackSheet

    fc = _forecast(ctx)
    sheet = PackSheet(wb, "Forecast", [28, 22, 18, 14, 16, 34], header=ctx.header, label=ctx.label)
    sheet.title_row("Day 90 before it comes: forecast, ageing work, the squad's signals")
    if fc is not None:
        _forecast_part(sheet, ctx, fc)
    squad = _squad_chart(ctx)
    if squad is not None:
        _behaviour_part(sheet, *squad)
    if fc is not None:
        _ageing_table(sheet, fc.ageing)
    sheet.finish()


def _forecast_part(sheet, ctx: PackContext, fc) -> None:
    from models.audit.forecast_store import plan_silo_money
    from models.audit.store import AuditError
    from models.core.sheet import COUNT_FORMAT, DATE_FORMAT, DECIMAL_FORMAT, Column, Figure

    tp, hm, wh = fc.throughput, fc.how_many, fc.when
    sheet.note(f"From the work-item log as of its latest entry ({fc.as_of:%d %b %Y %H:%M}): "
               f"{fc.trials:,} trials drawing daily throughput from the {tp.window_days} days to "
               f"{tp.days[-1]:%d %b %Y}, seeded.")
    sheet.heading("How many, and when")
    sheet.table(None, [Column("Probability", 28), Column(f"Items by {hm.until:%d %b}", 22, COUNT_FORMAT),
                       Column(f"{wh.items} items done by", 18, DATE_FORMAT)],
                [[f"{q} %", getattr(hm, f"p{q}"), getattr(wh, f"p{q}")] for q in PERCENTILES],
                empty="No forecast yet.")
    if wh.reason:
        sheet.note(wh.reason, colour="B71C1C")
    figures = [Figure("Completed in the window", tp.completed, COUNT_FORMAT, f"in the {tp.window_days} days"),
               Figure("Per day, on average", tp.per_day_mean, DECIMAL_FORMAT)]
    try:
        money = plan_silo_money(ctx.ws, ctx.plan.id)
    except AuditError:
        money = None
    if money is not None:
        figures.append(Figure(f"Silo tax in money ({money.currency})", round(money.amount, 2), "#,##0",
                              f"from {money.silo_tax_days:,.1f} days waiting between departments"))
    sheet.figures(figures)

    sheet.heading("The outcomes of the trials")
    marks = {q: getattr(hm, f"p{q}") for q in PERCENTILES}
    items = _histogram_data(sheet, hm.histogram, marks, "Items done")
    sheet.chart(lambda: _histogram_chart(items, f"Items done by {hm.until:%d %b}", "Items done"))
    if wh.histogram.values:
        marks = {q: getattr(wh, f"p{q}_days") for q in PERCENTILES if getattr(wh, f"p{q}_days") is not None}
        days = _histogram_data(sheet, wh.histogram, marks, "Days after the as-of date")
        sheet.chart(lambda: _histogram_chart(days, f"Days until {wh.items} items are done",
                                             "Days after the as-of date"))
    sheet.heading("Throughput")
    run = sheet.chart_data([Column("Day", 12, DATE_FORMAT), Column("Completed", 12, COUNT_FORMAT),
                            Column("Mean", 12, DECIMAL_FORMAT)],
                           [[d, n, round(tp.per_day_mean, 4)] for d, n in zip(tp.days, tp.counts)])
    sheet.chart(lambda: _run_chart(run, tp.per_day_mean))
    age = fc.ageing
    sheet.heading("Ageing work in progress")
    if age.items:
        data, build = _ageing_data(sheet, age)
        sheet.chart(build, share=0.6)
    if age.bands is None:
        sheet.note("No item has been completed yet, so the ageing chart has no percentile bands.")
    else:
        sheet.note(f"Ageing bands from the flow times of {age.completed} completed items: "
                   + ", ".join(f"{q}th {v:.1f} d" for q, v in age.bands.pairs())
                   + f". Older than the 85th: at risk ({len(age.at_risk)} items).")


def _histogram_data(sheet, histogram, marks: dict[int, int], label: str):
    """Outcome, trials, and the trials again on the outcome of a percentile (the red bars)."""
    from models.core.sheet import COUNT_FORMAT, Column

    from models.core.pack_charts import sparse_labels

    marked = set(marks.values())
    labels = sparse_labels(histogram.values, lambda v: f"{v:,}")
    return sheet.chart_data([Column(label, 14, COUNT_FORMAT), Column("Trials", 12, COUNT_FORMAT),
                             Column("Percentile (50, 85, 95 %)", 12, COUNT_FORMAT), Column("Label", 8)],
                            [[v, n, n if v in marked else None, text]
                             for v, n, text in zip(histogram.values, histogram.trials, labels)])


def _histogram_chart(data, title: str, x_title: str):
    from models.core.pack_charts import bar_chart

    return bar_chart(data, title, columns=(2, 3), colours=("90A4AE", "C62828"), overlap=100, gap=10,
                     x_title=x_title, y_title="Trials", value_format="#,##0", categories=4)


def _run_chart(data, mean: float):
    from models.core.pack_charts import add_line, bar_chart, date_categories

    chart = bar_chart(data, f"Completed per day (mean {mean:.2f})", columns=(2,), colours=("5B7DB1",),
                      y_title="Items")
    date_categories(chart, 7)
    add_line(chart, data, 3, "D9893B", dash=True)
    return chart


def _ageing_data(sheet, age):
    """Rows (status, column, age) grouped by status, then two rows per band (a line across),
    and a scatter chart with one series of dots per status: (the data, the chart's builder)."""
    from models.core.sheet import DAYS_FORMAT, Column

    columns = {s: i + 1 for i, s in enumerate(age.statuses)}
    rows: list[list[Any]] = []
    spans: list[tuple[str, int, int]] = []
    for status in age.statuses:
        start = len(rows)
        rows += [[status, columns[status], round(a.age_days, 4)] for a in age.in_status(status)]
        spans.append((f"{columns[status]} {status}", start, len(rows) - 1))
    if age.bands is not None:
        for q, v in age.bands.pairs():
            rows += [[f"{q}th percentile", 0.5, round(v, 4)], [f"{q}th percentile", len(columns) + 0.5, round(v, 4)]]
            spans.append((f"{q}th percentile", len(rows) - 2, len(rows) - 1))
    data = sheet.chart_data([Column("Status", 28), Column("Column", 8, "0.0"), Column("Age (days)", 12, DAYS_FORMAT)],
                            rows)

    def build():
        from openpyxl.chart import ScatterChart, Series

        from models.core.pack_charts import style_chart

        chart = ScatterChart()
        chart.style = 2
        for title, a, b in spans:
            series = Series(data.span(3, a, b), data.span(2, a, b), title=title)
            if title.endswith("percentile"):
                series.marker.symbol = "none"
                series.graphicalProperties.line.solidFill = BAND_COLOURS[int(title.split("th")[0])]
                series.graphicalProperties.line.dashStyle = "dash"
            else:
                colour = DOT_COLOURS[(len(chart.series)) % len(DOT_COLOURS)]
                series.marker.symbol = "circle"
                series.marker.size = 6
                series.marker.graphicalProperties.solidFill = colour
                series.marker.graphicalProperties.line.solidFill = colour
                series.graphicalProperties.line.noFill = True
            chart.series.append(series)
        style_chart(chart, "Age of open items by status", x_title="Status (numbered as in the legend)",
                    y_title="Age (days)")
        chart.x_axis.scaling.min = 0
        chart.x_axis.scaling.max = len(columns) + 1
        chart.x_axis.majorUnit = 1
        chart.x_axis.number_format = "0"
        chart.y_axis.number_format = "0"
        return chart

    return data, build


def _ageing_table(sheet, age) -> None:
    from models.core.sheet import DAYS_FORMAT, Column

    sheet.heading(f"Work in progress, oldest first: {len(age.items)} items, {len(age.at_risk)} at risk")
    sheet.table("Ageing", [Column("Item", 28), Column("Status", 22), Column("Department", 18),
                           Column("Age (days)", 14, DAYS_FORMAT), Column("In status (days)", 16, DAYS_FORMAT),
                           Column("At risk", 34)],
                [[a.item, a.status, a.department, a.age_days, a.in_status_days,
                  "older than the 85th percentile" if a.at_risk else ""] for a in age.items],
                repeat_header=True, empty="No work in progress: every item in the log is finished.")


def _behaviour_part(sheet, squad: dict[str, Any], chart) -> None:
    from models.core.sheet import DATE_FORMAT, DECIMAL_FORMAT, Column

    metric = squad.get("metric") or "the squad metric"
    sheet.heading(f"Process-behaviour chart: {metric} ({squad.get('name')})")
    sheet.note(f"Centre {chart.centre:.3g}; natural process limits {chart.lower:.3g} to {chart.upper:.3g} "
               f"(mean ± 2.66 × the mean moving range {chart.mean_moving_range:.3g}).")
    if not chart.signals:
        sheet.note("No signal: the metric varies within its natural limits (routine variation).")
    for s in chart.signals:
        sheet.note(s.text, colour="2E7D32" if s.improvement else "B71C1C" if s.improvement is False else None)
    data = sheet.chart_data([Column("Check-in", 12, DATE_FORMAT), Column("Value", 12, DECIMAL_FORMAT),
                             Column("Centre", 12, DECIMAL_FORMAT), Column("Upper limit", 12, DECIMAL_FORMAT),
                             Column("Lower limit", 12, DECIMAL_FORMAT)],
                            [[date.fromisoformat(c["date"]), c["value"], round(chart.centre, 6), round(chart.upper, 6),
                              round(chart.lower, 6)] for c in squad["checkins"]])

    def build():
        from openpyxl.chart import LineChart

        from models.core.pack_charts import style_chart, thin_labels

        line = LineChart()
        values = [c["value"] for c in squad["checkins"]] + [chart.lower, chart.upper]
        margin = (max(values) - min(values)) * 0.1 or 1
        line.y_axis.scaling.min = round(min(values) - margin, 6)
        line.y_axis.scaling.max = round(max(values) + margin, 6)
        line.y_axis.number_format = "0.00"
        line.x_axis.number_format = "dd mmm"
        line.add_data(data.values(2, 5), titles_from_data=True)
        line.set_categories(data.categories())
        for series, colour in zip(line.series, ("1565C0", "616161", "C62828", "C62828")):
            series.graphicalProperties.line.solidFill = colour
            series.smooth = False
            series.marker.symbol = "none"
        line.series[0].marker.symbol = "circle"
        line.series[0].marker.size = 6
        for series in line.series[2:]:
            series.graphicalProperties.line.dashStyle = "dash"
        style_chart(line, "Values and natural process limits", y_title=squad.get("unit") or "Value")
        thin_labels(line.x_axis, len(data.rows))
        return line

    sheet.chart(build)


SHEETS = (SheetSpec("forecast", "Forecast", _present, _build, order=25),)
