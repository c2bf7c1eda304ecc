"""Settled days, stored: the cells and the level distribution of dates up to the latest
reference date that has passed (every finished school year's 31 July, the municipality's
reference dates; see `progress.data_version.settled_before`) are kept in a table (StoredYear)
as well as in the cache, so that the trend and the municipality's figures read them from one
indexed query even when the cache is cold.

Every write that can change such a day's figures deletes the stored rows from that day on,
inside its transaction (`forget`, called by `progress.data_version.bump`); a computation only
stores what it made if no write came in between (the history version is unchanged).
"""

from django.db import IntegrityError, transaction

from progress import data_version
from progress.models import StoredYear

CELLS, DISTRIBUTION, TOTALS = (
    StoredYear.Kind.CELLS,
    StoredYear.Kind.DISTRIBUTION,
    StoredYear.Kind.TOTALS,
)


def read(scope, days, kind=CELLS):
    """{day: packed cells (or distribution)} of the stored ones among `days`."""
    if not days:
        return {}
    rows = StoredYear.objects.filter(scope=scope, kind=kind, day__in=days)
    decode = _DECODE[kind]
    return {day: decode(cells) for day, cells in rows.values_list("day", "cells")}


def store(target, scope, school_ids, computed, *, version, kind=CELLS):
    """Keep `computed` ({day: packed cells or distribution}, settled days only) unless the
    data changed since `version` (the history version read before computing)."""
    if not computed or target.pk is None or data_version.history_version() != version:
        return
    ids = None if school_ids is None else sorted(school_ids)
    encode = _ENCODE[kind]
    rows = [
        StoredYear(
            target=target, scope=scope, school_ids=ids, kind=kind, day=day, cells=encode(cells)
        )
        for day, cells in computed.items()
    ]
    try:
        with transaction.atomic():
            StoredYear.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:
        pass  # the target was deleted meanwhile: nothing to keep


def forget(*, since=None, target=None):
    """Delete what a write makes stale: the days on or after `since` (None: every day), of one
    target or of all."""
    rows = StoredYear.objects.all()
    if since is not None:
        rows = rows.filter(day__gte=since)
    if target is not None:
        rows = rows.filter(target=target)
    rows.delete()


def differences(compute):
    """[(target id, day)] of stored rows that differ from a fresh computation:
    `compute[kind](target, days, school_ids)` gives {day: packed cells or distribution}."""
    wrong = []
    by_scope = {}
    for row in StoredYear.objects.select_related("target").order_by("scope", "kind", "day"):
        by_scope.setdefault((row.scope, row.kind), []).append(row)
    for (_scope, kind), rows in by_scope.items():
        first, decode = rows[0], _DECODE[kind]
        fresh = compute[kind](first.target, [row.day for row in rows], first.school_ids)
        wrong += [(row.target_id, row.day) for row in rows if decode(row.cells) != fresh[row.day]]
    return wrong


# JSON holds lists where the cells have tuples: {(school, group, track, year level): packed}.
def _to_json(cells):
    return [
        [list(key), [*figures[:3], [list(skill) for skill in figures[3]]]]
        for key, figures in cells.items()
    ]


def _from_json(rows):
    return {
        tuple(key): (population, assessed, met, tuple(tuple(skill) for skill in skills))
        for key, (population, assessed, met, skills) in rows
    }


# A distribution, {(skill, level or None): pupils}, as [[skill, level, pupils]].
def _distribution_to_json(counts):
    return [[skill, level, pupils] for (skill, level), pupils in counts.items()]


def _distribution_from_json(rows):
    return {(skill, level): pupils for skill, level, pupils in rows}


# Totals, (population, assessed, met, ((skill, assessed, at or above), …)), as JSON's lists.
def _totals_to_json(totals):
    population, assessed, met, skills = totals
    return [population, assessed, met, [list(skill) for skill in skills]]


def _totals_from_json(row):
    population, assessed, met, skills = row
    return (population, assessed, met, tuple(tuple(skill) for skill in skills))


_ENCODE = {CELLS: _to_json, DISTRIBUTION: _distribution_to_json, TOTALS: _totals_to_json}
_DECODE = {CELLS: _from_json, DISTRIBUTION: _distribution_from_json, TOTALS: _totals_from_json}
