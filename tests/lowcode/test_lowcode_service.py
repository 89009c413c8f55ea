"""Low-code services: the ledger and tools stored and refused, figures on hand-computed
ledgers, the summary part, dump/load and the demo."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from models.lowcode import service as svc
from models.lowcode.service import RequestDraft, ToolDraft
from models.plan.service import PlanDraft, PlanError, create_plan, delete_plan, find_plan, list_plans
from models.plan.summary import plan_summary
from models.core.transfer import TransferError
from models.plan.transfer import dump_plan, load_plan
from tests.conftest import FEATURES, TODAY

D = date.fromisoformat
SUMMARY_KEYS = {"target_share", "share_cumulative", "share_last_4_weeks", "delivered", "self_serve",
                "median_lead_days", "open_developer_queue", "oldest_open_days", "top_reasons"}


@pytest.fixture
def plan_id(ws):
    return create_plan(ws, PlanDraft(name="Plan", start=D("2026-02-02")))


def req(title, requested, delivered=None, route="self-serve", reason="", **kw):
    return RequestDraft(title=title, requested=D(requested), delivered=D(delivered) if delivered else None,
                        route=route, reason=reason, **kw)


#: As of 2026-03-16, the 28-day window starts on 2026-02-17.
HAND_LEDGER = [
    req("A", "2026-03-01", "2026-03-03"),                        # self-serve, 2 days, in the window
    req("B", "2026-02-10", "2026-02-16"),                        # self-serve, 6 days, one day before the window
    req("C", "2026-02-01", "2026-02-17", "developer"),            # developer, 16 days, first day of the window
    req("D", "2026-02-20", None, "developer", "missing component"),  # open, 24 days old
    req("E", "2026-03-10", "2026-03-20", "developer", "data access"),  # delivered after as-of: open, 6 days
    req("F", "2026-03-12", "2026-03-16"),                        # self-serve, 4 days, delivered on as-of
    req("G", "2026-01-05", "2026-01-25", "developer", "missing component"),  # developer, 20 days
    req("H", "2026-03-17", None, "developer", "custom logic"),   # requested after as-of: not counted
]


# --------------------------------------------------------------------------- requests

def test_add_request_stores_every_field(ws, plan_id):
    rid = svc.add_request(ws, plan_id, RequestDraft(
        title="  Spring landing page ", requested=D("2026-03-01"), type="Landing Page", team="Brand",
        delivered=D("2026-03-04"), route="developer", tool="PageCraft", reason="Missing component"))
    r = svc.get_request(ws, rid)
    assert (r.title, r.type, r.team, r.requested, r.delivered, r.route, r.tool, r.reason) == (
        "Spring landing page", "landing page", "Brand", D("2026-03-01"), D("2026-03-04"), "developer",
        "PageCraft", "missing component")
    assert r.lead_days == 3


@pytest.mark.parametrize("draft, message", [
    (RequestDraft("  ", D("2026-03-01")), "request title is required"),
    (RequestDraft("X", D("2026-03-05"), delivered=D("2026-03-04")),
     "the delivered date 2026-03-04 is before the requested date 2026-03-05"),
    (RequestDraft("X", D("2026-03-01"), reason="skills"),
     "only developer-route requests have a reason a developer was needed"),
    (RequestDraft("X", D("2026-03-01"), type="banner"), "type must be one of landing page"),
    (RequestDraft("X", D("2026-03-01"), route="agency"), "route must be one of self-serve, developer"),
    (RequestDraft("X", D("2026-03-01"), route="developer", reason="budget"), "reason must be one of"),
    (RequestDraft("X", "01/03/2026"), "requested date must be a date"),
])
def test_bad_requests_are_refused_and_store_nothing(ws, plan_id, draft, message):
    with pytest.raises(PlanError) as exc:
        svc.add_request(ws, plan_id, draft)
    assert str(exc.value).startswith(message)
    assert svc.list_requests(ws, plan_id) == []


def test_update_request_returns_the_previous_values_and_moving_to_self_serve_clears_the_reason(ws, plan_id):
    rid = svc.add_request(ws, plan_id, req("X", "2026-03-01", None, "developer", "data access"))
    before = svc.update_request(ws, rid, {"route": "self-serve", "tool": "PageCraft"})
    assert before == {"route": "developer", "reason": "data access", "tool": ""}
    now = svc.get_request(ws, rid)
    assert (now.route, now.reason, now.tool) == ("self-serve", "", "PageCraft")
    svc.update_request(ws, rid, before)
    again = svc.get_request(ws, rid)
    assert (again.route, again.reason, again.tool) == ("developer", "data access", "")


def test_update_request_checks_the_whole_row(ws, plan_id):
    rid = svc.add_request(ws, plan_id, req("X", "2026-03-05", "2026-03-08"))
    with pytest.raises(PlanError, match="before the requested date"):
        svc.update_request(ws, rid, {"requested": D("2026-03-09")})
    with pytest.raises(PlanError, match="only developer-route"):
        svc.update_request(ws, rid, {"reason": "skills"})
    assert svc.get_request(ws, rid).requested == D("2026-03-05")


def test_delete_and_restore_request_keeps_its_id(ws, plan_id):
    rid = svc.add_request(ws, plan_id, req("X", "2026-03-01", "2026-03-02"))
    deleted = svc.delete_request(ws, rid)
    assert svc.list_requests(ws, plan_id) == []
    svc.restore_request(ws, deleted)
    assert svc.list_requests(ws, plan_id) == [deleted]


def test_import_requests_is_all_or_nothing(ws, plan_id):
    good = req("Good", "2026-03-01")
    bad = req("Bad", "2026-03-05", "2026-03-01")
    with pytest.raises(PlanError, match=r"^request 2: the delivered date"):
        svc.import_requests(ws, plan_id, [good, bad, good])
    assert svc.list_requests(ws, plan_id) == []
    ids = svc.import_requests(ws, plan_id, [good, good])
    assert len(ids) == 2 and [r.id for r in svc.list_requests(ws, plan_id)] == list(ids)
    removed = svc.remove_requests(ws, ids)
    assert svc.list_requests(ws, plan_id) == []
    svc.restore_requests(ws, removed)
    assert [r.id for r in svc.list_requests(ws, plan_id)] == list(ids)


# --------------------------------------------------------------------------- tools and target

def test_tools_are_stored_refused_and_restored(ws, plan_id):
    tid = svc.add_tool(ws, plan_id, ToolDraft("PageCraft", "Page Builder", "Sofia", 5, "adopted"))
    assert svc.get_tool(ws, tid).capability == "page builder"
    with pytest.raises(PlanError, match="already has a tool named 'PageCraft'"):
        svc.add_tool(ws, plan_id, ToolDraft("pagecraft"))
    with pytest.raises(PlanError, match="people trained must be from 0"):
        svc.add_tool(ws, plan_id, ToolDraft("Other", trained=-1))
    with pytest.raises(PlanError, match="status must be one of evaluating, rolling out, adopted"):
        svc.update_tool(ws, tid, {"status": "live"})
    assert svc.update_tool(ws, tid, {"trained": 7, "owner": "Sofia"}) == {"trained": 5}
    deleted = svc.delete_tool(ws, tid)
    assert svc.list_tools(ws, plan_id) == []
    svc.restore_tool(ws, deleted)
    assert svc.list_tools(ws, plan_id)[0].trained == 7


def test_target_share_defaults_to_80_and_undo_can_remove_the_stored_row(ws, plan_id):
    assert svc.get_target_share(ws, plan_id) == 0.8
    assert svc.set_target_share(ws, plan_id, 0.7) is None
    assert svc.get_target_share(ws, plan_id) == 0.7
    assert svc.set_target_share(ws, plan_id, 0.9) == 0.7
    assert svc.set_target_share(ws, plan_id, None) == 0.9
    assert svc.get_target_share(ws, plan_id) == 0.8
    for bad in (0, 1.5, "80%", True):
        with pytest.raises(PlanError, match="the target share must"):
            svc.set_target_share(ws, plan_id, bad)


# --------------------------------------------------------------------------- figures

def test_figures_on_a_hand_computed_ledger(ws, plan_id):
    svc.import_requests(ws, plan_id, HAND_LEDGER)
    st = svc.lowcode_state(ws, plan_id, TODAY)
    f = st.figures
    assert (f.delivered, f.self_serve) == (5, 3)               # A B C F G; A B F
    assert f.share_cumulative == pytest.approx(3 / 5)
    assert f.share_last_4_weeks == pytest.approx(2 / 3)        # A C F (B is one day early)
    assert st.recent_delivered == (3, 2)
    assert f.median_lead_days == {"self_serve": 4.0, "developer": 18.0}  # [2 4 6], [16 20]
    assert [r.title for r in f.open_developer_queue] == ["D", "E"]
    assert f.oldest_open_days == 24
    assert [(r.reason, r.count) for r in f.top_reasons] == [
        ("missing component", 2), ("data access", 1), ("unspecified", 1)]
    assert [i.done for i in st.checklist] == [False, False, True, False]
    # 3 deliveries in the window are too few to judge the share by
    assert st.checklist[3].hint == "Only 3 requests delivered in the last 4 weeks: the share counts from 10 on."


def test_figures_with_no_delivery(ws, plan_id):
    svc.import_requests(ws, plan_id, [req("A", "2026-03-01"), req("B", "2026-03-10", None, "developer")])
    f = svc.lowcode_state(ws, plan_id, TODAY).figures
    assert (f.delivered, f.share_cumulative, f.share_last_4_weeks) == (0, None, None)
    assert f.median_lead_days == {"self_serve": None, "developer": None}
    assert (len(f.open_developer_queue), f.oldest_open_days) == (1, 6)
    assert f.weekly_share == ()


def test_figures_when_every_request_went_to_developers(ws, plan_id):
    svc.import_requests(ws, plan_id, [req("A", "2026-03-01", "2026-03-11", "developer", "skills"),
                                      req("B", "2026-03-02", "2026-03-05", "developer", "skills"),
                                      req("C", "2026-03-03", "2026-03-10", "developer", "data access")])
    f = svc.lowcode_state(ws, plan_id, TODAY).figures
    assert (f.share_cumulative, f.share_last_4_weeks) == (0.0, 0.0)
    assert f.median_lead_days == {"self_serve": None, "developer": 7.0}  # [3 7 10]
    assert [(r.reason, r.count) for r in f.top_reasons] == [("skills", 2), ("data access", 1)]


def test_rolling_share_is_the_window_at_the_end_of_each_week(ws, plan_id):
    svc.import_requests(ws, plan_id, HAND_LEDGER)
    st = svc.lowcode_state(ws, plan_id, TODAY)
    rolling = dict(st.rolling_share())
    assert rolling[TODAY] == pytest.approx(2 / 3)
    # week of 9 Mar ends on Sunday 15 Mar: window 16 Feb..15 Mar holds B, C and A
    assert rolling[D("2026-03-15")] == pytest.approx(2 / 3)
    # week of 19 Jan ends on 25 Jan: only G
    assert rolling[D("2026-01-25")] == 0.0


# --------------------------------------------------------------------------- summary --json

def test_summary_part_on_the_hand_ledger(ws, plan_id):
    svc.import_requests(ws, plan_id, HAND_LEDGER)
    svc.set_target_share(ws, plan_id, 0.75)
    part = plan_summary(ws, find_plan(ws), TODAY, FEATURES)["lowcode"]
    assert set(part) == SUMMARY_KEYS
    assert part == {
        "target_share": 0.75, "share_cumulative": 0.6, "share_last_4_weeks": 0.666667,
        "delivered": 5, "self_serve": 3, "median_lead_days": {"self_serve": 4.0, "developer": 18.0},
        "open_developer_queue": 2, "oldest_open_days": 24,
        "top_reasons": [{"reason": "missing component", "count": 2}, {"reason": "data access", "count": 1},
                        {"reason": "unspecified", "count": 1}],
    }
    json.dumps(part)


def test_summary_leaves_the_key_out_without_low_code_data(ws, plan_id):
    assert "lowcode" not in plan_summary(ws, find_plan(ws), TODAY, FEATURES)
    svc.set_target_share(ws, plan_id, 0.8)
    part = plan_summary(ws, find_plan(ws), TODAY, FEATURES)["lowcode"]
    assert part["delivered"] == 0 and part["share_cumulative"] is None and part["top_reasons"] == []


# --------------------------------------------------------------------------- dump / load

def test_dump_load_dump_is_identical_and_carries_ledger_and_tools(ws, plan_id):
    svc.import_requests(ws, plan_id, HAND_LEDGER)
    svc.add_tool(ws, plan_id, ToolDraft("PageCraft", "page builder", "Sofia", 5, "adopted"))
    svc.set_target_share(ws, plan_id, 0.7)
    doc = dump_plan(ws, plan_id, FEATURES)
    low = doc["lowcode"]
    assert low["target_share"] == 0.7 and len(low["requests"]) == 8
    assert low["requests"][3] == {"title": "D", "type": "other", "team": "", "requested": "2026-02-20",
                                  "delivered": None, "route": "developer", "tool": "", "reason": "missing component"}
    assert low["tools"] == [{"name": "PageCraft", "capability": "page builder", "owner": "Sofia", "trained": 5,
                             "status": "adopted"}]
    new_id = load_plan(ws, doc, FEATURES, rename="Copy")
    again = dump_plan(ws, new_id, FEATURES)
    again["plan"]["name"] = "Plan"
    assert again == doc
    assert "lowcode" not in dump_plan(ws, create_plan(ws, PlanDraft(name="Empty", start=D("2026-02-02"))), FEATURES)


def test_keep_ids_rows_carry_their_ids(ws, plan_id):
    svc.import_requests(ws, plan_id, HAND_LEDGER[:2])
    doc = dump_plan(ws, plan_id, FEATURES, keep_ids=True)
    ids = [r["id"] for r in doc["lowcode"]["requests"]]
    assert ids == [r.id for r in sorted(svc.list_requests(ws, plan_id), key=lambda r: r.id)]
    delete_plan(ws, plan_id)
    load_plan(ws, doc, FEATURES, keep_ids=True)
    assert sorted(r.id for r in svc.list_requests(ws, plan_id)) == ids


@pytest.mark.parametrize("lowcode, message", [
    ({"requests": [{"title": "X", "requested": "2026-03-05", "delivered": "2026-03-01"}]},
     "lowcode.requests[0]: the delivered date 2026-03-01 is before the requested date 2026-03-05"),
    ({"requests": [{"title": "X", "requested": "05/03/2026"}]},
     "lowcode.requests[0].requested: '05/03/2026' is not a date YYYY-MM-DD"),
    ({"requests": [{"title": "X", "requested": "2026-03-05", "route": "agency"}]},
     "lowcode.requests[0].route: route must be one of self-serve, developer"),
    ({"requests": [{"requested": "2026-03-05"}]}, "lowcode.requests[0].title: is missing"),
    ({"tools": [{"name": "A"}, {"name": "a"}]}, "lowcode.tools[1].name: 'a' appears twice"),
    ({"tools": [{"name": "A", "trained": 2.5}]}, "lowcode.tools[0].trained: must be a whole number"),
    ({"target_share": 80}, "lowcode.target_share: the target share must be from 1% to 100%"),
    ({"colour": "red"}, "lowcode: unknown field 'colour'"),
])
def test_a_bad_section_stores_nothing_and_names_the_field(ws, plan_id, lowcode, message):
    doc = dump_plan(ws, plan_id, FEATURES)
    doc["plan"]["name"] = "Loaded"
    doc["lowcode"] = lowcode
    with pytest.raises(TransferError) as exc:
        load_plan(ws, doc, FEATURES, source="plan.json")
    assert str(exc.value).startswith(f"plan.json: {message}")
    assert [p.name for p in list_plans(ws)] == ["Plan"]


# --------------------------------------------------------------------------- demo

def test_demo_ledger_climbs_toward_the_target(demo_ws):
    plan = find_plan(demo_ws)
    st = svc.lowcode_state(demo_ws, plan.id, TODAY)
    f = st.figures
    first = svc.list_requests(demo_ws, plan.id)[0].requested
    assert first == plan.start - timedelta(days=60)
    assert max(r.requested for r in st.requests) <= TODAY
    weeks = [w.share for w in f.weekly_share if w.share is not None]
    assert weeks[0] <= 0.35 and sum(weeks[:4]) / 4 < 0.45
    assert 0.65 <= f.share_last_4_weeks < f.target_share == 0.8
    assert f.top_reasons[0].reason == "missing component"
    assert len(f.open_developer_queue) == 4 and f.oldest_open_days == 51
    assert [(t.name, t.status) for t in st.tools] == [
        ("PageCraft", "adopted"), ("Sequence Studio", "rolling out"), ("Content Hub", "adopted"),
        ("SplitLab", "evaluating")]
    assert [i.done for i in st.checklist] == [True, True, True, False]
    assert len({r.title for r in st.requests}) == len(st.requests)


# --------------------------------------------------------------------------- the declarations

def test_choices_match_in_any_case_and_an_empty_reason_is_stored_as_empty_text(ws, plan_id):
    from models.lowcode.entities import REQUEST, TOOL, TRAINED_LIMIT

    assert REQUEST.clean({"type": " Landing  Page ", "route": "DEVELOPER", "reason": "  "}) == {
        "type": "landing page", "route": "developer", "reason": ""}
    assert REQUEST.load({"reason": None, "route": "developer"}) == {"reason": "", "route": "developer"}
    with pytest.raises(PlanError, match="^must be text$"):
        REQUEST.load({"route": 3})
    assert REQUEST.keys == svc.REQUEST_KEYS and REQUEST.required_keys == ("title", "requested")
    assert TOOL.field("trained").high == TRAINED_LIMIT
    tid = svc.add_tool(ws, plan_id, {"name": "PageCraft", "capability": "Page builder", "owner": "",
                                     "trained": "3", "status": "adopted"})
    assert (svc.get_tool(ws, tid).capability, svc.get_tool(ws, tid).trained) == ("page builder", 3)
    with pytest.raises(PlanError, match="unknown tool field 'colour'"):
        svc.update_tool(ws, tid, {"colour": "red"})
