from __future__ import annotations

import datetime as dt

import pytest

from models.lowcode.figures import (
    MIN_EVIDENCE,
    REASONS,
    REQUEST_TYPES,
    WINDOW_DAYS,
    ReasonCount,
    Request,
    Tool,
    WeekShare,
    checklist,
    lowcode_figures,
    median,
)

D = dt.date
AS_OF = D(2025, 3, 12)  # a Wednesday; as_of-27 = Feb 13, as_of-28 = Feb 12


def ss(title, requested, delivered, rtype="landing page"):
    return Request(title, rtype, "Brand", requested, delivered, "self-serve", "Webflow", None)


def dev(title, requested, delivered, reason, rtype="integration"):
    return Request(title, rtype, "Growth", requested, delivered, "developer", None, reason)


REQUESTS = [
    ss("Spring landing page", D(2025, 2, 10), D(2025, 2, 12)),  # lead 2, as_of-28: outside window
    ss("Welcome email", D(2025, 2, 10), D(2025, 2, 13), "email sequence"),  # lead 3, as_of-27: inside
    dev("Checkout A/B", D(2025, 2, 3), D(2025, 2, 24), "custom logic", "A/B test"),  # lead 21
    dev("Bundle rule", D(2025, 2, 17), D(2025, 3, 12), "custom logic"),  # lead 23, on as_of
    dev("ERP integration", D(2025, 2, 20), None, "data access"),  # open
    dev("Loyalty model", D(2025, 3, 1), D(2025, 3, 20), None, "data or AI model"),  # delivered after as_of: open
    ss("Banner update", D(2025, 3, 3), D(2025, 3, 4), "content update"),  # lead 1
    dev("Future request", D(2025, 3, 13), None, "skills"),  # requested after as_of: ignored
    ss("Price promo", D(2025, 2, 24), D(2025, 2, 28), "promotion or bundle rule"),  # lead 4
]

TOOLS = [
    Tool("Webflow", "landing pages", "Marketing", 6, "adopted"),
    Tool("Braze", "email journeys", "CRM team", 4, "rolling out"),
    Tool("Retool", "internal tools", "IT", 3, "evaluating"),
]


def test_constants():
    assert len(REQUEST_TYPES) == 8 and "A/B test" in REQUEST_TYPES
    assert REASONS[0] == "missing component" and REASONS[-1] == "other"


def test_full_example():
    f = lowcode_figures(REQUESTS, TOOLS, AS_OF)
    assert f.target_share == 0.8
    # delivered on/before Mar 12: Spring, Welcome, Checkout, Bundle, Banner, Price = 6
    # self-serve among them: Spring, Welcome, Banner, Price = 4
    assert f.delivered == 6
    assert f.self_serve == 4
    assert f.share_cumulative == pytest.approx(0.6666667)  # 4/6
    # window Feb 13..Mar 12: Welcome, Checkout, Bundle, Banner, Price = 5, self-serve 3
    assert f.share_last_4_weeks == pytest.approx(0.6)  # 3/5
    # self-serve leads 2, 3, 1, 4 -> sorted 1 2 3 4, median (2+3)/2 = 2.5
    # developer leads 21, 23 -> median (21+23)/2 = 22
    assert f.lead_days_by_route == {"self_serve": (1, 2, 3, 4), "developer": (21, 23)}
    assert f.median_lead_days == {"self_serve": 2.5, "developer": 22.0}
    # open: ERP (never delivered), Loyalty (delivered Mar 20 > as_of); oldest first
    assert [r.title for r in f.open_developer_queue] == ["ERP integration", "Loyalty model"]
    # Feb 20 -> Mar 12: 8 days to Feb 28 + 12 = 20
    assert f.oldest_open_days == 20
    # developer requests on/before as_of: custom logic x2, data access, None -> unspecified
    # cumulative: 2/4 = 0.5, 3/4 = 0.75, 4/4 = 1.0 ; tie broken by name
    assert f.top_reasons == (
        ReasonCount("custom logic", 2, 0.5),
        ReasonCount("data access", 1, 0.75),
        ReasonCount("unspecified", 1, 1.0),
    )
    # first delivery Wed Feb 12 -> week of Mon Feb 10; as_of Wed Mar 12 -> Mon Mar 10
    assert f.weekly_share == (
        WeekShare(D(2025, 2, 10), 2, 2, 1.0),  # Spring, Welcome
        WeekShare(D(2025, 2, 17), 0, 0, None),  # nothing delivered
        WeekShare(D(2025, 2, 24), 2, 1, 0.5),  # Checkout (dev), Price (ss)
        WeekShare(D(2025, 3, 3), 1, 1, 1.0),  # Banner
        WeekShare(D(2025, 3, 10), 1, 0, 0.0),  # Bundle (dev); Loyalty on Mar 20 not yet
    )
    assert f.tools_adopted == 1  # Webflow
    assert f.people_trained == 10  # 6 adopted + 4 rolling out; evaluating not counted
    # first requested Feb 3 -> Mar 12 = 25 + 12 = 37 days -> 37 // 7 = 5 weeks
    assert f.weeks_tracked == 5
    assert checklist(f) == [
        ("At least one low-code tool adopted", True),
        ("People trained on the low-code tools", True),
        ("Requests tracked for 4 weeks", True),
        ("Self-serve share of the last 4 weeks at or above 80%", False),  # 0.6
    ]


def test_window_edge_as_of_minus_27_inside_minus_28_outside():
    inside = AS_OF - dt.timedelta(days=27)
    outside = AS_OF - dt.timedelta(days=28)
    assert (inside, outside) == (D(2025, 2, 13), D(2025, 2, 12))
    reqs = [
        ss("inside", D(2025, 2, 1), inside),
        dev("outside", D(2025, 2, 1), outside, "skills"),
    ]
    f = lowcode_figures(reqs, [], AS_OF)
    assert f.share_last_4_weeks == 1.0  # only the self-serve one is in the window
    assert f.share_cumulative == 0.5  # 1/2
    swapped = [
        dev("inside", D(2025, 2, 1), inside, "skills"),
        ss("outside", D(2025, 2, 1), outside),
    ]
    assert lowcode_figures(swapped, [], AS_OF).share_last_4_weeks == 0.0


def test_window_includes_as_of_itself():
    f = lowcode_figures([ss("today", AS_OF, AS_OF)], [], AS_OF)
    assert f.share_last_4_weeks == 1.0
    assert f.lead_days_by_route["self_serve"] == (0,)


def test_no_deliveries():
    reqs = [
        dev("open", D(2025, 3, 1), None, "custom logic"),
        ss("later", D(2025, 3, 2), D(2025, 3, 13)),  # delivered the day after as_of
    ]
    f = lowcode_figures(reqs, [], AS_OF)
    assert f.delivered == 0 and f.self_serve == 0
    assert f.share_cumulative is None
    assert f.share_last_4_weeks is None
    assert f.median_lead_days == {"self_serve": None, "developer": None}
    assert f.lead_days_by_route == {"self_serve": (), "developer": ()}
    assert f.weekly_share == ()
    assert f.oldest_open_days == 11  # Mar 12 - Mar 1
    # weeks_tracked: Mar 1 -> Mar 12 = 11 days -> 1 week
    assert f.weeks_tracked == 1
    assert checklist(f) == [
        ("At least one low-code tool adopted", False),
        ("People trained on the low-code tools", False),
        ("Requests tracked for 4 weeks", False),
        ("Self-serve share of the last 4 weeks at or above 80%", False),
    ]


def test_nothing_at_all():
    f = lowcode_figures([], [], AS_OF)
    assert f.delivered == 0
    assert f.open_developer_queue == ()
    assert f.oldest_open_days is None
    assert f.top_reasons == ()
    assert f.weeks_tracked == 0


def test_all_developer():
    reqs = [
        dev("a", D(2025, 3, 3), D(2025, 3, 5), "custom logic"),  # lead 2
        dev("b", D(2025, 3, 3), D(2025, 3, 10), "legal or compliance"),  # lead 7
        dev("c", D(2025, 3, 4), D(2025, 3, 8), "custom logic"),  # lead 4
    ]
    f = lowcode_figures(reqs, [], AS_OF)
    assert f.share_cumulative == 0.0
    assert f.share_last_4_weeks == 0.0
    assert f.median_lead_days == {"self_serve": None, "developer": 4.0}  # odd count: 2 4 7
    assert f.open_developer_queue == ()
    assert f.oldest_open_days is None
    # custom logic 2 (2/3), legal or compliance 1 (3/3)
    assert f.top_reasons == (
        ReasonCount("custom logic", 2, pytest.approx(0.6666667)),
        ReasonCount("legal or compliance", 1, 1.0),
    )
    # one week: Mon Mar 3 .. as_of's week Mon Mar 10
    assert f.weekly_share == (
        WeekShare(D(2025, 3, 3), 2, 0, 0.0),  # a (Mar 5), c (Mar 8)
        WeekShare(D(2025, 3, 10), 1, 0, 0.0),  # b (Mar 10)
    )


def test_delivered_after_as_of_is_open_and_not_delivered():
    r = dev("late", D(2025, 2, 26), D(2025, 3, 13), "data access")
    f = lowcode_figures([r], [], AS_OF)
    assert f.delivered == 0
    assert f.open_developer_queue == (r,)
    assert f.oldest_open_days == 14  # Feb 26 -> Mar 12: 2 + 12
    # the next day it is delivered and the queue is empty
    g = lowcode_figures([r], [], D(2025, 3, 13))
    assert g.delivered == 1
    assert g.open_developer_queue == ()
    assert g.median_lead_days["developer"] == 15.0  # Feb 26 -> Mar 13


def test_median():
    assert median([]) is None
    assert median([5]) == 5.0
    assert median([9, 1, 4]) == 4.0
    assert median([10, 1, 7, 3]) == 5.0  # sorted 1 3 7 10 -> (3+7)/2
    assert median([2, 3]) == 2.5


def test_pareto_sorted_by_count_then_name_and_blank_reason_unspecified():
    reqs = [
        dev("1", D(2025, 3, 1), None, "skills"),
        dev("2", D(2025, 3, 1), None, "data access"),
        dev("3", D(2025, 3, 1), None, "skills"),
        dev("4", D(2025, 3, 1), None, "   "),
        dev("5", D(2025, 3, 1), None, None),
        dev("6", D(2025, 3, 1), None, "skills"),
        dev("7", D(2025, 3, 1), None, "custom logic"),
        ss("8", D(2025, 3, 1), None),  # self-serve: not in the Pareto
    ]
    f = lowcode_figures(reqs, [], AS_OF)
    # 7 developer requests: skills 3, unspecified 2, custom logic 1, data access 1
    # cumulative 3/7, 5/7, 6/7, 7/7
    assert [(r.reason, r.count) for r in f.top_reasons] == [
        ("skills", 3),
        ("unspecified", 2),
        ("custom logic", 1),
        ("data access", 1),
    ]
    assert [r.cumulative_share for r in f.top_reasons] == pytest.approx(
        [0.4285714, 0.7142857, 0.8571429, 1.0]
    )


def test_checklist_passes_at_exactly_target_and_four_weeks():
    # first request Feb 12 -> Mar 12 = 28 days = exactly 4 weeks
    reqs = [ss(f"s{i}", D(2025, 2, 12), D(2025, 3, 1)) for i in range(8)]
    reqs += [dev(f"d{i}", D(2025, 2, 12), D(2025, 3, 1), "custom logic") for i in range(2)]
    tools = [Tool("Webflow", "pages", "Marketing", 1, "adopted")]
    f = lowcode_figures(reqs, tools, AS_OF)
    assert f.weeks_tracked == 4
    assert f.share_last_4_weeks == 0.8 and f.delivered_last_4_weeks == 10  # 8 of 10: enough evidence
    assert all(done for _, done in checklist(f))
    # one day earlier only 27 days -> 3 whole weeks
    g = lowcode_figures(reqs, tools, AS_OF - dt.timedelta(days=1))
    assert g.weeks_tracked == 3
    assert [done for _, done in checklist(g)] == [True, True, False, True]


def test_checklist_label_follows_target_and_rolling_out_counts_as_trained():
    tools = [Tool("Braze", "email", "CRM", 5, "rolling out")]
    f = lowcode_figures([ss(f"a{i}", D(2025, 3, 1), D(2025, 3, 2)) for i in range(10)], tools, AS_OF,
                        target_share=0.75)
    assert f.tools_adopted == 0
    assert f.people_trained == 5
    assert checklist(f) == [
        ("At least one low-code tool adopted", False),
        ("People trained on the low-code tools", True),
        ("Requests tracked for 4 weeks", False),
        ("Self-serve share of the last 4 weeks at or above 75%", True),
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Request("x", "other", "t", D(2025, 3, 1), None, "agency", None, None),
        lambda: Request("x", "other", "t", D(2025, 3, 2), D(2025, 3, 1), "developer", None, None),
        lambda: Tool("x", "c", "o", 1, "retired"),
        lambda: Tool("x", "c", "o", -1, "adopted"),
    ],
)
def test_invalid_inputs_rejected(make):
    with pytest.raises(ValueError):
        make()


def test_the_share_ticks_only_on_ten_deliveries_in_the_last_four_weeks():
    tools = [Tool("Webflow", "pages", "Marketing", 1, "adopted")]
    old = [ss(f"old{i}", D(2025, 1, 6), D(2025, 1, 10)) for i in range(20)]  # long before the window
    one = lowcode_figures(old + [ss("lucky", D(2025, 3, 1), D(2025, 3, 2))], tools, AS_OF)
    assert (one.share_last_4_weeks, one.delivered_last_4_weeks, one.weeks_tracked) == (1.0, 1, 9)
    assert checklist(one)[3][1] is False  # 100 % of one request is not evidence
    nine = lowcode_figures(old + [ss(f"r{i}", D(2025, 3, 1), D(2025, 3, 2)) for i in range(9)], tools, AS_OF)
    assert (nine.share_last_4_weeks, nine.delivered_last_4_weeks) == (1.0, 9) and checklist(nine)[3][1] is False
    ten = lowcode_figures(old + [ss(f"r{i}", D(2025, 3, 1), D(2025, 3, 2)) for i in range(10)], tools, AS_OF)
    assert ten.delivered_last_4_weeks == MIN_EVIDENCE == 10 and checklist(ten)[3][1] is True
    # ten deliveries, but one of them a day before the window: not yet
    edge = [ss(f"r{i}", D(2025, 3, 1), D(2025, 3, 2)) for i in range(9)]
    edge.append(ss("early", D(2025, 2, 1), AS_OF - dt.timedelta(days=WINDOW_DAYS)))
    assert checklist(lowcode_figures(old + edge, tools, AS_OF))[3][1] is False
    # enough evidence below the target stays open
    mixed = [ss(f"s{i}", D(2025, 3, 1), D(2025, 3, 2)) for i in range(7)]
    mixed += [dev(f"d{i}", D(2025, 3, 1), D(2025, 3, 2), "skills") for i in range(3)]
    assert checklist(lowcode_figures(old + mixed, tools, AS_OF))[3][1] is False  # 70 % < 80 %
