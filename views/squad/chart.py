"""The squad's charts: the progress chart (actual values, the straight target
path, the least-squares forecast once there are three points, and confidence
and morale underneath) and the metric's process-behaviour chart (XmR: the
check-ins, their centre line and natural process limits, the signals marked
as improvement or warning).

Drawn on the chart thread (see ``views.common.chart_canvas``).
"""
from __future__ import annotations

from datetime import date, timedelta

from views.common.chart_canvas import LazyChartCanvas, ink, mpl_text

from models.core.behaviour import MIN_POINTS, XmR
from models.squad.behaviour import SquadBehaviour
from models.squad.entities import CHECKIN
from models.squad.metrics import MIN_FORECAST_POINTS
from models.squad.service import SquadState, format_value

ACTUAL = "series-1"
TARGET = "muted"
FORECAST = "series-2"
CONFIDENCE = "neutral"
MORALE = "series-3"
TODAY = "danger"


_plain = mpl_text
#: the widest a confidence bar is, in days, and the share of the gap between two check-ins it may fill
BAR_DAYS, BAR_SHARE = 2.5, 0.7
#: headroom above the confidence and morale scales for their legend, as a share of the scale
LEGEND_ROOM = 0.45
#: the gap, in points, between the labels at the end of the target and forecast lines
LABEL_GAP = 1.5


def bar_width(days: list[date]) -> float:
    """Confidence bars as wide as ``BAR_DAYS``, narrower when check-ins are closer, so that two
    bars never overlap (check-ins on the same day share one bar's place)."""
    distinct = sorted(set(days))
    gaps = [(b - a).days for a, b in zip(distinct, distinct[1:])]
    return min([BAR_DAYS] + [BAR_SHARE * g for g in gaps])


def end_labels(ax, x: float, ends: list[tuple[float, str, str]]) -> None:
    """Label the ends of the target and forecast lines at *x* (value, text, colour role). Two ends
    close together ("target 2.80", "forecast 2.79") would print over each other: the higher
    label sits above its point and the lower one below, so they never overlap."""
    order = sorted(ends, key=lambda e: e[0])
    for i, (value, text, role) in enumerate(order):
        if len(order) == 1:
            va, dy = "center", 0.0
        elif i == len(order) - 1:
            va, dy = "bottom", LABEL_GAP
        else:
            va, dy = "top", -LABEL_GAP
        ax.annotate(text, (x, value), textcoords="offset points", xytext=(9, dy), ha="left", va=va, fontsize=8,
                    color=ink(ax, role))


class SquadChartCanvas(LazyChartCanvas):
    def __init__(self, parent=None):
        super().__init__(parent, figsize=(9, 4), min_height=260)

    def set_state(self, state: SquadState) -> None:
        self.plot(lambda fig: draw_squad(fig, state))


def draw_squad(fig, state: SquadState) -> None:
    """Actual values, the target path and forecast; confidence and morale underneath."""
    import matplotlib.dates as mdates

    sq, f, as_of = state.squad, state.figures, state.as_of
    metric = sq.metric
    if metric is None or f is None:
        ax = fig.add_subplot(111)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "The chart appears once the metric has a baseline and a target\n"
                "(Edit charter on the Charter tab).", ha="center", va="center", fontsize=10,
                color=ink(fig, "muted"), transform=ax.transAxes)
        return

    grid = fig.add_gridspec(2, 1, height_ratios=(3, 1.2))
    ax = fig.add_subplot(grid[0])
    low = fig.add_subplot(grid[1], sharex=ax)
    num = mdates.date2num
    seen = [c for c in state.checkins if c.date <= as_of]
    start, end = metric.baseline_date, metric.target_date

    # target path and the target itself
    ax.plot([num(start), num(end)], [metric.baseline, metric.target], color=ink(fig, TARGET), linestyle="--",
            linewidth=1.2, label="Target path")
    ax.plot(num(end), metric.target, marker="*", markersize=13, color=ink(fig, TARGET), linestyle="none")
    ends = [(metric.target, f"target {format_value(metric.target)}", TARGET)]
    # forecast: the least-squares line from the baseline date to the target date
    if f.slope is not None:
        xs = [start, end]
        ys = [f.intercept + f.slope * (d - start).days for d in xs]
        ax.plot([num(d) for d in xs], ys, color=ink(fig, FORECAST), linestyle=":", linewidth=2,
                label="Forecast (least squares)")
        ax.plot(num(end), f.forecast, marker="o", markersize=6, color=ink(fig, FORECAST), linestyle="none")
        ends.append((f.forecast, f"forecast {format_value(f.forecast)}", FORECAST))
    end_labels(ax, num(end), ends)
    if f.slope is None:
        ax.text(0.99, 0.03, f"No forecast line yet: a straight line needs {MIN_FORECAST_POINTS} points "
                "(the baseline and two check-ins).", transform=ax.transAxes, ha="right", va="bottom",
                fontsize=8, color=ink(fig, "muted"))
    # actual values: the baseline, then every check-in up to the as-of date
    xs = [num(start)] + [num(c.date) for c in seen]
    ys = [metric.baseline] + [c.value for c in seen]
    ax.plot(xs, ys, color=ink(fig, ACTUAL), marker="o", markersize=5, linewidth=2, label="Actual (from the baseline)")
    for a in (ax, low):
        a.axvline(num(as_of), color=ink(fig, TODAY), linewidth=1.2, zorder=1)
    ax.annotate("today" if as_of == date.today() else as_of.isoformat(), (num(as_of), 1.0), xycoords=("data", "axes fraction"), color=ink(fig, TODAY),
                ha="center", va="bottom", fontsize=8)
    unit = f" ({sq.metric_unit})" if sq.metric_unit else ""
    ax.set_ylabel(_plain(f"{sq.metric_name or 'Metric'}{unit}"), fontsize=9)
    ax.legend(loc="best", fontsize=8, frameon=False)
    ax.grid(color=ink(fig, "grid"), linewidth=0.6)
    ax.tick_params(axis="x", labelbottom=False)

    # confidence (bars) and morale (line) on a second axis, scaled to their declared ranges, with
    # headroom above both for the legend, so it never covers a bar or the line
    conf, morale = CHECKIN.field("confidence"), CHECKIN.field("morale")
    if seen:
        low.bar([num(c.date) for c in seen], [c.confidence for c in seen], width=bar_width([c.date for c in seen]),
                color=ink(fig, CONFIDENCE), label=f"Confidence ({conf.low:g}–{conf.high:g})")
    low.set_ylim(conf.low, conf.high + LEGEND_ROOM * (conf.high - conf.low))
    low.set_yticks([conf.low, (conf.low + conf.high) / 2, conf.high])
    low.set_ylabel("Confidence", fontsize=8)
    mor = low.twinx()
    if seen:
        mor.plot([num(c.date) for c in seen], [c.morale for c in seen], color=ink(fig, MORALE), marker="s",
                 markersize=4, linewidth=1.5, label=f"Morale ({morale.low:g}–{morale.high:g})")
    mor.set_ylim(morale.low - 0.5, morale.high + 0.5 + LEGEND_ROOM * (morale.high - morale.low + 1))
    mor.set_yticks([morale.low, (morale.low + morale.high) / 2, morale.high])
    mor.set_ylabel("Morale", fontsize=8, color=ink(fig, MORALE))
    low.spines["left"].set_bounds(conf.low, conf.high)  # the headroom is for the legend, not the scale
    mor.spines["right"].set_bounds(morale.low, morale.high)
    mor.tick_params(axis="y", labelsize=8, colors=ink(fig, MORALE))
    handles = low.get_legend_handles_labels()[0] + mor.get_legend_handles_labels()[0]
    if handles:
        low.legend(handles=handles, loc="upper left", fontsize=7, frameon=False, ncols=2)
    low.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=1
                                                      if (end - start).days <= 63 else 2))
    low.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    # room on the right for the "target" and "forecast" labels
    span = (max(end, as_of) - start).days
    low.set_xlim(num(start - timedelta(days=2)), num(max(end, as_of) + timedelta(days=max(8, span // 6))))
    for a in (ax, low, mor):
        a.tick_params(labelsize=8)
        for side in ("top",):
            a.spines[side].set_visible(False)
    ax.spines["right"].set_visible(False)


# --------------------------------------------------------------------------- process behaviour

POINT, IMPROVEMENT, WARNING, LIMIT, CENTRE = "series-1", "ok", "danger", "warning", "muted"


class BehaviourChartCanvas(LazyChartCanvas):
    def __init__(self, parent=None):
        super().__init__(parent, figsize=(9, 4), min_height=260)

    def set_behaviour(self, behaviour: SquadBehaviour, label: str) -> None:
        self.plot(lambda fig: draw_behaviour(fig, behaviour, label), has_data=behaviour.chart is not None)


def point_role(chart: XmR, i: int) -> str:
    """A point's colour: in an improvement signal, in a warning (or a signal of a metric
    with no good direction), or routine."""
    signals = chart.signals_at(i)
    if not signals:
        return POINT
    return IMPROVEMENT if all(s.improvement for s in signals) else WARNING


def draw_behaviour(fig, behaviour: SquadBehaviour, label: str) -> None:
    """The check-ins in date order with the centre line, the natural process limits
    (mean ± 2.66 × mean moving range) and the half-way lines the 3-of-4 rule reads."""
    import matplotlib.dates as mdates

    ax = fig.add_subplot(111)
    chart = behaviour.chart
    if chart is None:
        ax.set_axis_off()
        ax.text(0.5, 0.5, behaviour.missing, ha="center", va="center", fontsize=10, color=ink(fig, "muted"),
                transform=ax.transAxes, wrap=True)
        return
    xs = [mdates.date2num(d) for d in behaviour.dates]
    ax.plot(xs, chart.values, color=ink(fig, POINT), linewidth=1.4, zorder=2)
    for i, (x, v) in enumerate(zip(xs, chart.values)):
        role = point_role(chart, i)
        ax.plot(x, v, marker="o" if role == POINT else "D", markersize=6 if role == POINT else 8,
                color=ink(fig, role), linestyle="none", zorder=3)
    for y, role, style, text in ((chart.upper, LIMIT, "--", "upper limit"), (chart.centre, CENTRE, "-", "centre"),
                                 (chart.lower, LIMIT, "--", "lower limit")):
        ax.axhline(y, color=ink(fig, role), linestyle=style, linewidth=1.3, zorder=1)
        ax.annotate(f"{text} {format_value(y)}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8, color=ink(fig, role))
    for y in (chart.upper_mid, chart.lower_mid):
        ax.axhline(y, color=ink(fig, "grid"), linestyle=":", linewidth=1, zorder=1)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_ylabel(_plain(label), fontsize=9)
    improvements = sum(1 for s in chart.signals if s.improvement)
    warnings = len(chart.signals) - improvements
    ax.set_title(f"Process behaviour of {len(chart.values)} check-ins (at least {MIN_POINTS}): "
                 f"{improvements} improvement signal{'s' if improvements != 1 else ''}, "
                 f"{warnings} warning{'s' if warnings != 1 else ''}", fontsize=9, loc="left")
    ax.grid(axis="x", color=ink(fig, "grid"), linewidth=0.6)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
