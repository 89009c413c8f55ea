"""Which column holds which field of a transition log, and when not to guess.

The guess goes by column names; where several columns could hold the same
field and would give different figures, it refuses (:func:`choose_columns`)
instead of taking the first one.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from .dates import looks_like_dates

__all__ = ["FIELDS", "REQUIRED_FIELDS", "MAPPED_ONLY", "FIELD_LABELS", "guess_mapping", "choose_columns",
           "ambiguity_message"]

#: Fields a mapping may name, in display order.
FIELDS = ("item", "at", "from", "to", "title", "type", "created", "status")
#: Fields that must be mapped to a column.
REQUIRED_FIELDS = ("item", "at", "to")
#: Never guessed: mapping them changes what rows with no status change mean.
MAPPED_ONLY = ("created", "status")
#: Fields whose guess is refused when several columns could hold them.
CHECKED_FIELDS = ("item", "at", "from", "to")
FIELD_LABELS = {
    "item": "item id",
    "at": "timestamp",
    "from": "from-status",
    "to": "to-status",
    "title": "title",
    "type": "type",
    "created": "creation time",
    "status": "current status",
}

_CANDIDATES: dict[str, tuple[str, ...]] = {
    "item": ("key", "issue key", "item", "item id", "id", "issue", "issue id",
             "work item", "work item id", "ticket", "ticket id", "card", "card id"),
    "at": ("timestamp", "changed", "changed at", "date changed", "transition date",
           "at", "date", "datetime", "date time", "time", "when", "created", "updated"),
    "from": ("from", "from status", "old", "old status", "old value", "previous status",
             "fromstring", "status from"),
    "to": ("to", "to status", "new", "new status", "new value", "tostring",
           "status to", "status"),
    "title": ("summary", "title", "name", "item title", "issue summary"),
    "type": ("type", "issue type", "item type", "work item type", "issuetype"),
}


def norm_name(name: str) -> str:
    """A column name as the guess compares it: lower case, words only."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


def _matches(cand: str, normed: str, exact: bool) -> bool:
    return normed == cand if exact else set(cand.split()) <= set(normed.split())


def _ties(columns: Sequence[str], skip: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """``{field: columns}``: for each field not in *skip*, the columns that
    match its best candidate name equally well (exact names first, then names
    containing a candidate's words), best first."""
    skip = skip or {}
    normed = [(norm_name(c), c) for c in columns]
    used = set(skip.values())
    ties: dict[str, list[str]] = {}
    for exact in (True, False):
        for fld, cands in _CANDIDATES.items():
            if fld in ties or fld in skip:
                continue
            for cand in cands:
                hits = [c for n, c in normed if c not in used and _matches(cand, n, exact)]
                if hits:
                    ties[fld] = hits
                    used.add(hits[0])
                    break
    return ties


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """Guess ``{field: column}`` from column names (exact normalised names
    first, then names containing a candidate's words).  Fields with no
    plausible column are left out, and so are ``created`` and ``status``."""
    ties = _ties(columns)
    return {f: ties[f][0] for f in FIELDS if f in ties}


def _could_be_time(columns: Sequence[str], values: Any, taken: set[str], first: str | None) -> list[str]:
    """Columns whose name is a timestamp's and whose sampled cells are dates."""
    names = _CANDIDATES["at"]
    found = [c for c in columns if c not in taken
             and any(_matches(n, norm_name(c), False) for n in names) and looks_like_dates(values(c))]
    if first in found:  # the name guess first
        found.remove(first)
        found.insert(0, first)
    return found


def _same_figures(field: str, a: list[Any], b: list[Any]) -> bool:
    """Would columns *a* and *b* give the same figures as *field*?  For the
    item, when they group the rows the same way; else when equal."""
    if field != "item":
        return a == b
    forward: dict[Any, Any] = {}
    back: dict[Any, Any] = {}
    return all(forward.setdefault(x, y) == y and back.setdefault(y, x) == x for x, y in zip(a, b))


def choose_columns(
    columns: Sequence[str], records: Sequence[Sequence[Any]], given: Mapping[str, str] | None = None
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The mapping to use and the fields that need the user's choice.

    *given* is what the user mapped (kept as is); the other fields are guessed
    from the names.  A field of :data:`CHECKED_FIELDS` whose best name fits
    several columns (for the timestamp: every column whose name is a
    timestamp's and that holds dates) is not guessed when those columns, in the
    sampled *records*, would give different figures: it is returned in the
    second dict with its candidate columns instead.
    """
    given = dict(given or {})
    ties = _ties(columns, given)
    mapping = {**given, **{f: hits[0] for f, hits in ties.items()}}
    index = {c: i for i, c in enumerate(columns)}

    def values(column: str) -> list[Any]:
        i = index[column]
        return [cells[i] if i < len(cells) else None for cells in records]

    ambiguous: dict[str, tuple[str, ...]] = {}
    for fld in CHECKED_FIELDS:
        if fld in given:
            continue
        hits = ties.get(fld, [])
        if fld == "at":
            taken = {c for f, c in mapping.items() if f != "at"}
            hits = _could_be_time(columns, values, taken, mapping.get("at")) or hits
        distinct: list[str] = []
        for c in hits:
            if not any(_same_figures(fld, values(d), values(c)) for d in distinct):
                distinct.append(c)
        if len(distinct) > 1:
            ambiguous[fld] = tuple(distinct)
            mapping.pop(fld, None)
        elif distinct:
            mapping[fld] = distinct[0]
    return {f: mapping[f] for f in FIELDS if f in mapping}, ambiguous


def ambiguity_message(field: str, candidates: Sequence[str]) -> str:
    listed = ", ".join(f"'{c}'" for c in candidates)
    what = "the time of each status change" if field == "at" else f"the {FIELD_LABELS[field]}"
    return f"{len(candidates)} columns could be {what} ({listed}): choose one"
