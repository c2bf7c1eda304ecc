"""Reads of school data. Progress figures live in progress.targets, not here."""

import datetime

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from core.cefr import Skill

from .levels import LATEST_FIRST
from .models import Enrolment, ExpectedLevel, Instrument, Pupil, Result, SchoolYear


def _latest_per_pupil_and_skill(results):
    return results.annotate(
        rank=Window(RowNumber(), partition_by=[F("pupil_id"), F("skill")], order_by=LATEST_FIRST)
    ).filter(rank=1)


def pupil_current_results(*, pupil, on, results=None):
    """{skill: Result} for the skills in which `pupil` had a result on or before `on`, among
    `results` (what the viewer may read; default: all of the pupil's).

    One query; a skill without a result is absent (not assessed).
    """
    results = (
        (results if results is not None else Result.objects.filter(pupil=pupil))
        .filter(assessed_on__lte=on)
        .select_related("instrument", "entered_by")
    )
    return {result.skill: result for result in _latest_per_pupil_and_skill(results)}


def pupils_enrolled(*, group, on):
    """Pupils in `group` on `on` (the group's last day if `on` lies after its year)."""
    return (
        Pupil.objects.filter(
            enrolments__group=group, enrolments__starts_on__lte=on, enrolments__ends_on__gte=on
        )
        .order_by("family_name", "given_name", "pk")
        .distinct()
    )


def pupils_enrolled_at(*, school, on):
    """How many pupils are enrolled in a group of `school` on `on`: the count every page calls
    "pupils" for a school and a date (a pupil record without a running enrolment, such as a
    pupil who left, is not one of them)."""
    return (
        Enrolment.objects.filter(group__school=school, starts_on__lte=on, ends_on__gte=on)
        .values("pupil_id")
        .distinct()
        .count()
    )


def reference_date(group, today):
    """The day a group is looked at: today within its school year, else its last day."""
    year = group.school_year
    return min(max(today, year.starts_on), year.ends_on)


def expected_levels(*, school):
    """{(track, skill): ExpectedLevel}: the school's own where set, else the city's. One query."""
    rows = ExpectedLevel.objects.filter(Q(school__isnull=True) | Q(school=school)).order_by(
        F("school").asc(nulls_first=True)
    )
    return {(row.track, row.skill): row for row in rows}


JUMP = 2  # more than this many levels between consecutive results in a skill is suspicious


def quality_flags(*, pupil_ids, school_year, today):
    """{pupil id: [flag, …]} for the group page, from one query over the pupils' results.

    Flags: a jump of more than two levels between consecutive results in a skill, a result
    dated after today, a skill never assessed in this school year.
    """
    rows = (
        Result.objects.filter(pupil_id__in=pupil_ids)
        .order_by("pupil_id", "skill", "assessed_on", "entered_at", "pk")
        .values_list("pupil_id", "skill", "level", "assessed_on")
    )
    flags = {pupil_id: [] for pupil_id in pupil_ids}
    assessed_this_year = {pupil_id: set() for pupil_id in pupil_ids}
    previous = {}
    for pupil_id, skill, level, assessed_on in rows:
        before = previous.get((pupil_id, skill))
        if before is not None and abs(level - before) > JUMP:
            flags[pupil_id].append(("jump", skill, before, level, assessed_on))
        previous[pupil_id, skill] = level
        if assessed_on > today:
            flags[pupil_id].append(("future", skill, None, level, assessed_on))
        if school_year.starts_on <= assessed_on <= school_year.ends_on:
            assessed_this_year[pupil_id].add(skill)
    for pupil_id, skills in assessed_this_year.items():
        missing = [skill for skill in Skill.values if skill not in skills]
        if missing:
            flags[pupil_id].append(("not_this_year", missing, None, None, None))
    return flags


def grid_results(*, instruments, assessed_on, pupil_ids):
    """{(instrument id, pupil id): Result} already recorded for these instruments on this date
    (the one entered last)."""
    results = (
        Result.objects.filter(
            instrument__in=instruments, assessed_on=assessed_on, pupil_id__in=pupil_ids
        )
        .select_related("entered_by")
        .order_by("pupil_id", "entered_at", "pk")
    )
    return {(result.instrument_id, result.pupil_id): result for result in results}


def instruments_for(*, school):
    """Instruments a school can use: the city's and its own, in use."""
    return Instrument.objects.filter(
        Q(school__isnull=True) | Q(school=school), is_active=True
    ).order_by("skill", "name")


def result_on(*, pupil, instrument, day):
    """The pupil's stored result of that test on that date (the one entered last), or None."""
    return (
        Result.objects.filter(pupil=pupil, instrument=instrument, assessed_on=day)
        .select_related("entered_by")
        .order_by(*LATEST_FIRST)
        .first()
    )


def pupil_results(*, pupil, results=None):
    """Every result of a pupil (among `results`, what the viewer may read), newest first,
    with instrument and who entered it."""
    results = results if results is not None else pupil.results.all()
    return results.select_related("instrument", "entered_by").order_by(*LATEST_FIRST)


def current_enrolment(*, pupil, on):
    return (
        pupil.enrolments.filter(starts_on__lte=on, ends_on__gte=on)
        .select_related("group__school", "group__school_year")
        .first()
    )


def latest_self_assessments(*, pupil):
    """{skill: SelfAssessment}: the pupil's most recent own rating per skill."""
    latest = {}
    for assessment in pupil.self_assessments.order_by("assessed_on", "created_at", "pk"):
        latest[assessment.skill] = assessment
    return latest


def school_years_with_choice(wanted):
    """(every school year, newest first; the one asked for by its start year, else the
    current one)."""
    years = list(SchoolYear.objects.order_by("-start_year"))
    current_start = SchoolYear.start_year_of(datetime.date.today())
    current = next((y for y in years if y.start_year == current_start), years[0] if years else None)
    return years, next((y for y in years if str(y.start_year) == str(wanted)), current)


def with_pupil_counts(groups, *, on=None):
    """`groups` with `pupil_count`: the pupils enrolled on `on` (None: ever in the group)."""
    running = Q(enrolments__starts_on__lte=on, enrolments__ends_on__gte=on) if on else Q()
    return groups.annotate(pupil_count=Count("enrolments", filter=running, distinct=True))


def staff_with_group_counts(*, school, school_year):
    """The school's memberships with `group_count`: the groups each teaches that year."""
    taught = Q(user__taught_groups__school=school, user__taught_groups__school_year=school_year)
    return (
        school.memberships.select_related("user")
        .annotate(group_count=Count("user__taught_groups", filter=taught))
        .order_by("role", "user__name")
    )
