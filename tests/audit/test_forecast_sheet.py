"""The Forecast sheet of the status pack: present with a log or a charted squad, native charts,
the figures written as values."""
from __future__ import annotations

import re
import zipfile
from datetime import timedelta

from openpyxl import load_workbook

from models.audit.forecast_store import plan_forecast, set_cost_of_delay
from models.audit.money import CostOfDelay
from models.export.pack import write_status_pack
from models.plan.service import find_plan
from models.squad import service as svc
from models.squad.service import CheckInDraft
from tests.conftest import FEATURES, TODAY


def charts_of(path, sheet_index: int) -> list[str]:
    """The chart kinds drawn on one sheet of a workbook (read from the zip: openpyxl drops charts on load)."""
    with zipfile.ZipFile(path) as z:
        rels = z.read(f"xl/worksheets/_rels/sheet{sheet_index}.xml.rels").decode()
        drawing = re.search(r'drawings/(drawing\d+\.xml)"', rels).group(1)
        drels = z.read(f"xl/drawings/_rels/{drawing}.rels").decode()
        kinds = []
        for chart in re.findall(r'charts/(chart\d+\.xml)', drels):
            xml = z.read(f"xl/charts/{chart}").decode()
            kinds.append("+".join(re.findall(r"<(?:c:)?(barChart|lineChart|scatterChart)>", xml)))
        return kinds


def test_the_forecast_sheet_has_its_figures_and_native_charts(demo_ws, tmp_path):
    plan = find_plan(demo_ws)
    set_cost_of_delay(demo_ws, plan.id, CostOfDelay("EUR", 700))
    squad = svc.list_squads(demo_ws, plan.id)[0]
    # the 5th check-in, on day 46: 2.03, 2.05, 2.08, 2.10, 2.4 have mean 2.132 and moving ranges 0.02, 0.03,
    # 0.02, 0.3 (mean 0.0925), so the upper limit is 2.132 + 2.66 x 0.0925 = 2.378, below 2.4
    svc.add_checkin(demo_ws, squad.id, CheckInDraft(plan.start + timedelta(days=45), 2.4))
    target = tmp_path / "pack.xlsx"
    as_of = plan.start + timedelta(days=46)
    info = write_status_pack(demo_ws, plan, target, FEATURES, as_of=as_of, sheets=["forecast"])
    assert info.sheets == ("forecast",)
    fc = plan_forecast(demo_ws, plan.id)
    ws = load_workbook(target)["Forecast"]
    cells = {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row and row[0] is not None}
    assert cells["50 %"][:2] == (fc.how_many.p50, fc.when.p50 and _as_datetime(fc.when.p50))
    assert cells["95 %"][0] == fc.how_many.p95
    assert cells["Completed in the window"][0] == fc.throughput.completed
    assert cells["Silo tax in money (EUR)"][0] > 0
    assert "Real improvement: point 5 is above the upper limit" in cells
    # histogram of items, histogram of days, run chart (bars + mean line), ageing dots, behaviour chart
    assert charts_of(target, 1) == ["barChart", "barChart", "barChart+lineChart", "scatterChart", "lineChart"]


def test_the_sheet_is_left_out_without_a_log_or_a_charted_squad(ws, tmp_path):
    from datetime import date

    from models.plan.service import PlanDraft, create_plan

    create_plan(ws, PlanDraft(name="Bare", start=date(2026, 2, 2)))
    target = tmp_path / "bare.xlsx"
    info = write_status_pack(ws, find_plan(ws), target, FEATURES, as_of=TODAY)
    assert "forecast" not in info.sheets


def _as_datetime(d):
    from datetime import datetime

    return datetime(d.year, d.month, d.day)
