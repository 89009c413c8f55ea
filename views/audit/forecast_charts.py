"""Charts of the Forecast, Ageing and What-if tabs (matplotlib, drawn on the chart thread).

Each ``draw_*`` function fills a bare ``Figure`` from the model's frozen result
(``models.audit.forecast``, ``ageing``, ``whatif``) and takes its colours by
role (``ink``), so it follows the light or dark scheme; none holds Qt.
"""
from __future__ import annotations

from models.audit.ageing import AT_RISK_PERCENTILE, Ageing
from models.audit.forecast import CONFIDENCE, Forecast, Histogram
from models.audit.whatif import SimFigures, Spread, WhatIf
from views.audit.charts import FONT, empty_chart, short, tidy_axes
from views.common.chart_canvas import ink, mpl_text

#: colour role of each confidence: a coin flip is a risk, 85 % a commitment, 95 % safe
CONFIDENCE_ROLES = {50: "warning", 85: "ok", 95: "info"}
#: where each line's label sits, as a fraction of the axes' height
MARK_HEIGHTS = {50: 0.98, 85: 0.88, 95: 0.78}
BAR = "neutral"


def _bars(ax, histogram: Histogram, x_of=lambda v: v) -> None:
    """Trials per outcome, as a share of all trials: one step per whole outcome."""
    total = sum(histogram.trials) or 1
    edges = [x_of(v - 0.5) for v in histogram.values] + [x_of(histogram.values[-1] + 0.5)]
    ax.stairs([100 * t / total for t in histogram.trials], edges, fill=True, color=ink(ax, BAR))
    ax.set_ylabel("share of trials, %", fontsize=FONT)
    ax.grid(axis="y", color=ink(ax, "grid"), linewidth=0.6)
    ax.set_axisbelow(True)
    tidy_axes(ax)


def _marks(ax, marks: list[tuple[int, float]]) -> None:
    """A vertical line per confidence, labelled "85 %" at the top in its colour (the
    figures beside the chart name the same colours), at staggered heights. The leftmost
    line's label sits on its left, the others on their right: no label crosses another line."""
    leftmost = min((x for _q, x in marks), default=None)
    for q, x in marks:
        role = CONFIDENCE_ROLES[q]
        left = x == leftmost and len(marks) > 1
        ax.axvline(x, color=ink(ax, role), linewidth=1.8, linestyle="-" if q == 85 else "--")
        ax.annotate(f"{q} %", (x, MARK_HEIGHTS[q]), xycoords=("data", "axes fraction"), xytext=(-3 if left else 3, 0),
                    textcoords="offset points", ha="right" if left else "left", va="top", fontsize=FONT - 0.5,
                    color=ink(ax, role), fontweight="bold")


def draw_how_many(ax, fc: Forecast) -> None:
    hm = fc.how_many
    if hm.days == 0:
        empty_chart(ax, f"{hm.until:%d %b %Y} is not after the as-of date {fc.as_of:%d %b %Y}:\nno day left to forecast.")
        return
    _bars(ax, hm.histogram)
    _marks(ax, [(q, getattr(hm, f"p{q}")) for q in CONFIDENCE])
    ax.set_xlabel(f"items done by {hm.until:%d %b %Y}", fontsize=FONT)
    ax.set_title(f"How many by {hm.until:%d %b}", fontsize=FONT + 0.5, loc="left")


def draw_when(ax, fc: Forecast) -> None:
    import matplotlib.dates as mdates

    wh = fc.when
    if wh.p50 is None and not wh.histogram.values:
        empty_chart(ax, wh.reason or "No forecast.")
        return
    start = fc.as_of.date()
    _bars(ax, wh.histogram, lambda days: mdates.date2num(start) + days)
    _marks(ax, [(q, mdates.date2num(getattr(wh, f"p{q}"))) for q in CONFIDENCE if getattr(wh, f"p{q}") is not None])
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_xlabel("day the last of them is done", fontsize=FONT)
    ax.set_title(f"When will {wh.items:,} be done", fontsize=FONT + 0.5, loc="left")


def draw_run_chart(ax, fc: Forecast) -> None:
    """The window's daily completions in order, with their mean: the pace the trials draw from."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    tp = fc.throughput
    xs = [mdates.date2num(d) for d in tp.days]
    ax.plot(xs, tp.counts, color=ink(ax, "series-1"), marker="o", markersize=3, linewidth=1.2,
            label="items done that day")
    ax.axhline(tp.per_day_mean, color=ink(ax, "muted"), linestyle="--", linewidth=1.2,
               label=f"mean {tp.per_day_mean:.2f} a day")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_ylabel("items done", fontsize=FONT)
    ax.set_title(f"Throughput: {tp.completed:,} done in the {tp.window_days} days to {tp.days[-1]:%d %b}",
                 fontsize=FONT + 0.5, loc="left")
    ax.legend(fontsize=FONT - 0.5, frameon=False, loc="upper left")
    ax.grid(axis="y", color=ink(ax, "grid"), linewidth=0.6)
    tidy_axes(ax)


def draw_forecast(fig, fc: Forecast) -> None:
    """Top: the outcomes of both questions over the trials, their 50, 85 and 95 %
    marked; bottom: the run chart of the days the trials draw from."""
    fig.clear()
    grid = fig.add_gridspec(2, 2, height_ratios=(3, 2))
    draw_how_many(fig.add_subplot(grid[0, 0]), fc)
    draw_when(fig.add_subplot(grid[0, 1]), fc)
    draw_run_chart(fig.add_subplot(grid[1, :]), fc)


# --------------------------------------------------------------------------- ageing

BAND_ROLES = {50: "ok-bg", 70: "warning-bg", 85: "danger-bg"}
GOLDEN = 0.6180339887498949


def ageing_points(ageing: Ageing) -> list[tuple[float, float, bool]]:
    """(x, age in days, at risk) per item: a column per status, items of one status
    spread across their column so equal ages stay visible."""
    out = []
    for col, status in enumerate(ageing.statuses):
        items = ageing.in_status(status)
        for k, item in enumerate(items):
            # a low-discrepancy spread: scattered, never in a line, the same on every draw
            offset = 0.0 if len(items) == 1 else 0.6 * ((k * GOLDEN) % 1.0 - 0.5)
            out.append((col + offset, item.age_days, item.at_risk))
    return out


def draw_ageing(fig, ageing: Ageing) -> None:
    """Each item in progress as a dot in its status's column at its age, over the bands
    of the finished items' flow times; dots above the 85th percentile are at risk."""
    fig.clear()
    ax = fig.add_subplot(111)
    if not ageing.items:
        empty_chart(ax, "No item is in progress: every item in the log is done.")
        return
    points = ageing_points(ageing)
    top = max(age for _x, age, _r in points)
    bands = ageing.bands
    if bands is not None:
        lower = 0.0
        for q, days in bands.pairs():
            if q in BAND_ROLES:
                ax.axhspan(lower, days, color=ink(ax, BAND_ROLES[q]), linewidth=0, zorder=0)
            ax.axhline(days, color=ink(ax, "danger" if q >= AT_RISK_PERCENTILE else "muted"),
                       linewidth=1.4 if q == AT_RISK_PERCENTILE else 0.8,
                       linestyle="-" if q == AT_RISK_PERCENTILE else ":", zorder=1)
            ax.annotate(f"{q} %: {days:.1f} d", (1.0, days), xycoords=("axes fraction", "data"),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=FONT - 0.5,
                        color=ink(ax, "danger" if q >= AT_RISK_PERCENTILE else "muted"))
            lower = days
        top = max(top, bands.p95)
    safe = [(x, a) for x, a, risk in points if not risk]
    risky = [(x, a) for x, a, risk in points if risk]
    if safe:
        ax.scatter(*zip(*safe), s=18, color=ink(ax, "series-1"), zorder=3, label="in progress")
    if risky:
        ax.scatter(*zip(*risky), s=26, color=ink(ax, "danger"), marker="D", zorder=3,
                   label=f"at risk (older than the {AT_RISK_PERCENTILE}th percentile)")
    ax.set_xticks(range(len(ageing.statuses)), [mpl_text(short(s, 18)) for s in ageing.statuses],
                  rotation=30, ha="right")
    ax.set_xlim(-0.6, len(ageing.statuses) - 0.4)
    ax.set_ylim(0, top * 1.3)  # headroom for the legend
    ax.set_ylabel("age, days (since the item's first row)", fontsize=FONT)
    ax.set_title(f"Ageing work in progress: {len(ageing.items):,} items, {len(ageing.at_risk):,} at risk",
                 fontsize=FONT + 0.5, loc="left")
    ax.legend(fontsize=FONT - 0.5, frameon=False, loc="upper left", ncols=2)
    tidy_axes(ax)


# --------------------------------------------------------------------------- what-if

AS_IS, TO_BE, MEASURED = "series-4", "series-1", "danger"


#: a bar's number steps over the measured line when the line is this close above the whisker
#: (a share of the axis's height)
LINE_CLEARANCE = 0.09


def _spread_bar(ax, x: float, spread: Spread, role: str, top: float, measured: float | None) -> None:
    if spread.mean is None:
        return
    ax.bar([x], [spread.mean], width=0.6, color=ink(ax, role))
    ax.errorbar([x], [spread.mean], yerr=[[spread.mean - spread.low], [spread.high - spread.mean]],
                color=ink(ax, "text"), capsize=4, linewidth=1)
    # the mean above the whisker; above the measured line too when that line would cross it
    at = spread.high
    if measured is not None and at <= measured <= at + LINE_CLEARANCE * top:
        at = measured
    ax.annotate(f"{spread.mean:.1f}", (x, at), xytext=(0, 2), textcoords="offset points",
                ha="center", va="bottom", fontsize=FONT - 0.5, color=ink(ax, "text"))


def draw_whatif(fig, w: WhatIf) -> None:
    """As is and to be, per figure: the mean over the replications with their range,
    and what the log measured."""
    fig.clear()
    axes = fig.subplots(1, 3)
    panels = (("flow_time_p50", "Median flow time, d", w.measured_flow_time_p50),
              ("flow_time_p85", "85th pct flow time, d", None),
              ("throughput_per_week", "Items done per week", w.measured_throughput_per_week))
    for ax, (key, title, measured) in zip(axes, panels):
        figures: list[tuple[SimFigures | None, str]] = [(w.as_is, AS_IS), (w.to_be, TO_BE)]
        highs = [getattr(sim, key).high for sim, _role in figures if sim is not None]
        top = 1.2 * max([h for h in highs if h is not None] + ([measured] if measured is not None else []) + [1.0])
        for x, (sim, role) in enumerate(figures):
            if sim is not None:
                _spread_bar(ax, x, getattr(sim, key), role, top, measured)
        if w.to_be is None:
            ax.text(1, 0, "no to-be:\nthe model\ncheck failed", ha="center", va="bottom", fontsize=FONT - 0.5,
                    color=ink(ax, "danger"))
        if measured is not None:
            ax.axhline(measured, color=ink(ax, MEASURED), linestyle="--", linewidth=1.2,
                       label=f"measured {measured:.1f}")
            title = f"{title}\nmeasured: {measured:.1f}"
        ax.set_xticks([0, 1], ["as is", "to be"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylim(0, top)  # room above the whiskers for the means
        ax.set_title(title, fontsize=FONT + 0.5, loc="left")
        ax.grid(axis="y", color=ink(ax, "grid"), linewidth=0.6)
        ax.set_axisbelow(True)
        tidy_axes(ax)
    # the measured value is in each title: no legend to sit on a bar
    fig.suptitle(f"{w.replications} replications each; bars: mean, whiskers: lowest to highest; "
                 "dashed: measured in the log",
                 fontsize=FONT, color=ink(fig, "muted"), x=0.01, ha="left")
