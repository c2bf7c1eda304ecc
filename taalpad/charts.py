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
