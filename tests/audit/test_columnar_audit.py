"""The columnar audit (issue 14): the log held by the column, read by the column
and analysed with numpy gives exactly what the row-by-row code gave: the same
figures to the last bit, the same rows, lines and problems."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from models.audit import Stage, Transition, TransitionList, analyse, read_transitions, store
from models.audit.analysis import cumulative_flow
from models.audit.dates import aware
from models.audit.problems import LogError
from models.audit.timestamps import NAIVE, iso_texts, parse_iso_texts, place_naive, wall_us
from models.plan.service import PlanDraft, create_plan
from tests.audit import reference_analysis as oracle

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
STAGES = {s.status: s for s in (
    Stage("Backlog", "Marketing", "queue"), Stage("Brief", "Marketing", "active"),
    Stage("Ready", "Design", "queue"), Stage("Design", "Design", "active"),
    Stage("Waiting", "Intake", "queue"),  # a department named like the pseudo-department
    Stage("Build", "IT", "active"), Stage("Review", "IT", "queue"),
    Stage("Done", "IT", "done"), Stage("Closed", "IT", "done"))}
FLOW = list(STAGES)


def random_log(seed: int, items: int = 300) -> list[Transition]:
    """Shuffled rows with equal timestamps, reopened items, runs of done rows, several
    offsets and zones, and a few rows far after the rest."""
    rng = random.Random(seed)
    zones = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30)), PARIS]
    start = datetime(2025, 3, 1, tzinfo=UTC)
    rows = []
    for n in range(items):
        t = start + timedelta(hours=rng.uniform(0, 24 * 90), microseconds=rng.choice([0, 0, 7, 500000]))
        prev = None
        for _ in range(rng.randint(1, 9)):
            status = rng.choice(FLOW)
            rows.append(Transition(f"K-{n % (items - 7)}", t.astimezone(rng.choice(zones)), prev, status,
                                   rng.choice([None, f"title {n}"]), rng.choice([None, "Story", "Bug"])))
            prev = status
            if rng.random() > 0.15:  # else the same moment again
                t += timedelta(hours=rng.expovariate(1 / 30))
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_the_analysis_matches_the_row_by_row_oracle_bit_for_bit(seed):
    rows = random_log(seed)
    as_ofs = [None, max(r.at for r in rows) - timedelta(days=20), datetime(2025, 4, 1, 12, tzinfo=PARIS)]
    for as_of in as_ofs:
        expected = oracle.analyse(rows, STAGES, as_of)
        assert analyse(rows, STAGES, as_of) == expected
        assert analyse(TransitionList(rows), STAGES, as_of) == expected
        assert cumulative_flow(rows, STAGES, as_of) == oracle.cumulative_flow(rows, STAGES, as_of)


def test_the_analysis_raises_as_the_oracle_does():
    rows = random_log(1, items=20)
    naive = rows[:5] + [Transition("N", datetime(2025, 3, 2), None, "Backlog")] + rows[5:]
    with pytest.raises(ValueError, match="naive timestamp 2025-03-02T00:00:00 for item 'N'"):
        analyse(naive, STAGES)
    unknown = rows + [Transition("U", rows[0].at, "Limbo", "Nowhere")]
    with pytest.raises(ValueError, match="2 statuses are not in the stage map: 'Limbo', 'Nowhere'"):
        analyse(unknown, STAGES)
    assert analyse([], STAGES).items == 0


# --------------------------------------------------------------------------- the list by the column

def test_a_transition_list_is_a_sequence_of_the_rows_it_was_given():
    rows = random_log(2, items=40)
    log = TransitionList(rows, lines=range(2, 2 + len(rows)), file="f.csv")
    assert log == rows and list(log) == rows and len(log) == len(rows)
    assert log[3] == rows[3] and log[-1] == rows[-1] and log[2:9] == rows[2:9]
    assert all(a.at.tzinfo is b.at.tzinfo or a.at.tzinfo == b.at.tzinfo for a, b in zip(log, rows))
    assert log[2:9].lines == list(range(4, 11))
    log[0] = Transition("New", rows[0].at, None, "Backlog")
    assert log[0] == Transition("New", rows[0].at, None, "Backlog") and log[1:] == rows[1:]
    both = log.joined(TransitionList(rows[:3]))
    assert list(both) == [log[0], *rows[1:], *rows[:3]] and both.lines[-3:] == [None, None, None]


def test_duplicates_are_found_by_the_column_as_row_by_row():
    rows = random_log(3, items=60)
    rows += [rows[5], rows[9], Transition(rows[9].item, rows[9].at.astimezone(UTC), rows[9].from_status,
                                          rows[9].to_status)]  # the same instant, another offset
    from models.audit.log_rows import duplicate_rows

    assert duplicate_rows(TransitionList(rows)) == duplicate_rows(list(rows))


# --------------------------------------------------------------------------- timestamps by the column

def test_iso_timestamps_by_the_column_are_those_python_reads():
    rng = random.Random(5)
    texts = []
    for _ in range(5000):
        text = f"{rng.choice([1, 1969, 2024, 2025, 9999]):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
        if rng.random() < 0.8:
            text += f"{rng.choice('T ')}{rng.randint(0, 25):02d}:{rng.randint(0, 60):02d}"
            if rng.random() < 0.7:
                text += f":{rng.randint(0, 60):02d}" + rng.choice(["", ".5", ".123", ".123456", ".1234567"])
            text += rng.choice(["", "Z", "+01:00", "-05:30", "+24:00", "+0100", " UTC"])
        texts.append(text)
    wall, offset, done = parse_iso_texts(texts)
    assert done.sum() > 1000
    for text, w, o, ok in zip(texts, wall.tolist(), offset.tolist(), done.tolist()):
        if ok:
            dt = datetime.fromisoformat(text)
            assert (w, o) == (wall_us(dt), NAIVE if dt.tzinfo is None else dt.utcoffset() // timedelta(seconds=1))
    moments = [datetime(2025, 3, 30, 1, 59, 59, 999999, tzinfo=PARIS), datetime(2025, 1, 1, 9, 5, 7, 120, tzinfo=UTC),
               datetime(1950, 6, 1, tzinfo=timezone(timedelta(hours=5, minutes=30, seconds=12)))]
    us = np.array([wall_us(m) for m in moments])
    off = np.array([m.utcoffset() // timedelta(microseconds=1) for m in moments])
    assert iso_texts(us, off) == [m.isoformat() for m in moments]


@pytest.mark.parametrize("tz", [PARIS, ZoneInfo("America/New_York"), timezone(timedelta(hours=2)), None])
def test_naive_times_are_placed_as_aware_places_each(tz):
    start = datetime(2025, 3, 8)
    naive = [start + timedelta(minutes=17 * k) for k in range(0, 3000)]  # over both daylight-saving changes
    naive += [datetime(2025, 10, 26, 2, 30), datetime(2025, 3, 30, 2, 30), datetime(2025, 11, 2, 1, 30)]
    wall, offset, zone, zones = place_naive(np.array([wall_us(d) for d in naive]), tz, aware)
    for d, w, o, z in zip(naive, wall.tolist(), offset.tolist(), zone.tolist()):
        expected = aware(d, tz)
        assert (w, o) == (wall_us(expected), expected.utcoffset() // timedelta(seconds=1))
        assert repr(zones[z]) == repr(expected.tzinfo)


# --------------------------------------------------------------------------- reading by the column

def _row_by_row(monkeypatch):
    """Make the readers read every row one at a time (the reference)."""
    from models.audit import readers, table_rows

    monkeypatch.setattr(readers._CsvTable, "_rest", lambda self: None)
    monkeypatch.setattr(table_rows.TableRows, "_take", lambda self, cells, lines: False)


HEADER = "Key,Changed,From,To,Summary,Type\n"
ROWS = [
    ("A-1", "2025-03-29T23:30:00+01:00", "", "Backlog", "Fix it", "Story"),
    ("A-1", "2025-03-30T09:00:00", "Backlog", "Build", "Fix it", "Story"),  # naive: the zone given
    ("A-2", "2025-03-30 02:30", "", "Backlog", "Ünïcode title, long enough to be told apart by a hash of its "
                                                "bytes rather than by its words", ""),
    ("A-10000000000000000042", "2025-03-31T10:00:00.250Z", "", "Ready", "", "Bug"),
    ("A-1", "2025-04-01T10:00:00.5+02:00", "Build", "Done", "Fix it", "Story"),
    ("A-2", "2025-04-01T10:00:00+0200", "Backlog", "Review", "x", "Story"),  # a shape Python reads alone
    (" A-3 ", "2025-04-02T08:00:00-05:30", "", " Backlog ", " padded ", " Story "),
]


def csv_text(rows, newline="\n", trailing=True) -> str:
    text = HEADER.replace("\n", newline) + newline.join(",".join(r) for r in rows)
    return text + (newline if trailing else "")


VARIANTS = {
    "plain": csv_text(ROWS),
    "crlf, no last newline": csv_text(ROWS, "\r\n", trailing=False),
    "duplicates": csv_text(ROWS + ROWS[:2]),
    "a quoted title": csv_text(ROWS[:3]) + 'A-4,2025-04-03T08:00:00Z,,Backlog,"One, two",Story\n' + csv_text(ROWS[3:])[len(HEADER):],
    "a title over two lines": csv_text(ROWS[:2]) + 'A-4,2025-04-03T08:00:00Z,,Backlog,"One\ntwo",Story\n' + csv_text(ROWS[2:])[len(HEADER):],
    "a blank line": csv_text(ROWS[:4]) + "\n" + csv_text(ROWS[4:])[len(HEADER):],
    "a short row": csv_text(ROWS[:4]) + "A-9,2025-04-03T08:00:00Z,,Done\n" + csv_text(ROWS[4:])[len(HEADER):],
    "a byte-order mark": "\ufeff" + csv_text(ROWS),
}
BROKEN = {
    "cells of blanks": csv_text(ROWS[:2]) + "  ,2025-04-03T08:00:00Z,,  ,x,y\n",
    "bad dates": csv_text(ROWS) + "A-5,2025-02-30T08:00:00Z,,Backlog,x,y\nA-5,soon,,Backlog,x,y\n",
    "an empty time": csv_text(ROWS) + "A-5,,,Backlog,x,y\n",
    "a never-moved row": csv_text(ROWS) + "A-6,,,,x,y\n",
    "a title too long": csv_text(ROWS) + f"A-7,2025-04-03T08:00:00Z,,Backlog,{'t' * 501},y\n",
    "a constant time": HEADER + "A,2025-04-03T08:00:00Z,,Backlog,x,y\nA,2025-04-03T08:00:00Z,Backlog,Build,x,y\n",
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("pieces", [False, True])
def test_the_column_reading_gives_the_rows_and_lines_of_the_row_by_row_reading(tmp_path, monkeypatch, name,
                                                                              pieces):
    if pieces:  # a big file: decoded, cut and read by the column in several pieces
        from models.audit import readers

        for size, value in (("_PIECE", 64), ("_REGION", 100), ("_BYTES_REGION", 150)):
            monkeypatch.setattr(readers, size, value)
    path = tmp_path / "log.csv"
    path.write_bytes(VARIANTS[name].encode("utf-8"))
    fast = read_transitions(path, tz=PARIS)
    with monkeypatch.context() as m:
        _row_by_row(m)
        slow = read_transitions(path, tz=PARIS)
    assert list(fast) == list(slow) and fast.lines == slow.lines
    assert [repr(t.at.tzinfo) for t in fast] == [repr(t.at.tzinfo) for t in slow]
    assert (fast.columns, fast.notes(), fast.format) == (slow.columns, slow.notes(), slow.format)
    assert analyse(fast, STAGES) == oracle.analyse(list(slow), STAGES)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_column_reading_reports_the_problems_of_the_row_by_row_reading(tmp_path, monkeypatch, name):
    path = tmp_path / "log.csv"
    path.write_bytes(BROKEN[name].encode("utf-8"))
    with pytest.raises(LogError) as fast:
        read_transitions(path, tz=PARIS)
    with monkeypatch.context() as m:
        _row_by_row(m)
        with pytest.raises(LogError) as slow:
            read_transitions(path, tz=PARIS)
    assert fast.value.problems == slow.value.problems


def test_the_column_reading_of_a_big_log_matches_the_row_by_row_one(tmp_path, monkeypatch):
    rows = random_log(7, items=3000)
    text = HEADER + "".join(f"{t.item},{t.at.isoformat()},{t.from_status or ''},{t.to_status},{t.title or ''},"
                            f"{t.type or ''}\r\n" for t in rows)
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    from models.audit import plain_csv

    cut = []
    split = plain_csv.split_lines
    monkeypatch.setattr(plain_csv, "split_lines", lambda *a: cut.append(split(*a)) or cut[-1])
    fast = read_transitions(path)
    assert cut and all(f is not None for f in cut)  # read by numpy, not by the csv module
    kept = TransitionList(rows, lines=range(2, 2 + len(rows))).without_duplicates()  # equal moments repeat
    assert fast == kept and fast.lines == kept.lines and fast.duplicates == kept.duplicates > 0
    with monkeypatch.context() as m:
        _row_by_row(m)
        assert list(read_transitions(path)) == list(fast)


def test_the_wizard_s_facts_by_the_column_are_those_of_its_loop():
    from views.audit.importer import end_of_day, log_facts

    from models.audit.log_rows import flow_facts
    from tests.audit.reference_analysis import log_facts_loop

    rows = random_log(8, items=400)
    rng = random.Random(8)
    rows = [Transition(t.item, t.at, t.from_status and rng.choice([t.from_status, t.from_status.upper()]),
                       rng.choice([t.to_status, t.to_status.lower(), f" {t.to_status} "]), t.title, t.type)
            for t in rows]
    today = date(2025, 4, 20)
    facts = log_facts(rows, today, PARIS)
    after = end_of_day(today, PARIS)
    loop = log_facts_loop(rows, today, PARIS)
    assert flow_facts(rows, after) == flow_facts(TransitionList(rows), after) == loop == (
        facts.items, facts.first, facts.last, facts.statuses, facts.future)
    assert facts.future > 0


# --------------------------------------------------------------------------- storing by the column

def test_a_stored_log_comes_back_row_for_row_with_its_offsets(ws):
    rows = random_log(4, items=200)
    plan_id = create_plan(ws, PlanDraft(name="Columns", start=date(2025, 1, 1)))
    store.set_stage_map(ws, plan_id, list(STAGES.values()))
    log = TransitionList(rows, lines=range(2, 2 + len(rows)))
    progress = []
    store.store_log(ws, plan_id, log, source="log.csv", format="csv", settings={},
                    progress=lambda done, total: progress.append((done, total)))
    back = store.load_transitions(ws, plan_id)
    assert back == rows and back.lines == list(range(2, 2 + len(rows)))
    assert [t.at.isoformat() for t in back] == [t.at.isoformat() for t in rows]
    assert progress[-1] == (len(rows), len(rows))
    assert store.analyse_plan(ws, plan_id) == oracle.analyse(rows, STAGES)


# --------------------------------------------------------------------------- robustness leftovers (issue 12)

@pytest.mark.parametrize("pieces", [False, True])
def test_invalid_utf8_names_the_file_and_line_unless_an_encoding_is_chosen(tmp_path, monkeypatch, pieces):
    if pieces:
        from models.audit import readers

        monkeypatch.setattr(readers, "_PIECE", 16)
    path = tmp_path / "win.csv"
    path.write_bytes(b"Key,Changed,To\nA,2025-01-01T09:00:00Z,Backlog\nB,2025-01-02T09:00:00Z,Caf\xe9\n")
    with pytest.raises(LogError) as err:
        read_transitions(path)
    assert str(err.value) == ("win.csv, line 3: not UTF-8 text (byte 0xe9): save it as UTF-8, or choose its "
                              "encoding (cp1252 for most Windows exports)")
    assert read_transitions(path, encoding="cp1252")[1].to_status == "Café"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfKey,Changed,To\nA,2025-01-01T09:00:00Z,Backlog\n")
    assert read_transitions(bom)[0].item == "A"
    bad_bom = tmp_path / "bad_bom.csv"
    bad_bom.write_bytes(b"\xef\xbb\xbfKey,Changed,To\nA,2025-01-01T09:00:00Z,Backl\xf6g\n")
    with pytest.raises(LogError, match="bad_bom.csv, line 2: not UTF-8 text"):
        read_transitions(bad_bom)


def test_a_named_pipe_is_refused_without_being_opened(tmp_path):
    import os

    from models.audit import preview

    fifo = tmp_path / "log.csv"
    os.mkfifo(fifo)
    for read in (preview, read_transitions):
        with pytest.raises(LogError) as err:
            read(fifo)
        assert str(err.value) == "log.csv: is a named pipe, not a file"


def test_texts_longer_than_a_workspace_holds_are_refused_at_their_line(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER + f"{'K' * 201},2025-01-01T09:00:00Z,,Backlog,x,y\n"
                    f"B,2025-01-01T09:00:00Z,,{'S' * 300},x,y\n", encoding="utf-8")
    with pytest.raises(LogError) as err:
        read_transitions(path)
    assert [(p.line, p.column) for p in err.value.problems] == [(2, "Key"), (3, "To")]
    assert err.value.problems[0].message == ("the item id is 201 characters long, more than the 200 a log may "
                                             "hold: is this the right column?")


def test_a_header_of_a_million_columns_is_refused_before_any_guess(tmp_path):
    from models.audit import preview

    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1,2,3\n", encoding="utf-8")
    for read in (preview, read_transitions):
        with pytest.raises(LogError, match="the header has 1,000,000 columns, more than the 16,384"):
            read(path)


def test_a_big_jira_export_is_decoded_whole(tmp_path, monkeypatch):
    import json

    from models.audit import readers

    monkeypatch.setattr(readers, "_PIECE", 64)  # "big": the CSV reader would keep only the head
    issue = {"key": "J-1", "fields": {"created": "2025-01-01T09:00:00.000+0000", "summary": "Café",
                                      "status": {"name": "Done"}},
             "changelog": {"histories": [{"created": "2025-01-02T09:00:00.000+0000",
                                          "items": [{"field": "status", "fromString": "Backlog",
                                                     "toString": "Done"}]}]}}
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"issues": [issue]}, indent=2), encoding="utf-8")
    rows = read_transitions(path)
    assert [(t.item, t.from_status, t.to_status, t.title) for t in rows] == [
        ("J-1", None, "Backlog", "Café"), ("J-1", "Backlog", "Done", "Café")]
