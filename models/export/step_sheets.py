"""Status-pack sheets for the squad and the ownership map (see ``models.export.pack``)."""
from __future__ import annotations

from datetime import date, timedelta

from models.export.sheet import DATE_FORMAT, PERCENT_FORMAT, Column, PackSheet, col_letter  # noqa: F401

LETTER_FILL = {"A": "1F3A93", "R": "5B7DB1", "C": "D6E0F0", "I": "EEEEEE"}
LETTER_FONT = {"A": "FFFFFF", "R": "FFFFFF", "C": "000000", "I": "000000"}
SEVERITY_FILL = {"error": "FFCDD2", "warning": "FFE0B2"}


# --------------------------------------------------------------------------- squad

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


# --------------------------------------------------------------------------- ownership

def ownership_map(ctx):
    if "ownership_map" not in ctx.refs:
        from models.ownership.service import get_map

        ctx.refs["ownership_map"] = get_map(ctx.ws, ctx.plan.id)
    return ctx.refs["ownership_map"]


def build_ownership(wb, ctx) -> None:
    from models.ownership.service import escalation_choices, escalation_label

    m = ownership_map(ctx)
    depts = list(m.departments)
    widths = [10, 30] + [14] * len(depts) + [30]
    sheet = PackSheet(wb, "Ownership", widths, header=ctx.header, label=ctx.label, freeze="C4")
    sheet.title_row("Who owns the shared functions (R responsible, A accountable, C consulted, I informed)")
    sheet.append(["Each capability needs exactly one A. Rows in red or orange have a finding; "
                  "the findings below say what to do."])
    from openpyxl.styles import Alignment

    header = [sheet._cell(t, bold=True, colour="FFFFFF", fill="23313F")
              for t in ["Layer", "Capability"] + [d.name for d in depts] + ["Escalates to"]]
    for c in header:
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.ws.row_dimensions[sheet.row_no + 1].height = 30  # two lines for long department names
    sheet.ws.append(header)
    sheet.row_no += 1
    severities = m.severities()
    choices = escalation_choices(ctx.ws, ctx.plan.id)
    layer_names = {"front": "Front", "middle": "Middle", "back": "Back"}
    for cap in m.capabilities:
        sev = severities.get(cap.name)
        row = [sheet._cell(layer_names.get(cap.layer, cap.layer)),
               sheet._cell(cap.name, bold=bool(sev), fill=SEVERITY_FILL.get(sev))]
        for d in depts:
            letter = m.letter(cap.id, d.id)
            cell = sheet._cell(letter, bold=letter == "A", fill=LETTER_FILL.get(letter),
                               colour=LETTER_FONT.get(letter)) if letter else None
            if cell is not None:
                cell.alignment = Alignment(horizontal="center")
            row.append(cell)
        row.append(sheet._cell(escalation_label(cap.escalation, choices)))
        sheet.ws.append(row)
        sheet.row_no += 1
    sheet.blank()
    findings = m.findings()
    sheet.heading(f"Findings ({len(findings)})" if findings else "Findings: none, every capability has one owner")
    # Problem and advice overflow to the right across the grid's empty cells, so they read in full.
    for f in findings:
        sheet.append([f.severity, f.capability or f.department or "", f.problem],
                     bold=True, colour="B71C1C" if f.severity == "error" else "E65100")
        sheet.append([None, None, f"→ {f.advice}"])


def has_squad(ctx) -> bool:
    return bool(squad_states(ctx))


def has_ownership(ctx) -> bool:
    return not ownership_map(ctx).is_empty


__all__ = ["build_squad", "build_ownership", "has_squad", "has_ownership", "col_letter", "date", "timedelta"]


# --------------------------------------------------------------------------- low-code

def lowcode_state(ctx):
    if "lowcode_state" not in ctx.refs:
        from models.lowcode.service import lowcode_state as state

        ctx.refs["lowcode_state"] = state(ctx.ws, ctx.plan.id, ctx.as_of)
    return ctx.refs["lowcode_state"]


def has_lowcode(ctx) -> bool:
    return lowcode_state(ctx).has_data


def _share_chart(ws, rows: tuple[int, int], title: str):
    """Weekly self-serve share against the target: a native line chart."""
    from openpyxl.chart import LineChart, Reference

    first, last = rows
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = "Self-serve share"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.number_format = "dd mmm"
    chart.x_axis.title = "Week starting"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
    share, target = chart.series
    share.graphicalProperties.line.solidFill = "5A9E6F"
    share.graphicalProperties.line.width = 28000
    share.marker.symbol = "circle"
    share.marker.size = 5
    target.graphicalProperties.line.solidFill = "C62828"
    target.graphicalProperties.line.dashStyle = "dash"
    target.marker.symbol = "none"
    chart.legend.position = "b"
    return chart


def build_lowcode(wb, ctx) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference

    st = lowcode_state(ctx)
    f = st.figures
    sheet = PackSheet(wb, "Low-code", [40, 18, 16, 14, 14, 14, 18, 20, 12], header=ctx.header, label=ctx.label)
    sheet.title_row("Empower with low-code: who ships what, and how fast")
    sheet.append([f"As of {ctx.as_of:%d %b %Y}. A request is delivered once it has a delivered date on or before "
                  "that day; the last 4 weeks are the 28 days ending then."])
    sheet.blank()
    recent, recent_self = st.recent_delivered
    figures = [
        ("Self-serve share, last 4 weeks", f.share_last_4_weeks, PERCENT_FORMAT, f"{recent_self} of {recent}"),
        ("Self-serve share, all time", f.share_cumulative, PERCENT_FORMAT, f"{f.self_serve} of {f.delivered}"),
        ("Target", f.target_share, PERCENT_FORMAT, ""),
        ("Median lead time, self-serve (days)", f.median_lead_days.get("self_serve"), "0.0", ""),
        ("Median lead time, developer (days)", f.median_lead_days.get("developer"), "0.0", ""),
        ("Open developer queue", len(f.open_developer_queue), "0",
         f"oldest {f.oldest_open_days} days" if f.oldest_open_days is not None else ""),
        ("Tools adopted / people trained", f.tools_adopted, "0", f"{f.people_trained} people trained"),
    ]
    for label, value, fmt, note in figures:
        sheet.ws.append([sheet._cell(label, bold=True), sheet._cell(value, fmt=fmt), sheet._cell(note)])
        sheet.row_no += 1
    sheet.blank()
    sheet.heading("Why requests still need a developer (the backlog of components to build next)")
    reason_first = sheet.append(["Reason", "Requests", "Cumulative share"], bold=True)
    for r in f.top_reasons:
        sheet.append([r.reason, r.count, r.cumulative_share], fmt=None)
    reason_last = sheet.row_no

    # Weekly share vs target (the chart's data).
    sheet.blank()
    sheet.page_break()
    sheet.heading("Weekly self-serve share of delivered requests")
    week_first = sheet.append(["Week starting", "Self-serve share", "Target", "Delivered", "Self-serve"], bold=True)
    for w in f.weekly_share:
        sheet.ws.append([sheet._cell(w.week_start), sheet._cell(w.share, fmt=PERCENT_FORMAT),
                         sheet._cell(f.target_share, fmt=PERCENT_FORMAT), w.delivered, w.self_serve])
        sheet.row_no += 1
    week_last = sheet.row_no
    if f.weekly_share:
        sheet.blank()
        sheet.chart(_share_chart(sheet.ws, (week_first, week_last), "Self-serve share per week vs target"),
                    new_page=False)
        ctx.refs.setdefault("summary_charts", []).append(
            lambda summary, rows=(week_first, week_last): _share_chart(wb["Low-code"], rows,
                                                                       "Self-serve share vs target"))
    if f.top_reasons:
        pareto = BarChart()
        pareto.title = "Reasons a developer was needed"
        pareto.y_axis.title = "Requests"
        pareto.x_axis.delete = False
        pareto.y_axis.delete = False
        pareto.add_data(Reference(sheet.ws, min_col=2, min_row=reason_first, max_row=reason_last),
                        titles_from_data=True)
        pareto.set_categories(Reference(sheet.ws, min_col=1, min_row=reason_first + 1, max_row=reason_last))
        pareto.series[0].graphicalProperties.solidFill = "D9893B"
        line = LineChart()
        line.add_data(Reference(sheet.ws, min_col=3, min_row=reason_first, max_row=reason_last),
                      titles_from_data=True)
        line.y_axis.axId = 200
        line.y_axis.number_format = "0%"
        line.y_axis.scaling.max = 1
        line.y_axis.crosses = "max"
        line.y_axis.title = "Cumulative share"
        pareto += line
        pareto.legend.position = "b"
        sheet.chart(pareto)

    sheet.page_break()
    sheet.heading("Requests")
    sheet.table("Requests", [Column("Request", 40), Column("Type", 18), Column("Team", 16),
                             Column("Requested", 14, DATE_FORMAT), Column("Delivered", 14, DATE_FORMAT),
                             Column("Route", 14), Column("Tool", 18), Column("Why a developer", 20),
                             Column("Lead days", 12)],
                [[r.title, r.type, r.team, r.requested, r.delivered, r.route, r.tool, r.reason,
                  (r.delivered - r.requested).days if r.delivered and r.delivered <= ctx.as_of else None]
                 for r in reversed(st.requests)])
    sheet.blank()
    sheet.heading("Tools")
    sheet.table("Tools", [Column("Tool", 40), Column("Capability", 18), Column("Owner", 16),
                          Column("People trained", 14), Column("Status", 14)],
                [[t.name, t.capability, t.owner, t.trained, t.status] for t in st.tools])
