"""A full disk: one line naming the file and "no space left"; the workspace and the
previous pack stay as they were. The disk is "full" through a file size limit
(``RLIMIT_FSIZE``) on the child process, so writes fail as they would on a full disk."""
from __future__ import annotations

import json

import pytest

from models.core.workspace import open_workspace
from models.plan.demo import write_demo
from models.plan.service import list_plans
from tests.conftest import FEATURES, TODAY
from tests.desktop.robust_support import ninety, one_line, script, temp_files

LIMIT = 150_000  # bytes any one file may reach: less than an empty workspace
STAGES = "status,department,kind\nOpen,Product,queue\nDoing,Eng,active\nDone,Eng,done\n"

#: the command line, with the disk filling up just as the pack starts to be saved
SAVE_ON_A_FULL_DISK = r"""
import resource, signal, sys
import models.export.pack as pack
save = pack._save
def full_disk_save(wb, path):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    save(wb, path)
pack._save = full_disk_save
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def demo(tmp_path):
    path = write_demo(tmp_path / "demo.ninety", FEATURES, TODAY)
    doc = json.loads(ninety("plan", "dump", path).stdout)
    return path, doc


def _full(done, name):
    assert done.returncode == 2
    text = one_line(done.stderr)
    assert "no space left" in text and name in text, text
    return text


def _intact(path, plans):
    with open_workspace(path) as ws:
        assert [p.name for p in list_plans(ws)] == plans
        assert ws.integrity_problems() == []


def test_plan_load_and_demo_into_new_files_leave_nothing(demo, tmp_path):
    _, doc = demo
    (tmp_path / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    _full(ninety("plan", "load", out / "new.ninety", tmp_path / "plan.json", fsize=LIMIT), "new.ninety")
    _full(ninety("demo", out / "demo.ninety", fsize=LIMIT), "demo.ninety")
    assert list(out.iterdir()) == []  # no half workspace, no temporary file


def test_plan_load_into_a_full_disk_keeps_the_workspace(demo, tmp_path):
    path, doc = demo
    doc["plan"]["name"] = "Big"
    # megabytes of notes: more than the disk holds
    doc["milestones"] = [{**m, "notes": "n" * 9000} for _ in range(12) for m in doc["milestones"]]
    for i, m in enumerate(doc["milestones"], start=1):
        m["ref"], m["depends_on"] = i, None
    (tmp_path / "big.json").write_text(json.dumps(doc), encoding="utf-8")
    before = [p.name for p in list_plans_of(path)]
    _full(ninety("plan", "load", path, tmp_path / "big.json", fsize=1_000_000), "demo.ninety")
    _intact(path, before)
    assert temp_files(tmp_path) == []


def test_audit_into_a_full_disk_keeps_the_workspace(tmp_path):
    from models.core.workspace import create_workspace
    from models.plan.service import PlanDraft, create_plan

    with create_workspace(tmp_path / "w.ninety") as ws:
        create_plan(ws, PlanDraft(name="P", start=TODAY))
    (tmp_path / "stages.csv").write_text(STAGES)
    rows = "".join(f"A-{i},2026-01-05T09:00:00+00:00,Open,Doing\nA-{i},2026-01-07T09:00:00+00:00,Doing,Done\n"
                   for i in range(20_000))
    (tmp_path / "log.csv").write_text("item,at,from,to\n" + rows)
    _full(ninety("audit", tmp_path / "log.csv", "--stages", tmp_path / "stages.csv", "--workspace",
                 tmp_path / "w.ninety", fsize=600_000), "w.ninety")
    _intact(tmp_path / "w.ninety", ["P"])


def test_export_with_no_room_for_its_temporary_files_keeps_the_previous_pack(demo, tmp_path):
    path, _ = demo
    target = tmp_path / "pack.xlsx"
    target.write_bytes(b"last week's pack")
    text = _full(ninety("export", path, "-o", target, fsize=LIMIT), "")
    assert "temporary files" in text
    assert target.read_bytes() == b"last week's pack"
    assert temp_files(tmp_path) == []


def test_export_into_a_full_folder_keeps_the_previous_pack(demo, tmp_path):
    path, _ = demo
    target = tmp_path / "pack.xlsx"
    target.write_bytes(b"last week's pack")
    done = script(SAVE_ON_A_FULL_DISK, "export", path, "-o", target)
    text = _full(done, "pack.xlsx")
    assert "previous pack" in text
    assert target.read_bytes() == b"last week's pack"
    assert temp_files(tmp_path) == []


def list_plans_of(path):
    with open_workspace(path, read_only=True) as ws:
        return list_plans(ws)
