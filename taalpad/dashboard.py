"""What the dashboards, their charts, exports and the annual report show, built once from the
progress layer so that every view of the same target and date carries the same numbers."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from progress import suppression
from schools.models import Group, Target
from taalpad import progress
from taalpad.cefr import Level, Skill, Track


@dataclass
class Dashboard:
    target: Target
    on: datetime.date
    progress: progress.Progress
    trend: progress.Trend
    distribution: dict
    suppress: bool
    school: object = None  # set for a school's own dashboard

    @property
    def headline(self):
        return self.progress.city

    def coverage_warnings(self):
        """Schools whose share rests on few assessed pupils or on a small part of them."""
        limit = 2 * progress.min_cell()
        return [
            row
            for row in self.progress.schools
            if row.figures.population
            and row.figures.assessed is not None
            and (row.figures.assessed < limit or (row.figures.coverage or 0) < 0.5)
        ]


PARTS = ("progress", "trend", "distribution")


def build(*, target, on, suppress, school=None, today=None, parts=PARTS):
    """The dashboard's figures; `parts` leaves out what a caller does not need (a chart needs
    one or two of the three), those parts being None."""
    schools = None if school is None else [school]
    return Dashboard(
        target=target,
        on=on,
        progress=progress.target_progress(target=target, on=on, suppress=suppress, schools=schools)
        if "progress" in parts
        else None,
        trend=progress.target_trend(
            target=target, today=min(on, today or on), suppress=suppress, schools=schools
        )
        if "trend" in parts
        else None,
        distribution=progress.level_distribution(
            target=target, on=on, suppress=suppress, schools=schools
        )
        if "distribution" in parts
        else None,
        suppress=suppress,
        school=school,
    )


SORTS = {
    "name": lambda row: row.label.lower(),
    "population": lambda row: row.figures.population,
    "share": lambda row: row.figures.share,
    "coverage": lambda row: row.figures.coverage,
    "share_assessed": lambda row: row.figures.share_assessed,
}


def sorted_rows(rows, sort, descending):
    """Rows sorted on a column; withheld rows and rows without a figure always come last."""
    key = SORTS.get(sort, SORTS["name"])
    known = [row for row in rows if key(row) is not None]
    unknown = [row for row in rows if row not in known]
    return sorted(known, key=key, reverse=descending) + unknown


# Chart data ----------------------------------------------------------------------------------


def trend_data(board):
    """(points [(date, school year, share)], goal, deadline, projection, line start): what the
    trend chart draws, in proportion to time."""
    trend = board.trend
    points = tuple((p.date, p.label, p.figures.share) for p in trend.points)
    return (
        points,
        float(board.target.share),
        board.target.deadline,
        trend.projection,
        trend.line_from,
    )


def schools_data(board):
    rows = tuple(
        (row.label, row.figures.share)
        for row in board.progress.schools
        if row.figures.share is not None
    )
    return (rows, float(board.target.share))


def distribution_data(board):
    population = board.headline.population
    data = []
    for skill in Skill:
        row = board.distribution[skill.value]
        counts = [(_("not assessed"), row[None])] + [
            (str(Level(level).label), row[level]) for level in Level.values
        ]
        total = population if population is not None else None
        if any(count is None for _label, count in counts) and total is None:
            total = 0
        data.append((str(skill.label), tuple(counts), total or 0))
    return tuple(data)


# Tables (page, CSV, XLSX and the report show the same ones) --------------------------------


def _percent(value):
    return "" if value is None else round(value * 100, 1)


def shown(figures, name):
    """A count as tables show it: the number, "< 10" where it rests on too few pupils, or
    "withheld" where it is withheld so that such a count cannot be worked out."""
    why = figures.withheld.get(name)
    if why == suppression.SMALL:
        return f"< {suppression.minimum()}"
    if why is not None or (figures.suppressed and not figures.withheld):
        return _("withheld")
    return figures.counts()[name]


def page_cells(figures):
    """The six cells of a school's row on the dashboard page: counts, then shares."""
    return [
        shown(figures, "population"),
        shown(figures, "assessed"),
        shown(figures, "met"),
        *[
            "—" if value is None else f"{formats.number_format(round(value * 100))}%"
            for value in (figures.share, figures.share_assessed, figures.coverage)
        ],
    ]


def _figure_columns(figures, skills):
    return [
        shown(figures, "population"),
        shown(figures, "assessed"),
        shown(figures, "met"),
        _percent(figures.share),
        _percent(figures.share_assessed),
        _percent(figures.coverage),
        *[shown(figures, f"{skill}:at_or_above") for skill in skills],
        _("some figures withheld") if figures.suppressed else "",
    ]


def _figure_headers(skills):
    return [
        _("population"),
        _("assessed"),
        _("met"),
        _("share %"),
        _("share of assessed %"),
        _("coverage %"),
        *[_("%(skill)s at or above") % {"skill": Skill(skill).label} for skill in skills],
        _("note"),
    ]


def table(board, name):
    """(title, headers, rows) of one of the dashboard's tables."""
    skills = board.target.required_skills
    if name == "schools":
        rows = [
            [row.label, row.key.brin, *_figure_columns(row.figures, skills)]
            for row in board.progress.schools
        ]
        return _("Schools"), [_("school"), _("BRIN"), *_figure_headers(skills)], rows
    if name == "tracks":
        rows = [
            [
                Track(row.key).label if row.key in Track.values else row.key,
                *_figure_columns(row.figures, skills),
            ]
            for row in board.progress.by_track
        ]
        return _("By track"), [_("track"), *_figure_headers(skills)], rows
    if name == "years":
        rows = [
            [row.key, *_figure_columns(row.figures, skills)] for row in board.progress.by_year_level
        ]
        return _("By year level"), [_("year level"), *_figure_headers(skills)], rows
    if name == "groups":
        names = dict(
            Group.objects.filter(pk__in=[row.key for row in board.progress.groups]).values_list(
                "pk", "name"
            )
        )
        rows = [
            [names.get(row.key, row.key), *_figure_columns(row.figures, skills)]
            for row in board.progress.groups
        ]
        return _("Groups"), [_("group"), *_figure_headers(skills)], rows
    if name == "trend":
        rows = [
            # Dates, not text: pages show them as the reader's language does, CSV as ISO
            # dates and XLSX as real dates.
            [p.date, p.label, *_figure_columns(p.figures, skills)]
            for p in board.trend.points
        ]
        if board.trend.projection is not None:
            rows.append(
                [
                    board.target.deadline,
                    _("projection"),
                    *[""] * 3,
                    _percent(board.trend.projection),
                    *[""] * (2 + len(skills)),
                    _("projected"),
                ]
            )
        return _("Trend"), [_("date"), _("school year"), *_figure_headers(skills)], rows
    if name == "distribution":
        headers = [
            _("skill"),
            _("not assessed"),
            *[str(Level(level).label) for level in Level.values],
        ]
        rows = []
        for skill in Skill:
            counts = board.distribution[skill.value]
            rows.append(
                [
                    str(skill.label),
                    *[
                        _("withheld") if counts[key] is None else counts[key]
                        for key in [None, *Level.values]
                    ],
                ]
            )
        return _("Levels per skill"), headers, rows
    raise KeyError(name)


TABLES = ["schools", "tracks", "years", "trend", "distribution", "groups"]
