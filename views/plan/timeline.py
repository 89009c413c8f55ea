"""The roadmap timeline: the three phases, milestones and a today line.

Drawn on the chart thread (see ``views.common.chart_canvas``). Every marker has a
tooltip (its milestone's title, owner, due date and status); milestones of one step
due the same day are stacked, not drawn on top of each other; the milestones that
need attention (overdue or blocked) are labelled on the chart.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QToolTip

from models.plan.info import STEP_NAMES, STEPS, MilestoneInfo, PhaseInfo, PlanInfo
from views.common.chart_canvas import LazyChartCanvas, ink, mpl_text
from views.plan.milestone_table import STATUS_ROLES

PHASE_ROLES = {"audit": "series-1", "squad": "series-2", "lowcode": "ok"}
MARKERS = {"done": "o", "in progress": "D", "not started": "o", "blocked": "X"}
#: vertical distance between markers due the same day in one step (rows are 1 apart)
STACK = 0.17
#: how close (pixels) the pointer must be to a marker for its tooltip
HIT_PX = 9
#: labels longer than this are cut (the tooltip has the whole title)
LABEL_CHARS = 30


@dataclass(frozen=True)
class Marker:
    """A milestone's marker: where it is drawn, in data coordinates."""

    x: float
    y: float
    milestone: MilestoneInfo


def marker_tip(m: MilestoneInfo, as_of: date) -> str:
    state = m.status
    if m.is_overdue(as_of):
        state += f", overdue by {(as_of - m.due).days} days"
    lines = [m.title, f"{STEP_NAMES[m.step]} · due {m.due:%d %b %Y} · {state}"]
    if m.owner:
        lines.append(f"Owner: {m.owner}")
    if m.done_date:
        lines.append(f"Done on {m.done_date:%d %b %Y}")
    return "\n".join(lines)


def needs_attention(m: MilestoneInfo, as_of: date) -> bool:
    return m.status == "blocked" or m.is_overdue(as_of)


class TimelineCanvas(LazyChartCanvas):
    def __init__(self, parent=None):
        super().__init__(parent, figsize=(9, 2.2), min_height=150, placeholder="Loading the timeline…")
        self.setMouseTracking(True)
        self._as_of = date.today()

    def set_data(self, plan: PlanInfo, phases: Sequence[PhaseInfo],
                 milestones: Sequence[MilestoneInfo], as_of: date) -> None:
        phases, milestones = tuple(phases), tuple(milestones)
        self._as_of = as_of
        self.plot(lambda fig: draw_timeline(fig, plan, phases, milestones, as_of))

    def markers_at(self, x: float, y: float) -> list[MilestoneInfo]:
        """The milestones whose markers are under the widget point (x, y), nearest first."""
        fig = self.figure
        markers: list[Marker] = getattr(fig, "ninety_markers", [])
        if not markers or not fig.axes:
            return []
        ax = fig.axes[0]
        ratio = fig.dpi / 96.0
        width, height = fig.bbox.width / ratio, fig.bbox.height / ratio
        # the image is stretched to the widget while a resize waits for a new drawing
        px = x * width / max(self.width(), 1)
        py = height - y * height / max(self.height(), 1)
        hits = []
        for mk in markers:
            mx, my = ax.transData.transform((mk.x, mk.y)) / ratio
            d = ((mx - px) ** 2 + (my - py) ** 2) ** 0.5
            if d <= HIT_PX:
                hits.append((d, mk.milestone))
        return [m for _d, m in sorted(hits, key=lambda h: h[0])]

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            found = self.markers_at(event.pos().x(), event.pos().y())
            if found:
                QToolTip.showText(event.globalPos(), "\n\n".join(marker_tip(m, self._as_of) for m in found), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


def place_markers(milestones: Sequence[MilestoneInfo], rows: dict[str, int]) -> list[Marker]:
    """One marker per milestone: on its step's row, stacked when several share a due day."""
    import matplotlib.dates as mdates

    groups: dict[tuple[str, date], list[MilestoneInfo]] = defaultdict(list)
    for m in sorted(milestones, key=lambda m: (m.due, m.id)):
        if m.step in rows:
            groups[(m.step, m.due)].append(m)
    out = []
    for (step, due), group in groups.items():
        n = len(group)
        for i, m in enumerate(group):
            out.append(Marker(mdates.date2num(due), rows[step] + (i - (n - 1) / 2) * STACK, m))
    return out


#: the room a date label ("30 Nov") needs on the axis, in pixels, gap included
TICK_LABEL_PX = 64


def tick_weeks(span_days: int, axis_px: float) -> int:
    """Weeks between date ticks: every second Monday, or fewer when the axis is too narrow
    for each label to keep its room (the Overview beside its recent changes at 1024 px)."""
    weeks = 2
    while axis_px > 0 and span_days / (7 * weeks) * TICK_LABEL_PX > axis_px:
        weeks += 1
    return weeks


def draw_timeline(fig, plan: PlanInfo, phases: Sequence[PhaseInfo], milestones: Sequence[MilestoneInfo],
                  as_of: date) -> None:
    """The phases as bars, the milestones as markers, today and the plan's end as lines."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    ax = fig.add_subplot(111)
    order = {s: i for i, s in enumerate(STEPS)}
    rows = {ph.step: len(STEPS) - 1 - order[ph.step] for ph in phases}
    for ph in phases:
        colour = ink(ax, PHASE_ROLES[ph.step])
        ax.barh(rows[ph.step], (ph.end - ph.start).days + 1, left=mdates.date2num(ph.start), height=0.62,
                color=colour, alpha=0.22, edgecolor=colour)
    markers = place_markers(milestones, rows)
    for mk in markers:
        m = mk.milestone
        overdue = m.is_overdue(as_of)
        ax.plot(mk.x, mk.y, marker=MARKERS[m.status], markersize=7.5, color=ink(ax, STATUS_ROLES[m.status]),
                markeredgecolor=ink(ax, "danger") if overdue else ink(ax, "surface"),
                markeredgewidth=2 if overdue else 1, linestyle="none", zorder=3)
    fig.ninety_markers = markers
    ax.axvline(mdates.date2num(as_of), color=ink(ax, "danger"), linewidth=1.5, zorder=4)
    ax.annotate("today" if as_of == date.today() else as_of.isoformat(),
                (mdates.date2num(as_of), len(STEPS) - 0.45), color=ink(ax, "danger"),
                ha="center", fontsize=8)
    ax.axvline(mdates.date2num(plan.end), color=ink(ax, "muted"), linewidth=0.8, linestyle=":")
    ax.set_yticks([rows[s] for s in STEPS if s in rows],
                  [STEP_NAMES[s] for s in STEPS if s in rows])
    ax.set_ylim(-0.6, len(STEPS) - 0.3)
    left = min([plan.start] + [p.start for p in phases] + [m.due for m in milestones])
    right = max([plan.end] + [p.end for p in phases] + [m.due for m in milestones])
    ax.set_xlim(mdates.date2num(left - timedelta(days=2)), mdates.date2num(right + timedelta(days=3)))
    _label_attention(ax, [mk for mk in markers if needs_attention(mk.milestone, as_of)])
    axis_px = fig.get_figwidth() * fig.dpi * ax.get_position().width
    weeks = tick_weeks((right - left).days + 5, axis_px)
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=weeks))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.tick_params(axis="both", labelsize=8)
    ax.grid(axis="x", color=ink(ax, "grid"), linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend = [Line2D([], [], marker=MARKERS[s], color=ink(ax, role), linestyle="none", label=s)
              for s, role in STATUS_ROLES.items()]
    legend.append(Line2D([], [], marker="o", color=ink(ax, "surface"), markeredgecolor=ink(ax, "danger"),
                         markeredgewidth=2, linestyle="none", label="overdue"))
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)


def _label_attention(ax, markers: list[Marker]) -> None:
    """Name the milestones that need attention beside their markers; a label that would
    run into the previous one on its row goes below the marker instead of above."""
    xmin, xmax = ax.get_xlim()
    fig = ax.figure
    # the axes take about 70 % of the figure's width; a character at 7 points is ~5.5 px
    day_px = fig.get_size_inches()[0] * fig.dpi * 0.7 / max(xmax - xmin, 1.0)
    ends: dict[tuple[int, int], float] = {}
    for mk in sorted(markers, key=lambda mk: mk.x):
        title = mk.milestone.title
        text = title if len(title) <= LABEL_CHARS else title[:LABEL_CHARS - 1].rstrip() + "…"
        row = round(mk.y)
        side = 1 if mk.x >= ends.get((row, 1), -1e9) else -1
        if side == -1 and mk.x < ends.get((row, -1), -1e9):
            side = 1  # both sides taken: overlap above rather than hide the label
        ends[(row, side)] = mk.x + len(text) * 5.5 / day_px
        ax.annotate(mpl_text(text), (mk.x, mk.y), textcoords="offset points", xytext=(5, 6 * side),
                    va="bottom" if side > 0 else "top", fontsize=7, color=ink(ax, "text"), zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": ink(ax, "surface"), "ec": "none", "alpha": 0.85})
