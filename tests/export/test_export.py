"""The status pack, read back as stakeholders' Excel would read it."""
from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook

from models.plan import service as svc
from models.export.pack import ExportCancelled, ExportError, list_exports, write_status_pack
from tests.conftest import FEATURES, TODAY

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1", "#N/A", "\tled by a tab", "=1+1",
           "\rcarriage", "\nline"]
#: what survives the app's own trimming of typed text (leading white space is stripped on entry)
STORED = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1", "#N/A", "=1+1", "#REF!"]


BASE_KEYS = ("format", "version", "plan", "phases", "milestones")


@pytest.fixture
def roadmap_ws(demo_ws, ws):
    """The demo's plan and milestones only: no step data, so only Summary and Roadmap apply."""
    from models.plan.transfer import dump_plan, load_plan

    doc = dump_plan(demo_ws, svc.find_plan(demo_ws).id, FEATURES)
    load_plan(ws, {k: doc[k] for k in BASE_KEYS}, FEATURES)
    return ws


@pytest.fixture
def pack(roadmap_ws, tmp_path):
    plan = svc.find_plan(roadmap_ws)
    target = tmp_path / "pack.xlsx"
    info = write_status_pack(roadmap_ws, plan, target, FEATURES, as_of=TODAY, label="Confidential: exec team")
    return target, info, roadmap_ws, plan


def table_rows(sheet, name: str) -> tuple[int, int]:
    """(header row, last row) of the Excel table *name*."""
    first, last = (int(x) for x in re.findall(r"\d+", sheet.tables[name].ref))
    return first, last


def test_sheets_tables_panes_and_print_settings(pack):
    target, info, _ws, plan = pack
    assert info.sheets == ("summary", "roadmap")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Summary", "Roadmap"]
    road = wb["Roadmap"]
    table = road.tables["Milestones"]
    first, last = table_rows(road, "Milestones")
    assert last - first == 17 and table.ref == f"A{first}:I{last}"  # 17 milestones
    assert [c.name for c in table.tableColumns][:3] == ["Step", "Milestone", "Owner"]
    assert road.print_title_rows is None  # the table fits on its page: no header to repeat
    assert road.print_area == [f"'Roadmap'!$A$1:$I${last}"] or f"$I${last}" in str(road.print_area)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert plan.name in ws.oddHeader.center.text
        assert ws.oddHeader.right.text == "Confidential: exec team"
        assert ws.oddFooter.right.text == "Page &P of &N"
    assert wb.properties.title == f"{plan.name}: status pack"
    assert "2026-03-16" in wb.properties.subject


def test_roadmap_values_formats_and_conditional_formatting(pack):
    target, *_ = pack
    road = load_workbook(target)["Roadmap"]
    first, last = table_rows(road, "Milestones")
    rows = {r[1].value: r for r in road.iter_rows(min_row=first + 1, max_row=last)}
    deploy = rows["Grant production deploy rights to the squad"]
    assert deploy[3].value.date() == date(2026, 3, 8) and deploy[3].number_format == "yyyy-mm-dd"
    assert deploy[5].value == 7 and deploy[6].value == "in progress" and deploy[8].value == "yes"
    assert deploy[5].number_format == "+0;-0;0" and deploy[6].alignment.indent == 1  # "+7" never touches its status
    ranges = [str(cf.sqref) for cf in road.conditional_formatting]
    assert f"G{first + 1}:G{last}" in ranges and f"A{first + 1}:I{last}" in ranges


def test_the_timeline_is_a_native_chart_drawn_from_dated_rows(pack):
    target, *_ = pack
    road = load_workbook(target)["Roadmap"]
    [chart] = road._charts
    assert chart.tagname == "scatterChart"
    audit = chart.series[0]
    assert audit.tx.v == "Audit bottlenecks"
    xs = re.findall(r"\$(\d+)", audit.xVal.numRef.f)
    start, end = (road.cell(row=int(r), column=2).value.date() for r in xs)
    assert (start, end) == (date(2026, 2, 2), date(2026, 2, 22))  # days 1-21 of the plan
    assert int(xs[0]) > int(re.findall(r"\d+", str(road.print_area))[-1])  # its data does not print


def test_summary_shows_day_rag_and_steps(pack):
    target, *_ = pack
    summary = load_workbook(target)["Summary"]
    values = [c.value for row in summary.iter_rows(max_row=12) for c in row if c.value is not None]
    assert "As of 16 Mar 2026: Day 43 of 90, 47 days left" in values
    assert "RED" in values and "Audit bottlenecks" in values
    assert any(isinstance(v, str) and v.startswith("RED: blocked and overdue") for v in values)


def test_hostile_text_comes_back_as_the_exact_text(ws, tmp_path):
    pid = svc.create_plan(ws, svc.PlanDraft(name="=cmd|' /C calc'!A0", start=date(2026, 1, 5),
                                            organisation="+org", revenue_architect="@ra"))
    for i, text in enumerate(STORED):
        svc.add_milestone(ws, pid, svc.MilestoneDraft(step="audit", title=text, owner=text,
                                                      due=date(2026, 1, 10 + i)))
    svc.add_milestone(ws, pid, svc.MilestoneDraft(step="squad", title="bell\x07 and\x1b escape",
                                                  due=date(2026, 2, 1)))
    target = tmp_path / "hostile.xlsx"
    write_status_pack(ws, svc.get_plan(ws, pid), target, FEATURES, as_of=date(2026, 2, 1))
    wb = load_workbook(target)
    road = wb["Roadmap"]
    first, _last = table_rows(road, "Milestones")
    titles = [road.cell(row=r, column=2) for r in range(first + 1, first + 1 + len(STORED) + 1)]
    assert [c.value for c in titles] == STORED + ["bell and escape"]
    assert all(c.data_type == "s" for c in titles)
    owners = [road.cell(row=r, column=3).value for r in range(first + 1, first + 1 + len(STORED))]
    assert owners == STORED
    assert road["A1"].value == "Roadmap: =cmd|' /C calc'!A0"
    summary = wb["Summary"]
    assert summary["A1"].value == "=cmd|' /C calc'!A0" and summary["A1"].data_type == "s"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                assert c.data_type != "e", (sheet.title, c.coordinate, c.value)


def test_every_hostile_string_is_written_as_exact_text(tmp_path):
    from openpyxl import Workbook

    from models.core.sheet import Column, PackSheet

    wb = Workbook(write_only=True)
    sheet = PackSheet(wb, "T", [30, 30], header="h", label="")
    sheet.table("T", [Column("styled", 30), Column("plain", 30)], [[h, h] for h in HOSTILE], empty="none")
    sheet.table("P", [Column("fast path", 30), Column("x", 5)], [[h, 1] for h in HOSTILE], plain=True,
                empty="none")
    wb.save(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["T"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=1 + len(HOSTILE))]
    # lxml (a dependency) keeps a leading carriage return exactly; every value is the typed text.
    expected = HOSTILE
    assert got == [[h, h] for h in expected]
    fast = [ws.cell(row=r, column=1) for r in range(3 + len(HOSTILE), 3 + 2 * len(HOSTILE))]
    assert [c.value for c in fast] == expected and {c.data_type for c in fast} == {"s"}


def test_a_cancelled_export_leaves_no_file_and_keeps_the_old_one(demo_ws, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "pack.xlsx"
    target.write_bytes(b"last week's pack")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ExportCancelled):
        write_status_pack(demo_ws, svc.find_plan(demo_ws), target, FEATURES, as_of=TODAY, is_cancelled=cancelled)
    assert [p.name for p in target.parent.iterdir()] == ["pack.xlsx"]
    assert target.read_bytes() == b"last week's pack"


@pytest.mark.parametrize("name, message", [
    ("missing/pack.xlsx", "no such folder"),
    ("pack.csv", "ends in .xlsx"),
])
def test_bad_targets_get_a_clear_error(demo_ws, tmp_path, name, message):
    with pytest.raises(ExportError, match=message.replace("ends in", "ending in")):
        write_status_pack(demo_ws, svc.find_plan(demo_ws), tmp_path / name, FEATURES, as_of=TODAY)


def test_each_export_is_recorded(pack):
    target, info, ws, plan = pack
    [rec] = list_exports(ws, plan.id)
    assert rec.path == str(target.resolve()) and rec.as_of == TODAY and rec.label == "Confidential: exec team"
    assert rec.sheets == ("summary", "roadmap")


def test_export_command(tmp_path, capsys):
    import json

    from desktop.cli import main
    from models.plan.demo import write_demo

    demo = write_demo(tmp_path / "d.ninety", FEATURES, TODAY)
    out = tmp_path / "pack.xlsx"
    assert main(["export", str(demo), "-o", str(out), "--as-of", "2026-03-16", "--json",
                 "--sheets", "summary,roadmap"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sheets"] == ["summary", "roadmap"] and out.exists()
    assert load_workbook(out).sheetnames == ["Summary", "Roadmap"]
    assert main(["export", str(demo), "-o", str(out), "--sheets", "roadmap,nope"]) == 2
    assert "unknown sheet 'nope'" in capsys.readouterr().err


def test_the_demo_pack_has_the_bottlenecks_sheet_with_native_chart_and_colour_scale(demo_ws, tmp_path):
    from models.audit.store import analyse_plan

    target = tmp_path / "demo.xlsx"
    plan = svc.find_plan(demo_ws)
    info = write_status_pack(demo_ws, plan, target, FEATURES, as_of=TODAY)
    assert info.sheets[:3] == ("summary", "roadmap", "bottlenecks") and info.sheets[-1] == "auditlog"
    wb = load_workbook(target)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Audit log"
    sheet = wb["Bottlenecks"]
    result = analyse_plan(demo_ws, plan.id)
    handoffs = sheet.tables["Handoffs"]
    first = int(handoffs.ref.split(":")[0][1:])
    top = result.handoffs[0]
    assert [sheet.cell(row=first + 1, column=c).value for c in (1, 2, 3)] == [
        top.from_department, top.to_department, top.items]
    assert sheet.cell(row=first + 1, column=4).value == pytest.approx(top.total_days)
    assert int(handoffs.ref.split(":")[1][1:]) - first == len(result.handoffs)
    [chart] = sheet._charts
    assert chart.grouping == "stacked" and len(chart.series) == 2
    assert any(rule.type == "colorScale" for cf in sheet.conditional_formatting for rule in cf.rules)
    log = wb["Audit log"]
    first, last = table_rows(log, "AuditLog")
    n = sum(1 for _ in log.iter_rows(min_row=first + 1))
    assert n == last - first
    from models.audit.store import active_import

    assert n == active_import(demo_ws, plan.id).row_count
    assert f"$F${first - 2}" in str(log.print_area)  # the sheet's description prints, its 2,487 rows do not


def test_the_demo_pack_has_squad_and_ownership_sheets(demo_ws, tmp_path):
    from models.ownership.service import get_map
    from models.squad.service import list_checkins, list_squads

    plan = svc.find_plan(demo_ws)
    target = tmp_path / "demo.xlsx"
    write_status_pack(demo_ws, plan, target, FEATURES, as_of=TODAY)
    wb = load_workbook(target)
    squad = wb["Squad"]
    [sq] = list_squads(demo_ws, plan.id)
    assert squad["A1"].value == f"Squad: {sq.name}"
    checkins = squad.tables["CheckIns1"]
    first, last = (int(x[1:]) for x in checkins.ref.split(":"))
    assert last - first == len(list_checkins(demo_ws, sq.id))
    [chart] = squad._charts
    assert chart.tagname == "scatterChart" and len(chart.series) == 3
    assert [s.tx.v for s in chart.series] == ["Target path", "Actual", "Forecast"]
    assert chart.series[1].yVal.numRef.f.startswith("'Squad'!$B$")
    summary_charts = wb["Summary"]._charts
    assert len(summary_charts) >= 1 and summary_charts[0].series[0].yVal.numRef.f.startswith("'Squad'!")

    own = wb["Ownership"]
    m = get_map(demo_ws, plan.id)
    assert own.freeze_panes == "C5"
    header = [c.value for c in own[4]]
    assert header[:2] == ["Layer", "Capability"] and header[2:2 + len(m.departments)] == [
        d.name for d in m.departments]
    cap = m.capabilities[0]
    row = next(r for r in own.iter_rows(min_row=4) if r[1].value == cap.name)
    letters = [c.value or "" for c in row[2:2 + len(m.departments)]]
    assert letters == [m.letter(cap.id, d.id) for d in m.departments]
    a_cell = next(c for c in row if c.value == "A")
    assert a_cell.fill.fgColor.rgb.endswith("1F3A93") and a_cell.font.b
    texts = [c.value for r in own.iter_rows() for c in r if isinstance(c.value, str)]
    assert f"Findings ({len(m.findings())})" in texts


def test_the_demo_pack_has_the_low_code_sheet_and_two_summary_charts(demo_ws, tmp_path):
    from models.lowcode.service import lowcode_state

    plan = svc.find_plan(demo_ws)
    target = tmp_path / "demo.xlsx"
    write_status_pack(demo_ws, plan, target, FEATURES, as_of=TODAY)
    wb = load_workbook(target)
    assert wb.sheetnames == ["Summary", "Roadmap", "Bottlenecks", "Forecast", "Squad", "Low-code", "Ownership",
                             "Audit log"]
    low = wb["Low-code"]
    state = lowcode_state(demo_ws, plan.id, TODAY)
    share = next(r for r in low.iter_rows() if r[0].value == "Self-serve share, last 4 weeks")
    assert share[1].value == pytest.approx(state.figures.share_last_4_weeks)
    assert share[1].number_format == "0%"
    weekly, pareto = low._charts
    assert weekly.tagname == "barChart"  # each week's share, with the rolling share and the target as lines
    assert weekly.series[0].tx.strRef.f.split("!")[1].lstrip("$").startswith("B")
    assert pareto.tagname == "barChart"
    requests = low.tables["Requests"]
    first, last = (int(x[1:]) for x in requests.ref.split(":"))
    assert last - first == len(state.requests)
    summary_charts = wb["Summary"]._charts
    assert len(summary_charts) == 2
    assert summary_charts[1].series[0].val.numRef.f.startswith("'Low-code'!$B$")
    assert summary_charts[1].series[0].val.numRef.f == weekly.series[0].val.numRef.f
