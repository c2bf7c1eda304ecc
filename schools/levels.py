"""The level table: each pupil's level per skill with the dates it holds (LevelSpan).

Every write of results calls `refresh` for the pupils it touched, inside its transaction;
`rebuild` derives the whole table again and `differences` compares the table with what the
results say (`manage.py check_levels`). All three use the one derivation below, so the table
cannot follow other rules than the results:

- on each date with results, a pupil's level in a skill is that of the result entered last
  (`entered_at`, then id), as everywhere else;
- that level holds until the next date with a result in the same skill (exclusive), and the
  last one until LevelSpan.OPEN_END.
"""

from django.db import connection
from django.db.models import F

from schools import signals
from schools.models import LevelSpan

# "Latest" result: the latest date; on the same date, the one entered last (then the highest
# id). The ORM ordering and the SQL of the derivation below are both made from this one list.
LATEST_ORDER = ("assessed_on", "entered_at", "id")
LATEST_FIRST = [F("pk" if column == "id" else column).desc() for column in LATEST_ORDER]
_LAST_OF_DAY_SQL = ", ".join(f"{column} DESC" for column in LATEST_ORDER[1:])

COLUMNS = "pupil_id, skill, level, valid_from, valid_to"
CHUNK = 500  # pupils per statement: well below every database's parameter limit


def _derived(where="", params=()):
    """SQL and parameters of the spans that the results give, optionally filtered."""
    open_end = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    sql = f"""
        SELECT pupil_id, skill, level, assessed_on AS valid_from,
               COALESCE(LEAD(assessed_on) OVER (PARTITION BY pupil_id, skill
                                                ORDER BY assessed_on), {open_end}) AS valid_to
        FROM (
            SELECT pupil_id, skill, level, assessed_on,
                   ROW_NUMBER() OVER (PARTITION BY pupil_id, skill, assessed_on
                                      ORDER BY {_LAST_OF_DAY_SQL}) AS rank
            FROM schools_result {where}
        ) last_of_day
        WHERE rank = 1
    """
    return sql, [LevelSpan.OPEN_END.isoformat(), *params]


def levels_on(*, pupils, on):
    """{pupil id: {skill: level}}: the current level of each pupil in `pupils` (a queryset or
    ids) in every skill assessed by `on`, read from the level table in one query."""
    spans = LevelSpan.objects.filter(pupil__in=pupils, valid_from__lte=on, valid_to__gt=on)
    levels = {}
    for pupil_id, skill, level in spans.values_list("pupil_id", "skill", "level"):
        levels.setdefault(pupil_id, {})[skill] = level
    return levels


def refresh(pupil_ids, skills=None, *, since=None):
    """Derive the spans of these pupils again from their results, in `skills` only when
    given (a class grid touches one). `since` is the earliest date of the results written,
    changed or deleted (None: unknown), so that cached figures of earlier dates can stay. Two
    statements per 500 pupils; call it inside the transaction that wrote the results."""
    pupil_ids = sorted({int(pk) for pk in pupil_ids})
    if not pupil_ids:
        return  # nothing was written
    skill_filter, skill_params = "", []
    if skills is not None:
        skills = sorted(set(skills))
        skill_filter = f" AND skill IN ({', '.join(['%s'] * len(skills))})"
        skill_params = skills
    signals.announce_levels_changed(since=since)
    with connection.cursor() as cursor:
        for start in range(0, len(pupil_ids), CHUNK):
            chunk = pupil_ids[start : start + CHUNK]
            where = f"WHERE pupil_id IN ({', '.join(['%s'] * len(chunk))}){skill_filter}"
            cursor.execute(f"DELETE FROM schools_levelspan {where}", chunk + skill_params)
            select, params = _derived(where, chunk + skill_params)
            cursor.execute(f"INSERT INTO schools_levelspan ({COLUMNS}) {select}", params)


def rebuild():
    """Derive the whole table again; returns the number of spans."""
    signals.announce_levels_changed()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM schools_levelspan")
        select, params = _derived()
        cursor.execute(f"INSERT INTO schools_levelspan ({COLUMNS}) {select}", params)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE schools_levelspan")
    return LevelSpan.objects.count()


def differences(limit=20):
    """(missing, extra, pupil ids): spans the results give that the table lacks, rows of the
    table the results do not give, and up to `limit` pupils concerned."""
    select, params = _derived()
    stored = f"SELECT {COLUMNS} FROM schools_levelspan"
    counts, pupils = [], set()
    with connection.cursor() as cursor:
        for sql, sql_params in (
            (f"{select} EXCEPT {stored}", params),
            (f"{stored} EXCEPT {select}", params),
        ):
            cursor.execute(f"SELECT pupil_id FROM ({sql}) difference", sql_params)
            rows = cursor.fetchall()
            counts.append(len(rows))
            pupils.update(pk for (pk,) in rows)
    return counts[0], counts[1], sorted(pupils)[:limit]
