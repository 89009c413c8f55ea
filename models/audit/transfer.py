"""The ``"audit"`` section of a plan document (``ninety plan dump`` / ``load``).

Present only when the plan has audit data::

    "audit": {
      "stages": [{"status", "department", "kind": "active"|"queue"|"done"}],   # in map order
      "log": {                                    # the active import, or null
        "source", "format", "imported_at": "YYYY-MM-DDTHH:MM:SS", "settings": {…},
        "columns": ["item", "at", "from", "to", "title", "type", "line"],
        "rows": [["WEB-1", "2026-02-02T09:00:00+01:00", null, "Backlog", "…", "Story", 2], …]
      },
      "stalls": [{"item", "stage", "entered": ISO with offset, "left": ISO|null, "note"}],
      "choice": {"from", "to", "chosen_on": "YYYY-MM-DD", "milestone": ref|null} | null
    }

Log rows are arrays (a log can hold 100,000 rows) in file order; ``at`` keeps
the offset it was read with.  ``choice.milestone`` is the milestone's ``ref``
in the same document.  With ``keep_ids`` (undo snapshots only) stages, the
log, its rows (an extra ``"id"`` column) and stalls carry their database ids.
Only the active import travels; older imports (kept for undo) do not.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.audit.schema import AUDIT_KINDS, AuditChoice, AuditImport, AuditStage, AuditStall, AuditTransition
from models.plan.schema import Milestone
from models.core.transfer import DocReader, Section

KEY = "audit"
LOG_COLUMNS = ("item", "at", "from", "to", "title", "type", "line")
CHUNK = 5000


def _milestone_ids(s: Session, plan_id: int) -> list[int]:
    """The plan's milestone ids in ``ref`` order (ref = index + 1), as dump_plan numbers them."""
    return list(s.scalars(select(Milestone.id).where(Milestone.plan_id == plan_id).order_by(Milestone.id)))


def dump_audit(s: Session, plan_id: int, keep_ids: bool) -> dict[str, Any] | None:
    stages = list(s.scalars(select(AuditStage).where(AuditStage.plan_id == plan_id)
                            .order_by(AuditStage.position, AuditStage.id)))
    imp = s.scalar(select(AuditImport).where(AuditImport.plan_id == plan_id)
                   .order_by(AuditImport.id.desc()).limit(1))
    stalls = list(s.scalars(select(AuditStall).where(AuditStall.plan_id == plan_id).order_by(AuditStall.id)))
    choice = s.get(AuditChoice, plan_id)
    if not stages and imp is None and not stalls and choice is None:
        return None

    out: dict[str, Any] = {"stages": []}
    for st in stages:
        d = {"status": st.status, "department": st.department, "kind": st.kind}
        if keep_ids:
            d["id"] = st.id
        out["stages"].append(d)

    log = None
    if imp is not None:
        t = AuditTransition
        cols = [t.item, t.at, t.from_status, t.to_status, t.title, t.type, t.line]
        if keep_ids:
            cols.append(t.id)
        q = select(*cols).where(t.import_id == imp.id).order_by(t.id)
        try:
            settings = json.loads(imp.settings or "{}")
        except ValueError:
            settings = {}
        log = {
            "source": imp.source, "format": imp.format,
            "imported_at": imp.imported_at.isoformat(),
            "settings": settings if isinstance(settings, dict) else {},
            "columns": list(LOG_COLUMNS) + (["id"] if keep_ids else []),
            "rows": [list(r) for r in s.execute(q)],
        }
        if keep_ids:
            log["id"] = imp.id
    out["log"] = log

    out["stalls"] = []
    for st in stalls:
        d = {"item": st.item, "stage": st.stage, "entered": st.entered, "left": st.left, "note": st.note}
        if keep_ids:
            d["id"] = st.id
        out["stalls"].append(d)

    if choice is None:
        out["choice"] = None
    else:
        refs = {mid: i + 1 for i, mid in enumerate(_milestone_ids(s, plan_id))}
        out["choice"] = {
            "from": choice.from_department, "to": choice.to_department,
            "chosen_on": choice.chosen_on.isoformat(),
            "milestone": refs.get(choice.milestone_id) if choice.milestone_id else None,
        }
    return out


# --------------------------------------------------------------------------- loading

def _moment(r: DocReader, value: Any, where: str, *, optional: bool = False) -> str | None:
    """Check an ISO 8601 timestamp with an offset; returns it unchanged."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise r.fail(where, "must be a date and time in ISO 8601 with an offset")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise r.fail(where, f"{value!r} is not an ISO 8601 date and time") from None
    if dt.tzinfo is None:
        raise r.fail(where, f"{value!r} has no UTC offset")
    return value


def _opt_text(r: DocReader, value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise r.fail(where, "must be text or null")
    return value


def _opt_int(r: DocReader, value: Any, where: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise r.fail(where, "must be a whole number or null")
    return value


def _read_stages(r: DocReader, value: Any, where: str, keep_ids: bool) -> list[dict]:
    if not isinstance(value, list):
        raise r.fail(where, "must be a list")
    keys = ("status", "department", "kind") + (("id",) if keep_ids else ())
    out, seen = [], set()
    for i, st in enumerate(value):
        w = f"{where}[{i}]"
        r.obj(st, w, keys, ("status", "kind"))
        status = r.text(st, "status", w, required=True)
        if status in seen:
            raise r.fail(f"{w}.status", f"status {status!r} appears twice")
        seen.add(status)
        kind = r.choice(st, "kind", w, AUDIT_KINDS)
        dept = r.text(st, "department", w, required=kind != "done")
        row = {"status": status, "department": dept, "kind": kind, "position": i}
        if keep_ids and "id" in st:
            row["id"] = r.integer(st, "id", w)
        out.append(row)
    return out


def _read_log(r: DocReader, value: Any, where: str, kinds: dict[str, str],
              keep_ids: bool) -> tuple[dict, list[dict]] | None:
    if value is None:
        return None
    keys = ("source", "format", "imported_at", "settings", "columns", "rows") + (("id",) if keep_ids else ())
    r.obj(value, where, keys, ("columns", "rows", "imported_at"))
    imported = r.text(value, "imported_at", where, required=True)
    try:
        imported_at = datetime.fromisoformat(imported)
    except ValueError:
        raise r.fail(f"{where}.imported_at", f"{imported!r} is not an ISO 8601 date and time") from None
    settings = value.get("settings", {})
    if not isinstance(settings, dict):
        raise r.fail(f"{where}.settings", "must be an object")
    columns = value["columns"]
    has_id = keep_ids and isinstance(columns, list) and columns == list(LOG_COLUMNS) + ["id"]
    if columns != list(LOG_COLUMNS) and not has_id:
        raise r.fail(f"{where}.columns", f"must be {list(LOG_COLUMNS)}")
    rows = value["rows"]
    if not isinstance(rows, list):
        raise r.fail(f"{where}.rows", "must be a list")
    if not rows:
        raise r.fail(f"{where}.rows", "must not be empty (leave the log out instead)")
    width = len(columns)
    out = []
    for i, row in enumerate(rows):
        w = f"{where}.rows[{i}]"
        if not isinstance(row, list) or len(row) != width:
            raise r.fail(w, f"must be a list of {width} values ({', '.join(columns)})")
        item, at, frm, to, title, typ, line = row[:7]
        if not isinstance(item, str) or not item.strip():
            raise r.fail(f"{w}[0]", "the item id must be non-empty text")
        _moment(r, at, f"{w}[1]")
        frm = _opt_text(r, frm, f"{w}[2]")
        if frm is not None and frm not in kinds:
            raise r.fail(f"{w}[2]", f"status {frm!r} is not in audit.stages")
        if not isinstance(to, str) or to not in kinds:
            raise r.fail(f"{w}[3]", f"status {to!r} is not in audit.stages")
        d = {"item": item, "at": at, "from_status": frm, "to_status": to,
             "title": _opt_text(r, title, f"{w}[4]"), "type": _opt_text(r, typ, f"{w}[5]"),
             "line": _opt_int(r, line, f"{w}[6]")}
        if has_id:
            d["id"] = r.integer({"id": row[7]}, "id", w)
        out.append(d)
    head = {
        "source": r.text(value, "source", where), "format": r.text(value, "format", where) or "csv",
        "imported_at": imported_at, "settings": json.dumps(settings, sort_keys=True, ensure_ascii=False),
        "row_count": len(out),
    }
    if keep_ids and "id" in value:
        head["id"] = r.integer(value, "id", where)
    return head, out


def _read_stalls(r: DocReader, value: Any, where: str, kinds: dict[str, str], keep_ids: bool) -> list[dict]:
    if not isinstance(value, list):
        raise r.fail(where, "must be a list")
    keys = ("item", "stage", "entered", "left", "note") + (("id",) if keep_ids else ())
    out = []
    for i, st in enumerate(value):
        w = f"{where}[{i}]"
        r.obj(st, w, keys, ("item", "stage", "entered"))
        stage = r.text(st, "stage", w, required=True)
        if kinds.get(stage) not in ("active", "queue"):
            raise r.fail(f"{w}.stage", f"{stage!r} is not an active or queue status of audit.stages")
        entered = _moment(r, st.get("entered"), f"{w}.entered")
        left = _moment(r, st.get("left"), f"{w}.left", optional=True)
        if left is not None and datetime.fromisoformat(left) < datetime.fromisoformat(entered):
            raise r.fail(f"{w}.left", "is before 'entered'")
        row = {"item": r.text(st, "item", w, required=True), "stage": stage, "entered": entered,
               "left": left, "note": r.text(st, "note", w)}
        if keep_ids and "id" in st:
            row["id"] = r.integer(st, "id", w)
        out.append(row)
    return out


def _same_keys(rows: list[dict]) -> list[dict]:
    """executemany needs one set of keys: keep ids only when every row has one."""
    if any("id" not in d for d in rows):
        for d in rows:
            d.pop("id", None)
    return rows


def load_audit(s: Session, plan_id: int, value: Any, r: DocReader, keep_ids: bool) -> None:
    where = KEY
    r.obj(value, where, ("stages", "log", "stalls", "choice"), ("stages",))
    stages = _read_stages(r, value["stages"], f"{where}.stages", keep_ids)
    kinds = {st["status"]: st["kind"] for st in stages}
    log = _read_log(r, value.get("log"), f"{where}.log", kinds, keep_ids)
    stalls = _read_stalls(r, value.get("stalls", []), f"{where}.stalls", kinds, keep_ids)
    choice = value.get("choice")
    ids = _milestone_ids(s, plan_id)
    if choice is not None:
        w = f"{where}.choice"
        r.obj(choice, w, ("from", "to", "chosen_on", "milestone"), ("from", "to", "chosen_on"))
        ref = _opt_int(r, choice.get("milestone"), f"{w}.milestone")
        if ref is not None and not 1 <= ref <= len(ids):
            raise r.fail(f"{w}.milestone", f"no milestone with ref {ref}")
        choice = AuditChoice(
            plan_id=plan_id, from_department=r.text(choice, "from", w, required=True),
            to_department=r.text(choice, "to", w, required=True),
            chosen_on=r.day(choice, "chosen_on", w), milestone_id=ids[ref - 1] if ref else None,
        )

    if stages:
        s.execute(insert(AuditStage), _same_keys([dict(st, plan_id=plan_id) for st in stages]))
    if log is not None:
        head, rows = log
        imp = AuditImport(plan_id=plan_id, **head)
        s.add(imp)
        s.flush()
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            for d in chunk:
                d["import_id"] = imp.id
            s.execute(insert(AuditTransition), chunk)
    if stalls:
        s.execute(insert(AuditStall), _same_keys([dict(st, plan_id=plan_id) for st in stalls]))
    if choice is not None:
        s.add(choice)
    s.flush()


SECTION = Section(KEY, dump_audit, load_audit)
