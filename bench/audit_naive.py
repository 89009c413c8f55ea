"""The floor of ``bench/audit.py``: the audit's JSON computed by a naive script.

What anyone would write in an afternoon: ``csv.DictReader``, ``datetime.fromisoformat``
and sums in dicts, with the audit's definitions (``models/audit/analysis.py``): rows
sorted per item by time (stable), the last status held until the latest timestamp,
``done`` never counted, queue time charged to the department of the item's last active
status (else Intake), silo tax, flow efficiency, flow time to the start of the final
run of done rows, percentiles interpolated between closest ranks.  No checks, no error
report: it assumes a clean ISO 8601 log with offsets whose columns are named as in
the bench's log.

    python bench/audit_naive.py LOG.csv STAGES.csv   # prints the JSON ``ninety audit --json`` prints
"""
from __future__ import annotations

import csv
import json
import sys
from datetime import datetime


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    h = (len(values) - 1) * q / 100
    lo = int(h)
    if lo >= len(values) - 1:
        return values[-1]
    return values[lo] + (values[lo + 1] - values[lo]) * (h - lo)


def main(log: str, stages_csv: str) -> dict:
    with open(stages_csv, newline="", encoding="utf-8") as fh:
        stages = {r["status"]: (r["department"], r["kind"]) for r in csv.DictReader(fh)}
    items: dict[str, list[tuple[datetime, str]]] = {}
    with open(log, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            items.setdefault(r["Key"], []).append((datetime.fromisoformat(r["Changed"]), r["To"]))
    as_of = max(at for rows in items.values() for at, _ in rows)
    per_status: dict[str, list[float]] = {}
    visits: dict[str, int] = {}
    per_pair: dict[tuple[str, str], list[float]] = {}
    active = queue = 0.0
    flow_times: list[float] = []
    for rows in items.values():
        rows.sort(key=lambda r: r[0])
        mine: dict[str, float] = {}
        pairs: dict[tuple[str, str], float] = {}
        last_dept = "Intake"
        for i, (at, status) in enumerate(rows):
            dept, kind = stages[status]
            if kind == "done":
                continue
            end = rows[i + 1][0] if i + 1 < len(rows) else as_of
            d = (end - at).total_seconds()
            mine[status] = mine.get(status, 0.0) + d
            visits[status] = visits.get(status, 0) + 1
            if kind == "active":
                active += d
                last_dept = dept
            else:
                queue += d
                pairs[(last_dept, dept)] = pairs.get((last_dept, dept), 0.0) + d
        for s, v in mine.items():
            per_status.setdefault(s, []).append(v)
        for p, v in pairs.items():
            per_pair.setdefault(p, []).append(v)
        if stages[rows[-1][1]][1] == "done":
            j = len(rows) - 1
            while j > 0 and stages[rows[j - 1][1]][1] == "done":
                j -= 1
            flow_times.append((rows[j][0] - rows[0][0]).total_seconds() / 86400)
    day = 86400.0
    statuses = [{"status": s, "department": stages[s][0], "kind": stages[s][1], "items": len(v),
                 "visits": visits[s], "total_days": round(sum(v) / day, 4),
                 "median_days": round(pct(v, 50) / day, 4), "p85_days": round(pct(v, 85) / day, 4)}
                for s, v in per_status.items()]
    handoffs = [{"from": a, "to": b, "items": len(v), "total_days": round(sum(v) / day, 4),
                 "median_days": round(pct(v, 50) / day, 4), "p85_days": round(pct(v, 85) / day, 4)}
                for (a, b), v in per_pair.items()]
    silo = sum(sum(v) for (a, b), v in per_pair.items() if a != "Intake" and a != b)
    flow = active + queue
    return {
        "as_of": as_of.isoformat(),
        "items": len(items),
        "completed": len(flow_times),
        "flow_time_days": {"median": round(pct(flow_times, 50), 4) if flow_times else None,
                           "p85": round(pct(flow_times, 85), 4) if flow_times else None},
        "flow_efficiency": round(active / flow, 4) if flow else None,
        "statuses": sorted(statuses, key=lambda d: (-d["total_days"], d["status"])),
        "handoffs": sorted(handoffs, key=lambda d: (-d["total_days"], d["from"], d["to"])),
        "silo_tax": {"days": round(silo / day, 4), "share": round(silo / flow, 4) if flow else None},
    }


if __name__ == "__main__":
    json.dump(main(sys.argv[1], sys.argv[2]), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
