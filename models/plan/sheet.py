"""The Roadmap sheet of the status pack: milestones, status colours and a native Gantt."""
from __future__ import annotations

from models.core.pack import PackContext, SheetSpec
from models.plan.schema import STEP_NAMES
from models.plan.service import list_milestones, list_phases

STATUS_FILL = {"done": "C8E6C9", "in progress": "BBDEFB", "not started": "EEEEEE", "blocked": "FFCDD2"}


def _build_roadmap(wb, ctx: PackContext) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font, PatternFill

    from models.core.sheet import DATE_FORMAT, Column, PackSheet

    sheet = PackSheet(wb, "Roadmap", [23, 46, 18, 12, 12, 10, 14, 12, 10], header=ctx.header,
                      label=ctx.label, freeze="A4")
    sheet.title_row(f"Roadmap: {ctx.plan.name}")
    sheet.append([f"As of {ctx.as_of:%d %b %Y}. Slip = due date minus baseline due date, in days "
                  "(positive = later than planned)."])
    columns = [Column("Step", 23), Column("Milestone", 46), Column("Owner", 18),
               Column("Due", 12, DATE_FORMAT), Column("Baseline due", 12, DATE_FORMAT),
               Column("Slip (days)", 10, "+0;-0;0"), Column("Status", 14), Column("Done on", 12, DATE_FORMAT),
               Column("Overdue", 10)]
    milestones = sorted(list_milestones(ctx.ws, ctx.plan.id), key=lambda m: (m.due, m.id))
    rows = [[STEP_NAMES[m.step], m.title, m.owner, m.due, m.baseline_due, m.slip_days, m.status, m.done_date,
             "yes" if m.is_overdue(ctx.as_of) else "no"] for m in milestones]
    first, last = sheet.table("Milestones", columns, rows)
    sheet.print_titles(f"{first}:{first}")
    if rows:
        status_range = f"G{first + 1}:G{last}"
        for status, colour in STATUS_FILL.items():
            sheet.ws.conditional_formatting.add(status_range, CellIsRule(
                operator="equal", formula=[f'"{status}"'], fill=PatternFill("solid", start_color=colour,
                                                                             end_color=colour)))
        sheet.ws.conditional_formatting.add(f"A{first + 1}:I{last}", FormulaRule(
            formula=[f'$I{first + 1}="yes"'], font=Font(color="B71C1C", bold=True)))

    # Phases on a timeline: a stacked bar whose first (invisible) series is the offset.
    sheet.blank()
    sheet.page_break()
    sheet.heading("The three steps on the 90-day timeline (days from the plan's start)")
    phases = list_phases(ctx.ws, ctx.plan.id)
    data_first = sheet.append(["Step", "Starts on day", "Lasts (days)", "Start", "End"], bold=True)
    for ph in phases:
        sheet.append([ph.name, (ph.start - ctx.plan.start).days + 1, (ph.end - ph.start).days + 1,
                      ph.start, ph.end])
    data_last = sheet.row_no
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Phases"
    chart.y_axis.title = "Day of the plan"
    chart.y_axis.scaling.min = 0
    last_day = max(((ph.end - ctx.plan.start).days + 1 for ph in phases), default=0)
    chart.y_axis.scaling.max = max(ctx.plan.horizon_days, last_day)
    chart.x_axis.scaling.orientation = "maxMin"  # first step on top, like the app
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    data = Reference(sheet.ws, min_col=2, max_col=3, min_row=data_first, max_row=data_last)
    cats = Reference(sheet.ws, min_col=1, min_row=data_first + 1, max_row=data_last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    offset, length = chart.series
    offset.graphicalProperties.noFill = True
    offset.graphicalProperties.line.noFill = True
    length.graphicalProperties.solidFill = "5B7DB1"
    chart.legend = None
    sheet.blank()
    sheet.chart(chart, new_page=False)


SHEETS = (SheetSpec("roadmap", "Roadmap", lambda ctx: True, _build_roadmap, order=10),)
