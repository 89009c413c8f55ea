"""Audit analysis engine: hand-computed figures on small logs."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from models.audit import (
    AuditResult,
    Stage,
    Transition,
    UnknownStatusError,
    analyse,
    cumulative_flow,
    median,
    percentile,
)

T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


STAGES = {
    s.status: s
    for s in (
        Stage("Backlog", "Product", "queue"),
        Stage("Analysis", "Product", "active"),
        Stage("Ready for Dev", "Engineering", "queue"),
        Stage("In Dev", "Engineering", "active"),
        Stage("Code Review", "Engineering", "queue"),
        Stage("Ready for Test", "QA", "queue"),
        Stage("Testing", "QA", "active"),
        Stage("Done", "Engineering", "done"),
        Stage("Closed", "Engineering", "done"),
        Stage("Never Used", "Ops", "queue"),
    )
}


def log(item: str, *steps: tuple[float, str]) -> list[Transition]:
    rows, prev = [], None
    for day, status in steps:
        rows.append(Transition(item, at(day), prev, status))
        prev = status
    return rows


# A: straight through.  Backlog 2, Analysis 1, Ready for Dev 2, In Dev 2; flow 7.
A = log("A", (0, "Backlog"), (2, "Analysis"), (3, "Ready for Dev"), (5, "In Dev"), (7, "Done"))
# B: rework loops.  In Dev 1 + 1.5 + 0.5 = 3 (3 visits); Code Review 0.5 + 1 = 1.5
# (Engineering -> Engineering, no silo tax); Ready for Test 2 + 1 = 3 (Eng -> QA);
# Testing 0.5 + 1 = 1.5; flow 9.
B = log(
    "B",
    (0, "In Dev"), (1, "Code Review"), (1.5, "In Dev"), (3, "Code Review"),
    (4, "Ready for Test"), (6, "Testing"), (6.5, "In Dev"), (7, "Ready for Test"),
    (8, "Testing"), (9, "Done"),
)
# C: open.  Backlog 4 (Intake), Analysis from day 4 held until as_of (day 9) = 5.
C = log("C", (0, "Backlog"), (4, "Analysis"))
# D: reopened.  Analysis 1, Done 2..4 (not counted), In Dev 1, Ready for Test 1
# (after In Dev: Eng -> QA), then Done at 6 and Closed at 6.25: it last *entered*
# done at day 6, so flow = 6 - 1 = 5.
D = log(
    "D", (1, "Analysis"), (2, "Done"), (4, "In Dev"), (5, "Ready for Test"),
    (6, "Done"), (6.25, "Closed"),
)


def interleaved() -> list[Transition]:
    """All rows of A-D, in an order sorted neither by item nor by time."""
    rows = A + B + C + D
    return rows[1::2] + rows[0::2]


def by_status(result: AuditResult) -> dict[str, tuple]:
    return {
        f.status: (f.department, f.kind, f.items, f.visits, f.total_days, f.median_days, f.p85_days)
        for f in result.statuses
    }


def by_pair(result: AuditResult) -> dict[tuple[str, str], tuple]:
    return {
        (h.from_department, h.to_department): (h.items, h.total_days, h.median_days, h.p85_days)
        for h in result.handoffs
    }


# --------------------------------------------------------------------------
# percentile / median


def test_percentile_linear_interpolation_matches_numpy_default():
    # h = (4 - 1) * 0.85 = 2.55 -> 3 + 0.55 * (4 - 3) = 3.55
    assert percentile([1, 2, 3, 4], 85) == pytest.approx(3.55)
    # unsorted input; h = 4 * 0.4 = 1.6 -> 20 + 0.6 * (35 - 20) = 29
    assert percentile([50, 15, 40, 20, 35], 40) == pytest.approx(29.0)
    assert percentile([1, 2, 3, 4], 0) == 1
    assert percentile([1, 2, 3, 4], 100) == 4
    assert percentile([7.5], 85) == 7.5
    assert median([1, 2, 3, 4]) == 2.5
    assert median([3, 1, 2]) == 2


def test_percentile_rejects_empty_and_out_of_range():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)
    with pytest.raises(ValueError):
        median([])


# --------------------------------------------------------------------------
# analyse


def test_status_figures_hand_computed():
    r = analyse(interleaved(), STAGES)
    assert r.as_of == at(9)  # default: latest timestamp in the log (B's Done)
    assert r.items == 4
    s = by_status(r)
    # Backlog: A 2, C 4 -> median 3, p85 = 2 + 0.85 * 2 = 3.7
    assert s["Backlog"] == pytest.approx(("Product", "queue", 2, 2, 6.0, 3.0, 3.7))
    # Analysis: A 1, C 5 (held to as_of), D 1 -> [1, 1, 5]; h = 1.7 -> 1 + 0.7 * 4 = 3.8
    assert s["Analysis"] == pytest.approx(("Product", "active", 3, 3, 7.0, 1.0, 3.8))
    assert s["Ready for Dev"] == pytest.approx(("Engineering", "queue", 1, 1, 2.0, 2.0, 2.0))
    # In Dev: A 2, B 3 (3 visits), D 1 -> [1, 2, 3]; p85 = 2 + 0.7 = 2.7; visits 1 + 3 + 1
    assert s["In Dev"] == pytest.approx(("Engineering", "active", 3, 5, 6.0, 2.0, 2.7))
    assert s["Code Review"] == pytest.approx(("Engineering", "queue", 1, 2, 1.5, 1.5, 1.5))
    # Ready for Test: B 3 (2 visits), D 1 -> [1, 3]; median 2, p85 = 1 + 0.85 * 2 = 2.7
    assert s["Ready for Test"] == pytest.approx(("QA", "queue", 2, 3, 4.0, 2.0, 2.7))
    assert s["Testing"] == pytest.approx(("QA", "active", 1, 2, 1.5, 1.5, 1.5))
    # done statuses and never-visited statuses are omitted
    assert set(s) == {"Backlog", "Analysis", "Ready for Dev", "In Dev", "Code Review",
                      "Ready for Test", "Testing"}


def test_handoffs_silo_tax_and_flow_efficiency():
    r = analyse(interleaved(), STAGES)
    p = by_pair(r)
    # queue before any active status -> Intake
    assert p[("Intake", "Product")] == pytest.approx((2, 6.0, 3.0, 3.7))  # A 2, C 4
    assert p[("Product", "Engineering")] == pytest.approx((1, 2.0, 2.0, 2.0))  # A
    assert p[("Engineering", "Engineering")] == pytest.approx((1, 1.5, 1.5, 1.5))  # B's reviews
    assert p[("Engineering", "QA")] == pytest.approx((2, 4.0, 2.0, 2.7))  # B 3, D 1
    assert len(p) == 4
    # active: A 3 + B 4.5 + C 5 + D 2 = 14.5; queue: A 4 + B 4.5 + C 4 + D 1 = 13.5
    assert r.active_days == pytest.approx(14.5)
    assert r.queue_days == pytest.approx(13.5)
    assert r.flow_efficiency == pytest.approx(14.5 / 28)  # 0.517857...
    # silo tax: Product->Engineering 2 + Engineering->QA 4 (Intake and Eng->Eng excluded)
    assert r.silo_tax_days == pytest.approx(6.0)
    assert r.silo_tax_share == pytest.approx(6 / 28)  # 0.214285...
    assert [h.is_silo for h in r.handoffs] == [False, True, True, False]


def test_flow_time_of_completed_items():
    r = analyse(interleaved(), STAGES)
    # A 7, B 9, D 6 - 1 = 5 (reopened; Closed after Done does not move it); C open
    assert r.completed == 3
    assert r.flow_times == pytest.approx((5.0, 7.0, 9.0))
    assert r.flow_time_median == pytest.approx(7.0)
    assert r.flow_time_p85 == pytest.approx(8.4)  # h = 1.7 -> 7 + 0.7 * 2


def test_explicit_as_of_cuts_intervals_and_ignores_later_rows():
    r = analyse(interleaved(), STAGES, as_of=at(4.5))
    assert r.items == 4
    assert r.completed == 0  # D is back In Dev at 4.5; A and B not done yet
    assert r.flow_time_median is None and r.flow_time_p85 is None
    s = by_status(r)
    # A: Ready for Dev 3 -> 4.5 (cut) = 1.5
    assert s["Ready for Dev"][4] == pytest.approx(1.5)
    # Analysis: A 1, C 4 -> 4.5 = 0.5, D 1 -> total 2.5
    assert s["Analysis"][2:5] == pytest.approx((3, 3, 2.5))
    # In Dev: B 1 + 1.5 = 2.5 (2 visits), D 4 -> 4.5 = 0.5 -> total 3, visits 3
    assert s["In Dev"][2:5] == pytest.approx((2, 3, 3.0))
    # Ready for Test: B 4 -> 4.5 = 0.5 only
    assert s["Ready for Test"][2:5] == pytest.approx((1, 1, 0.5))
    assert "Testing" not in s

    early = analyse(interleaved(), STAGES, as_of=at(0.5))
    assert early.items == 3  # D's first row (day 1) is after as_of: D does not exist yet
    assert by_status(early)["Backlog"][2:5] == pytest.approx((2, 2, 1.0))  # A 0.5 + C 0.5


def test_reopened_item_resumes_and_done_time_never_counts():
    r = analyse(D, STAGES, as_of=at(10))
    s = by_status(r)
    assert s["Analysis"][4] == pytest.approx(1.0)  # 1 -> 2
    assert s["In Dev"][4] == pytest.approx(1.0)  # 4 -> 5 after reopening
    assert s["Ready for Test"][4] == pytest.approx(1.0)
    assert r.active_days + r.queue_days == pytest.approx(3.0)  # Done 2..4 and 6..10 not counted
    assert r.flow_times == pytest.approx((5.0,))


def test_equal_timestamps_keep_file_order_and_count_as_visits():
    rows = [
        Transition("Z", at(0), None, "Backlog"),
        Transition("Z", at(0), "Backlog", "Analysis"),
        Transition("Z", at(1), "Analysis", "Done"),
    ]
    s = by_status(analyse(rows, STAGES))
    assert s["Backlog"][2:5] == (1, 1, 0.0)  # zero-length visit
    assert s["Analysis"][2:5] == pytest.approx((1, 1, 1.0))


def test_open_item_last_status_held_until_as_of():
    r = analyse(C, STAGES, as_of=at(10))
    s = by_status(r)
    assert s["Analysis"][4] == pytest.approx(6.0)  # 4 -> 10
    assert r.completed == 0
    assert r.flow_efficiency == pytest.approx(6 / 10)
    assert r.silo_tax_days == 0.0 and r.silo_tax_share == pytest.approx(0.0)


def test_unknown_statuses_are_listed():
    rows = A + [
        Transition("E", at(1), None, "Blocked"),
        Transition("E", at(2), "Limbo", "Done"),
    ]
    with pytest.raises(UnknownStatusError) as err:
        analyse(rows, STAGES)
    assert err.value.statuses == ("Blocked", "Limbo")
    assert isinstance(err.value, ValueError)
    assert "'Blocked'" in str(err.value) and "'Limbo'" in str(err.value)


def test_naive_timestamps_and_bad_kinds_are_rejected():
    with pytest.raises(ValueError, match="naive"):
        analyse([Transition("A", datetime(2024, 3, 1), None, "Backlog")], STAGES)
    with pytest.raises(ValueError, match="naive|aware"):
        analyse(A, STAGES, as_of=datetime(2024, 3, 9))
    with pytest.raises(ValueError, match="kind"):
        Stage("X", "Ops", "waiting")


def test_empty_log_gives_empty_result():
    r = analyse([], STAGES, as_of=at(3))
    assert (r.items, r.completed, r.statuses, r.handoffs) == (0, 0, (), ())
    assert r.flow_efficiency is None and r.silo_tax_share is None
    assert r.to_json()["flow_time_days"] == {"median": None, "p85": None}


# --------------------------------------------------------------------------
# to_json


def test_to_json_shape_rounding_and_order():
    data = analyse(interleaved(), STAGES).to_json()
    json.dumps(data)  # serialisable
    assert set(data) == {"as_of", "items", "completed", "flow_time_days", "flow_efficiency",
                         "statuses", "handoffs", "silo_tax"}
    assert data["as_of"] == "2024-03-10T00:00:00+00:00"
    assert data["items"] == 4 and data["completed"] == 3
    assert data["flow_time_days"] == {"median": 7.0, "p85": 8.4}
    assert data["flow_efficiency"] == 0.5179  # 14.5 / 28 = 0.517857...
    assert data["silo_tax"] == {"days": 6.0, "share": 0.2143}  # 6 / 28 = 0.214285...
    for s in data["statuses"]:
        assert set(s) == {"status", "department", "kind", "items", "visits",
                          "total_days", "median_days", "p85_days"}
    # by total_days descending, ties by name: In Dev and Backlog both 6; Code Review
    # and Testing both 1.5
    assert [(s["status"], s["total_days"]) for s in data["statuses"]] == [
        ("Analysis", 7.0), ("Backlog", 6.0), ("In Dev", 6.0), ("Ready for Test", 4.0),
        ("Ready for Dev", 2.0), ("Code Review", 1.5), ("Testing", 1.5),
    ]
    assert data["statuses"][0] == {
        "status": "Analysis", "department": "Product", "kind": "active", "items": 3,
        "visits": 3, "total_days": 7.0, "median_days": 1.0, "p85_days": 3.8,
    }
    for h in data["handoffs"]:
        assert set(h) == {"from", "to", "items", "total_days", "median_days", "p85_days"}
    assert [(h["from"], h["to"], h["total_days"]) for h in data["handoffs"]] == [
        ("Intake", "Product", 6.0), ("Engineering", "QA", 4.0),
        ("Product", "Engineering", 2.0), ("Engineering", "Engineering", 1.5),
    ]


def test_to_json_rounds_to_four_decimals_but_dataclass_keeps_precision():
    rows = log("R", (0, "Analysis"), (1 / 3, "Done"))
    r = analyse(rows, STAGES)
    assert r.statuses[0].total_days == pytest.approx(1 / 3, abs=1e-12)
    assert r.to_json()["statuses"][0]["total_days"] == 0.3333
    other = r.as_of.astimezone(timezone(timedelta(hours=-5)))
    assert analyse(rows, STAGES, as_of=other).to_json()["as_of"].endswith("-05:00")


# --------------------------------------------------------------------------
# cumulative flow


def test_cumulative_flow_counts_items_per_status_at_end_of_day():
    rows = [
        Transition("X", T0 + timedelta(hours=10), None, "Backlog"),
        Transition("X", T0 + timedelta(days=1, hours=9), "Backlog", "In Dev"),
        Transition("X", T0 + timedelta(days=1, hours=15), "In Dev", "Done"),
        Transition("Y", T0 + timedelta(days=1, hours=12), None, "Backlog"),
        Transition("W", T0 + timedelta(days=2), None, "Analysis"),  # exactly midnight: day 2
    ]
    as_of = T0 + timedelta(days=2, hours=8)
    cfd = analyse(rows, STAGES, as_of=as_of).cumulative_flow
    assert cfd.days == (date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3))
    assert cfd.statuses == ("Backlog", "Analysis", "In Dev", "Done")  # stage-map order
    # end of 1 Mar: X Backlog; 2 Mar: X Done (In Dev only intra-day), Y Backlog;
    # 3 Mar: + W Analysis
    assert cfd.series("Backlog") == (1, 1, 1)
    assert cfd.series("Analysis") == (0, 0, 1)
    assert cfd.series("In Dev") == (0, 0, 0)
    assert cfd.series("Done") == (0, 1, 1)
    assert cfd.series("Testing") == (0, 0, 0)
    assert cfd.on(date(2024, 3, 2)) == {"Backlog": 1, "Analysis": 0, "In Dev": 0, "Done": 1}
    assert cumulative_flow(rows, STAGES, as_of=as_of) == cfd


def test_cumulative_flow_days_follow_the_as_of_time_zone():
    rows = [
        Transition("X", T0 + timedelta(hours=10), None, "Backlog"),
        Transition("X", T0 + timedelta(days=1, hours=9), "Backlog", "In Dev"),
        Transition("X", T0 + timedelta(days=1, hours=15), "In Dev", "Done"),
        Transition("Y", T0 + timedelta(days=1, hours=12), None, "Backlog"),
    ]
    plus10 = timezone(timedelta(hours=10))
    as_of = (T0 + timedelta(days=2, hours=8)).astimezone(plus10)  # 3 Mar 18:00 +10
    cfd = cumulative_flow(rows, STAGES, as_of=as_of)
    # local times: X Backlog 1 Mar 20:00, In Dev 2 Mar 19:00, Done 3 Mar 01:00;
    # Y Backlog 2 Mar 22:00
    assert cfd.days == (date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3))
    assert cfd.series("Backlog") == (1, 1, 1)
    assert cfd.series("In Dev") == (0, 1, 0)
    assert cfd.series("Done") == (0, 0, 1)
