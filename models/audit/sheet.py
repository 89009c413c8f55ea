"""The Bottlenecks and Audit log sheets of the status pack."""
from __future__ import annotations

import re
from datetime import datetime
from statistics import median
from typing import Any, Callable

from models.core.pack import PackContext, SheetSpec

#: the waiting-days heatmap's colour scale: fewest, median, most
SCALE = ("FFF8E1", "FFB74D", "C62828")


def audit_once(ctx: PackContext, key: str, compute: Callable[[Any, int], Any]):
    """``compute(workspace, plan id)``, once per export; None when the plan's audit data cannot be used."""
    def run():
        from models.audit.store import AuditError

        try:
            return compute(ctx.ws, ctx.plan.id)
        except AuditError:
            return None

    return ctx.once(key, run)


def _audit_result(ctx: PackContext):
    """The audit figures (None when the plan has no audit data)."""
    from models.audit.store import analyse_plan

    return audit_once(ctx, "audit_result", analyse_plan)


def _build_bottlenecks(wb, ctx: PackContext) -> None:
    from models.core.sheet import (COUNT_FORMAT, DAYS_FORMAT, PERCENT_FORMAT, Column, Figure, PackSheet,
                                   with_unit)

    from models.audit.store import get_stage_map

    result = _audit_result(ctx)
    departments, sources, waits = _heatmap(result, get_stage_map(ctx.ws, ctx.plan.id))
    widths = [44, 22, 12, 12, 13, 12, 14, 14]
    widths += [13] * max(0, len(departments) + 1 - len(widths))
    sheet = PackSheet(wb, "Bottlenecks", widths, header=ctx.header, label=ctx.label)
    sheet.title_row("Where work stalls: the silo tax")
    sheet.note(f"From the work-item log, as of its latest entry ({result.as_of:%d %b %Y %H:%M}). Days are "
               "calendar days; a queue is time an item waits, active is time someone works on it. A handoff "
               "runs from the last active department to the department of the queue the item then waits in.")
    days = with_unit(DAYS_FORMAT, "days")
    sheet.figures([
        Figure("Silo tax (days waiting between departments)", result.silo_tax_days, days),
        Figure("Silo tax, share of all flow time", result.silo_tax_share, PERCENT_FORMAT),
        Figure("Flow efficiency (active ÷ all flow time)", result.flow_efficiency, PERCENT_FORMAT),
        Figure("Flow time, median (finished items)", result.flow_time_median, days),
        Figure("Flow time, 85th percentile", result.flow_time_p85, days),
        Figure("Work items in the log", result.items, COUNT_FORMAT, f"{result.completed:,} finished"),
    ])

    sheet.heading("Handoffs, ranked by days waiting")
    sheet.table("Handoffs", [Column("From", 44), Column("To", 22), Column("Items", 12, COUNT_FORMAT),
                             Column("Total days", 12, DAYS_FORMAT), Column("Median days", 13, DAYS_FORMAT),
                             Column("P85 days", 12, DAYS_FORMAT), Column("Silo handoff", 14)],
                [[h.from_department, h.to_department, h.items, h.total_days, h.median_days, h.p85_days,
                  "yes" if h.is_silo else "no"] for h in result.handoffs],
                empty="No handoffs: no item moved from one department to another.")
    sheet.heading("Statuses, ranked by total days")
    sheet.table("Statuses", [Column("Status", 44), Column("Department", 22), Column("Kind", 12),
                             Column("Items", 12, COUNT_FORMAT), Column("Visits", 13, COUNT_FORMAT),
                             Column("Total days", 12, DAYS_FORMAT), Column("Median days", 13, DAYS_FORMAT),
                             Column("P85 days", 12, DAYS_FORMAT)],
                [[f.status, f.department, f.kind, f.items, f.visits, f.total_days, f.median_days, f.p85_days]
                 for f in result.statuses],
                empty="No statuses: the log has no time in any status yet.")

    sheet.heading("Waiting days by handoff: rows hand work over, columns wait for it")
    if departments:
        _heatmap_table(sheet, departments, sources, waits)
    else:
        sheet.empty("No handoffs to map yet.")

    sheet.heading("Working and waiting days per status")
    flow = [f for f in result.statuses if f.kind in ("active", "queue")]
    if flow:
        data = sheet.chart_data([Column("Status", 44), Column("Active days", 12, DAYS_FORMAT),
                                 Column("Queue days", 12, DAYS_FORMAT)],
                                [[f.status, f.total_days if f.kind == "active" else 0,
                                  f.total_days if f.kind == "queue" else 0] for f in flow])
        sheet.chart(lambda: _flow_chart(data))
    else:
        sheet.empty("No active or queue time yet.")
    sheet.finish()


def _flow_chart(data):
    from models.core.pack_charts import bar_chart

    return bar_chart(data, "Working vs waiting days per status", columns=(2, 3), colours=("5B7DB1", "D9893B"),
                     horizontal=True, stacked=True, y_title="Days")


def _heatmap(result, stages):
    """(the columns, the rows, waits by pair) in the Audit page's order (``heatmap_matrix``)."""
    from models.audit.heatmap import heatmap_matrix

    sources, departments, _matrix = heatmap_matrix(result, stages)
    return departments, sources, {(h.from_department, h.to_department): h.total_days for h in result.handoffs}


def _heatmap_table(sheet, departments, sources, waits) -> None:
    """The department × department matrix of waiting days, coloured by a scale, with its legend."""
    from openpyxl.formatting.rule import ColorScaleRule

    from models.core.sheet import DAYS_FORMAT, Column, col_letter

    columns = [Column("From \\ to", 44)] + [Column(d, 13, DAYS_FORMAT) for d in departments]
    span = sheet.table(None, columns, [[src] + [waits.get((src, dst)) for dst in departments] for src in sources],
                       empty="No handoffs to map yet.")
    cells = f"B{span[0] + 1}:{col_letter(1 + len(departments))}{span[1]}"
    sheet.ws.conditional_formatting.add(cells, ColorScaleRule(
        start_type="min", start_color=SCALE[0], mid_type="percentile", mid_value=50, mid_color=SCALE[1],
        end_type="max", end_color=SCALE[2]))
    values = sorted(v for v in waits.values() if v is not None)
    legend = [sheet.cell("Colour scale, days waiting: fewest, median, most", italic=True)]
    for value, fill in zip((values[0], median(values), values[-1]), SCALE):
        legend.append(sheet.cell(value, fmt=DAYS_FORMAT, fill=fill, colour="FFFFFF" if fill == SCALE[2] else None))
    sheet.append(legend)


def _build_audit_log(wb, ctx: PackContext) -> None:
    """The log behind the figures, for stakeholders who want to filter it (write-only, fast path).
    Only its description prints: thousands of rows are for filtering, not for paper."""
    from sqlalchemy import func, select

    from models.audit.schema import AuditTransition
    from models.audit.store import active_import
    from models.core.sheet import PackSheet, col_letter

    info = active_import(ctx.ws, ctx.plan.id)
    titles = ["Item", "At", "From status", "To status", "Title", "Type"]
    sheet = PackSheet(wb, "Audit log", [16, 18, 24, 24, 44, 14], header=ctx.header, label=ctx.label)
    t = AuditTransition
    with ctx.ws.read() as s:
        first_at, last_at, items = s.execute(select(func.min(t.at), func.max(t.at), func.count(t.item.distinct()))
                                             .where(t.import_id == info.id)).one()
    span = (f", from {datetime.fromisoformat(first_at):%d %b %Y} to {datetime.fromisoformat(last_at):%d %b %Y}"
            if first_at and last_at else "")
    sheet.title_row("Audit log: the work-item log behind the figures")
    sheet.note(f"{info.row_count:,} status changes of {items:,} work items{span}, read from "
               f"{file_name(info.source)} on {info.imported_at:%d %b %Y}.")
    sheet.note("Open this sheet in Excel to filter them. They are left out of the printed pack: the Bottlenecks "
               "and Forecast sheets hold their figures.", italic=True)
    printed = sheet.row_no
    sheet.blank()
    first = sheet.header_row(titles, [False, True])
    n = 0
    with ctx.ws.read() as s:
        rows = s.execute(select(t.item, t.at, t.from_status, t.to_status, t.title, t.type)
                         .where(t.import_id == info.id).order_by(t.id)).yield_per(5000)
        for item, at, frm, to, title, typ in rows:
            n += 1
            if n % 5000 == 0:
                ctx.check()
            sheet.append_plain([item, datetime.fromisoformat(at).replace(tzinfo=None), frm, to, title, typ])
    if n:
        sheet._excel_table("AuditLog", titles, f"A{first}:F{first + n}", stripes=False)
    sheet.finish(print_area=False)
    sheet.ws.print_area = f"A1:{col_letter(len(titles))}{printed}"


def file_name(source: str) -> str:
    """The file name of an imported log, without the folders of the computer it was read on."""
    return re.split(r"[\\/]", source.rstrip("\\/"))[-1] or source


def _has_log(ctx: PackContext) -> bool:
    from models.audit.store import active_import

    return active_import(ctx.ws, ctx.plan.id) is not None


SHEETS = (
    SheetSpec("bottlenecks", "Bottlenecks", lambda ctx: _audit_result(ctx) is not None, _build_bottlenecks,
              order=20),
    SheetSpec("auditlog", "Audit log", _has_log, _build_audit_log, order=90),
)
