"""The squad's progress chart: actual values, the straight target path, the
least-squares forecast, and confidence and morale underneath.

Drawn on the chart thread (see ``views.common.chart_canvas``).
"""
from __future__ import annotations

from datetime import date, timedelta

from views.common.chart_canvas import LazyChartCanvas, ink, mpl_text

from models.squad.entities import CHECKIN
from models.squad.service import SquadState, format_value

ACTUAL = "series-1"
TARGET = "muted"
FORECAST = "series-2"
CONFIDENCE = "neutral"
MORALE = "series-3"
TODAY = "danger"


_plain = mpl_text


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
    ax.annotate(f"target {format_value(metric.target)}", (num(end), metric.target),
                textcoords="offset points", xytext=(9, 0), ha="left", va="center", fontsize=8, color=ink(fig, TARGET))
    # forecast: the least-squares line from the baseline date to the target date
    if f.slope is not None:
        xs = [start, end]
        ys = [f.intercept + f.slope * (d - start).days for d in xs]
        ax.plot([num(d) for d in xs], ys, color=ink(fig, FORECAST), linestyle=":", linewidth=2,
                label="Forecast (least squares)")
        ax.plot(num(end), f.forecast, marker="o", markersize=6, color=ink(fig, FORECAST), linestyle="none")
        ax.annotate(f"forecast {format_value(f.forecast)}", (num(end), f.forecast),
                    textcoords="offset points", xytext=(9, 0), ha="left", va="center", fontsize=8,
                    color=ink(fig, FORECAST))
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
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.grid(color=ink(fig, "grid"), linewidth=0.6)
    ax.tick_params(axis="x", labelbottom=False)

    # confidence (bars) and morale (line) on a second axis, scaled to their declared ranges
    conf, morale = CHECKIN.field("confidence"), CHECKIN.field("morale")
    if seen:
        low.bar([num(c.date) for c in seen], [c.confidence for c in seen], width=2.5,
                color=ink(fig, CONFIDENCE), label=f"Confidence ({conf.low:g}–{conf.high:g})")
    low.set_ylim(conf.low, conf.high)
    low.set_yticks([conf.low, (conf.low + conf.high) / 2, conf.high])
    low.set_ylabel("Confidence", fontsize=8)
    mor = low.twinx()
    if seen:
        mor.plot([num(c.date) for c in seen], [c.morale for c in seen], color=ink(fig, MORALE), marker="s",
                 markersize=4, linewidth=1.5, label=f"Morale ({morale.low:g}–{morale.high:g})")
    mor.set_ylim(morale.low - 0.5, morale.high + 0.5)
    mor.set_yticks([morale.low, (morale.low + morale.high) / 2, morale.high])
    mor.set_ylabel("Morale", fontsize=8, color=ink(fig, MORALE))
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
