"""``ninety audit``: JSON figures on a hand-computed log, every input form,
storing into a workspace (all or nothing), errors with line numbers, no Qt."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from desktop.cli import main
from models.audit import Stage
from models.audit import store
from models.plan.service import PlanDraft, create_plan
from models.core.workspace import create_workspace, open_workspace

STAGES_CSV = """status,department,kind
Backlog,Marketing,queue
Brief,Marketing,active
Design Queue,Design,queue
Designing,Design,active
Approval,Marketing,queue
Dev Queue,IT,queue
Developing,IT,active
Done,IT,done
"""

# (item, day, status); day 0 = Monday 5 January 2026, 09:00 in Paris (+01:00)
LOG = [
    # A: Backlog 1, Brief 1, Design Queue 2, Designing 1, Approval 2, Designing 1 (rework),
    #    Approval 1, Dev Queue 4, Developing 1, Done at 14.  Active 4, queue 10, flow time 14.
    ("A", 0, "Backlog"), ("A", 1, "Brief"), ("A", 2, "Design Queue"), ("A", 4, "Designing"),
    ("A", 5, "Approval"), ("A", 7, "Designing"), ("A", 8, "Approval"), ("A", 9, "Dev Queue"),
    ("A", 13, "Developing"), ("A", 14, "Done"),
    # B: Backlog 1, Brief 1, Dev Queue 3 (Marketing -> IT), Developing 1, Done 2 (not counted),
    #    reopened: Dev Queue 1 (IT -> IT), Developing 1, Done at 11.  Active 3, queue 5, flow 1 -> 11 = 10.
    ("B", 1, "Backlog"), ("B", 2, "Brief"), ("B", 3, "Dev Queue"), ("B", 6, "Developing"),
    ("B", 7, "Done"), ("B", 9, "Dev Queue"), ("B", 10, "Developing"), ("B", 11, "Done"),
    # C: Backlog 1, Brief 1, Design Queue from 5, open until the as-of (day 14): 9.  Active 1, queue 10.
    ("C", 3, "Backlog"), ("C", 4, "Brief"), ("C", 5, "Design Queue"),
]
T0 = datetime(2026, 1, 5, 9, 0)

EXPECTED = {
    "as_of": "2026-01-19T09:00:00+01:00",
    "items": 3,
    "completed": 2,
    "flow_time_days": {"median": 12.0, "p85": 13.4},  # of [10, 14]
    "flow_efficiency": 0.2424,  # 8 / 33
    "statuses": [
        {"status": "Design Queue", "department": "Design", "kind": "queue", "items": 2, "visits": 2,
         "total_days": 11.0, "median_days": 5.5, "p85_days": 7.95},
        {"status": "Dev Queue", "department": "IT", "kind": "queue", "items": 2, "visits": 3,
         "total_days": 8.0, "median_days": 4.0, "p85_days": 4.0},
        {"status": "Approval", "department": "Marketing", "kind": "queue", "items": 1, "visits": 2,
         "total_days": 3.0, "median_days": 3.0, "p85_days": 3.0},
        {"status": "Backlog", "department": "Marketing", "kind": "queue", "items": 3, "visits": 3,
         "total_days": 3.0, "median_days": 1.0, "p85_days": 1.0},
        {"status": "Brief", "department": "Marketing", "kind": "active", "items": 3, "visits": 3,
         "total_days": 3.0, "median_days": 1.0, "p85_days": 1.0},
        {"status": "Developing", "department": "IT", "kind": "active", "items": 2, "visits": 3,
         "total_days": 3.0, "median_days": 1.5, "p85_days": 1.85},
        {"status": "Designing", "department": "Design", "kind": "active", "items": 1, "visits": 2,
         "total_days": 2.0, "median_days": 2.0, "p85_days": 2.0},
    ],
    "handoffs": [
        {"from": "Marketing", "to": "Design", "items": 2, "total_days": 11.0, "median_days": 5.5, "p85_days": 7.95},
        {"from": "Design", "to": "IT", "items": 1, "total_days": 4.0, "median_days": 4.0, "p85_days": 4.0},
        {"from": "Design", "to": "Marketing", "items": 1, "total_days": 3.0, "median_days": 3.0, "p85_days": 3.0},
        {"from": "Intake", "to": "Marketing", "items": 3, "total_days": 3.0, "median_days": 1.0, "p85_days": 1.0},
        {"from": "Marketing", "to": "IT", "items": 1, "total_days": 3.0, "median_days": 3.0, "p85_days": 3.0},
        {"from": "IT", "to": "IT", "items": 1, "total_days": 1.0, "median_days": 1.0, "p85_days": 1.0},
    ],
    # Marketing->Design 11 + Design->IT 4 + Design->Marketing 3 + Marketing->IT 3 (Intake and IT->IT excluded)
    "silo_tax": {"days": 21.0, "share": 0.6364},  # 21 / 33
}


def rows_with_from():
    prev: dict[str, str] = {}
    for item, day, status in LOG:
        yield item, T0 + timedelta(days=day), prev.get(item, ""), status
        prev[item] = status


def write_iso_csv(path, *, delimiter=";", bom=True):
    lines = [delimiter.join(["Key", "Changed", "From", "To"])]
    for item, when, frm, to in rows_with_from():
        lines.append(delimiter.join([item, when.isoformat() + "+01:00", frm, to]))
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode())
    return path


@pytest.fixture
def files(tmp_path):
    stages = tmp_path / "stages.csv"
    stages.write_text(STAGES_CSV, encoding="utf-8")
    return write_iso_csv(tmp_path / "log.csv"), stages


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_matches_the_hand_computed_figures(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--json")
    assert code == 0, err
    assert json.loads(out) == EXPECTED


def test_mapped_columns_and_a_date_format_give_the_same_figures(capsys, tmp_path, files):
    _, stages = files
    log = tmp_path / "odd.csv"
    with open(log, "w", encoding="cp1252", newline="") as fh:
        fh.write("Ticket\tWhen\tWas\tNow\tRemark\r\n")
        for item, when, frm, to in rows_with_from():
            fh.write(f"{item}\t{when:%d/%m/%Y %H:%M}\t{frm}\t{to}\tcafé\r\n")
    args = ["audit", log, "--stages", stages, "--json", "--map", "item=Ticket", "--map", "at=When",
            "--map", "from=Was", "--map", "to=Now", "--date-format", "%d/%m/%Y %H:%M", "--tz", "Europe/Paris",
            "--encoding", "cp1252"]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert json.loads(out) == EXPECTED


def test_xlsx_sheet_with_real_date_cells(capsys, tmp_path, files):
    openpyxl = pytest.importorskip("openpyxl")
    _, stages = files
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    sheet = wb.create_sheet("Transitions")
    sheet.append(["Issue key", "Changed", "From", "To"])
    for item, when, frm, to in rows_with_from():
        sheet.append([item, when, frm or None, to])
    path = tmp_path / "log.xlsx"
    wb.save(path)
    code, out, err = run(capsys, "audit", path, "--stages", stages, "--sheet", "Transitions",
                         "--tz", "Europe/Paris", "--json")
    assert code == 0, err
    assert json.loads(out) == EXPECTED


def test_jira_json_is_detected_by_content(capsys, tmp_path):
    stages = tmp_path / "stages.csv"
    stages.write_text("status,department,kind\nTo Do,Product,queue\nIn Progress,IT,active\n"
                      "Review,Legal,queue\nDone,IT,done\n", encoding="utf-8")
    issue = {
        "key": "SHOP-1",
        "fields": {"created": "2026-01-05T09:00:00.000+0100", "status": {"name": "Done"}},
        "changelog": {"histories": [  # newest first, as Jira often returns them
            {"created": "2026-01-09T09:00:00.000+0100",
             "items": [{"field": "status", "fromString": "Review", "toString": "Done"}]},
            {"created": "2026-01-08T09:00:00.000+0100",
             "items": [{"field": "assignee", "fromString": "a", "toString": "b"},
                       {"field": "status", "fromString": "In Progress", "toString": "Review"}]},
            {"created": "2026-01-06T09:00:00.000+0100",
             "items": [{"field": "status", "fromString": "To Do", "toString": "In Progress"}]},
        ]},
    }
    path = tmp_path / "export.txt"
    path.write_text(json.dumps({"startAt": 0, "total": 1, "issues": [issue]}), encoding="utf-8")
    code, out, err = run(capsys, "audit", path, "--stages", stages, "--json")
    assert code == 0, err
    data = json.loads(out)
    # To Do 1 (Intake -> Product), In Progress 2, Review 1 (IT -> Legal); flow time 4
    assert (data["items"], data["completed"], data["flow_time_days"]["median"]) == (1, 1, 4.0)
    assert [(h["from"], h["to"], h["total_days"]) for h in data["handoffs"]] == [
        ("IT", "Legal", 1.0), ("Intake", "Product", 1.0)]
    assert data["silo_tax"] == {"days": 1.0, "share": 0.25} and data["flow_efficiency"] == 0.5


def test_as_of_date_is_its_midnight_in_the_given_zone(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--json", "--as-of", "2026-01-18",
                         "--tz", "Europe/Paris")
    assert code == 0, err
    data = json.loads(out)
    # 18 Jan 00:00 = day 12.625: A is still in Dev Queue (3.625 d), C in Design Queue (7.625 d)
    assert data["as_of"] == "2026-01-18T00:00:00+01:00"
    assert (data["items"], data["completed"]) == (3, 1)
    figures = {s["status"]: s["total_days"] for s in data["statuses"]}
    assert figures["Design Queue"] == 9.625 and figures["Dev Queue"] == 3.625 + 4
    assert "Developing" in figures and figures["Developing"] == 2.0


def test_text_output_is_a_readable_table(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "audit", log, "--stages", stages)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "log.csv: 3 items, 2 completed, as of 2026-01-19T09:00:00+01:00"
    assert "flow efficiency 24.2 %" in lines[1] and "median 12.0 d, p85 13.4 d" in lines[1]
    assert "silo tax: 21.0 days" in lines[2] and "63.6 %" in lines[2]
    first_handoff = lines[lines.index(next(x for x in lines if x.startswith("handoff"))) + 1]
    assert first_handoff.split() == ["Marketing", "→", "Design", "2", "11.0", "5.5", "8.0"]


@pytest.fixture
def workspace(tmp_path):
    path = tmp_path / "w.ninety"
    ws = create_workspace(path)
    plan_id = create_plan(ws, PlanDraft(name="Flagship", start=date(2026, 1, 1), timezone="Europe/Paris"))
    create_plan(ws, PlanDraft(name="Other", start=date(2026, 1, 1)))
    store.set_stage_map(ws, plan_id, [Stage("Old", "X", "queue")])
    ws.close()
    return path, plan_id


def test_workspace_stores_the_map_and_the_log(capsys, files, workspace):
    log, stages = files
    path, plan_id = workspace
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--json", "--workspace", path,
                         "--plan", "Flagship")
    assert code == 0, err
    assert "stored 21 transitions and 8 stages in plan 'Flagship'" in err
    with open_workspace(path) as ws:
        assert list(store.get_stage_map(ws, plan_id)) == [
            "Backlog", "Brief", "Design Queue", "Designing", "Approval", "Dev Queue", "Developing", "Done"]
        info = store.active_import(ws, plan_id)
        assert (info.row_count, info.format, info.source) == (21, "csv", str(log.resolve()))
        assert info.settings["mapping"] == {"item": "Key", "at": "Changed", "from": "From", "to": "To"}
        stored = store.load_transitions(ws, plan_id)
        assert [t.item for t in stored] == [r[0] for r in LOG]
        assert stored.lines == list(range(2, 23))
        assert store.analyse_plan(ws, plan_id).to_json() == json.loads(out)
    code, out, _ = run(capsys, "summary", path, "--plan", "Flagship", "--json")
    assert json.loads(out)["audit"]["silo_tax"] == {"days": 21.0, "share": 0.6364}


def test_naive_timestamps_use_the_plan_zone(capsys, tmp_path, files, workspace):
    _, stages = files
    path, plan_id = workspace
    log = tmp_path / "naive.csv"
    log.write_text("Key,Changed,From,To\n" + "".join(
        f"{item},{when:%Y-%m-%d %H:%M},{frm},{to}\n" for item, when, frm, to in rows_with_from()))
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--json", "--workspace", path,
                         "--plan", "Flagship")
    assert code == 0, err
    assert json.loads(out) == EXPECTED  # Flagship's zone is Europe/Paris: +01:00 in January


def test_bad_log_exits_2_with_line_numbers_and_stores_nothing(capsys, tmp_path, files, workspace):
    _, stages = files
    path, plan_id = workspace
    log = tmp_path / "bad.csv"
    log.write_text("Key,Changed,From,To\n"
                   "A,2026-01-05T09:00:00+01:00,,Backlog\n"
                   "A,05/13/2026 9am,Backlog,Brief\n"
                   "B,2026-01-06T09:00:00+01:00,,Backlog\n"
                   ",2026-01-07T09:00:00+01:00,Backlog,Brief\n", encoding="utf-8")
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--json", "--workspace", path,
                         "--plan", "Flagship")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == "ninety: bad.csv: 2 problems, nothing stored"
    assert lines[1].startswith("bad.csv, line 3, column 'Changed': bad date '05/13/2026 9am'")
    assert lines[2] == "bad.csv, line 5, column 'Key': missing item id"
    assert "Traceback" not in err
    with open_workspace(path) as ws:
        assert store.active_import(ws, plan_id) is None
        assert list(store.get_stage_map(ws, plan_id)) == ["Old"]


def test_unknown_status_exits_2_with_its_line(capsys, tmp_path, files, workspace):
    _, stages = files
    path, plan_id = workspace
    log = tmp_path / "unknown.csv"
    log.write_text("Key,Changed,From,To\n"
                   "A,2026-01-05T09:00:00+01:00,,Backlog\n"
                   "A,2026-01-06T09:00:00+01:00,Backlog,Waiting for CMO\n"
                   "A,2026-01-07T09:00:00+01:00,Waiting for CMO,Done\n", encoding="utf-8")
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--workspace", path, "--plan", "Flagship")
    assert code == 2 and out == ""
    assert "unknown.csv, line 3, column 'To': status 'Waiting for CMO' is not in the stage map (used 2 times)" in err
    with open_workspace(path) as ws:
        assert store.active_import(ws, plan_id) is None


def test_at_most_20_problems_are_listed(capsys, tmp_path, files):
    _, stages = files
    log = tmp_path / "many.csv"
    log.write_text("Key,Changed,To\n" + "".join(f"A{i},not a date,Backlog\n" for i in range(25)))
    code, _, err = run(capsys, "audit", log, "--stages", stages, "--json")
    lines = err.splitlines()
    assert code == 2 and lines[0] == "ninety: many.csv: 25 problems"
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "and 5 more"
    assert lines[1].startswith("many.csv, line 2,") and lines[20].startswith("many.csv, line 21,")


@pytest.mark.parametrize("extra, message", [
    (["--map", "item"], "--map: expected FIELD=COLUMN"),
    (["--map", "owner=Assignee"], "--map: unknown field 'owner'"),
    (["--tz", "Mars/Olympus"], "--tz: unknown time zone 'Mars/Olympus'"),
    (["--as-of", "18/01/2026"], "--as-of: '18/01/2026' is not a date"),
    (["--plan", "Flagship"], "--plan needs --workspace"),
    (["--workspace", "{missing}"], "no such file"),
])
def test_user_mistakes_exit_2_with_one_line(capsys, tmp_path, files, extra, message):
    log, stages = files
    extra = [str(tmp_path / "missing.ninety") if x == "{missing}" else x for x in extra]
    code, out, err = run(capsys, "audit", log, "--stages", stages, "--json", *extra)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_stage_map_is_reported_with_its_line(capsys, tmp_path, files):
    log, _ = files
    stages = tmp_path / "stages.csv"
    stages.write_text("status,department,kind\nBacklog,Marketing,waiting\n", encoding="utf-8")
    code, _, err = run(capsys, "audit", log, "--stages", stages)
    assert code == 2 and "line 2, column 'kind': bad kind 'waiting'" in err


def test_audit_does_not_import_qt(files, tmp_path, workspace):
    log, stages = files
    path, _ = workspace
    script = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"code = main(['audit', {str(log)!r}, '--stages', {str(stages)!r}, '--json',"
        f" '--workspace', {str(path)!r}, '--plan', 'Flagship'])\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'matplotlib')))\n"
        "sys.stderr.write(f'CODE={code} QT=' + ','.join(qt))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("CODE=0 QT="), proc.stderr[-300:]
    assert json.loads(proc.stdout)["silo_tax"] == EXPECTED["silo_tax"]
