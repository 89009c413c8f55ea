"""``ninety plan dump`` / ``plan load``: a whole plan as a documented JSON document.

Format (``"format": "ninety-plan"``, ``"version": 1``)::

    {
      "format": "ninety-plan", "version": 1,
      "plan": {"name", "organisation", "sponsor", "revenue_architect",
               "start": "YYYY-MM-DD", "horizon_days": int, "timezone"},
      "phases": [{"step": "audit"|"squad"|"lowcode", "start", "end", "goal"}],
      "milestones": [{"ref": int, "step", "title", "owner", "due", "status",
                      "done_date": date|null, "notes", "baseline_due": date|null,
                      "depends_on": ref|null}]
    }

``ref`` numbers milestones within the document (1, 2, …) so dependencies survive a
round trip; database ids are never written. Each feature adds its own top-level
key through a ``Section`` (see ``models.core.feature``), present only when the
plan has that data. Dump → load → dump gives the same
JSON. Loading is one transaction: a document with any error stores nothing, and
the error names the field (``milestones[2].due``).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.feature import Feature, sections_of
from models.core.fields import Entity, FieldError
from models.core.transfer import DocReader, TransferError
from models.plan.entities import MILESTONE, PHASE, PLAN
from models.plan.info import STEPS
from models.plan.schema import Milestone, Phase, Plan
from models.core.workspace import Workspace

FORMAT = "ninety-plan"
VERSION = 1
PLAN_KEYS = ("name", "organisation", "sponsor", "revenue_architect", "start", "horizon_days", "timezone")
PHASE_KEYS = ("step", "start", "end", "goal")
MILESTONE_KEYS = ("ref", "step", "title", "owner", "due", "status", "done_date", "notes",
                  "baseline_due", "depends_on")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def dump_plan(ws: Workspace, plan_id: int, features: Sequence[Feature], *,
              keep_ids: bool = False) -> dict[str, Any]:
    """The whole plan as JSON-ready data. ``keep_ids`` is for undo snapshots only."""
    with ws.read() as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise TransferError(f"no plan with id {plan_id}")
        phases = sorted(plan.phases, key=lambda p: STEPS.index(p.step))
        milestones = sorted(plan.milestones, key=lambda m: m.id)
        refs = {m.id: i + 1 for i, m in enumerate(milestones)}
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "plan": {
                "name": plan.name, "organisation": plan.organisation, "sponsor": plan.sponsor,
                "revenue_architect": plan.revenue_architect, "start": plan.start_date.isoformat(),
                "horizon_days": plan.horizon_days, "timezone": plan.timezone,
            },
            "phases": [
                {"step": p.step, "start": p.start_date.isoformat(), "end": p.end_date.isoformat(), "goal": p.goal}
                for p in phases
            ],
            "milestones": [
                {
                    "ref": refs[m.id], "step": m.step, "title": m.title, "owner": m.owner,
                    "due": m.due_date.isoformat(), "status": m.status, "done_date": _iso(m.done_date),
                    "notes": m.notes, "baseline_due": _iso(m.baseline_due),
                    "depends_on": refs.get(m.depends_on_id) if m.depends_on_id else None,
                }
                for m in milestones
            ],
        }
        for section in sections_of(features):
            value = section.dump(s, plan.id, keep_ids)
            if value is not None:
                doc[section.key] = value
        if keep_ids:
            doc["ids"] = {
                "plan": plan.id,
                "phases": [p.id for p in phases],
                "milestones": [m.id for m in milestones],
            }
        return doc


# --------------------------------------------------------------------------- loading

def _fields(r: DocReader, entity: Entity, values: dict, where: str) -> dict[str, Any]:
    """*values* loaded through *entity*'s declared fields; a refusal names ``where.key``."""
    try:
        return entity.load(values)
    except FieldError as exc:
        raise r.fail(f"{where}.{exc.key}", str(exc)) from None


def load_plan(ws: Workspace, doc: Any, features: Sequence[Feature], *, source: str = "plan",
              rename: str | None = None, keep_ids: bool = False) -> int:
    """Add the plan in *doc* to the workspace in one transaction; return its id."""
    insert = _reader(doc, features, source=source, rename=rename, keep_ids=keep_ids)
    with ws.write() as s:
        return insert(s, ws)


def _reader(doc: Any, features: Sequence[Feature], *, source: str, rename: str | None,
            keep_ids: bool) -> Callable[[Session, Workspace], int]:
    """Check *doc* whole before anything is written; return what inserts it in a session."""
    r = DocReader(source)
    sections = sections_of(features)
    allowed = ("format", "version", "plan", "phases", "milestones") + tuple(x.key for x in sections) \
        + (("ids",) if keep_ids else ())
    r.obj(doc, "document", allowed, ("format", "version", "plan", "phases", "milestones"))
    if doc["format"] != FORMAT:
        raise r.fail("format", f"expected {FORMAT!r}, found {doc['format']!r}")
    if doc["version"] != VERSION:
        raise r.fail("version", f"this Ninety reads version {VERSION}, the file is version {doc['version']!r}")

    p = r.obj(doc["plan"], "plan", PLAN_KEYS, ("name", "start"))
    # The declared fields clean every value, so a document meets the same limits
    # (text length, date range) as the dialogs and the services.
    plan_values = _fields(r, PLAN, p, "plan")
    name = _fields(r, PLAN, {"name": rename}, "rename")["name"] if rename else plan_values["name"]
    start = plan_values["start"]
    horizon = plan_values.get("horizon_days", 90)

    if not isinstance(doc["phases"], list):
        raise r.fail("phases", "must be a list")
    phases = {}
    for i, ph in enumerate(doc["phases"]):
        where = f"phases[{i}]"
        r.obj(ph, where, PHASE_KEYS, ("step", "start", "end"))
        step = r.choice(ph, "step", where, STEPS)
        if step in phases:
            raise r.fail(f"{where}.step", f"step {step!r} appears twice")
        values = _fields(r, PHASE, {k: v for k, v in ph.items() if k != "step"}, where)
        if values["end"] < values["start"]:
            raise r.fail(f"{where}.end", "is before the start")
        phases[step] = (values["start"], values["end"], values.get("goal", ""))
    missing = [s for s in STEPS if s not in phases]
    if missing:
        raise r.fail("phases", f"step {missing[0]!r} is missing")

    if not isinstance(doc["milestones"], list):
        raise r.fail("milestones", "must be a list")
    rows = []
    refs: dict[int, int] = {}
    for i, m in enumerate(doc["milestones"]):
        where = f"milestones[{i}]"
        r.obj(m, where, MILESTONE_KEYS, ("ref", "step", "title", "due"))
        ref = r.integer(m, "ref", where)
        if ref in refs:
            raise r.fail(f"{where}.ref", f"ref {ref} is used twice")
        refs[ref] = i
        values = _fields(r, MILESTONE, {k: v for k, v in m.items() if k not in ("ref", "depends_on")}, where)
        rows.append({
            "step": values["step"], "title": values["title"], "owner": values.get("owner", ""),
            "due_date": values["due"], "status": values.get("status") or "not started",
            "done_date": values.get("done_date"), "notes": values.get("notes", ""),
            "baseline_due": values.get("baseline_due"),
            "_depends_on": m.get("depends_on"),
        })
    for i, row in enumerate(rows):
        dep = row["_depends_on"]
        if dep is not None and dep not in refs:
            raise r.fail(f"milestones[{i}].depends_on", f"no milestone with ref {dep!r}")
        if dep is not None and refs[dep] == i:
            raise r.fail(f"milestones[{i}].depends_on", "a milestone cannot depend on itself")

    ids = doc.get("ids") if keep_ids else None

    def insert(s: Session, ws: Workspace) -> int:
        if s.scalar(select(Plan.id).where(Plan.name == name)) is not None:
            raise r.fail("plan.name", f"a plan named {name!r} already exists in {ws.path}")
        plan = Plan(
            name=name, organisation=plan_values.get("organisation", ""), sponsor=plan_values.get("sponsor", ""),
            revenue_architect=plan_values.get("revenue_architect", ""), start_date=start,
            horizon_days=horizon, timezone=plan_values.get("timezone", ""),
            created_at=datetime.now().replace(microsecond=0),
        )
        if ids:
            plan.id = ids["plan"]
        s.add(plan)
        s.flush()
        for j, step in enumerate(STEPS):
            ps, pe, goal = phases[step]
            phase = Phase(plan_id=plan.id, step=step, start_date=ps, end_date=pe, goal=goal)
            if ids:
                phase.id = ids["phases"][j]
            s.add(phase)
        objs = []
        for i, row in enumerate(rows):
            values = {k: v for k, v in row.items() if not k.startswith("_")}
            m = Milestone(plan_id=plan.id, **values)
            if ids:
                m.id = ids["milestones"][i]
            s.add(m)
            objs.append(m)
        s.flush()
        for row, m in zip(rows, objs):
            if row["_depends_on"] is not None:
                m.depends_on_id = objs[refs[row["_depends_on"]]].id
        s.flush()
        for section in sections:
            if section.key in doc:
                section.load(s, plan.id, doc[section.key], r, keep_ids)
        return plan.id

    return insert


# --------------------------------------------------------------------------- between workspaces

def plan_names(ws: Workspace, names: Sequence[str] | None = None) -> list[tuple[int, str]]:
    """(id, name) of the plans called *names* (all plans when None); an unknown name is refused."""
    with ws.read() as s:
        plans = [(p.id, p.name) for p in s.scalars(select(Plan).order_by(Plan.id))]
    if names is None:
        if not plans:
            raise TransferError(f"{ws.path}: the workspace holds no plan")
        return plans
    by_name = dict((name, pid) for pid, name in plans)
    missing = [n for n in names if n not in by_name]
    if missing:
        known = ", ".join(repr(n) for _, n in plans) or "none"
        raise TransferError(f"{ws.path}: no plan named {missing[0]!r} (plans: {known})")
    return [(by_name[n], n) for n in names]


def copy_plans(source: Workspace, target: Workspace, features: Sequence[Feature],
               names: Sequence[str] | None = None) -> list[str]:
    """Copy plans (all, or those named) from *source* into *target*, all or nothing: every
    plan is dumped and checked first, then all are added in one transaction of *target*
    (a plan whose name *target* already has refuses the whole copy). Returns the names."""
    chosen = plan_names(source, names)
    inserts = [_reader(dump_plan(source, pid, features), features, source=f"{source.path}: {name}",
                       rename=None, keep_ids=False) for pid, name in chosen]
    with target.write() as s:
        for insert in inserts:
            insert(s, target)
    return [name for _, name in chosen]
