"""Field and Entity: one declaration validates, dumps and loads (no Qt)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from models.core.fields import Entity, Field, FieldError
from models.core.validation import PlanError

SCORE = Field("score", "score", "int", low=0, high=10)
VISIT = Entity("visit", (
    Field("title", "visit title", required=True, limit=10),
    Field("day", "visit day", "date", required=True),
    SCORE,
    Field("share", "share", "percent", low=0, high=100),
    Field("cost", "cost", "float", optional=True),
    Field("kind", "kind", "choice", choices=("call", "meeting")),
    Field("done", "done", "bool"),
))


@dataclass(frozen=True)
class Visit:
    id: int
    title: str
    day: date
    score: int
    share: float
    cost: float | None
    kind: str
    done: bool


@pytest.mark.parametrize("key, value, message", [
    ("title", "  ", "visit title is required"),
    ("title", "x" * 11, "visit title is longer than 10 characters"),
    ("day", "soon", "visit day must be a date (YYYY-MM-DD), not 'soon'"),
    ("score", 11, "score must be from 0 to 10, not 11"),
    ("score", 2.5, "score must be a whole number from 0 to 10, not 2.5"),
    ("share", 120, "share must be between 0 and 100 %, not 120"),
    ("cost", "lots", "cost must be a number, not 'lots'"),
    ("cost", float("inf"), "cost must be a finite number"),
    ("kind", "visit", "kind must be one of call, meeting, not 'visit'"),
])
def test_clean_refuses_with_a_message_naming_the_label(key, value, message):
    with pytest.raises(PlanError) as err:
        VISIT.clean({key: value})
    assert str(err.value) == message
    assert isinstance(err.value, FieldError) and err.value.key == key


def test_clean_returns_the_stored_form():
    assert VISIT.clean({"title": " Kick-off ", "day": "2026-03-02", "score": "7", "share": "12,5",
                        "cost": "", "done": 1}) == {
        "title": "Kick-off", "day": date(2026, 3, 2), "score": 7, "share": 12.5, "cost": None, "done": True}
    with pytest.raises(PlanError, match="unknown visit field 'colour'"):
        VISIT.clean({"colour": "red"})


def test_dump_and_load_round_trip_a_row():
    row = Visit(1, "Call", date(2026, 3, 2), 4, 50.0, None, "call", False)
    doc = VISIT.dump(row)
    assert doc == {"title": "Call", "day": "2026-03-02", "score": 4, "share": 50.0, "cost": None,
                   "kind": "call", "done": False}
    assert VISIT.from_dict(Visit, VISIT.load(doc), id=1) == row
    assert VISIT.to_dict(row)["day"] == date(2026, 3, 2)
    assert VISIT.required_keys == ("title", "day")


@pytest.mark.parametrize("key, raw, message", [
    ("score", "4", "must be a whole number"),
    ("score", 12, "score must be from 0 to 10, not 12"),
    ("share", "half", "must be a number"),
    ("day", "02/03/2026", "'02/03/2026' is not a date YYYY-MM-DD"),
    ("kind", "visit", "'visit' is not one of call, meeting"),
    ("done", "yes", "must be true or false"),
    ("title", 5, "must be text"),
])
def test_load_checks_the_json_type_then_cleans(key, raw, message):
    with pytest.raises(FieldError) as err:
        VISIT.load({key: raw})
    assert str(err.value) == message
    assert err.value.key == key
