"""The roadmap timeline: the three phases, milestones and a today line.

Drawn on the chart thread (see ``views.common.chart_canvas``).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence


from models.plan.service import MilestoneInfo, PhaseInfo, PlanInfo
from models.plan.schema import STEP_NAMES, STEPS
from views.common.chart_canvas import LazyChartCanvas, ink
from views.plan.milestone_table import STATUS_COLOURS

PHASE_COLOURS = {"audit": "#5b7db1", "squad": "#d9893b", "lowcode": "#5a9e6f"}
MARKERS = {"done": "o", "in progress": "D", "not started": "o", "blocked": "X"}


class TimelineCanvas(LazyChartCanvas):
    def __init__(self, parent=None):
        super().__init__(parent, figsize=(9, 2.4), min_height=190, placeholder="Loading the timeline…")

    def set_data(self, plan: PlanInfo, phases: Sequence[PhaseInfo],
                 milestones: Sequence[MilestoneInfo], as_of: date) -> None:
        phases, milestones = tuple(phases), tuple(milestones)
        self.plot(lambda fig: draw_timeline(fig, plan, phases, milestones, as_of))


def draw_timeline(fig, plan: PlanInfo, phases: Sequence[PhaseInfo], milestones: Sequence[MilestoneInfo],
                  as_of: date) -> None:
    """The phases as bars, the milestones as markers, today and the plan's end as lines."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    ax = fig.add_subplot(111)
    order = {s: i for i, s in enumerate(STEPS)}
    rows = {ph.step: len(STEPS) - 1 - order[ph.step] for ph in phases}
    for ph in phases:
        y = rows[ph.step]
        ax.barh(y, (ph.end - ph.start).days + 1, left=mdates.date2num(ph.start), height=0.5,
                color=PHASE_COLOURS[ph.step], alpha=0.35, edgecolor=PHASE_COLOURS[ph.step])
    for m in milestones:
        y = rows.get(m.step)
        if y is None:
            continue
        overdue = m.is_overdue(as_of)
        ax.plot(mdates.date2num(m.due), y, marker=MARKERS[m.status], markersize=8,
                color=STATUS_COLOURS[m.status], markeredgecolor=ink(ax, "danger") if overdue else ink(ax, "surface"),
                markeredgewidth=2 if overdue else 1, linestyle="none", zorder=3)
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
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.tick_params(axis="both", labelsize=8)
    ax.grid(axis="x", color=ink(ax, "grid"), linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend = [Line2D([], [], marker=MARKERS[s], color=STATUS_COLOURS[s], linestyle="none", label=s)
              for s in STATUS_COLOURS]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
