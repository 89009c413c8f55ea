"""The workspace file: one SQLite database (``.ninety``) holding one or more plans.

Opening is defensive. A file is inspected read-only before anything touches it:
it must be a regular file (a FIFO would block, a link must lead somewhere), with
SQLite's 16-byte header, our ``PRAGMA application_id``, a clean ``PRAGMA
quick_check`` and an Alembic revision this build knows. The ``-wal`` beside a
file is part of it: a file cut short by a crash during a checkpoint still opens
when SQLite can read it whole. Anything else is refused with one line and left
byte-for-byte as it was.

Reading is read-only: ``mode=ro`` (``immutable=1`` where nothing can write, such
as a read-only folder or medium), so reads create no ``-wal``/``-shm``. Files rest
in rollback-journal mode, switched to WAL only while open for writing.

A workspace on an older schema is first migrated on a scratch copy; only when
that works is the file backed up beside itself (SQLite backup API) and migrated
with foreign keys OFF, then ``PRAGMA foreign_key_check`` must come back empty.
A new workspace is built under a temporary name and appears only when complete.

Every connection runs with ``foreign_keys=ON``, a busy timeout and, for writing,
WAL with ``synchronous=NORMAL``; write transactions start with ``BEGIN IMMEDIATE``
so a concurrent writer waits instead of failing with ``SQLITE_BUSY_SNAPSHOT``.
Storage failures (locked, disk full, read-only, damaged) become one-line
``WorkspaceError``s naming the file.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import QueuePool

from models.core.files import (
    FileError, atomic_file, existing_file, is_server_url, new_target, scratch_folder, space_exhausted,
    sweep_stale,
)
from models.core.lock import WorkspaceLock
from models.core.identity import APPLICATION_ID, HEAD_REVISION, SQLITE_HEADER, is_wal_header
from models.core.versioning import (
    CHECKED, TRACKER, WRITING, TrackedSession, VersionTracker, lost_insert, who_changed, written_versions,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WORKSPACE_SUFFIX = ".ninety"
BUSY_TIMEOUT_MS = 5000
#: problems an integrity check reports at most
MAX_PROBLEMS = 20


class WorkspaceError(FileError):
    """A workspace could not be opened or written; the message is for the user."""


class NotAWorkspaceError(WorkspaceError):
    pass


class NewerSchemaError(WorkspaceError):
    pass


class ReadOnlyError(WorkspaceError):
    pass


class WorkspaceBusyError(WorkspaceError):
    """Another program kept the file locked for longer than the busy timeout."""


class DiskFullError(WorkspaceError):
    pass


class WorkspaceLockedError(WorkspaceError):
    """The workspace is open for editing elsewhere (``holder`` says by whom)."""

    def __init__(self, message: str, holder: str):
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class FileCheck:
    path: Path
    revision: str
    needs_migration: bool
    #: the header says WAL (it was open for writing, or written by an older Ninety)
    wal_mode: bool = False


# --------------------------------------------------------------------------- storage errors

def storage_error(exc: BaseException, path: Path | str) -> WorkspaceError | None:
    """The one-line ``WorkspaceError`` for a SQLite/OS failure on *path*, or None if it
    is not a storage failure (a bug, a constraint) and should propagate as it is."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, WorkspaceError):
        return orig
    if not isinstance(orig, (sqlite3.Error, OSError)):
        return None
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return WorkspaceBusyError(
            f"{path}: another program is writing to it and did not finish within "
            f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again")
    if "disk is full" in text or "no space" in text or "too large" in text or (
            "disk i/o error" in text and space_exhausted(Path(path).parent)):
        return DiskFullError(f"{path}: no space left on the disk; nothing was changed")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(f"{path}: cannot be written here (read-only); nothing was changed")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return WorkspaceError(f"{path}: the workspace is damaged ({orig}); use Save a Copy to rescue what can be read")
    if "unable to open" in text or "disk i/o error" in text or isinstance(orig, OSError):
        return WorkspaceError(f"{path}: cannot be used ({orig})")
    return None  # a bug (no such table, a constraint…): let it show as one


@contextmanager
def _storage(path: Path | str) -> Iterator[None]:
    try:
        yield
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        err = storage_error(exc, path)
        if err is None:
            raise
        raise err from exc


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
    return f"file:{quote(str(Path(path).resolve()))}?mode={mode}"


def _writable_place(path: Path) -> bool:
    """Whether the file and its folder can be written (SQLite needs both)."""
    return os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK | os.X_OK)


def _has_wal(path: Path) -> bool:
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def _reader_uri(path: Path, wal_mode: bool, *, inspecting: bool = False) -> str:
    """Read-only URI that creates nothing beside *path* where SQLite allows.

    A rollback-mode file is read without any extra file. A WAL-mode file with no
    ``-wal`` has nothing to replay: where nothing can write (read-only folder or
    medium), or just to inspect it, it is read as ``immutable``; otherwise SQLite
    needs its ``-shm`` to notice a concurrent writer. A ``-wal`` that exists holds
    committed pages and is always read."""
    uri = _sqlite_uri(path, "ro")
    if not wal_mode or Path(f"{path}-wal").exists():
        return uri
    if inspecting or not _writable_place(path):
        return uri + "&immutable=1"
    try:  # SQLite may still be unable to create the -shm (a full disk): nothing can write then
        con = sqlite3.connect(uri, uri=True)
        try:
            con.execute("PRAGMA schema_version")
        finally:
            con.close()
    except sqlite3.OperationalError:
        return uri + "&immutable=1"
    return uri


def _read_header(path: Path) -> tuple[int, bytes]:
    name = str(path)
    try:
        existing_file(path)
        # O_NONBLOCK: should a FIFO be swapped in after the check, opening it cannot hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileError as exc:
        raise WorkspaceError(str(exc)) from None
    except OSError as exc:
        raise WorkspaceError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not (st.st_mode & 0o170000 == 0o100000):
            raise NotAWorkspaceError(f"{name}: is not a regular file")
        header = os.read(fd, 100)
    except OSError as exc:
        raise WorkspaceError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    return st.st_size, header


def _one_line(problems: list[str], limit: int = 1) -> str:
    shown = "; ".join(" ".join(p.split()) for p in problems[:limit])
    more = len(problems) - limit
    return shown + (f" and {more} more problem{'s' if more != 1 else ''}" if more > 0 else "")


def inspect_file(path: str | os.PathLike) -> FileCheck:
    """Check that *path* is a Ninety workspace this build can open, writing nothing.

    Raises ``WorkspaceError`` (``NotAWorkspaceError``, ``NewerSchemaError``) with a
    one-line message that names the file and says what is wrong.
    """
    path = Path(path)
    name = str(path)
    size, header = _read_header(path)
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
    wal_mode = is_wal_header(header)
    in_header = header[24:28] == header[92:96]  # else the page count is not to be trusted
    # Killed during a checkpoint, the main file is short and the -wal holds the rest:
    # only without a -wal does a short file mean lost pages.
    if page_count and in_header and size < page_size * page_count and not _has_wal(path):
        raise NotAWorkspaceError(
            f"{name}: the database is truncated ({size} bytes, expected {page_size * page_count})")

    try:
        con = sqlite3.connect(_reader_uri(path, wal_mode, inspecting=True), uri=True)
    except sqlite3.Error as exc:
        raise NotAWorkspaceError(f"{name}: cannot be opened as a database ({exc})") from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise NotAWorkspaceError(f"{name}: a SQLite database, but not a Ninety workspace")
        check = [row[0] for row in con.execute(f"PRAGMA quick_check({MAX_PROBLEMS})")]
        if check != ["ok"]:
            raise NotAWorkspaceError(f"{name}: the workspace is damaged ({_one_line(check)})")
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        if row is None:
            raise NotAWorkspaceError(f"{name}: the workspace has no schema version")
        revision = row[0]
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "unable to open" in str(exc):
            raise WorkspaceError(
                f"{name}: cannot be read here: its -wal file holds changes that need a writable folder; "
                "copy the file and its -wal to a writable folder") from exc
        raise NotAWorkspaceError(f"{name}: the workspace is damaged ({_one_line([str(exc)])})") from exc
    except sqlite3.DatabaseError as exc:
        raise NotAWorkspaceError(f"{name}: the workspace is damaged ({_one_line([str(exc)])})") from exc
    finally:
        con.close()

    if revision == HEAD_REVISION:  # the common case: no need for Alembic's script directory
        return FileCheck(path=path, revision=revision, needs_migration=False, wal_mode=wal_mode)
    revisions, head = known_revisions()
    if revision not in revisions:
        raise NewerSchemaError(
            f"{name}: written by a newer version of Ninety or by another program (schema {revision!r}); "
            "update Ninety to open it; the file was not changed")
    return FileCheck(path=path, revision=revision, needs_migration=revision != head, wal_mode=wal_mode)


def integrity_problems(uri: str, *, stop: threading.Event | None = None) -> list[str] | None:
    """``PRAGMA integrity_check`` (which, unlike ``quick_check``, compares every index with
    its table) on its own read-only connection: [] when sound, else the problems.
    None if *stop* was set before it finished."""
    con = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        if stop is not None:
            con.set_progress_handler(lambda: 1 if stop.is_set() else 0, 10000)
        try:
            rows = [r[0] for r in con.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})")]
        except sqlite3.OperationalError as exc:
            if stop is not None and stop.is_set():
                return None
            return [str(exc)]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [] if rows == ["ok"] else rows
    finally:
        con.close()


# --------------------------------------------------------------------------- engines

def _make_engine(path: Path, *, read_only: bool, foreign_keys: bool = True, uri: str | None = None) -> Engine:
    uri = uri or _sqlite_uri(path, "ro" if read_only else "rw")

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


def upgrade(conn, revision: str = "head") -> None:
    """Run the Alembic migrations on *conn* (a file's or a server's), inside its transaction."""
    from alembic import command

    cfg, _ = _script_directory()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def _run_migrations(path: Path, revision: str = "head") -> None:
    engine = _make_engine(path, read_only=False, foreign_keys=False)
    try:
        with engine.connect() as conn:
            upgrade(conn, revision)
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.commit()
        if problems:
            raise WorkspaceError(
                f"{path}: migration left {len(problems)} broken references; "
                "the backup beside the file holds the data as it was")
    finally:
        engine.dispose()


def _rest(path: Path) -> None:
    """Leave a closed file in rollback-journal mode (WAL checkpointed and removed), so that
    reading it later creates no ``-wal``/``-shm``. Skipped while anyone else has it open."""
    try:
        con = sqlite3.connect(_sqlite_uri(path, "rw"), uri=True, timeout=0)
    except sqlite3.Error:
        return
    try:
        con.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error:
        pass  # busy: another connection still uses it, and the last one out cleans up
    finally:
        con.close()


def backup_copy(source: sqlite3.Connection | Path, target: Path, *, replace: bool = True) -> None:
    """Copy a live database (``-wal`` included) through SQLite's backup API into *target*
    atomically; the copy rests in rollback mode."""
    target = Path(target)
    with _storage(target), atomic_file(target, replace=replace) as tmp:
        src = source if isinstance(source, sqlite3.Connection) else sqlite3.connect(
            _reader_uri(Path(source), _header_says_wal(Path(source))), uri=True)
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


def _header_says_wal(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return is_wal_header(fh.read(20))
    except OSError:
        return False


# --------------------------------------------------------------------------- the workspace

class Workspace:
    """An open workspace file. Use ``read()`` and ``write()`` for transactions."""

    def __init__(self, path: Path, engine: Engine, read_only: bool, backup: Path | None = None, *,
                 reader_uri: str | None = None, lock: WorkspaceLock | None = None):
        self.path = path
        self.engine = engine
        self.read_only = read_only
        #: The backup written before a migration at this open, if any.
        self.migration_backup = backup
        self._read_engine = engine.execution_options(ninety_read=True)
        self._reader_uri = reader_uri or _sqlite_uri(path, "ro")
        self._lock = lock
        self._closing = threading.Event()
        self._closed = False
        #: the versions this workspace read and wrote, and who edits (models/core/versioning.py)
        self.versions = VersionTracker()

    def _storage(self):
        """Turns storage failures into one-line ``WorkspaceError``s naming the workspace."""
        return _storage(self.path)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._storage(), TrackedSession(self._read_engine, expire_on_commit=False,
                                             info={TRACKER: self.versions}) as session:
            with session.begin():
                yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception.
        A versioned row changed (or made) by someone else since it was read refuses it (``StaleEdit``)."""
        if self.read_only:
            raise ReadOnlyError(f"{self.path} is open read-only")
        with self._storage(), TrackedSession(self.engine, expire_on_commit=False,
                                             info={TRACKER: self.versions, WRITING: True}) as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError:  # lost a race: another writer changed the row first
                checked = session.info.get(CHECKED, [])
                with Session(self._read_engine) as fresh, fresh.begin():
                    raise who_changed(fresh, checked) from None
            except IntegrityError:  # a unique key: another writer inserted the same row first?
                with Session(self._read_engine) as fresh, fresh.begin():
                    stale = lost_insert(fresh, session)
                if stale is None:
                    raise
                raise stale from None
            self.versions.committed(written_versions(session))

    def integrity_problems(self) -> list[str] | None:
        """The full ``integrity_check`` (slow on big files: run it in the background).
        [] when sound; None if the workspace was closed meanwhile."""
        return integrity_problems(self._reader_uri, stop=self._closing)

    def save_copy(self, target: str | os.PathLike) -> list[str]:
        """Copy the workspace to *target* (replacing it). A damaged index is rebuilt in the
        copy; returns the problems the copy still has ([] when it is sound)."""
        try:
            target = new_target(target, replace=True)
        except FileError as exc:
            raise WorkspaceError(str(exc)) from None
        if target.resolve() == self.path.resolve():
            raise WorkspaceError("choose a different file for the copy")
        src = sqlite3.connect(self._reader_uri, uri=True, check_same_thread=False,
                              timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            with _storage(target), atomic_file(target) as tmp:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode = DELETE")
                    problems = integrity_problems(_sqlite_uri(tmp, "ro"))
                    if problems:
                        dst.execute("REINDEX")
                        dst.commit()
                        problems = integrity_problems(_sqlite_uri(tmp, "ro"))
                finally:
                    dst.close()
        finally:
            src.close()
        return problems or []

    def interrupt(self) -> None:
        """Stop a running ``integrity_problems`` (it returns None)."""
        self._closing.set()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        self.engine.dispose()
        if not self.read_only:
            _rest(self.path)
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _take_lock(path: Path, wait: float) -> WorkspaceLock:
    lock = WorkspaceLock(path)
    try:
        taken = lock.wait(wait) if wait > 0 else lock.acquire()
    except OSError as exc:
        raise ReadOnlyError(f"{path}: cannot be edited here ({exc.strerror or exc})") from None
    if not taken:
        holder = lock.describe_holder()
        raise WorkspaceLockedError(f"{path}: open in {holder}; nothing was changed", holder)
    return lock


def _trial_migration(path: Path, check: FileCheck) -> None:
    """Migrate a scratch copy first: a file whose tables do not match its revision, or
    that is damaged, is refused before anything (a backup included) is written."""
    with scratch_folder() as folder:
        trial = folder / "trial.ninety"
        backup_copy(path, trial)
        problems = integrity_problems(_sqlite_uri(trial, "ro"))
        if problems:
            raise NotAWorkspaceError(f"{path}: the workspace is damaged ({_one_line(problems)}); "
                                     "Ninety will not upgrade it; the file was not changed")
        try:
            _run_migrations(trial)
        except Exception as exc:
            err = storage_error(exc, folder)
            if isinstance(err, DiskFullError):
                raise DiskFullError(f"{path}: no space left for the upgrade's trial copy in {folder.parent}; "
                                    "the file was not changed") from exc
            raise NotAWorkspaceError(
                f"{path}: its tables do not match its schema version {check.revision!r}, so it cannot be "
                "upgraded; the file was not changed") from exc


def open_workspace(path: str | os.PathLike, *, read_only: bool = False, lock: bool = False,
                   wait: float = 0.0) -> Workspace:
    """Open an existing workspace, migrating it (after a trial and a backup) if it is older.

    With ``lock`` the workspace's lock file is taken (``WorkspaceLockedError`` if another
    Ninety holds it; *wait* seconds for it to be released) and released by ``close()``.
    """
    if is_server_url(path):
        from models.core.server import open_server

        return open_server(str(path), read_only=read_only)
    path = Path(path)
    check = inspect_file(path)
    if read_only:
        if check.needs_migration:
            raise ReadOnlyError(
                f"{path}: was written by an older Ninety and must be upgraded; open it for editing once")
        uri = _reader_uri(path, check.wal_mode)
        return Workspace(path, _make_engine(path, read_only=True, uri=uri), True, reader_uri=uri)
    if not _writable_place(path):
        raise ReadOnlyError(f"{path}: the file or its folder is read-only; it can only be opened for reading")
    held = _take_lock(path, wait) if lock else None
    try:
        sweep_stale(path.parent, path.name)
        backup = None
        if check.needs_migration:
            _trial_migration(path, check)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = path.with_name(f"{path.name}.before-{check.revision}-{stamp}.bak")
            backup_copy(path, backup, replace=False)
            with _storage(path):
                _run_migrations(path)
        engine = _make_engine(path, read_only=False)
    except BaseException:
        if held is not None:
            held.release()
        raise
    return Workspace(path, engine, False, backup, reader_uri=_sqlite_uri(path, "ro"), lock=held)


@contextmanager
def build_workspace(path: str | os.PathLike) -> Iterator[Workspace]:
    """A new workspace to fill inside the block. It is built under a temporary name
    beside *path* and appears at *path* only when the block ends without error; an
    error (or a kill) leaves nothing at *path*. Refuses to replace an existing file."""
    path = Path(path)
    try:
        target = new_target(path, replace=False)
        with _storage(path), atomic_file(target, replace=False) as tmp:
            _run_migrations(tmp)
            ws = Workspace(tmp, _make_engine(tmp, read_only=False), False, reader_uri=_sqlite_uri(tmp, "ro"))
            try:
                yield ws
            finally:
                ws.close()  # checkpointed into the one file, in rollback mode
            for side in ("-wal", "-shm", "-journal"):
                if Path(f"{tmp}{side}").exists():
                    raise WorkspaceError(f"{path}: the new workspace could not be closed cleanly")
    except FileError as exc:
        if isinstance(exc, WorkspaceError):
            raise
        raise WorkspaceError(str(exc)) from None


def create_workspace(path: str | os.PathLike) -> Workspace:
    """Create a new, empty workspace and open it. Refuses to replace an existing file."""
    with build_workspace(path):
        pass
    return open_workspace(path)


def migrate_to(path: Path, revision: str) -> None:
    """Create or upgrade *path* to an exact older revision (tests and tools)."""
    _run_migrations(Path(path), revision)

