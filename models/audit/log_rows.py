"""The rows of a log once read: where each came from, and the rules applied
to them before any figure is computed.

* Rows identical in item, time, from and to are kept once.
* With a creation time, each item gets a creation row (as the Jira reader
  builds from ``fields.created``); an item that never moved enters its
  current status, or is left out when nothing tells that status.
* A column whose values never differ within an item cannot be the time or
  the status of each change.
* Statuses match the stage map ignoring case and surrounding spaces, and take
  the stage map's spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from .analysis import Transition
from .transition_list import TransitionList

__all__ = ["TransitionList", "IdleItem", "status_key", "align_statuses", "duplicate_rows", "flow_facts",
           "add_creation_rows", "rows_per_item_if_constant"]



def status_key(status: str) -> str:
    """What two spellings of one status share: case and surrounding spaces aside."""
    return status.strip().casefold()


def align_statuses(transitions: Sequence[Transition], stages: Iterable[str]) -> TransitionList:
    """*transitions* with every status spelt as in the stage map when they match
    ignoring case and surrounding spaces (statuses that match none stay as
    they are, for the status check to report)."""
    if not isinstance(transitions, TransitionList):
        transitions = TransitionList(transitions)
    names = list(stages)
    known = set(names)
    spelling = {status_key(s): s for s in names}
    _, _, used = transitions.status_codes
    rename = {s: spelling[status_key(s)] for s in used if s and s not in known and status_key(s) in spelling}
    if not rename:
        return transitions
    return transitions.renamed_statuses(rename)


def _row_key(t: Transition) -> tuple[str, datetime, str | None, str]:
    return t.item, t.at, t.from_status, t.to_status


def duplicate_rows(rows: Sequence[Transition]) -> list[int]:
    """Positions of the rows that repeat an earlier one's item, time, from and to.

    Rows are first told apart by a hash of item, from and to (their strings
    cache their hashes; an aware datetime computes its hash with a new object,
    and a set of 100,000 key tuples makes the garbage collector walk a big log
    again and again); the few rows that share it are compared in full.  A
    :class:`TransitionList` is compared by the column."""
    if isinstance(rows, TransitionList):
        return rows.duplicate_positions().tolist()
    first: dict[int, int] = {}
    shared: dict[int, list[int]] = {}  # hash -> the later rows with it, each unlike the earlier ones
    out = []
    for i, t in enumerate(rows):
        h = hash((t.item, t.from_status, t.to_status))
        j = first.setdefault(h, i)
        if j == i:
            continue
        key = _row_key(t)
        if any(_row_key(rows[k]) == key for k in (j, *shared.get(h, ()))):
            out.append(i)
        else:
            shared.setdefault(h, []).append(i)
    return out


def rows_per_item_if_constant(pairs: Iterable[tuple[str, Any]]) -> int:
    """Of ``(item, value)`` pairs: how many items have several (non-empty)
    values, if no item's values ever differ; 0 as soon as one item's do (or
    when no item has several)."""
    first: dict[str, Any] = {}
    several: set[str] = set()
    for item, v in pairs:
        if v is None or v == "":
            continue
        if item not in first:
            first[item] = v
        elif first[item] != v:
            return 0
        else:
            several.add(item)
    return len(several)


@dataclass(frozen=True)
class IdleItem:
    """A row with no status change: an item that never moved (when the log
    has a creation time)."""

    line: int
    item: str
    status: str | None
    title: str | None
    type: str | None


def add_creation_rows(
    rows: Sequence[Transition],
    lines: Sequence[int],
    created: Mapping[str, datetime],
    idle: Sequence[IdleItem],
) -> tuple[TransitionList, list[tuple[str, int]]]:
    """*rows* with a creation row per item, built as the Jira reader does: at
    the item's creation time, entering its first change's from-status (its
    current status when it never changed).  An item whose first change has no
    from-status already starts with its creation row and gets none.  A
    creation row takes the line of the item's first row.  *rows* and *idle*
    are in file order.  Returns the rows (``created_rows`` and ``left_out``
    set) and the items that need a creation time but have none, with their
    first line."""
    first: dict[str, Transition] = {}
    for t in rows:  # the earliest change; equal times keep file order
        seen = first.get(t.item)
        if seen is None or t.at < seen.at:
            first[t.item] = t
    out: list[Transition] = []
    out_lines: list[int] = []
    built = 0
    missing: list[tuple[str, int]] = []
    started: set[str] = set()
    left_out: list[str] = []

    def start(item: str, to: str | None, line: int, title: str | None, kind: str | None) -> None:
        nonlocal built
        started.add(item)
        if not to:
            return
        if item not in created:
            missing.append((item, line))
            return
        out.append(Transition(item, created[item], None, to, title, kind))
        out_lines.append(line)
        built += 1

    def start_idle(row: IdleItem) -> None:
        if row.item in first or row.item in started:
            return  # it moved (its changes tell its statuses), or is placed already
        if row.status:
            start(row.item, row.status, row.line, row.title, row.type)
        else:
            started.add(row.item)
            left_out.append(row.item)

    k = 0
    for t, line in zip(rows, lines):
        while k < len(idle) and idle[k].line < line:
            start_idle(idle[k])
            k += 1
        if t.item not in started:
            start(t.item, first[t.item].from_status, line, t.title, t.type)
        out.append(t)
        out_lines.append(line)
    for row in idle[k:]:
        start_idle(row)
    rows_out = TransitionList(out, lines=out_lines)
    rows_out.created_rows, rows_out.left_out = built, tuple(left_out)
    return rows_out, missing


def flow_facts(transitions: Sequence[Transition], after: datetime | None = None
               ) -> tuple[int, datetime | None, datetime | None, tuple[tuple[str, int], ...], int]:
    """What the import wizard shows of a log, worked out by the column: ``(items,
    first moment, last moment, ((status, rows using it), …), rows at or after
    *after*)``, the statuses in flow order (each one's mean relative position in
    the items' histories, then its name).  Spellings of a status that differ only
    in case count as one, under its first spelling (a row's to-status before its
    from-status).  A naive row is compared with *after*'s wall-clock time.  The
    figures of a loop over the rows (``views.audit.importer.log_facts``) without
    an object per row: a million rows in a fraction of a second, and nothing for
    the garbage collector to walk."""
    import numpy as np

    log = transitions if isinstance(transitions, TransitionList) else TransitionList(transitions)
    n = len(log)
    if not n:
        return 0, None, None, (), 0
    frm, to, names = log.status_codes
    # where each status is first written: a row's to-status at 2 i, its from-status at 2 i + 1
    never = 2 * n + 2
    seen = np.full(len(names), never, dtype=np.int64)
    np.minimum.at(seen, to, 2 * np.arange(n))
    written = np.array([bool(s) for s in names])[frm]
    np.minimum.at(seen, frm[written], 2 * np.flatnonzero(written) + 1)
    uses = np.bincount(to, minlength=len(names)) + np.bincount(frm[written], minlength=len(names))
    spelling: dict[str, str] = {}  # status_key -> first spelling
    counts: dict[str, int] = {}
    spelt = np.full(len(names), -1, dtype=np.int64)  # each status code's spelling, numbered
    for c in np.argsort(seen, kind="stable").tolist():
        if seen[c] < never:
            s = spelling.setdefault(status_key(names[c]), names[c])
            counts[s] = counts.get(s, 0) + int(uses[c])
            spelt[c] = list(counts).index(s)
    us = log.epoch_us()
    first, last = log[int(np.argmin(us))].at, log[int(np.argmax(us))].at
    future = 0
    if after is not None:
        naive = log.moments[1] == np.iinfo(np.int64).min
        wall_after = (after.replace(tzinfo=None) - datetime(1970, 1, 1)) // timedelta(microseconds=1)
        at_after = wall_after - (after.utcoffset() // timedelta(microseconds=1) if after.tzinfo else 0)
        future = int(np.count_nonzero(np.where(naive, log.moments[0] >= wall_after, us >= at_after)))
    # each row's relative position in its item's history (items in order of first appearance)
    item, _ = log.item_codes
    codes, first_row = np.unique(item, return_index=True)
    rank = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    rank[codes[np.argsort(first_row)]] = np.arange(len(codes))
    order = np.lexsort((us, rank[item]))
    group = rank[item][order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, n])
    position = np.arange(n) - np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)
    share = np.where(size > 1, position / np.maximum(size - 1, 1), 0.0)
    status = spelt[to[order]]
    sums = np.zeros(len(counts))
    np.add.at(sums, status, share)  # in order, as the loop adds them
    rows = np.bincount(status, minlength=len(counts))
    mean = {s: (float(sums[k]) / int(rows[k]) if rows[k] else -1) for k, s in enumerate(counts)}
    ordered = sorted(counts, key=lambda s: (mean[s], s))
    return len(codes), first, last, tuple((s, counts[s]) for s in ordered), future
