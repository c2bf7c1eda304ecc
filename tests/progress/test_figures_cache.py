"""Cached figures follow every write: this year's at once; earlier years' only when a write
reaches back into them, so the trend's past points survive the year's many grid saves."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cefr import Level, Skill, Track
from progress import targets
from progress.targets import target_trend
from schools import services
from schools.models import Enrolment, Result, SchoolYear
from tests.conftest import enrol, make_group, make_user
from tests.progress.conftest import YEAR_START, build_random_city

TODAY = datetime.date.today()


def grouped_queries(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return [q["sql"] for q in queries.captured_queries if "per_pupil" in q["sql"]]


def plain(trend):
    return [(p.date, p.figures.population, p.figures.assessed, p.figures.met) for p in trend.points]


def record(pupil, day, level, skills=(Skill.LISTENING,)):
    teacher = make_user(f"teacher{Result.objects.count()}@school.test")
    for skill in skills:
        instrument = Result.objects.filter(skill=skill).first().instrument
        services.result_record(
            by=teacher, pupil=pupil, instrument=instrument, assessed_on=day, level=level
        )


def pupil_of_lea_population(day):
    """A pupil in the LEA target's population (secondary, year 3 or 4) on `day`."""
    return (
        Enrolment.objects.filter(starts_on__lte=day, ends_on__gte=day, group__school__sector="vo")
        .filter(group__year_level__in=[3, 4])
        .first()
        .pupil
    )


def test_a_result_of_this_year_leaves_earlier_years_cached(lea_target):
    build_random_city(11)
    pupil = Enrolment.objects.first().pupil
    # Enrolled this school year too: a result is dated within an enrolment.
    this_year = SchoolYear.objects.create(start_year=SchoolYear.start_year_of(TODAY))
    enrol(pupil, make_group(pupil.school, this_year, "G9", track=Track.HAVO, year_level=3))
    # The exact view, read on today (the municipality's reads the latest reference date).
    target_trend(target=lea_target, today=TODAY, suppress=False)
    record(pupil, TODAY, Level.C2)
    sql = grouped_queries(lambda: target_trend(target=lea_target, today=TODAY, suppress=False))
    assert len(sql) == 1
    assert TODAY.isoformat() in sql[0]
    assert f"{YEAR_START + 1}-07-31" not in sql[0]  # a past point, from the cache


def test_a_back_dated_result_recomputes_the_years_it_reaches(lea_target):
    build_random_city(12)
    point = datetime.date(YEAR_START + 1, 7, 31)  # the first school year's point
    day = point - datetime.timedelta(days=1)
    # A pupil of the target's population on that point, whose three required skills are set
    # the day before: at C2 they meet the target, below A1 they do not.
    pupil = pupil_of_lea_population(point)
    target_trend(target=lea_target, today=TODAY)
    met = {}
    for level in (Level.C2, Level.BELOW_A1):
        record(pupil, day, level, skills=lea_target.required_skills)
        sql = grouped_queries(lambda: target_trend(target=lea_target, today=TODAY))
        assert len(sql) == 1 and point.isoformat() in sql[0]  # the past point, recomputed
        # The exact counts behind the cached cells (the municipality's view withholds some).
        cached = plain(target_trend(target=lea_target, today=TODAY, suppress=False))
        cache.clear()
        assert cached == plain(target_trend(target=lea_target, today=TODAY, suppress=False))
        met[level] = next(m for d, _p, _a, m in cached if d == point)
    assert met[Level.C2] == met[Level.BELOW_A1] + 1


def test_figures_that_trail_the_data_are_never_kept_as_current(lea_target, settings):
    """The municipality's figures may trail a write by the lag; once recomputed under the new
    data version they are current, even while older cells are still held for the lag."""
    build_random_city(13)
    point = datetime.date(YEAR_START + 2, 7, 31)  # the last school year's point
    day = point - datetime.timedelta(days=1)
    pupil = pupil_of_lea_population(point)
    settings.TAALPAD_CITY_FIGURES_LAG = 60
    record(pupil, day, Level.BELOW_A1, skills=lea_target.required_skills)
    before = plain(target_trend(target=lea_target, today=TODAY))
    record(pupil, day, Level.C2, skills=lea_target.required_skills)
    # The trailing totals expire; the trailing cells behind them are still in the cache.
    digest = targets._digest(lea_target, None)
    cache.delete_many(
        [
            f"progress-totals:recent:{digest}:{day.isoformat()}"
            for day in targets.trend_dates(lea_target, TODAY)
        ]
    )
    target_trend(target=lea_target, today=TODAY)
    settings.TAALPAD_CITY_FIGURES_LAG = 0
    current = plain(target_trend(target=lea_target, today=TODAY))
    cache.clear()
    fresh = plain(target_trend(target=lea_target, today=TODAY))
    assert fresh != before  # the pupil now meets the target on that point
    assert current == fresh
