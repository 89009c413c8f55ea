"""The status pack: the workbook stakeholders read instead of the app.

``write_status_pack`` builds a fresh workbook (write-only mode, so a plan with a
100,000-row audit log stays within memory), writes it to a temporary file in the
target folder and renames it into place: a failed or cancelled export leaves no
file behind. Every sheet is present only when its data exists. Each export is
recorded in the workspace.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from models.core.files import atomic_file
from models.plan.service import PlanError, PlanInfo, list_milestones, list_phases
from models.core.schema import STEP_NAMES, ExportRecord
from models.core.status import rag_status
from models.plan.summary import plan_summary
from models.core.workspace import Workspace

RAG_FILL = {"red": "C62828", "amber": "F9A825", "green": "2E7D32"}
RAG_FONT = {"red": "FFFFFF", "amber": "000000", "green": "FFFFFF"}
STATUS_FILL = {"done": "C8E6C9", "in progress": "BBDEFB", "not started": "EEEEEE", "blocked": "FFCDD2"}


class ExportError(PlanError):
    pass


class ExportCancelled(Exception):
    pass


@dataclass
class PackContext:
    """What every sheet builder gets."""

    ws: Workspace
    plan: PlanInfo
    as_of: date
    label: str
    summary: dict[str, Any]
    header: str
    #: filled by sheet builders that provide chart data for the Summary sheet
    refs: dict[str, Any] = field(default_factory=dict)
    check: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    present: Callable[[PackContext], bool]
    build: Callable[[Any, PackContext], None]


@dataclass(frozen=True)
class ExportInfo:
    id: int | None
    plan_id: int
    created_at: datetime
    as_of: date
    path: str
    sheets: tuple[str, ...]
    label: str


# --------------------------------------------------------------------------- sheets

def _build_roadmap(wb, ctx: PackContext) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font, PatternFill

    from models.export.sheet import DATE_FORMAT, Column, PackSheet

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


def _build_summary(wb, ctx: PackContext) -> None:
    from models.export.sheet import PERCENT_FORMAT, PackSheet

    s = ctx.summary
    sheet = PackSheet(wb, "Summary", [34, 14, 14, 12, 10, 10, 12, 60], header=ctx.header, label=ctx.label)
    sheet.title_row(ctx.plan.name)
    meta = [ctx.plan.organisation, f"Sponsor: {ctx.plan.sponsor}" if ctx.plan.sponsor else "",
            f"Revenue Architect: {ctx.plan.revenue_architect}" if ctx.plan.revenue_architect else ""]
    sheet.append([" · ".join(m for m in meta if m)])
    if s["day"] < 1:
        day_text = f"Starts in {1 - s['day']} days"
    elif s["day"] > ctx.plan.horizon_days:
        day_text = f"Finished {s['day'] - ctx.plan.horizon_days} days ago"
    else:
        day_text = f"Day {s['day']} of {ctx.plan.horizon_days}, {s['days_left']} days left"
    sheet.append([f"As of {ctx.as_of:%d %b %Y}: {day_text}"], bold=True, size=12)
    sheet.ws.append([sheet._cell("Overall status", bold=True),
                     sheet._cell(s["rag"].upper(), bold=True, fill=RAG_FILL[s["rag"]], colour=RAG_FONT[s["rag"]]),
                     sheet._cell(s["rag_reason"])])
    sheet.row_no += 1
    sheet.blank()

    sheet.heading("The three steps")
    sheet.header_row(["Step", "Start", "End", "Milestones", "Done", "Overdue", "Progress", "Status"])
    milestones = list_milestones(ctx.ws, ctx.plan.id)
    for step in s["steps"]:
        ms = [m for m in milestones if m.step == step["key"]]
        progress = step["done"] / step["milestones"] if step["milestones"] else None
        rag = rag_status(ms, ctx.as_of)
        sheet.ws.append([
            sheet._cell(step["name"]), sheet._cell(date.fromisoformat(step["start"])),
            sheet._cell(date.fromisoformat(step["end"])), step["milestones"], step["done"], step["overdue"],
            sheet._cell(progress, fmt=PERCENT_FORMAT) if progress is not None else None,
            sheet._cell(f"{rag.colour.upper()}: {rag.reason}", colour=RAG_FILL[rag.colour], bold=True),
        ])
        sheet.row_no += 1
    sheet.blank()
    sheet.heading("Headline figures")
    rows = headline_rows(s)
    if not rows:
        sheet.append(["No step has figures yet: the audit, the squad's metric, the low-code ledger and the "
                      "ownership map appear here once they hold data."])
    else:
        sheet.header_row(["Figure", "Value", "Target", "", "", "", "", "Note"])
    for row in rows:
        sheet.ws.append([sheet._cell(row[0]), sheet._cell(row[1], fmt=row[3]),
                         sheet._cell(row[2], fmt=row[3]), None, None, None, None, sheet._cell(row[4])])
        sheet.row_no += 1
    # The charts sit side by side under the figures, on the first page.
    charts = ctx.refs.get("summary_charts", [])
    if charts:
        sheet.blank()
        anchor = sheet.row_no + 1
        for i, build_chart in enumerate(charts[:2]):
            chart = build_chart(sheet)
            chart.height, chart.width = 7.5, 13.5
            sheet.ws.add_chart(chart, f"{'A' if i == 0 else 'E'}{anchor}")
        sheet.blank(17)


def headline_rows(s: dict[str, Any]) -> list[tuple[str, Any, Any, str | None, str]]:
    """(figure, value, target, number format, note) for each figure the plan has data for."""
    rows: list[tuple[str, Any, Any, str | None, str]] = []
    audit = s.get("audit")
    if audit:
        silo = audit.get("silo_tax") or {}
        rows.append(("Silo tax (share of all flow time)", silo.get("share"), None, "0%",
                     f"{silo.get('days', 0):.0f} days waiting between departments"))
        if audit.get("flow_efficiency") is not None:
            rows.append(("Flow efficiency", audit["flow_efficiency"], None, "0%", "active ÷ (active + waiting)"))
        choice = audit.get("chosen_bottleneck")
        if choice:
            rows.append(("Bottleneck being attacked", f"{choice['from']} → {choice['to']}", None, None,
                         f"chosen {choice.get('chosen_on', '')}"))
    squad = s.get("squad")
    if squad:
        unit = squad.get("unit") or ""
        rows.append((f"Squad metric: {squad.get('metric')}", squad.get("latest"), squad.get("target"), "0.00",
                     f"forecast {squad['forecast']:.2f}{unit} at the target date"
                     if squad.get("forecast") is not None else "no forecast yet"))
    low = s.get("lowcode")
    if low:
        rows.append(("Self-serve share, last 4 weeks", low.get("share_last_4_weeks"), low.get("target_share"),
                     "0%", f"cumulative {low['share_cumulative']:.0%}" if low.get("share_cumulative") is not None
                     else "no deliveries yet"))
    own = s.get("ownership")
    if own:
        rows.append(("Ownership findings", len(own.get("findings", [])), 0, "0",
                     f"{own.get('capabilities', 0)} capabilities × {own.get('departments', 0)} departments"))
    return rows


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
    from models.export.sheet import DAYS_FORMAT, PERCENT_FORMAT, Column, PackSheet

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
        from models.export.sheet import col_letter

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
    from models.export.sheet import PackSheet
    from models.core.schema import AuditTransition

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


def _step_sheet(name: str):
    def call(*args):
        from models.export import step_sheets

        return getattr(step_sheets, name)(*args)

    return call


SHEETS: list[SheetSpec] = [
    SheetSpec("summary", "Summary", lambda ctx: True, _build_summary),
    SheetSpec("roadmap", "Roadmap", lambda ctx: True, _build_roadmap),
    SheetSpec("bottlenecks", "Bottlenecks", lambda ctx: _audit_result(ctx) is not None, _build_bottlenecks),
    SheetSpec("squad", "Squad", _step_sheet("has_squad"), _step_sheet("build_squad")),
    SheetSpec("lowcode", "Low-code", _step_sheet("has_lowcode"), _step_sheet("build_lowcode")),
    SheetSpec("ownership", "Ownership", _step_sheet("has_ownership"), _step_sheet("build_ownership")),
    SheetSpec("auditlog", "Audit log", _has_log, _build_audit_log),
]


def available_sheets(ws: Workspace, plan: PlanInfo, as_of: date) -> list[tuple[str, str]]:
    """(key, title) of the sheets this plan has data for, in pack order."""
    ctx = PackContext(ws, plan, as_of, "", plan_summary(ws, plan, as_of), "")
    return [(s.key, s.title) for s in SHEETS if s.present(ctx)]


# --------------------------------------------------------------------------- writing

def write_status_pack(ws: Workspace, plan: PlanInfo, target: str | os.PathLike, *, as_of: date,
                      sheets: Sequence[str] | None = None, label: str = "",
                      progress: Callable[[int, int, str], None] | None = None,
                      is_cancelled: Callable[[], bool] | None = None,
                      record: bool = True) -> ExportInfo:
    """Build the pack for *plan* and write it atomically to *target*."""
    from openpyxl import Workbook

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"{target}: a status pack is an Excel workbook; use a name ending in .xlsx")
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such folder")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"{folder}: this folder is not writable; choose another place for the pack")
    if target.is_dir():
        raise ExportError(f"{target}: is a folder")

    def check() -> None:
        if is_cancelled and is_cancelled():
            raise ExportCancelled()

    summary = plan_summary(ws, plan, as_of)
    header = f"{plan.name}, status as of {as_of:%d %b %Y}"
    ctx = PackContext(ws, plan, as_of, label, summary, header, check=check)
    chosen = [s for s in SHEETS if s.present(ctx) and (sheets is None or s.key in sheets)]
    if sheets is not None:
        unknown = set(sheets) - {s.key for s in SHEETS}
        if unknown:
            raise ExportError(f"unknown sheet {sorted(unknown)[0]!r}; choose from "
                              + ", ".join(s.key for s in SHEETS))
    if not chosen:
        raise ExportError("no sheet to write: the chosen sheets have no data for this plan")

    wb = Workbook(write_only=True)
    wb.properties.title = f"{plan.name}: status pack"
    wb.properties.creator = plan.revenue_architect or "Ninety"
    wb.properties.subject = f"Status as of {as_of.isoformat()}"
    wb.properties.description = f"As of {as_of.isoformat()}. Written by Ninety." + (f" {label}" if label else "")
    wb.properties.keywords = f"as-of {as_of.isoformat()}"
    # Build data sheets first so the Summary can chart their ranges; the Summary stays first in the tab order.
    order = [s for s in chosen if s.key != "summary"] + [s for s in chosen if s.key == "summary"]
    total = len(order) + 1
    try:
        for i, spec in enumerate(order):
            check()
            if progress:
                progress(i, total, f"Writing the {spec.title} sheet…")
            spec.build(wb, ctx)
        if any(s.key == "summary" for s in chosen):
            wb._sheets.insert(0, wb._sheets.pop())  # Summary first
        check()
        if progress:
            progress(total - 1, total, "Saving the workbook…")
        with atomic_file(target, suffix=".xlsx.tmp") as tmp:
            wb.save(tmp)
            check()
    except OSError as exc:
        _discard(wb)
        raise ExportError(f"{target}: could not be written ({exc.strerror or exc})") from exc
    except BaseException:
        _discard(wb)
        raise
    if progress:
        progress(total, total, "Done")
    created = datetime.now().replace(microsecond=0)
    keys = tuple(s.key for s in chosen)
    record_id = None
    if record and not ws.read_only:
        with ws.write() as s:
            rec = ExportRecord(plan_id=plan.id, created_at=created, as_of=as_of, path=str(target.resolve()),
                               sheets=",".join(keys), label=label)
            s.add(rec)
            s.flush()
            record_id = rec.id
    return ExportInfo(record_id, plan.id, created, as_of, str(target.resolve()), keys, label)


def _discard(wb) -> None:
    """Close an abandoned write-only workbook's sheets and delete their temporary files."""
    for sheet in wb._sheets:
        writer = getattr(sheet, "_writer", None)
        try:
            if not getattr(sheet, "closed", True):
                sheet.close()
        except Exception:  # the sheet was half-written; only its temp file matters now
            pass
        if writer is not None:
            try:
                writer.out.close() if hasattr(writer.out, "close") else None
            except Exception:
                pass
            try:
                os.remove(writer.out if isinstance(writer.out, str) else writer.out.name)
            except (OSError, AttributeError, TypeError):
                pass


def list_exports(ws: Workspace, plan_id: int) -> list[ExportInfo]:
    from sqlalchemy import select

    with ws.read() as s:
        rows = s.scalars(select(ExportRecord).where(ExportRecord.plan_id == plan_id)
                         .order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc()))
        return [ExportInfo(r.id, r.plan_id, r.created_at, r.as_of, r.path,
                           tuple(x for x in r.sheets.split(",") if x), r.label) for r in rows]
