"""Benchmark for issue 3 (Audit bottlenecks): 100,000 transitions, ~20,000 items.

Generates a seeded log as a CSV file plus a stage map in a temporary folder,
then measures in one run:

* the command-line analysis in-process (``read_transitions`` + status check +
  ``analyse``) and as a subprocess (``ninety audit LOG --stages … --json``,
  end-to-end wall time and peak RSS);
* a store into a fresh workspace (``store_log``), and the same with the
  command line (``ninety audit … --workspace``: read + analyse + store, peak RSS);
* a floor: Python's ``csv`` reader plus ``sqlite3.executemany`` of the same
  rows into a bare table, in one transaction.

Goals (2-core machine): analysis under 2 s; store within 3x the floor; peak
memory under 400 MB.  Exit code 1 if a goal is missed.

    .venv/bin/python bench/audit.py
"""
from __future__ import annotations

import csv
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.audit import analyse, check_statuses, read_stage_map_csv, read_transitions  # noqa: E402

TARGET_ROWS = 100_000
ANALYSIS_BUDGET_S = 2.0
STORE_RATIO_GOAL = 3.0
MEMORY_GOAL_MB = 400.0

STAGES = (
    ("Backlog", "Marketing", "queue"),
    ("Brief", "Marketing", "active"),
    ("Ready for Design", "Design", "queue"),
    ("In Design", "Design", "active"),
    ("Design Approval", "Marketing", "queue"),
    ("Legal Review", "Legal", "queue"),
    ("Dev Backlog", "IT", "queue"),
    ("In Development", "IT", "active"),
    ("QA Queue", "IT", "queue"),
    ("In QA", "IT", "active"),
    ("Data Access Request", "Data", "queue"),
    ("Tracking Setup", "Data", "active"),
    ("Ready to Release", "eCommerce", "queue"),
    ("Live", "eCommerce", "done"),
)
FLOW = [s[0] for s in STAGES]


def generate(path: Path, seed: int = 90) -> tuple[int, int]:
    """Write the log CSV (shuffled, as exports often are); return (rows, items)."""
    rng = random.Random(seed)
    zone = timezone(timedelta(hours=1))
    start = datetime(2025, 1, 1, tzinfo=zone)
    rows: list[tuple[str, str, str, str, str, str]] = []
    n = 0
    while len(rows) < TARGET_ROWS:
        n += 1
        key = f"NW-{n}"
        title = f"Work item {n}"
        t = start + timedelta(hours=rng.uniform(0, 24 * 300))
        pos = rng.randrange(0, 9)  # logs cut at a date: many items enter mid-flow
        prev = ""
        while len(rows) < TARGET_ROWS:
            status = FLOW[pos]
            rows.append((key, t.isoformat(timespec="seconds"), prev, status, title, "Story"))
            if status == "Live":
                if rng.random() < 0.03:  # reopened
                    pos = FLOW.index("Dev Backlog")
                else:
                    break
            elif rng.random() < 0.08 and pos > 3:  # rework
                pos -= rng.randrange(1, 3)
            elif rng.random() < 0.19:  # still open
                break
            else:
                pos += 1
            prev = status
            t += timedelta(hours=rng.expovariate(1 / 40))
    rng.shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Key", "Changed", "From", "To", "Summary", "Issue Type"])
        w.writerows(rows)
    return len(rows), n


def write_stages(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["status", "department", "kind"])
        w.writerows(STAGES)


def floor(log: Path, db: Path) -> float:
    """csv.reader + sqlite3.executemany of the same rows into a bare table."""
    t0 = time.perf_counter()
    with open(log, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = list(reader)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (item TEXT, at TEXT, from_status TEXT, to_status TEXT, title TEXT, type TEXT)")
    with con:
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    return time.perf_counter() - t0


def run_child(args: list[str]) -> tuple[float, float, int, bytes]:
    """Run a command; return (wall seconds, peak RSS in MB, exit code, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return wall, rss, proc.returncode, out


def best_of(fn, repeat: int = 3):
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main() -> int:
    from models.audit.store import set_stage_map, store_log
    from models.plan.service import PlanDraft, create_plan
    from models.core.workspace import create_workspace

    ninety = shutil.which("ninety", path=str(Path(sys.executable).parent)) or "ninety"
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        log, stages_csv = tmp / "log.csv", tmp / "stages.csv"
        n_rows, n_items = generate(log)
        write_stages(stages_csv)
        size_mb = log.stat().st_size / 1e6
        print(f"audit benchmark: {n_rows:,} transitions, {n_items:,} items, CSV {size_mb:.1f} MB")

        # --- analysis, in-process
        stages = read_stage_map_csv(stages_csv)
        t_read, transitions = best_of(lambda: read_transitions(log, tz=timezone.utc))
        t_check, problems = best_of(lambda: check_statuses(transitions, stages, log))
        assert not problems, problems
        t_analyse, result = best_of(lambda: analyse(transitions, stages))
        t_total = t_read + t_check + t_analyse
        print(f"  analysis in-process   {t_total:7.3f} s  (read {t_read:.3f} + check {t_check:.3f} "
              f"+ analyse {t_analyse:.3f}); goal < {ANALYSIS_BUDGET_S:.0f} s: "
              f"{t_total / ANALYSIS_BUDGET_S:.2f} of the budget")
        if t_total > ANALYSIS_BUDGET_S:
            failures.append("in-process analysis over 2 s")

        # --- analysis, the real command line
        wall, rss, code, out = run_child([ninety, "audit", str(log), "--stages", str(stages_csv), "--json"])
        assert code == 0, code
        assert b'"silo_tax"' in out
        print(f"  ninety audit --json   {wall:7.3f} s  end to end (interpreter start included), "
              f"peak RSS {rss:6.1f} MB")
        if wall > ANALYSIS_BUDGET_S:
            failures.append("`ninety audit --json` over 2 s")
        if rss > MEMORY_GOAL_MB:
            failures.append("`ninety audit` peak memory over 400 MB")

        # --- store into a fresh workspace
        def store_once(k=[0]) -> None:
            k[0] += 1
            ws = create_workspace(tmp / f"store{k[0]}.ninety")
            try:
                plan_id = create_plan(ws, PlanDraft(name="Bench", start=date(2025, 1, 1)))
                set_stage_map(ws, plan_id, list(stages.values()))
                t0 = time.perf_counter()
                store_log(ws, plan_id, transitions, source=str(log), format="csv", settings={})
                return time.perf_counter() - t0
            finally:
                ws.close()

        t_store = min(store_once() for _ in range(3))
        t_floor = min(floor(log, tmp / f"floor{i}.db") for i in range(3))
        ratio = t_store / t_floor
        print(f"  store_log             {t_store:7.3f} s  (fresh workspace, {n_rows:,} rows)")
        print(f"  floor                 {t_floor:7.3f} s  (csv.reader + sqlite3.executemany, bare table)")
        print(f"  store / floor         {ratio:7.2f} x  goal <= {STORE_RATIO_GOAL:.0f} x; "
              f"read + store / floor {(t_read + t_store) / t_floor:.2f} x")
        if ratio > STORE_RATIO_GOAL:
            failures.append("store over 3x the floor")

        # --- read + analyse + store through the command line
        ws_path = tmp / "cli.ninety"
        ws = create_workspace(ws_path)
        create_plan(ws, PlanDraft(name="Bench", start=date(2025, 1, 1)))
        ws.close()
        wall, rss, code, _ = run_child([ninety, "audit", str(log), "--stages", str(stages_csv), "--json",
                                        "--workspace", str(ws_path)])
        assert code == 0, code
        print(f"  ninety audit --workspace {wall:4.3f} s  read + analyse + store, peak RSS {rss:6.1f} MB "
              f"(goal < {MEMORY_GOAL_MB:.0f} MB)")
        if rss > MEMORY_GOAL_MB:
            failures.append("`ninety audit --workspace` peak memory over 400 MB")

        # --- the Audit page's path: load the stored log and analyse it
        from models.audit.store import analyse_plan
        from models.core.workspace import open_workspace

        ws = open_workspace(ws_path)
        try:
            t_page, back = best_of(lambda: analyse_plan(ws, 1))
        finally:
            ws.close()
        assert back is not None and back.items == result.items
        print(f"  analyse_plan          {t_page:7.3f} s  (load {n_rows:,} stored rows + analyse)")

    for f in failures:
        print(f"FAIL: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
