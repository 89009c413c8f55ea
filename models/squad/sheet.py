"""The Squad sheet of the status pack: charter, figures, tables and the metric chart."""
from __future__ import annotations


from models.core.pack import SheetSpec
from models.core.sheet import DATE_FORMAT, PERCENT_FORMAT, Column, PackSheet

def squad_states(ctx):
    if "squad_states" not in ctx.refs:
        from models.squad.service import plan_squad_states

        ctx.refs["squad_states"] = plan_squad_states(ctx.ws, ctx.plan.id, ctx.as_of)
    return ctx.refs["squad_states"]


def _metric_chart(sheet_title: str, ws, x_rows: tuple[int, int], unit: str, title: str):
    """A native scatter chart of actual values, the target path and the forecast."""
    from openpyxl.chart import Reference, ScatterChart, Series

    first, last = x_rows
    chart = ScatterChart()
    chart.title = title
    chart.style = 2
    chart.x_axis.title = "Date"
    chart.y_axis.title = unit or "Value"
    chart.x_axis.number_format = "dd mmm"
    chart.x_axis.majorTickMark = "out"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    xs = Reference(ws, min_col=1, min_row=first + 1, max_row=last)
    colours = {2: "1565C0", 3: "9E9E9E", 4: "D9893B"}
    for col, name in ((2, "Actual"), (3, "Target path"), (4, "Forecast")):
        ys = Reference(ws, min_col=col, min_row=first + 1, max_row=last)
        series = Series(ys, xs, title=name)
        series.graphicalProperties.line.solidFill = colours[col]
        series.graphicalProperties.line.width = 28000 if col == 2 else 19000
        if col == 2:
            series.marker.symbol = "circle"
            series.marker.size = 6
            series.marker.graphicalProperties.solidFill = colours[col]
        else:
            series.marker.symbol = "none"
            series.graphicalProperties.line.dashStyle = "dash"
        series.smooth = False
        chart.series.append(series)
    chart.legend.position = "b"
    return chart


def build_squad(wb, ctx) -> None:
    from models.squad.metrics import target_path

    states = squad_states(ctx)
    sheet = PackSheet(wb, "Squad", [30, 34, 16, 16, 34, 60], header=ctx.header, label=ctx.label)
    for n, state in enumerate(states):
        sq, fig = state.squad, state.figures
        if n:
            sheet.page_break()
        sheet.title_row(f"Squad: {sq.name}")
        sheet.append([sq.problem], wrap=False)
        sheet.blank()
        sheet.heading("Charter")
        unit = sq.metric_unit or ""
        rows = [
            ("Metric", f"{sq.metric_name} ({unit}, {'higher' if sq.direction == 'up' else 'lower'} is better)"),
            ("Baseline", f"{sq.baseline:g}{unit} on {sq.baseline_date:%d %b %Y}" if sq.baseline is not None
             and sq.baseline_date else "not set"),
            ("Target", f"{sq.target:g}{unit} by {sq.target_date:%d %b %Y}" if sq.target is not None
             and sq.target_date else "not set"),
            ("Reports to", sq.reporting_line or "not set"),
        ]
        for label, value in rows:
            sheet.append([label, value])
        sheet.append(["Decides without asking", "Granted?"], bold=True)
        for a in state.autonomy:
            sheet.append([a.decision, None, "granted" if a.granted else "not yet"],
                         colour=None if a.granted else "B71C1C")
        sheet.blank()
        sheet.heading("Where the metric stands")
        if fig is None:
            sheet.append(["The metric needs a baseline, a target and their dates before it can be tracked."])
        else:
            figures = [
                ("Latest", fig.latest, None), ("Progress toward the target", fig.progress, PERCENT_FORMAT),
                ("Forecast at the target date", fig.forecast, "0.00"),
                ("On track", {True: "yes", False: "no", None: "not enough check-ins"}[fig.on_track], None),
                ("Needed per week from now", fig.required_weekly_rate, "0.000"),
                ("Changes shipped per week", fig.velocity_per_week, "0.0"),
                ("Share of decided changes kept", fig.share_kept, PERCENT_FORMAT),
                ("Suggested day-90 verdict", fig.verdict_suggested, None),
                ("Recorded verdict", f"{sq.verdict}: {sq.verdict_rationale}" if sq.verdict else "not yet", None),
            ]
            for label, value, fmt in figures:
                sheet.append([label, value], fmt=fmt)
        for w in state.role_warnings:
            sheet.append([f"Role gap: {w.role}", w.risk], colour="B71C1C")
        sheet.blank()
        sheet.heading("Members")
        sheet.table(f"Members{n + 1}", [Column("Name", 30), Column("Role", 34), Column("From", 16),
                                        Column("Allocation", 16, "0\\%")],
                    [[m.name, m.role, m.department, m.allocation] for m in state.members])
        sheet.blank()
        sheet.heading("Weekly check-ins")
        sheet.table(f"CheckIns{n + 1}", [Column("Date", 30, DATE_FORMAT), Column("Value", 34, "0.00"),
                                         Column("Confidence 0-10", 16), Column("Morale 1-5", 16),
                                         Column("Blockers", 34), Column("Note", 60)],
                    [[c.date, c.value, c.confidence, c.morale, c.blockers, c.note] for c in state.checkins])
        sheet.blank()
        sheet.heading("Changes shipped")
        sheet.table(f"Changes{n + 1}", [Column("Date", 30, DATE_FORMAT), Column("Change", 34),
                                        Column("Outcome", 16), Column("Expected", 16), Column("Measured", 34),
                                        Column("Hypothesis", 60)],
                    [[c.date, c.title, c.outcome, c.expected_effect, c.measured_effect, c.hypothesis]
                     for c in state.changes])
        if fig is None or sq.baseline_date is None or sq.target_date is None:
            continue
        # Chart data: the baseline, every check-in, the target date.
        sheet.blank()
        sheet.page_break()
        sheet.heading(f"{sq.metric_name}: actual, target path and forecast")
        from models.squad.metrics import Metric

        metric = Metric(sq.metric_name, unit, sq.direction, sq.baseline, sq.baseline_date, sq.target,
                        sq.target_date)
        first = sheet.append(["Date", "Actual", "Target path", "Forecast"], bold=True)
        points = [(sq.baseline_date, sq.baseline)] + [(c.date, c.value) for c in state.checkins
                                                       if c.date <= ctx.as_of]
        days = sorted({d for d, _v in points} | {sq.target_date})
        actual = dict(points)
        for d in days:
            x = (d - sq.baseline_date).days
            forecast = fig.intercept + fig.slope * x if fig.slope is not None else None
            sheet.append([d, actual.get(d), round(target_path(metric, d), 6),
                          round(forecast, 6) if forecast is not None else None], fmt=None)
        last = sheet.row_no
        chart = _metric_chart("Squad", sheet.ws, (first, last), unit, f"{sq.metric_name} ({sq.name})")
        sheet.blank()
        sheet.chart(chart, new_page=False)
        if n == 0:
            ctx.refs.setdefault("summary_charts", []).append(
                lambda summary, rows=(first, last), u=unit, t=f"{sq.metric_name}: actual vs target path":
                _metric_chart("Squad", wb["Squad"], rows, u, t))


def has_squad(ctx) -> bool:
    return bool(squad_states(ctx))


SHEETS = (SheetSpec("squad", "Squad", has_squad, build_squad, order=30),)
