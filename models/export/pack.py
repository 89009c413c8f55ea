"""The status pack: the workbook stakeholders read instead of the app.

``write_status_pack`` builds a fresh workbook (write-only mode, so a plan with a
100,000-row audit log stays within memory) whose sheets stream into a scratch
folder Ninety owns, writes it to a temporary file in the target folder, flushes
it and renames it into place: a failed, cancelled or killed export leaves the
previous pack as it was, and its temporary files are removed then or by the
next export. Every sheet is present only when its data exists. Each export is
recorded in the workspace.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from models.core.feature import Feature
from models.core.files import FileError, atomic_file, new_target, no_space, scratch_folder, space_exhausted
from models.core.pack import PackContext, SheetSpec
from models.plan.service import PlanError, PlanInfo, list_milestones
from models.export.schema import ExportRecord
from models.plan.status import rag_status
from models.plan.summary import plan_summary
from models.core.workspace import Workspace, WorkspaceError

#: a plan or step without milestones has no status yet ("none"): shown neutral
RAG_FILL = {"red": "C62828", "amber": "F9A825", "green": "2E7D32", "none": "757575"}
RAG_FONT = {"red": "FFFFFF", "amber": "000000", "green": "FFFFFF", "none": "FFFFFF"}


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
    #: why the export is missing from the workspace's history, if it is
    note: str = ""


# --------------------------------------------------------------------------- sheets


#: what the Summary calls each status, and the text colour a step's status is written in
RAG_LABEL = {"red": "RED", "amber": "AMBER", "green": "GREEN", "none": "NOT YET"}
RAG_TEXT = {"red": "C62828", "amber": "B26A00", "green": "2E7D32", "none": "616161"}


def _build_summary(wb, ctx: PackContext) -> None:
    from models.core.sheet import DATE_FORMAT, PERCENT_FORMAT, Column, PackSheet, Styled

    s = ctx.summary
    sheet = PackSheet(wb, "Summary", [36, 13, 13, 12, 10, 10, 11, 60], header=ctx.header, label=ctx.label)
    sheet.title_row(ctx.plan.name)
    meta = [ctx.plan.organisation, f"Sponsor: {ctx.plan.sponsor}" if ctx.plan.sponsor else "",
            f"Revenue Architect: {ctx.plan.revenue_architect}" if ctx.plan.revenue_architect else ""]
    if any(meta):
        sheet.note(" · ".join(m for m in meta if m))
    if s["day"] < 1:
        day_text = f"Starts in {1 - s['day']} days"
    elif s["day"] > ctx.plan.horizon_days:
        day_text = f"Finished {s['day'] - ctx.plan.horizon_days} days ago"
    else:
        day_text = f"Day {s['day']} of {ctx.plan.horizon_days}, {s['days_left']} days left"
    sheet.note(f"As of {ctx.as_of:%d %b %Y}: {day_text}", bold=True, size=12)
    rag = s["rag"]
    sheet.append([sheet.cell("Overall status", bold=True),
                  sheet.cell(RAG_LABEL[rag], bold=True, fill=RAG_FILL[rag], colour=RAG_FONT[rag], align="center"),
                  sheet.cell(s["rag_reason"], indent=1)], span=True)

    sheet.heading("The three steps")
    milestones = list_milestones(ctx.ws, ctx.plan.id)
    rows = []
    for step in s["steps"]:
        status = rag_status([m for m in milestones if m.step == step["key"]], ctx.as_of)
        text = (f"{RAG_LABEL[status.colour]}: {status.reason}" if status.colour != "none"
                else status.reason[:1].upper() + status.reason[1:])
        rows.append([step["name"], date.fromisoformat(step["start"]), date.fromisoformat(step["end"]),
                     step["milestones"], step["done"], step["overdue"],
                     step["done"] / step["milestones"] if step["milestones"] else None,
                     Styled(text, bold=status.colour != "none", colour=RAG_TEXT[status.colour])])
    sheet.table(None, [Column("Step", 36), Column("Start", 13, DATE_FORMAT), Column("End", 13, DATE_FORMAT),
                       Column("Milestones", 12, "0"), Column("Done", 10, "0"), Column("Overdue", 10, "0"),
                       Column("Progress", 11, PERCENT_FORMAT), Column("Status", 60)], rows,
                empty="The plan has no steps yet.")

    sheet.heading("Headline figures")
    figures = headline_figures(s)
    if figures:
        sheet.figures(figures, header=["Figure", "Value", "Target", "Note"])
    else:
        sheet.empty("No step has figures yet: the audit, the squad's metric, the low-code ledger and the "
                    "ownership map appear here once they hold data.")
    charts = ctx.refs.get("summary_charts", [])
    if charts:
        sheet.charts(charts[:2], share=0.34)
    sheet.finish()


def headline_figures(s: dict[str, Any]) -> list[Any]:
    """A ``Figure`` (label, value, format, note, target) for each figure the plan has data for."""
    from models.core.sheet import COUNT_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT, Figure, with_unit

    rows = []
    audit = s.get("audit")
    if audit:
        silo = audit.get("silo_tax") or {}
        rows.append(Figure("Silo tax (share of all flow time)", silo.get("share"), PERCENT_FORMAT,
                           f"{silo.get('days', 0):,.1f} days waiting between departments"))
        if audit.get("flow_efficiency") is not None:
            rows.append(Figure("Flow efficiency", audit["flow_efficiency"], PERCENT_FORMAT,
                               "active ÷ (active + waiting)"))
        choice = audit.get("chosen_bottleneck")
        if choice:
            rows.append(Figure("Bottleneck being attacked", f"{choice['from']} → {choice['to']}",
                               note=f"chosen {choice.get('chosen_on', '')}"))
    squad = s.get("squad")
    if squad:
        unit = squad.get("unit") or ""
        rows.append(Figure(f"Squad metric: {squad.get('metric')}", squad.get("latest"),
                           with_unit(DECIMAL_FORMAT, unit),
                           f"forecast {squad['forecast']:.2f}{unit} at the target date"
                           if squad.get("forecast") is not None else "no forecast yet",
                           target=squad.get("target")))
    low = s.get("lowcode")
    if low:
        rows.append(Figure("Self-serve share, last 4 weeks", low.get("share_last_4_weeks"), PERCENT_FORMAT,
                           f"{low['share_cumulative']:.0%} since the first delivery"
                           if low.get("share_cumulative") is not None else "no deliveries yet",
                           target=low.get("target_share")))
    own = s.get("ownership")
    if own and own.get("capabilities"):
        rows.append(Figure("Ownership findings", len(own.get("findings", [])), COUNT_FORMAT,
                           f"{own.get('capabilities', 0)} capabilities × {own.get('departments', 0)} departments",
                           target=0))
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
    from models.core.sheet import pack_workbook

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"{target}: a status pack is an Excel workbook; use a name ending in .xlsx")
    try:
        target = new_target(target, replace=True)
    except FileError as exc:
        raise ExportError(str(exc)) from None

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

    try:
        with scratch_folder() as scratch:
            _build_and_save(pack_workbook(scratch), plan, ctx, chosen, target, label, progress, check)
    except FileError as exc:
        raise ExportError(str(exc)) from None
    created = datetime.now().replace(microsecond=0)
    keys = tuple(s.key for s in chosen)
    record_id, note = None, ""
    if record and not ws.read_only:
        try:
            with ws.write() as s:
                rec = ExportRecord(plan_id=plan.id, created_at=created, as_of=as_of, path=str(target.resolve()),
                                   sheets=",".join(keys), label=label)
                s.add(rec)
                s.flush()
                record_id = rec.id
        except WorkspaceError as exc:  # the pack is written; only its history entry is missing
            note = f"not added to the export history: {exc}"
    return ExportInfo(record_id, plan.id, created, as_of, str(target.resolve()), keys, label, note)


def _build_and_save(wb, plan: PlanInfo, ctx: PackContext, chosen: list[SheetSpec], target: Path, label: str,
                    progress: Callable[[int, int, str], None] | None, check: Callable[[], None]) -> None:
    as_of = ctx.as_of
    wb.properties.title = f"{plan.name}: status pack"
    wb.properties.creator = plan.revenue_architect or "Ninety"
    wb.properties.subject = f"Status as of {as_of.isoformat()}"
    wb.properties.description = f"As of {as_of.isoformat()}. Written by Ninety." + (f" {label}" if label else "")
    wb.properties.keywords = f"as-of {as_of.isoformat()}"
    # Build data sheets first so the Summary can chart their ranges; the Summary stays first in the tab order.
    order = [s for s in chosen if s.key != "summary"] + [s for s in chosen if s.key == "summary"]
    total = len(order) + 1
    scratch = wb._ninety_scratch
    try:
        for i, spec in enumerate(order):
            check()
            if progress:
                progress(i, total, f"Writing the {spec.title} sheet…")
            try:
                spec.build(wb, ctx)
            except Exception as exc:
                if _is_write_failure(exc):
                    raise ExportError(f"{scratch.parent}: {_write_problem(exc, scratch)}: "
                                      "no room for the pack's temporary files; nothing was written") from exc
                raise
        if any(s.key == "summary" for s in chosen):
            wb._sheets.insert(0, wb._sheets.pop())  # Summary first
        check()
        if progress:
            progress(total - 1, total, "Saving the workbook…")
        with atomic_file(target) as tmp:
            _save(wb, tmp)
            check()
        if progress:
            progress(total, total, "Done")
    except ExportError:
        _discard(wb)
        raise
    except Exception as exc:
        _discard(wb)
        if _is_write_failure(exc):
            raise ExportError(f"{target}: could not be written ({_write_problem(exc, target.parent)}); "
                              "the previous pack, if any, is unchanged") from exc
        raise
    except BaseException:
        _discard(wb)
        raise


def _is_write_failure(exc: BaseException) -> bool:
    # lxml reports a failed write of a sheet's temporary file as SerialisationError("IO_WRITE")
    return isinstance(exc, OSError) or type(exc).__name__ == "SerialisationError" or no_space(exc)


def _write_problem(exc: BaseException, folder: Path) -> str:
    if no_space(exc) or space_exhausted(folder):
        return "no space left on the disk"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _save(wb, path: Path) -> None:
    """``wb.save(path)``, except that a failed save leaves no half-closed zip for the
    garbage collector to finish (on a full disk: "Exception ignored in ZipFile.__del__")."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    with open(path, "wb") as fh:
        archive = ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True)
        try:
            wb.properties.modified = datetime.now(tz=timezone.utc).replace(tzinfo=None)
            ExcelWriter(wb, archive).save()
        except BaseException:
            archive.fp = None  # abandoned: the file is closed by the with block
            raise


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
