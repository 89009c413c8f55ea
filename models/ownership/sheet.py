"""The Ownership sheet of the status pack: the coloured RACI grid and its findings."""
from __future__ import annotations


from models.core.pack import SheetSpec
from models.core.sheet import PackSheet

LETTER_FILL = {"A": "1F3A93", "R": "5B7DB1", "C": "D6E0F0", "I": "EEEEEE"}


LETTER_FONT = {"A": "FFFFFF", "R": "FFFFFF", "C": "000000", "I": "000000"}


SEVERITY_FILL = {"error": "FFCDD2", "warning": "FFE0B2"}


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


def has_ownership(ctx) -> bool:
    return not ownership_map(ctx).is_empty


SHEETS = (SheetSpec("ownership", "Ownership", has_ownership, build_ownership, order=50),)
