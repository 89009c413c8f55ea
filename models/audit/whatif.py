"""What-if: form the squad around the handoff.  A discrete-event simulation
built from the imported log (plain Python and NumPy, no Qt).

The model, measured from the log as of its as-of moment (see
:mod:`models.audit.flowlog`):

* *Arrivals*: each replication draws as many items as the log holds, with
  replacement, and each drawn item arrives at its first row's time in its
  first row's status (so items that enter mid-flow still do).
* *Routing*: the next status is drawn with the probabilities measured from
  consecutive rows of the same item.  A visit to a ``done`` status ends the
  item's flow, except with the measured share of done visits that were
  followed by another row (a reopened item), which move on like any other.
* *Time in a status*: drawn from that status's measured per-visit durations
  (visits that ended before the as-of moment).  A status never left in the
  log keeps its items until the end.
* An item is completed when it is in a ``done`` status at the end; its
  completion is the moment it last entered done from a status that is not
  done, and its flow time runs from its arrival to then (as in the audit).
* The simulation runs from the first arrival to the as-of moment, like the
  log, so an item counts as completed only if it reaches done by then.
  Items are independent (no capacity is modelled), so the events of all
  items are advanced together, one visit at a time; an item still moving
  after :data:`MAX_VISITS` visits stops there.
* *Scenario*: the leader merges departments into the squad.  A queue visit
  belongs to the handoff (department of the item's latest active status
  before it, or Intake) → (the queue's department), as in the audit; on a
  handoff between two *different* merged departments its duration is
  multiplied by ``factor`` (0: the wait disappears).
* Each replication gives the flow-time median and 85th percentile of the
  items it completed (linear interpolation, as the audit) and the throughput
  per week (completed items ÷ weeks from the first arrival to the as-of
  moment).  Figures are the mean over replications, with their spread.
  The as-is and to-be runs of a replication share their random stream.
* *Model check*: the as-is median flow time must be within 10 % of the
  log's measured median (the audit's flow-time median); otherwise there is
  no to-be figure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from models.audit.analysis import ACTIVE, DONE, INTAKE, QUEUE, SECONDS_PER_DAY, Stage, Transition, percentile
from models.audit.flowlog import FlowLog, flow_log

DEFAULT_REPLICATIONS = 20
DEFAULT_SEED = 90
#: the as-is median may differ from the measured one by this share at most
TOLERANCE = 0.10
MAX_VISITS = 10_000


@dataclass(frozen=True)
class Spread:
    """One figure over the replications."""

    mean: float | None
    low: float | None
    high: float | None
    #: the figure of each replication (None when it completed nothing)
    values: tuple[float | None, ...]

    @classmethod
    def of(cls, values: Sequence[float | None]) -> Spread:
        known = [v for v in values if v is not None]
        if not known:
            return cls(None, None, None, tuple(values))
        return cls(math.fsum(known) / len(known), min(known), max(known), tuple(values))


@dataclass(frozen=True)
class SimFigures:
    flow_time_p50: Spread
    flow_time_p85: Spread
    throughput_per_week: Spread

    def to_json(self) -> dict[str, float | None]:
        return {"flow_time_p50": _r(self.flow_time_p50.mean), "flow_time_p85": _r(self.flow_time_p85.mean),
                "throughput_per_week": _r(self.throughput_per_week.mean)}


@dataclass(frozen=True)
class WhatIf:
    merge: tuple[str, ...]
    factor: float
    replications: int
    seed: int
    as_of: datetime
    #: the log's median flow time and throughput per week (None: nothing completed)
    measured_flow_time_p50: float | None
    measured_throughput_per_week: float
    #: the handoffs the scenario shortens, as (from, to), busiest first
    handoffs: tuple[tuple[str, str], ...]
    as_is: SimFigures
    #: None when the model check fails
    to_be: SimFigures | None
    model_error: float | None

    @property
    def model_ok(self) -> bool:
        return self.model_error is not None and self.model_error <= TOLERANCE

    @property
    def model_check(self) -> str:
        """The model check in words, for the page and the command line."""
        if self.measured_flow_time_p50 is None:
            return "The log has no completed item, so the model cannot be checked: no to-be figure."
        sim = self.as_is.flow_time_p50.mean
        if sim is None:
            return "The as-is simulation completed no item: the model does not reproduce the log."
        verdict = "within" if self.model_ok else "more than"
        return (f"The as-is simulation's median flow time is {sim:.1f} days against {self.measured_flow_time_p50:.1f} "
                f"measured ({100 * self.model_error:.1f} % off, {verdict} {100 * TOLERANCE:.0f} %)"
                + ("." if self.model_ok else ": the model does not reproduce the log, so no to-be figure is shown."))

    def to_json(self) -> dict[str, Any]:
        """The ``ninety whatif --json`` document (keys in the README)."""
        return {
            "measured": {"flow_time_p50": _r(self.measured_flow_time_p50)},
            "as_is": self.as_is.to_json(),
            "to_be": self.to_be.to_json() if self.to_be is not None else None,
            "model_error": _r(self.model_error),
            "model_ok": self.model_ok,
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


class _Model:
    """The log turned into arrays: statuses, routing, visit durations, arrivals."""

    def __init__(self, log: FlowLog):
        self.statuses = list(log.stages)
        index = {s: i for i, s in enumerate(self.statuses)}
        n = len(self.statuses)
        stages = log.stages
        self.kind = np.array([stages[s].kind for s in self.statuses])
        self.departments = [INTAKE] + sorted({st.department for st in stages.values()} - {INTAKE})
        dept_index = {d: i for i, d in enumerate(self.departments)}
        self.dept = np.array([dept_index.get(stages[s].department, 0) for s in self.statuses])
        moves = np.zeros((n, n))
        visits = np.zeros(n)
        durations: list[list[float]] = [[] for _ in range(n)]
        arrivals, first = [], []
        self.handoff_days: dict[tuple[int, int], float] = {}
        for rows in log.histories:
            arrivals.append(rows[0][0])
            first.append(index[rows[0][1]])
            visits[index[rows[-1][1]]] += 1
            last = 0
            for (t0, s0), (t1, s1) in zip(rows, rows[1:]):
                i = index[s0]
                visits[i] += 1
                moves[i, index[s1]] += 1
                durations[i].append(t1 - t0)
                if self.kind[i] == ACTIVE:
                    last = self.dept[i]
                elif self.kind[i] == QUEUE:
                    pair = (last, self.dept[i])
                    self.handoff_days[pair] = self.handoff_days.get(pair, 0.0) + (t1 - t0) / SECONDS_PER_DAY
        out = moves.sum(axis=1)
        self.done = self.kind == DONE
        # the chance that a visit ends with a move: 1 for a status left at least once, the
        # measured reopen share for a done status
        self.leave = np.where(self.done, out / np.where(visits > 0, visits, 1), out > 0)
        # routing rows as one increasing array: row i holds i + its cumulative probabilities
        cum = np.cumsum(moves / np.where(out > 0, out, 1)[:, None], axis=1)
        cum[out > 0, -1] = 1.0
        self.routing = (cum + np.arange(n)[:, None]).ravel()
        self.counts = np.array([len(d) for d in durations])
        self.offsets = np.concatenate(([0], np.cumsum(self.counts)[:-1]))
        self.durations = np.array([x for d in durations for x in d], dtype=float)
        self.arrivals = np.array(arrivals, dtype=float)
        self.first = np.array(first, dtype=np.int64)
        self.start = float(self.arrivals.min()) if arrivals else log.as_of_ts
        self.end = log.as_of_ts

    def merged(self, merge: Iterable[str]) -> np.ndarray:
        """merged[a, b]: a queue on the handoff a -> b is a handoff between two merged departments."""
        flags = np.array([d != INTAKE and d in set(merge) for d in self.departments])
        return flags[:, None] & flags[None, :] & ~np.eye(len(flags), dtype=bool)

    def run(self, rng: np.random.Generator, merged: np.ndarray | None, factor: float) -> tuple[np.ndarray, float]:
        """One replication: the flow times (days) of the items completed, and the weeks simulated."""
        n = len(self.statuses)
        pick = rng.integers(0, self.arrivals.size, size=self.arrivals.size)
        start = self.arrivals[pick]
        clock = start.copy()
        status = self.first[pick].copy()
        last = np.zeros(pick.size, dtype=np.int64)
        done_at = np.where(self.done[status], start, np.nan)
        alive = np.arange(pick.size)
        for _ in range(MAX_VISITS):
            s = status[alive]
            moves = rng.random(alive.size) < self.leave[s]
            alive, s = alive[moves], s[moves]
            if alive.size == 0:
                break
            d = self.durations[self.offsets[s] + (rng.random(alive.size) * self.counts[s]).astype(np.int64)]
            kind = self.kind[s]
            if merged is not None:
                cut = (kind == QUEUE) & merged[last[alive], self.dept[s]]
                d = np.where(cut, d * factor, d)
            active = kind == ACTIVE
            last[alive[active]] = self.dept[s[active]]
            clock[alive] += d
            within = clock[alive] <= self.end
            alive, s = alive[within], s[within]
            nxt = np.searchsorted(self.routing, s + rng.random(alive.size), side="right") - s * n
            enters_done = self.done[nxt]
            done_at[alive[enters_done & ~self.done[s]]] = clock[alive[enters_done & ~self.done[s]]]
            done_at[alive[~enters_done]] = np.nan
            status[alive] = nxt
        finished = ~np.isnan(done_at)
        return (done_at[finished] - start[finished]) / SECONDS_PER_DAY, (self.end - self.start) / SECONDS_PER_DAY / 7


def _figures(runs: list[tuple[np.ndarray, float]]) -> SimFigures:
    p50, p85, per_week = [], [], []
    for flow, weeks in runs:
        ordered = sorted(flow.tolist())
        p50.append(percentile(ordered, 50) if ordered else None)
        p85.append(percentile(ordered, 85) if ordered else None)
        per_week.append(len(ordered) / weeks if weeks > 0 else None)
    return SimFigures(Spread.of(p50), Spread.of(p85), Spread.of(per_week))


def whatif_log(log: FlowLog, merge: Sequence[str], *, factor: float = 0.0,
               replications: int = DEFAULT_REPLICATIONS, seed: int = DEFAULT_SEED) -> WhatIf:
    """Simulate the log as it is and with ``merge`` formed into one squad."""
    departments = {st.department for st in log.stages.values() if st.kind != DONE}
    merge = tuple(dict.fromkeys(d.strip() for d in merge if d.strip()))
    unknown = [d for d in merge if d not in departments]
    if unknown:
        raise ValueError(f"{', '.join(repr(d) for d in unknown)} not in the stage map "
                         f"(departments: {', '.join(sorted(departments))})")
    if len(merge) < 2:
        raise ValueError("merge at least two departments into the squad")
    if not (factor >= 0 and math.isfinite(factor)):
        raise ValueError(f"the factor must be 0 or more, not {factor!r}")
    if replications < 1:
        raise ValueError("at least one replication is needed")
    if seed < 0:
        raise ValueError("the seed must be a whole number, 0 or more")
    if not log.histories:
        raise ValueError("the log holds no item before the as-of moment")
    model = _Model(log)
    merged = model.merged(merge)
    as_is, to_be = [], []
    for child in np.random.SeedSequence(seed).spawn(replications):
        as_is.append(model.run(np.random.default_rng(child), None, 1.0))
        to_be.append(model.run(np.random.default_rng(child), merged, factor))
    flow = log.flow_times()
    measured = percentile(flow, 50) if flow else None
    weeks = (model.end - model.start) / SECONDS_PER_DAY / 7
    as_is_figures = _figures(as_is)
    sim = as_is_figures.flow_time_p50.mean
    error = None if not measured or sim is None else abs(sim - measured) / measured
    ok = error is not None and error <= TOLERANCE
    handoffs = sorted(((model.departments[a], model.departments[b], days)
                       for (a, b), days in model.handoff_days.items() if merged[a, b]),
                      key=lambda h: (-h[2], h[0], h[1]))
    return WhatIf(merge, float(factor), replications, seed, log.as_of, measured,
                  len(flow) / weeks if weeks > 0 else 0.0, tuple((a, b) for a, b, _ in handoffs),
                  as_is_figures, _figures(to_be) if ok else None, error)


def whatif(transitions: Iterable[Transition], stages: Mapping[str, Stage], merge: Sequence[str],
           as_of: datetime | None = None, *, tz: tzinfo | None = None, **options: Any) -> WhatIf:
    """:func:`whatif_log` of a transition log (``as_of`` default: its latest timestamp)."""
    return whatif_log(flow_log(transitions, stages, as_of, tz), merge, **options)
