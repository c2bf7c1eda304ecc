"""Reads of school data. Progress figures live in taalpad.progress, not here."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from .models import Result

# "Latest" means: latest date; on the same date, the one entered last.
LATEST_FIRST = [F("assessed_on").desc(), F("entered_at").desc(), F("pk").desc()]


def _latest_per_pupil_and_skill(results):
    return results.annotate(
        rank=Window(RowNumber(), partition_by=[F("pupil_id"), F("skill")], order_by=LATEST_FIRST)
    ).filter(rank=1)


def pupil_current_results(*, pupil, on):
    """{skill: Result} for the skills in which `pupil` had a result on or before `on`.

    One query; a skill without a result is absent (not assessed).
    """
    results = Result.objects.filter(pupil=pupil, assessed_on__lte=on).select_related(
        "instrument", "entered_by"
    )
    return {result.skill: result for result in _latest_per_pupil_and_skill(results)}


def current_levels(*, pupils, on):
    """{pupil id: {skill: level}} for every pupil in `pupils` that was assessed by `on`.

    `pupils` is a queryset or a list of ids. One query, whatever the number of pupils:
    the latest result per pupil and skill is picked by a window function in the database.
    """
    results = Result.objects.filter(pupil__in=pupils, assessed_on__lte=on)
    levels = {}
    rows = _latest_per_pupil_and_skill(results).values_list("pupil_id", "skill", "level")
    for pupil_id, skill, level in rows:
        levels.setdefault(pupil_id, {})[skill] = level
    return levels
