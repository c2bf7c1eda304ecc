"""The level table: each pupil's levels in the five skills, one row per period in which they
hold (LevelPeriod).

Every write of results calls `refresh` for the pupils it touched, inside its transaction;
`rebuild` derives the whole table again and `differences` compares the table with what the
results say (`manage.py check_levels`). All three use the one derivation below, so the table
cannot follow other rules than the results:

- on each date with results, a pupil's level in a skill is that of the result entered last
  (`entered_at`, then id), as everywhere else;
- that level holds until the next date with a result in the same skill (exclusive);
- a pupil's periods start on every date with a result in any skill and run until the next such
  date, the last one until LevelPeriod.OPEN_END; each holds the level of every skill on its
  first day (none where the skill was not assessed yet).
"""

from django.db import connection
from django.db.models import F

from core.cefr import Skill
from schools import signals
from schools.models import LevelPeriod

# "Latest" result: the latest date; on the same date, the one entered last (then the highest
# id). The ORM ordering and the SQL of the derivation below are both made from this one list.
LATEST_ORDER = ("assessed_on", "entered_at", "id")
LATEST_FIRST = [F("pk" if column == "id" else column).desc() for column in LATEST_ORDER]
_LAST_OF_DAY_SQL = ", ".join(f"{column} DESC" for column in LATEST_ORDER[1:])

SKILL_COLUMNS = tuple(Skill.values)  # the table's level columns are named after the skills
COLUMNS = ", ".join(("pupil_id", "valid_from", "valid_to", *SKILL_COLUMNS))
_INSERT = f"{{ctes}} INSERT INTO schools_levelperiod ({COLUMNS}) SELECT {COLUMNS} FROM derived"
_INSERT_FROM = _INSERT + " WHERE valid_from >= %s"
CHUNK = 500  # pupils per statement: well below every database's parameter limit


def _derived(where="", params=(), seed=None):
    """SQL and parameters of common table expressions ending in `derived`: the periods that
    the results give, optionally filtered. (A statement starts with them: SQLite takes no
    WITH after INSERT or inside a compound SELECT.)

    Window functions only, no join, so that SQLite is as linear as PostgreSQL: one row per
    pupil and date with the level of each skill assessed that day; a running count of each
    skill's levels numbers the stretch a level holds, and the level of that stretch fills it.
    """
    open_end = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    of_day = ",\n".join(
        f"MAX(CASE WHEN skill = '{skill}' THEN level END) AS {skill}" for skill in SKILL_COLUMNS
    )
    stretch = ",\n".join(
        f"COUNT({skill}) OVER (PARTITION BY pupil_id ORDER BY day) AS {skill}_stretch"
        for skill in SKILL_COLUMNS
    )
    filled = ",\n".join(
        f"MAX({skill}) OVER (PARTITION BY pupil_id, {skill}_stretch) AS {skill}"
        for skill in SKILL_COLUMNS
    )
    seeded, seed_params = "", []
    if seed is not None:
        condition, seed_params = seed
        seeded = f"UNION ALL SELECT pupil_id, valid_from, {', '.join(SKILL_COLUMNS)}"
        seeded += f" FROM schools_levelperiod {condition}"
    sql = f"""
        WITH last_of_day AS (
            SELECT pupil_id, skill, level, assessed_on,
                   ROW_NUMBER() OVER (PARTITION BY pupil_id, skill, assessed_on
                                      ORDER BY {_LAST_OF_DAY_SQL}) AS rank
            FROM schools_result {where}
        ),
        days AS (
            SELECT pupil_id, assessed_on AS day, {of_day}
            FROM last_of_day
            WHERE rank = 1
            GROUP BY pupil_id, assessed_on
            {seeded}
        ),
        stretches AS (
            SELECT pupil_id, day, {", ".join(SKILL_COLUMNS)}, {stretch},
                   LEAD(day) OVER (PARTITION BY pupil_id ORDER BY day) AS next_day
            FROM days
        ),
        derived AS (
            SELECT pupil_id, day AS valid_from, COALESCE(next_day, {open_end}) AS valid_to,
                   {filled}
            FROM stretches
        )
    """
    return sql, [*params, *seed_params, LevelPeriod.OPEN_END.isoformat()]


def levels_on(*, pupils, on):
    """{pupil id: {skill: level}}: the current level of each pupil in `pupils` (a queryset or
    ids) in every skill assessed by `on`, read from the level table in one query."""
    periods = LevelPeriod.objects.filter(pupil__in=pupils, valid_from__lte=on, valid_to__gt=on)
    levels = {}
    for pupil_id, *values in periods.values_list("pupil_id", *SKILL_COLUMNS):
        pairs = zip(SKILL_COLUMNS, values, strict=True)
        own = {skill: level for skill, level in pairs if level is not None}
        if own:
            levels[pupil_id] = own
    return levels


def refresh(pupil_ids, skills=None, *, since=None):
    """Derive the periods of these pupils again from their results. `skills` names the skills
    written (kept for the callers' sake: a period holds all five, so a pupil's periods are
    derived whole). `since` is the earliest date of the results written, changed or deleted
    (None: unknown): the periods before it stay, and only those from it on are derived again;
    cached figures of earlier dates can stay too. A few statements per 500 pupils; call it
    inside the transaction that wrote the results."""
    pupil_ids = sorted({int(pk) for pk in pupil_ids})
    if not pupil_ids:
        return  # nothing was written
    signals.announce_levels_changed(since=since)
    with connection.cursor() as cursor:
        for start in range(0, len(pupil_ids), CHUNK):
            chunk = pupil_ids[start : start + CHUNK]
            if since is None:
                _derive_whole(cursor, chunk)
            else:
                _derive_from(cursor, chunk, since)


def _pupils_in(chunk):
    return f"pupil_id IN ({', '.join(['%s'] * len(chunk))})"


def _derive_whole(cursor, chunk):
    where = f"WHERE {_pupils_in(chunk)}"
    cursor.execute(f"DELETE FROM schools_levelperiod {where}", chunk)
    ctes, params = _derived(where, chunk)
    cursor.execute(_INSERT.format(ctes=ctes), params)


def _derive_from(cursor, chunk, since):
    """Derive the periods from `since` on. The period holding the day before `since` (the
    seed) keeps its levels, which results from `since` on cannot change, and carries them into
    the new periods; afterwards it ends where the first of them begins."""
    pupils, day = _pupils_in(chunk), since.isoformat()
    seeds = f"WHERE {pupils} AND valid_from < %s AND valid_to >= %s"
    ctes, params = _derived(
        f"WHERE {pupils} AND assessed_on >= %s", [*chunk, day], seed=(seeds, [*chunk, day, day])
    )
    open_end = LevelPeriod.OPEN_END.isoformat()
    if connection.vendor == "postgresql":
        # One statement instead of three (a class grid's save waited for each): every part
        # reads the table as it stood before it, so the delete cannot touch the rows added,
        # and the seed's new end is read from what was added.
        cursor.execute(
            f"""{ctes},
            removed AS (DELETE FROM schools_levelperiod WHERE {pupils} AND valid_from >= %s),
            added AS (
                INSERT INTO schools_levelperiod ({COLUMNS}) SELECT {COLUMNS} FROM derived
                WHERE valid_from >= %s RETURNING pupil_id, valid_from)
            UPDATE schools_levelperiod SET valid_to = COALESCE(
                (SELECT MIN(added.valid_from) FROM added
                 WHERE added.pupil_id = schools_levelperiod.pupil_id),
                CAST(%s AS DATE))
            {seeds}""",
            [*params, *chunk, day, day, open_end, *chunk, day, day],
        )
        return
    cursor.execute(
        f"DELETE FROM schools_levelperiod WHERE {pupils} AND valid_from >= %s", [*chunk, day]
    )
    cursor.execute(_INSERT_FROM.format(ctes=ctes), [*params, day])
    cursor.execute(
        f"""UPDATE schools_levelperiod SET valid_to = COALESCE(
                (SELECT MIN(later.valid_from) FROM schools_levelperiod later
                 WHERE later.pupil_id = schools_levelperiod.pupil_id AND later.valid_from >= %s),
                %s)
            {seeds}""",
        [day, open_end, *chunk, day, day],
    )


def rebuild():
    """Derive the whole table again; returns the number of periods."""
    signals.announce_levels_changed()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM schools_levelperiod")
        ctes, params = _derived()
        cursor.execute(_INSERT.format(ctes=ctes), params)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE schools_levelperiod")
    return LevelPeriod.objects.count()


def differences(limit=20):
    """(missing, extra, pupil ids): periods the results give that the table lacks, rows of the
    table the results do not give, and up to `limit` pupils concerned."""
    ctes, params = _derived()
    derived = f"SELECT {COLUMNS} FROM derived"
    stored = f"SELECT {COLUMNS} FROM schools_levelperiod"
    counts, pupils = [], set()
    with connection.cursor() as cursor:
        for first, second in ((derived, stored), (stored, derived)):
            sql = f"{ctes} SELECT pupil_id FROM ({first} EXCEPT {second}) difference"
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            counts.append(len(rows))
            pupils.update(pk for (pk,) in rows)
    return counts[0], counts[1], sorted(pupils)[:limit]


def skill_history(pupil_id, skill):
    """[(level, from, until)]: the stretches in which the pupil held each level in `skill`,
    read from the level table (neighbouring periods with the same level are one stretch)."""
    rows = (
        LevelPeriod.objects.filter(pupil_id=pupil_id)
        .exclude(**{f"{skill}__isnull": True})
        .order_by("valid_from")
        .values_list(skill, "valid_from", "valid_to")
    )
    stretches = []
    for level, valid_from, valid_to in rows:
        if stretches and stretches[-1][0] == level and stretches[-1][2] == valid_from:
            stretches[-1] = (level, stretches[-1][1], valid_to)
        else:
            stretches.append((level, valid_from, valid_to))
    return stretches
