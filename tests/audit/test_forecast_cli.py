"""``ninety forecast`` and ``ninety whatif``: JSON keys and hand-computed figures, the
no-completion case, user mistakes, and ``summary --json`` gaining the forecast."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from models.plan.service import PlanDraft, create_plan
from models.core.workspace import create_workspace
from tests.audit.test_audit_cli import run

STAGES_CSV = """status,department,kind
Backlog,Product,queue
Build,Dev,active
Review Queue,QA,queue
Testing,QA,active
Done,QA,done
"""
AS_OF = datetime(2026, 3, 31, 18, 0)  # Paris, naive in the file


def write_log(path, *, done_per_day: int = 1, days: int = 42, open_items: int = 3):
    """``done_per_day`` items finished every day of the window (Backlog 1 d, Build 2 d,
    Review Queue 3 d, Testing 1 d before Done at 10:00), and some items still in Backlog."""
    lines = ["item,at,to"]
    for k in range(days):
        for j in range(done_per_day):
            t = datetime(2026, 3, 31, 10) - timedelta(days=k + 7)
            for status, step in (("Backlog", 1), ("Build", 2), ("Review Queue", 3), ("Testing", 1), ("Done", 0)):
                lines.append(f"D{k}-{j},{t.isoformat(' ')},{status}")
                t += timedelta(days=step)
    for k in range(open_items):
        lines.append(f"OPEN-{k},{(AS_OF - timedelta(days=k * 10)).isoformat(' ')},Backlog")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    stages = tmp_path / "stages.csv"
    stages.write_text(STAGES_CSV, encoding="utf-8")
    return write_log(tmp_path / "log.csv"), stages


def test_forecast_json_on_a_constant_pace(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "forecast", log, "--stages", stages, "--tz", "Europe/Paris", "--until",
                         "2026-04-30", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"as_of", "window_days", "throughput", "how_many", "when", "ageing", "bands"}
    assert data["as_of"] == "2026-03-31T18:00:00+02:00" and data["window_days"] == 42
    assert data["throughput"]["completed"] == 42 and data["throughput"]["per_day_mean"] == 1.0
    assert data["throughput"]["days"][0] == {"date": "2026-02-18", "completed": 1}
    # one a day, 30 days after 31 March: 30 in every trial
    assert data["how_many"] == {"until": "2026-04-30", "p50": 30, "p85": 30, "p95": 30}
    # 3 open items, one a day: done on the third day
    assert data["when"] == {"items": 3, "p50": "2026-04-03", "p85": "2026-04-03", "p95": "2026-04-03"}
    # flow times are 7 days (one hour less for the 7 items across the switch to summer time on 29 March)
    assert data["bands"] == {"p50": 7.0, "p70": 7.0, "p85": 7.0, "p95": 7.0}
    # ages are elapsed time: the clocks went forward an hour on 29 March
    assert data["ageing"] == [
        {"item": "OPEN-2", "status": "Backlog", "age_days": round(20 - 1 / 24, 4), "at_risk": True},
        {"item": "OPEN-1", "status": "Backlog", "age_days": round(10 - 1 / 24, 4), "at_risk": True},
        {"item": "OPEN-0", "status": "Backlog", "age_days": 0.0, "at_risk": False},
    ]
    code, again, _ = run(capsys, "forecast", log, "--stages", stages, "--tz", "Europe/Paris", "--until",
                         "2026-04-30", "--json", "--items", "10", "--seed", "4", "--trials", "500")
    assert json.loads(again)["when"]["p95"] == "2026-04-10"


def test_forecast_without_completions_says_so(capsys, tmp_path, files):
    _, stages = files
    log = write_log(tmp_path / "idle.csv", days=0, open_items=4)
    code, out, err = run(capsys, "forecast", log, "--stages", stages, "--tz", "UTC", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["when"] == {"items": 4, "p50": None, "p85": None, "p95": None}
    assert data["how_many"]["p50"] == 0 and data["bands"] is None
    assert "No item was completed in the 42 days up to 2026-03-31" in err
    code, out, err = run(capsys, "forecast", log, "--stages", stages, "--tz", "UTC")
    assert code == 0 and "done by 2026-06-29 (90 days): at least 0" in out and "4 items done by" not in out


def test_forecast_text_lists_the_oldest_first(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "forecast", log, "--stages", stages, "--tz", "Europe/Paris")
    assert code == 0
    assert "42 items completed in the 42 days to 2026-03-31 (1.00 a day)" in out
    assert "3 items done by: 2026-04-03 (50 %), 2026-04-03 (85 %), 2026-04-03 (95 %)" in out
    assert out.index("OPEN-2") < out.index("OPEN-1") < out.index("OPEN-0")


@pytest.mark.parametrize("extra, message", [
    (["--until", "2026-03-01"], "--until: 2026-03-01 is before the as-of date 2026-03-31"),
    (["--until", "soon"], "--until: 'soon' is not a date"),
    (["--window-days", "0"], "--window-days: must be 1 or more"),
    (["--seed", "-1"], "--seed: must be 0 or more"),
])
def test_forecast_user_mistakes_exit_2_with_one_line(capsys, files, extra, message):
    log, stages = files
    code, out, err = run(capsys, "forecast", log, "--stages", stages, "--tz", "Europe/Paris", "--json", *extra)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_whatif_json_on_a_deterministic_process(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "whatif", log, "--stages", stages, "--tz", "Europe/Paris", "--merge", "Dev,QA",
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"measured", "as_is", "to_be", "model_error", "model_ok"}
    assert data["measured"] == {"flow_time_p50": 7.0}
    assert data["as_is"]["flow_time_p50"] == 7.0 and data["as_is"]["flow_time_p85"] == 7.0
    # the 3-day Review Queue wait between Dev and QA is gone
    assert data["to_be"]["flow_time_p50"] == 4.0 and set(data["to_be"]) == set(data["as_is"])
    assert data["model_error"] == 0.0 and data["model_ok"] is True
    code, out, err = run(capsys, "whatif", log, "--stages", stages, "--tz", "Europe/Paris", "--merge", "Dev,QA",
                         "--factor", "0.5")
    assert code == 0 and "Dev → QA × 0.5" in out and "to be    median flow time 5.5 d" in out
    assert "within 10 %" in out


def test_a_bad_log_exits_2_with_its_problems(capsys, tmp_path, files):
    log, stages = files
    log.write_text(log.read_text(encoding="utf-8") + "X-1,2026-03-30 10:00,Shipped\n", encoding="utf-8")
    for command in (["forecast"], ["whatif", "--merge", "Dev,QA"]):
        code, out, err = run(capsys, *command, log, "--stages", stages, "--json")
        assert code == 2 and out == "" and "Shipped" in err


def test_whatif_unknown_department_exits_2(capsys, files):
    log, stages = files
    code, out, err = run(capsys, "whatif", log, "--stages", stages, "--merge", "Dev,Ops", "--json")
    assert code == 2 and out == "" and "'Ops' not in the stage map" in err


def test_summary_json_gains_the_forecast(capsys, files, tmp_path):
    log, stages = files
    path = tmp_path / "ws.ninety"
    ws = create_workspace(path)
    create_plan(ws, PlanDraft(name="Flagship", start=date(2026, 2, 2), timezone="Europe/Paris"))
    ws.close()
    code, _, err = run(capsys, "audit", log, "--stages", stages, "--workspace", path, "--plan", "Flagship")
    assert code == 0, err
    code, out, err = run(capsys, "summary", path, "--as-of", "2026-04-01", "--json")
    assert code == 0, err
    forecast = json.loads(out)["forecast"]
    # day 90 of a plan starting 2 February is 2 May: 32 days after 31 March, one a day
    assert forecast == {"how_many": {"until": "2026-05-02", "p50": 32, "p85": 32, "p95": 32},
                        "when": {"items": 3, "p50": "2026-04-03", "p85": "2026-04-03", "p95": "2026-04-03"}}


def test_the_commands_import_no_qt(files):
    log, stages = files
    code = ("import sys\nfrom desktop.cli import main\n"
            f"rc = main(['forecast', {str(log)!r}, '--stages', {str(stages)!r}, '--trials', '100', '--json'])\n"
            f"rc |= main(['whatif', {str(log)!r}, '--stages', {str(stages)!r}, '--merge', 'Dev,QA', '--json'])\n"
            "sys.exit(rc or any(m.startswith('PySide6') for m in sys.modules))")
    run_ = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run_.returncode == 0, run_.stderr
