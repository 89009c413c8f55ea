"""Real exports as they are: a changelog CSV with two date columns and rows for
items that never moved, duplicates, status case, and Jira in all its shapes.
Every file here is small and written by hand; figures are worked out in the
comments."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from desktop.cli import main
from models.audit import LogError, Stage, Transition, analyse, preview, read_stage_map_csv, read_transitions
from models.audit.columns import choose_columns
from models.audit.log_rows import align_statuses, duplicate_rows
from models.audit.problems import MappingNeeded

UTC = timezone.utc

STAGES = "status,department,kind\nTo Do,Product,queue\nIn Progress,IT,active\nReview,Legal,queue\nDone,IT,done\n"

# A changelog export: one row per status change, plus a row with empty change
# fields for each issue that never moved (A-3 in To Do; A-4's status unknown).
CHANGELOG = (
    "issue_key,issue_created_date,current_status,status_change_date,from_status,to_status\n"
    "A-1,2026-01-05 09:00,Done,2026-01-06 09:00,To Do,In Progress\n"  # line 2
    "A-1,2026-01-05 09:00,Done,2026-01-08 09:00,In Progress,Review\n"
    "A-2,2026-01-06 09:00,In Progress,2026-01-07 12:00,To Do,In Progress\n"  # line 4
    "A-1,2026-01-05 09:00,Done,2026-01-09 09:00,Review,Done\n"
    "A-3,2026-01-07 09:00,To Do,,,\n"  # line 6: never moved
    "A-4,2026-01-07 10:00,,,,\n"  # line 7: never moved, status unknown
)
FULL_MAP = ["--map", "at=status_change_date", "--map", "created=issue_created_date",
            "--map", "status=current_status"]
MAPPING = {"item": "issue_key", "at": "status_change_date", "from": "from_status", "to": "to_status",
           "created": "issue_created_date", "status": "current_status"}


def issue(key, created, changes, status, fmt="+0000"):
    """A Jira issue; *changes* oldest first, sent newest first as Jira does."""
    histories = [{"created": f"{at}.000{fmt}", "items": [{"field": "status", "fromString": a, "toString": b}]}
                 for at, a, b in reversed(changes)]
    return {"key": key, "fields": {"created": f"{created}.000{fmt}", "status": {"name": status}},
            "changelog": {"startAt": 0, "total": len(histories), "histories": histories}}


# The same three issues as CHANGELOG (A-4, whose status nobody knows, cannot be in Jira).
A1 = issue("A-1", "2026-01-05T09:00:00", [("2026-01-06T09:00:00", "To Do", "In Progress"),
                                         ("2026-01-08T09:00:00", "In Progress", "Review"),
                                         ("2026-01-09T09:00:00", "Review", "Done")], "Done")
A2 = issue("A-2", "2026-01-06T09:00:00", [("2026-01-07T12:00:00", "To Do", "In Progress")], "In Progress")
A3 = issue("A-3", "2026-01-07T09:00:00", [], "To Do")


def page(*issues, start=0):
    return {"startAt": start, "maxResults": 2, "total": 3, "issues": list(issues)}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "stages.csv").write_text(STAGES, encoding="utf-8")
    (tmp_path / "changelog.csv").write_text(CHANGELOG, encoding="utf-8")
    return tmp_path


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def figures(rows, stages_path):
    return analyse(rows, read_stage_map_csv(stages_path)).to_json()


# --------------------------------------------------------------------------- 1. no wrong guess

def test_two_date_columns_unmapped_are_refused_with_the_candidates(capsys, files):
    with pytest.raises(MappingNeeded) as err:
        read_transitions(files / "changelog.csv", tz=UTC)
    assert err.value.choices == {"at": ("issue_created_date", "status_change_date")}
    assert str(err.value) == ("changelog.csv, line 1: 2 columns could be the time of each status change "
                              "('issue_created_date', 'status_change_date'): choose one")
    pv = preview(files / "changelog.csv")
    assert "at" not in pv.guessed_mapping
    assert pv.ambiguous == {"at": ("issue_created_date", "status_change_date")}
    assert pv.guessed_mapping == {"item": "issue_key", "from": "from_status", "to": "to_status"}

    code, out, err = run(capsys, "audit", files / "changelog.csv", "--stages", files / "stages.csv", "--json")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "ninety: changelog.csv, line 1: 2 columns could be the time of each status change "
        "('issue_created_date', 'status_change_date'): choose one with "
        "--map at=issue_created_date or --map at=status_change_date")


def test_the_creation_column_mapped_leaves_one_candidate(capsys, files):
    """Mapping the creation time takes it out of the timestamp's candidates."""
    code, out, err = run(capsys, "audit", files / "changelog.csv", "--stages", files / "stages.csv", "--json",
                         "--tz", "UTC", "--map", "created=issue_created_date", "--map", "status=current_status")
    assert code == 0, err
    assert json.loads(out)["flow_time_days"] == {"median": 4.0, "p85": 4.0}


def test_a_time_column_that_never_differs_within_an_item_is_refused(capsys, files):
    # every row of an item carries the item's creation date: each item would take no time at all
    log = files / "created_only.csv"
    log.write_text("key,created,from,to\n"
                   "A-1,2026-01-05 09:00,To Do,In Progress\n"
                   "A-1,2026-01-05 09:00,In Progress,Done\n"
                   "A-2,2026-01-06 09:00,To Do,In Progress\n"
                   "A-2,2026-01-06 09:00,In Progress,Review\n", encoding="utf-8")
    with pytest.raises(LogError) as err:
        read_transitions(log, tz=UTC)
    assert str(err.value) == (
        "created_only.csv, line 1, column 'created': never differs within an item (2 items with several rows): it "
        "cannot be the time of each status change (if it is when the item was created, map it as the "
        "creation time)")
    code, out, err = run(capsys, "audit", log, "--stages", files / "stages.csv", "--json")
    assert (code, out) == (2, "") and "never differs within an item" in err and "Traceback" not in err
    # with one item that moves at different times, the column is fine
    log.write_text(log.read_text() + "A-2,2026-01-08 09:00,Review,Done\n", encoding="utf-8")
    assert len(read_transitions(log, tz=UTC)) == 5


def test_a_to_status_column_that_never_differs_within_an_item_is_refused(files):
    log = files / "current.csv"
    log.write_text("key,at,status\n"
                   "A-1,2026-01-05 09:00,Done\nA-1,2026-01-06 09:00,Done\n"
                   "A-2,2026-01-05 10:00,Review\nA-2,2026-01-07 09:00,Review\n", encoding="utf-8")
    with pytest.raises(LogError, match=r"line 1, column 'status': never differs within an item \(2 items with several "
                                       r"rows\): it cannot be the to-status of each status change \(if it is "
                                       r"the item's current status, map it as such\)"):
        read_transitions(log, tz=UTC)


def test_item_from_and_to_are_not_guessed_between_equal_names():
    columns = ("Key", "Old", "New", "When", "Status", "Status ")
    rows = [("A", "x", "y", "2026-01-01", "To Do", "Done"), ("B", "x", "y", "2026-01-02", "Done", "Done")]
    mapping, ambiguous = choose_columns(columns, rows)
    # exact names first, in the order of their candidates: 'New' wins the to-status outright
    assert ambiguous == {} and mapping["to"] == "New"
    # two columns with the same best name and different values: refused
    mapping, ambiguous = choose_columns(("Key", "When", "Status", "status"),
                                        [("A", "2026-01-01", "To Do", "Done"), ("A", "2026-01-02", "Done", "x")])
    assert ambiguous == {"to": ("Status", "status")} and "to" not in mapping
    # the same values under two names give the same figures: the first is taken
    mapping, ambiguous = choose_columns(("Key", "When", "Status", "status"),
                                        [("A", "2026-01-01", "To Do", "To Do"), ("A", "2026-01-02", "Done", "Done")])
    assert ambiguous == {} and mapping["to"] == "Status"
    # two item columns that group the rows alike (a key and its numeric id) are not ambiguous...
    mapping, ambiguous = choose_columns(("Story key", "Jira key", "When", "To"),
                                        [("A-1", "101", "2026-01-01", "x"), ("A-2", "102", "2026-01-02", "y"),
                                         ("A-1", "101", "2026-01-03", "z")])
    assert ambiguous == {} and mapping["item"] == "Story key"
    # ...two that group them differently are
    mapping, ambiguous = choose_columns(("Story key", "Epic key", "When", "To"),
                                        [("A-1", "E-1", "2026-01-01", "x"), ("A-2", "E-1", "2026-01-02", "y")])
    assert ambiguous == {"item": ("Story key", "Epic key")} and "item" not in mapping


# --------------------------------------------------------------------------- 2. creation rows

def test_creation_rows_from_created_and_status(files):
    rows = read_transitions(files / "changelog.csv", MAPPING, tz=UTC)
    at = lambda d, h=9, m=0: datetime(2026, 1, d, h, m, tzinfo=UTC)  # noqa: E731
    assert rows == [
        Transition("A-1", at(5), None, "To Do"),  # built: enters the first change's from-status
        Transition("A-1", at(6), "To Do", "In Progress"),
        Transition("A-1", at(8), "In Progress", "Review"),
        Transition("A-2", at(6), None, "To Do"),
        Transition("A-2", at(7, 12), "To Do", "In Progress"),
        Transition("A-1", at(9), "Review", "Done"),
        Transition("A-3", at(7), None, "To Do"),  # never moved: its current status
    ]
    assert rows.lines == [2, 2, 3, 4, 4, 5, 6]
    assert (rows.created_rows, rows.left_out) == (3, ("A-4",))
    assert rows.notes() == [
        "3 creation rows built from the column 'issue_created_date'.",
        "1 item left out: never moved, and no current status (A-4).",
    ]


def test_creation_rows_give_the_figures_of_the_same_jira_export(files):
    from_csv = figures(read_transitions(files / "changelog.csv", MAPPING, tz=UTC), files / "stages.csv")
    search = files / "search.json"
    search.write_text(json.dumps(page(A1, A2, A3)), encoding="utf-8")
    assert figures(read_transitions(search), files / "stages.csv") == from_csv
    # worked by hand, as of A-1's Done (9 Jan 09:00): A-1 To Do 1, In Progress 2, Review 1 (flow time 4);
    # A-2 To Do 1.125, In Progress 1.875; A-3 To Do 2.  Active 3.875 of 9.
    assert (from_csv["items"], from_csv["completed"]) == (3, 1)
    assert from_csv["flow_time_days"] == {"median": 4.0, "p85": 4.0}
    assert from_csv["flow_efficiency"] == 0.4306 and from_csv["silo_tax"] == {"days": 1.0, "share": 0.1111}
    todo = next(s for s in from_csv["statuses"] if s["status"] == "To Do")
    assert (todo["items"], todo["total_days"], todo["median_days"]) == (3, 4.125, 1.125)


def test_cli_says_what_was_built_and_left_out(capsys, files):
    code, out, err = run(capsys, "audit", files / "changelog.csv", "--stages", files / "stages.csv", "--json",
                         "--tz", "UTC", *FULL_MAP)
    assert code == 0, err
    assert err.splitlines() == [
        "ninety: changelog.csv: 3 creation rows built from the column 'issue_created_date'.",
        "ninety: changelog.csv: 1 item left out: never moved, and no current status (A-4).",
    ]
    assert json.loads(out)["items"] == 3


def test_without_a_creation_time_a_never_moved_row_is_one_problem(files):
    mapping = {k: v for k, v in MAPPING.items() if k not in ("created", "status")}
    with pytest.raises(LogError) as err:
        read_transitions(files / "changelog.csv", mapping, tz=UTC)
    assert [(p.line, p.column) for p in err.value.problems] == [(6, "status_change_date"),
                                                               (7, "status_change_date")]
    assert "no status change on this row" in err.value.problems[0].message
    assert "map the creation time and current status" in err.value.problems[0].message


def test_an_item_that_moved_needs_its_creation_time(files):
    log = files / "gap.csv"
    log.write_text("key,created,at,from,to\n"
                   "A-1,,2026-01-06 09:00,To Do,Done\n"
                   "A-2,2026-01-05 09:00,2026-01-06 09:00,To Do,Done\n"
                   "A-2,2026-01-04 09:00,2026-01-07 09:00,Done,To Do\n", encoding="utf-8")
    mapping = {"item": "key", "at": "at", "from": "from", "to": "to", "created": "created"}
    with pytest.raises(LogError) as err:
        read_transitions(log, mapping, tz=UTC)
    assert [str(p) for p in err.value.problems] == [
        "gap.csv, line 2, column 'created': missing creation time for item A-1",
        "gap.csv, line 4, column 'created': creation time differs from line 3 ('2026-01-05 09:00') "
        "for item A-2",
    ]


def test_creation_time_needs_the_from_status(files):
    with pytest.raises(LogError, match="a creation time needs the from-status column too"):
        read_transitions(files / "changelog.csv", {k: v for k, v in MAPPING.items() if k != "from"}, tz=UTC)


# --------------------------------------------------------------------------- 3. duplicates

def test_a_repeated_row_is_dropped_and_counted(capsys, files):
    lines = CHANGELOG.splitlines(keepends=True)
    doubled = files / "doubled.csv"
    doubled.write_text("".join(lines[:3] + [lines[2]] + lines[3:]), encoding="utf-8")  # line 3 again as line 4
    rows = read_transitions(doubled, MAPPING, tz=UTC)
    assert rows.duplicates == 1 and 4 not in rows.lines
    assert "1 duplicate row (same item, time, from and to) dropped." in rows.notes()
    single = read_transitions(files / "changelog.csv", MAPPING, tz=UTC)
    assert list(rows) == list(single)
    code, out, err = run(capsys, "audit", doubled, "--stages", files / "stages.csv", "--json", "--tz", "UTC",
                         *FULL_MAP)
    assert code == 0 and "ninety: doubled.csv: 1 duplicate row (same item, time, from and to) dropped." in err
    assert json.loads(out) == figures(single, files / "stages.csv")


def test_a_reopened_item_is_not_a_duplicate_but_a_repeat_of_its_reopening_is():
    at = lambda d: datetime(2026, 1, d, tzinfo=UTC)  # noqa: E731
    rows = [Transition("A", at(1), "To Do", "Doing"), Transition("A", at(2), "Doing", "To Do"),
            Transition("A", at(3), "To Do", "Doing"),  # reopened: same item, from and to, another time
            Transition("B", at(3), "To Do", "Doing"),
            Transition("A", at(3), "To Do", "Doing"),  # the reopening again: a duplicate
            Transition("A", at(1), "To Do", "Doing")]  # the first row again: a duplicate
    assert duplicate_rows(rows) == [4, 5]


# --------------------------------------------------------------------------- 4. status case

def test_statuses_match_the_stage_map_ignoring_case_and_spaces(capsys, files):
    odd = files / "odd_case.csv"
    odd.write_text(CHANGELOG.replace("In Progress", "in progress").replace(",Review,", ",REVIEW ,"),
                   encoding="utf-8")
    code, out, err = run(capsys, "audit", odd, "--stages", files / "stages.csv", "--json", "--tz", "UTC",
                         *FULL_MAP)
    assert code == 0, err
    expected = figures(read_transitions(files / "changelog.csv", MAPPING, tz=UTC), files / "stages.csv")
    assert json.loads(out) == expected  # the stage map's spelling in the figures
    rows = align_statuses(read_transitions(odd, MAPPING, tz=UTC), ["To Do", "In Progress", "Review", "Done"])
    assert {t.to_status for t in rows} == {"To Do", "In Progress", "Review", "Done"}
    assert rows.lines[:3] == [2, 2, 3]


def test_a_stage_map_with_a_case_clash_is_refused(capsys, files):
    clash = files / "clash.csv"
    clash.write_text(STAGES + "in progress,Ops,queue\n", encoding="utf-8")
    with pytest.raises(LogError) as err:
        read_stage_map_csv(clash)
    assert str(err.value) == ("clash.csv, line 6, column 'status': status 'in progress' is 'In Progress' "
                              "(line 3) in another case: statuses match ignoring case, keep one spelling")
    code, out, err = run(capsys, "audit", files / "changelog.csv", "--stages", clash, *FULL_MAP)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "ninety: clash.csv: 1 problem"  # the stage map is at fault, not the log


# --------------------------------------------------------------------------- 5. Jira in all its shapes

def jira_shapes(tmp_path):
    """Each shape a Jira export comes in, holding A-1, A-2 and A-3: {name: paths}."""
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    p1, p2 = page(A1, A2), page(A2, A3, start=2)  # A-2 is on both pages, as offset paging does
    return {
        "several page files": [write("page1.json", json.dumps(p1)), write("page2.json", json.dumps(p2))],
        "pages one after another": [write("joined.json", json.dumps(p1, indent=2) + "\n" + json.dumps(p2))],
        "JSON Lines": [write("issues.jsonl", "\n".join(json.dumps(i) for i in (A1, A2, A3)) + "\n")],
        "a list of pages": [write("pages.json", json.dumps([p1, p2]))],
        "a bare list of issues": [write("bare.txt", json.dumps([A1, A2, A3]))],
        "single issues, one a file": [write(f"{i['key']}.json", json.dumps(i, indent=1)) for i in (A1, A2, A3)],
    }


def test_every_jira_shape_gives_the_figures_of_one_search_response(capsys, files):
    search = files / "search.json"
    search.write_text(json.dumps(page(A1, A2, A3)), encoding="utf-8")
    expected = figures(read_transitions(search), files / "stages.csv")
    for shape, paths in jira_shapes(files).items():
        rows = read_transitions(paths if len(paths) > 1 else paths[0])
        assert rows.format == "jira", shape
        assert figures(rows, files / "stages.csv") == expected, shape
        assert preview(paths).format == "jira", shape
        code, out, err = run(capsys, "audit", *paths, "--stages", files / "stages.csv", "--json")
        assert code == 0, (shape, err)
        assert json.loads(out) == expected, shape


def test_a_single_issue_reads_as_a_search_response_holding_it(files):
    one, search = files / "A-1.json", files / "search.json"
    one.write_text(json.dumps(A1, indent=2), encoding="utf-8")  # GET /issue/A-1?expand=changelog
    search.write_text(json.dumps(page(A1)), encoding="utf-8")
    rows = read_transitions(one)
    assert list(rows) == list(read_transitions(search)) and len(rows) == 4
    assert rows.lines == [2] * 4  # the line of the issue's key


def test_issues_repeated_across_pages_are_kept_once_and_counted(capsys, files):
    paths = jira_shapes(files)["several page files"]
    rows = read_transitions(paths)
    assert [t.item for t in rows].count("A-2") == 2  # its creation row and its one change, once
    assert rows.repeated_issues == 1
    assert rows.sources == ["page1.json"] * 6 + ["page2.json"]  # its creation row
    code, _, err = run(capsys, "audit", *paths, "--stages", files / "stages.csv")
    assert code == 0 and "ninety: page1.json, page2.json: 1 issue repeated across pages kept once." in err


def test_the_longest_copy_of_a_repeated_issue_is_kept(files):
    early = issue("A-2", "2026-01-06T09:00:00", [], "To Do")  # fetched before A-2 moved
    joined = files / "joined.json"
    joined.write_text(json.dumps(page(early)) + json.dumps(page(A2)), encoding="utf-8")
    rows = read_transitions(joined)
    assert [(t.from_status, t.to_status) for t in rows] == [(None, "To Do"), ("To Do", "In Progress")]


def test_json_lines_problems_name_the_file_and_line(files):
    broken = dict(A2, fields={"created": "yesterday", "status": {"name": "To Do"}})
    path = files / "issues.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in (A1, broken, A3)) + "\n", encoding="utf-8")
    with pytest.raises(LogError) as err:
        read_transitions(path)
    assert str(err.value) == ("issues.jsonl, line 2, issue A-2, field 'fields.created': bad date 'yesterday' "
                              "(expected ISO 8601)")
    path.write_text(json.dumps(A1) + "\n" + json.dumps(A2)[:-1] + "\n", encoding="utf-8")  # cut short
    with pytest.raises(LogError) as err:
        read_transitions(path)
    assert str(err.value) == "issues.jsonl, line 2: not valid JSON from this line on (Expecting ',' delimiter " \
                             "at line 3, column 1)"


def test_an_unknown_status_names_the_page_file_and_its_line(capsys, files):
    odd = issue("A-9", "2026-01-05T09:00:00", [("2026-01-06T09:00:00", "To Do", "Parked")], "Parked")
    first, second = files / "p1.json", files / "p2.json"
    first.write_text(json.dumps(page(A1)), encoding="utf-8")
    second.write_text(json.dumps(page(A2, odd), indent=2), encoding="utf-8")
    code, out, err = run(capsys, "audit", first, second, "--stages", files / "stages.csv")
    assert (code, out) == (2, "")
    line = next(n for n, text in enumerate(second.read_text().splitlines(), 1) if '"key": "A-9"' in text)
    assert err.splitlines() == [
        "ninety: p1.json, p2.json: 1 problem",
        f"p2.json, line {line}, issue A-9, field 'toString': status 'Parked' is not in the stage map",
    ]


def test_several_files_must_all_be_jira(capsys, files):
    (files / "page1.json").write_text(json.dumps(page(A1)), encoding="utf-8")
    code, out, err = run(capsys, "audit", files / "page1.json", files / "changelog.csv", "--stages",
                         files / "stages.csv")
    assert (code, out) == (2, "")
    assert "changelog.csv: not a Jira JSON export: several files are read as the pages of one Jira search" in err


def test_json_that_is_not_jira_says_what_was_expected(files):
    other = files / "board.json"
    other.write_text('{"values": [{"id": 1}]}\n', encoding="utf-8")
    with pytest.raises(LogError, match="JSON, but not a Jira export: expected search pages"):
        read_transitions(other)


# --------------------------------------------------------------------------- 6. the file at fault

def test_a_stage_map_error_names_the_stage_map_file(capsys, files):
    bad = files / "my_stages.csv"
    bad.write_text("status,department,kind\nTo Do,Product,waiting\n", encoding="utf-8")
    code, out, err = run(capsys, "audit", files / "changelog.csv", "--stages", bad, *FULL_MAP)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "ninety: my_stages.csv: 1 problem",
        "my_stages.csv, line 2, column 'kind': bad kind 'waiting' (expected active, queue or done)",
    ]


def test_stage_rows_are_kept_in_the_order_given(files):
    assert list(read_stage_map_csv(files / "stages.csv").values())[1] == Stage("In Progress", "IT", "active")
