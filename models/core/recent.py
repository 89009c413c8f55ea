"""Who changed what, when: the latest stamped rows of every versioned table.

Each versioned table says in its ``info`` (``__table_args__``) what one of its rows is
for a person: ``label`` ("milestone") and, when neither a ``title`` nor a ``name`` column
tells rows apart, ``describe`` (the column that does). Which plan a row belongs to comes
from the foreign keys: its own ``plan_id``, or its parent's (a squad member through its
squad), so a new table needs no entry here.

Deleted rows leave no stamp: they are not among the recent changes (``removed`` tells a
poll what went).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Table, bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from models.core.versioning import _versioned_classes

if TYPE_CHECKING:
    from models.core.workspace import Workspace

#: the table every plan's rows lead to
PLAN_TABLE = "plans"
#: a row's description is cut to this many characters
DESCRIBE_CHARS = 60


@dataclass(frozen=True)
class RecentChange:
    """Rows of one table one person changed at one moment (one edit)."""

    who: str
    #: naive UTC
    when: datetime
    #: what a row of the table is: "milestone", "low-code request" ("milestones" for several)
    what: str
    #: which one ("Launch squad"), or "" for several rows or a table with nothing to tell them apart
    row: str
    table: str
    #: the table holds one row per plan ("the cost of delay")
    single: bool = False
    #: how many rows the edit stamped (an import stamps many at once)
    count: int = 1

    @property
    def subject(self) -> str:
        """"milestone 'Launch squad'", "RACI letter", "12 low-code requests"."""
        if self.count > 1:
            return f"{self.count} {self.what}"
        return f"{self.what} '{self.row}'" if self.row else self.what

    @property
    def phrase(self) -> str:
        """"the milestone 'Launch squad'", "a RACI letter", "the low-code target", "12 low-code requests"."""
        if self.count > 1:
            return self.subject
        return f"the {self.subject}" if self.row or self.single else indefinite(self.what)


def indefinite(label: str) -> str:
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def label(table: Table) -> str:
    return table.info.get("label") or table.name.replace("_", " ")


def plural(table: Table) -> str:
    given = table.info.get("plural")
    if given:
        return given
    one = label(table)
    if one.endswith("y") and one[-2:-1] not in tuple("aeiou"):
        return one[:-1] + "ies"
    return one if one.endswith("s") else one + "s"


def recent_changes(ws: Workspace, plan_id: int, limit: int = 8) -> list[RecentChange]:
    """The plan's *limit* latest changed rows, newest first."""
    with ws.read() as s:
        return latest_changes(s, plan_id, limit)


def latest_change(session: Session) -> RecentChange | None:
    """The workspace's latest changed row, whatever its plan."""
    found = latest_changes(session, None, 1)
    return found[0] if found else None


def latest_changes(session: Session, plan_id: int | None, limit: int) -> list[RecentChange]:
    """The *limit* latest edits (of plan *plan_id*, or of every plan with None), newest
    first, in one query. The rows one person stamped in one table at one moment are one edit."""
    tables, statement = _latest_statement(plan_id is not None, versioned_tables())
    if statement is None:
        return []
    params = {"limit": limit} if plan_id is None else {"limit": limit, "plan_id": plan_id}
    found = session.execute(statement, params)
    return [_change(tables[n], who, at, rows, row) for n, who, at, _version, rows, row in found]


@lru_cache(maxsize=8)
def _latest_statement(for_plan: bool, tables: tuple[Table, ...]):
    """The tables and the one statement ``latest_changes`` runs over *tables* (the plan and
    the limit are bound parameters): built once, as building a union of every table costs
    more than running it (the Overview reads it after every edit)."""
    plan_id, limit = bindparam("plan_id", type_=Integer), bindparam("limit", type_=Integer)
    parts = []
    for n, table in enumerate(tables):
        path = plan_path(table)
        if path is None and for_plan:
            continue
        source, where = table, [table.c.changed_at.is_not(None)]
        if for_plan:
            for fk in path[:-1]:  # through the parents to the one that names the plan
                source = source.join(fk.column.table, fk.parent == fk.column)
            plan_col = path[-1].parent if path else next(iter(table.primary_key.columns))
            where.append(plan_col == plan_id)
        column = describing_column(table)
        row = func.min(cast(table.c[column], String)) if column else cast(null(), String)
        newest = (select(literal(n, Integer).label("n"), table.c.changed_by.label("who"),
                         table.c.changed_at.label("at"), func.max(table.c.version).label("version"),
                         func.count().label("rows"), row.label("row"))
                  .select_from(source).where(*where).group_by(table.c.changed_by, table.c.changed_at)
                  .order_by(table.c.changed_at.desc()).limit(limit).subquery())
        parts.append(select(newest))
    if not parts:
        return tables, None
    every = union_all(*parts).subquery()
    return tables, select(every).order_by(every.c.at.desc(), every.c.version.desc()).limit(limit)


def _change(table: Table, who: str, at: datetime, rows: int, row: str | None) -> RecentChange:
    if rows > 1:
        return RecentChange(who or "someone", at, plural(table), "", table.name, count=rows)
    return RecentChange(who or "someone", at, label(table), _short(row), table.name, single=one_per_plan(table))


def removed(before: tuple, after: tuple) -> str | None:
    """What went between two ``change_mark`` marks ("a milestone", "3 milestones"), or
    None when no table lost rows. A plan deleted takes its rows along: the parent-most
    table that lost rows is named."""
    tables = versioned_tables()
    if not len(before) == len(after) == len(tables):
        return None
    gone = [(table, b[0] - a[0]) for table, b, a in zip(tables, before, after) if a[0] < b[0]]
    if not gone:
        return None
    table, count = min(gone, key=lambda gone_rows: _depth(gone_rows[0]))
    if one_per_plan(table):
        return f"the {label(table)}"
    return indefinite(label(table)) if count == 1 else f"{count} {plural(table)}"


# --------------------------------------------------------------------------- the schema

def versioned_tables() -> tuple[Table, ...]:
    """Every versioned table, in the order of ``change_mark``'s mark (by name)."""
    return tuple(sorted((c.__table__ for c in _versioned_classes()), key=lambda t: t.name))


def describing_column(table: Table) -> str | None:
    """The column that tells the table's rows apart for a person, if any."""
    given = table.info.get("describe")
    if given:
        return given
    return next((name for name in ("title", "name") if name in table.c), None)


def one_per_plan(table: Table) -> bool:
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and any(fk.column.table.name == PLAN_TABLE for fk in keys[0].foreign_keys)


@lru_cache(maxsize=None)
def plan_path(table: Table) -> tuple[ForeignKey, ...] | None:
    """The shortest chain of foreign keys from *table* to the plan ([] for the plans
    themselves), or None when its rows belong to no plan."""
    if table.name == PLAN_TABLE:
        return ()
    todo, seen = deque([(table, ())]), {table}
    while todo:
        current, path = todo.popleft()
        for fk in sorted(current.foreign_keys, key=lambda f: f.parent.name):
            target = fk.column.table
            if target.name == PLAN_TABLE:
                return path + (fk,)
            if target not in seen:
                seen.add(target)
                todo.append((target, path + (fk,)))
    return None


def _depth(table: Table) -> int:
    path = plan_path(table)
    return len(path) if path is not None else len(versioned_tables())


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= DESCRIBE_CHARS else text[:DESCRIBE_CHARS - 1].rstrip() + "…"
