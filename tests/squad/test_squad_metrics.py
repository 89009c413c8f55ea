from __future__ import annotations

import datetime as dt

import pytest

from models.squad.metrics import (
    CORE_ROLES,
    ROLE_RISKS,
    Change,
    CheckIn,
    Member,
    Metric,
    RoleWarning,
    checkins_in_last_two_weeks,
    forecast_line,
    ols_line,
    required_weekly_rate,
    role_coverage,
    squad_figures,
    suggest_verdict,
    target_path,
)

BASE = dt.date(2025, 1, 6)  # a Monday


def day(n: int) -> dt.date:
    """The date ``n`` days after the baseline date (x = n)."""
    return BASE + dt.timedelta(days=n)


def ci(n: int, value: float) -> CheckIn:
    return CheckIn(day(n), value, confidence=7, morale=4)


def metric_up(target_x: int = 90, baseline: float = 2.0, target: float = 3.0) -> Metric:
    return Metric("Conversion rate", "%", "up", baseline, BASE, target, day(target_x))


FULL_SQUAD = (
    Member("Ana", "Product Lead", "eCommerce", 100),
    Member("Ben", "Tech Lead", "IT", 80),
    Member("Cara", "UX/UI Designer", "Marketing", 60),
    Member("Dev", "Data Analyst", "Finance", 50),
)


def test_day_helper_target_date_is_90_days_out():
    # Jan 6 + 90 days: 25 days to Jan 31, +28 Feb, +31 Mar, +6 Apr = 90.
    assert day(90) == dt.date(2025, 4, 6)


# ---------------------------------------------------------------- OLS


def test_ols_matches_hand_computation():
    # points (1,2), (2,4), (6,6): mean_x = 9/3 = 3, mean_y = 12/3 = 4
    # dx = -2, -1, 3; dy = -2, 0, 2
    # Sxy = 4 + 0 + 6 = 10; Sxx = 4 + 1 + 9 = 14
    # slope = 10/14 = 5/7 = 0.714285...; intercept = 4 - 3*5/7 = 13/7 = 1.857142...
    slope, intercept = ols_line([(1, 2), (2, 4), (6, 6)])
    assert slope == pytest.approx(0.7142857)
    assert intercept == pytest.approx(1.8571429)


def test_ols_needs_two_distinct_x():
    assert ols_line([]) is None
    assert ols_line([(3, 5)]) is None
    assert ols_line([(3, 5), (3, 7)]) is None


# ---------------------------------------------------------------- rising


def test_rising_metric():
    m = metric_up(target_x=63)  # day 21 is a third of the run: a verdict may be suggested
    checkins = [
        ci(7, 2.1),
        ci(21, 2.4),
        ci(14, 2.3),  # order of input does not matter
        ci(28, 9.9),  # after as_of: ignored
    ]
    changes = [
        Change(day(2), "One-page checkout", "kept"),
        Change(day(9), "Trust badges", "rolled back"),
        Change(day(16), "Express pay button", "kept"),
        Change(day(19), "Free-shipping bar", "pending"),
        Change(day(28), "After as_of", "kept"),  # ignored
    ]
    f = squad_figures(m, checkins, FULL_SQUAD, changes, as_of=day(21))

    # points (0,2.0) (7,2.1) (14,2.3) (21,2.4)
    # mean_x = 42/4 = 10.5, mean_y = 8.8/4 = 2.2
    # dx = -10.5 -3.5 3.5 10.5 ; dy = -0.2 -0.1 0.1 0.2
    # Sxx = 110.25 + 12.25 + 12.25 + 110.25 = 245
    # Sxy = 2.1 + 0.35 + 0.35 + 2.1 = 4.9
    # slope = 4.9 / 245 = 0.02 ; intercept = 2.2 - 0.02*10.5 = 1.99
    # forecast(x=63) = 1.99 + 0.02*63 = 3.25
    assert f.slope == pytest.approx(0.02)
    assert f.intercept == pytest.approx(1.99)
    assert f.forecast == pytest.approx(3.25)
    assert f.on_track is True
    assert f.latest == pytest.approx(2.4)
    assert f.latest_date == day(21)
    # progress = (2.4 - 2.0) / (3.0 - 2.0) = 0.4
    assert f.progress == pytest.approx(0.4)
    assert f.target_met is False
    # weeks left = (63 - 21) / 7 = 6 ; rate = 0.6 / 6 = 0.1
    assert f.required_weekly_rate == pytest.approx(0.1)
    # progress only 0.4 but forecast reaches the target -> expand
    assert f.verdict_suggested == "expand" and f.verdict_missing == ()
    # changes on/before day 21: 4 shipped, 2 kept, 1 rolled back, 1 pending
    assert f.changes_shipped == 4
    assert f.changes_kept == 2
    assert f.share_kept == pytest.approx(0.6666667)  # 2 / (2 + 1)
    # velocity = 4 / (21/7 = 3 weeks) = 1.3333
    assert f.velocity_per_week == pytest.approx(1.3333333)
    assert f.roles_missing == ()
    assert f.role_warnings == ()


# ---------------------------------------------------------------- falling


def test_falling_metric_direction_down():
    m = Metric("Cart abandonment", "%", "down", 70.0, BASE, 60.0, day(90))
    checkins = [ci(10, 68.0), ci(20, 67.0), ci(30, 63.0)]
    f = squad_figures(m, checkins, FULL_SQUAD, [], as_of=day(30))
    # points (0,70) (10,68) (20,67) (30,63): mean_x = 15, mean_y = 268/4 = 67
    # dx = -15 -5 5 15 ; dy = 3 1 0 -4
    # Sxx = 225 + 25 + 25 + 225 = 500 ; Sxy = -45 - 5 + 0 - 60 = -110
    # slope = -110/500 = -0.22 ; intercept = 67 + 0.22*15 = 70.3
    # forecast(x=90) = 70.3 - 0.22*90 = 70.3 - 19.8 = 50.5  (<= 60 -> on track)
    assert f.slope == pytest.approx(-0.22)
    assert f.intercept == pytest.approx(70.3)
    assert f.forecast == pytest.approx(50.5)
    assert f.on_track is True
    # progress = (63 - 70) / (60 - 70) = 0.7
    assert f.progress == pytest.approx(0.7)
    assert f.target_met is False  # 63 is still above 60
    # weeks left = 60/7 ; rate = (60 - 63) / (60/7) = -21/60 = -0.35
    assert f.required_weekly_rate == pytest.approx(-0.35)
    assert f.verdict_suggested == "expand"
    # no changes: nothing shipped, share undecided; velocity 0 over 30/7 weeks
    assert f.changes_shipped == 0
    assert f.share_kept is None
    assert f.velocity_per_week == 0


def test_falling_metric_not_on_track_when_forecast_above_target():
    m = Metric("Cart abandonment", "%", "down", 70.0, BASE, 60.0, day(40))
    # points (0,70) (10,70) (20,68) (30,68): mean_x = 15, mean_y = 69
    # dy = 1 1 -1 -1 ; Sxy = -15 - 5 - 5 - 15 = -40 ; slope = -40/500 = -0.08
    # intercept = 69 + 0.08*15 = 70.2 ; forecast(40) = 70.2 - 3.2 = 67.0 > 60
    f = squad_figures(m, [ci(10, 70.0), ci(20, 68.0), ci(30, 68.0)], FULL_SQUAD, [], day(30))
    assert f.forecast == pytest.approx(67.0)
    assert f.on_track is False
    # progress = (68 - 70) / (60 - 70) = 0.2 -> stop
    assert f.progress == pytest.approx(0.2)
    assert f.verdict_suggested == "stop"


# ---------------------------------------------------------------- few points


def test_two_points_give_no_forecast_and_three_give_the_line():
    m = metric_up()
    two = squad_figures(m, [ci(14, 2.7)], FULL_SQUAD, [], as_of=day(14))
    assert two.forecast is None and two.slope is None and two.on_track is None
    f = squad_figures(m, [ci(14, 2.7), ci(28, 3.4)], FULL_SQUAD, [], as_of=day(28))
    # three points (0,2.0) (14,2.7) (28,3.4): slope = 0.7/14 = 0.05, intercept = 2.0
    # forecast(90) = 2.0 + 0.05*90 = 6.5
    assert f.slope == pytest.approx(0.05)
    assert f.intercept == pytest.approx(2.0)
    assert f.forecast == pytest.approx(6.5)
    assert f.on_track is True


def test_single_checkin_on_baseline_date_gives_no_forecast():
    f = squad_figures(metric_up(), [ci(0, 2.5)], FULL_SQUAD, [], as_of=day(0))
    assert f.forecast is None and f.slope is None and f.on_track is None
    assert f.latest == pytest.approx(2.5)  # still the latest value


def test_two_checkins_on_the_same_day_latest_is_the_one_listed_last():
    f = squad_figures(metric_up(), [ci(7, 2.2), ci(7, 2.6)], FULL_SQUAD, [], as_of=day(7))
    assert f.latest == pytest.approx(2.6)
    # progress = (2.6 - 2.0) / 1.0 = 0.6
    assert f.progress == pytest.approx(0.6)


def test_no_checkins():
    m = metric_up()
    f = squad_figures(m, [], FULL_SQUAD, [], as_of=day(3))
    assert f.forecast is None
    assert f.slope is None
    assert f.intercept is None
    assert f.on_track is None
    assert f.latest == 2.0
    assert f.latest_date == BASE
    assert f.progress == 0.0
    assert f.target_met is False
    # rate from the baseline date: 1.0 / (90/7) = 7/90 = 0.0777...
    assert f.required_weekly_rate == pytest.approx(0.0777778, rel=1e-5)
    # day 3 of 90 without a check-in: too early to suggest anything, and why
    assert f.verdict_suggested == "too early"
    assert f.verdict_missing == (
        "the squad has run 3 of its 90 days; a verdict is suggested after a third of them (30 days, on "
        f"{day(30).isoformat()})", "0 of the 3 check-ins a verdict needs")
    # as_of only 3 days in: weeks floored at 1
    assert f.velocity_per_week == 0


def test_velocity_uses_at_least_one_week():
    changes = [Change(day(1), "a", "kept"), Change(day(2), "b", "pending")]
    f = squad_figures(metric_up(), [], FULL_SQUAD, changes, as_of=day(3))
    # 2 changes / max(1, 3/7) = 2 / 1 = 2.0 ; only pending + kept -> share 1/1
    assert f.velocity_per_week == pytest.approx(2.0)
    assert f.share_kept == pytest.approx(1.0)


def test_share_kept_none_when_all_pending():
    f = squad_figures(metric_up(), [], FULL_SQUAD, [Change(day(1), "a", "pending")], day(14))
    assert f.changes_shipped == 1
    assert f.share_kept is None
    # 1 change over 14/7 = 2 weeks
    assert f.velocity_per_week == pytest.approx(0.5)


# ---------------------------------------------------------------- rate / path


def test_target_date_already_passed_has_no_required_rate():
    m = metric_up(target_x=30)
    f = squad_figures(m, [ci(10, 2.2), ci(35, 2.6)], FULL_SQUAD, [], as_of=day(40))
    assert f.latest_date == day(35)
    assert f.required_weekly_rate is None  # (30 - 35)/7 weeks is negative


def test_required_rate_none_on_target_date_and_positive_the_day_before():
    m = metric_up(target_x=30)
    assert required_weekly_rate(m, 2.5, day(30)) is None  # 0 weeks
    # one day left: 0.5 / (1/7) = 3.5 per week
    assert required_weekly_rate(m, 2.5, day(29)) == pytest.approx(3.5)


def test_target_path():
    m = metric_up()  # 2.0 at x=0 -> 3.0 at x=90
    assert target_path(m, day(0)) == pytest.approx(2.0)
    assert target_path(m, day(45)) == pytest.approx(2.5)  # 2.0 + 1.0*45/90
    assert target_path(m, day(90)) == pytest.approx(3.0)
    down = Metric("Abandonment", "%", "down", 70.0, BASE, 60.0, day(90))
    assert target_path(down, day(30)) == pytest.approx(66.6666667)  # 70 - 10*30/90


def test_forecast_line_returns_forecast_slope_intercept():
    # (0,2.0) and (10,3.0): slope 0.1, intercept 2.0, forecast(90) = 11.0
    fc, slope, intercept = forecast_line(metric_up(), [ci(10, 3.0)])
    assert (fc, slope, intercept) == pytest.approx((11.0, 0.1, 2.0))


# ---------------------------------------------------------------- roles


def test_role_coverage_missing_underallocated_and_other_roles_ignored():
    members = [
        Member("Ana", "Product Lead", "eCommerce", 100),
        Member("Ben", "Tech Lead", "IT", 40),
        Member("Cara", "Tech Lead", "IT", 30),  # 40 + 30 = 70 but nobody >= 50
        Member("Dan", "Marketing Manager", "Marketing", 100),  # not a core role
        Member("Eve", " data analyst ", "Finance", 50),  # exactly 50, case/blanks ignored
    ]
    missing, warnings = role_coverage(members)
    assert missing == ("Tech Lead", "UX/UI Designer")  # CORE_ROLES order
    assert warnings == (
        RoleWarning("Tech Lead", ROLE_RISKS["Tech Lead"], "under-allocated", 40.0),
        RoleWarning("UX/UI Designer", ROLE_RISKS["UX/UI Designer"], "absent", 0.0),
    )


def test_role_just_under_half_is_not_covered():
    missing, _ = role_coverage([Member("Eve", "Data Analyst", "Finance", 49.9)])
    assert missing == CORE_ROLES


def test_empty_squad_misses_every_role_with_a_risk_sentence():
    missing, warnings = role_coverage([])
    assert missing == CORE_ROLES
    assert [w.status for w in warnings] == ["absent"] * 4
    risk = dict((w.role, w.risk) for w in warnings)
    assert "Tuesday" in risk["Data Analyst"] and "Monday" in risk["Data Analyst"]
    assert "ROI" in risk["Product Lead"]
    assert "IT queue" in risk["Tech Lead"]
    assert "agency" in risk["UX/UI Designer"]


def test_squad_figures_reports_roles():
    f = squad_figures(metric_up(), [], FULL_SQUAD[:2], [], day(7))
    assert f.roles_missing == ("UX/UI Designer", "Data Analyst")
    assert [w.role for w in f.role_warnings] == ["UX/UI Designer", "Data Analyst"]


# ---------------------------------------------------------------- verdicts


def test_verdict_iterate_at_exactly_half_progress():
    m = metric_up(target_x=40, baseline=100.0, target=200.0)
    checkins = [ci(10, 160.0), ci(20, 150.0), ci(30, 150.0)]
    f = squad_figures(m, checkins, FULL_SQUAD, [], day(30))
    # points (0,100) (10,160) (20,150) (30,150): mean_x = 15, mean_y = 560/4 = 140
    # dy = -40 20 10 10 ; Sxy = 600 - 100 + 50 + 150 = 700 ; Sxx = 500
    # slope = 1.4 ; intercept = 140 - 21 = 119 ; forecast(40) = 119 + 56 = 175 < 200
    assert f.forecast == pytest.approx(175.0)
    assert f.on_track is False
    assert f.progress == pytest.approx(0.5)  # (150 - 100) / 100
    assert f.verdict_suggested == "iterate"


def test_verdict_stop_below_half_progress():
    m = metric_up(target_x=40, baseline=100.0, target=200.0)
    checkins = [ci(10, 160.0), ci(20, 150.0), ci(30, 140.0)]
    f = squad_figures(m, checkins, FULL_SQUAD, [], day(30))
    # mean_y = 550/4 = 137.5 ; dy = -37.5 22.5 12.5 2.5
    # Sxy = 562.5 - 112.5 + 62.5 + 37.5 = 550 ; slope = 1.1
    # intercept = 137.5 - 16.5 = 121 ; forecast(40) = 121 + 44 = 165 < 200
    assert f.forecast == pytest.approx(165.0)
    assert f.progress == pytest.approx(0.4)
    assert f.verdict_suggested == "stop"


def test_verdict_expand_when_met_even_if_forecast_falls_short():
    m = metric_up(target_x=30, baseline=100.0, target=120.0)
    checkins = [ci(10, 100.0), ci(20, 100.0), ci(30, 120.0)]
    f = squad_figures(m, checkins, FULL_SQUAD, [], day(30))
    # mean_y = 420/4 = 105 ; dy = -5 -5 -5 15 ; Sxy = 75 + 25 - 25 + 225 = 300
    # slope = 0.6 ; intercept = 105 - 9 = 96 ; forecast(30) = 96 + 18 = 114 < 120
    assert f.forecast == pytest.approx(114.0)
    assert f.on_track is False
    assert f.target_met is True  # latest 120 >= 120
    assert f.verdict_suggested == "expand"
    assert f.required_weekly_rate is None  # latest check-in on the target date


def test_suggest_verdict_branches():
    assert suggest_verdict(True, False, 0.1) == "expand"
    assert suggest_verdict(False, True, 0.1) == "expand"
    assert suggest_verdict(False, None, 0.5) == "iterate"
    assert suggest_verdict(False, False, 0.49) == "stop"
    assert suggest_verdict(False, None, None) == "stop"


def test_progress_none_when_target_equals_baseline():
    m = metric_up(baseline=2.0, target=2.0)
    f = squad_figures(m, [ci(10, 2.0), ci(20, 2.0), ci(30, 2.0)], FULL_SQUAD, [], day(30))
    assert f.progress is None
    assert f.target_met is True  # 2.0 >= 2.0
    assert f.verdict_suggested == "expand"


# ---------------------------------------------------------------- cadence


def test_checkins_in_last_two_weeks_window_edges():
    as_of = day(21)
    # as_of-6 is the oldest day of this week, as_of-13 the oldest of last week
    assert checkins_in_last_two_weeks([ci(15, 1), ci(8, 1)], as_of) is True
    # as_of-7 belongs to last week, so this week is empty
    assert checkins_in_last_two_weeks([ci(14, 1), ci(8, 1)], as_of) is False
    # as_of-14 is outside both windows
    assert checkins_in_last_two_weeks([ci(21, 1), ci(7, 1)], as_of) is False
    # a future check-in does not count for this week
    assert checkins_in_last_two_weeks([ci(22, 1), ci(10, 1)], as_of) is False
    assert checkins_in_last_two_weeks([], as_of) is False


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "make",
    [
        lambda: Metric("m", "%", "sideways", 1, BASE, 2, day(9)),
        lambda: CheckIn(BASE, 1.0, confidence=11, morale=3),
        lambda: CheckIn(BASE, 1.0, confidence=5, morale=0),
        lambda: Change(BASE, "x", "shipped"),
        lambda: Member("a", "Tech Lead", "IT", -5),
    ],
)
def test_invalid_inputs_rejected(make):
    with pytest.raises(ValueError):
        make()
