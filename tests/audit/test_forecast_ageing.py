"""Ageing work in progress: ages, bands from completed flow times, at risk strictly above the 85th."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from models.audit import Stage, Transition, analyse
from models.audit.ageing import ageing
from models.audit.flowlog import flow_log

STAGES = {s.status: s for s in (
    Stage("Todo", "Product", "queue"),
    Stage("Doing", "IT", "active"),
    Stage("Review", "QA", "queue"),
    Stage("Done", "IT", "done"),
)}
AS_OF = datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc)


def completed_log() -> list[Transition]:
    """21 items done with flow times of 1, 2, … 21 days: the percentiles fall on items.
    Rank (n - 1) q / 100 = 20 q / 100: p50 = 11, p70 = 15, p85 = 18, p95 = 20 days."""
    rows = []
    for k in range(1, 22):
        done = AS_OF - timedelta(days=1)
        rows += [Transition(f"C{k}", done - timedelta(days=k), None, "Todo"),
                 Transition(f"C{k}", done - timedelta(days=k / 2), "Todo", "Doing"),
                 Transition(f"C{k}", done, "Doing", "Done")]
    return rows


def test_bands_ages_and_the_item_exactly_at_the_85th_band():
    rows = completed_log() + [
        # exactly 18 days old: at the band, not older than it
        Transition("AT", AS_OF - timedelta(days=18), None, "Todo"),
        # one second older than the band: at risk
        Transition("OVER", AS_OF - timedelta(days=18, seconds=1), None, "Todo"),
        Transition("OVER", AS_OF - timedelta(days=2), "Todo", "Review"),
        # young, in progress, 3 rows
        Transition("YOUNG", AS_OF - timedelta(days=3), None, "Todo"),
        Transition("YOUNG", AS_OF - timedelta(days=1), "Todo", "Doing"),
        # reopened from done: in progress again, aged from its first row
        Transition("BACK", AS_OF - timedelta(days=30), None, "Todo"),
        Transition("BACK", AS_OF - timedelta(days=20), "Todo", "Done"),
        Transition("BACK", AS_OF - timedelta(days=5), "Done", "Doing"),
        # created after the as-of moment: does not exist yet
        Transition("LATER", AS_OF + timedelta(hours=1), None, "Todo"),
    ]
    result = ageing(flow_log(rows, STAGES, AS_OF))
    b = result.bands
    assert (b.p50, b.p70, b.p85, b.p95) == (11.0, 15.0, 18.0, 20.0)
    assert result.completed == 21
    assert b.p85 == analyse(rows, STAGES, AS_OF).flow_time_p85  # the Audit page's flow-time p85
    ages = {a.item: a for a in result.items}
    assert set(ages) == {"AT", "OVER", "YOUNG", "BACK"}
    assert ages["AT"].age_days == 18.0 and not ages["AT"].at_risk
    assert ages["OVER"].age_days == 18 + 1 / 86400 and ages["OVER"].at_risk
    assert ages["OVER"].status == "Review" and ages["OVER"].department == "QA" and ages["OVER"].in_status_days == 2
    assert ages["YOUNG"].age_days == 3 and ages["YOUNG"].status == "Doing" and not ages["YOUNG"].at_risk
    assert ages["BACK"].age_days == 30 and ages["BACK"].at_risk and ages["BACK"].in_status_days == 5
    assert [a.item for a in result.items] == ["BACK", "OVER", "AT", "YOUNG"]  # oldest first
    assert [a.item for a in result.at_risk] == ["BACK", "OVER"]
    assert result.statuses == ("Todo", "Doing", "Review")  # stage-map order, only those holding items
    assert [a.item for a in result.in_status("Doing")] == ["BACK", "YOUNG"]


def test_no_completed_item_means_no_bands_and_nobody_at_risk():
    rows = [Transition("A", AS_OF - timedelta(days=400), None, "Todo"),
            Transition("B", AS_OF - timedelta(days=1), None, "Doing")]
    result = ageing(flow_log(rows, STAGES, AS_OF))
    assert result.bands is None and result.completed == 0
    assert [(a.item, a.age_days, a.at_risk) for a in result.items] == [("A", 400, False), ("B", 1, False)]
