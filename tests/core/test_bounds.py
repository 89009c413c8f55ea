"""Hostile input: bounds that hold at every entry point, refusals that name the field,
messages that stay short."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from desktop.cli import main
from models.audit import Stage, Transition, TransitionList, analyse
from models.audit import store
from models.audit.analysis import MAX_FLOW_POINTS, DateRangeError
from models.core.validation import (
    DATE_MAX, DATE_MIN, MAX_JSON_DEPTH, PlanError, brief, clean_date, json_depth, load_json,
)
from models.plan import service as svc
from models.plan.entities import MILESTONE
from models.plan.transfer import dump_plan, load_plan
from tests.conftest import FEATURES

STAGES = {"Open": Stage("Open", "Product", "queue"), "Doing": Stage("Doing", "Eng", "active"),
          "Done": Stage("Done", "Eng", "done")}
STAGES_CSV = "status,department,kind\nOpen,Product,queue\nDoing,Eng,active\nDone,Eng,done\n"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and len(err) < 8192
    return code, out, err


@pytest.fixture
def doc(demo_ws):
    return dump_plan(demo_ws, svc.find_plan(demo_ws).id, FEATURES)


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_dates_outside_the_sane_range_are_refused_by_name(value):
    with pytest.raises(PlanError, match=f"due date {value} is outside the years 1900–2200"):
        clean_date(value, "due date")
    assert clean_date(DATE_MIN, "d") == DATE_MIN and clean_date(DATE_MAX, "d") == DATE_MAX


def test_the_services_refuse_a_plan_starting_on_9999_12_31(ws):
    with pytest.raises(PlanError, match="outside the years"):
        svc.create_plan(ws, svc.PlanDraft(name="Far", start=date(9999, 12, 31)))
    assert svc.list_plans(ws) == []


@pytest.mark.parametrize("where, mutate", [
    ("plan.start", lambda d: d["plan"].__setitem__("start", "9999-12-31")),
    ("phases[0].end", lambda d: d["phases"][0].__setitem__("end", "9999-12-31")),
    ("milestones[2].due", lambda d: d["milestones"][2].__setitem__("due", "0001-01-01")),
])
def test_plan_load_refuses_far_dates_naming_the_field(ws, doc, where, mutate):
    mutate(doc)
    doc["plan"]["name"] = "Far"
    with pytest.raises(PlanError, match=f"{re.escape(where)}: .*outside the years 1900–2200"):
        load_plan(ws, doc, FEATURES, source="far.json")
    assert svc.list_plans(ws) == []


def test_a_plan_starting_9999_12_31_is_refused_by_plan_load_and_nothing_is_created(doc, tmp_path, capsys):
    doc["plan"]["start"] = "9999-12-31"
    folder = tmp_path / "out"
    folder.mkdir()
    source = folder / "far.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(capsys, "plan", "load", folder / "far.ninety", source)
    assert code == 2 and "far.json: plan.start: start date 9999-12-31 is outside the years 1900–2200" in err
    assert sorted(p.name for p in folder.iterdir()) == ["far.json"]


# --------------------------------------------------------------------------- documents

def test_json_nesting_is_measured_without_parsing():
    assert json_depth('{"a": [1, {"b": "[[[[["}]}') == 3
    assert json_depth("[" * 100_000 + "]" * 100_000) == 100_000


def test_a_document_nested_100000_deep_is_refused_in_one_line(tmp_path, capsys):
    with pytest.raises(PlanError, match=f"nested 100,000 deep; at most {MAX_JSON_DEPTH}"):
        load_json("[" * 100_000 + "]" * 100_000, "deep.json")
    source = tmp_path / "deep.json"
    source.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run(capsys, "plan", "load", tmp_path / "new.ninety", source)
    assert code == 2 and err.count("\n") == 1 and "deep.json: not a plan document" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep.json"]


def test_invalid_utf8_in_a_plan_document_is_refused(doc, tmp_path, capsys):
    source = tmp_path / "latin.json"
    source.write_bytes(json.dumps(doc).replace("Northwind", "Nörthwind").encode("cp1252"))
    code, _, err = run(capsys, "plan", "load", tmp_path / "new.ninety", source)
    assert code == 2 and "latin.json: not UTF-8 text" in err


def test_text_fields_have_one_limit_in_the_services_and_in_plan_load(ws, doc):
    limit = MILESTONE.field("title").limit
    plan_id = svc.create_plan(ws, svc.PlanDraft(name="P", start=date(2026, 1, 5)))
    with pytest.raises(PlanError, match=f"longer than {limit} characters") as service:
        svc.add_milestone(ws, plan_id, svc.MilestoneDraft(step="audit", title="x" * 40_000, due=date(2026, 2, 1)))
    doc["milestones"][0]["title"] = "x" * 40_000
    doc["plan"]["name"] = "Long"
    with pytest.raises(PlanError, match=f"milestones\\[0\\].title: .*longer than {limit} characters") as loaded:
        load_plan(ws, doc, FEATURES, source="long.json")
    assert str(service.value) in str(loaded.value)
    doc["milestones"][0]["title"] = "x" * limit  # the limit itself is fine
    load_plan(ws, doc, FEATURES, source="long.json")


def test_brief_cuts_long_lines_and_long_lists():
    text = brief("\n".join(["x" * 5000] * 100))
    lines = text.splitlines()
    assert len(lines) == 23 and lines[-1] == "and 78 more" and lines[0].endswith("(4,700 more characters)")
    assert len(text) < 8192


# --------------------------------------------------------------------------- logs

def _at(year, month=1, day=1, hours=0, tz=timezone.utc):
    return datetime(year, month, day, hours, tzinfo=tz)


def test_a_timestamp_in_year_0001_with_an_offset_names_its_line():
    plus5 = timezone(timedelta(hours=5))
    rows = TransitionList([Transition("A-1", _at(2026, 1, 5), None, "Open"),
                           Transition("A-1", _at(1, 1, 1, tz=plus5), "Open", "Doing")],
                          file="log.csv", lines=[2, 3])
    with pytest.raises(DateRangeError, match="log.csv, line 3: timestamp 0001-01-01T00:00:00\\+05:00 is outside"):
        analyse(rows, STAGES)


def test_a_log_from_year_0001_and_one_reaching_9999_are_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "stages.csv").write_text(STAGES_CSV)
    for name, first, last in (("y1.csv", "0001-01-01T00:00:00+05:00", "0001-01-02T00:00:00+05:00"),
                              ("far.csv", "2026-01-05T09:00:00+00:00", "9999-01-02T00:00:00+00:00")):
        (tmp_path / name).write_text(f"item,at,from,to\nA-1,{first},Open,Doing\nA-1,{last},Doing,Done\n")
        code, out, err = run(capsys, "audit", tmp_path / name, "--stages", tmp_path / "stages.csv")
        assert code == 2 and out == "" and "outside the years 1900–2200" in err and name in err, err
        assert err.count("\n") == 1


def test_the_cumulative_flow_of_a_log_spanning_three_centuries_stays_small():
    rows = [Transition("A-1", _at(1901), None, "Open"), Transition("A-1", _at(1901, 6), "Open", "Doing"),
            Transition("A-1", _at(2199), "Doing", "Done"), Transition("B-2", _at(2150), None, "Open")]
    flow = analyse(rows, STAGES).cumulative_flow
    assert len(flow.days) <= MAX_FLOW_POINTS + 1
    assert flow.days[0] == date(1901, 1, 1) and flow.days[-1] == date(2199, 1, 1)
    assert list(flow.days) == sorted(flow.days)
    last = {s: c[-1] for s, c in zip(flow.statuses, flow.counts)}
    assert last == {"Open": 1, "Doing": 0, "Done": 1}
    # a short log keeps one point a day
    short = analyse(rows[:2], STAGES).cumulative_flow
    assert len(short.days) == (date(1901, 6, 1) - date(1901, 1, 1)).days + 1


def test_an_empty_log_with_a_workspace_is_one_line_and_stores_nothing(tmp_path, capsys):
    from models.core.workspace import create_workspace

    with create_workspace(tmp_path / "w.ninety") as ws:
        svc.create_plan(ws, svc.PlanDraft(name="P", start=date(2026, 1, 5)))
    (tmp_path / "stages.csv").write_text(STAGES_CSV)
    (tmp_path / "empty.csv").write_text("item,at,from,to\n")
    (tmp_path / "empty.json").write_text('{"issues": []}')
    for log in ("empty.csv", "empty.json"):
        code, _, err = run(capsys, "audit", tmp_path / log, "--stages", tmp_path / "stages.csv",
                           "--workspace", tmp_path / "w.ninety")
        assert code == 2 and log in err and err.count("\n") <= 2, err


def test_a_header_of_thousands_of_columns_gives_a_short_message(tmp_path, capsys):
    (tmp_path / "stages.csv").write_text(STAGES_CSV)
    (tmp_path / "wide.csv").write_text(",".join(f"column{i}" for i in range(5000)) + "\n")
    code, _, err = run(capsys, "audit", tmp_path / "wide.csv", "--stages", tmp_path / "stages.csv")
    assert code == 2 and "wide.csv" in err and len(err.encode()) < 8192


def test_an_imported_stage_map_must_cover_hand_tracked_stalls(demo_ws):
    plan = svc.find_plan(demo_ws)
    stages = store.get_stage_map(demo_ws, plan.id)
    stalls = store.list_stalls(demo_ws, plan.id)
    assert stalls, "the demo plan tracks stalls by hand"
    dropped = stalls[0].stage
    smaller = [st for st in stages.values() if st.status != dropped]
    before = store.get_stage_map(demo_ws, plan.id)
    log = [Transition("A-1", _at(2026, 1, 5), None, smaller[0].status)]
    with pytest.raises(PlanError, match=f"leaves out '{dropped}', used by hand-tracked stalls"):
        store.store_import(demo_ws, plan.id, smaller, log, source="log.csv", format="csv", settings={})
    assert store.get_stage_map(demo_ws, plan.id) == before
