"""Finished school years are stored: the trend reads them back even with a cold cache, every
write that can change one deletes it in the same transaction, and check_levels proves the stored
rows equal a fresh computation."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cefr import Level, Skill, Track
from progress.models import StoredYear
from progress.suppression import reference_date
from progress.targets import level_distribution, target_progress, target_trend
from schools import services
from schools.levels import levels_on
from schools.models import Enrolment, Group, Pupil, SchoolYear
from tests.progress.conftest import YEAR_START, build_random_city
from tests.progress.oracle import _population, oracle_progress

FIRST_YEAR_END = datetime.date(YEAR_START + 1, 7, 31)
TODAY = datetime.date.today()


def trend_points(target):
    return [
        (p.date, p.figures.population, p.figures.met)
        for p in target_trend(target=target, today=TODAY, suppress=False).points
    ]


def city_on(target, day):
    city = target_progress(target=target, on=day, suppress=False).city
    return city.population, city.assessed, city.met


def oracle_on(target, day):
    city = oracle_progress(target, day)["city"]
    return city["population"], city["assessed"], city["met"]


@pytest.fixture
def city(db, lea_target):
    build_random_city(7, pupils=80)
    return lea_target


def test_the_trend_stores_its_finished_years_and_reads_them_back_with_a_cold_cache(city):
    first = trend_points(city)
    stored = set(StoredYear.objects.values_list("day", flat=True))
    assert FIRST_YEAR_END in stored
    assert all(day < datetime.date(YEAR_START + 2, 8, 1) for day in stored)  # finished years only
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert trend_points(city) == first
    # the stored years in one query; the figures query covers only the current school year
    assert sum("progress_storedyear" in q["sql"] for q in queries.captured_queries) == 1
    assert not any('INSERT INTO "progress_storedyear"' in q["sql"] for q in queries)


def test_a_result_dated_back_into_a_finished_year_replaces_its_stored_figures(city):
    trend_points(city)
    before = city_on(city, FIRST_YEAR_END)
    day = FIRST_YEAR_END - datetime.timedelta(days=3)
    # A pupil of the population on that day who does not reach the target yet.
    population = Pupil.objects.filter(
        enrolments__starts_on__lte=day,
        enrolments__ends_on__gte=FIRST_YEAR_END,
        enrolments__group__school__sector="vo",
        enrolments__group__year_level__in=city.year_levels,
    ).distinct()
    levels = levels_on(pupils=population, on=day)
    pupil = next(
        p
        for p in population
        if not all(levels.get(p.pk, {}).get(s, -1) >= city.threshold for s in city.required_skills)
    )
    for skill in city.required_skills:
        instrument = services.instrument_create(name=f"Later {skill}", skill=skill, kind="rated")
        services.result_record(
            by=None, pupil=pupil, instrument=instrument, assessed_on=day, level=Level.C2
        )
    assert not StoredYear.objects.filter(day__gte=day).exists()
    cache.clear()
    after = city_on(city, FIRST_YEAR_END)
    assert after == oracle_on(city, FIRST_YEAR_END)
    assert after[2] == before[2] + 1  # the pupil now meets the target


def test_an_enrolment_change_or_a_target_change_forgets_every_stored_year(city):
    trend_points(city)
    assert StoredYear.objects.exists()
    Enrolment.objects.first().delete()
    assert not StoredYear.objects.exists()
    trend_points(city)
    assert StoredYear.objects.exists()
    city.threshold = Level.A2
    city.save()
    assert not StoredYear.objects.exists()
    cache.clear()
    assert city_on(city, FIRST_YEAR_END) == oracle_on(city, FIRST_YEAR_END)


def test_check_levels_proves_the_stored_years_and_repairs_them(city):
    trend_points(city)
    call_command("check_levels")  # agrees: no error
    row = StoredYear.objects.filter(day=FIRST_YEAR_END).first()
    key, figures = row.cells[0]
    row.cells[0] = [key, [figures[0] + 1, *figures[1:]]]
    row.save()
    with pytest.raises(CommandError):
        call_command("check_levels")
    call_command("check_levels", "--repair")
    call_command("check_levels")
    cache.clear()
    assert city_on(city, FIRST_YEAR_END) == oracle_on(city, FIRST_YEAR_END)


def test_skills_of_every_target_are_stored_apart(city, db):
    from progress.models import Target

    other = Target.objects.create(
        name="Writing B1",
        threshold=Level.B1,
        required_skills=[Skill.WRITING],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )
    trend_points(city)
    trend_points(other)
    cache.clear()
    assert city_on(other, FIRST_YEAR_END) == oracle_on(other, FIRST_YEAR_END)
    assert city_on(city, FIRST_YEAR_END) == oracle_on(city, FIRST_YEAR_END)


def test_the_passed_reference_date_is_stored_and_only_results_dated_on_or_before_it_forget_it(
    city,
):
    """The municipality reads its figures on the latest reference date: a settled day, stored
    like a finished year. The grid saves of today leave it; a result dated back onto it does not."""
    settled = reference_date(TODAY - datetime.timedelta(days=1))
    # A pupil in a havo 3 group from the reference date through today (31 July and today can
    # lie in two school years), enrolled before anything is read: enrolments forget every day.
    pupil = Pupil.objects.first()
    school = Group.objects.filter(school__sector="vo").first().school
    for start_year in sorted({SchoolYear.start_year_of(day) for day in (settled, TODAY)}):
        year, _ = SchoolYear.objects.get_or_create(start_year=start_year)
        group = Group.objects.create(
            school=school, school_year=year, name="H3", track=Track.HAVO, year_level=3
        )
        Enrolment.objects.create(
            pupil=pupil, group=group, starts_on=max(settled, year.starts_on), ends_on=year.ends_on
        )
    read = target_progress(target=city, on=TODAY)
    assert read.date == settled
    assert StoredYear.objects.filter(day=settled).exists()
    instrument = services.instrument_create(name="Gesprek", skill=Skill.LISTENING, kind="rated")
    services.result_record(
        by=None, pupil=pupil, instrument=instrument, assessed_on=TODAY, level=Level.B1
    )
    assert StoredYear.objects.filter(day=settled).exists()  # today is not settled
    services.result_record(
        by=None, pupil=pupil, instrument=instrument, assessed_on=settled, level=Level.B2
    )
    assert not StoredYear.objects.filter(day=settled).exists()
    cache.clear()
    assert city_on(city, settled) == oracle_on(city, settled)


def test_a_settled_days_level_distribution_is_stored_proved_and_forgotten(city, teacher_a1):
    fresh = level_distribution(target=city, on=FIRST_YEAR_END, suppress=False)
    row = StoredYear.objects.get(kind=StoredYear.Kind.DISTRIBUTION, day=FIRST_YEAR_END)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert level_distribution(target=city, on=FIRST_YEAR_END, suppress=False) == fresh
    assert len(queries) == 1 and "progress_storedyear" in queries[0]["sql"]
    # check_levels compares it with a fresh count, and repairs it
    call_command("check_levels")
    row.cells[0][2] += 1
    row.save()
    with pytest.raises(CommandError):
        call_command("check_levels")
    call_command("check_levels", "--repair")
    assert not StoredYear.objects.filter(kind=StoredYear.Kind.DISTRIBUTION).exists()
    # a result dated back into the year forgets it; the next count follows the result
    counted = _population(city, FIRST_YEAR_END)  # the oracle's: who the target counts that day
    writing = levels_on(pupils=list(counted), on=FIRST_YEAR_END)
    pupil = next(
        Pupil.objects.get(pk=pk)
        for pk in sorted(counted)
        if writing.get(pk, {}).get(Skill.WRITING) != Level.C2
    )
    level_distribution(target=city, on=FIRST_YEAR_END, suppress=False)
    instrument = services.instrument_create(name="Back", skill=Skill.WRITING, kind="rated")
    services.result_record(
        by=teacher_a1,
        pupil=pupil,
        instrument=instrument,
        assessed_on=FIRST_YEAR_END,
        level=Level.C2,
    )
    assert not StoredYear.objects.filter(kind=StoredYear.Kind.DISTRIBUTION).exists()
    after = level_distribution(target=city, on=FIRST_YEAR_END, suppress=False)
    assert after[Skill.WRITING][Level.C2] == fresh[Skill.WRITING][Level.C2] + 1


def test_a_settled_days_totals_are_stored_so_a_cold_trend_reads_no_cells(city):
    first = trend_points(city)
    totals = StoredYear.objects.filter(kind=StoredYear.Kind.TOTALS)
    assert FIRST_YEAR_END in set(totals.values_list("day", flat=True))
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert trend_points(city) == first
    stored_reads = [q["sql"] for q in queries.captured_queries if "progress_storedyear" in q["sql"]]
    assert len(stored_reads) == 1 and "'totals'" in stored_reads[0].replace('"', "'")
    # check_levels proves the totals against the cells computed afresh, and repairs them
    row = totals.get(day=FIRST_YEAR_END)
    row.cells[2] += 1  # one more pupil meeting the target than the results give
    row.save()
    with pytest.raises(CommandError):
        call_command("check_levels")
    call_command("check_levels", "--repair")
    call_command("check_levels")
    cache.clear()
    assert trend_points(city) == first
