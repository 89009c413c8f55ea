"""The workspace file: refusal of anything that is not ours, migrations, transactions."""
from __future__ import annotations

import io
import shutil
import sqlite3
import zipfile
from datetime import date

import pytest
from sqlalchemy import text

from models.plan.service import PlanDraft, create_plan, list_milestones, list_plans
from models.core.identity import APPLICATION_ID
from models.plan.schema import Plan
from models.core.workspace import (
    NewerSchemaError,
    NotAWorkspaceError,
    ReadOnlyError,
    WorkspaceError,
    create_workspace,
    inspect_file,
    known_revisions,
    migrate_to,
    open_workspace,
)


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def old_file(path, revision: str, titles=("M",)):
    """A workspace made by an older Ninety (*revision*) holding plan 1 and its milestones."""
    sqlite3.connect(path).close()
    migrate_to(path, revision)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("INSERT INTO plans (id, name, organisation, sponsor, revenue_architect, start_date,"
                " horizon_days, created_at) VALUES (1, 'P', '', '', '', '2025-01-06', 90, '2025-01-01 00:00:00')")
    con.executemany("INSERT INTO milestones (plan_id, step, title, owner, due_date, status, notes)"
                    " VALUES (1, 'audit', ?, '', '2025-01-20', 'done', '')", [(t,) for t in titles])
    con.commit()
    con.close()
    return path


def _assert_refused(path, error=NotAWorkspaceError, match=None):
    before = path.read_bytes()
    siblings = _files(path.parent)
    with pytest.raises(error, match=match) as info:
        open_workspace(path)
    assert path.read_bytes() == before
    assert _files(path.parent) == siblings  # no -wal, -shm or backup appeared
    assert str(path) in str(info.value)
    return info.value


def test_new_workspace_has_our_id_pragmas_and_head_schema(ws):
    check = inspect_file(ws.path)
    assert check.revision == known_revisions()[1] and not check.needs_migration
    with ws.read() as s:
        assert s.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_text_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.ninety"
    path.write_text("my plan\n=SUM(A1)\n")
    _assert_refused(path, match="not a database")


def test_zip_file_is_refused_untouched(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    path = tmp_path / "archive.ninety"
    path.write_bytes(buf.getvalue())
    _assert_refused(path, match="zip archive")


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.ninety"
    path.write_bytes(b"")
    _assert_refused(path, match="empty")


def test_truncated_database_is_refused_untouched(demo_ws, tmp_path):
    demo_ws.close()
    data = demo_ws.path.read_bytes()
    path = tmp_path / "cut.ninety"
    path.write_bytes(data[: len(data) // 2])
    _assert_refused(path, match="truncated")


def test_corrupt_database_is_refused_untouched(demo_ws, tmp_path):
    demo_ws.close()
    data = bytearray(demo_ws.path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for i in range(page * 2, len(data)):  # wipe every page after the first two
        data[i] = 0xA5
    path = tmp_path / "bad.ninety"
    path.write_bytes(bytes(data))
    _assert_refused(path, match="damaged")


def test_other_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.ninety"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    _assert_refused(path, match="not a Ninety workspace")


def test_newer_schema_is_refused(ws, tmp_path):
    ws.close()
    con = sqlite3.connect(ws.path)
    con.execute("UPDATE alembic_version SET version_num = '0999'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    error = _assert_refused(ws.path, NewerSchemaError, match="newer version of Ninety")
    assert "0999" in str(error)


def test_missing_file_is_an_error_and_not_created(tmp_path):
    with pytest.raises(WorkspaceError, match="no such file"):
        open_workspace(tmp_path / "nope.ninety")
    assert not (tmp_path / "nope.ninety").exists()


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "keep.ninety"
    path.write_text("precious")
    with pytest.raises(WorkspaceError, match="already exists"):
        create_workspace(path)
    assert path.read_text() == "precious"


def test_old_schema_migrates_with_children_intact_and_a_backup(tmp_path):
    path = tmp_path / "old.ninety"
    sqlite3.connect(path).close()
    migrate_to(path, "0001")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("INSERT INTO plans (id, name, organisation, sponsor, revenue_architect, start_date, horizon_days,"
                " created_at) VALUES (1, 'Old plan', 'Org', 'S', 'RA', '2025-01-06', 90, '2025-01-01 00:00:00')")
    for i, step in enumerate(("audit", "squad", "lowcode"), start=1):
        con.execute("INSERT INTO phases (id, plan_id, step, start_date, end_date, goal) "
                    "VALUES (?, 1, ?, '2025-01-06', '2025-02-01', 'g')", (i, step))
    con.execute("INSERT INTO milestones (id, plan_id, step, title, owner, due_date, status, done_date, notes) "
                "VALUES (1, 1, 'audit', 'Map statuses', 'Ann', '2025-01-20', 'done', '2025-01-19', '')")
    con.execute("INSERT INTO milestones (id, plan_id, step, title, owner, due_date, status, done_date, notes) "
                "VALUES (2, 1, 'squad', 'Charter squad', 'Bo', '2025-02-01', 'blocked', NULL, 'waiting')")
    con.commit()
    con.close()
    assert inspect_file(path).revision == "0001"

    with open_workspace(path) as ws:
        assert ws.migration_backup is not None and ws.migration_backup.exists()
        assert inspect_file(path).revision == known_revisions()[1]
        [plan] = list_plans(ws)
        assert plan.name == "Old plan" and plan.timezone == ""
        ms = list_milestones(ws, plan.id)
        assert [(m.title, m.status, m.baseline_due) for m in ms] == [
            ("Map statuses", "done", None), ("Charter squad", "blocked", None)]
        with ws.read() as s:
            assert s.execute(text("SELECT count(*) FROM phases")).scalar() == 3
            assert s.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    # The backup is the file as it was: still revision 0001, with its rows.
    backup = sqlite3.connect(ws.migration_backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert backup.execute("SELECT count(*) FROM milestones").fetchone()[0] == 2
    backup.close()


def test_a_failed_write_leaves_no_rows(ws):
    with pytest.raises(RuntimeError):
        with ws.write() as s:
            s.add(Plan(name="Half", start_date=date(2026, 1, 1), horizon_days=90, created_at=date(2026, 1, 1)))
            s.flush()
            raise RuntimeError("crash in the middle of an edit")
    assert list_plans(ws) == []


def test_write_transactions_take_the_write_lock_at_begin(ws):
    other = sqlite3.connect(ws.path, timeout=0)
    with ws.write() as s:
        s.execute(text("SELECT 1"))  # no write yet: BEGIN IMMEDIATE already holds the lock
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
    other.close()


def test_read_only_workspace_refuses_writes(ws):
    create_plan(ws, PlanDraft(name="P", start=date(2026, 1, 5)))
    ws.close()
    with open_workspace(ws.path, read_only=True) as ro:
        assert [p.name for p in list_plans(ro)] == ["P"]
        with pytest.raises(ReadOnlyError):
            create_plan(ro, PlanDraft(name="Q", start=date(2026, 1, 5)))


def test_save_a_copy_is_a_valid_workspace_with_the_data(demo_ws, tmp_path):
    target = tmp_path / "copy.ninety"
    demo_ws.save_copy(target)
    assert not list(tmp_path.glob(".ninety-copy-*"))
    with open_workspace(target) as copy:
        [plan] = list_plans(copy)
        assert len(list_milestones(copy, plan.id)) == 17


def test_save_a_copy_refuses_the_open_file(demo_ws):
    with pytest.raises(WorkspaceError):
        demo_ws.save_copy(demo_ws.path)


def test_copied_file_keeps_working_after_plain_copy_of_closed_file(demo_ws, tmp_path):
    demo_ws.close()
    target = tmp_path / "moved.ninety"
    shutil.copy(demo_ws.path, target)
    assert inspect_file(target).revision == known_revisions()[1]


def test_the_migrations_build_exactly_the_schema_the_code_expects(ws):
    from alembic.migration import MigrationContext
    from alembic.autogenerate import compare_metadata

    import importlib
    import pkgutil

    import models
    from models.core.schema import Base

    # every feature declares its tables in models/<feature>/schema.py
    for room in pkgutil.iter_modules(models.__path__):
        if importlib.util.find_spec(f"models.{room.name}.schema"):
            importlib.import_module(f"models.{room.name}.schema")
    assert {"plans", "audit_transitions", "squad_checkins", "lowcode_requests",
            "ownership_assignments", "exports"} <= set(Base.metadata.tables)
    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_revision_upgrades_a_file_with_data_to_head(tmp_path):
    revisions, head = known_revisions()
    assert revisions[0] == "0001" and revisions[-1] == head
    for rev in revisions[:-1]:
        path = old_file(tmp_path / f"at-{rev}.ninety", rev)
        with open_workspace(path) as ws:
            assert [m.title for m in list_milestones(ws, 1)] == ["M"]


def test_the_head_revision_known_to_the_code_is_the_newest_migration():
    from models.core.identity import HEAD_REVISION

    assert known_revisions()[1] == HEAD_REVISION


def test_a_current_workspace_opens_without_loading_alembic(ws, tmp_path):
    import subprocess
    import sys

    ws.close()
    code = ("import sys; from models.core.workspace import inspect_file; "
            f"c = inspect_file({str(ws.path)!r}); "
            "print(c.needs_migration, any(m.startswith('alembic') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
