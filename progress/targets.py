"""The progress layer: the only code that computes figures toward a target.

Pages, the API, exports, charts and the annual report all take their numbers from here, so
they cannot disagree. Everything under "How the numbers are computed" in docs/design.md lives here:

- population on D: pupils with an enrolment active on D in a group whose school, track and
  year level match the target; a pupil counts for the school of that enrolment;
- current level in a skill on D: the latest result on or before D (same date: entered last),
  read from the level table that `schools.levels` keeps in step with the results;
- assessed: a result in every required skill; met: at or above the threshold in all of them.

One SQL query computes, for any number of dates, the counts per group; Python then only adds
up those group cells (never pupils) into schools, tracks, year levels and the city. Small-cell
suppression for the municipality happens here too, before any figure leaves this module.
"""

import datetime
import hashlib
import math
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.utils.translation import gettext as _

from core import schoolyear
from core.cefr import Level, Skill, Track
from core.inputs import optional_int
from core.kept import kept, move_on
from progress import data_version, stored_years, suppression
from progress.models import Target
from schools import levels
from schools.models import School, SchoolYear

TARGETS_VERSION = "taalpad:targets-version"


def all_targets():
    """Every target, by deadline (a city has a handful), kept in the shared cache until one
    is saved or deleted: every page, chart and export asks for its target first."""
    return kept(
        "taalpad:targets",
        [TARGETS_VERSION],
        lambda: list(Target.objects.order_by("deadline", "pk")),
        3600,
    )


def target_choices():
    """The targets a page offers to choose from, by deadline and name."""
    return sorted(all_targets(), key=lambda target: (target.deadline, target.name))


def forget_targets(**kwargs):
    """For every save or delete of a target, and for writes that send no model signal."""
    move_on(TARGETS_VERSION)


def default_target(on=None):
    """The target a page shows unless another is chosen: the next deadline from `on`,
    else the latest one that has passed."""
    on = on or datetime.date.today()
    targets = all_targets()  # by deadline, then pk
    upcoming = [target for target in targets if target.deadline >= on]
    if upcoming:
        return upcoming[0]
    return targets[-1] if targets else None


def chosen_target(value, *, on=None):
    """The target a page or export is asked for by `?target=`: the default when none is
    named; a value that names no target is a 404, never another target's figures."""
    if value is None or str(value).strip() == "":
        return default_target(on)
    target_id = optional_int(value)
    target = next((t for t in all_targets() if t.pk == target_id), None)
    if target is None:
        raise Http404(_("No such target."))
    return target


def meets_target(levels, target):
    """Whether a pupil's current levels ({skill: level}) reach the target in every required
    skill. A skill without a result does not."""
    return all(levels.get(skill, -1) >= target.threshold for skill in target.required_skills)


# Figures -------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Counts and shares for one set of pupils: a school, a track, the city…

    For the municipality, a count is None where it is withheld (progress.suppression);
    `withheld` then names each such count ("met", "listening:assessed", …) with its reason,
    and `suppressed` is true.
    """

    population: int | None = 0
    assessed: int | None = 0
    met: int | None = 0
    by_skill: dict | None = field(default_factory=dict)
    suppressed: bool = False
    withheld: dict = field(default_factory=dict)

    def add(self, other):
        self.population += other.population
        self.assessed += other.assessed
        self.met += other.met
        for skill, counts in other.by_skill.items():
            mine = self.by_skill.setdefault(skill, {"assessed": 0, "at_or_above": 0})
            mine["assessed"] += counts["assessed"]
            mine["at_or_above"] += counts["at_or_above"]

    @property
    def share(self):
        return _ratio(self.met, self.population)

    @property
    def share_assessed(self):
        return _ratio(self.met, self.assessed)

    @property
    def coverage(self):
        return _ratio(self.assessed, self.population)

    def skill_share(self, skill):
        counts = (self.by_skill or {}).get(skill)
        return None if counts is None else _ratio(counts["at_or_above"], self.population)

    def counts(self):
        """Every count by its name, as the suppression module reads a table's row."""
        named = {"population": self.population, "assessed": self.assessed, "met": self.met}
        for skill, counts in (self.by_skill or {}).items():
            named[f"{skill}:assessed"] = counts["assessed"]
            named[f"{skill}:at_or_above"] = counts["at_or_above"]
        return named

    @classmethod
    def from_counts(cls, named, withheld):
        skills = sorted({name.split(":")[0] for name in named if ":" in name})
        return cls(
            population=named["population"],
            assessed=named["assessed"],
            met=named["met"],
            by_skill={
                skill: {
                    "assessed": named[f"{skill}:assessed"],
                    "at_or_above": named[f"{skill}:at_or_above"],
                }
                for skill in skills
            },
            suppressed=bool(withheld),
            withheld=dict(withheld),
        )

    def as_dict(self):
        return {
            "population": self.population,
            "assessed": self.assessed,
            "met": self.met,
            "share": _round(self.share),
            "share_assessed": _round(self.share_assessed),
            "coverage": _round(self.coverage),
            "by_skill": None
            if self.by_skill is None
            else {skill: dict(counts) for skill, counts in sorted(self.by_skill.items())},
            "suppressed": self.suppressed,
        }


def _ratio(part, whole):
    return suppression.share(part, whole)


def _round(value):
    return None if value is None else round(value, 4)


@dataclass
class Row:
    """One line of a table: a school, a group, a track or a year level, with its figures."""

    key: object
    label: str
    figures: Figures


@dataclass
class Progress:
    target: Target
    date: datetime.date
    city: Figures
    schools: list  # [Row] with key = School
    by_track: list  # [Row] with key = track code
    by_year_level: list  # [Row] with key = year level
    groups: list  # [Row] with key = group id (only for unsuppressed views)
    suppressed: bool = False

    @property
    def weakest_skill(self):
        """The required skill in which the fewest pupils are at or above the threshold."""
        shares = {skill: self.city.skill_share(skill) for skill in self.target.required_skills}
        if not self.city.population or None in shares.values():
            return None
        return min(self.target.required_skills, key=shares.get)

    @property
    def still_needed(self):
        """How many more pupils must reach the threshold for the share the target asks."""
        if self.city.population is None or self.city.met is None:
            return None  # withheld wherever the number meeting the target is
        return max(0, math.ceil(float(self.target.share) * self.city.population) - self.city.met)


# The query ------------------------------------------------------------------------------------


def _date_param(vendor):
    return "CAST(%s AS DATE)" if vendor == "postgresql" else "%s"


def _filters(target, school_ids):
    filters, params = [], []
    for column, chosen in (
        ("s.sector", target.sectors),
        ("g.track", target.tracks),
        ("g.year_level", target.year_levels),
    ):
        if chosen:
            filters.append(f"{column} IN ({', '.join(['%s'] * len(chosen))})")
            params += list(chosen)
    if school_ids is not None:
        filters.append(f"g.school_id IN ({', '.join(['%s'] * len(school_ids)) or 'NULL'})")
        params += list(school_ids)
    return "".join(f" AND {condition}" for condition in filters), params


def _skill_column(skill):
    """The level table's column of `skill`: the constant itself, never text from outside."""
    return levels.SKILL_COLUMNS[levels.SKILL_COLUMNS.index(skill)]


def _per_pupil(target, dates, school_ids):
    """SQL (and its parameters) of common table expressions ending in `per_pupil`: one row per
    date and pupil of the population, with the school, group, track and year level that pupil
    counts for, whether all required skills are assessed and met, and per skill a0/m0, a1/m1…"""
    skills = list(target.required_skills)
    date_sql = _date_param(connection.vendor)
    values = ", ".join(f"({date_sql})" for _ in dates)
    where, filter_params = _filters(target, school_ids)
    # The level table has a column per skill (schools.levels.SKILL_COLUMNS): a skill's name is
    # its column. A level that is NULL (not assessed) is neither assessed nor met.
    columns = [f"lv.{_skill_column(skill)}" for skill in skills]
    assessed = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    met = " AND ".join(f"{column} >= %s" for column in columns)
    per_skill = ",\n".join(
        f"CASE WHEN {column} IS NOT NULL THEN 1 ELSE 0 END AS a{i}, "
        f"CASE WHEN {column} >= %s THEN 1 ELSE 0 END AS m{i}"
        for i, column in enumerate(columns)
    )
    sql = f"""
        WITH dates(d) AS (VALUES {values}),
        pop AS (
            SELECT dates.d AS d, e.pupil_id, g.school_id, g.id AS group_id, g.track, g.year_level
            FROM dates
            JOIN schools_enrolment e ON e.starts_on <= dates.d AND e.ends_on >= dates.d
            JOIN schools_group g ON g.id = e.group_id
            JOIN schools_school s ON s.id = g.school_id
            WHERE 1 = 1{where}
        ),
        per_pupil AS (
            SELECT pop.d, pop.pupil_id, pop.school_id, pop.group_id, pop.track, pop.year_level,
                   CASE WHEN {assessed} THEN 1 ELSE 0 END AS assessed,
                   CASE WHEN {met} THEN 1 ELSE 0 END AS met,
                   {per_skill}
            FROM pop
            LEFT JOIN schools_levelperiod lv ON lv.pupil_id = pop.pupil_id
                 AND lv.valid_to > pop.d AND lv.valid_from <= pop.d
        )
    """
    threshold = target.threshold
    params = (
        [day.isoformat() for day in dates]
        + filter_params
        + [threshold] * len(skills)  # met
        + [threshold] * len(skills)  # m0, m1, …
    )
    return sql, params


CACHE_SECONDS = 3600  # a safety net: a change of the data version drops entries at once


def city_lag():
    """Seconds the municipality's figures may trail the data (0: never). Every grid save moves
    the data version on; without this, each one would make the next city page recompute the
    whole city."""
    return settings.TAALPAD_CITY_FIGURES_LAG


def _digest(target, school_ids):
    scope = "all" if school_ids is None else ",".join(map(str, sorted(school_ids)))
    definition = (
        target.pk,
        target.threshold,
        sorted(target.required_skills),
        sorted(target.sectors or []),
        sorted(target.tracks or []),
        sorted(target.year_levels or []),
        scope,
    )
    return hashlib.sha256(repr(definition).encode()).hexdigest()[:32]


def _cached_per_date(kind, target, dates, school_ids, compute, *, lag=0):
    """{date: value}, kept in the cache under the data version of each date (see
    data_version: earlier school years have their own); `compute(dates)` gives the dates not
    found, in one query. With `lag`, a value computed less than `lag` seconds ago
    is served even when the data changed since."""
    digest = _digest(target, school_ids)
    versions = data_version.for_dates(dates)
    exact = {day: f"{kind}:{versions[day]}:{digest}:{day.isoformat()}" for day in dates}
    recent = {day: f"{kind}:recent:{digest}:{day.isoformat()}" for day in dates}
    found = cache.get_many(list(exact.values()))
    values = {day: found[exact[day]] for day in dates if exact[day] in found}
    if lag and len(values) < len(dates):
        found = cache.get_many([recent[day] for day in dates if day not in values])
        values.update({day: found[recent[day]] for day in dates if recent[day] in found})
    missing = [day for day in dates if day not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({exact[day]: computed[day] for day in missing}, CACHE_SECONDS)
        if lag:
            cache.set_many({recent[day]: computed[day] for day in missing}, lag)
        values.update(computed)
    return {day: values[day] for day in dates}


def _cached_packed_cells(target, dates, *, school_ids=None, lag=0):
    """{date: {(school id, group id, track, year level): packed Figures}}, through the cache."""
    return _cached_per_date(
        "progress-cells",
        target,
        dates,
        school_ids,
        lambda missing: _stored_or_computed_cells(target, missing, school_ids),
        lag=lag,
    )


def _cells(target, dates, *, school_ids=None, lag=0):
    """{date: {(school id, group id, track, year level): Figures}}, through the cache."""
    packed = _cached_packed_cells(target, dates, school_ids=school_ids, lag=lag)
    return {
        day: {key: _unpack(figures) for key, figures in cells.items()}
        for day, cells in packed.items()
    }


def _packed_cells(target, days, school_ids):
    """{day: {cell key: packed figures}} computed afresh, in one query."""
    return {
        day: {key: _pack(figures) for key, figures in cells.items()}
        for day, cells in _query_cells(target, days, school_ids=school_ids).items()
    }


def _stored_or_computed_cells(target, days, school_ids):
    """Cells of `days`: settled days (finished school years, passed reference dates) from the
    stored ones where kept, the rest (and the settled days not kept yet, which are then
    stored) computed in one query."""
    settled = [day for day in days if day < data_version.settled_before()]
    scope = _digest(target, school_ids)
    found = stored_years.read(scope, settled)
    version = data_version.history_version()
    computed = _packed_cells(target, [day for day in days if day not in found], school_ids)
    newly_settled = {day: computed[day] for day in settled if day in computed}
    stored_years.store(target, scope, school_ids, newly_settled, version=version)
    return {**found, **computed}


def stored_year_differences():
    """[(target id, day)] where a stored settled day differs from a fresh computation."""
    return stored_years.differences(
        {
            stored_years.CELLS: _packed_cells,
            stored_years.DISTRIBUTION: _distributions,
            stored_years.TOTALS: _packed_totals,
        }
    )


def _packed_totals(target, days, school_ids):
    """{day: packed Figures of the whole population} computed afresh, in one query."""
    cells = _packed_cells(target, days, school_ids)
    return {day: _packed_sum(target, cells[day].values()) for day in days}


def _totals(target, dates, *, school_ids=None, lag=0):
    """{date: Figures of the whole population}, through the cache under the same data versions
    as the cells. The trend needs only these; adding up every cell again on each request cost
    a cached trend chart more than everything else it does. Settled days' totals are stored
    beside their cells: a trend read with a cold cache decodes a dozen totals, not a dozen
    days of cells."""

    def compute(missing):
        settled = [day for day in missing if day < data_version.settled_before()]
        scope = _digest(target, school_ids)
        found = stored_years.read(scope, settled, kind=stored_years.TOTALS)
        version = data_version.history_version()
        rest = [day for day in missing if day not in found]
        # Current cells only: totals stored under today's data version must not be made of
        # cells that trail it (the lag applies once, to the totals themselves).
        cells = _cached_packed_cells(target, rest, school_ids=school_ids) if rest else {}
        computed = {day: _packed_sum(target, cells[day].values()) for day in rest}
        newly_settled = {day: computed[day] for day in settled if day in computed}
        stored_years.store(
            target, scope, school_ids, newly_settled, version=version, kind=stored_years.TOTALS
        )
        return {**found, **computed}

    packed = _cached_per_date("progress-totals", target, dates, school_ids, compute, lag=lag)
    return {day: _unpack(total) for day, total in packed.items()}


# Cells travel through the cache as plain tuples: unpickling hundreds of Figures objects per
# request cost more than computing with them.
def _pack(figures):
    skills = tuple(
        (skill, counts["assessed"], counts["at_or_above"])
        for skill, counts in figures.by_skill.items()
    )
    return (figures.population, figures.assessed, figures.met, skills)


def _packed_sum(target, packed):
    """The packed sum of packed Figures, as `Figures.add` makes it (without an object per
    cell: a trend adds up a dozen dates of hundreds of cells)."""
    population = assessed = met = 0
    skills = {skill: [0, 0] for skill in target.required_skills}
    for cell_population, cell_assessed, cell_met, cell_skills in packed:
        population += cell_population
        assessed += cell_assessed
        met += cell_met
        for skill, skill_assessed, at_or_above in cell_skills:
            counts = skills.setdefault(skill, [0, 0])
            counts[0] += skill_assessed
            counts[1] += at_or_above
    by_skill = tuple((skill, counts[0], counts[1]) for skill, counts in skills.items())
    return (population, assessed, met, by_skill)


def _unpack(packed):
    population, assessed, met, skills = packed
    return Figures(
        population=population,
        assessed=assessed,
        met=met,
        by_skill={skill: {"assessed": a, "at_or_above": m} for skill, a, m in skills},
    )


def _query_cells(target, dates, *, school_ids=None):
    skills = list(target.required_skills)
    if not skills or not dates:
        return {day: {} for day in dates}
    ctes, params = _per_pupil(target, dates, school_ids)
    sums = ", ".join(f"SUM(a{i}), SUM(m{i})" for i in range(len(skills)))
    sql = f"""{ctes}
        SELECT d, school_id, group_id, track, year_level, COUNT(*), SUM(assessed), SUM(met),
               {sums}
        FROM per_pupil
        GROUP BY d, school_id, group_id, track, year_level
    """
    cells = {day: {} for day in dates}
    by_text = {day.isoformat(): day for day in dates}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            day = row[0] if isinstance(row[0], datetime.date) else by_text[str(row[0])[:10]]
            by_skill = {
                skill: {"assessed": int(row[8 + 2 * i]), "at_or_above": int(row[9 + 2 * i])}
                for i, skill in enumerate(skills)
            }
            cells[day][row[1], row[2], row[3], row[4]] = Figures(
                population=int(row[5]), assessed=int(row[6]), met=int(row[7]), by_skill=by_skill
            )
    return cells


def met_by_participation(*, target, on, since, school_ids=None):
    """{True: Figures, False: Figures}: the population on `on` split by whether the pupil took
    part in an exchange activity that started after `since` and on or before `on`."""
    day = schoolyear.clipped_to_deadline(on, target.deadline)
    ctes, params = _per_pupil(target, [day], school_ids)
    date_sql = _date_param(connection.vendor)
    sql = f"""{ctes},
        took_part AS (
            SELECT DISTINCT p.pupil_id
            FROM exchanges_exchangeactivity_participants p
            JOIN exchanges_exchangeactivity a ON a.id = p.exchangeactivity_id
            WHERE a.starts_on > {date_sql} AND a.starts_on <= {date_sql}
        )
        SELECT CASE WHEN took_part.pupil_id IS NULL THEN 0 ELSE 1 END, COUNT(*),
               SUM(per_pupil.assessed), SUM(per_pupil.met)
        FROM per_pupil LEFT JOIN took_part ON took_part.pupil_id = per_pupil.pupil_id
        GROUP BY CASE WHEN took_part.pupil_id IS NULL THEN 0 ELSE 1 END
    """
    out = {True: Figures(by_skill=None), False: Figures(by_skill=None)}
    if not target.required_skills:
        return out
    with connection.cursor() as cursor:
        cursor.execute(sql, params + [since.isoformat(), day.isoformat()])
        for flag, population, assessed, met in cursor.fetchall():
            out[bool(flag)] = Figures(
                population=int(population),
                assessed=int(assessed or 0),
                met=int(met or 0),
                by_skill=None,
            )
    return out


def _empty(target):
    return Figures(
        by_skill={skill: {"assessed": 0, "at_or_above": 0} for skill in target.required_skills}
    )


def _rollup(target, cells, key_of):
    totals = {}
    for cell_key, figures in cells.items():
        key = key_of(cell_key)
        total = totals.get(key)
        if total is None:  # an empty Figures per group, not one per cell thrown away
            total = totals[key] = _empty(target)
        total.add(figures)
    return totals


# Suppression ---------------------------------------------------------------------------------


def min_cell():
    return suppression.minimum()


def row_complements(skills):
    """The pupils a reader could count by subtraction within one row: not assessed, not
    meeting the target, and per skill not assessed and below the threshold."""
    pairs = [("population", "assessed"), ("assessed", "met")]
    for skill in skills:
        pairs += [
            ("population", f"{skill}:assessed"),
            (f"{skill}:assessed", f"{skill}:at_or_above"),
        ]
    return pairs


def _suppressed_figures(figures):
    """One row on its own (a point of the trend, the city): small counts and complements."""
    complements = row_complements(figures.by_skill or {})
    table = suppression.suppress_table([], total=figures.counts(), complements=complements)
    return Figures.from_counts(table.total, table.withheld_in(suppression.TOTAL))


def _suppressed_tables(city, tables):
    """The city and tables of rows that add up to it (schools, tracks, year levels), each
    suppressed with the city as its total. A city count one table must withhold is withheld
    in every table and in the headline, so that no table gives it back."""
    complements = row_complements(city.by_skill or {})
    counts = city.counts()
    alone = suppression.suppress_table([], total=counts, complements=complements)
    withheld = alone.withheld_in(suppression.TOTAL)
    while True:
        results = [
            suppression.suppress_table(
                [row.figures.counts() for row in rows],
                total=counts,
                complements=complements,
                total_withheld=withheld,
            )
            for rows in tables
        ]
        grown = dict(withheld)
        for result in results:
            for column, why in result.withheld_in(suppression.TOTAL).items():
                grown.setdefault(column, why)
        if grown == withheld:
            break
        withheld = grown
    city = Figures.from_counts(
        {name: None if name in withheld else value for name, value in counts.items()}, withheld
    )
    shown = [
        [
            replace(row, figures=Figures.from_counts(published, result.withheld_in(index)))
            for index, (row, published) in enumerate(zip(rows, result.rows, strict=True))
        ]
        for rows, result in zip(tables, results, strict=True)
    ]
    return city, shown


# Public functions ----------------------------------------------------------------------------


def _rows(totals, labels, *, order=None):
    keys = sorted(totals, key=order) if order else sorted(totals, key=lambda k: str(labels(k)))
    return [Row(key=key, label=labels(key), figures=totals[key]) for key in keys]


def _progress_from_cells(target, day, cells, *, suppress, schools_by_id):
    city = _empty(target)
    for figures in cells.values():
        city.add(figures)
    school_totals = _rollup(target, cells, lambda key: key[0])
    for school_id in schools_by_id:
        school_totals.setdefault(school_id, _empty(target))
    schools = [
        Row(
            key=schools_by_id[school_id],
            label=schools_by_id[school_id].name,
            figures=school_totals[school_id],
        )
        for school_id in sorted(school_totals, key=lambda i: schools_by_id[i].name)
        if school_id in schools_by_id
    ]
    by_track = _rows(
        _rollup(target, cells, lambda key: key[2]), lambda track: track, order=_track_order
    )
    by_year = _rows(
        _rollup(target, cells, lambda key: key[3]), lambda year: year, order=lambda year: year
    )
    groups = (
        []
        if suppress
        else _rows(
            _rollup(target, cells, lambda key: key[1]), lambda group_id: group_id, order=lambda g: g
        )
    )
    if suppress:
        city, (schools, by_track, by_year) = _suppressed_tables(city, [schools, by_track, by_year])
    return Progress(
        target=target,
        date=day,
        city=city,
        schools=schools,
        by_track=by_track,
        by_year_level=by_year,
        groups=groups,
        suppressed=suppress,
    )


def _track_order(track):
    return Track.values.index(track) if track in Track.values else 99


def target_progress(*, target, on, suppress=True, schools=None):
    """Progress of `target` on `on`: the city, each school, each track and year level.

    `suppress` (the municipality's view) withholds small cells; `schools` limits the figures
    to those schools (a coordinator's view), in which case group rows are given too.
    A target whose deadline has passed is read on its deadline; the municipality's view is
    read on the latest reference date on or before that day, which the answer names.
    """
    day = figures_date(target, on, suppress=suppress)
    school_ids = None if schools is None else [school.pk for school in schools]
    cells = _cells(target, [day], school_ids=school_ids, lag=city_lag() if suppress else 0)[day]
    schools_by_id = {s.pk: s for s in (schools if schools is not None else School.objects.all())}
    if schools is None:
        schools_by_id = {
            pk: s for pk, s in schools_by_id.items() if s.sector in (target.sectors or [s.sector])
        }
    return _progress_from_cells(target, day, cells, suppress=suppress, schools_by_id=schools_by_id)


PROJECTION_MIN_YEARS = 2


def finished_year_points(points, *, today):
    """The points on 31 July of school years that have ended: the ones a projection fits.
    (Today's point is another moment of its school year: it is drawn, not fitted.)"""
    return [point for point in points if schoolyear.is_last_day(point.date) and point.date < today]


def project(target, points, *, today):
    """The share expected at the deadline: the least-squares line through the shares of the
    finished school years, read at the deadline and clipped to 0–100 %; with the line's value
    at the first of those years, where a chart starts drawing it. None (not enough history)
    with fewer than two such years, or where one of them is withheld; once the deadline has
    passed, nothing is projected."""
    if today > target.deadline:
        return None
    fitted = finished_year_points(points, today=today)
    if len(fitted) < PROJECTION_MIN_YEARS or any(p.figures.share is None for p in fitted):
        return None
    line = least_squares([p.date.toordinal() for p in fitted], [p.figures.share for p in fitted])
    if line is None:
        return None
    slope, intercept = line

    def clipped(day):
        return max(0.0, min(1.0, slope * day.toordinal() + intercept))

    return clipped(target.deadline), (fitted[0].date, clipped(fitted[0].date))


@dataclass
class TrendPoint:
    date: datetime.date
    label: str
    figures: Figures


@dataclass
class Trend:
    target: Target
    points: list  # [TrendPoint]
    projection: float | None
    status: str  # "met", "on_track", "behind" or "unknown"
    still_needed: int | None
    deadline_passed: bool
    # Where the projection's line starts: (date, share) on the first fitted school year.
    line_from: tuple | None = None


def figures_date(target, on, *, suppress):
    """The day figures asked for `on` are read on: the deadline once it has passed, and for
    the municipality (`suppress`) the latest reference date on or before that."""
    day = schoolyear.clipped_to_deadline(on, target.deadline)
    return suppression.reference_date(day) if suppress else day


def trend_dates(target, today, *, suppress=False):
    """31 July of each school year with data up to the current one, whose point is today
    (or the deadline, when that came first; for the municipality, the reference date)."""
    years = list(SchoolYear.objects.order_by("start_year").values_list("start_year", flat=True))
    end = figures_date(target, today, suppress=suppress)
    first = years[0] if years else SchoolYear.start_year_of(end)
    if target.baseline_on:
        first = min(first, SchoolYear.start_year_of(target.baseline_on))
    dates = []
    for start_year in range(first, SchoolYear.start_year_of(end) + 1):
        year_end = schoolyear.last_day(start_year)
        dates.append(min(year_end, end))
    return dates


def a_year_before(day):
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def figures_a_year_before(*, target, day, suppress=True, schools=None):
    """The whole population's figures (the city's, or the schools') on the same date a year
    before `day`, published as a point of the trend is: for the municipality with small
    counts and their complements withheld. `day` is the date the figures of now were read on
    (for the municipality a reference date, so a year before is one too)."""
    before = a_year_before(day)
    school_ids = None if schools is None else [school.pk for school in schools]
    total = _totals(target, [before], school_ids=school_ids, lag=city_lag() if suppress else 0)
    figures = total[before]
    return _suppressed_figures(figures) if suppress else figures


def school_trend(*, target, school, today=None):
    """[TrendPoint]: one school's figures on the municipality's trend dates, each exactly as
    the city's page of that date publishes the school's row: suppressed within the table of
    all schools, so that nothing withheld there can be read here or worked out against it.
    One read of the cells of every date (stored or cached), whatever the number of pupils."""
    today = today or datetime.date.today()
    dates = trend_dates(target, today, suppress=True)
    cells = _cells(target, dates, lag=city_lag())
    schools_by_id = {
        s.pk: s for s in School.objects.all() if s.sector in (target.sectors or [s.sector])
    }
    points = []
    for day in dates:
        progress = _progress_from_cells(
            target, day, cells[day], suppress=True, schools_by_id=schools_by_id
        )
        row = next(row for row in progress.schools if row.key.pk == school.pk)
        label = SchoolYear(start_year=SchoolYear.start_year_of(day)).name
        points.append(TrendPoint(date=day, label=label, figures=row.figures))
    return points


def least_squares(xs, ys):
    """Slope and intercept of the least-squares line; None when it is not defined."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope, mean_y - slope * mean_x


def target_trend(*, target, today=None, suppress=True, schools=None):
    """Progress on 31 July of each past school year and today, with a least-squares projection
    of the share to the deadline, the status and how many pupils are still needed."""
    today = today or datetime.date.today()
    dates = trend_dates(target, today, suppress=suppress)
    school_ids = None if schools is None else [school.pk for school in schools]
    totals = _totals(target, dates, school_ids=school_ids, lag=city_lag() if suppress else 0)
    points = []
    for day in dates:
        city = totals[day]
        if suppress:
            city = _suppressed_figures(city)
        label = SchoolYear(start_year=SchoolYear.start_year_of(day)).name
        points.append(TrendPoint(date=day, label=label, figures=city))
    projected = project(target, points, today=today)
    projection, line_from = projected if projected is not None else (None, None)
    last = points[-1].figures if points else None
    goal = float(target.share)
    deadline_passed = today > target.deadline
    if last is None or last.share is None:
        status = "unknown"
    elif last.share >= goal:
        status = "met"
    elif deadline_passed:
        status = "behind"
    elif projection is None:
        status = "not_enough_history"
    elif projection >= goal:
        status = "on_track"
    else:
        status = "behind"
    still_needed = None
    if last is not None and last.population is not None and last.met is not None:
        still_needed = max(0, math.ceil(goal * last.population) - last.met)
    return Trend(
        target=target,
        points=points,
        projection=projection,
        status=status,
        still_needed=still_needed,
        deadline_passed=deadline_passed,
        line_from=line_from,
    )


def level_distribution(*, target, on, suppress=True, schools=None):
    """{skill: {level: pupils}} over the target's population on `on`, every skill; for the
    municipality, counts below the minimum are withheld (None) with a second one where needed
    so that none can be worked out from the skill's total."""
    day = figures_date(target, on, suppress=suppress)
    school_ids = None if schools is None else [s.pk for s in schools]
    counts = _cached_per_date(
        "level-distribution",
        target,
        [day],
        school_ids,
        lambda missing: _stored_or_computed_distribution(target, missing[0], school_ids),
        lag=city_lag() if suppress else 0,
    )[day]
    result = {}
    for skill in Skill.values:
        row = {level: counts.get((skill, level), 0) for level in [None, *Level.values]}
        if suppress:
            row = _suppress_counts(row)
        result[skill] = row
    return result


def _stored_or_computed_distribution(target, day, school_ids):
    """{day: distribution}: a settled day's from the stored one where kept; computed (and then
    stored, for a settled day) otherwise, like the cells."""
    scope = _digest(target, school_ids)
    settled = day < data_version.settled_before()
    if settled:
        found = stored_years.read(scope, [day], kind=stored_years.DISTRIBUTION)
        if found:
            return found
    version = data_version.history_version()
    computed = {day: _distribution(target, day, school_ids=school_ids)}
    if settled:
        stored_years.store(
            target, scope, school_ids, computed, version=version, kind=stored_years.DISTRIBUTION
        )
    return computed


def _distributions(target, days, school_ids):
    """{day: distribution} computed afresh (check_levels compares the stored ones with it)."""
    return {day: _distribution(target, day, school_ids=school_ids) for day in days}


def _suppress_counts(row):
    """A skill's level bands for the municipality: they add up to the population (shown in
    the headline), so that sum is protected like any other; where it cannot be, every band
    is withheld."""
    keys = list(row)
    table = suppression.suppress_table(
        [{"pupils": row[key]} for key in keys], total={"pupils": sum(row.values())}
    )
    if table.total["pupils"] is None:
        return dict.fromkeys(row)
    return {key: published["pupils"] for key, published in zip(keys, table.rows, strict=True)}


def _distribution(target, day, *, school_ids=None):
    """{(skill, level or None for not assessed): pupils} in one query: each pupil's period is
    looked up once, and the pupils are counted by their five levels together; the counts per
    skill are added up from those groups here (a few hundred, where the population has tens of
    thousands of pupils)."""
    date_sql = _date_param(connection.vendor)
    where, filter_params = _filters(target, school_ids)
    skills = list(levels.SKILL_COLUMNS)
    columns = ", ".join(f"lv.{skill}" for skill in skills)
    sql = f"""
        WITH pop AS (
            SELECT DISTINCT e.pupil_id
            FROM schools_enrolment e
            JOIN schools_group g ON g.id = e.group_id
            JOIN schools_school s ON s.id = g.school_id
            WHERE e.starts_on <= {date_sql} AND e.ends_on >= {date_sql}{where}
        )
        SELECT {columns}, COUNT(*)
        FROM pop
        LEFT JOIN schools_levelperiod lv ON lv.pupil_id = pop.pupil_id
             AND lv.valid_to > {date_sql} AND lv.valid_from <= {date_sql}
        GROUP BY {columns}
    """
    params = [day.isoformat()] * 2 + filter_params + [day.isoformat()] * 2
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for *levels_of_pupils, pupils in cursor.fetchall():
            for skill, level in zip(skills, levels_of_pupils, strict=True):
                counts[skill, level] = counts.get((skill, level), 0) + int(pupils)
    return counts
