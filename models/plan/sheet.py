"""The Roadmap sheet of the status pack: the steps on a dated timeline with their milestones and
today, then the milestone table (its header repeated on every page it runs to)."""
from __future__ import annotations

from models.core.pack import PackContext, SheetSpec
from models.plan.info import STEP_NAMES
from models.plan.service import list_milestones, list_phases

STATUS_FILL = {"done": "C8E6C9", "in progress": "BBDEFB", "not started": "EEEEEE", "blocked": "FFCDD2"}
STEP_COLOURS = ("5B7DB1", "5A9E6F", "D9893B", "8E6C8A")
#: milestone markers on the timeline: (group, colour)
MARKERS = (("Done", "2E7D32"), ("Open", "1565C0"), ("Overdue or blocked", "C62828"))
#: milestones sit just above their step's bar, where the bar cannot cover them
MARKER_LIFT = 0.28


def _build_roadmap(wb, ctx: PackContext) -> None:
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font, PatternFill

    from models.core.sheet import DATE_FORMAT, SIGNED_FORMAT, Column, PackSheet

    sheet = PackSheet(wb, "Roadmap", [23, 46, 18, 12, 14, 12, 14, 12, 10], header=ctx.header, label=ctx.label)
    sheet.title_row(f"Roadmap: {ctx.plan.name}")
    sheet.note(f"As of {ctx.as_of:%d %b %Y}. Slip = due date minus baseline due date, in days "
               "(positive = later than planned).")
    milestones = sorted(list_milestones(ctx.ws, ctx.plan.id), key=lambda m: (m.due, m.id))
    phases = list_phases(ctx.ws, ctx.plan.id)
    if phases:
        sheet.heading("The steps on the calendar, with their milestones and today")
        sheet.chart(_timeline(sheet, ctx, phases, milestones), share=0.5)

    sheet.heading("Milestones")
    columns = [Column("Step", 23), Column("Milestone", 46), Column("Owner", 18),
               Column("Due", 12, DATE_FORMAT), Column("Baseline due", 14, DATE_FORMAT),
               Column("Slip (days)", 12, SIGNED_FORMAT), Column("Status", 14), Column("Done on", 12, DATE_FORMAT),
               Column("Overdue", 10)]
    rows = [[STEP_NAMES[m.step], m.title, m.owner, m.due, m.baseline_due, m.slip_days, m.status, m.done_date,
             "yes" if m.is_overdue(ctx.as_of) else "no"] for m in milestones]
    span = sheet.table("Milestones", columns, rows, repeat_header=True,
                       empty="No milestones yet: each step needs at least one (Plan page, Add milestone).")
    if span:
        first, last = span
        for status, colour in STATUS_FILL.items():
            sheet.ws.conditional_formatting.add(f"G{first + 1}:G{last}", CellIsRule(
                operator="equal", formula=[f'"{status}"'], fill=PatternFill("solid", start_color=colour,
                                                                             end_color=colour)))
        sheet.ws.conditional_formatting.add(f"A{first + 1}:I{last}", FormulaRule(
            formula=[f'$I{first + 1}="yes"'], font=Font(color="B71C1C", bold=True)))
    sheet.finish()


def _timeline(sheet, ctx: PackContext, phases, milestones):
    """A native scatter chart on a date axis: each step a thick bar from its start to its end, the
    milestones as diamonds on their step's bar (green done, blue open, red overdue or blocked),
    today as a dashed red line."""
    from models.core.sheet import DATE_FORMAT, Column

    row_of = {ph.step: i for i, ph in enumerate(phases, start=1)}
    rows, spans = [], []
    for ph in phases:
        rows += [[ph.name, ph.start, row_of[ph.step]], [ph.name, ph.end, row_of[ph.step]]]
        spans.append((ph.name, len(rows) - 2, len(rows) - 1, "step"))
    for group, _colour in MARKERS:
        mine = [m for m in milestones if _group(m, ctx.as_of) == group and m.step in row_of]
        if mine:
            rows += [[m.title, m.due, row_of[m.step] - MARKER_LIFT] for m in mine]
            spans.append((group, len(rows) - len(mine), len(rows) - 1, "milestone"))
    days = [r[1] for r in rows]
    low, high = min(days), max(days)
    if low <= ctx.as_of <= high:
        rows += [["Today", ctx.as_of, 0.5], ["Today", ctx.as_of, len(phases) + 0.5]]
        spans.append((f"Today ({ctx.as_of:%d %b})", len(rows) - 2, len(rows) - 1, "today"))
    data = sheet.chart_data([Column("Series", 30), Column("Date", 12, DATE_FORMAT), Column("Row", 6, "0.0")],
                            rows)

    def build():
        from openpyxl.chart import ScatterChart, Series
        from openpyxl.chart.axis import ChartLines
        from openpyxl.chart.label import DataLabel, DataLabelList
        from openpyxl.utils.datetime import to_excel

        from models.core.pack_charts import chart_text, style_chart

        chart = ScatterChart()
        chart.style = 2
        colours = dict(MARKERS)
        for n, (title, a, b, kind) in enumerate(spans):
            series = Series(data.span(3, a, b), data.span(2, a, b), title=title)
            line = series.graphicalProperties.line
            series.smooth = False
            if kind == "step":
                line.solidFill, line.width = STEP_COLOURS[n % len(STEP_COLOURS)], 127000  # 10 pt: a bar
                series.marker.symbol = "none"
                quiet = dict(showVal=False, showCatName=False, showLegendKey=False, showPercent=False,
                             showBubbleSize=False)
                series.dLbls = DataLabelList(
                    dLbl=[DataLabel(idx=0, showSerName=True, dLblPos="b", txPr=chart_text(9, bold=True), **quiet)],
                    showSerName=False, **quiet)
            elif kind == "milestone":
                line.noFill = True
                series.marker.symbol, series.marker.size = "diamond", 10
                series.marker.graphicalProperties.solidFill = colours[title]
                series.marker.graphicalProperties.line.solidFill = "FFFFFF"
            else:
                line.solidFill, line.width, line.dashStyle = "C62828", 22225, "dash"
                series.marker.symbol = "none"
            chart.series.append(series)
        style_chart(chart, "Steps, milestones and today")
        chart.x_axis.number_format = "dd mmm"
        chart.x_axis.scaling.min = to_excel(low) - 6  # room for the first step's name under its start
        chart.x_axis.scaling.max = to_excel(high) + 1
        chart.x_axis.majorUnit = 7
        chart.x_axis.majorGridlines = ChartLines()
        chart.y_axis.scaling.min = 0.3
        chart.y_axis.scaling.max = len(phases) + 0.7
        chart.y_axis.scaling.orientation = "maxMin"  # the first step on top, as in the app
        chart.x_axis.crosses = "max"  # the dates below the bars
        chart.y_axis.delete = True
        chart.y_axis.majorGridlines = None
        return chart

    return build


def _group(m, as_of) -> str:
    if m.status == "done":
        return "Done"
    return "Overdue or blocked" if m.status == "blocked" or m.is_overdue(as_of) else "Open"


SHEETS = (SheetSpec("roadmap", "Roadmap", lambda ctx: True, _build_roadmap, order=10),)
