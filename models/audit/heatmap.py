"""The handoff heatmap's layout, shared by the Audit page's chart and the status pack:
departments in the stage map's order on both axes (so the diagonal, waiting inside one
department, runs corner to corner), ``Intake`` as the last row."""
from __future__ import annotations

from typing import Mapping

from models.audit.analysis import INTAKE, AuditResult, Stage


def heatmap_matrix(result: AuditResult, stages: Mapping[str, Stage] | None = None
                   ) -> tuple[list[str], list[str], list[list[float | None]]]:
    """Rows (handed over by), columns (waiting for) and total queue days per cell (None
    where no item waited). The departments come in the same order on both axes, the stage
    map's, so row i and column i are one department and the diagonal (waiting inside one
    department) runs corner to corner; ``Intake`` (no department yet) is the last row."""
    order: list[str] = []
    for st in (stages or {}).values():
        if st.kind != "done" and st.department and st.department not in order:
            order.append(st.department)
    involved = {h.from_department for h in result.handoffs} | {h.to_department for h in result.handoffs}
    depts = [d for d in order if d in involved and d != INTAKE]
    depts += sorted(d for d in involved if d not in depts and d != INTAKE)
    # the same departments on both axes, so the diagonal is "inside one department"
    rows = depts + ([INTAKE] if any(h.from_department == INTAKE for h in result.handoffs) else [])
    cols = list(depts)
    cell = {(h.from_department, h.to_department): h.total_days for h in result.handoffs}
    matrix = [[cell.get((r, c)) for c in cols] for r in rows]
    return rows, cols, matrix
