"""kill -9 at chosen moments: a new workspace and a pack are whole or absent, and the
next run leaves no temporary file behind (beside the target or in the temp folder)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from openpyxl import load_workbook

from models.core.files import scratch_root
from models.core.workspace import open_workspace
from models.plan.demo import write_demo
from models.plan.service import list_milestones, list_plans
from tests.conftest import FEATURES, TODAY
from tests.desktop.robust_support import child_env, kill_after, ninety, start, temp_files

TRIALS = 20

#: plan load into a new path through the same code as the command, stopping once the
#: plan is in the temporary workspace but before it is renamed into place
LOADED_NOT_PUBLISHED = r"""
import json, sys, time
from desktop.features import FEATURES
from models.core.workspace import build_workspace
from models.plan.transfer import load_plan
with build_workspace(sys.argv[1]) as ws:
    load_plan(ws, json.load(open(sys.argv[2], encoding="utf-8")), FEATURES)
    print("loaded", flush=True)
    time.sleep(60)
"""

#: Exports of the demo plan, one per line read on stdin, each in a process forked from
#: this warm one (so a trial costs no start-up); each says its pid, what it is doing and when.
EXPORTER = r"""
import os, sys, time
from datetime import date
from desktop.features import FEATURES
from models.core.workspace import open_workspace
from models.export.pack import write_status_pack
from models.plan.service import find_plan
import openpyxl.writer.excel

workspace, target, sheets = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        print(f"child {os.getpid()}", flush=True)
        try:
            with open_workspace(workspace, read_only=True) as ws:
                write_status_pack(ws, find_plan(ws), target, FEATURES, as_of=date(2026, 3, 16), sheets=sheets,
                                  progress=lambda _d, _t, message: print(f"{message} {time.perf_counter()}",
                                                                         flush=True),
                                  record=False)
            print(f"Exported {time.perf_counter()}", flush=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    print("reaped", flush=True)
"""


class Exporter:
    """A warm process that forks one export per ``run`` (killed or not)."""

    def __init__(self, workspace, target, tmpdir, sheets="summary,roadmap,ownership"):
        self.proc = start([sys.executable, "-c", EXPORTER, str(workspace), str(target), sheets],
                          env=child_env(TMPDIR=str(tmpdir)), stdin=subprocess.PIPE)
        self.stdin = self.proc.stdin

    def run(self, kill_after_marker: str | None = None, delay: float = 0.0) -> dict[str, float]:
        """One export; killed (SIGKILL) *delay* s after the line starting with the marker."""
        self.stdin.write("go\n")
        self.stdin.flush()
        pid, marks = None, {}
        for line in self.proc.stdout:
            if line.endswith("reaped\n"):  # after a line the kill may have cut short
                return marks
            head, _, tail = line.rstrip("\n").rpartition(" ")
            if head == "child":
                pid = int(tail)
                continue
            marks[head] = float(tail)
            if kill_after_marker and head.startswith(kill_after_marker):
                time.sleep(delay)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:  # it had finished
                    pass
                kill_after_marker = None
        raise AssertionError(self.proc.stderr.read())

    def close(self) -> None:
        self.stdin.close()
        self.proc.wait(timeout=60)
        self.proc.stdout.close(), self.proc.stderr.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kills")
    path = write_demo(folder / "demo.ninety", FEATURES, TODAY)
    doc = folder / "plan.json"
    doc.write_text(ninety("plan", "dump", path).stdout, encoding="utf-8")
    with open_workspace(path, read_only=True) as ws:
        expected = len(list_milestones(ws, list_plans(ws)[0].id))
    return path, doc, expected


def _whole_or_absent(target, expected: int) -> bool:
    """True if *target* is a complete workspace, False if absent; anything else fails."""
    if not os.path.lexists(target):
        return False
    with open_workspace(target, read_only=True) as ws:
        [plan] = list_plans(ws)
        assert len(list_milestones(ws, plan.id)) == expected
    return True


def test_plan_load_into_a_new_path_killed_20_times_is_all_or_nothing(demo, tmp_path):
    _, doc, expected = demo
    target = tmp_path / "new.ninety"
    started = time.perf_counter()
    assert ninety("plan", "load", target, doc).returncode == 0
    duration = time.perf_counter() - started
    target.unlink()
    outcomes = {"whole": 0, "absent": 0, "mid-build": 0}
    for i in range(TRIALS):
        proc = start([sys.executable, "-m", "desktop.cli", "plan", "load", str(target), str(doc)])
        kill_after(proc, None, duration * (i + 0.5) / TRIALS)
        outcomes["mid-build"] += bool(temp_files(tmp_path))
        outcomes["whole" if _whole_or_absent(target, expected) else "absent"] += 1
        target.unlink(missing_ok=True)
    # and once for certain between the last write and the rename
    proc = start([sys.executable, "-c", LOADED_NOT_PUBLISHED, str(target), str(doc)])
    assert kill_after(proc, "loaded", 0)
    assert not os.path.lexists(target) and temp_files(tmp_path)
    # the next run removes what the killed ones left
    assert ninety("plan", "load", target, doc).returncode == 0
    assert _whole_or_absent(target, expected)
    assert temp_files(tmp_path) == []
    print(f"plan load killed {TRIALS + 1} times: {outcomes}")


def test_export_killed_20_times_while_saving_keeps_the_previous_pack(demo, tmp_path):
    workspace, _, _ = demo
    tmpdir = tmp_path / "systemp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "pack.xlsx"
    exporter = Exporter(workspace, target, tmpdir)
    try:
        marks = exporter.run()
        saving = marks["Done"] - marks["Saving the workbook…"]
        previous = target.read_bytes()  # last week's pack
        sheets = load_workbook(target, read_only=True).sheetnames
        replaced = 0
        for i in range(TRIALS):
            exporter.run("Saving the workbook", saving * 1.5 * i / TRIALS)
            data = target.read_bytes()
            if data != previous:  # then it is the new pack, whole
                assert load_workbook(target, read_only=True).sheetnames == sheets
                previous, replaced = data, replaced + 1
            assert not list(tmpdir.glob("openpyxl*"))  # sheets stream into Ninety's own folder
        left = temp_files(out)
        exporter.run()  # the next export
    finally:
        exporter.close()
    assert temp_files(out) == []
    assert [p.name for p in (tmpdir / scratch_root().name).iterdir()] == []
    print(f"export killed {TRIALS} times while saving: {replaced} replaced the pack whole, "
          f"{TRIALS - replaced} kept the previous one; {len(left)} temporary files left until the next export")


def test_export_killed_while_writing_sheets_leaves_nothing_after_the_next_run(demo, tmp_path):
    workspace, _, _ = demo
    tmpdir = tmp_path / "systemp"
    tmpdir.mkdir()
    target = tmp_path / "pack.xlsx"
    exporter = Exporter(workspace, target, tmpdir, "auditlog,summary")
    try:
        for i in range(3):
            marks = exporter.run("Writing the", 0.02 * i)
            assert "Exported" not in marks
        scratch = tmpdir / scratch_root().name
        assert list(scratch.iterdir())  # the killed exports' sheet files are still there…
        assert not list(tmpdir.glob("openpyxl*"))
        assert "Exported" in exporter.run()
    finally:
        exporter.close()
    assert list(scratch.iterdir()) == []  # …until the next export
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx", "systemp"]
    assert load_workbook(target, read_only=True).sheetnames[0] == "Summary"
