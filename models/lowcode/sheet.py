"""The Low-code sheet of the status pack: share against target, the reasons Pareto, requests and tools."""
from __future__ import annotations


from models.core.pack import SheetSpec
from models.core.sheet import DATE_FORMAT, PERCENT_FORMAT, Column, PackSheet

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


SHEETS = (SheetSpec("lowcode", "Low-code", has_lowcode, build_lowcode, order=40),)
