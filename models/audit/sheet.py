"""The Bottlenecks and Audit log sheets of the status pack."""
from __future__ import annotations

from datetime import datetime

from models.core.pack import PackContext, SheetSpec

def _audit_result(ctx: PackContext):
    """The audit figures, computed once per export (None when the plan has no audit data)."""
    if "audit_result" not in ctx.refs:
        from models.audit.store import AuditError, analyse_plan

        try:
            ctx.refs["audit_result"] = analyse_plan(ctx.ws, ctx.plan.id)
        except AuditError:
            ctx.refs["audit_result"] = None
    return ctx.refs["audit_result"]


def _build_bottlenecks(wb, ctx: PackContext) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.formatting.rule import ColorScaleRule

    from models.audit.analysis import INTAKE
    from models.core.sheet import DAYS_FORMAT, PERCENT_FORMAT, Column, PackSheet

    result = _audit_result(ctx)
    sheet = PackSheet(wb, "Bottlenecks", [44, 22, 12, 12, 13, 12, 13, 12], header=ctx.header, label=ctx.label)
    sheet.title_row("Where work stalls: the silo tax")
    sheet.append([f"From the work-item log, as of its latest entry ({result.as_of:%d %b %Y %H:%M}). "
                  "Days are calendar days; a queue is time an item waits, active is time someone works on it."],
                 wrap=False)
    sheet.blank()
    sheet.append(["Silo tax (days waiting between departments)", result.silo_tax_days], bold=True, fmt=DAYS_FORMAT)
    sheet.append(["Silo tax, share of all flow time", result.silo_tax_share], bold=True, fmt=PERCENT_FORMAT)
    sheet.append(["Flow efficiency (active ÷ all flow time)", result.flow_efficiency], fmt=PERCENT_FORMAT)
    sheet.append(["Flow time, median days (finished items)", result.flow_time_median], fmt=DAYS_FORMAT)
    sheet.append(["Flow time, 85th percentile days", result.flow_time_p85], fmt=DAYS_FORMAT)
    sheet.append(["Items / finished", result.items, result.completed])
    sheet.blank()

    sheet.heading("Handoffs, ranked by days waiting (from the last active department to the queue's department)")
    hand_cols = [Column("From", 44), Column("To", 22), Column("Items", 12), Column("Total days", 12, DAYS_FORMAT),
                 Column("Median days", 13, DAYS_FORMAT), Column("P85 days", 12, DAYS_FORMAT),
                 Column("Silo handoff", 13)]
    sheet.table("Handoffs", hand_cols, [[h.from_department, h.to_department, h.items, h.total_days, h.median_days,
                                          h.p85_days, "yes" if h.is_silo else "no"] for h in result.handoffs])
    sheet.blank()
    sheet.heading("Statuses, ranked by total days")
    stat_cols = [Column("Status", 30), Column("Department", 22), Column("Kind", 12), Column("Items", 10),
                 Column("Visits", 10), Column("Total days", 12, DAYS_FORMAT), Column("Median days", 12, DAYS_FORMAT),
                 Column("P85 days", 12, DAYS_FORMAT)]
    sheet.table("Statuses", stat_cols, [[f.status, f.department, f.kind, f.items, f.visits, f.total_days,
                                          f.median_days, f.p85_days] for f in result.statuses])

    # Department x department matrix of waiting days, coloured by a scale.
    departments = sorted({h.from_department for h in result.handoffs if h.from_department != INTAKE}
                         | {h.to_department for h in result.handoffs})
    sources = ([INTAKE] if any(h.from_department == INTAKE for h in result.handoffs) else []) + departments
    waits = {(h.from_department, h.to_department): h.total_days for h in result.handoffs}
    sheet.blank()
    sheet.page_break()
    sheet.heading("Waiting days by handoff: rows hand work over, columns wait for it")
    top = sheet.append(["From \\ to"] + departments, bold=True)
    for src in sources:
        sheet.append([src] + [waits.get((src, dst)) for dst in departments], fmt=DAYS_FORMAT)
    if departments:
        from models.core.sheet import col_letter

        cells = f"B{top + 1}:{col_letter(1 + len(departments))}{sheet.row_no}"
        sheet.ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="min", start_color="FFF8E1", mid_type="percentile", mid_value=50, mid_color="FFB74D",
            end_type="max", end_color="C62828"))

    # Active vs queue days per status: a native stacked bar.
    flow = [f for f in result.statuses if f.kind in ("active", "queue")]
    sheet.blank()
    sheet.page_break()
    sheet.heading("Active and waiting days per status")
    first = sheet.append(["Status", "Active days", "Queue days"], bold=True)
    for f in flow:
        sheet.append([f.status, f.total_days if f.kind == "active" else 0,
                      f.total_days if f.kind == "queue" else 0], fmt=DAYS_FORMAT)
    last = sheet.row_no
    if flow:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Days per status: working vs waiting"
        chart.y_axis.title = "Days"
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.add_data(Reference(sheet.ws, min_col=2, max_col=3, min_row=first, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first + 1, max_row=last))
        chart.series[0].graphicalProperties.solidFill = "5B7DB1"
        chart.series[1].graphicalProperties.solidFill = "D9893B"
        sheet.blank()
        sheet.chart(chart, new_page=False)


def _build_audit_log(wb, ctx: PackContext) -> None:
    """The log behind the figures, for stakeholders who want to filter it (write-only, fast path)."""
    from sqlalchemy import select

    from models.audit.store import active_import
    from models.core.sheet import PackSheet
    from models.audit.schema import AuditTransition

    info = active_import(ctx.ws, ctx.plan.id)
    sheet = PackSheet(wb, "Audit log", [16, 20, 24, 24, 40, 14], header=ctx.header, label=ctx.label, freeze="A3")
    sheet.append([f"Work-item log: {info.source}, {info.row_count} status changes (imported "
                  f"{info.imported_at:%d %b %Y}). Filter it here; it is not printed (the Bottlenecks sheet "
                  "holds the figures)."], bold=True)
    first = sheet.append(["Item", "At", "From status", "To status", "Title", "Type"], bold=True)
    n = 0
    with ctx.ws.read() as s:
        t = AuditTransition
        rows = s.execute(select(t.item, t.at, t.from_status, t.to_status, t.title, t.type)
                         .where(t.import_id == info.id).order_by(t.id)).yield_per(5000)
        for item, at, frm, to, title, typ in rows:
            n += 1
            if n % 5000 == 0:
                ctx.check()
            sheet.append_plain([item, datetime.fromisoformat(at).replace(tzinfo=None), frm, to, title, typ])
    if n:
        from openpyxl.worksheet.filters import AutoFilter
        from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

        ref = f"A{first}:F{first + n}"
        table = Table(displayName="AuditLog", ref=ref)
        table.tableColumns = [TableColumn(id=i, name=c) for i, c in
                              enumerate(["Item", "At", "From status", "To status", "Title", "Type"], start=1)]
        table.autoFilter = AutoFilter(ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        sheet.ws.tables.add(table)
    sheet.ws.print_area = "A1:F2"  # 100,000 rows are for filtering, not for paper


def _has_log(ctx: PackContext) -> bool:
    from models.audit.store import active_import

    return active_import(ctx.ws, ctx.plan.id) is not None


SHEETS = (
    SheetSpec("bottlenecks", "Bottlenecks", lambda ctx: _audit_result(ctx) is not None, _build_bottlenecks,
              order=20),
    SheetSpec("auditlog", "Audit log", _has_log, _build_audit_log, order=90),
)
