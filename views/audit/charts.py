"""Charts of the audit findings (matplotlib, embedded).

The ``draw_*`` functions fill a matplotlib ``Figure`` from an ``AuditResult``;
they hold no Qt and are tested on a bare Figure. :class:`AuditChart` embeds one
of them: matplotlib is imported the first time the chart is drawn, and a chart
is drawn only when its tab is visible, so an import or a refresh never waits
on charts the user is not looking at.
"""
from __future__ import annotations

import math
from importlib import import_module
from typing import Callable, Mapping

from models.audit.analysis import INTAKE, AuditResult, Stage
from models.audit.heatmap import heatmap_matrix
from views.common.chart_canvas import LazyChartCanvas, ink
from views.common.palette import contrast

#: colour role of each kind (views.common.palette): worked on, waiting, left the flow
KIND_COLOURS = {"active": "series-1", "queue": "series-2", "done": "neutral"}
#: shades per kind for the cumulative flow diagram, in the same hue as the kind and cycled
#: when a kind has many statuses. Two statuses of one kind next to each other in the stack
#: take consecutive shades, so each shade differs clearly in lightness from the next (and
#: the last from the first): a WCAG contrast of at least 2 between them, tested.
KIND_SHADES = {
    "active": ("#2f6aa3", "#9cc3e6", "#17406b", "#5b93c9", "#d2e4f5"),
    "queue": ("#e07b22", "#f8cf8c", "#9c3f0c", "#f2a14f", "#5e2605"),
    "done": ("#5f8a6f", "#c2dacb", "#2f4a37"),
}
#: the two colours a heatmap cell's number may take: the one that reads better on the cell
CELL_INKS = ("#ffffff", "#212121")
MEDIAN_COLOUR = "ok"
P85_COLOUR = "danger"
FONT = 8.5


def tidy_axes(ax) -> None:
    ax.tick_params(axis="both", labelsize=FONT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _days(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f} d"
    return f"{x:.1f} d"


def short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# --------------------------------------------------------------------------- heatmap

def draw_heatmap(fig, result: AuditResult, stages: Mapping[str, Stage] | None = None) -> None:
    """Department × department: total days items waited in each handoff."""
    import numpy as np

    fig.clear()
    ax = fig.add_subplot(111)
    rows, cols, matrix = heatmap_matrix(result, stages)
    if not rows or not cols:
        empty_chart(ax, "No queue time: no item waited in a queue status.")
        return
    data = np.ma.masked_invalid(np.array([[math.nan if v is None else v for v in r] for r in matrix], dtype=float))
    cmap = _cmap("OrRd").with_extremes(bad=ink(fig, "grid"))
    image = ax.imshow(data, cmap=cmap, aspect="auto", vmin=0)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            v = matrix[i][j]
            if v is None:
                continue
            silo = r != INTAKE and r != c
            ax.text(j, i, _days(v), ha="center", va="center", fontsize=FONT,
                    color=cell_ink(image.to_rgba(v)), fontweight="bold" if silo else "normal",
                    fontstyle="normal" if silo else "italic")
    if rows and rows[-1] == INTAKE and len(rows) > 1:
        ax.axhline(len(rows) - 1.5, color=ink(ax, "muted"), linewidth=1.5)  # intake is not a department
    ax.set_xticks(range(len(cols)), [short(c) for c in cols], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [short(r) for r in rows])
    ax.set_xlabel("waiting for (queue status's department)", fontsize=FONT)
    ax.set_ylabel("handed over by (last active department)", fontsize=FONT)
    ax.set_title("Days waited at each handoff (bold: between departments, the silo tax; "
                 "italic: inside one department or at intake)", fontsize=FONT + 0.5, loc="left")
    ax.tick_params(axis="both", labelsize=FONT)
    ax.set_xticks([x - 0.5 for x in range(1, len(cols))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
    ax.grid(which="minor", color=ink(ax, "surface"), linewidth=2)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("days waited (all items)", fontsize=FONT)
    bar.ax.tick_params(labelsize=FONT)


def cell_ink(rgba) -> str:
    """The text colour (of ``CELL_INKS``) with the better contrast on a cell of colour *rgba*."""
    from matplotlib.colors import to_hex

    ground = to_hex(rgba)
    return max(CELL_INKS, key=lambda c: contrast(c, ground))


def _cmap(name: str):
    import matplotlib

    return matplotlib.colormaps[name]


# --------------------------------------------------------------------------- active vs queue

MAX_STATUS_BARS = 14


def department_days(result: AuditResult) -> list[tuple[str, float, float]]:
    """(department, active days, queue days), most total days first."""
    acc: dict[str, list[float]] = {}
    for s in result.statuses:
        pair = acc.setdefault(s.department, [0.0, 0.0])
        pair[0 if s.kind == "active" else 1] += s.total_days
    out = [(d, a, q) for d, (a, q) in acc.items()]
    out.sort(key=lambda t: (-(t[1] + t[2]), t[0]))
    return out


def draw_active_queue(fig, result: AuditResult) -> None:
    """Left: days per status (active and queue stacked, most first). Right: the same per department."""
    fig.clear()
    if not result.statuses:
        empty_chart(fig.add_subplot(111), "No time in active or queue statuses yet.")
        return
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    shown = list(result.statuses[:MAX_STATUS_BARS])[::-1]  # biggest at the top
    labels = [short(s.status, 26) for s in shown]
    active = [s.total_days if s.kind == "active" else 0.0 for s in shown]
    queue = [s.total_days if s.kind == "queue" else 0.0 for s in shown]
    y = range(len(shown))
    ax.barh(y, active, color=ink(ax, KIND_COLOURS["active"]), label="active (worked on)")
    ax.barh(y, queue, left=active, color=ink(ax, KIND_COLOURS["queue"]), label="queue (waiting)")
    ax.set_yticks(list(y), labels)
    ax.set_xlabel("days, all items", fontsize=FONT)
    hidden = len(result.statuses) - len(shown)
    ax.set_title("Days per status" + (f" (top {len(shown)}; {hidden} more in the table)" if hidden else ""),
                 fontsize=FONT + 0.5, loc="left")
    ax.legend(fontsize=FONT, frameon=False, loc="lower right")
    ax.grid(axis="x", color=ink(ax, "grid"), linewidth=0.6)
    ax.set_axisbelow(True)
    tidy_axes(ax)

    depts = department_days(result)[::-1]
    y2 = range(len(depts))
    a2 = [d[1] for d in depts]
    q2 = [d[2] for d in depts]
    ax2.barh(y2, a2, color=ink(ax2, KIND_COLOURS["active"]))
    ax2.barh(y2, q2, left=a2, color=ink(ax2, KIND_COLOURS["queue"]))
    ax2.set_yticks(list(y2), [short(d[0]) for d in depts])
    for i, (_d, a, q) in enumerate(depts):
        if a + q > 0:
            ax2.text(a + q, i, f" {100 * q / (a + q):.0f} % waiting", va="center", fontsize=FONT - 0.5,
                     color=ink(ax, "text"))
    ax2.set_xlabel("days, all items", fontsize=FONT)
    ax2.set_title("Per department", fontsize=FONT + 0.5, loc="left")
    ax2.margins(x=0.28)
    ax2.grid(axis="x", color=ink(ax2, "grid"), linewidth=0.6)
    ax2.set_axisbelow(True)
    tidy_axes(ax2)


# --------------------------------------------------------------------------- cumulative flow

def flow_colours(statuses, stages: Mapping[str, Stage]) -> list[str]:
    used = {k: 0 for k in KIND_SHADES}
    out = []
    for s in statuses:
        kind = stages[s].kind if s in stages else "queue"
        shades = KIND_SHADES[kind]
        out.append(shades[used[kind] % len(shades)])
        used[kind] += 1
    return out


def draw_cumulative_flow(fig, result: AuditResult, stages: Mapping[str, Stage]) -> None:
    """Items in each status at the end of each day, done at the bottom, the
    first statuses of the flow on top."""
    import matplotlib.dates as mdates

    fig.clear()
    ax = fig.add_subplot(111)
    flow = result.cumulative_flow
    if not flow.days:
        empty_chart(ax, "No items yet.")
        return
    order = list(flow.statuses)[::-1]  # stage-map order reversed: done at the bottom
    series = [flow.series(s) for s in order]
    colours = flow_colours(order, stages)
    x = [mdates.date2num(d) for d in flow.days]
    # a hairline of the background between bands: two shades next to each other stay two bands
    polys = ax.stackplot(x, series, colors=colours, labels=[short(s, 26) for s in order],
                         edgecolor=ink(ax, "surface"), linewidth=0.4)
    ax.set_xlim(x[0], x[-1] if len(x) > 1 else x[0] + 1)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %y"))
    ax.set_ylabel("items", fontsize=FONT)
    ax.set_title("Cumulative flow: items in each status at the end of each day "
                 "(widening bands = work piling up)", fontsize=FONT + 0.5, loc="left")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=FONT - 0.5,
              frameon=False)
    ax.grid(axis="y", color=ink(ax, "grid"), linewidth=0.6)
    tidy_axes(ax)
    return polys


# --------------------------------------------------------------------------- flow time

def draw_flow_time(fig, result: AuditResult) -> None:
    """Histogram of the flow time of finished items, median and 85th percentile marked."""
    fig.clear()
    ax = fig.add_subplot(111)
    times = result.flow_times
    if not times:
        empty_chart(ax, "No item has finished yet, so there is no flow time to show.")
        return
    bins = max(5, min(40, int(math.sqrt(len(times))) + 1))
    # the forecast's bars' colour: a quiet ground for the median and 85th percentile lines
    ax.hist(times, bins=bins, color=ink(ax, "neutral"), edgecolor=ink(ax, "surface"), linewidth=0.6)
    med, p85 = result.flow_time_median, result.flow_time_p85
    ax.axvline(med, color=ink(ax, MEDIAN_COLOUR), linewidth=1.8, label=f"median {_days(med)}")
    ax.axvline(p85, color=ink(ax, P85_COLOUR), linewidth=1.8, linestyle="--", label=f"85th percentile {_days(p85)}")
    ax.set_xlabel("flow time, days (first event to done, waiting included)", fontsize=FONT)
    ax.set_ylabel("finished items", fontsize=FONT)
    ax.set_title(f"Flow time of the {len(times):,} finished items: 85 % finished within {_days(p85)}",
                 fontsize=FONT + 0.5, loc="left")
    ax.legend(fontsize=FONT, frameon=False)
    ax.grid(axis="y", color=ink(ax, "grid"), linewidth=0.6)
    ax.set_axisbelow(True)
    tidy_axes(ax)


def empty_chart(ax, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=FONT + 1, color=ink(ax, "muted"),
            transform=ax.transAxes)


# --------------------------------------------------------------------------- the widget

#: (key, tab title, draw(fig, result, stages))
CHARTS: tuple[tuple[str, str, Callable], ...] = (
    ("heatmap", "Handoff heatmap", lambda fig, r, st: draw_heatmap(fig, r, st)),
    ("active_queue", "Active vs queue", lambda fig, r, st: draw_active_queue(fig, r)),
    ("flow", "Cumulative flow", lambda fig, r, st: draw_cumulative_flow(fig, r, st)),
    ("flow_time", "Flow time", lambda fig, r, st: draw_flow_time(fig, r)),
)


class AuditChart(LazyChartCanvas):
    """One chart of the analysis; draws (on the chart thread) when visible and its data changed."""

    def __init__(self, key: str, draw: Callable, parent=None):
        super().__init__(parent, figsize=(9, 4), min_height=0,
                         placeholder="The chart is drawn when the figures are ready.")
        self.key = key
        self._draw_result = draw
        self._data: tuple[AuditResult, Mapping[str, Stage]] | None = None

    def set_result(self, result: AuditResult | None, stages: Mapping[str, Stage]) -> None:
        data = (result, dict(stages)) if result is not None else None
        if data is not None and self._data is not None and data[0] is self._data[0] and data[1] == self._data[1]:
            return  # the same analysis: nothing to redraw
        self._data = data
        if data is None:
            self.plot(None)
            return
        draw, (result, stages) = self._draw_result, data
        self.plot(lambda fig: draw(fig, result, stages))


def prewarm() -> None:
    """Import matplotlib (≈0.5 s) on a worker thread before the first chart needs it."""
    for module in ("matplotlib.backends.backend_agg", "matplotlib.dates", "matplotlib.figure"):
        import_module(module)
