"""A first guess of a status's kind (active, queue or done) from its name.

A status the plan has never mapped gets this guess in the import wizard (the user
confirms it); a reader or the command line that needs a guess calls the same
function, so the app and the command line agree. Words are matched at the start of
a word ("Design approval" waits, "Delivery" is not "live"), in three tiers:

1. names that say the item waits: approval, review, waiting, awaiting, ready for,
   to do, backlog, blocked, on hold… are a **queue**, even beside a word of done
   ("Done, awaiting release" still waits);
2. names that say the item left the flow: done, closed, released, cancelled… are **done**;
3. other names of a queue: ready, pending, new, open, triage… are a **queue**;

and anything else is **active** (someone works on it).
"""
from __future__ import annotations

import re

#: tier 1: the item waits for someone, whatever else the name says
WAITING = ("approv", "review", "wait", "await", "ready for", "to do", "todo", "backlog", "blocked",
           "on hold", "hold", "not started")
#: tier 2: the item left the flow
DONE = ("done", "closed", "resolved", "released", "cancel", "rejected", "won't", "wont", "complete",
        "shipped", "live", "archived", "deployed", "finished")
#: tier 3: other names of a queue
QUEUE = ("ready", "queue", "pending", "new", "open", "reopen", "selected", "triage", "next", "parked",
         "request", "submitted")


def _pattern(words: tuple[str, ...], *, whole: tuple[str, ...] = ()) -> re.Pattern[str]:
    """Each of *words* at the start of a word (a stem: "approv" reads "approval" and
    "approved"); those in *whole* as whole words only ("live" is not "lively")."""
    parts = [re.escape(w) + (r"\b" if w in whole else "") for w in words]
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


_WAITING = _pattern(WAITING, whole=("hold", "to do", "todo"))
_DONE = _pattern(DONE, whole=("done", "live", "wont"))
_QUEUE = _pattern(QUEUE, whole=("new", "open", "next", "ready"))


def guess_kind(status: str) -> str:
    """``"active"``, ``"queue"`` or ``"done"``: a first guess for a status never mapped before."""
    name = " ".join(str(status).split())
    if _WAITING.search(name):
        return "queue"
    if _DONE.search(name):
        return "done"
    if _QUEUE.search(name):
        return "queue"
    return "active"
