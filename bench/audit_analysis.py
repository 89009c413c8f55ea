"""Benchmark: audit analysis of 100,000 transitions (~20,000 items).

Prints the time of ``analyse`` (by the column, numpy) and of a floor (a plain
loop that only groups, sorts and sums the same rows) and their ratio, then the
time to read the same log back from a CSV file.  Seeded, so runs are comparable;
a missed goal is reported, not failed.

    .venv/bin/python bench/audit_analysis.py
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.audit import Stage, Transition, TransitionList, analyse, read_transitions  # noqa: E402

TARGET_ROWS = 100_000
BUDGET_S = 2.0

STAGES = {
    s.status: s
    for s in (
        Stage("Backlog", "Product", "queue"),
        Stage("Discovery", "Product", "active"),
        Stage("Ready for Design", "Design", "queue"),
        Stage("Design", "Design", "active"),
        Stage("Ready for Dev", "Engineering", "queue"),
        Stage("In Dev", "Engineering", "active"),
        Stage("Code Review", "Engineering", "queue"),
        Stage("Ready for QA", "QA", "queue"),
        Stage("Testing", "QA", "active"),
        Stage("Ready to Release", "Ops", "queue"),
        Stage("Done", "Ops", "done"),
    )
}
FLOW = list(STAGES)


def generate(seed: int = 90) -> list[Transition]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    rows: list[Transition] = []
    n = 0
    while len(rows) < TARGET_ROWS:
        n += 1
        item = f"WI-{n}"
        t = start + timedelta(hours=rng.uniform(0, 24 * 300))
        pos = rng.randrange(0, 8)  # many items enter mid-flow
        prev = None
        while len(rows) < TARGET_ROWS:
            status = FLOW[pos]
            rows.append(Transition(item, t, prev, status, f"Item {n}", "Story"))
            if status == "Done":
                if rng.random() < 0.05:  # reopened
                    pos = FLOW.index("In Dev")
                else:
                    break
            elif rng.random() < 0.15 and pos > 4:  # rework
                pos -= rng.randrange(1, 3)
            elif rng.random() < 0.16:  # still open
                break
            else:
                pos += 1
            prev = status
            t += timedelta(hours=rng.expovariate(1 / 30))
    rng.shuffle(rows)  # logs are not sorted by item
    return rows


def floor(rows: list[Transition]) -> float:
    """Group, sort and sum durations: the least any analysis must do."""
    groups: dict[str, list[tuple[float, str]]] = {}
    for r in rows:
        groups.setdefault(r.item, []).append((r.at.timestamp(), r.to_status))
    total = 0.0
    for g in groups.values():
        g.sort(key=lambda x: x[0])
        for a, b in zip(g, g[1:]):
            total += b[0] - a[0]
    return total


def best_of(fn, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    rows = generate()
    items = len({r.item for r in rows})
    t_analyse = best_of(analyse, rows, STAGES)
    columns = TransitionList(rows)
    t_columns = best_of(analyse, columns, STAGES)
    t_floor = best_of(floor, rows)
    result = analyse(rows, STAGES)
    print(f"audit analysis: {len(rows):,} transitions, {items:,} items, "
          f"{len(result.cumulative_flow.days)} days")
    print(f"  analyse  {t_analyse * 1000:8.1f} ms  (a list of Transition objects, put in columns first)")
    print(f"  analyse  {t_columns * 1000:8.1f} ms  (a TransitionList, as read and as loaded: the columns "
          f"alone) = {t_columns / t_floor:.2f}x floor")
    print(f"  floor    {t_floor * 1000:8.1f} ms  (group + sort + sum)")
    print(f"  ratio    {t_analyse / t_floor:8.2f} x")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["Key", "Changed", "From", "To", "Summary", "Type"])
            for r in rows:
                w.writerow([r.item, r.at.isoformat(), r.from_status or "", r.to_status, r.title, r.type])
        t0 = time.perf_counter()
        back = read_transitions(path)
        t_read = time.perf_counter() - t0
        assert len(back) == len(rows)
    print(f"  read CSV {t_read * 1000:8.1f} ms  (read_transitions by the column, ISO dates) = "
          f"{t_read / t_floor:.2f}x floor")
    verdict = "goal met" if t_analyse <= BUDGET_S else "goal missed"
    print(f"analyse {t_analyse:.3f} s = {t_analyse / BUDGET_S:.2f}x goal {BUDGET_S:.0f} s: {verdict}")
    return 0  # a benchmark reports; it does not fail CI when a goal is missed


if __name__ == "__main__":
    sys.exit(main())
