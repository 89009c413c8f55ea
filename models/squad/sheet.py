"""The Squad sheet of the status pack: charter, figures, tables and the metric chart."""
from __future__ import annotations

from models.core.pack import SheetSpec
from models.core.sheet import (DATE_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT, Column, Figure, PackSheet,
                               with_unit)

ACTUAL, TARGET, FORECAST = "1565C0", "9E9E9E", "D9893B"
#: check-ins the metric chart waits for
MIN_CHECKINS = 2


def squad_states(ctx):
    def compute():
        from models.squad.service import plan_squad_states

        return plan_squad_states(ctx.ws, ctx.plan.id, ctx.as_of)

    return ctx.once("squad_states", compute)


def _metric_chart(data, unit: str, title: str, first: object, last: object):
    """A native scatter chart on a date axis: the actual values, the target path (thin, grey) and
    the forecast (dashed, drawn last so the target path never hides it) from the latest check-in
    to the target date."""
    from openpyxl.chart import ScatterChart, Series
    from openpyxl.utils.datetime import to_excel

    from models.core.pack_charts import style_chart

    chart = ScatterChart()
    chart.style = 2
    for col, name, colour in ((3, "Target path", TARGET), (2, "Actual", ACTUAL), (4, "Forecast", FORECAST)):
        rows = [i for i, r in enumerate(data.rows) if r[col - 1] is not None]
        if not rows:
            continue
        series = Series(data.span(col, rows[0], rows[-1]), data.span(1, rows[0], rows[-1]), title=name)
        line = series.graphicalProperties.line
        line.solidFill = colour
        series.smooth = False
        if name == "Actual":
            line.width = 28575
            series.marker.symbol, series.marker.size = "circle", 6
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
        elif name == "Forecast":
            line.width, line.dashStyle = 28575, "dash"
            series.marker.symbol, series.marker.size = "diamond", 8
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
        else:
            line.width = 15875
            series.marker.symbol = "none"
        chart.series.append(series)
    style_chart(chart, title, y_title=unit or "Value")
    chart.x_axis.number_format = "dd mmm"
    chart.x_axis.scaling.min = to_excel(first) - 2
    chart.x_axis.scaling.max = to_excel(last) + 2
    chart.x_axis.majorUnit = 14
    chart.y_axis.number_format = "0.00"
    return chart


def build_squad(wb, ctx) -> None:
    states = squad_states(ctx)
    sheet = PackSheet(wb, "Squad", [32, 30, 16, 16, 34, 50], header=ctx.header, label=ctx.label)
    for n, state in enumerate(states):
        if n:
            sheet.page_break()
        _squad_part(sheet, wb, ctx, n, state)
    sheet.finish()


def _squad_part(sheet, wb, ctx, n: int, state) -> None:
    from models.squad.metrics import Metric, target_path

    sq, fig = state.squad, state.figures
    sheet.title_row(f"Squad: {sq.name}")
    if sq.problem:
        sheet.note(sq.problem)
    sheet.heading("Charter")
    unit = sq.metric_unit or ""
    sheet.figures([
        Figure("Metric", f"{sq.metric_name} ({unit}, {'higher' if sq.direction == 'up' else 'lower'} is better)"
               if unit else f"{sq.metric_name} ({'higher' if sq.direction == 'up' else 'lower'} is better)"),
        Figure("Baseline", f"{sq.baseline:g}{unit} on {sq.baseline_date:%d %b %Y}" if sq.baseline is not None
               and sq.baseline_date else "not set"),
        Figure("Target", f"{sq.target:g}{unit} by {sq.target_date:%d %b %Y}" if sq.target is not None
               and sq.target_date else "not set"),
        Figure("Reports to", sq.reporting_line or "not set"),
    ])
    sheet.heading("Decides without asking")
    if state.autonomy:
        for a in state.autonomy:
            sheet.append([sheet.cell("granted" if a.granted else "not yet", bold=True,
                                     colour="2E7D32" if a.granted else "B71C1C"), a.decision], span=True)
    else:
        sheet.empty("No decisions listed yet.")

    sheet.heading("Where the metric stands")
    if fig is None:
        sheet.empty("The metric needs a baseline, a target and their dates before it can be tracked.")
    else:
        value = with_unit(DECIMAL_FORMAT, unit)
        rate = '+0.00" pp a week";-0.00" pp a week"' if unit == "%" else with_unit("+0.00;-0.00", f"{unit} a week")
        sheet.figures([
            Figure("Latest", fig.latest, value, f"on {fig.latest_date:%d %b %Y}"),
            Figure("Progress toward the target", fig.progress, PERCENT_FORMAT),
            Figure("Forecast at the target date", fig.forecast, value),
            Figure("On track", {True: "yes", False: "no", None: "not enough check-ins"}[fig.on_track]),
            Figure("Needed per week from now", fig.required_weekly_rate, rate),
            Figure("Changes shipped per week", fig.velocity_per_week, "0.0"),
            Figure("Share of decided changes kept", fig.share_kept, PERCENT_FORMAT),
            Figure("Suggested day-90 verdict", fig.verdict_suggested),
            Figure("Recorded verdict", f"{sq.verdict}: {sq.verdict_rationale}" if sq.verdict else "not yet"),
            *(Figure(f"Role gap: {w.role}", w.risk, colour="B71C1C") for w in state.role_warnings),
        ])
    sheet.heading("Members")
    sheet.table(f"Members{n + 1}", [Column("Name", 32), Column("Role", 30), Column("From", 16),
                                    Column("Allocation", 16, "0\\%")],
                [[m.name, m.role, m.department, m.allocation] for m in state.members],
                empty="No members yet.")
    sheet.heading("Weekly check-ins")
    sheet.table(f"CheckIns{n + 1}", [Column("Date", 32, DATE_FORMAT), Column("Value", 30, with_unit(DECIMAL_FORMAT,
                                                                                                      unit)),
                                     Column("Confidence 0-10", 16, "0"), Column("Morale 1-5", 16, "0"),
                                     Column("Blockers", 34), Column("Note", 50)],
                [[c.date, c.value, c.confidence, c.morale, c.blockers, c.note] for c in state.checkins],
                empty="No check-ins yet.")
    sheet.heading("Changes shipped")
    sheet.table(f"Changes{n + 1}", [Column("Date", 32, DATE_FORMAT), Column("Change", 30), Column("Outcome", 16),
                                    Column("Expected", 16), Column("Measured", 34), Column("Hypothesis", 50)],
                [[c.date, c.title, c.outcome, c.expected_effect, c.measured_effect, c.hypothesis]
                 for c in state.changes],
                empty="No changes shipped yet.")
    if fig is None or sq.baseline_date is None or sq.target_date is None:
        return
    sheet.heading(f"{sq.metric_name}: actual, target path and forecast")
    checked = sum(c.date <= ctx.as_of for c in state.checkins)
    if checked < MIN_CHECKINS:  # a baseline and one point make no trend
        sheet.empty(f"The chart appears after {MIN_CHECKINS} weekly check-ins ({checked} so far).")
        return
    # The chart's data: the baseline, every check-in, the target date; the forecast from the latest check-in.
    metric = Metric(sq.metric_name, unit, sq.direction, sq.baseline, sq.baseline_date, sq.target, sq.target_date)
    points = [(sq.baseline_date, sq.baseline)] + [(c.date, c.value) for c in state.checkins if c.date <= ctx.as_of]
    actual = dict(points)
    latest = max(actual)
    rows = []
    for d in sorted(set(actual) | {sq.target_date}):
        fitted = fig.intercept + fig.slope * (d - sq.baseline_date).days if fig.slope is not None else None
        rows.append([d, actual.get(d), round(target_path(metric, d), 6),
                     round(fitted, 6) if fitted is not None and d >= latest else None])
    data = sheet.chart_data([Column("Date", 12, DATE_FORMAT), Column("Actual", 12, DECIMAL_FORMAT),
                             Column("Target path", 12, DECIMAL_FORMAT), Column("Forecast", 12, DECIMAL_FORMAT)],
                            rows)
    first, last = rows[0][0], rows[-1][0]
    sheet.chart(lambda: _metric_chart(data, unit, sq.metric_name, first, last))
    if n == 0:
        ctx.refs.setdefault("summary_charts", []).append(
            lambda: _metric_chart(data, unit, f"Squad: {sq.metric_name}", first, last))


def has_squad(ctx) -> bool:
    return bool(squad_states(ctx))


SHEETS = (SheetSpec("squad", "Squad", has_squad, build_squad, order=30),)
