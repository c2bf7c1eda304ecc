"""Charts: plain data from the selectors and the progress layer in, SVG out.

matplotlib's object API (Figure, no pyplot) keeps rendering free of global state, so requests
can render side by side. Every chart has its numbers as a table on the page as well.
"""

import datetime
import hashlib
import io

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.dates import AutoDateLocator, DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from taalpad.cefr import Level, Skill

SKILL_COLOURS = {
    Skill.LISTENING: "#1d4e89",
    Skill.READING: "#c2410c",
    Skill.SPOKEN_INTERACTION: "#15803d",
    Skill.SPOKEN_PRODUCTION: "#7e22ce",
    Skill.WRITING: "#a16207",
}
SKILL_MARKERS = {
    Skill.LISTENING: "o",
    Skill.READING: "s",
    Skill.SPOKEN_INTERACTION: "^",
    Skill.SPOKEN_PRODUCTION: "D",
    Skill.WRITING: "v",
}
CACHE_SECONDS = 24 * 3600


def _svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue().encode("utf-8")


def cached_svg(kind, data, render):
    """The SVG for `data`, rendered once: the key is a digest of the data and the language,
    so a changed result makes a new chart and an old one is never shown."""
    digest = hashlib.sha256(repr((kind, get_language(), data)).encode()).hexdigest()
    key = f"chart:{kind}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = render(data)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def growth_chart(points):
    """A pupil's levels over time: `points` is [(skill, date, level), …] in date order.

    Sized for a phone: few ticks, large text, the legend under the plot. Lines of skills at the
    same level are drawn a little apart so that each stays visible.
    """
    figure = Figure(figsize=(5.0, 4.2), dpi=100)
    axes = figure.add_subplot()
    for index, skill in enumerate(Skill):
        own = [(day, level) for s, day, level in points if s == skill]
        if not own:
            continue
        days, levels = zip(*own, strict=True)
        offset = (index - 2) * 0.06
        axes.step(
            days,
            [level + offset for level in levels],
            where="post",
            color=SKILL_COLOURS[skill],
            linewidth=2.2,
            marker=SKILL_MARKERS[skill],
            markersize=6,
            label=str(skill.label),
        )
    axes.set_yticks(range(len(Level)), [str(level.label) for level in Level], fontsize=11)
    axes.set_ylim(-0.4, 6.4)
    axes.grid(axis="y", color="#d5dae1", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    if points:
        first, last = min(day for _s, day, _l in points), max(day for _s, day, _l in points)
        margin = datetime.timedelta(days=max(20, (last - first).days // 20))
        axes.set_xlim(first - margin, last + margin)
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=2, maxticks=5))
    axes.xaxis.set_major_formatter(DateFormatter("%m-%Y"))
    axes.tick_params(axis="x", labelsize=10)
    if points:
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=10, frameon=False, ncols=2
        )
    else:
        axes.text(0.5, 0.5, _("No results yet"), transform=axes.transAxes, ha="center")
    return _svg(figure)


def _percent_axis(axis):
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value * 100:.0f}%"))


def trend_chart(data):
    """`data`: (points [(label, share or None)], goal share, deadline label, projection)."""
    points, goal, deadline_label, projection = data
    figure = Figure(figsize=(7, 3.6), dpi=100)
    axes = figure.add_subplot()
    labels = [label for label, _share in points]
    xs = list(range(len(points)))
    known = [(x, share) for x, (_label, share) in zip(xs, points, strict=True) if share is not None]
    if known:
        axes.plot(
            [x for x, _s in known],
            [s for _x, s in known],
            marker="o",
            linewidth=2.4,
            color="#1d4e89",
            label=_("Share that reaches the target"),
        )
    if projection is not None and known:
        end = len(points)
        axes.plot(
            [known[-1][0], end],
            [known[-1][1], projection],
            linestyle="--",
            color="#1d4e89",
            linewidth=1.5,
            label=_("Projection to the deadline"),
        )
        labels = [*labels, deadline_label]
    axes.axhline(goal, color="#c2410c", linewidth=1.8, label=_("Target"))
    axes.set_xticks(range(len(labels)), labels, fontsize=9)
    axes.set_ylim(0, 1)
    _percent_axis(axes.yaxis)
    axes.grid(axis="y", color="#d5dae1", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    return _svg(figure)


def schools_chart(data):
    """`data`: (rows [(school name, share)], goal share); withheld schools are left out."""
    rows, goal = data
    height = max(2.4, 0.32 * len(rows) + 1)
    figure = Figure(figsize=(7, height), dpi=100)
    axes = figure.add_subplot()
    names = [name for name, _share in rows]
    shares = [share for _name, share in rows]
    colours = ["#15803d" if share >= goal else "#1d4e89" for share in shares]
    axes.barh(range(len(rows)), shares, color=colours)
    axes.set_yticks(range(len(rows)), names, fontsize=8)
    axes.invert_yaxis()
    axes.axvline(goal, color="#c2410c", linewidth=1.8, label=_("Target"))
    axes.set_xlim(0, 1)
    _percent_axis(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    return _svg(figure)


LEVEL_COLOURS = ["#e5e7eb", "#fecaca", "#fde68a", "#86efac", "#22c55e", "#60a5fa", "#6366f1"]


def distribution_chart(data):
    """`data`: [(skill label, [(level label, pupils or None)], total)] as stacked bars of
    shares; withheld counts and pupils without a result form segments of their own."""
    figure = Figure(figsize=(7, 3.4), dpi=100)
    axes = figure.add_subplot()
    for row_index, (_skill, counts, total) in enumerate(data):
        left = 0.0
        for level_index, (label, count) in enumerate(counts):
            if not total or not count:
                continue
            width = count / total
            axes.barh(
                row_index,
                width,
                left=left,
                color=LEVEL_COLOURS[level_index],
                edgecolor="white",
                label=label if row_index == 0 else None,
            )
            left += width
        withheld = total - sum(count or 0 for _label, count in counts) if total else 0
        if withheld:
            axes.barh(
                row_index,
                withheld / total,
                left=left,
                color="white",
                hatch="//",
                edgecolor="#9ca3af",
                label=_("withheld") if row_index == 0 else None,
            )
    axes.set_yticks(range(len(data)), [skill for skill, _c, _t in data], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    _percent_axis(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=5, fontsize=8, frameon=False)
    return _svg(figure)
