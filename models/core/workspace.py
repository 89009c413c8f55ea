"""The workspace file: one SQLite database (``.ninety``) holding one or more plans.

Opening is defensive. A file is inspected read-only before anything touches it:
its 16-byte header, its size against the page count, ``PRAGMA application_id``,
``PRAGMA quick_check`` and its Alembic revision. Anything that is not a Ninety
workspace, is damaged or was written by a newer Ninety is refused and left
byte-for-byte as it was. A workspace on an older schema is backed up beside
itself (SQLite backup API) and migrated with foreign keys OFF, then
``PRAGMA foreign_key_check`` must come back empty.

Every connection runs with ``foreign_keys=ON``, WAL, ``synchronous=NORMAL`` and a
busy timeout; write transactions start with ``BEGIN IMMEDIATE`` so a concurrent
writer waits instead of failing with ``SQLITE_BUSY_SNAPSHOT``.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlalchemy.orm import Session

from models.core.files import atomic_file
from models.core.schema import APPLICATION_ID

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WORKSPACE_SUFFIX = ".ninety"
BUSY_TIMEOUT_MS = 5000


class WorkspaceError(Exception):
    """A workspace could not be opened or written; the message is for the user."""


class NotAWorkspaceError(WorkspaceError):
    pass


class NewerSchemaError(WorkspaceError):
    pass


class ReadOnlyError(WorkspaceError):
    pass


@dataclass(frozen=True)
class FileCheck:
    path: Path
    revision: str
    needs_migration: bool


# --------------------------------------------------------------------------- revisions

def _script_directory():
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg, ScriptDirectory.from_config(cfg)


def known_revisions() -> tuple[list[str], str]:
    """All revisions this build knows, oldest first, and the head."""
    _, script = _script_directory()
    revs = [r.revision for r in script.walk_revisions()]
    revs.reverse()
    return revs, script.get_current_head()


# --------------------------------------------------------------------------- inspection

def _sqlite_uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def inspect_file(path: str | os.PathLike) -> FileCheck:
    """Check that *path* is a Ninety workspace this build can open, writing nothing.

    Raises ``NotAWorkspaceError`` or ``NewerSchemaError`` with a message that
    names the file and says what is wrong.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise WorkspaceError(f"{name}: no such file")
    if path.is_dir():
        raise NotAWorkspaceError(f"{name}: is a folder, not a Ninety workspace")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise WorkspaceError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise NotAWorkspaceError(f"{name}: the file is empty, not a Ninety workspace")
    if not header.startswith(SQLITE_HEADER):
        kind = "a zip archive" if header.startswith(b"PK\x03\x04") else "not a database"
        raise NotAWorkspaceError(f"{name}: not a Ninety workspace ({kind})")
    if len(header) < 100:
        raise NotAWorkspaceError(f"{name}: the database is truncated")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    change_counter = header[24:28]
    valid_for = header[92:96]
    if page_count and change_counter == valid_for and size < page_size * page_count:
        raise NotAWorkspaceError(
            f"{name}: the database is truncated ({size} bytes, expected {page_size * page_count})"
        )

    # With no -wal beside it there is nothing to replay, so read it as immutable:
    # SQLite then creates no -wal/-shm files next to a file we may refuse.
    has_wal = Path(f"{path}-wal").exists()
    uri = _sqlite_uri(path, "ro") + ("" if has_wal else "&immutable=1")
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise NotAWorkspaceError(f"{name}: cannot be opened as a database ({exc})") from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise NotAWorkspaceError(f"{name}: a SQLite database, but not a Ninety workspace")
        check = [row[0] for row in con.execute("PRAGMA quick_check")]
        if check != ["ok"]:
            raise NotAWorkspaceError(f"{name}: the workspace is damaged ({'; '.join(check[:3])})")
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        if row is None:
            raise NotAWorkspaceError(f"{name}: the workspace has no schema version")
        revision = row[0]
    except sqlite3.DatabaseError as exc:
        raise NotAWorkspaceError(f"{name}: the workspace is damaged ({exc})") from exc
    finally:
        con.close()

    revisions, head = known_revisions()
    if revision not in revisions:
        raise NewerSchemaError(
            f"{name}: written by a newer version of Ninety (schema {revision}); "
            "update Ninety to open it"
        )
    return FileCheck(path=path, revision=revision, needs_migration=revision != head)


# --------------------------------------------------------------------------- engines

def _make_engine(path: Path, *, read_only: bool, foreign_keys: bool = True) -> Engine:
    uri = _sqlite_uri(path, "ro" if read_only else "rw")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)

    # A "sqlite://" URL with a creator would make SQLAlchemy pick SingletonThreadPool, which
    # closes connections other threads still use once more than five threads have connected
    # (QThreadPool threads come and go): a crash within minutes. QueuePool hands each
    # checkout to one thread at a time, which is what check_same_thread=False needs.
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool,
                           pool_size=5, max_overflow=10, pool_timeout=30)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        deferred = read_only or conn.get_execution_options().get("ninety_read", False)
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


def _run_migrations(path: Path) -> None:
    from alembic import command

    cfg, _ = _script_directory()
    engine = _make_engine(path, read_only=False, foreign_keys=False)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.commit()
        if problems:
            raise WorkspaceError(
                f"{path}: migration left {len(problems)} broken references; "
                "the backup beside the file holds the data as it was"
            )
    finally:
        engine.dispose()


def backup_copy(source: sqlite3.Connection | Path, target: Path) -> None:
    """Copy a live database through SQLite's backup API into *target* atomically."""
    target = Path(target)
    with atomic_file(target) as tmp:
        src = source if isinstance(source, sqlite3.Connection) else sqlite3.connect(
            _sqlite_uri(Path(source), "ro"), uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            if src is not source:
                src.close()


# --------------------------------------------------------------------------- the workspace

class Workspace:
    """An open workspace file. Use ``read()`` and ``write()`` for transactions."""

    def __init__(self, path: Path, engine: Engine, read_only: bool, backup: Path | None = None):
        self.path = path
        self.engine = engine
        self.read_only = read_only
        #: The backup written before a migration at this open, if any.
        self.migration_backup = backup
        self._read_engine = engine.execution_options(ninety_read=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self._read_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        if self.read_only:
            raise ReadOnlyError(f"{self.path} is open read-only")
        with Session(self.engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def save_copy(self, target: str | os.PathLike) -> None:
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise WorkspaceError("choose a different file for the copy")
        raw = self.engine.raw_connection()
        try:
            backup_copy(raw.driver_connection, target)
        finally:
            raw.close()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workspace(path: str | os.PathLike, *, read_only: bool = False) -> Workspace:
    """Open an existing workspace, migrating it (after a backup) if it is older."""
    path = Path(path)
    check = inspect_file(path)
    backup = None
    if check.needs_migration:
        if read_only:
            raise ReadOnlyError(
                f"{path}: was written by an older Ninety and must be upgraded; open it for editing once"
            )
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.before-{check.revision}-{stamp}.bak")
        backup_copy(path, backup)
        _run_migrations(path)
    engine = _make_engine(path, read_only=read_only)
    return Workspace(path, engine, read_only, backup)


def create_workspace(path: str | os.PathLike) -> Workspace:
    """Create a new, empty workspace. Refuses to replace an existing file."""
    path = Path(path)
    if path.exists():
        raise WorkspaceError(f"{path}: already exists; choose a new file name")
    if not path.parent.is_dir():
        raise WorkspaceError(f"{path.parent}: no such folder")
    with atomic_file(path) as tmp:
        tmp.unlink()  # sqlite creates it; the context only reserved the name
        sqlite3.connect(tmp).close()
        _run_migrations(tmp)
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA journal_mode = DELETE")
        con.close()
        if path.exists():
            raise WorkspaceError(f"{path}: already exists; choose a new file name")
    return open_workspace(path)


def migrate_to(path: Path, revision: str) -> None:
    """Create or upgrade *path* to an exact older revision (tests and tools)."""
    from alembic import command

    cfg, _ = _script_directory()
    engine = _make_engine(Path(path), read_only=False, foreign_keys=False)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
    finally:
        engine.dispose()
