"""Charts: plain data from the selectors and the progress layer in, SVG out.

matplotlib's object API (Figure, no pyplot) keeps rendering free of global state, so requests
can render side by side. Every chart has its numbers as a table on the page as well.
"""

import datetime
import hashlib
import io
import re

import matplotlib
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.dates import AutoDateLocator, DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from core import schoolyear
from core.cefr import Level, Skill

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
# Text in an SVG stays text (the browser draws it in the same sans-serif family): half the
# bytes of every glyph written out as a path, and the labels can be read aloud and searched.
matplotlib.rcParams["svg.fonttype"] = "none"


# matplotlib's descriptive metadata (creator, format, type, date) left out: nothing reads it.
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
# The indentation between elements and the line breaks in path data: a chart is read by
# browsers, not people.
_BETWEEN_TAGS = re.compile(r">\s+<")


def _svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    svg = _BETWEEN_TAGS.sub("><", buffer.getvalue()).replace(" \n", " ")
    return svg.encode("utf-8")


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


def growth_chart(points, goals=()):
    """A pupil's levels over time: `points` is [(skill, date, level), …] in date order.
    `goals` is [(kind, skill or None, level, label), …]: the target's threshold ("target", a
    dashed line across) and the levels expected of the pupil's track ("expected", an open
    marker per skill at the right edge, where the line of that skill is heading).

    Sized for a phone: few ticks, large text, the legend under the plot. Lines of skills at the
    same level are drawn a little apart so that each stays visible.
    """
    figure = Figure(figsize=(5.0, 4.2), dpi=100)
    axes = figure.add_subplot()
    offsets = {skill: (index - 2) * 0.06 for index, skill in enumerate(Skill)}
    for skill in Skill:
        own = [(day, level) for s, day, level in points if s == skill]
        if not own:
            continue
        days, levels = zip(*own, strict=True)
        axes.step(
            days,
            [level + offsets[skill] for level in levels],
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
        axes.set_xlim(first - margin, last + (3 if goals else 1) * margin)
        _goal_marks(axes, goals, at=last + 2 * margin, apart=margin * 0.35, offsets=offsets)
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


def _goal_marks(axes, goals, *, at, apart, offsets):
    for kind, _skill, level, label in goals:
        if kind == "target":
            axes.axhline(level, color="#1f2933", linestyle=(0, (6, 3)), linewidth=1.4, label=label)
    expected = [(skill, level, label) for kind, skill, level, label in goals if kind == "expected"]
    for skill, level, _label in expected:
        index = list(Skill).index(Skill(skill))
        axes.plot(
            [at + (index - 2) * apart],  # side by side, each skill's marker visible
            [level + offsets[Skill(skill)]],
            linestyle="none",
            marker=SKILL_MARKERS[Skill(skill)],
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=SKILL_COLOURS[Skill(skill)],
            markeredgewidth=2,
        )
    if expected:  # one legend entry for all of them, in the colour of none in particular
        axes.plot(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor="#52606d",
            markeredgewidth=2,
            label=expected[0][2],
        )


def _percent_axis(axis):
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value * 100:.0f}%"))


def trend_chart(data):
    """`data`: dashboard.trend_data. The share per school year against time, the target line,
    the deadline, and the projection's line."""
    figure = Figure(figsize=(7, 3.6), dpi=100)
    draw_trend(figure.add_subplot(), data)
    return _svg(figure)


def draw_trend(axes, data, *, fontsize=9):
    """The trend on `axes` (the chart and the report draw it alike): points placed in
    proportion to time, the current point hollow (it is not fitted), the target as a line, the
    deadline as a vertical line, the projection dashed from its first fitted year."""
    points, goal, deadline, projection, line_from = data
    known = [(day, share) for day, _label, share in points if share is not None]
    if known:
        axes.plot(
            [day for day, _s in known],
            [share for _d, share in known],
            marker="o",
            linewidth=2.4,
            color="#1d4e89",
            label=_("Share that reaches the target"),
        )
        last_day, last_share = known[-1]
        if not schoolyear.is_last_day(last_day):
            axes.plot(
                [last_day],
                [last_share],
                marker="o",
                markersize=9,
                color="white",
                markeredgecolor="#1d4e89",
                linestyle="none",
            )
    if projection is not None and line_from is not None:
        axes.plot(
            [line_from[0], deadline],
            [line_from[1], projection],
            linestyle="--",
            color="#1d4e89",
            linewidth=1.5,
            label=_("Projection to the deadline"),
        )
    axes.axhline(goal, color="#c2410c", linewidth=1.8, label=_("Target"))
    axes.axvline(deadline, color="#6b7280", linewidth=1, linestyle=":", label=_("Deadline"))
    ticks, labels = [], []
    for day, label, _share in points:
        # A point a few months after the previous one (today's, early in a school year) keeps
        # its place on the axis but not a label of its own: the labels would overlap.
        if not ticks or (day - ticks[-1]).days > 120:
            ticks.append(day)
            labels.append(label)
    if deadline not in ticks:
        ticks.append(deadline)
        labels.append(deadline.strftime("%d-%m-%Y"))
    axes.set_xticks(ticks, labels, fontsize=fontsize - 1, rotation=30, ha="right")
    axes.set_ylim(0, 1)
    _percent_axis(axes.yaxis)
    axes.grid(axis="y", color="#d5dae1", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", fontsize=fontsize - 1, frameon=False)


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


# "Not assessed", then below A1 … C2: one colour for each band of the distribution.
LEVEL_COLOURS = [
    "#e5e7eb",
    "#fecaca",
    "#fde68a",
    "#86efac",
    "#22c55e",
    "#60a5fa",
    "#6366f1",
    "#4c1d95",
]


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


def partner_map(data):
    """`data`: ((city, lat, lon, activities), …). The border region drawn from coordinates
    alone: a schematic border line, Enschede, and each partner city sized by activities."""
    from exchanges.places import BORDER, ENSCHEDE

    figure = Figure(figsize=(6.4, 5.2), dpi=100)
    axes = figure.add_subplot()
    lats = [lat for lat, _lon in BORDER]
    lons = [lon for _lat, lon in BORDER]
    axes.plot(
        lons,
        lats,
        color="#6b7280",
        linewidth=2,
        linestyle=(0, (6, 3)),
        label=_("border (schematic)"),
    )
    axes.text(6.55, 52.62, "NL", fontsize=16, color="#9ca3af", fontweight="bold")
    axes.text(7.6, 52.62, "DE", fontsize=16, color="#9ca3af", fontweight="bold")
    axes.plot(
        ENSCHEDE[1],
        ENSCHEDE[0],
        marker="*",
        markersize=16,
        color="#c2410c",
        linestyle="none",
        label="Enschede",
    )
    axes.annotate(
        "Enschede",
        (ENSCHEDE[1], ENSCHEDE[0]),
        xytext=(-10, -16),
        textcoords="offset points",
        fontsize=9,
        ha="right",
    )
    for city, lat, lon, count in data:
        axes.scatter(
            [lon], [lat], s=60 + 40 * count, color="#1d4e89", alpha=0.75, edgecolors="white"
        )
        axes.annotate(
            f"{city} ({count})", (lon, lat), xytext=(8, 6), textcoords="offset points", fontsize=8
        )
    axes.set_xlim(6.3, 8.3)
    axes.set_ylim(51.75, 52.8)
    # Degrees of longitude are shorter than degrees of latitude at 52° north.
    axes.set_aspect(1 / 0.616)
    axes.set_xlabel(_("longitude"), fontsize=8)
    axes.set_ylabel(_("latitude"), fontsize=8)
    axes.tick_params(labelsize=7)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.set_title(_("Partner cities, sized by the number of activities"), fontsize=10, loc="left")
    return _svg(figure)


def participation_chart(data):
    """`data`: ((school name, ((school year, rate or None), …)), …) as grouped bars."""
    figure = Figure(figsize=(7, 3.8), dpi=100)
    axes = figure.add_subplot()
    years = sorted({year for _school, points in data for year, _rate in points})
    width = 0.8 / max(1, len(years))
    for index, year in enumerate(years):
        values = []
        for _school, points in data:
            rate = dict(points).get(year)
            values.append(rate or 0)
        axes.barh([i + index * width for i in range(len(data))], values, height=width, label=year)
    axes.set_yticks(
        [i + 0.4 - width / 2 for i in range(len(data))],
        [school for school, _points in data],
        fontsize=8,
    )
    axes.invert_yaxis()
    _percent_axis(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="lower right")
    axes.set_title(_("Pupils taking part in exchanges, per school year"), fontsize=10, loc="left")
    return _svg(figure)
