"""A team workspace: a PostgreSQL database instead of a file.

Anywhere a workspace path is accepted, ``postgresql://user@host:port/dbname`` works
too (``postgres://`` and ``postgresql+psycopg://`` as well). SQLAlchemy drives it with
psycopg 3, checks each pooled connection before use (``pool_pre_ping``) and gives up
connecting after ``CONNECT_TIMEOUT_S``.

Passwords follow libpq: in the URL, ``PGPASSWORD``, ``~/.pgpass`` (or ``PGPASSFILE``), or
typed when asked. A server that wants one libpq did not find raises ``PasswordNeededError``;
one it refuses, ``PasswordRefusedError``. The caller asks and passes ``password=`` (the
app's dialog), or installs ``asking_for_passwords(source)`` around its work (the command
line's terminal prompt), which ``open_server`` consults and then retries once. Passwords
are never shown, stored or logged: every message names the server by ``masked(url)``,
and ``scrub`` removes the password from any driver text.

A database is a Ninety workspace when its ``alembic_version`` holds a revision this
build knows and it has the ``plans`` table. An empty database is set up (the same
Alembic migrations as a file) only when the caller asks (``create=True``: pushing a
plan, File ▸ Connect to team server…); anything else is refused and left untouched.
Upgrades run in one transaction under an advisory lock, so two clients opening an
older schema at once migrate it once.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from models.core.workspace import (
    NewerSchemaError, NotAWorkspaceError, ReadOnlyError, Workspace, WorkspaceError, known_revisions, upgrade,
)

CONNECT_TIMEOUT_S = 5
DRIVER = "postgresql+psycopg"
#: pg_advisory_lock key for migrations ("N90W")
_MIGRATION_LOCK = 0x4E393057


def parse(url: str, password: str | None = None) -> URL:
    """The SQLAlchemy URL for *url* with our driver and connect timeout."""
    try:
        u = make_url(url.strip())
    except ArgumentError:
        raise ValueError(f"{masked(url)}: not a valid server address "
                         "(expected postgresql://user@host:port/dbname)") from None
    u = u.set(drivername=DRIVER)
    if password is not None:
        u = u.set(password=password)
    if not u.database:
        raise ValueError(f"{masked(url)}: the address names no database "
                         "(postgresql://user@host:port/dbname)")
    return u


def login(url: str | URL) -> str:
    """``USER@HOST:PORT/DB`` as libpq would connect (a socket folder as the host), for a
    password prompt; never the password."""
    u = make_url(url) if isinstance(url, str) else url
    host = u.host or u.query.get("host") or os.environ.get("PGHOST") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    port = u.port or os.environ.get("PGPORT") or 5432
    user = u.username or os.environ.get("PGUSER") or _os_user()
    return f"{user}@{host}:{port}/{u.database or ''}"


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without one)
        return "?"


class PasswordNeededError(WorkspaceError):
    """The server wants a password and libpq found none (address, PGPASSWORD, ~/.pgpass)."""


class PasswordRefusedError(WorkspaceError):
    """The server refused the password it was given (wrong, or not that user's)."""


#: Who is asked for a password a server wants and libpq did not find: ``source(url)``
#: returns it, or None to give up (``PasswordNeededError``). Set for a while by
#: ``asking_for_passwords``; None (the default): nobody is asked.
_password_source: Callable[[URL], str | None] | None = None


@contextmanager
def asking_for_passwords(source: Callable[[URL], str | None]) -> Iterator[None]:
    """While inside, ``open_server`` asks *source* when a server wants a password libpq did
    not find, and retries once with the answer (the command line's terminal prompt)."""
    global _password_source
    previous, _password_source = _password_source, source
    try:
        yield
    finally:
        _password_source = previous


def _password_failure(detail: str) -> type[WorkspaceError] | None:
    """Which password failure libpq's (lower-cased) *detail* reports, if any."""
    if "no password supplied" in detail:
        return PasswordNeededError
    if "password authentication failed" in detail:
        return PasswordRefusedError
    return None


def masked(url: str | URL) -> str:
    """*url* as shown to people: without password or driver name."""
    try:
        u = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1@", str(url))
    u = u.set(drivername="postgresql")._replace(password=None)  # set() would keep it
    return u.render_as_string(hide_password=True)


def scrub(message: str, url: URL) -> str:
    """*message* with the password (if any) replaced, on one line."""
    text_ = " ".join(str(message).split())
    if url.password:
        text_ = text_.replace(str(url.password), "***")
    return text_


class ServerAddress(str):
    """The masked address, standing in for a workspace's path in messages and titles."""

    def __new__(cls, url: URL):
        self = super().__new__(cls, masked(url))
        self.database = url.database or ""
        self.host = url.host or (url.query.get("host") and "local socket") or "localhost"
        return self

    @property
    def name(self) -> str:
        return f"{self.database} on {self.host}"

    @property
    def stem(self) -> str:
        return self.database

    def with_name(self, name: str) -> Path:
        """Where a copy would go by default: the home folder."""
        return Path.home() / name

    def resolve(self) -> ServerAddress:
        return self


def make_engine(url: URL) -> Engine:
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=CONNECT_TIMEOUT_S,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "Ninety"})


def connection_problem(exc: BaseException, url: URL) -> str | None:
    """One line for a driver failure (unreachable, refused, password, lost), or None
    when *exc* is not one (a bug or a constraint: it propagates as it is)."""
    orig = getattr(exc, "orig", None) or exc
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    if not isinstance(orig, psycopg.OperationalError) and not (
            isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return None
    where = masked(url)
    detail = scrub(str(orig), url).lower()
    failure = _password_failure(detail)
    user = login(url).split("@", 1)[0]
    if failure is PasswordNeededError:
        return (f"{where}: the server wants a password for {user!r} and none was given; "
                "set PGPASSWORD or add it to ~/.pgpass (mode 0600)")
    if failure is PasswordRefusedError or "password" in detail:
        if "retrieved from file" in detail:
            given = "the password from the password file (~/.pgpass or PGPASSFILE)"
        elif url.password:
            given = "the password given"
        elif os.environ.get("PGPASSWORD"):
            given = "the password in PGPASSWORD"
        else:
            given = "the password"
        return f"{where}: the server refused {given} for {user!r}; nothing was changed"
    if "does not exist" in detail and "database" in detail:
        return f"{where}: the server has no database {url.database!r}; create it first (createdb)"
    if "timeout" in detail or "could not connect" in detail or "connection refused" in detail \
            or "connection failed" in detail or "no such file" in detail or "could not translate" in detail:
        return f"{where}: cannot reach the server within {CONNECT_TIMEOUT_S} s; check the address and the network"
    return (f"{where}: the connection to the server was lost ({scrub(str(orig), url)[:160]}); "
            "nothing was changed; Ninety reconnects when it can")


@contextmanager
def _talking(url: URL, error: type[Exception]) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        line = connection_problem(exc, url)
        if line is None:
            raise
        failure = _password_failure(scrub(str(getattr(exc, "orig", None) or exc), url).lower())
        raise (failure if failure is not None and issubclass(failure, error) else error)(line) from None


def schema_state(engine: Engine, url: URL, error: type[Exception]) -> tuple[str | None, bool]:
    """(the Alembic revision or None, whether the database has any table at all)."""
    with _talking(url, error), engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        revision = None
        if "alembic_version" in tables:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return revision, bool(tables - {"alembic_version"}) or revision is not None


def migrate(engine: Engine, url: URL, run, error: type[Exception]) -> None:
    """Run *run(conn)* (the Alembic upgrade) in one transaction under an advisory lock."""
    with _talking(url, error), engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        run(conn)
        conn.commit()


# --------------------------------------------------------------------------- the workspace on a server

class ServerWorkspace(Workspace):
    """An open workspace on a server: ``read()``/``write()`` as for a file; no lock file
    (rows carry versions instead), no integrity check or copy (the server's backups)."""

    def __init__(self, url: URL, engine: Engine, read_only: bool):
        super().__init__(ServerAddress(url), engine, read_only, reader_uri="")
        self.url = url

    @contextmanager
    def _storage(self) -> Iterator[None]:
        with _talking(self.url, WorkspaceError):
            yield

    def integrity_problems(self) -> list[str] | None:
        return []

    def save_copy(self, target) -> list[str]:
        raise WorkspaceError(
            f"{self.path}: to keep an offline copy, use ninety workspace pull {self.path} FILE.ninety")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._closing.set()
            self.engine.dispose()


def open_server(address: str, *, read_only: bool = False, create: bool = False,
                password: str | None = None) -> ServerWorkspace:
    """Open the workspace at a server *address*, upgrading an older schema; with *create*
    an empty database is set up first. Anything that is not a Ninety schema, or a newer
    one, is refused (``NotAWorkspaceError``/``NewerSchemaError``) and left untouched."""
    try:
        url = parse(address, password)
    except ValueError as exc:
        raise WorkspaceError(str(exc)) from None
    where = masked(url)
    engine = make_engine(url)
    try:
        try:
            revision, anything = schema_state(engine, url, WorkspaceError)
        except PasswordNeededError:
            typed = _password_source(url) if _password_source is not None and not url.password else None
            if not typed:
                raise
            engine.dispose()
            url = url.set(password=typed)
            engine = make_engine(url)
            try:
                revision, anything = schema_state(engine, url, WorkspaceError)
            except PasswordRefusedError:
                raise PasswordRefusedError(f"{where}: the server refused the password typed for "
                                           f"{login(url).split('@', 1)[0]!r}; nothing was changed") from None
        revisions, head = known_revisions()
        if revision is None and anything:
            raise NotAWorkspaceError(f"{where}: the database holds tables that are not a Ninety workspace; "
                                       "it was not changed; use an empty database")
        if revision is None and not (create and not read_only):
            raise NotAWorkspaceError(f"{where}: an empty database, not a Ninety workspace yet; "
                                       "push a plan to it (ninety workspace push FILE URL) or connect from the app")
        if revision is not None and revision not in revisions:
            with engine.connect() as conn:
                ours = "plans" in inspect(conn).get_table_names()
            if ours:
                raise NewerSchemaError(f"{where}: written by a newer version of Ninety (schema {revision!r}); "
                                         "update Ninety to open it; the database was not changed")
            raise NotAWorkspaceError(f"{where}: the database is managed by another program "
                                       f"(schema {revision!r}); it was not changed")
        if revision != head:
            if read_only:
                raise ReadOnlyError(f"{where}: its schema must be upgraded; open it for editing once")
            migrate(engine, url, _upgrade_unless_done, WorkspaceError)
    except BaseException:
        engine.dispose()
        raise
    return ServerWorkspace(url, engine, read_only)


def _upgrade_unless_done(conn) -> None:
    tables = inspect(conn).get_table_names()
    if "alembic_version" in tables:  # another client may have upgraded while we waited
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current == known_revisions()[1]:
            return
    elif tables:
        raise NotAWorkspaceError("the database gained other tables meanwhile; it was not changed")
    upgrade(conn)
