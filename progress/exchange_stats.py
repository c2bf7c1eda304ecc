"""Exchange statistics, part of the aggregation layer: per school and school year, and for the
city; counts of pupils obey the same small-cell suppression as every municipality figure.
Each function takes a fixed number of queries, whatever the number of pupils."""

from django.db import connection

from core.cefr import Skill
from exchanges.models import ExchangeActivity
from exchanges.selectors import exchange_figures
from progress import suppression, targets
from schools import levels


def exchange_statistics(*, school_years, schools=None, suppress=True):
    """The exchange figures of `exchanges.selectors.exchange_figures`, with the pupil counts
    suppressed for the municipality (`suppress`)."""
    result, city = exchange_figures(school_years=school_years, schools=schools)
    if suppress:
        result = _suppress(result, city)
    return result, city


def _suppress(rows, city):
    """Pupil counts (participants, enrolled; the rate follows) per school and school year,
    suppressed by the one module as a table whose sum is the year's city total, with the pupils
    enrolled but not taking part as the complement."""
    by_year = {}
    for item in rows:
        by_year.setdefault(item.school_year.start_year, []).append(item)
    for start_year, items in by_year.items():
        total = city[start_year]
        table = suppression.suppress_table(
            [_pupil_counts(item.figures) for item in items],
            total=_pupil_counts(total),
            complements=[("enrolled", "participants")],
        )
        for item, published in zip(items, table.rows, strict=True):
            _publish(item.figures, published)
        _publish(total, table.total)
    return rows


def _pupil_counts(figures):
    return {"participants": figures.participants, "enrolled": figures.enrolled}


def _publish(figures, published):
    figures.participants, figures.enrolled = published["participants"], published["enrolled"]
    figures.suppressed = None in published.values()


def participation_comparison(*, target, on, schools=None, suppress=True):
    """The share meeting the target among pupils who took part in an exchange in the two years
    before `on`, against those who did not: {True: Figures, False: Figures}. The
    municipality's view is read on the latest reference date."""
    if suppress:
        on = suppression.reference_date(on)
    since = (
        on.replace(year=on.year - 2)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year - 2, day=28)
    )
    split = targets.met_by_participation(
        target=target,
        on=on,
        since=since,
        school_ids=None if schools is None else [s.pk for s in schools],
    )
    if suppress:
        # Two rows adding up to the target's population, which the dashboard publishes: a
        # count withheld in one is withheld in the other.
        took, other = split[True], split[False]
        table = suppression.suppress_table(
            [took.counts(), other.counts()],
            total=targets.Figures.counts(_sum(took, other)),
            complements=targets.row_complements([]),
            total_withheld=(),
            at_least=2,
        )
        split = {
            flag: targets.Figures.from_counts(published, table.withheld_in(index))
            for index, (flag, published) in enumerate(zip((True, False), table.rows, strict=True))
        }
    return split


def _sum(*figures):
    total = targets.Figures(by_skill=None)
    for item in figures:
        total.population += item.population
        total.assessed += item.assessed
        total.met += item.met
    return total


def level_change(*, schools=None, suppress=True, since=None):
    """{skill: (pairs, mean change in levels)} from each participant's level before an activity
    to their first level after it, read from the level table; pairs below the minimum are
    withheld."""
    filters, params = [], []
    if schools is not None:
        ids = [s.pk for s in schools]
        filters.append(f"a.school_id IN ({', '.join(['%s'] * len(ids)) or 'NULL'})")
        params += ids
    if since is not None:
        filters.append(f"a.starts_on >= {targets._date_param(connection.vendor)}")
        params.append(since.isoformat())
    where = "".join(f" AND {f}" for f in filters)
    skills = levels.SKILL_COLUMNS  # the level table's columns are named after the skills
    before_levels = ", ".join(f"lv.{skill} AS {skill}" for skill in skills)
    after_level = " ".join(f"WHEN '{skill}' THEN lv.{skill}" for skill in skills)
    before_level = " ".join(f"WHEN '{skill}' THEN before.{skill}" for skill in skills)
    sql = f"""
        WITH pairs AS (
            SELECT p.pupil_id, a.id AS activity_id, a.starts_on, a.ends_on
            FROM exchanges_exchangeactivity_participants p
            JOIN exchanges_exchangeactivity a ON a.id = p.exchangeactivity_id
            WHERE 1 = 1{where}
        ),
        before AS (
            -- the levels each participant held the day before the activity began
            SELECT pairs.pupil_id, pairs.activity_id, {before_levels}
            FROM pairs JOIN schools_levelperiod lv
                 ON lv.pupil_id = pairs.pupil_id AND lv.valid_from < pairs.starts_on
                AND lv.valid_to >= pairs.starts_on
        ),
        first_after AS (
            -- the first date with a result in each skill after it ended
            SELECT pairs.pupil_id, pairs.activity_id, r.skill, MIN(r.assessed_on) AS day
            FROM pairs JOIN schools_result r
                 ON r.pupil_id = pairs.pupil_id AND r.assessed_on > pairs.ends_on
            GROUP BY pairs.pupil_id, pairs.activity_id, r.skill
        ),
        after AS (
            -- the level in that skill on that date, as the level table holds it
            SELECT first_after.pupil_id, first_after.activity_id, first_after.skill,
                   CASE first_after.skill {after_level} END AS level
            FROM first_after JOIN schools_levelperiod lv
                 ON lv.pupil_id = first_after.pupil_id AND lv.valid_from <= first_after.day
                AND lv.valid_to > first_after.day
        )
        SELECT after.skill, COUNT(*), SUM(after.level - CASE after.skill {before_level} END)
        FROM before JOIN after
             ON after.pupil_id = before.pupil_id AND after.activity_id = before.activity_id
        WHERE CASE after.skill {before_level} END IS NOT NULL
        GROUP BY after.skill
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {skill: (int(n), int(total) / int(n)) for skill, n, total in cursor.fetchall()}
    result = {}
    for skill in Skill.values:
        pairs, mean = rows.get(skill, (0, None))
        if suppress and pairs < targets.min_cell():
            result[skill] = (pairs if pairs == 0 else None, None)
        else:
            result[skill] = (pairs, mean)
    return result


def activities_per_city(*, schools=None, since=None):
    """{(city, lat, lon): activities} for the map; activities are not pupil counts."""
    activities = ExchangeActivity.objects.all()
    if schools is not None:
        activities = activities.filter(school__in=schools)
    if since is not None:
        activities = activities.filter(starts_on__gte=since)
    counts = {}
    for item in activities.values("partners__city", "partners__latitude", "partners__longitude"):
        if item["partners__city"] and item["partners__latitude"] is not None:
            key = (
                item["partners__city"],
                float(item["partners__latitude"]),
                float(item["partners__longitude"]),
            )
            counts[key] = counts.get(key, 0) + 1
    return counts


def exchange_table(rows):
    """(title, headers, rows) of `exchange_statistics` per school and school year for an
    export: exactly what the municipality's page shows, withheld counts included as such."""
    from django.utils.translation import gettext as _

    headers = [
        _("School"),
        _("School year"),
        _("Activities"),
        _("By kind"),
        _("Pupils taking part"),
        _("Participation (%)"),
        _("Without names"),
        _("Contact hours"),
        _("Partner cities"),
    ]
    table = []
    for row in rows:
        figures = row.figures
        rate = figures.participation_rate
        table.append(
            [
                row.school.name,
                row.school_year.name,
                figures.activities,
                ", ".join(f"{kind}: {count}" for kind, count in figures.kinds),
                _("withheld") if figures.suppressed else figures.participants,
                "" if figures.suppressed or rate is None else round(100 * rate, 1),
                figures.extra_participants,
                float(figures.contact_hours),
                ", ".join(figures.partner_cities),
            ]
        )
    return _("Exchanges per school"), headers, table
