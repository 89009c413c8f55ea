"""The Ownership sheet of the status pack: the coloured RACI grid and its findings."""
from __future__ import annotations

from models.core.pack import SheetSpec
from models.core.sheet import Column, PackSheet, Styled

LETTER_FILL = {"A": "1F3A93", "R": "5B7DB1", "C": "D6E0F0", "I": "EEEEEE"}
LETTER_FONT = {"A": "FFFFFF", "R": "FFFFFF", "C": "000000", "I": "000000"}
SEVERITY_FILL = {"error": "FFCDD2", "warning": "FFE0B2"}
SEVERITY_FONT = {"error": "B71C1C", "warning": "E65100"}
LAYER_NAMES = {"front": "Front", "middle": "Middle", "back": "Back"}


def ownership_map(ctx):
    def compute():
        from models.ownership.service import get_map

        return get_map(ctx.ws, ctx.plan.id)

    return ctx.once("ownership_map", compute)


def build_ownership(wb, ctx) -> None:
    from models.ownership.service import escalation_choices, escalation_label

    m = ownership_map(ctx)
    depts = list(m.departments)
    sheet = PackSheet(wb, "Ownership", [10, 30] + [14] * len(depts) + [32], header=ctx.header, label=ctx.label,
                      freeze="C5")
    sheet.title_row("Who owns the shared functions")
    sheet.note("R responsible, A accountable, C consulted, I informed. Each capability needs exactly one A. "
               "Capabilities in red or orange have a finding; the findings below say what to do.")
    sheet.blank()
    severities = m.severities()
    choices = escalation_choices(ctx.ws, ctx.plan.id)
    rows = []
    for cap in m.capabilities:
        sev = severities.get(cap.name)
        row = [LAYER_NAMES.get(cap.layer, cap.layer), Styled(cap.name, bold=bool(sev), fill=SEVERITY_FILL.get(sev))]
        for d in depts:
            letter = m.letter(cap.id, d.id)
            row.append(Styled(letter, bold=letter == "A", fill=LETTER_FILL.get(letter),
                              colour=LETTER_FONT.get(letter)) if letter else None)
        row.append(escalation_label(cap.escalation, choices))
        rows.append(row)
    sheet.table(None, [Column("Layer", 10), Column("Capability", 30)]
                + [Column(d.name, 14, align="center") for d in depts] + [Column("Escalates to", 32)], rows,
                empty="No capabilities yet.")
    findings = m.findings()
    if not findings:
        sheet.heading("Findings")
        sheet.empty("None: every capability has exactly one accountable department.")
        sheet.finish()
        return
    sheet.heading(f"Findings ({len(findings)})")
    for f in findings:  # each problem on one page with its advice
        colour = SEVERITY_FONT.get(f.severity)
        sheet.together([([sheet.cell(f.severity, bold=True, colour=colour),
                          sheet.cell(f.capability or f.department or "", bold=True, colour=colour),
                          sheet.cell(f.problem, bold=True, colour=colour, indent=1)], {"span": True}),
                        ([None, None, sheet.cell(f"→ {f.advice}", indent=1)], {"span": True})])
    sheet.finish()


def has_ownership(ctx) -> bool:
    return not ownership_map(ctx).is_empty


SHEETS = (SheetSpec("ownership", "Ownership", has_ownership, build_ownership, order=50),)
