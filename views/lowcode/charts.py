"""The Low-code page's charts: the weekly self-serve share against the target,
lead time by route, and the Pareto of reasons a developer was needed.

Drawn on the chart thread (see ``views.common.chart_canvas``); never pyplot. Each chart draws from a ``LowcodeState``.
"""
from __future__ import annotations

from views.common.chart_canvas import LazyChartCanvas, ink, mpl_text

from models.lowcode.service import LowcodeState

SELF_SERVE = "ok"
DEVELOPER = "series-2"
BELOW = "neutral"
TARGET = "danger"
GRID = "grid"
MUTED = "muted"


_plain = mpl_text


class LowcodeChart(LazyChartCanvas):
    """A lowcode chart; subclasses implement ``draw_state``."""

    def __init__(self, parent=None):
        super().__init__(parent, figsize=(9, 3.6), min_height=220)

    def set_state(self, state: LowcodeState) -> None:
        self.plot(lambda fig: self.draw_state(fig, state))

    def draw_state(self, fig, state: LowcodeState) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def empty(fig, text: str) -> None:
        ax = fig.add_subplot(111)
        ax.set_axis_off()
        ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=10, color=ink(ax, MUTED), transform=ax.transAxes)

    @staticmethod
    def tidy(ax) -> None:
        ax.tick_params(labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_axisbelow(True)


class WeeklyShareChart(LowcodeChart):
    """One bar per ISO week: the self-serve share of that week's deliveries, the
    target as a dashed line, and the rolling 4-week share."""

    def draw_state(self, fig, state: LowcodeState) -> None:
        import matplotlib.dates as mdates
        from matplotlib.ticker import PercentFormatter

        f = state.figures
        weeks = f.weekly_share
        if not weeks:
            self.empty(fig, "No request delivered yet: the weekly self-serve share appears with the first "
                            "delivery.")
            return
        ax = fig.add_subplot(111)
        xs = [mdates.date2num(w.week_start) + 3 for w in weeks]  # the middle of the week
        shares = [(w.share or 0) * 100 for w in weeks]
        colours = [ink(fig, SELF_SERVE if w.share is not None and w.share >= f.target_share else BELOW)
                   for w in weeks]
        bars = ax.bar(xs, shares, width=5.2, color=colours, label="Self-serve share of the week's deliveries")
        # the week containing the as-of date is not over: show it lighter, "so far"
        partial = (state.as_of - weeks[-1].week_start).days < 6
        if partial:
            bars[-1].set_alpha(0.45)
            bars[-1].set_hatch("//")
        for i, (x, w) in enumerate(zip(xs, weeks)):
            label = f"{w.self_serve}/{w.delivered}" if w.delivered else "none"
            if partial and i == len(weeks) - 1:
                label += "\nso far"
            y = (w.share or 0) * 100
            # over the target line, on a patch of the ground: the line never crosses a count
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(0, 2), ha="center", va="bottom",
                        fontsize=7, color=ink(ax, "text"), zorder=6,
                        bbox={"boxstyle": "round,pad=0.12", "fc": ink(ax, "surface"), "ec": "none"})
        rolling = state.rolling_share()
        if rolling:
            ax.plot([mdates.date2num(d) for d, _s in rolling], [share * 100 for _d, share in rolling],
                    color=ink(ax, "series-1"), linewidth=1.8, marker="o", markersize=3, label="Last 4 weeks (rolling)")
        ax.axhline(f.target_share * 100, color=ink(ax, TARGET), linestyle="--", linewidth=1.3,
                   label=f"Target {f.target_share:.0%}", zorder=2)
        ax.set_ylim(0, 109)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_ylabel("Self-serve share", fontsize=9)
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=2 if len(weeks) > 10 else 1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        ax.set_xlim(xs[0] - 4, xs[-1] + 4)
        ax.grid(axis="y", color=ink(ax, GRID), linewidth=0.6)
        ax.set_title("Weekly self-serve share of delivered requests (weeks start on Monday)", fontsize=9,
                     loc="left", color=ink(ax, MUTED))
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
        self.tidy(ax)


class LeadTimeChart(LowcodeChart):
    """Lead time (requested → delivered, days) per route: a box with every request as a dot."""

    ROUTES = (("self_serve", "Self-serve", SELF_SERVE), ("developer", "Developer", DEVELOPER))

    def draw_state(self, fig, state: LowcodeState) -> None:
        f = state.figures
        data = [f.lead_days_by_route[k] for k, _label, _c in self.ROUTES]
        if not any(data):
            self.empty(fig, "No request delivered yet: lead times appear with the first delivery.")
            return
        ax = fig.add_subplot(111)
        positions = [i + 1 for i, values in enumerate(data) if values]
        shown = [values for values in data if values]
        box = ax.boxplot(shown, positions=positions, orientation="horizontal", widths=0.5, showfliers=False,
                         patch_artist=True, medianprops={"color": ink(fig, "text"), "linewidth": 1.5})
        colours = [ink(fig, c) for (_k, _l, c), values in zip(self.ROUTES, data) if values]
        for patch, colour in zip(box["boxes"], colours):
            patch.set_facecolor(colour)
            patch.set_alpha(0.25)
            patch.set_edgecolor(colour)
        for (key, _label, role), pos, values in zip(self.ROUTES, range(1, 3), data):
            if not values:
                continue
            colour = ink(fig, role)
            # spread equal values a little so every request shows (deterministic, no randomness)
            counts: dict[int, int] = {}
            ys = []
            for v in values:
                n = counts.get(v, 0)
                counts[v] = n + 1
                ys.append(pos + ((n % 5) - 2) * 0.06)
            ax.scatter(values, ys, s=14, color=colour, alpha=0.8, zorder=3, linewidths=0)
            median = f.median_lead_days[key]
            ax.annotate(f"median {median:g} d · {len(values)} delivered", (max(values), pos),
                        textcoords="offset points", xytext=(8, 0), va="center", fontsize=8, color=colour)
        ax.set_yticks([1, 2], ["Self-serve", "Developer"])
        ax.set_ylim(0.4, 2.6)
        right = max(max(v) for v in data if v)
        ax.set_xlim(-0.5, right * 1.45 + 2)
        ax.set_xlabel("Lead time, requested → delivered (calendar days)", fontsize=9)
        ax.grid(axis="x", color=ink(ax, GRID), linewidth=0.6)
        ax.set_title("Lead time by route (every delivered request is a dot)", fontsize=9, loc="left", color=ink(ax, MUTED))
        self.tidy(ax)


class ReasonsChart(LowcodeChart):
    """Why developers were needed: counts ranked, with the cumulative share (a Pareto)."""

    def draw_state(self, fig, state: LowcodeState) -> None:
        from matplotlib.ticker import MaxNLocator, PercentFormatter

        rows = state.figures.top_reasons
        if not rows:
            self.empty(fig, "No developer-route request yet: the reasons appear here, ranked, as the backlog "
                            "of components to build next.")
            return
        ax = fig.add_subplot(111)
        xs = list(range(len(rows)))
        ax.bar(xs, [r.count for r in rows], color=ink(ax, DEVELOPER), width=0.6, label="Developer requests")
        for x, r in zip(xs, rows):
            ax.annotate(str(r.count), (x, r.count), textcoords="offset points", xytext=(0, 2), ha="center",
                        fontsize=8)
        ax.set_xticks(xs, [_plain(r.reason).replace(" or ", " or\n", 1) for r in rows], fontsize=8)
        ax.set_ylabel("Developer requests", fontsize=9)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(r.count for r in rows) * 1.18)
        cum = ax.twinx()
        cum.plot(xs, [r.cumulative_share * 100 for r in rows], color=ink(ax, "series-4"), marker="o", markersize=4,
                 linewidth=1.5, label="Cumulative share")
        cum.axhline(80, color=ink(ax, MUTED), linestyle=":", linewidth=1)
        cum.set_ylim(0, 105)
        cum.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        cum.tick_params(labelsize=8)
        cum.spines["top"].set_visible(False)
        handles = ax.get_legend_handles_labels()[0] + cum.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="center right", fontsize=8, frameon=False)
        ax.grid(axis="y", color=ink(ax, GRID), linewidth=0.6)
        ax.set_title("Why a developer was needed (all developer requests so far): build the left-most first",
                     fontsize=9, loc="left", color=ink(ax, MUTED))
        self.tidy(ax)
