"""No lost update: rows that carry a version, who changed them and when.

A table that mixes in ``Versioned`` gets ``version`` (SQLAlchemy's ``version_id_col``:
every UPDATE and DELETE says ``WHERE version = <the one read>``), ``changed_by`` and
``changed_at`` (stamped on every insert and update by the workspace's write session).

Which version an edit is based on is tracked once, here, not by each feature:

- reading (``ws.read()``) records the version of every versioned row it loads: what the
  user was last shown (``VersionTracker.seen``); a ``session.get`` that finds no row records
  that the row was shown ABSENT (a plan's settings before their first save: the page shows
  the defaults), and so does a delete by this workspace;
- a write (``ws.write()``) that changes or deletes a row whose version moved on since, or
  that was shown absent and exists now (someone created it), is refused with ``StaleEdit``
  (who, when) and writes nothing; two writers that read the same version at once are
  caught by ``version_id_col`` (``StaleDataError``), which becomes the same ``StaleEdit``;
- two writers that insert the same key at once (both created a plan's settings): the
  database's unique key refuses the second (``IntegrityError``), which becomes a
  ``StaleEdit`` naming who made the row that won (``lost_insert``), read in a fresh transaction;
- undo and redo run in ``tracker.undoing()``: each row must be where this workspace's own
  last write left it, so undoing a row that someone else changed since is refused the same way.
"""
from __future__ import annotations

import getpass
import os
import threading
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any, Iterator, Mapping

from sqlalchemy import DateTime, Integer, PrimaryKeyConstraint, String, UniqueConstraint, event, inspect, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.exc import UnmappedColumnError

from models.core.validation import PlanError

#: ``Session.info`` keys of the workspace's sessions
TRACKER = "ninety_versions"
WRITING = "ninety_writing"
WRITTEN = "ninety_written"
CHECKED = "ninety_checked"
INSERTED = "ninety_inserted"
#: the unique keys of the versioned rows the running flush inserts (``lost_insert``)
NEW_KEYS = "ninety_new_keys"

#: a row: (table name, primary key values)
RowKey = tuple[str, tuple]


def default_user() -> str:
    """Who edits: ``NINETY_USER`` if set (the app sets it from its settings), else the OS user."""
    name = os.environ.get("NINETY_USER", "").strip()
    if name:
        return name[:200]
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return "unknown"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local_time(at: datetime | None) -> str:
    """"14:05" today, "2026-03-14 14:05" another day (*at* is naive UTC)."""
    if at is None:
        return "an unknown time"
    local = at.replace(tzinfo=timezone.utc).astimezone()
    return local.strftime("%H:%M") if local.date() == date.today() else local.strftime("%Y-%m-%d %H:%M")


class StaleEdit(PlanError):
    """The row changed since the user saw it (or since the edit being undone): nothing was written."""

    def __init__(self, who: str, when: datetime | None, what: str = ""):
        self.who, self.when, self.what = who or "someone", when, what
        super().__init__(f"Changed by {self.who} at {local_time(when)}; your edit was not applied")


class Versioned:
    """Mixin for a table whose rows people edit at the same time."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    changed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def row_key(obj: Any) -> RowKey:
    return obj.__table__.name, tuple(inspect(obj).mapper.primary_key_from_instance(obj))


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


#: what ``VersionTracker.expected`` gives for a row this workspace never read nor wrote
UNKNOWN: Any = _Unknown()


class VersionTracker:
    """One workspace's versions: those its reads saw and those its own writes left."""

    def __init__(self, user: str | None = None):
        self.user = user or default_user()
        #: the version of each row as last read or written here; None: absent (a read found
        #: no row with that key, or this workspace deleted it)
        self.seen: dict[RowKey, int | None] = {}
        #: the version each row was left at by this workspace's own last write (None: deleted)
        self.mine: dict[RowKey, int | None] = {}
        self._local = threading.local()

    @contextmanager
    def undoing(self) -> Iterator[None]:
        """Writes inside (an undo or a redo) expect each row where this workspace's own
        last write left it: a change by someone else since then refuses them."""
        outer = getattr(self._local, "undoing", False)
        self._local.undoing = True
        try:
            yield
        finally:
            self._local.undoing = outer

    def expected(self, key: RowKey) -> Any:
        """The version an edit of row *key* is based on: an int; None when the row was
        absent (so any row there now was made by someone else); ``UNKNOWN`` when this
        workspace never read nor wrote it (nothing to compare)."""
        if getattr(self._local, "undoing", False) and key in self.mine:
            return self.mine[key]
        return self.seen.get(key, UNKNOWN)

    def committed(self, written: Mapping[RowKey, int | None]) -> None:
        self.seen.update(written)
        self.mine.update(written)


def _tracker(session: Session) -> VersionTracker | None:
    return session.info.get(TRACKER)


class TrackedSession(Session):
    """The workspace's sessions: in a read, a ``get`` of a versioned row that finds none
    records that the user was shown it absent (``VersionTracker.seen[key] = None``), so a
    later write finding a row there knows someone else made it."""

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        obj = super().get(entity, ident, **kwargs)
        if obj is None:
            saw_absent(self, entity, ident)
        return obj


def saw_absent(session: Session, entity: Any, ident: Any) -> None:
    """Record that a read in *session* showed the user no *entity* row with primary key
    *ident* (``get`` does it by itself; a read that finds rows some other way, a grid of
    cells, can say which keys it found empty). Nothing outside a workspace read."""
    tracker = _tracker(session)
    if tracker is not None and not session.info.get(WRITING):
        key = _key_of(entity, ident)
        if key is not None:
            tracker.seen[key] = None


def _key_of(entity: Any, ident: Any) -> RowKey | None:
    """The ``row_key`` a versioned row of *entity* with primary key *ident* would have."""
    mapper = inspect(entity, raiseerr=False)
    mapper = getattr(mapper, "mapper", mapper)
    if mapper is None or not issubclass(mapper.class_, Versioned):
        return None
    if isinstance(ident, dict):
        try:
            values = tuple(ident[mapper.get_property_by_column(c).key] for c in mapper.primary_key)
        except KeyError:
            return None
    elif isinstance(ident, (tuple, list)):
        values = tuple(ident)
    else:
        values = (ident,)
    if len(values) != len(mapper.primary_key) or None in values:
        return None
    return mapper.class_.__table__.name, values


@event.listens_for(Versioned, "load", propagate=True)
def _on_load(target: Any, context: Any) -> None:
    session = context.session
    tracker = _tracker(session) if session is not None else None
    if tracker is not None and not session.info.get(WRITING):
        tracker.seen[row_key(target)] = target.version


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    tracker = _tracker(session)
    if tracker is None or not session.info.get(WRITING):
        return
    changed = [o for o in session.dirty if isinstance(o, Versioned) and session.is_modified(o)]
    checked = session.info.setdefault(CHECKED, [])
    inserted = session.info.get(INSERTED, set())
    for obj in changed + [o for o in session.deleted if isinstance(o, Versioned)]:
        if row_key(obj) in inserted:  # put there by this transaction (a restore): nothing to compare
            continue
        want = tracker.expected(row_key(obj))
        # obj.version is the one read in this transaction; want None: the user saw no row here
        if want is not UNKNOWN and obj.version != want:
            raise StaleEdit(obj.changed_by, obj.changed_at, obj.__table__.name)
        checked.append((type(obj), inspect(obj).identity))
    new = [o for o in session.new if isinstance(o, Versioned)]
    session.info[NEW_KEYS] = [(type(o), key) for o in new for key in _unique_keys(o)]
    now = utc_now()
    for obj in changed + new:
        obj.changed_by, obj.changed_at = tracker.user, now


def _unique_keys(obj: Any) -> list[tuple]:
    """Each key (primary, unique constraint or unique index) of a row about to be inserted
    as ((column, value), ...); keys with a value still unknown (an autoincrement id) or
    NULL are left out: they cannot collide."""
    table = obj.__table__
    mapper = inspect(obj).mapper
    groups = [tuple(c.columns) for c in table.constraints
              if isinstance(c, (PrimaryKeyConstraint, UniqueConstraint))]
    groups += [tuple(i.columns) for i in table.indexes if i.unique]
    out = []
    for columns in groups:
        try:
            pairs = tuple((c, getattr(obj, mapper.get_property_by_column(c).key)) for c in columns)
        except UnmappedColumnError:  # a column not mapped: nothing to look up by
            continue
        if pairs and all(v is not None for _, v in pairs):
            out.append(pairs)
    return out


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if _tracker(session) is None or not session.info.get(WRITING):
        return
    session.info.pop(NEW_KEYS, None)  # inserted: no collision to explain
    written = session.info.setdefault(WRITTEN, {})
    session.info.setdefault(INSERTED, set()).update(
        row_key(o) for o in session.new if isinstance(o, Versioned))
    for obj in session.deleted:
        if isinstance(obj, Versioned):
            written[row_key(obj)] = None
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Versioned):
            written[("__pending__", id(obj))] = obj


def written_versions(session: Session) -> dict[RowKey, int | None]:
    """After commit: the version every versioned row written in *session* now has."""
    out: dict[RowKey, int | None] = {}
    for key, value in session.info.get(WRITTEN, {}).items():
        if key[0] == "__pending__":
            state = inspect(value)
            if state.identity is not None and not state.deleted and not state.was_deleted:
                out[row_key(value)] = state.dict.get("version")
        else:
            out[key] = value
    return out


def who_changed(session: Session, checked: list) -> StaleEdit:
    """The ``StaleEdit`` for a lost race: who changed the first of *checked* rows last."""
    for cls, identity in checked:
        row = session.get(cls, identity)
        if row is None:
            return StaleEdit("someone", None, cls.__table__.name)
        return StaleEdit(row.changed_by, row.changed_at, cls.__table__.name)
    return StaleEdit("someone", None)


def lost_insert(fresh: Session, session: Session) -> StaleEdit | None:
    """After a unique violation in the write *session*: the ``StaleEdit`` naming who made the
    row, read in *fresh* (a new transaction), that one of the rows being inserted collided
    with: the user saw the key free (or never looked) and someone else took it first. None
    when no such row is found, or when the row is where this workspace's own last write left
    it (inserting it again is a bug, not a race): the error then stands as it is."""
    tracker = _tracker(session)
    for cls, pairs in session.info.get(NEW_KEYS, []):
        row = fresh.scalars(select(cls).where(*(c == v for c, v in pairs)).limit(1)).first()
        if row is None:
            continue
        if tracker is not None and tracker.mine.get(row_key(row), UNKNOWN) == row.version \
                and row.changed_by == tracker.user:
            return None
        return StaleEdit(row.changed_by, row.changed_at, cls.__table__.name)
    return None


def change_mark(session: Session) -> tuple[tuple, str, datetime | None, str]:
    """What changed in the versioned tables, cheaply: a mark that differs after any insert,
    update or delete, and who made the latest change, when, in which table."""
    from sqlalchemy import func, literal, select, union_all

    classes = sorted(_versioned_classes(), key=lambda c: c.__table__.name)
    # one round trip for every table (the app polls this every two seconds)
    parts = [select(literal(n).label("n"), func.count().label("rows"),
                    func.coalesce(func.sum(cls.version), 0).label("total"),
                    func.max(cls.changed_at).label("last")).select_from(cls)
             for n, cls in enumerate(classes)]
    found = {n: (rows, total, last) for n, rows, total, last in session.execute(union_all(*parts))}
    mark, latest = [], None
    for n, cls in enumerate(classes):
        count, total, last = found[n]
        mark.append((count, total, last))
        if last is not None and (latest is None or last > latest[0]):
            latest = (last, cls)
    if latest is None:
        return tuple(mark), "", None, ""
    last, cls = latest
    who = session.scalar(select(cls.changed_by).where(cls.changed_at == last)
                         .order_by(cls.version.desc()).limit(1))  # an edit over a same-second insert
    return tuple(mark), who or "someone", last, cls.__table__.name.replace("_", " ")


def _versioned_classes() -> list[type]:
    out, todo = [], list(Versioned.__subclasses__())
    while todo:
        cls = todo.pop()
        if hasattr(cls, "__table__"):
            out.append(cls)
        todo.extend(cls.__subclasses__())
    return out
