"""The status pack as a stakeholder prints it: formats, alignments, fonts, wrapping, page layout and
empty sections, read back from real workbooks with openpyxl."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from models.core.sheet import BODY_PT, DAYS_FORMAT, FONT, HEADER_FILL, MIN_ROWS, PRINTABLE_WIDTH_CM
from models.export.pack import write_status_pack
from models.plan import service as svc
from tests.conftest import FEATURES, TODAY

pytestmark = pytest.mark.filterwarnings("ignore:.*Data Validation extension.*")


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory):
    """The demo plan's whole pack, written once for this module."""
    from models.core.workspace import create_workspace
    from models.plan.demo import populate_demo

    folder = tmp_path_factory.mktemp("demo")
    ws = create_workspace(folder / "demo.ninety")
    populate_demo(ws, FEATURES, TODAY)
    target = folder / "pack.xlsx"
    write_status_pack(ws, svc.find_plan(ws), target, FEATURES, as_of=TODAY, label="Internal")
    ws.close()
    return target, load_workbook(target)


@pytest.fixture
def new_plan_pack(ws, tmp_path):
    """A plan just created: no milestones, one delivered low-code request, a squad without check-ins."""
    from models.lowcode import service as low
    from models.squad import service as squad

    pid = svc.create_plan(ws, svc.PlanDraft(name="Fresh start", start=date(2026, 3, 2)))
    low.add_request(ws, pid, low.RequestDraft(title="First landing page", requested=date(2026, 3, 9),
                                              delivered=date(2026, 3, 10)))
    squad.create_squad(ws, pid, squad.SquadDraft(name="Checkout squad"))
    target = tmp_path / "fresh.xlsx"
    info = write_status_pack(ws, svc.get_plan(ws, pid), target, FEATURES, as_of=TODAY)
    return target, load_workbook(target), info


# --------------------------------------------------------------------------- helpers

def print_rows(sheet) -> int:
    """The last row of *sheet*'s print area."""
    [area] = re.findall(r"\$?[A-Z]+\$?\d+:\$?([A-Z]+)\$?(\d+)", str(sheet.print_area))
    return int(area[1])


def print_cols(sheet) -> int:
    [area] = re.findall(r"\$?[A-Z]+\$?\d+:\$?([A-Z]+)\$?(\d+)", str(sheet.print_area))
    return column_index_from_string(area[0])


def is_number(value) -> bool:
    return isinstance(value, (int, float, datetime, date)) and not isinstance(value, bool)


def printed_tables(wb):
    """The sheets whose tables print (the Audit log's 2,487 rows do not)."""
    return [sheet for sheet in wb.worksheets if sheet.title != "Audit log"]


def header_rows(sheet):
    """Rows whose first cell is a header cell (white on the header fill)."""
    for row in sheet.iter_rows(max_row=print_rows(sheet)):
        first = next((c for c in row if c.value is not None), None)
        if first is not None and first.fill.fgColor.rgb and first.fill.fgColor.rgb.endswith(HEADER_FILL):
            yield row


def column_below(sheet, header_cell):
    """The cells under a header cell down to the end of its table: an empty row, a heading, a page break."""
    cells = []
    breaks = {b.id for b in sheet.row_breaks.brk}
    for r in range(header_cell.row + 1, print_rows(sheet) + 1):
        first = sheet.cell(row=r, column=1)
        if all(c.value is None for c in sheet[r]) or (first.font.sz or 10) > 10 or r - 1 in breaks:
            break
        cells.append(sheet.cell(row=r, column=header_cell.column))
    return cells


def page_capacity(sheet) -> float:
    """What a printed page holds, in points of rows, at the fit-to-width scale Excel uses."""
    widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, print_cols(sheet) + 1)]
    width_cm = sum(7 * w + 5 for w in widths) / 96 * 2.54
    scale = min(1.0, int(100 * PRINTABLE_WIDTH_CM / width_cm) / 100)
    return BODY_PT / scale


def row_height(sheet, r: int) -> float:
    return sheet.row_dimensions[r].height or 15.0


def pages(sheet) -> list[tuple[int, int]]:
    """(first row, last row) of each printed page, from the sheet's manual breaks."""
    breaks = sorted(b.id for b in sheet.row_breaks.brk if b.id < print_rows(sheet))
    starts = [1] + [b + 1 for b in breaks]
    ends = breaks + [print_rows(sheet)]
    return list(zip(starts, ends))


def chart_rows(chart) -> tuple[int, int]:
    """(first, last) 1-based rows a two-cell-anchored chart covers."""
    return chart.anchor._from.row + 1, chart.anchor.to.row


def chart_xml(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]


# --------------------------------------------------------------------------- formats and alignment

def test_every_number_and_date_has_a_number_format(demo_pack, new_plan_pack):
    for _path, wb, *_ in (demo_pack, new_plan_pack):
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    if is_number(c.value):
                        assert c.number_format != "General", (sheet.title, c.coordinate, c.value)


def test_percentages_days_and_dates_have_their_formats(demo_pack):
    _path, wb = demo_pack
    summary = wb["Summary"]
    silo = next(r for r in summary.iter_rows() if r[0].value == "Silo tax (share of all flow time)")
    assert silo[1].number_format == "0%" and 0 < silo[1].value < 1
    bottlenecks = wb["Bottlenecks"]
    days = next(r for r in bottlenecks.iter_rows() if r[0].value == "Silo tax (days waiting between departments)")
    assert days[1].number_format == '#,##0.0" days"'
    low = wb["Low-code"]
    header = next(r for r in low.iter_rows() if r[2].value == "Cumulative share")
    shares = [c for c in column_below(low, header[2])]
    assert shares and all(c.number_format == "0%" and 0 < c.value <= 1 for c in shares)
    road = wb["Roadmap"]
    due = next(c for row in header_rows(road) for c in row if c.value == "Due")
    assert all(c.number_format == "yyyy-mm-dd" for c in column_below(road, due))
    for sheet in wb.worksheets:  # no raw floats like 2.431461 anywhere, printed or not
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, float):
                    assert c.number_format not in ("General", "0.000000"), (sheet.title, c.coordinate)


def test_headers_are_aligned_like_their_columns(demo_pack):
    _path, wb = demo_pack
    checked = 0
    for sheet in printed_tables(wb):
        for row in header_rows(sheet):
            for head in row:
                below = [c for c in column_below(sheet, head) if c.value is not None]
                if head.value is None or not below:
                    continue
                checked += 1
                numbers = sum(is_number(c.value) for c in below)
                if head.alignment.horizontal == "center":
                    assert all(c.alignment.horizontal == "center" for c in below), (sheet.title, head.value)
                elif numbers > len(below) / 2:  # a number column (the Summary's values have one text)
                    assert head.alignment.horizontal == "right", (sheet.title, head.value)
                else:
                    assert head.alignment.horizontal in (None, "general", "left"), (sheet.title, head.value)
    assert checked > 40


def test_text_never_touches_a_number_on_its_left(demo_pack):
    """"67% 2 of 3", "2026-12-02developer", "+7 not started": text right of a right-aligned number is indented."""
    _path, wb = demo_pack
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(max_row=print_rows(sheet)):
            for left, right in zip(row, row[1:]):
                if is_number(left.value) and left.alignment.horizontal in (None, "general", "right") \
                        and isinstance(right.value, str) and right.alignment.horizontal != "right":
                    assert right.alignment.indent >= 1, (sheet.title, right.coordinate, left.value, right.value)


def test_tools_and_people_trained_are_separate_figures(demo_pack):
    _path, wb = demo_pack
    labels = {r[0].value: r for r in wb["Low-code"].iter_rows() if r[0].value}
    assert labels["Tools adopted"][1].number_format == "#,##0"
    assert labels["People trained"][1].number_format == "#,##0"
    assert not any("people trained" in str(c.value) for c in labels["Tools adopted"])


def test_long_text_wraps_and_its_row_grows(demo_pack):
    _path, wb = demo_pack
    wrapped = 0
    for sheet in printed_tables(wb):
        merged = {m.min_row * 10000 + m.min_col: m for m in sheet.merged_cells.ranges}
        for row in sheet.iter_rows(max_row=print_rows(sheet)):
            for c in row:
                if not isinstance(c.value, str):
                    continue
                m = merged.get(c.row * 10000 + c.column)
                cols = range(m.min_col, m.max_col + 1) if m else [c.column]
                width = sum(sheet.column_dimensions[get_column_letter(i)].width for i in cols)
                size = c.font.sz or 10
                if len(c.value) * size / 10 > width * 1.35:  # cannot fit on one line
                    assert c.alignment.wrap_text, (sheet.title, c.coordinate, c.value)
                    assert row_height(sheet, c.row) > 15, (sheet.title, c.coordinate)
                    wrapped += 1
    assert wrapped >= 5


def test_one_font_family_in_cells_headers_and_charts(demo_pack):
    path, wb = demo_pack
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(max_row=min(sheet.max_row, 400)):
            for c in row:
                if c.value is not None:
                    assert c.font.name == FONT, (sheet.title, c.coordinate, c.font.name)
        for part in (sheet.oddHeader.center, sheet.oddHeader.right, sheet.oddFooter.left, sheet.oddFooter.right):
            if part.text:
                assert part.font.split(",")[0] == FONT, (sheet.title, part.font)
    assert wb._fonts[0].name == FONT  # the Normal style's font: the unit of column widths
    xml = chart_xml(path)
    assert xml
    for chart in xml:
        assert set(re.findall(r'latin typeface="([^"]+)"', chart)) == {FONT}


# --------------------------------------------------------------------------- pages and charts

def test_every_sheet_has_a_print_area_and_the_page_setup(demo_pack):
    _path, wb = demo_pack
    for sheet in wb.worksheets:
        assert sheet.print_area, sheet.title
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        note = next((r[0].row for r in sheet.iter_rows() if r[0].value == "The data behind the charts (not printed)"),
                    None)
        if note:
            assert print_rows(sheet) < note, sheet.title
            assert sheet._charts


def test_pages_hold_what_a_page_can_and_leave_no_orphans(demo_pack):
    """Ninety places every break: no page is taller than a page, none ends a table with fewer than
    MIN_ROWS rows, and no chart straddles a break."""
    _path, wb = demo_pack
    for sheet in wb.worksheets:
        capacity = page_capacity(sheet)
        spans = pages(sheet)
        for first, last in spans:
            assert sum(row_height(sheet, r) for r in range(first, last + 1)) <= capacity + 0.01, (sheet.title, first)
        for chart in sheet._charts:
            top, bottom = chart_rows(chart)
            assert any(first <= top and bottom <= last for first, last in spans), (sheet.title, top)
        for table in sheet.tables.values():
            head, end = (int(x) for x in re.findall(r"\d+", table.ref))
            for first, last in spans:
                if head < first <= end:  # the table runs onto this page
                    assert min(last, end) - first + 1 >= MIN_ROWS, (sheet.title, table.name, first)


def test_a_table_longer_than_a_page_repeats_its_header_and_ends_the_sheet(demo_pack):
    _path, wb = demo_pack
    forecast = wb["Forecast"]
    table = forecast.tables["Ageing"]
    head, end = (int(x) for x in re.findall(r"\d+", table.ref))
    assert len(pages(forecast)) > 2
    assert forecast.print_title_rows == f"${head}:${head}"
    assert end == print_rows(forecast)  # nothing unrelated prints under the repeated header
    road = wb["Roadmap"]
    milestones = road.tables["Milestones"]
    head, end = (int(x) for x in re.findall(r"\d+", milestones.ref))
    assert end == print_rows(road)
    assert not road.print_title_rows or road.print_title_rows == f"${head}:${head}"


def test_charts_take_a_third_of_a_page_and_have_short_titles(demo_pack):
    path, wb = demo_pack
    for sheet in wb.worksheets:
        capacity = page_capacity(sheet)
        for chart in sheet._charts:
            top, bottom = chart_rows(chart)
            assert sum(row_height(sheet, r) for r in range(top, bottom + 1)) >= capacity / 3, (sheet.title, top)
            assert chart.anchor.to.col <= print_cols(sheet)
    titles = [t for xml in chart_xml(path) for t in re.findall(r"<a:t>([^<]*)</a:t>", xml)]
    assert titles and max(len(t) for t in titles) <= 40, titles
    assert len(wb["Summary"]._charts) == 2


def test_the_forecast_is_drawn_over_the_target_path_from_the_latest_check_in(demo_pack):
    _path, wb = demo_pack
    for chart in (wb["Squad"]._charts[0], wb["Summary"]._charts[0]):
        names = [s.tx.v for s in chart.series]
        assert names == ["Target path", "Actual", "Forecast"]  # the forecast drawn last, on top
        target, _actual, forecast = chart.series
        assert forecast.graphicalProperties.line.width > target.graphicalProperties.line.width
        first, last = (int(x) for x in re.findall(r"\$(\d+)", forecast.yVal.numRef.f))
        assert last - first == 1  # from the latest check-in to the target date


def test_the_roadmap_timeline_has_dates_milestones_and_today(demo_pack):
    _path, wb = demo_pack
    road = wb["Roadmap"]
    [chart] = road._charts
    assert chart.tagname == "scatterChart"
    names = [s.tx.v for s in chart.series]
    assert names[:3] == ["Audit bottlenecks", "Pilot one squad", "Empower with low-code"]
    assert {"Done", "Open", "Overdue or blocked"} <= set(names)
    assert f"Today ({TODAY:%d %b})" in names
    assert chart.x_axis.numFmt.formatCode == "dd mmm"
    milestones = road.tables["Milestones"]
    assert chart_rows(chart)[1] < int(re.findall(r"\d+", milestones.ref)[0])  # the timeline first


def test_the_heatmap_has_a_legend(demo_pack):
    _path, wb = demo_pack
    sheet = wb["Bottlenecks"]
    legend = next(r for r in sheet.iter_rows() if str(r[0].value).startswith("Colour scale"))
    values = [c.value for c in legend[1:4]]
    assert values == sorted(values) and all(c.fill.fgColor.rgb.endswith(f) for c, f in
                                            zip(legend[1:4], ("FFF8E1", "FFB74D", "C62828")))
    assert all(c.number_format == DAYS_FORMAT for c in legend[1:4])


def test_the_audit_log_prints_its_description_and_names_the_file_only(ws, tmp_path):
    from datetime import timezone

    from models.audit import Stage, Transition, store
    from models.audit.sheet import file_name

    def at(day: int) -> datetime:
        return datetime(2026, 3, day, tzinfo=timezone.utc)

    stages = [Stage("Backlog", "Marketing", "queue"), Stage("In Dev", "IT", "active"), Stage("Done", "", "done")]
    log = [Transition(item, at(day), prev, to) for item, steps in (("A", (1, 3, 5)), ("B", (2, 4, 8)))
           for day, prev, to in zip(steps, (None, "Backlog", "In Dev"), ("Backlog", "In Dev", "Done"))]

    assert file_name(r"C:\Users\dana\Downloads\jira export.csv") == "jira export.csv"
    assert file_name("/home/dana/logs/northwind.csv") == "northwind.csv"
    pid = svc.create_plan(ws, svc.PlanDraft(name="Audit", start=date(2026, 3, 1), timezone="UTC"))
    store.set_stage_map(ws, pid, stages)
    store.store_log(ws, pid, log, source="/home/dana/private/logs/two-items.csv", format="csv", settings={})
    target = tmp_path / "p.xlsx"
    write_status_pack(ws, svc.get_plan(ws, pid), target, FEATURES, as_of=TODAY, sheets=["auditlog"])
    sheet = load_workbook(target)["Audit log"]
    texts = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    assert not any("/home/dana" in t for t in texts)
    last = print_rows(sheet)
    printed = [sheet.cell(row=r, column=1).value for r in range(1, last + 1)]
    assert any("two-items.csv" in str(t) for t in printed)
    assert "Item" not in printed  # the table's header does not print alone
    header = next(r for r in sheet.iter_rows() if r[0].value == "Item")
    assert header[0].row > last and sheet.tables["AuditLog"].ref.startswith(f"A{header[0].row}:")
    assert {c.value for c in header} >= {"Item", "At", "From status", "To status"}


# --------------------------------------------------------------------------- empty sections

def test_empty_sections_are_left_out_with_a_line_saying_so(new_plan_pack):
    _path, wb, info = new_plan_pack
    assert "lowcode" in info.sheets and "squad" in info.sheets
    for sheet in wb.worksheets:
        for row in header_rows(sheet):
            first = next(c for c in row if c.value is not None)
            assert column_below(sheet, first), (sheet.title, first.value)  # no header without rows
    texts = {sheet.title: " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None)
             for sheet in wb.worksheets}
    assert "No milestones yet" in texts["Roadmap"]
    assert "The weekly chart appears once 10 requests are delivered" in texts["Low-code"]
    assert "No request has needed a developer yet." in texts["Low-code"]
    assert "No check-ins yet." in texts["Squad"] and "No members yet." in texts["Squad"]
    assert "NOT YET" in texts["Summary"] and "No milestones yet" in texts["Summary"]
    assert wb["Low-code"]._charts == [] and wb["Summary"]._charts == []  # no 100 % → 0 % line from one request


def test_user_text_never_becomes_a_formula_on_any_sheet(ws, tmp_path):
    from models.lowcode import service as low
    from models.squad import service as squad

    hostile = ["=1+1", "@SUM(A1)", "+cmd", "-2", "#N/A", '=HYPERLINK("http://x","y")']
    pid = svc.create_plan(ws, svc.PlanDraft(name="=cmd|' /C calc'!A0", start=date(2026, 3, 2),
                                            organisation="+org", sponsor="@sponsor"))
    for i, text in enumerate(hostile):
        svc.add_milestone(ws, pid, svc.MilestoneDraft(step="squad", title=text, owner=text,
                                                      due=date(2026, 3, 10) + timedelta(days=i)))
        low.add_request(ws, pid, low.RequestDraft(title=text, team=text, requested=date(2026, 3, 3 + i)))
    squad.create_squad(ws, pid, squad.SquadDraft(name="=squad()", problem="=problem()", metric_name="+metric"))
    target = tmp_path / "hostile.xlsx"
    write_status_pack(ws, svc.get_plan(ws, pid), target, FEATURES, as_of=TODAY)
    wb = load_workbook(target)
    seen = set()
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type not in ("f", "e"), (sheet.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    seen.add(c.value)
    assert set(hostile) <= seen
    assert {"=cmd|' /C calc'!A0", "=problem()"} <= seen


def test_the_heatmap_lists_departments_as_the_audit_page_does(demo_pack):
    from models.audit.heatmap import heatmap_matrix
    from models.audit.store import analyse_plan, get_stage_map
    from models.core.workspace import open_workspace
    from models.plan.service import list_plans

    path, wb = demo_pack
    sheet = wb["Bottlenecks"]
    header = next(r for r in sheet.iter_rows() if r[0].value == "From \\ to")
    start = header[0].row
    columns = [c.value for c in header[1:] if c.value]
    rows = []
    for r in sheet.iter_rows(min_row=start + 1):
        if not r[0].value or str(r[0].value).startswith("Colour scale"):
            break
        rows.append(r[0].value)
    ws = open_workspace(path.parent / "demo.ninety", read_only=True)
    try:
        plan = list_plans(ws)[0]
        expected_rows, expected_cols, _ = heatmap_matrix(analyse_plan(ws, plan.id), get_stage_map(ws, plan.id))
    finally:
        ws.close()
    assert (rows, columns) == (expected_rows, expected_cols) and rows[-1] == "Intake"
