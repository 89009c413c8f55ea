"""Step 3, empower with low-code: the request ledger, the tool inventory and the
self-serve target. One function per user action, no Qt.

Every function takes an open ``Workspace``, runs in one transaction and returns
frozen dataclasses. Functions that change data return what undo needs (the
previous values, or the deleted rows to put back with their ids).

The figures (self-serve shares, lead-time medians, the open developer queue, the
reasons Pareto, the weekly share and the checklist) come from
``models.lowcode.figures``; this module only feeds it the stored rows.

Rules a stored request keeps: a title and a requested date; ``type`` one of
``REQUEST_TYPES``; ``route`` ``self-serve`` or ``developer``; a delivered date
(empty while open) on or after the requested date; a ``reason`` (one of
``REASONS``) only on developer-route requests, and moving a request to
self-serve clears its reason.

Also here: the ``"lowcode"`` key of ``ninety summary --json``, the ``"lowcode"``
section of ``plan dump``/``load`` and the demo ledger.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.feature import ChecklistItem
from models.core.fields import Entity, FieldError
from models.core.transfer import DocReader, Section
from models.core.workspace import Workspace
from models.lowcode.entities import REQUEST, TOOL
from models.lowcode.figures import (
    MIN_EVIDENCE,
    WINDOW_DAYS,
    LowcodeFigures,
    Request,
    Tool,
    checklist,
    lowcode_figures,
    self_serve_share,
)
from models.lowcode.schema import LowcodeRequest, LowcodeSettings, LowcodeTool
from models.plan.schema import Plan
from models.plan.service import PlanError, PlanInfo

DEFAULT_TARGET_SHARE = 0.8
#: The target is a share of delivered requests: from 1 % to 100 %.
TARGET_RANGE = (0.01, 1.0)


# --------------------------------------------------------------------------- dataclasses

@dataclass(frozen=True)
class RequestInfo:
    id: int
    plan_id: int
    title: str
    type: str
    team: str
    requested: date
    delivered: date | None
    route: str
    tool: str
    reason: str

    def is_delivered(self, as_of: date) -> bool:
        return self.delivered is not None and self.delivered <= as_of

    @property
    def lead_days(self) -> int | None:
        """Delivered − requested in calendar days; None while open."""
        return None if self.delivered is None else (self.delivered - self.requested).days

    def figure(self) -> Request:
        return Request(self.title, self.type, self.team, self.requested, self.delivered, self.route,
                       self.tool or None, self.reason or None)


@dataclass(frozen=True)
class ToolInfo:
    id: int
    plan_id: int
    name: str
    capability: str
    owner: str
    trained: int
    status: str

    def figure(self) -> Tool:
        return Tool(self.name, self.capability, self.owner, self.trained, self.status)


@dataclass(frozen=True)
class RequestDraft:
    title: str
    requested: date
    type: str = "other"
    team: str = ""
    delivered: date | None = None
    route: str = "self-serve"
    tool: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ToolDraft:
    name: str
    capability: str = "other"
    owner: str = ""
    trained: int = 0
    status: str = "evaluating"


@dataclass(frozen=True)
class LowcodeState:
    """Everything the Low-code page shows, read in one transaction, as of a date."""

    plan_id: int
    as_of: date
    target_share: float
    #: oldest request first (by requested date, then entry order)
    requests: tuple[RequestInfo, ...]
    tools: tuple[ToolInfo, ...]
    figures: LowcodeFigures
    checklist: tuple[ChecklistItem, ...]

    @property
    def has_data(self) -> bool:
        return bool(self.requests or self.tools)

    @property
    def recent_delivered(self) -> tuple[int, int]:
        """(delivered, of which self-serve) in the window of ``share_last_4_weeks``."""
        start = self.as_of - timedelta(days=WINDOW_DAYS - 1)
        recent = [r for r in self.requests if r.is_delivered(self.as_of) and r.delivered >= start]
        return len(recent), sum(r.route == "self-serve" for r in recent)

    def rolling_share(self) -> list[tuple[date, float]]:
        """The last-4-weeks share as it stood at the end of each week of ``weekly_share``
        (the last point is the as-of date): ``(day, share)``, skipping days with no
        delivery in their window."""
        out = []
        figures = [r.figure() for r in self.requests]
        for week in self.figures.weekly_share:
            end = min(week.week_start + timedelta(days=6), self.as_of)
            start = end - timedelta(days=WINDOW_DAYS - 1)
            share = self_serve_share([r for r in figures if r.delivered is not None
                                      and start <= r.delivered <= end])
            if share is not None:
                out.append((end, share))
        return out


REQUEST_KEYS = REQUEST.keys
TOOL_KEYS = TOOL.keys


def _info(cls, row):
    """The frozen dataclass *cls* read from an ORM row (or another dataclass) field by field."""
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def draft_defaults(draft_cls) -> dict[str, Any]:
    """A draft's default values: what a new row starts with, and what a document that
    leaves a field out stores."""
    return {f.name: f.default for f in fields(draft_cls) if f.default is not MISSING}


# --------------------------------------------------------------------------- validation

# Every field's rule is declared once in ``models.lowcode.entities``; the rules between
# fields of a request are ``check_request``.

def check_target_share(value: Any) -> float:
    """A target share as a fraction (0.8 = 80 %), from 1 % to 100 %."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlanError(f"the target share must be a number, not {value!r}")
    low, high = TARGET_RANGE
    if not low <= float(value) <= high:
        raise PlanError(f"the target share must be from {low:.0%} to {high:.0%}, not {float(value):.0%}")
    return float(value)


def check_request(values: dict[str, Any]) -> None:
    """The rules between fields of one request (each field already cleaned)."""
    delivered, requested = values.get("delivered"), values["requested"]
    if delivered is not None and delivered < requested:
        raise PlanError(f"the delivered date {delivered.isoformat()} is before the requested date "
                        f"{requested.isoformat()}")
    if values["route"] != "developer" and values.get("reason"):
        raise PlanError("only developer-route requests have a reason a developer was needed")


def clean_request_draft(draft: RequestDraft | dict[str, Any]) -> dict[str, Any]:
    """The draft's values (a draft or a dict of every field), cleaned and checked (raises ``PlanError``)."""
    values = REQUEST.clean_all(draft)
    check_request(values)
    return values


def _check_tool_name(s: Session, plan_id: int, name: str, own_id: int | None = None) -> None:
    for other_id, other in s.execute(select(LowcodeTool.id, LowcodeTool.name).where(
            LowcodeTool.plan_id == plan_id)):
        if other_id != own_id and other.casefold() == name.casefold():
            raise PlanError(f"the inventory already has a tool named {other!r}")


# --------------------------------------------------------------------------- reading

def _plan(s: Session, plan_id: int) -> Plan:
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise PlanError(f"no plan with id {plan_id}")
    return plan


def _get(s: Session, orm: type, row_id: int):
    row = s.get(orm, row_id)
    if row is None:
        raise PlanError(f"no {_ENTITIES[orm].name} with id {row_id}")
    return row


def _requests(s: Session, plan_id: int) -> list[RequestInfo]:
    q = select(LowcodeRequest).where(LowcodeRequest.plan_id == plan_id).order_by(
        LowcodeRequest.requested, LowcodeRequest.id)
    return [_info(RequestInfo, r) for r in s.scalars(q)]


def _tools(s: Session, plan_id: int) -> list[ToolInfo]:
    q = select(LowcodeTool).where(LowcodeTool.plan_id == plan_id).order_by(LowcodeTool.id)
    return [_info(ToolInfo, t) for t in s.scalars(q)]


def _target(s: Session, plan_id: int) -> float:
    row = s.get(LowcodeSettings, plan_id)
    return DEFAULT_TARGET_SHARE if row is None else row.target_share


def list_requests(ws: Workspace, plan_id: int) -> list[RequestInfo]:
    """The plan's requests, oldest request first (ties in entry order)."""
    with ws.read() as s:
        return _requests(s, plan_id)


def list_tools(ws: Workspace, plan_id: int) -> list[ToolInfo]:
    with ws.read() as s:
        return _tools(s, plan_id)


def get_request(ws: Workspace, request_id: int) -> RequestInfo:
    with ws.read() as s:
        return _info(RequestInfo, _get(s, LowcodeRequest, request_id))


def get_tool(ws: Workspace, tool_id: int) -> ToolInfo:
    with ws.read() as s:
        return _info(ToolInfo, _get(s, LowcodeTool, tool_id))


def get_target_share(ws: Workspace, plan_id: int) -> float:
    with ws.read() as s:
        return _target(s, plan_id)


def _share_hint(fig: LowcodeFigures) -> str:
    recent = fig.delivered_last_4_weeks
    if fig.share_last_4_weeks is None:
        return "No request delivered in the last 4 weeks."
    if recent < MIN_EVIDENCE:
        return (f"Only {recent} {'request' if recent == 1 else 'requests'} delivered in the last 4 weeks: the "
                f"share counts from {MIN_EVIDENCE} on.")
    return (f"Last 4 weeks: {fig.share_last_4_weeks:.0%} self-serve of {recent} delivered; the ranked reasons "
            "show what to build next.")


def lowcode_checklist(fig: LowcodeFigures) -> list[ChecklistItem]:
    """The step's four items with hints (counts only: the widget shows rich text)."""
    hints = (
        "Mark a tool adopted in the tool inventory once marketers use it for real work.",
        "Record how many people are trained on each tool that is rolling out or adopted.",
        f"{fig.weeks_tracked} of 4 weeks tracked so far: keep adding every request to the ledger.",
        _share_hint(fig),
    )
    return [ChecklistItem(label, done, "" if done else hint)
            for (label, done), hint in zip(checklist(fig), hints)]


def lowcode_state(ws: Workspace, plan_id: int, as_of: date) -> LowcodeState:
    """The ledger, the tools, every figure and the checklist as of *as_of*."""
    with ws.read() as s:
        _plan(s, plan_id)
        target = _target(s, plan_id)
        requests = tuple(_requests(s, plan_id))
        tools = tuple(_tools(s, plan_id))
    fig = lowcode_figures([r.figure() for r in requests], [t.figure() for t in tools], as_of, target)
    return LowcodeState(plan_id, as_of, target, requests, tools, fig, tuple(lowcode_checklist(fig)))


# --------------------------------------------------------------------------- the target

def set_target_share(ws: Workspace, plan_id: int, share: float | None) -> float | None:
    """Store the target share (a fraction); None goes back to the default.

    Returns the value stored before (None when the plan used the default), so
    undo can put back exactly what was there (and undo of that, the share again).
    """
    value = None if share is None else check_target_share(share)
    with ws.write() as s:
        _plan(s, plan_id)
        row = s.get(LowcodeSettings, plan_id)
        before = None if row is None else row.target_share
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(LowcodeSettings(plan_id=plan_id, target_share=value))
        else:
            row.target_share = value
        return before


# --------------------------------------------------------------------------- rows: requests and tools

#: each table's declared fields and the dataclass a deleted row is handed back as
_ENTITIES: dict[type, Entity] = {LowcodeRequest: REQUEST, LowcodeTool: TOOL}
_INFOS: dict[type, type] = {LowcodeRequest: RequestInfo, LowcodeTool: ToolInfo}


def _update(ws: Workspace, orm: type, row_id: int, changes: dict[str, Any], check) -> dict[str, Any]:
    """Clean *changes* with the table's entity, run ``check(session, row, cleaned)`` (the
    rules between fields; it may add a change that follows from another), store them;
    return the previous value of every field that changed."""
    with ws.write() as s:
        row = _get(s, orm, row_id)
        cleaned = _ENTITIES[orm].clean(changes)
        check(s, row, cleaned)
        before = {}
        for key, value in cleaned.items():
            if getattr(row, key) != value:
                before[key] = getattr(row, key)
                setattr(row, key, value)
        return before


def _remove(ws: Workspace, orm: type, row_ids: Iterable[int]) -> tuple:
    """Delete the rows (all or none); return them for ``_restore``."""
    with ws.write() as s:
        out = []
        for row_id in row_ids:
            row = _get(s, orm, row_id)
            out.append(_info(_INFOS[orm], row))
            s.delete(row)
        return tuple(out)


def _restore(ws: Workspace, orm: type, infos: Iterable) -> tuple[int, ...]:
    """Put deleted rows back with their ids; return the ids."""
    with ws.write() as s:
        rows = [orm(**{f.name: getattr(info, f.name) for f in fields(info)}) for info in infos]
        s.add_all(rows)
        return tuple(r.id for r in rows)


def add_request(ws: Workspace, plan_id: int, draft: RequestDraft | dict[str, Any]) -> int:
    return import_requests(ws, plan_id, [draft], numbered=False)[0]


def _check_request_row(_s: Session, row: LowcodeRequest, cleaned: dict[str, Any]) -> None:
    # moving a request to the self-serve route clears its reason
    if cleaned.get("route") == "self-serve" and "reason" not in cleaned:
        cleaned["reason"] = ""
    check_request(REQUEST.to_dict(row) | cleaned)


def update_request(ws: Workspace, request_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply *changes*; return the previous value of every field that changed.

    Moving a request to the self-serve route clears its reason.
    """
    return _update(ws, LowcodeRequest, request_id, changes, _check_request_row)


def delete_request(ws: Workspace, request_id: int) -> RequestInfo:
    """Delete a request; return it for undo."""
    return remove_requests(ws, [request_id])[0]


def restore_request(ws: Workspace, info: RequestInfo) -> int:
    """Put a deleted request back with its id; return the id."""
    return restore_requests(ws, [info])[0]


def import_requests(ws: Workspace, plan_id: int, drafts: Sequence[RequestDraft | dict[str, Any]],
                    *, numbered: bool = True) -> tuple[int, ...]:
    """Add many requests in one transaction: one bad draft stores nothing.

    The error names the draft's position (1-based), e.g. ``request 3: the
    delivered date … is before …``; file imports check rows first
    (``models.lowcode.importer``) and name file, line and column.
    """
    rows = []
    for i, draft in enumerate(drafts, start=1):
        try:
            rows.append(clean_request_draft(draft))
        except PlanError as exc:
            raise (PlanError(f"request {i}: {exc}") if numbered else exc) from None
    with ws.write() as s:
        _plan(s, plan_id)
        objs = [LowcodeRequest(plan_id=plan_id, **values) for values in rows]
        s.add_all(objs)
        s.flush()
        return tuple(o.id for o in objs)


def remove_requests(ws: Workspace, request_ids: Iterable[int]) -> tuple[RequestInfo, ...]:
    """Delete the requests (all or none); return them for ``restore_requests``."""
    return _remove(ws, LowcodeRequest, request_ids)


def restore_requests(ws: Workspace, infos: Iterable[RequestInfo]) -> tuple[int, ...]:
    """Put deleted requests back with their ids; return the ids."""
    return _restore(ws, LowcodeRequest, infos)


def add_tool(ws: Workspace, plan_id: int, draft: ToolDraft | dict[str, Any]) -> int:
    values = TOOL.clean_all(draft)
    with ws.write() as s:
        _plan(s, plan_id)
        _check_tool_name(s, plan_id, values["name"])
        row = LowcodeTool(plan_id=plan_id, **values)
        s.add(row)
        s.flush()
        return row.id


def _check_tool_row(s: Session, row: LowcodeTool, cleaned: dict[str, Any]) -> None:
    if "name" in cleaned:
        _check_tool_name(s, row.plan_id, cleaned["name"], own_id=row.id)


def update_tool(ws: Workspace, tool_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply *changes*; return the previous value of every field that changed."""
    return _update(ws, LowcodeTool, tool_id, changes, _check_tool_row)


def delete_tool(ws: Workspace, tool_id: int) -> ToolInfo:
    """Delete a tool; return it for undo."""
    return _remove(ws, LowcodeTool, [tool_id])[0]


def restore_tool(ws: Workspace, info: ToolInfo) -> int:
    """Put a deleted tool back with its id; return the id."""
    return _restore(ws, LowcodeTool, [info])[0]


# --------------------------------------------------------------------------- summary --json

def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def summary_part(ws: Workspace, plan: PlanInfo, as_of: date) -> dict[str, Any] | None:
    """``"lowcode"`` in ``ninety summary --json``; left out when the plan has no request,
    no tool and no target of its own. Shares are fractions (0.8 = 80 %)."""
    with ws.read() as s:
        has_target = s.get(LowcodeSettings, plan.id) is not None
    state = lowcode_state(ws, plan.id, as_of)
    if not state.has_data and not has_target:
        return None
    f = state.figures
    return {
        "target_share": _r(f.target_share),
        "share_cumulative": _r(f.share_cumulative),
        "share_last_4_weeks": _r(f.share_last_4_weeks),
        "delivered": f.delivered,
        "self_serve": f.self_serve,
        "median_lead_days": {"self_serve": f.median_lead_days["self_serve"],
                             "developer": f.median_lead_days["developer"]},
        "open_developer_queue": len(f.open_developer_queue),
        "oldest_open_days": f.oldest_open_days,
        "top_reasons": [{"reason": r.reason, "count": r.count} for r in f.top_reasons],
    }


# --------------------------------------------------------------------------- plan dump / load

def dump_lowcode(s: Session, plan_id: int, keep_ids: bool) -> dict[str, Any] | None:
    """``{"target_share", "requests": [...], "tools": [...]}``, or None when the plan has
    none of them. Rows in entry order, their fields as declared; with ``keep_ids`` rows
    carry ``"id"``."""
    settings = s.get(LowcodeSettings, plan_id)
    parts = {}
    for key, orm in (("requests", LowcodeRequest), ("tools", LowcodeTool)):
        rows = s.scalars(select(orm).where(orm.plan_id == plan_id).order_by(orm.id))
        parts[key] = [({"id": row.id} if keep_ids else {}) | _ENTITIES[orm].dump(row) for row in rows]
    if settings is None and not any(parts.values()):
        return None
    return {"target_share": DEFAULT_TARGET_SHARE if settings is None else settings.target_share, **parts}


def _load_rows(s: Session, plan_id: int, value: dict, r: DocReader, keep_ids: bool, key: str, orm: type,
               draft_cls: type, check) -> None:
    """``value[key]``: a list of rows read through the table's declared fields; a field
    left out takes the draft's default; ``check(where, values)`` adds the other rules."""
    entity = _ENTITIES[orm]
    defaults = draft_defaults(draft_cls)
    for i, d in enumerate(value.get(key, [])):
        where = f"lowcode.{key}[{i}]"
        r.obj(d, where, entity.keys + (("id",) if keep_ids else ()), entity.required_keys)
        try:
            values = defaults | entity.load(d)
        except FieldError as exc:
            raise r.fail(f"{where}.{exc.key}", str(exc)) from None
        check(where, values)
        extra = {"id": r.integer(d, "id", where)} if keep_ids and "id" in d else {}
        s.add(orm(plan_id=plan_id, **values, **extra))


def load_lowcode(s: Session, plan_id: int, value: Any, r: DocReader, keep_ids: bool) -> None:
    r.obj(value, "lowcode", ("target_share", "requests", "tools"), ())
    if "target_share" in value:
        try:
            share = check_target_share(value["target_share"])
        except PlanError as exc:
            raise r.fail("lowcode.target_share", str(exc)) from None
        s.add(LowcodeSettings(plan_id=plan_id, target_share=share))
    for key in ("requests", "tools"):
        if not isinstance(value.get(key, []), list):
            raise r.fail(f"lowcode.{key}", "must be a list")

    def request_rules(where: str, values: dict[str, Any]) -> None:
        try:
            check_request(values)
        except PlanError as exc:
            raise r.fail(where, str(exc)) from None

    names: set[str] = set()

    def unique_name(where: str, values: dict[str, Any]) -> None:
        if values["name"].casefold() in names:
            raise r.fail(f"{where}.name", f"{values['name']!r} appears twice")
        names.add(values["name"].casefold())

    _load_rows(s, plan_id, value, r, keep_ids, "requests", LowcodeRequest, RequestDraft, request_rules)
    _load_rows(s, plan_id, value, r, keep_ids, "tools", LowcodeTool, ToolDraft, unique_name)
    s.flush()


SECTION = Section("lowcode", dump_lowcode, load_lowcode)


# --------------------------------------------------------------------------- demo

#: (type, title with a product line, team) of the demo's self-serve requests, used in turn.
_DEMO_SELF_SERVE = (
    ("landing page", "Landing page for the {} drop", "Brand marketing"),
    ("email sequence", "Launch email sequence: {}", "CRM"),
    ("content update", "Size guide refresh: {}", "eCommerce"),
    ("A/B test", "Hero image A/B test: {}", "Growth"),
    ("content update", "Delivery promise copy on {} pages", "eCommerce"),
    ("landing page", "Influencer capsule page: {}", "Social"),
    ("email sequence", "Back-in-stock alerts: {}", "CRM"),
)
_DEMO_LINES = ("trail running", "ski wear", "rain jackets", "kids' boots", "yoga", "cycling",
               "camping", "swimwear", "hiking socks", "climbing")
#: (type, title, team, reason) of the demo's developer requests; missing components lead.
_DEMO_DEVELOPER = (
    ("landing page", "Store-locator map block", "Retail", "missing component"),
    ("integration", "Reviews widget from the ratings vendor", "eCommerce", "data access"),
    ("promotion or bundle rule", "Buy two, get the third half price", "Trading", "custom logic"),
    ("landing page", "Countdown timer for flash sales", "Trading", "missing component"),
    ("data or AI model", "Recommended-for-you carousel", "Growth", "data access"),
    ("promotion or bundle rule", "Student discount with ID check", "Loyalty", "legal or compliance"),
    ("landing page", "Product comparison table", "eCommerce", "missing component"),
    ("email sequence", "Price-drop alerts from the catalogue feed", "CRM", "data access"),
    ("A/B test", "Checkout button test with a holdout group", "Growth", "skills"),
    ("landing page", "Video hero with shoppable hotspots", "Brand marketing", "missing component"),
    ("integration", "Gift-card balance checker", "Retail", "custom logic"),
    ("other", "Cookie banner wording per country", "Legal", "legal or compliance"),
    ("landing page", "Quiz: find your running shoe", "Growth", "missing component"),
    ("promotion or bundle rule", "Bundle builder for ski kits", "Trading", "missing component"),
    ("data or AI model", "Churn score for the loyalty base", "Loyalty", "data access"),
    ("landing page", "Size recommender block", "eCommerce", "missing component"),
    ("integration", "Click-and-collect slots on product pages", "Retail", "custom logic"),
    ("A/B test", "Pricing-display test across markets", "Trading", "skills"),
    ("landing page", "Lookbook carousel with prices", "Brand marketing", "missing component"),
    ("email sequence", "Birthday voucher sequence", "Loyalty", "data access"),
    ("promotion or bundle rule", "Tiered spend-and-save rule", "Trading", "legal or compliance"),
    ("landing page", "Store events calendar block", "Retail", "missing component"),
    ("other", "Accessibility fixes on the careers page", "HR", "other"),
    ("data or AI model", "Weather-triggered rainwear banner", "Growth", "data access"),
    ("landing page", "Sticky add-to-basket bar", "eCommerce", "missing component"),
    ("integration", "Loyalty points on the order page", "Loyalty", "custom logic"),
    ("A/B test", "Server-side test of delivery options", "Growth", "skills"),
    ("landing page", "Shop-the-look block", "Brand marketing", "missing component"),
)
#: (name, capability, owner, people trained, status)
_DEMO_TOOLS = (
    ToolDraft("PageCraft", "page builder", "Sofia Alvarez", 5, "adopted"),
    ToolDraft("Sequence Studio", "email sequences", "Jon Park", 3, "rolling out"),
    ToolDraft("Content Hub", "headless CMS", "Ravi Menon", 2, "adopted"),
    ToolDraft("SplitLab", "A/B testing", "Aisha Khan", 0, "evaluating"),
)
#: The weekly self-serve share of the demo's deliveries climbs from FIRST to LAST.
_DEMO_SHARE_FIRST, _DEMO_SHARE_LAST = 0.3, 0.8
_DEMO_TOOL_FOR = {"landing page": "PageCraft", "email sequence": "Sequence Studio",
                  "content update": "Content Hub", "A/B test": "PageCraft"}
_DEMO_MARKETS = ("German", "French", "Dutch")
#: Developer requests still open on the demo's today: (days ago requested, index in _DEMO_DEVELOPER).
_DEMO_OPEN_DEVELOPER = ((51, 7), (34, 13), (12, 15), (4, 26))
#: Self-serve requests still open on the demo's today: days ago requested.
_DEMO_OPEN_SELF_SERVE = (2, 1, 0)


def demo_requests(start: date, today: date) -> list[RequestDraft]:
    """The demo ledger, oldest request first: requests from ``start - 60`` days up to *today*.

    Deliveries run weekly from the third week; in each week 4 to 6 requests
    are delivered and the self-serve share of them climbs from about 30 % to
    about 80 %. Self-serve requests take 1 to 5 days, developer requests 8 to
    26 days (less for the first few, which cannot start before the ledger does).
    A few requests are still open on *today*, among them four developer
    requests, the oldest 51 days old.
    """
    first = start - timedelta(days=60)
    monday = first - timedelta(days=first.weekday()) + timedelta(days=14)
    weeks = []
    while monday <= today:
        weeks.append(monday)
        monday += timedelta(days=7)
    out: list[RequestDraft] = []
    ss_i, dev_i = 0, 0
    taken = {i for _ago, i in _DEMO_OPEN_DEVELOPER}

    def self_serve(requested: date, delivered: date | None) -> RequestDraft:
        nonlocal ss_i
        kind, title, team = _DEMO_SELF_SERVE[ss_i % len(_DEMO_SELF_SERVE)]
        title = title.format(_DEMO_LINES[ss_i % len(_DEMO_LINES)])
        ss_i += 1
        return RequestDraft(title, requested, kind, team, delivered, "self-serve",
                            _DEMO_TOOL_FOR.get(kind, "PageCraft"))

    def developer(requested: date, delivered: date | None, index: int) -> RequestDraft:
        kind, title, team, reason = _DEMO_DEVELOPER[index % len(_DEMO_DEVELOPER)]
        if index >= len(_DEMO_DEVELOPER):  # the same need, now for another country's site
            title += f" ({_DEMO_MARKETS[index // len(_DEMO_DEVELOPER) - 1]} site)"
        return RequestDraft(title, requested, kind, team, delivered, "developer", "", reason)

    for w, monday in enumerate(weeks):
        share = _DEMO_SHARE_FIRST + (_DEMO_SHARE_LAST - _DEMO_SHARE_FIRST) * w / max(1, len(weeks) - 1)
        days = [monday + timedelta(days=d) for d in (0, 1, 2, 3, 4, 1, 3) if monday + timedelta(days=d) <= today]
        count = min(len(days), 4 + (w * 2) % 3)
        if count == 0:
            continue
        n_self = round(count * share)
        for k in range(count):
            delivered = days[k]
            if k % 2 == 0 and n_self > 0 or count - k <= n_self:
                n_self -= 1
                lead = 1 + (ss_i * 3) % 5
                out.append(self_serve(max(first, delivered - timedelta(days=lead)), delivered))
            else:
                while dev_i in taken:
                    dev_i += 1
                lead = 8 + (dev_i * 7) % 19
                out.append(developer(max(first, delivered - timedelta(days=lead)), delivered, dev_i))
                dev_i += 1
    for ago, index in _DEMO_OPEN_DEVELOPER:
        out.append(developer(today - timedelta(days=ago), None, index))
    for ago in _DEMO_OPEN_SELF_SERVE:
        out.append(self_serve(today - timedelta(days=ago), None))
    out.sort(key=lambda r: r.requested)
    return out


def demo_part(ws: Workspace, plan_id: int, start: date) -> None:
    """The demo's ledger (today = the plan's day 43) and its four tools."""
    from models.plan.demo import DEMO_START_OFFSET

    today = start + timedelta(days=DEMO_START_OFFSET)
    for draft in _DEMO_TOOLS:
        add_tool(ws, plan_id, draft)
    import_requests(ws, plan_id, demo_requests(start, today))
