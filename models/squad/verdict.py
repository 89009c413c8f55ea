"""Recording the day-90 verdict honestly: a verdict before the review needs a reason.

The honest *suggestion* (no forecast from fewer than three points, "too early"
while the squad has run less than a third of its time or has fewer than three
check-ins) is part of the squad's figures: see ``models.squad.metrics.honest_verdict``.
"""
from __future__ import annotations

from datetime import date

from models.core.validation import PlanError


def verdict_rationale(rationale: str, on: date, review: date, *, record_early: bool = False,
                      early_reason: str = "") -> str:
    """The rationale to store with a verdict recorded on ``on``.  From the review
    day on, the rationale as given.  Before it, refused unless ``record_early``
    with a reason, which is kept at the head of the rationale."""
    if on >= review:
        return rationale
    days = (review - on).days
    if not record_early:
        raise PlanError(f"the day-90 review is on {review.isoformat()}, {days} days from {on.isoformat()}; "
                        "to record a verdict before it, choose \"record early\" and give the reason")
    reason = " ".join(early_reason.split())
    if not reason:
        raise PlanError("recording a verdict early needs a reason")
    return f"Recorded early, {days} days before the day-90 review: {reason}\n{rationale}".rstrip()
