"""The level table stays exactly what the results give, whichever way results are written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cefr import Level, Skill
from schools import levels, services
from schools.imports import plan_results
from schools.models import LevelPeriod, Result
from tests.conftest import TODAY, school_day

DAY = school_day(40)


def spans_of(pupil, skill=Skill.LISTENING):
    """[(level, from, until)] of one skill, as the level table holds it."""
    return levels.skill_history(pupil.pk, skill)


def consistent():
    return levels.differences()[:2] == (0, 0)


@pytest.fixture
def rated_listening(db):
    return services.instrument_create(name="Rated listening", skill=Skill.LISTENING, kind="rated")


@pytest.fixture
def rated_reading(db):
    return services.instrument_create(name="Rated reading", skill=Skill.READING, kind="rated")


def record(teacher, pupil, instrument, day, level):
    return services.result_record(
        by=teacher, pupil=pupil, instrument=instrument, assessed_on=day, level=level
    )


def test_a_recorded_result_opens_a_span_until_the_open_end(teacher_a1, pupil_a1, rated_listening):
    record(teacher_a1, pupil_a1, rated_listening, DAY, Level.A2)
    assert spans_of(pupil_a1) == [(Level.A2, DAY, LevelPeriod.OPEN_END)]


def test_a_back_dated_result_ends_where_the_later_one_begins(teacher_a1, pupil_a1, rated_listening):
    record(teacher_a1, pupil_a1, rated_listening, DAY, Level.B1)
    earlier = DAY - datetime.timedelta(days=30)
    record(teacher_a1, pupil_a1, rated_listening, earlier, Level.A1)
    assert spans_of(pupil_a1) == [(Level.A1, earlier, DAY), (Level.B1, DAY, LevelPeriod.OPEN_END)]
    assert consistent()


def test_on_one_day_the_result_entered_last_holds(teacher_a1, pupil_a1, rated_listening):
    record(teacher_a1, pupil_a1, rated_listening, DAY, Level.B1)
    record(teacher_a1, pupil_a1, rated_listening, DAY, Level.A2)
    assert spans_of(pupil_a1) == [(Level.A2, DAY, LevelPeriod.OPEN_END)]


def test_changing_and_deleting_a_result_rewrites_the_spans(teacher_a1, pupil_a1, rated_listening):
    first = record(teacher_a1, pupil_a1, rated_listening, DAY, Level.A2)
    later = DAY + datetime.timedelta(days=20)
    second = record(teacher_a1, pupil_a1, rated_listening, later, Level.B1)
    moved = DAY + datetime.timedelta(days=30)
    services.result_update(
        by=teacher_a1, result=second, version=second.version, assessed_on=moved, level=Level.B2
    )
    assert spans_of(pupil_a1) == [(Level.A2, DAY, moved), (Level.B2, moved, LevelPeriod.OPEN_END)]
    services.result_delete(by=teacher_a1, result=first, version=first.version)
    assert spans_of(pupil_a1) == [(Level.B2, moved, LevelPeriod.OPEN_END)]
    assert consistent()


def test_the_class_grid_and_the_api_batch_keep_the_table_in_step(
    teacher_a1, pupil_a1, pupil_a2, rated_listening
):
    services.results_save_grid(
        by=teacher_a1,
        assessed_on=DAY,
        entries=[(rated_listening, pupil_a1, "A2", None), (rated_listening, pupil_a2, "B1", None)],
    )
    assert spans_of(pupil_a2) == [(Level.B1, DAY, LevelPeriod.OPEN_END)]
    result = Result.objects.get(pupil=pupil_a1)
    services.results_save_grid(
        by=teacher_a1,
        assessed_on=DAY,
        entries=[(rated_listening, pupil_a1, "B2", result.version)],
    )
    assert spans_of(pupil_a1) == [(Level.B2, DAY, LevelPeriod.OPEN_END)]
    later = services.result_build(
        by=teacher_a1,
        pupil=pupil_a2,
        instrument=rated_listening,
        assessed_on=DAY + datetime.timedelta(days=1),
        level="C1",
    )
    services.results_create(by=teacher_a1, results=[later])
    assert spans_of(pupil_a2)[-1] == (Level.C1, later.assessed_on, LevelPeriod.OPEN_END)
    assert consistent()


def test_an_import_keeps_the_table_in_step(coordinator_a, pupil_a1, dsd_listening):
    headers = ["leerlingnummer", "toets", "datum", "score"]
    rows = [(2, [pupil_a1.pupil_number, dsd_listening.name, TODAY.isoformat(), "15"])]
    plan = plan_results(school=pupil_a1.school, user=coordinator_a, headers=headers, rows=rows)
    assert not plan.has_errors
    services.results_import_apply(by=coordinator_a, plan=plan)
    assert spans_of(pupil_a1) == [(Level.B1, TODAY, LevelPeriod.OPEN_END)]
    assert consistent()


def test_deleting_a_pupil_deletes_their_spans(teacher_a1, pupil_a1, pupil_a2, rated_listening):
    # The table has no foreign-key constraint in the database (its rows are derived), so the
    # cascade is Django's: nothing of a deleted pupil may stay behind.
    for pupil in (pupil_a1, pupil_a2):
        services.result_record(
            by=teacher_a1, pupil=pupil, instrument=rated_listening, assessed_on=DAY, level="b1"
        )
    pupil_id = pupil_a1.pk
    pupil_a1.delete()
    assert not LevelPeriod.objects.filter(pupil_id=pupil_id).exists()
    assert spans_of(pupil_a2) == [(Level.B1, DAY, LevelPeriod.OPEN_END)]
    assert consistent()


def test_check_levels_reports_and_repairs_a_difference(teacher_a1, pupil_a1, rated_listening):
    record(teacher_a1, pupil_a1, rated_listening, DAY, Level.A2)
    call_command("check_levels")  # agrees: no error
    LevelPeriod.objects.update(listening=Level.C2)
    with pytest.raises(CommandError):
        call_command("check_levels")
    assert levels.differences()[:2] == (1, 1)
    call_command("check_levels", "--repair")
    assert spans_of(pupil_a1) == [(Level.A2, DAY, LevelPeriod.OPEN_END)]


operations = st.lists(
    st.tuples(
        st.sampled_from(["record", "update", "delete"]),
        st.integers(0, 1),  # which pupil
        st.integers(0, 20),  # day offset
        st.sampled_from(list(Level)),
        st.integers(0, 10),  # which existing result
        st.integers(0, 1),  # which skill's test
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_any_sequence_of_writes_leaves_the_table_consistent(
    teacher_a1, pupil_a1, pupil_a2, rated_listening, rated_reading, steps
):
    """Each write derives the periods from its earliest date on, starting from the period
    before it; in two skills, in any order of dates, the table stays what the results say."""
    pupils = [pupil_a1, pupil_a2]
    tests = [rated_listening, rated_reading]
    try:
        for action, who, offset, level, pick, test in steps:
            day = DAY + datetime.timedelta(days=offset)
            existing = list(Result.objects.order_by("pk"))
            if action == "record" or not existing:
                record(teacher_a1, pupils[who], tests[test], day, level)
            elif action == "update":
                result = existing[pick % len(existing)]
                try:
                    services.result_update(
                        by=teacher_a1,
                        result=result,
                        version=result.version,
                        assessed_on=day,
                        level=level,
                    )
                except ValidationError:
                    # Moving a result onto a date that holds another of the same test is
                    # refused; the table must stay consistent all the same.
                    assert Result.objects.filter(pupil=result.pupil, assessed_on=day).exists()
            else:
                result = existing[pick % len(existing)]
                services.result_delete(by=teacher_a1, result=result, version=result.version)
            assert consistent()
    finally:
        Result.objects.all().delete()
        LevelPeriod.objects.all().delete()
