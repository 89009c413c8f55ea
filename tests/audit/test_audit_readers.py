"""Log readers: CSV (encodings, delimiters, dates), xlsx, Jira JSON, stage maps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.audit import (
    Cancelled,
    LogError,
    Problem,
    Stage,
    Transition,
    TransitionList,
    check_statuses,
    guess_mapping,
    preview,
    read_stage_map_csv,
    read_transitions,
)

UTC = timezone.utc
PLUS1 = timezone(timedelta(hours=1))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------
# CSV


def test_semicolon_csv_with_bom_and_crlf(tmp_path):
    p = write(
        tmp_path / "log.csv",
        "\ufeffKey;Changed;From;To;Summary;Type\r\n"
        "A-1;2024-03-01T09:00:00+01:00;;Backlog;\"Fix; then ship\";Story\r\n"
        "A-1;2024-03-02 10:30:00Z;Backlog;In Dev;\"Fix; then ship\";Story\r\n"
        "A-2;2024-03-03 08:00;;Backlog;;\r\n",
    )
    pv = preview(p)
    assert (pv.format, pv.encoding, pv.delimiter) == ("csv", "utf-8-sig", ";")
    assert pv.columns == ("Key", "Changed", "From", "To", "Summary", "Type")
    assert pv.rows[0] == ("A-1", "2024-03-01T09:00:00+01:00", "", "Backlog", "Fix; then ship", "Story")
    assert len(pv.rows) == 3
    assert pv.guessed_mapping == {"item": "Key", "at": "Changed", "from": "From", "to": "To",
                                  "title": "Summary", "type": "Type"}
    assert pv.date_formats == () and pv.iso_dates

    rows = read_transitions(p, tz=PLUS1)
    assert rows == [
        Transition("A-1", datetime(2024, 3, 1, 9, tzinfo=PLUS1), None, "Backlog", "Fix; then ship", "Story"),
        Transition("A-1", datetime(2024, 3, 2, 10, 30, tzinfo=UTC), "Backlog", "In Dev", "Fix; then ship", "Story"),
        # naive ISO timestamp placed in tz
        Transition("A-2", datetime(2024, 3, 3, 8, tzinfo=PLUS1), None, "Backlog", None, None),
    ]
    assert isinstance(rows, TransitionList) and rows.lines == [2, 3, 4]


def test_cp1252_file_is_read_when_its_encoding_is_chosen(tmp_path):
    p = write(
        tmp_path / "win.csv",
        "Issue key,Date,Old status,New status,Title\n"
        "W-1,2024-03-01 09:00,,Backlog,Café – naïve €5\n",
        "cp1252",
    )
    # not guessed: invalid UTF-8 is refused in one line naming the file and the line
    for read in (preview, lambda path: read_transitions(path, tz=UTC)):
        with pytest.raises(LogError) as err:
            read(p)
        assert str(err.value) == ("win.csv, line 2: not UTF-8 text (byte 0xe9): save it as UTF-8, or choose "
                                  "its encoding (cp1252 for most Windows exports)")
    pv = preview(p, encoding="cp1252")
    assert pv.encoding == "cp1252"
    assert pv.guessed_mapping == {"item": "Issue key", "at": "Date", "from": "Old status",
                                  "to": "New status", "title": "Title"}
    (row,) = read_transitions(p, tz=UTC, encoding="cp1252")
    assert row.title == "Café – naïve €5"


def test_utf16_tab_separated(tmp_path):
    p = write(
        tmp_path / "u16.txt",
        "id\ttimestamp\tfrom status\tto status\n"
        "7\t2024-03-01 09:00\t\tQueue\n"
        "7\t2024-03-01 10:00\tQueue\tWork ☃\n",
        "utf-16",  # with BOM
    )
    pv = preview(p)
    assert (pv.encoding, pv.delimiter) == ("utf-16", "\t")
    rows = read_transitions(p, tz=UTC)
    assert [(r.item, r.from_status, r.to_status) for r in rows] == [
        ("7", None, "Queue"), ("7", "Queue", "Work ☃")]


def test_custom_columns_via_mapping(tmp_path):
    p = write(
        tmp_path / "custom.csv",
        "Ref|Moved on|Was|Became|Kind of work\n"
        "X-9|2024-03-05 12:00|Backlog|Doing|Bug\n",
    )
    mapping = {"item": "Ref", "at": "Moved on", "from": "Was", "to": "Became", "type": "Kind of work"}
    (row,) = read_transitions(p, mapping=mapping, tz=UTC)
    assert row == Transition("X-9", datetime(2024, 3, 5, 12, tzinfo=UTC), "Backlog", "Doing", None, "Bug")
    assert preview(p).delimiter == "|"

    with pytest.raises(LogError) as err:
        read_transitions(p, mapping={**mapping, "to": "Status"}, tz=UTC)
    assert "no column named 'Status'" in str(err.value)
    assert err.value.problems[0].line == 1


def test_ambiguous_dates_give_several_candidates(tmp_path):
    p = write(
        tmp_path / "amb.csv",
        "key,date,from,to\n"
        "A,01/03/2024 09:15,,Backlog\n"
        "A,02/03/2024 10:00,Backlog,Doing\n",
    )
    pv = preview(p)
    assert set(pv.date_formats) == {"%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"}
    assert not pv.iso_dates
    with pytest.raises(LogError) as err:
        read_transitions(p, tz=UTC)  # never guesses day/month order
    assert "ambiguous" in str(err.value)
    rows = read_transitions(p, date_format="%m/%d/%Y %H:%M", tz=UTC)
    assert rows[1].at == datetime(2024, 2, 3, 10, 0, tzinfo=UTC)
    rows = read_transitions(p, date_format="%d/%m/%Y %H:%M", tz=UTC)
    assert rows[1].at == datetime(2024, 3, 2, 10, 0, tzinfo=UTC)


def test_unambiguous_common_format_is_detected(tmp_path):
    p = write(
        tmp_path / "jiracsv.csv",
        "Issue key,Changed,From,To\n"
        "A,01/Mar/24 9:15 AM,,Backlog\n"
        "A,13/Mar/24 4:05 PM,Backlog,Doing\n",
    )
    assert preview(p).date_formats == ("%d/%b/%y %I:%M %p",)
    rows = read_transitions(p, tz=UTC)
    assert rows[1].at == datetime(2024, 3, 13, 16, 5, tzinfo=UTC)


def test_bad_date_reported_with_line_and_column(tmp_path):
    p = write(
        tmp_path / "log.csv",
        "Key,Changed,From,To\n"
        "A,28/02/2024 10:00,,Backlog\n"
        "A,31/02/2024 10:00,Backlog,Doing\n",
    )
    with pytest.raises(LogError) as err:
        read_transitions(p, date_format="%d/%m/%Y %H:%M", tz=UTC)
    (problem,) = err.value.problems
    assert problem == Problem("log.csv", 3, "Changed", "31/02/2024 10:00",
                              "bad date '31/02/2024 10:00' (expected %d/%m/%Y %H:%M)")
    assert str(problem) == (
        "log.csv, line 3, column 'Changed': bad date '31/02/2024 10:00' (expected %d/%m/%Y %H:%M)")
    # auto-detection also names the format it settled on
    with pytest.raises(LogError) as err:
        read_transitions(p, tz=UTC)
    assert [str(p) for p in err.value.problems] == [str(problem)]


def test_all_or_nothing_collects_every_problem_with_physical_lines(tmp_path):
    p = write(
        tmp_path / "bad.csv",
        "Key,Changed,From,To,Summary\n"  # line 1
        ",2024-03-01 09:00,,Backlog,x\n"  # 2: missing item id
        "B,2024-03-01 09:00,,Backlog,\"two\n"  # 3-4: multi-line title
        "lines\"\n"
        "\n"  # 5: blank, skipped
        "B,yesterday,Backlog,Doing,x\n"  # 6: bad date
        "C,2024-03-02 09:00,Backlog,,x\n",  # 7: missing to-status
    )
    with pytest.raises(LogError) as err:
        read_transitions(p, tz=UTC)
    got = [(q.line, q.column, q.message.split(" (")[0]) for q in err.value.problems]
    assert got == [
        (2, "Key", "missing item id"),
        (6, "Changed", "bad date 'yesterday'"),
        (7, "To", "missing to-status"),
    ]
    assert len(str(err.value).splitlines()) == 3


def test_log_error_text_is_capped_at_twenty_problems(tmp_path):
    lines = ["Key,Changed,To"] + [f"A,not a date {i},Doing" for i in range(25)]
    p = write(tmp_path / "many.csv", "\n".join(lines) + "\n")
    with pytest.raises(LogError) as err:
        read_transitions(p, tz=UTC)
    assert len(err.value.problems) == 25
    text = str(err.value).splitlines()
    assert len(text) == 21 and text[-1] == "and 5 more"
    assert text[0].startswith("many.csv, line 2, column 'Changed': bad date 'not a date 0'")


def test_binary_and_missing_files(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 8 + os.urandom(512))
    for call in (lambda: preview(junk), lambda: read_transitions(junk)):
        with pytest.raises(LogError) as err:
            call()
        assert str(err.value).startswith("junk.csv: does not look like")
    with pytest.raises(LogError) as err:
        read_transitions(tmp_path / "nope.csv")
    assert str(err.value).startswith("nope.csv: cannot read the file")
    with pytest.raises(LogError, match="empty"):
        read_transitions(write(tmp_path / "empty.csv", ""))


def test_time_zone_for_naive_timestamps_follows_daylight_saving(tmp_path):
    p = write(
        tmp_path / "dst.csv",
        "key,timestamp,to\nA,2024-01-15 12:00,Backlog\nA,2024-07-15 12:00,Doing\n",
    )
    winter, summer = read_transitions(p, tz=ZoneInfo("Europe/London"))
    assert winter.at.utcoffset() == timedelta(0)
    assert summer.at.utcoffset() == timedelta(hours=1)
    local = read_transitions(p)  # default: the computer's zone
    assert all(r.at.tzinfo is not None for r in local)
    assert local[0].at.replace(tzinfo=None) == datetime(2024, 1, 15, 12)


def test_progress_and_cancel(tmp_path):
    body = "".join(f"I{i % 50},2024-03-{1 + i // 1440:02d} {i // 60 % 24:02d}:{i % 60:02d},"
                   f"{('Doing', 'Done')[i // 50 % 2]}\n" for i in range(5000))
    p = write(tmp_path / "big.csv", "key,at,to\n" + body)
    calls: list[tuple[int, int]] = []
    rows = read_transitions(p, tz=UTC, progress=lambda d, t: calls.append((d, t)))
    assert len(rows) == 5000
    assert len(calls) >= 3 and calls[-1][0] == calls[-1][1] >= 5000
    assert all(d <= t for d, t in calls)

    seen = []

    def cancel_after_first() -> bool:
        seen.append(1)
        return len(seen) > 1

    with pytest.raises(Cancelled):
        read_transitions(p, tz=UTC, is_cancelled=cancel_after_first)


def test_importing_the_package_does_not_import_openpyxl():
    code = "import sys, models.audit; sys.exit('openpyxl' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_guess_mapping_common_names():
    assert guess_mapping(["Issue Key", "Issue id", "Status", "From Status", "Changed At (UTC)",
                          "Issue Type", "Summary"]) == {
        "item": "Issue Key", "at": "Changed At (UTC)", "from": "From Status",
        "to": "Status", "title": "Summary", "type": "Issue Type"}
    assert guess_mapping(["item", "time", "old", "new"]) == {
        "item": "item", "at": "time", "from": "old", "to": "new"}


# --------------------------------------------------------------------------
# xlsx


def make_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["exported by hand"])
    ws = wb.create_sheet("Log")
    ws.append(["Work Item ID", "Changed Date", "From", "To", "Title", "Work Item Type"])
    ws.append([101, datetime(2024, 3, 1, 9, 0), None, "New", "Login page", "Story"])  # row 2
    ws.append([101, "2024-03-02T10:00:00+00:00", "New", "Active", "Login page", "Story"])
    ws.append([])  # row 4 left empty
    ws.append([102, "2024-03-04 08:30", None, "New", None, "Bug"])  # row 5
    wb.save(path)
    return path


def test_xlsx_sheet_choice_date_cells_and_text_dates(tmp_path):
    p = make_workbook(tmp_path / "log.xlsx")
    pv = preview(p)
    assert (pv.format, pv.sheets, pv.sheet) == ("xlsx", ("Notes", "Log"), "Notes")
    pv = preview(p, sheet="Log")
    assert pv.sheet == "Log" and pv.encoding is None and pv.delimiter is None
    assert pv.columns[0] == "Work Item ID"
    assert pv.rows[0][:2] == ("101", "2024-03-01 09:00:00")
    assert pv.guessed_mapping["item"] == "Work Item ID"
    assert pv.guessed_mapping["at"] == "Changed Date"
    assert pv.date_formats == ()

    rows = read_transitions(p, sheet="Log", tz=PLUS1)
    assert rows == [
        Transition("101", datetime(2024, 3, 1, 9, tzinfo=PLUS1), None, "New", "Login page", "Story"),
        Transition("101", datetime(2024, 3, 2, 10, tzinfo=UTC), "New", "Active", "Login page", "Story"),
        Transition("102", datetime(2024, 3, 4, 8, 30, tzinfo=PLUS1), None, "New", None, "Bug"),
    ]
    assert rows.lines == [2, 3, 5]  # sheet row numbers

    with pytest.raises(LogError, match="no sheet named 'Nope'"):
        read_transitions(p, sheet="Nope")
    with pytest.raises(LogError, match="no column chosen for the item id"):
        read_transitions(p)  # first sheet has no usable columns


def test_xlsx_bad_cells_name_the_sheet_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["key", "timestamp", "to"])
    ws.append(["A", datetime(2024, 3, 1), "Doing"])
    ws.append(["A", 3.5, "Done"])  # a plain number, not a date
    ws.append(["", "2024-03-03", "Done"])
    p = tmp_path / "bad.xlsx"
    wb.save(p)
    with pytest.raises(LogError) as err:
        read_transitions(p, tz=UTC)
    assert [(q.line, q.column) for q in err.value.problems] == [(3, "timestamp"), (4, "key")]


def test_xlsx_too_large_when_unpacked_is_refused(tmp_path, monkeypatch):
    import models.audit.readers as readers

    p = make_workbook(tmp_path / "log.xlsx")
    monkeypatch.setattr(readers, "MAX_XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(LogError, match="unpacks to"):
        read_transitions(p, sheet="Log")


# --------------------------------------------------------------------------
# Jira


def jira_issue(key, created, histories, status="Done", summary="S", issuetype="Story", **extra):
    return {
        "key": key,
        "fields": {"created": created, "status": {"name": status}, "summary": summary,
                   "issuetype": {"name": issuetype}},
        "changelog": {"startAt": 0, "maxResults": len(histories), "total": len(histories),
                      "histories": histories},
        **extra,
    }


def history(created, *items):
    return {"id": created, "created": created, "items": list(items)}


def status_item(a, b):
    return {"field": "status", "fieldtype": "jira", "fromString": a, "toString": b}


def test_jira_json_newest_first_histories_and_non_status_items(tmp_path):
    data = {
        "expand": "schema,names", "startAt": 0, "maxResults": 50, "total": 2,
        "issues": [
            jira_issue(
                "ABC-1", "2024-03-01T09:15:00.000+0000",
                [  # newest first, as Jira returns them
                    history("2024-03-05T17:00:00.000+0100", status_item("In Progress", "Done")),
                    history("2024-03-03T08:00:00.000+0000",
                            {"field": "assignee", "fromString": None, "toString": "Ann"}),
                    history("2024-03-02T10:00:00.000+0000",
                            {"field": "priority", "fromString": "Low", "toString": "High"},
                            status_item("To Do", "In Progress")),
                ],
                summary="Checkout", issuetype="Story",
            ),
            jira_issue("ABC-2", "2024-03-04T12:00:00.000+0000",
                       [history("2024-03-04T13:00:00.000+0000",
                                {"field": "labels", "fromString": "", "toString": "x"})],
                       status="To Do", summary="Search", issuetype="Bug"),
        ],
    }
    p = tmp_path / "search.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    pv = preview(p)
    assert pv.format == "jira" and pv.columns == ("Key", "At", "From", "To", "Summary", "Type")
    assert pv.rows[0] == ("ABC-1", "2024-03-01T09:15:00.000+0000", "", "To Do", "Checkout", "Story")

    rows = read_transitions(p)
    assert rows == [
        Transition("ABC-1", datetime(2024, 3, 1, 9, 15, tzinfo=UTC), None, "To Do", "Checkout", "Story"),
        Transition("ABC-1", datetime(2024, 3, 2, 10, tzinfo=UTC), "To Do", "In Progress", "Checkout", "Story"),
        Transition("ABC-1", datetime(2024, 3, 5, 17, tzinfo=PLUS1), "In Progress", "Done", "Checkout", "Story"),
        # no status change: one creation row in the current status
        Transition("ABC-2", datetime(2024, 3, 4, 12, tzinfo=UTC), None, "To Do", "Search", "Bug"),
    ]


def test_jira_problems_name_the_issue_key(tmp_path):
    data = {"issues": [
        jira_issue("ABC-3", "last tuesday", []),
        {"key": "ABC-4", "fields": {"created": "2024-03-01T09:00:00.000+0000",
                                    "status": {"name": "To Do"}}},  # no changelog
        jira_issue("ABC-5", "2024-03-01T09:00:00.000+0000",
                   [history("2024-03-02T09:00:00.000+0000", status_item("To Do", "Done"))]),
    ]}
    data["issues"][2]["changelog"]["total"] = 140  # Jira cut the changelog short
    p = tmp_path / "search.json"
    p.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(LogError) as err:
        read_transitions(p)
    text = str(err.value).splitlines()
    # each issue is named with the line of its key
    assert text[0] == ("search.json, line 4, issue ABC-3, field 'fields.created': "
                       "bad date 'last tuesday' (expected ISO 8601)")
    assert text[1].startswith("search.json, line 23, issue ABC-4, field 'changelog': no changelog")
    assert text[2].startswith("search.json, line 32, issue ABC-5, field 'changelog': the changelog is cut short")
    numbered = p.read_text().splitlines()
    assert [numbered[n - 1].strip() for n in (4, 23, 32)] == [
        '"key": "ABC-3",', '"key": "ABC-4",', '"key": "ABC-5",']

    other = tmp_path / "other.json"
    other.write_text('{"values": []}', encoding="utf-8")
    with pytest.raises(LogError, match="not a Jira export"):
        preview(other)


# --------------------------------------------------------------------------
# Stage map and status check


def test_stage_map_csv(tmp_path):
    p = write(tmp_path / "stages.csv",
              "Status,Department,Kind\nBacklog,Product,queue\nIn Dev,Engineering,Active\n"
              "Done,Engineering,done\n")
    assert read_stage_map_csv(p) == {
        "Backlog": Stage("Backlog", "Product", "queue"),
        "In Dev": Stage("In Dev", "Engineering", "active"),
        "Done": Stage("Done", "Engineering", "done"),
    }


def test_stage_map_csv_problems_have_line_numbers(tmp_path):
    p = write(tmp_path / "stages.csv",
              "status;department;kind\n"
              "Backlog;Product;queue\n"
              "Review;Engineering;waiting\n"  # 3: bad kind
              "Build;;active\n"  # 4: missing department
              "Backlog;Product;queue\n")  # 5: duplicate
    with pytest.raises(LogError) as err:
        read_stage_map_csv(p)
    assert [str(q) for q in err.value.problems] == [
        "stages.csv, line 3, column 'kind': bad kind 'waiting' (expected active, queue or done)",
        "stages.csv, line 4, column 'department': missing department (an active status needs one; "
        "only a done status may leave it blank)",
        "stages.csv, line 5, column 'status': duplicate status 'Backlog' (first on line 2)",
    ]
    with pytest.raises(LogError, match="no 'kind' column"):
        read_stage_map_csv(write(tmp_path / "s2.csv", "status,department\nA,B\n"))


def test_a_done_status_may_leave_its_department_blank_as_on_the_audit_page(tmp_path):
    stages = read_stage_map_csv(write(tmp_path / "stages.csv",
                                      "status,department,kind\nBacklog,Product,queue\nLive,,done\n"))
    assert stages["Live"].department == "" and stages["Live"].kind == "done"


def test_check_statuses_names_first_line(tmp_path):
    p = write(tmp_path / "log.csv",
              "key,at,from,to\nA,2024-03-01,,Backlog\nA,2024-03-02,Backlog,Blocked\n"
              "B,2024-03-02,,Blocked\nB,2024-03-03,Blocked,Limbo\n")
    rows = read_transitions(p, tz=UTC)
    stages = {"Backlog": Stage("Backlog", "Product", "queue")}
    problems = check_statuses(rows, stages, p)
    assert [str(q) for q in problems] == [
        "log.csv, line 3, column 'to': status 'Blocked' is not in the stage map (used 3 times)",
        "log.csv, line 5, column 'to': status 'Limbo' is not in the stage map",
    ]
    # a plain list has no line numbers: the item is named instead
    (first, _) = check_statuses(list(rows), stages, "log.csv")
    assert first.line is None and first.item == "A"
