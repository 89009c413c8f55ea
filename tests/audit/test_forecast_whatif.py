"""What-if simulation: exact figures on a deterministic process, the measured median
reproduced on a log generated from a known random process, and the model check refusing
a to-be figure when the model does not fit."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from models.audit import Stage, Transition, analyse
from models.audit.whatif import TOLERANCE, whatif

STAGES = {s.status: s for s in (
    Stage("Backlog", "Product", "queue"),
    Stage("Build", "Dev", "active"),
    Stage("Review Queue", "QA", "queue"),
    Stage("Testing", "QA", "active"),
    Stage("Done", "QA", "done"),
)}
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
PATH = ("Backlog", "Build", "Review Queue", "Testing", "Done")


def deterministic_log(items: int = 60) -> tuple[list[Transition], datetime]:
    """One item a day; Backlog 1 d, Build 2 d, Review Queue 3 d, Testing 1 d: every flow time is 7 days."""
    rows = []
    for k in range(items):
        t = T0 + timedelta(days=k)
        for status, days in zip(PATH, (1, 2, 3, 1, 0)):
            rows.append(Transition(f"I{k}", t, None, status))
            t += timedelta(days=days)
    return rows, T0 + timedelta(days=items - 1 + 30)


def test_a_deterministic_process_gives_exact_figures():
    rows, as_of = deterministic_log()
    result = whatif(rows, STAGES, ["Dev", "QA"], as_of)
    assert result.measured_flow_time_p50 == 7.0
    weeks = (59 + 30) / 7  # first arrival to the as-of moment
    for figures in (result.as_is,):
        assert figures.flow_time_p50.values == (7.0,) * 20 and figures.flow_time_p85.mean == 7.0
        assert figures.throughput_per_week.mean == pytest.approx(60 / weeks)
        assert figures.throughput_per_week.low == figures.throughput_per_week.high
    assert result.model_error == 0 and result.model_ok
    # the Dev -> QA wait (Review Queue, 3 days) disappears
    assert result.handoffs == (("Dev", "QA"),)
    assert result.to_be.flow_time_p50.mean == pytest.approx(4.0) and result.to_be.flow_time_p85.mean == pytest.approx(4.0)
    # or is halved
    half = whatif(rows, STAGES, ["Dev", "QA"], as_of, factor=0.5)
    assert half.to_be.flow_time_p50.mean == pytest.approx(5.5)
    # merging departments without a handoff between them changes nothing
    other = whatif(rows, STAGES, ["Product", "QA"], as_of)
    assert other.handoffs == () and other.to_be.flow_time_p50.mean == pytest.approx(7.0)
    data = result.to_json()
    assert data == {
        "measured": {"flow_time_p50": 7.0},
        "as_is": {"flow_time_p50": 7.0, "flow_time_p85": 7.0, "throughput_per_week": round(60 / weeks, 4)},
        "to_be": {"flow_time_p50": 4.0, "flow_time_p85": 4.0, "throughput_per_week": round(60 / weeks, 4)},
        "model_error": 0.0, "model_ok": True,
    }


def known_process_log(seed: int = 3, items: int = 1500) -> tuple[list[Transition], datetime]:
    """A semi-Markov process: exponential times (means 1, 2, 3, 1 days), 30 % rework from
    Testing back to Build, some items reopened after Done; arrivals over 150 days."""
    rng = random.Random(seed)
    means = {"Backlog": 1, "Build": 2, "Review Queue": 3, "Testing": 1}
    rows = []
    for k in range(items):
        t = T0 + timedelta(days=rng.uniform(0, 150))
        status = "Backlog"
        while True:
            rows.append(Transition(f"K{k}", t, None, status))
            if status == "Done":
                if rng.random() < 0.05:
                    t += timedelta(days=rng.expovariate(1 / 2))
                    status = "Build"
                    continue
                break
            t += timedelta(days=rng.expovariate(1 / means[status]))
            status = {"Backlog": "Build", "Build": "Review Queue", "Review Queue": "Testing"}.get(status) or (
                "Build" if rng.random() < 0.3 else "Done")
    return rows, T0 + timedelta(days=160)


def test_the_model_reproduces_the_measured_median_of_a_known_process():
    rows, as_of = known_process_log()
    measured = analyse(rows, STAGES, as_of).flow_time_median
    result = whatif(rows, STAGES, ["Dev", "QA"], as_of, seed=1)
    assert result.measured_flow_time_p50 == pytest.approx(measured)
    assert result.model_ok and result.model_error <= TOLERANCE
    assert abs(result.as_is.flow_time_p50.mean - measured) / measured == pytest.approx(result.model_error)
    assert "within 10 %" in result.model_check
    # removing a mean 3-day wait, visited 1.4 times on average, shortens the median by days
    assert result.to_be.flow_time_p50.mean < result.as_is.flow_time_p50.mean - 2
    assert result.to_be.throughput_per_week.mean >= result.as_is.throughput_per_week.mean
    spread = result.as_is.flow_time_p50
    assert len(spread.values) == 20 and spread.low <= spread.mean <= spread.high and spread.low < spread.high
    # seeded
    assert whatif(rows, STAGES, ["Dev", "QA"], as_of, seed=1) == result
    assert whatif(rows, STAGES, ["Dev", "QA"], as_of, seed=2).as_is != result.as_is


def test_a_model_that_misses_the_measured_median_shows_no_to_be_figure():
    # 60 % of items are fast everywhere, 40 % slow everywhere: measured median 0.2 days, but the
    # model draws each visit independently, so most simulated items mix slow and fast visits
    stages = {s.status: s for s in (Stage("Build", "Dev", "active"), Stage("Testing", "QA", "active"),
                                     Stage("Done", "QA", "done"))}
    rows = []
    for k in range(200):
        days = 0.1 if k % 5 < 3 else 10.0
        t = T0 + timedelta(days=k / 4)
        rows += [Transition(f"H{k}", t, None, "Build"), Transition(f"H{k}", t + timedelta(days=days), None, "Testing"),
                 Transition(f"H{k}", t + timedelta(days=2 * days), None, "Done")]
    result = whatif(rows, stages, ["Dev", "QA"], T0 + timedelta(days=100))
    assert result.measured_flow_time_p50 == pytest.approx(0.2)
    assert not result.model_ok and result.model_error > 1
    assert result.to_be is None and result.to_json()["to_be"] is None and result.to_json()["model_ok"] is False
    assert "does not reproduce the log" in result.model_check


def test_scenarios_the_log_cannot_run_are_refused():
    rows, as_of = deterministic_log(5)
    with pytest.raises(ValueError, match="'Ops' not in the stage map"):
        whatif(rows, STAGES, ["Dev", "Ops"], as_of)
    with pytest.raises(ValueError, match="at least two"):
        whatif(rows, STAGES, ["Dev", " Dev "], as_of)
    with pytest.raises(ValueError, match="factor"):
        whatif(rows, STAGES, ["Dev", "QA"], as_of, factor=-1)
