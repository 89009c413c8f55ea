"""The Overview's recent changes: one line per change ("14:05 Priya Shah — milestone 'Launch
squad'", local time), an empty state, readable in the light and the dark scheme."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.core.recent import RecentChange, recent_changes
from models.core.versioning import local_time, utc_now
from models.plan import service as svc
from views.plan.recent_changes import EMPTY_TEXT, RecentChangesWidget

from views.common.palette import contrast

from tests.common.screens import READABLE, ground, scheme, text_colour


@pytest.fixture
def widget(qtbot):
    w = RecentChangesWidget()
    qtbot.addWidget(w)
    w.resize(420, 260)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_a_line_per_change_after_edits_by_two_people(widget, demo_ws):
    plan = svc.list_plans(demo_ws)[0]
    first, second = svc.list_milestones(demo_ws, plan.id)[:2]
    demo_ws.versions.user = "Sam Lee"
    svc.edit_milestone(demo_ws, first.id, {"owner": "Sam"})
    demo_ws.versions.user = "Priya Shah"
    svc.edit_milestone(demo_ws, second.id, {"owner": "Priya"})

    changes = recent_changes(demo_ws, plan.id, limit=2)
    widget.set_changes(changes)

    assert widget.lines() == [
        f"{local_time(changes[0].when)} Priya Shah — milestone '{second.title}'",
        f"{local_time(changes[1].when)} Sam Lee — milestone '{first.title}'",
    ]
    assert not widget.empty_label.isVisible()


def test_today_shows_the_time_and_another_day_the_date(widget):
    now = utc_now()
    earlier = now - timedelta(days=3)
    widget.set_changes([
        RecentChange("Priya Shah", now, "milestone", "Launch squad", "milestones"),
        RecentChange("Sam Lee", earlier, "low-code requests", "", "lowcode_requests", count=12),
        RecentChange("Sam Lee", earlier, "cost of delay", "", "audit_costs_of_delay", single=True),
    ])
    lines = widget.lines()
    assert lines[0] == f"{local_time(now)} Priya Shah — milestone 'Launch squad'"
    assert len(local_time(now)) == len("14:05")
    assert lines[1] == f"{local_time(earlier)} Sam Lee — 12 low-code requests"
    assert len(local_time(earlier)) == len("2026-03-13 14:05")
    assert lines[2].endswith("— cost of delay")


def test_no_changes_shows_the_empty_state_and_new_changes_replace_old(widget):
    widget.set_changes([])
    assert widget.lines() == [] and widget.empty_label.isVisible()
    assert widget.empty_label.text() == EMPTY_TEXT
    widget.set_changes([RecentChange("Priya Shah", utc_now(), "squad", "Growth squad", "squads")])
    widget.set_changes([RecentChange("Sam Lee", utc_now(), "squad", "Checkout squad", "squads")])
    assert len(widget.lines()) == 1 and widget.lines()[0].endswith("Sam Lee — squad 'Checkout squad'")
    assert not widget.empty_label.isVisible()


@pytest.mark.parametrize("dark", [False, True])
def test_readable_in_both_schemes(qtbot, qapp, dark):
    with scheme(qapp, dark):
        w = RecentChangesWidget()
        qtbot.addWidget(w)
        w.resize(420, 200)
        w.show()
        qtbot.waitExposed(w)
        w.set_changes([RecentChange("Priya Shah", utc_now(), "milestone", "Launch squad", "milestones")])
        qtbot.wait(10)
        back = ground(w)
        line = w._lines[0]
        assert contrast(text_colour(line), back) >= READABLE
        w.set_changes([])
        assert contrast(text_colour(w.empty_label), back) >= READABLE
