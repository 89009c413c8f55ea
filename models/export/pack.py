"""The status pack: the workbook stakeholders read instead of the app.

``write_status_pack`` builds a fresh workbook (write-only mode, so a plan with a
100,000-row audit log stays within memory), writes it to a temporary file in the
target folder and renames it into place: a failed or cancelled export leaves no
file behind. Every sheet is present only when its data exists. Each export is
recorded in the workspace.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from models.core.feature import Feature
from models.core.files import atomic_file
from models.core.pack import PackContext, SheetSpec
from models.plan.service import PlanError, PlanInfo, list_milestones
from models.export.schema import ExportRecord
from models.plan.status import rag_status
from models.plan.summary import plan_summary
from models.core.workspace import Workspace

RAG_FILL = {"red": "C62828", "amber": "F9A825", "green": "2E7D32"}
RAG_FONT = {"red": "FFFFFF", "amber": "000000", "green": "FFFFFF"}


class ExportError(PlanError):
    pass


class ExportCancelled(Exception):
    pass


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


def _build_summary(wb, ctx: PackContext) -> None:
    from models.core.sheet import PERCENT_FORMAT, PackSheet

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


SUMMARY_SHEET = SheetSpec("summary", "Summary", lambda ctx: True, _build_summary, order=0)


def pack_sheets(features: Sequence[Feature]) -> list[SheetSpec]:
    """Every sheet a pack can hold, in pack order: the Summary, then each feature's."""
    return sorted([SUMMARY_SHEET, *(s for f in features for s in f.sheets)], key=lambda s: s.order)


def available_sheets(ws: Workspace, plan: PlanInfo, as_of: date,
                     features: Sequence[Feature]) -> list[tuple[str, str]]:
    """(key, title) of the sheets this plan has data for, in pack order."""
    ctx = PackContext(ws, plan, as_of, "", plan_summary(ws, plan, as_of, features), "")
    return [(s.key, s.title) for s in pack_sheets(features) if s.present(ctx)]


# --------------------------------------------------------------------------- writing

def write_status_pack(ws: Workspace, plan: PlanInfo, target: str | os.PathLike,
                      features: Sequence[Feature], *, as_of: date,
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

    summary = plan_summary(ws, plan, as_of, features)
    all_sheets = pack_sheets(features)
    header = f"{plan.name}, status as of {as_of:%d %b %Y}"
    ctx = PackContext(ws, plan, as_of, label, summary, header, check=check)
    chosen = [s for s in all_sheets if s.present(ctx) and (sheets is None or s.key in sheets)]
    if sheets is not None:
        unknown = set(sheets) - {s.key for s in all_sheets}
        if unknown:
            raise ExportError(f"unknown sheet {sorted(unknown)[0]!r}; choose from "
                              + ", ".join(s.key for s in all_sheets))
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
