"""The Low-code sheet of the status pack: share against target, the reasons Pareto, tools and requests."""
from __future__ import annotations

from datetime import timedelta

from models.core.pack import SheetSpec
from models.core.sheet import COUNT_FORMAT, DATE_FORMAT, PERCENT_FORMAT, Column, Figure, PackSheet, with_unit

SELF_SERVE, ROLLING, TARGET, DEVELOPER = "5A9E6F", "1565C0", "C62828", "D9893B"


def lowcode_state(ctx):
    def compute():
        from models.lowcode.service import lowcode_state as state

        return state(ctx.ws, ctx.plan.id, ctx.as_of)

    return ctx.once("lowcode_state", compute)


def has_lowcode(ctx) -> bool:
    return lowcode_state(ctx).has_data


def _share_chart(data, title: str):
    """Each week's self-serve share as a bar, the rolling 4-week share and the target as lines."""
    from models.core.pack_charts import add_line, bar_chart

    chart = bar_chart(data, title, columns=(2,), colours=(SELF_SERVE,), gap=40, y_title="Self-serve share",
                      value_format="0%")
    chart.y_axis.scaling.max = 1
    chart.x_axis.number_format = "dd mmm"
    add_line(chart, data, 3, ROLLING, marker="circle")
    add_line(chart, data, 4, TARGET, dash=True)
    return chart


def _pareto_chart(data):
    from models.core.pack_charts import add_line, bar_chart

    chart = bar_chart(data, "Why a developer was needed", columns=(2,), colours=(DEVELOPER,), y_title="Requests")
    line = add_line(chart, data, 3, TARGET, marker="circle", secondary="Cumulative share", value_format="0%")
    line.y_axis.scaling.min, line.y_axis.scaling.max = 0, 1
    return chart


def _weekly_rows(st) -> list[list]:
    """(week starting, its self-serve share, the rolling 4-week share at its end, the target) per week."""
    rolling = dict(st.rolling_share())
    f = st.figures
    return [[w.week_start, w.share, rolling.get(min(w.week_start + timedelta(days=6), st.as_of)), f.target_share]
            for w in f.weekly_share]


def build_lowcode(wb, ctx) -> None:
    from models.lowcode.figures import MIN_EVIDENCE

    st = lowcode_state(ctx)
    f = st.figures
    sheet = PackSheet(wb, "Low-code", [40, 18, 18, 14, 14, 14, 18, 20, 12], header=ctx.header, label=ctx.label)
    sheet.title_row("Empower with low-code: who ships what, and how fast")
    sheet.note(f"As of {ctx.as_of:%d %b %Y}. A request is delivered once it has a delivered date on or before "
               "that day; the last 4 weeks are the 28 days ending then.")
    recent, recent_self = st.recent_delivered
    days = with_unit("0.0", "days")
    sheet.figures([
        Figure("Self-serve share, last 4 weeks", f.share_last_4_weeks, PERCENT_FORMAT,
               f"{recent_self} of {recent} delivered requests"),
        Figure("Self-serve share, all time", f.share_cumulative, PERCENT_FORMAT,
               f"{f.self_serve} of {f.delivered} delivered requests"),
        Figure("Target", f.target_share, PERCENT_FORMAT),
        Figure("Median lead time, self-serve", f.median_lead_days.get("self_serve"), days),
        Figure("Median lead time, developer", f.median_lead_days.get("developer"), days),
        Figure("Open developer queue", len(f.open_developer_queue), COUNT_FORMAT,
               f"oldest waiting {f.oldest_open_days} days" if f.oldest_open_days is not None else ""),
        Figure("Tools adopted", f.tools_adopted, COUNT_FORMAT),
        Figure("People trained", f.people_trained, COUNT_FORMAT, "on tools adopted or rolling out"),
    ])

    sheet.heading("Weekly self-serve share of delivered requests")
    if f.delivered >= MIN_EVIDENCE and sum(1 for w in f.weekly_share if w.delivered) >= 2:
        weekly = sheet.chart_data([Column("Week starting", 14, DATE_FORMAT),
                                   Column("Week's share", 12, PERCENT_FORMAT),
                                   Column("Last 4 weeks", 12, PERCENT_FORMAT),
                                   Column("Target", 12, PERCENT_FORMAT)], _weekly_rows(st))
        sheet.chart(lambda: _share_chart(weekly, "Self-serve share per week vs target"))
        ctx.refs.setdefault("summary_charts", []).append(lambda: _share_chart(weekly, "Self-serve share"))
    else:
        sheet.empty(f"The weekly chart appears once {MIN_EVIDENCE} requests are delivered over two weeks or more "
                    f"({f.delivered} delivered so far).")

    sheet.heading("Why requests still need a developer (the components to build next)")
    reason_columns = [Column("Reason", 40), Column("Requests", 18, COUNT_FORMAT),
                      Column("Cumulative share", 18, PERCENT_FORMAT)]
    reasons = [[r.reason, r.count, r.cumulative_share] for r in f.top_reasons]
    sheet.table(None, reason_columns, reasons, empty="No request has needed a developer yet.")
    if len(reasons) >= 3:  # a Pareto of one or two reasons says no more than the table
        pareto = sheet.chart_data(reason_columns, reasons)
        sheet.chart(lambda: _pareto_chart(pareto))

    sheet.heading("Tools")
    sheet.table("Tools", [Column("Tool", 40), Column("Capability", 18), Column("Owner", 18),
                          Column("People trained", 14, COUNT_FORMAT), Column("Status", 14)],
                [[t.name, t.capability, t.owner, t.trained, t.status] for t in st.tools],
                empty="No low-code tools yet.")
    sheet.heading("Requests, newest first")
    sheet.table("Requests", [Column("Request", 40), Column("Type", 18), Column("Team", 18),
                             Column("Requested", 14, DATE_FORMAT), Column("Delivered", 14, DATE_FORMAT),
                             Column("Route", 14), Column("Tool", 18), Column("Why a developer", 20),
                             Column("Lead days", 12, COUNT_FORMAT)],
                [[r.title, r.type, r.team, r.requested, r.delivered, r.route, r.tool, r.reason,
                  (r.delivered - r.requested).days if r.delivered and r.delivered <= ctx.as_of else None]
                 for r in reversed(st.requests)],
                repeat_header=True, empty="No requests yet.")
    sheet.finish()


SHEETS = (SheetSpec("lowcode", "Low-code", has_lowcode, build_lowcode, order=40),)
