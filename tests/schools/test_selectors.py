import datetime

import pytest

from core.cefr import Level, Skill
from schools import levels
from schools.levels import levels_on
from schools.selectors import pupil_current_results
from schools.services import instrument_create, result_record
from tests.conftest import enrol, make_pupil, school_day

D = school_day(20)


def record(teacher, pupil, instrument, day, score):
    return result_record(
        by=teacher, pupil=pupil, instrument=instrument, assessed_on=day, score=score
    )


def test_it_ignores_results_after_the_date(pupil_a1, dsd_listening, teacher_a1):
    record(teacher_a1, pupil_a1, dsd_listening, D - datetime.timedelta(days=10), 9)
    record(teacher_a1, pupil_a1, dsd_listening, D + datetime.timedelta(days=1), 20)
    current = pupil_current_results(pupil=pupil_a1, on=D)
    assert current[Skill.LISTENING].level == Level.A2


def test_a_result_on_the_date_itself_counts(pupil_a1, dsd_listening, teacher_a1):
    record(teacher_a1, pupil_a1, dsd_listening, D - datetime.timedelta(days=10), 9)
    record(teacher_a1, pupil_a1, dsd_listening, D, 20)
    assert pupil_current_results(pupil=pupil_a1, on=D)[Skill.LISTENING].level == Level.B1


@pytest.fixture
def goethe_listening(db):
    """A second listening test: one pupil, one skill, two tests on one day."""
    return instrument_create(
        name="Goethe-Zertifikat A2 Hören",
        skill=Skill.LISTENING,
        kind="scored",
        max_score=24,
        cut_scores=[(Level.A2, 8), (Level.B1, 14)],
    )


def test_on_the_same_date_the_one_entered_last_wins(
    pupil_a1, dsd_listening, goethe_listening, teacher_a1
):
    first = record(teacher_a1, pupil_a1, dsd_listening, D, 20)
    second = record(teacher_a1, pupil_a1, goethe_listening, D, 9)
    # Entered last means later entered_at; make the first one look entered later, too.
    first.entered_at = second.entered_at + datetime.timedelta(minutes=5)
    first.save()
    levels.refresh([pupil_a1.pk])  # what every service does after writing results
    assert pupil_current_results(pupil=pupil_a1, on=D)[Skill.LISTENING].pk == first.pk
    assert levels_on(pupils=[pupil_a1.pk], on=D)[pupil_a1.pk][Skill.LISTENING] == Level.B1


def test_same_date_and_same_moment_falls_back_to_entry_order(
    pupil_a1, dsd_listening, goethe_listening, teacher_a1
):
    first = record(teacher_a1, pupil_a1, dsd_listening, D, 20)
    second = record(teacher_a1, pupil_a1, goethe_listening, D, 9)
    second.entered_at = first.entered_at
    second.save()
    assert pupil_current_results(pupil=pupil_a1, on=D)[Skill.LISTENING].pk == second.pk


def test_no_result_means_not_assessed(pupil_a1, pupil_a2, dsd_listening, teacher_a1):
    record(teacher_a1, pupil_a1, dsd_listening, D, 20)
    assert pupil_current_results(pupil=pupil_a2, on=D) == {}
    levels = levels_on(pupils=[pupil_a1.pk, pupil_a2.pk], on=D)
    assert pupil_a2.pk not in levels
    assert Skill.READING not in levels[pupil_a1.pk]


def test_results_before_any_result_date_are_not_assessed(pupil_a1, dsd_listening, teacher_a1):
    record(teacher_a1, pupil_a1, dsd_listening, D, 20)
    assert levels_on(pupils=[pupil_a1.pk], on=D - datetime.timedelta(days=1)) == {}


@pytest.mark.parametrize("size", [5, 50])
def test_the_set_wide_selector_uses_one_query_whatever_the_size(
    size, school_a, group_a1, dsd_listening, rated_speaking, teacher_a1, django_assert_num_queries
):
    pupils = []
    for number in range(size):
        pupil = make_pupil(school_a, f"P{number}", "Pupil", f"Number {number}")
        enrol(pupil, group_a1)
        record(teacher_a1, pupil, dsd_listening, D, number % 25)
        result_record(
            by=teacher_a1, pupil=pupil, instrument=rated_speaking, assessed_on=D, level="a2"
        )
        pupils.append(pupil)
    # 1 query: the latest result per pupil and skill, picked by a window function.
    with django_assert_num_queries(1):
        levels = levels_on(pupils=group_a1.enrolments.values("pupil_id"), on=D)
    assert len(levels) == size
    assert all(v[Skill.SPOKEN_INTERACTION] == Level.A2 for v in levels.values())
