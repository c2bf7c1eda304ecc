"""What the dashboards, their charts, exports and the annual report show, built once from the
progress layer so that every view of the same target and date carries the same numbers."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from core.cefr import Level, Skill, Track
from progress import suppression, targets
from progress.models import Target
from schools.models import Group


@dataclass
class Dashboard:
    target: Target
    on: datetime.date
    progress: targets.Progress
    trend: targets.Trend
    distribution: dict
    suppress: bool
    school: object = None  # set for a school's own dashboard
    year_before: targets.Figures | None = None  # the headline's figures a year earlier

    @property
    def headline(self):
        return self.progress.city

    @property
    def change(self):
        """The headline's share against the same date a year earlier, in percentage points;
        None where either share is withheld or there was no one to count."""
        now = self.progress.city.share
        then = self.year_before.share if self.year_before is not None else None
        if now is None or then is None:
            return None
        return round((now - then) * 100, 1)

    @property
    def date_a_year_before(self):
        return targets.a_year_before(self.progress.date)

    def coverage_warnings(self):
        """Schools whose share rests on few assessed pupils or on a small part of them."""
        limit = 2 * targets.min_cell()
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
    progress = (
        targets.target_progress(target=target, on=on, suppress=suppress, schools=schools)
        if "progress" in parts
        else None
    )
    return Dashboard(
        target=target,
        on=on,
        progress=progress,
        trend=targets.target_trend(
            target=target, today=min(on, today or on), suppress=suppress, schools=schools
        )
        if "trend" in parts
        else None,
        distribution=targets.level_distribution(
            target=target, on=on, suppress=suppress, schools=schools
        )
        if "distribution" in parts
        else None,
        suppress=suppress,
        school=school,
        year_before=targets.figures_a_year_before(
            target=target, day=progress.date, suppress=suppress, schools=schools
        )
        if progress is not None
        else None,
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


def _figure_columns(figures, skills, codes=False):
    if codes:
        # For machines: withheld counts empty with `suppressed` true, shares as fractions.
        counts = figures.counts()
        return [
            counts.get("population"),
            counts.get("assessed"),
            counts.get("met"),
            *[
                _fraction(value)
                for value in (figures.share, figures.share_assessed, figures.coverage)
            ],
            *[counts.get(f"{skill}:at_or_above") for skill in skills],
            "true" if figures.suppressed else "false",
        ]
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


def _fraction(value):
    return None if value is None else round(value, 4)


def _figure_headers(skills, codes=False):
    if codes:
        return [
            "population",
            "assessed",
            "met",
            "share",
            "share_assessed",
            "coverage",
            *[f"{skill}_at_or_above" for skill in skills],
            "suppressed",
        ]
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


def table(board, name, *, codes=False):
    """(title, headers, rows) of one of the dashboard's tables: in the reader's language, or
    with `codes` in the codes of the API (headers, tracks, skills and levels), withheld counts
    empty and shares as fractions, for machines."""
    skills = board.target.required_skills
    figure_headers = _figure_headers(skills, codes)

    def figure_columns(figures):
        return _figure_columns(figures, skills, codes)

    if name == "schools":
        rows = [
            [row.label, row.key.brin, *figure_columns(row.figures)]
            for row in board.progress.schools
        ]
        key = ["school", "brin"] if codes else [_("school"), _("BRIN")]
        return _("Schools"), [*key, *figure_headers], rows
    if name == "tracks":
        rows = [
            [
                row.key if codes or row.key not in Track.values else Track(row.key).label,
                *figure_columns(row.figures),
            ]
            for row in board.progress.by_track
        ]
        return _("By track"), ["track" if codes else _("track"), *figure_headers], rows
    if name == "years":
        rows = [[row.key, *figure_columns(row.figures)] for row in board.progress.by_year_level]
        return (
            _("By year level"),
            ["year_level" if codes else _("year level"), *figure_headers],
            rows,
        )
    if name == "groups":
        names = dict(
            Group.objects.filter(pk__in=[row.key for row in board.progress.groups]).values_list(
                "pk", "name"
            )
        )
        rows = [
            [names.get(row.key, row.key), *figure_columns(row.figures)]
            for row in board.progress.groups
        ]
        return _("Groups"), ["group" if codes else _("group"), *figure_headers], rows
    if name == "trend":
        return _trend_table(board, skills, codes, figure_headers, figure_columns)
    if name == "distribution":
        return _distribution_table(board, codes)
    raise KeyError(name)


def _trend_table(board, skills, codes, figure_headers, figure_columns):
    # Dates, not text: pages show them as the reader's language does, CSV as ISO dates and
    # XLSX as real dates.
    rows = [[p.date, p.label, *figure_columns(p.figures)] for p in board.trend.points]
    if codes:
        rows = [[*row, "measured"] for row in rows]
    projection = board.trend.projection
    if projection is not None:
        if codes:
            empty = [None] * (len(figure_headers) - 1)
            empty[3] = _fraction(projection)
            rows.append([board.target.deadline, "", *empty, "false", "projection"])
        else:
            rows.append(
                [
                    board.target.deadline,
                    _("projection"),
                    *[""] * 3,
                    _percent(projection),
                    *[""] * (2 + len(skills)),
                    _("projected"),
                ]
            )
    if codes:
        return _("Trend"), ["date", "school_year", *figure_headers, "kind"], rows
    return _("Trend"), [_("date"), _("school year"), *figure_headers], rows


def _distribution_table(board, codes):
    keys = [None, *Level.values]
    if codes:
        headers = [
            "skill",
            *["not_assessed" if k is None else Level(k).code for k in keys],
            "suppressed",
        ]
    else:
        headers = [_("skill"), _("not assessed"), *[str(Level(k).label) for k in Level.values]]
    rows = []
    for skill in Skill:
        counts = board.distribution[skill.value]
        if codes:
            values = [counts[key] for key in keys]
            withheld = "true" if None in values else "false"
            rows.append([skill.value, *values, withheld])
        else:
            rows.append(
                [
                    str(skill.label),
                    *[_("withheld") if counts[key] is None else counts[key] for key in keys],
                ]
            )
    return _("Levels per skill"), headers, rows


TABLES = ["schools", "tracks", "years", "trend", "distribution", "groups"]
