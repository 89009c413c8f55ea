"""A first look at a workspace file before the database layer is loaded.

Importing SQLAlchemy and the feature models takes longer, on a small machine, than
everything else the window needs before its first paint. So that a user sees their
plan at once, start-up reads what the Overview's header and milestone table show
(the plans, the first plan's phases and milestones) with the standard library's
``sqlite3``, shows it, and only then loads the models and opens the workspace for
real, which replaces this glance a moment later.

A glance is only ever a shortcut: ``read_glance`` answers ``None`` (and the normal
path runs) for anything but a quiet, current Ninety file: not a regular file, not an
SQLite file with Ninety's application id, a schema revision other than this build's
head, a journal or write-ahead log beside it (a transaction under way, or one to
recover), or any error at all. It opens the file read-only (``mode=ro``), so it never
writes to it, and never waits for a lock.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from models.core.identity import APPLICATION_ID, HEAD_REVISION, SQLITE_HEADER, header_application_id, is_rollback_header
from models.plan.info import STEPS, MilestoneInfo, PhaseInfo, PlanInfo, PlanView


@dataclass(frozen=True)
class Glance:
    """The workspace's plans (as ``list_plans`` gives them) and what the Overview shows of
    the first one (as ``plan_view`` gives it)."""

    path: Path
    plans: list[PlanInfo]
    view: PlanView

    @property
    def plan(self) -> PlanInfo:
        return self.plans[0]


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _quiet_ninety_file(path: Path) -> bool:
    """A regular file with SQLite's header, Ninety's application id and no journal or log."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        if any(os.path.lexists(f"{path}{suffix}") for suffix in ("-journal", "-wal")):
            return False
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError:
        return False
    return (len(header) == 100 and header.startswith(SQLITE_HEADER) and is_rollback_header(header)
            and header_application_id(header) == APPLICATION_ID)


def read_glance(path: str | os.PathLike) -> Glance | None:
    """The first plan of the workspace file at *path*, or None when no shortcut is safe."""
    path = Path(path)
    if not _quiet_ninety_file(path):
        return None
    try:
        con = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=0)
    except sqlite3.Error:
        return None
    try:
        con.execute("PRAGMA query_only = 1")
        with con:  # one read transaction: plans, phases and milestones from one state
            con.execute("BEGIN")
            revision = con.execute("SELECT version_num FROM alembic_version").fetchall()
            if revision != [(HEAD_REVISION,)]:
                return None
            plans = [PlanInfo(i, name, org or "", sponsor or "", architect or "", date.fromisoformat(start),
                              horizon, tz or "")
                     for i, name, org, sponsor, architect, start, horizon, tz in con.execute(
                         "SELECT id, name, organisation, sponsor, revenue_architect, start_date, "
                         "horizon_days, timezone FROM plans ORDER BY id")]
            if not plans:
                return None
            plan_id = plans[0].id
            phases = sorted((PhaseInfo(i, plan_id, step, date.fromisoformat(start), date.fromisoformat(end), goal or "")
                             for i, step, start, end, goal in con.execute(
                                 "SELECT id, step, start_date, end_date, goal FROM phases WHERE plan_id = ?",
                                 (plan_id,))),
                            key=lambda p: STEPS.index(p.step))
            milestones = [MilestoneInfo(i, plan_id, step, title, owner or "", date.fromisoformat(due), status,
                                        _day(done), notes or "", _day(baseline), depends)
                          for i, step, title, owner, due, status, done, notes, baseline, depends in con.execute(
                              "SELECT id, step, title, owner, due_date, status, done_date, notes, baseline_due, "
                              "depends_on_id FROM milestones WHERE plan_id = ? ORDER BY id", (plan_id,))]
    except (sqlite3.Error, ValueError, TypeError):  # anything unexpected: the normal path will say what
        return None
    finally:
        con.close()
    return Glance(path, plans, PlanView(phases, milestones))
