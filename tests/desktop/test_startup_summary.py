"""``ninety summary``'s cache (desktop/summary_cache.py): the same bytes as a full
computation, never stale, never written in or beside the workspace, and a hit
loads no SQLAlchemy."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli, summary_cache
from models.core.workspace import open_workspace
from models.plan import service as svc
from models.plan.demo import write_demo
from tests.conftest import FEATURES, TODAY

ROOT = Path(__file__).resolve().parents[2]
AS_OF = TODAY.isoformat()


@pytest.fixture
def demo_file(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    return write_demo(folder / "demo.ninety", FEATURES, TODAY)


def summary(capsys, path, *extra: str) -> str:
    assert cli.main(["summary", str(path), "--json", "--as-of", AS_OF, *extra]) == 0
    return capsys.readouterr().out


def entries() -> list[Path]:
    folder = summary_cache.cache_dir()
    return sorted(folder.glob("*")) if folder.exists() else []


def test_a_cached_summary_is_byte_identical_and_opens_nothing(capsys, demo_file, monkeypatch):
    full = summary(capsys, demo_file, "--no-cache")
    assert entries() == []  # --no-cache neither reads nor writes
    assert summary(capsys, demo_file) == full
    assert len(entries()) == 1

    import models.core.workspace

    def refuse(*_a, **_k):
        raise AssertionError("the workspace was opened")

    monkeypatch.setattr(models.core.workspace, "open_workspace", refuse)
    assert summary(capsys, demo_file) == full
    assert cli.main(["summary", str(demo_file), "--as-of", AS_OF]) == 0  # the text form reads it too
    assert capsys.readouterr().out.startswith("Digital Flagship 90-day transformation: day 43 of 90")


def test_an_edit_between_two_summaries_shows(capsys, demo_file):
    before = summary(capsys, demo_file)
    with open_workspace(demo_file) as ws:
        plan = svc.list_plans(ws)[0]
        svc.update_plan(ws, plan.id, {"name": "Renamed between two polls"})
    after = summary(capsys, demo_file)
    assert '"plan": "Renamed between two polls"' in after and after != before
    assert after == summary(capsys, demo_file, "--no-cache")


def test_an_edit_while_another_program_holds_the_file_open_shows(capsys, demo_file, monkeypatch):
    """The app keeps its workspace open for writing (WAL: -wal and -shm beside it)."""
    import models.core.workspace

    with open_workspace(demo_file) as ws:
        plan = svc.list_plans(ws)[0]
        milestone = svc.list_milestones(ws, plan.id)[0]
        svc.edit_milestone(ws, milestone.id, {"owner": "Owner"})  # something in the -wal
        assert Path(f"{demo_file}-wal").stat().st_size > 0
        first = summary(capsys, demo_file)
        with monkeypatch.context() as m:  # answered from the cache while the file is open
            m.setattr(models.core.workspace, "open_workspace", None)
            assert summary(capsys, demo_file) == first
        for n in range(3):  # small edits of the same size, in quick succession
            svc.edit_milestone(ws, milestone.id, {"owner": f"Owner {n}"})
            assert f'"owner": "Owner {n}"' in summary(capsys, demo_file)
    assert '"owner": "Owner 2"' in summary(capsys, demo_file)


def test_nothing_is_written_in_or_beside_the_workspace(capsys, demo_file):
    folder = demo_file.parent
    listing = sorted(p.name for p in folder.iterdir())
    content = demo_file.read_bytes()
    summary(capsys, demo_file)
    summary(capsys, demo_file)
    assert sorted(p.name for p in folder.iterdir()) == listing
    assert demo_file.read_bytes() == content
    assert entries() and all(folder not in e.parents for e in entries())


def test_a_damaged_cache_entry_is_a_miss(capsys, demo_file):
    full = summary(capsys, demo_file)
    [entry] = entries()
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text[:-40], encoding="utf-8")  # cut short, as by a crash
    assert summary(capsys, demo_file) == full
    entry.write_text(text.replace('"plan": "Digital', '"plan": "Tampered'), encoding="utf-8")
    assert summary(capsys, demo_file) == full


def test_a_transaction_under_way_bypasses_the_cache(capsys, demo_file):
    full = summary(capsys, demo_file, "--no-cache")
    journal = Path(f"{demo_file}-journal")
    journal.write_bytes(b"")  # an empty journal: SQLite ignores it, the cache does not
    try:
        assert summary(capsys, demo_file) == full
        assert entries() == []
    finally:
        journal.unlink()


def test_other_plans_dates_and_code_are_other_keys(capsys, demo_file, monkeypatch, tmp_path):
    summary(capsys, demo_file)
    assert cli.main(["summary", str(demo_file), "--json", "--as-of", "2026-03-17"]) == 0
    assert '"as_of": "2026-03-17"' in capsys.readouterr().out
    assert len(entries()) == 2

    code = tmp_path / "code" / "models"
    code.mkdir(parents=True)
    (code / "x.py").write_text("a = 1\n")
    monkeypatch.setattr(summary_cache, "_APP_ROOT", tmp_path / "code")
    monkeypatch.setattr(summary_cache, "_CODE_PACKAGES", ("models",))
    state = summary_cache.code_state()
    (code / "x.py").write_text("a = 22\n")  # an upgrade or an edit of the app's code
    assert summary_cache.code_state() != state


def test_a_cache_hit_loads_no_sqlalchemy(demo_file):
    script = ("import sys\nfrom desktop.cli import main\n"
              f"main(['summary', {str(demo_file)!r}, '--json'])\n"
              "sys.stderr.write('SQLALCHEMY=%s' % ('sqlalchemy' in sys.modules))\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                           cwd=ROOT, env=dict(os.environ)) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert runs[0].stderr.endswith("SQLALCHEMY=True") and runs[1].stderr.endswith("SQLALCHEMY=False")
    assert runs[0].stdout == runs[1].stdout


# --------------------------------------------------------------------------- kept warm by writers

def hit_without_sqlalchemy(path: Path, *extra: str) -> str:
    """``summary --json`` in a fresh process that must be answered from the cache."""
    script = ("import sys\nfrom desktop.cli import main\n"
              f"main(['summary', {str(path)!r}, '--json', *{list(extra)!r}])\n"
              "assert 'sqlalchemy' not in sys.modules, 'computed, not answered from the cache'\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_summary_warm_keeps_every_plans_answer(capsys, demo_file):
    assert cli.main(["summary", str(demo_file), "--warm", "--as-of", AS_OF]) == 0
    assert capsys.readouterr().out == ""  # it prints nothing
    assert len(entries()) == 2  # the plan by name, and the workspace's only plan
    full = summary(capsys, demo_file, "--no-cache")
    assert hit_without_sqlalchemy(demo_file, "--as-of", AS_OF) == full
    assert hit_without_sqlalchemy(demo_file, "--as-of", AS_OF,
                                  "--plan", "Digital Flagship 90-day transformation") == full

    with open_workspace(demo_file) as ws:  # a second plan: no answer without --plan any more
        svc.create_plan(ws, svc.PlanDraft(name="Second", start=TODAY))
    assert cli.main(["summary", str(demo_file), "--warm", "--as-of", AS_OF]) == 0
    assert len(entries()) == 3  # one more: each plan by name, under the new state
    second = summary(capsys, demo_file, "--no-cache", "--plan", "Second")
    assert hit_without_sqlalchemy(demo_file, "--as-of", AS_OF, "--plan", "Second") == second


def test_the_app_warms_the_summaries_after_edits_and_at_close(qtbot, capsys, settings, demo_file):
    from datetime import date

    from desktop.main_window import MainWindow
    from views.plan.commands import EditMilestone

    settings.setValue("summary/warm", True)
    w = MainWindow(today=lambda: TODAY, settings=settings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.pageReady, timeout=10000, check_params_cb=lambda key: key == "overview"):
        assert w.open_path(demo_file)
    w._warm_timer.setInterval(50)
    first = svc.list_milestones(w.doc.ws, w.doc.plan_id)[0]
    assert w.doc.execute(EditMilestone(w.doc, first.id, {"owner": "Someone New"}, "Edit owner"))
    qtbot.waitUntil(lambda: w._warmer is not None, timeout=5000)
    assert w._warmer.wait(timeout=120) == 0
    while_open = hit_without_sqlalchemy(demo_file)  # today's answer, as a script polling asks
    assert f'"as_of": "{date.today().isoformat()}"' in while_open

    w._warmer = None
    w.close()  # closing changes the file's state: the answers are worked out again
    assert w._warmer is not None and w._warmer.wait(timeout=120) == 0
    after_close = hit_without_sqlalchemy(demo_file)
    assert cli.main(["summary", str(demo_file), "--json", "--no-cache"]) == 0
    assert after_close == while_open == capsys.readouterr().out
