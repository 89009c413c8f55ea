"""Benchmark: the Forecast tab's figures on a 100,000-transition log (the log of
``bench/audit_analysis.py``, ~19,000 items).

Prints the time of the what-if simulation (20 replications as is and 20 to be,
the log's preparation included) against the issue's goal of 10 s, the Monte
Carlo forecast (10,000 trials, both questions, the ageing chart) and, as a
floor, the audit analysis of the same log.  Seeded, so runs are comparable.

The model check fails on this log, as it should: the generator leaves 16 % of
items open at each step for good, which a log cannot tell from work still in
progress, so the simulation finishes more of the long, reworked items than
the log did.

    .venv/bin/python bench/forecast.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_analysis import STAGES, best_of, generate  # noqa: E402

from models.audit import analyse  # noqa: E402
from models.audit.forecast import forecast  # noqa: E402
from models.audit.whatif import whatif  # noqa: E402

GOAL_S = 10.0
MERGE = ("Design", "Engineering", "QA")


def main() -> int:
    rows = generate()
    t_whatif = best_of(whatif, rows, STAGES, MERGE)
    t_forecast = best_of(forecast, rows, STAGES)
    t_analyse = best_of(analyse, rows, STAGES)
    sim = whatif(rows, STAGES, MERGE)
    fc = forecast(rows, STAGES)
    print(f"forecast and what-if: {len(rows):,} transitions, {len({r.item for r in rows}):,} items")
    print(f"  what-if   {t_whatif * 1000:8.1f} ms  (20 replications as is + 20 to be; goal {GOAL_S:.0f} s)")
    print(f"  forecast  {t_forecast * 1000:8.1f} ms  (10,000 trials: how many by day 90, when "
          f"{fc.when.items:,} open items are done, ageing)")
    print(f"  analyse   {t_analyse * 1000:8.1f} ms  (the audit analysis of the same log, for scale)")
    print(f"  model check: {sim.model_check}")
    if t_whatif > GOAL_S:
        print(f"FAIL: the what-if took more than {GOAL_S:.0f} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
