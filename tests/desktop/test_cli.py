"""The command line as scripts use it: exit codes, stderr, JSON, no Qt."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("ninety ")


def test_demo_writes_a_workspace(capsys, tmp_path):
    code, _out, err = run(capsys, "demo", tmp_path / "d.ninety")
    assert code == 0 and "wrote the demo workspace" in err
    code, out, _ = run(capsys, "summary", tmp_path / "d.ninety", "--json")
    assert json.loads(out)["plan"] == "Digital Flagship 90-day transformation"


def test_demo_refuses_to_overwrite(capsys, demo_file):
    before = demo_file.read_bytes()
    code, out, err = run(capsys, "demo", demo_file)
    assert code == 2 and "already exists" in err and "Traceback" not in err
    assert demo_file.read_bytes() == before


def test_summary_json_keys_and_values(capsys, demo_file):
    code, out, _ = run(capsys, "summary", demo_file, "--as-of", "2026-03-16", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"plan", "start", "end", "as_of", "day", "days_left", "rag", "rag_reason", "steps",
            "milestones"} <= set(data)
    assert (data["as_of"], data["day"], data["days_left"], data["rag"]) == ("2026-03-16", 43, 47, "red")
    assert set(data["steps"][0]) >= {"name", "start", "end", "milestones", "done", "overdue"}
    assert set(data["milestones"][0]) >= {"title", "step", "owner", "due", "baseline_due", "slip_days", "status"}


def test_summary_text(capsys, demo_file):
    code, out, _ = run(capsys, "summary", demo_file, "--as-of", "2026-03-16")
    assert code == 0 and "day 43 of 90, 47 days left" in out and "status RED" in out


@pytest.mark.parametrize("args, message", [
    (["summary", "{demo}", "--as-of", "16/03/2026"], "--as-of: '16/03/2026' is not a date"),
    (["summary", "{demo}", "--plan", "Nope"], "no plan named 'Nope'"),
    (["summary", "{text}"], "not a Ninety workspace"),
    (["summary", "{missing}"], "no such file"),
    (["plan", "dump", "{text}"], "not a Ninety workspace"),
])
def test_user_mistakes_exit_2_with_one_line(capsys, demo_file, tmp_path, args, message):
    text = tmp_path / "notes.ninety"
    text.write_text("hello")
    subst = {"{demo}": demo_file, "{text}": text, "{missing}": tmp_path / "missing.ninety"}
    code, out, err = run(capsys, *[subst.get(a, a) for a in args])
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert text.read_text() == "hello"


def test_dump_load_dump_identity_through_the_cli(capsys, demo_file, tmp_path):
    code, first, _ = run(capsys, "plan", "dump", demo_file)
    assert code == 0
    doc = tmp_path / "plan.json"
    doc.write_text(first)
    new = tmp_path / "new.ninety"
    code, _, err = run(capsys, "plan", "load", new, doc)
    assert code == 0 and new.exists()
    code, second, _ = run(capsys, "plan", "dump", new)
    assert second == first
    # Loading the same plan again clashes by name; --rename stores it beside.
    code, _, err = run(capsys, "plan", "load", new, doc)
    assert code == 2 and "already exists" in err
    code, _, _ = run(capsys, "plan", "load", new, doc, "--rename", "Copy")
    assert code == 0
    code, out, err = run(capsys, "summary", new, "--json")
    assert code == 2 and "several plans" in err


def test_failed_load_into_a_new_file_leaves_no_file(capsys, tmp_path):
    doc = tmp_path / "broken.json"
    doc.write_text('{"format": "ninety-plan", "version": 1, "plan": {"name": "X", "start": "2026-01-01"},'
                   ' "phases": [], "milestones": []}')
    target = tmp_path / "new.ninety"
    code, _, err = run(capsys, "plan", "load", target, doc)
    assert code == 2 and "phases: step 'audit' is missing" in err
    assert not target.exists() and not Path(f"{target}-wal").exists()


def test_load_of_invalid_json_names_the_file(capsys, tmp_path):
    doc = tmp_path / "x.json"
    doc.write_text("{not json")
    code, _, err = run(capsys, "plan", "load", tmp_path / "w.ninety", doc)
    assert code == 2 and f"{doc}: not valid JSON" in err


def test_commands_without_a_window_do_not_import_qt(demo_file):
    script = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"main(['summary', {str(demo_file)!r}, '--json'])\n"
        f"main(['plan', 'dump', {str(demo_file)!r}])\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'matplotlib')))\n"
        "sys.stderr.write('QT=' + ','.join(qt))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("QT="), proc.stderr[-300:]


def test_models_never_import_qt():
    root = Path(__file__).resolve().parent.parent / "models"
    offenders = [p.name for p in root.rglob("*.py")
                 if any(line.lstrip().startswith(("import PySide6", "from PySide6"))
                        for line in p.read_text(encoding="utf-8").splitlines())]
    assert offenders == []


def test_check_opens_the_window_and_exits_0(demo_file, tmp_path):
    env = {"QT_QPA_PLATFORM": "offscreen", "NINETY_DATA_DIR": str(tmp_path / "data"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "desktop.cli", "check", str(demo_file)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Overview drawn" in proc.stdout and "17 milestones" in proc.stdout


def test_check_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "bad.ninety"
    bad.write_bytes(b"PK\x03\x04zip")
    proc = subprocess.run([sys.executable, "-m", "desktop.cli", "check", str(bad)],
                          capture_output=True, text=True, timeout=60,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert proc.returncode == 2 and "zip archive" in proc.stderr
    assert bad.read_bytes() == b"PK\x03\x04zip"


def test_several_paths_open_the_first(monkeypatch, capsys, tmp_path):
    import desktop.app

    opened = []
    monkeypatch.setattr(desktop.app, "run_gui", lambda path, **kw: opened.append(path) or 0)
    assert main([str(tmp_path / "a.ninety"), str(tmp_path / "b.ninety")]) == 0
    assert opened == [str(tmp_path / "a.ninety")]
    assert "ignored" in capsys.readouterr().err
