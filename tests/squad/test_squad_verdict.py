"""The honest verdict: no straight line from fewer than 3 points, "too early" before a third
of the run and 3 check-ins, and an explicit "record early" with a reason before day 90."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.core.validation import PlanError
from models.plan.service import PlanDraft, create_plan, find_plan
from models.plan.summary import plan_summary
from models.squad import service as svc
from models.squad.metrics import CheckIn, Metric
from models.squad.service import CheckInDraft, SquadDraft
from models.squad.metrics import TOO_EARLY, honest_verdict
from models.squad.verdict import verdict_rationale
from tests.conftest import FEATURES

BASE = date(2026, 3, 1)
# a 75-day run: a third is 25 days, reached on 26 March
METRIC = Metric("Conversion", "%", "up", 2.0, BASE, 2.3, BASE + timedelta(days=75))


def checkins(*days_values: tuple[int, float]) -> list[CheckIn]:
    return [CheckIn(BASE + timedelta(days=d), v, 5, 3) for d, v in days_values]


def test_day_10_before_anything_is_too_early_not_stop():
    v = honest_verdict(METRIC, checkins((7, 2.0)), BASE + timedelta(days=10))
    assert v.suggested == TOO_EARLY and v.too_early and v.tone == "neutral"
    assert v.forecast is None and v.on_track is None  # 2 points
    assert v.missing == (
        "the squad has run 10 of its 75 days; a verdict is suggested after a third of them (25 days, on 2026-03-26)",
        "1 of the 3 check-ins a verdict needs",
    )
    assert v.ready_on == date(2026, 3, 26)


def test_the_third_of_the_run_and_the_third_check_in_are_both_needed():
    three = checkins((7, 2.02), (14, 2.04), (21, 2.06))
    # day 24: 3 x 24 = 72 < 75, too early even with 3 check-ins
    early = honest_verdict(METRIC, three, BASE + timedelta(days=24))
    assert early.suggested == TOO_EARLY and len(early.missing) == 1 and "24 of its 75 days" in early.missing[0]
    # day 25: 3 x 25 = 75, a suggestion; the line is 2 + 0.06/21 per day: 2.2143 at day 75, short of 2.3
    ready = honest_verdict(METRIC, three, BASE + timedelta(days=25))
    assert ready.missing == () and ready.forecast == pytest.approx(2.0 + 0.06 / 21 * 75)
    assert ready.on_track is False and ready.suggested == "stop"  # progress 0.2 < 0.5
    assert ready.tone == "bad"
    # a third of the run passed but 2 check-ins: too early, and the line exists (3 points)
    two = honest_verdict(METRIC, three[:2], BASE + timedelta(days=40))
    assert two.suggested == TOO_EARLY and two.missing == ("2 of the 3 check-ins a verdict needs",)
    assert two.forecast == pytest.approx(2.0 + 0.04 / 14 * 75)


def test_expand_and_iterate_once_it_is_time():
    on_track = checkins((10, 2.05), (20, 2.10), (30, 2.15))  # slope 0.005 a day: 2.375 at day 75
    v = honest_verdict(METRIC, on_track, BASE + timedelta(days=31))
    assert (v.suggested, v.on_track, v.tone) == ("expand", True, "good")
    # a jump, then a slide: progress (2.16 - 2) / 0.3 = 0.53, the least-squares line reaches 2.245 on day 75
    halfway = checkins((40, 2.2), (50, 2.17), (60, 2.16))
    v = honest_verdict(METRIC, halfway, BASE + timedelta(days=60))
    assert v.on_track is False and v.forecast == pytest.approx(2.245)
    assert (v.suggested, v.tone) == ("iterate", "caution")


def test_recording_before_day_90_needs_record_early_and_a_reason():
    review = date(2026, 5, 1)
    assert verdict_rationale("Met the target.", review, review) == "Met the target."
    with pytest.raises(PlanError, match="choose \"record early\""):
        verdict_rationale("Stop now.", review - timedelta(days=28), review)
    with pytest.raises(PlanError, match="needs a reason"):
        verdict_rationale("Stop now.", review - timedelta(days=28), review, record_early=True, early_reason="  ")
    text = verdict_rationale("Stop now.", review - timedelta(days=28), review, record_early=True,
                             early_reason="The sponsor  leaves in April")
    assert text == "Recorded early, 28 days before the day-90 review: The sponsor leaves in April\nStop now."


def test_summary_json_gives_the_honest_verdict(ws):
    plan_id = create_plan(ws, PlanDraft(name="Pilot", start=date(2026, 2, 2)))
    sid = svc.create_squad(ws, plan_id, SquadDraft(metric_name="Orders", baseline=100, baseline_date=BASE,
                                                   target=120, target_date=BASE + timedelta(days=30)))
    plan = find_plan(ws)
    squad = plan_summary(ws, plan, BASE + timedelta(days=3), FEATURES)["squad"]
    assert squad["verdict_suggested"] == TOO_EARLY and squad["forecast"] is None
    assert squad["verdict_missing"] == [
        "the squad has run 3 of its 30 days; a verdict is suggested after a third of them (10 days, on 2026-03-11)",
        "0 of the 3 check-ins a verdict needs"]
    for day, value in ((4, 103), (8, 106), (12, 109)):
        svc.add_checkin(ws, sid, CheckInDraft(BASE + timedelta(days=day), value))
    squad = plan_summary(ws, plan, BASE + timedelta(days=12), FEATURES)["squad"]
    # points (0, 100), (4, 103), (8, 106), (12, 109): slope 0.75, 122.5 at day 30
    assert squad["forecast"] == pytest.approx(122.5) and squad["on_track"] is True
    assert (squad["verdict_suggested"], squad["verdict_missing"]) == ("expand", [])
