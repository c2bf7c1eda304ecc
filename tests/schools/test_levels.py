"""Score → level follows docs/design.md: the highest level whose minimum the score reaches;
below the lowest minimum, the level just below that one; a rated instrument keeps its level."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.cefr import Level, Skill
from schools.models import Result
from schools.services import instrument_create, level_for_score, result_record
from tests.conftest import school_day

DAY = school_day(20)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (Decimal(0), Level.A1),  # below the lowest minimum (A2 at 8): the level below it
        (Decimal("7.99"), Level.A1),
        (Decimal(8), Level.A2),  # exactly on a cut score
        (Decimal("13.5"), Level.A2),
        (Decimal(14), Level.B1),  # exactly on the highest cut score
        (Decimal(24), Level.B1),  # the maximum score
    ],
)
def test_it_maps_dsd_scores_at_the_edges(score, expected):
    assert level_for_score(score, [(Level.A2, Decimal(8)), (Level.B1, Decimal(14))]) == expected


def test_below_the_lowest_of_a1_is_below_a1():
    assert level_for_score(Decimal(3), [(Level.A1, Decimal(5))]) == Level.BELOW_A1


def test_it_records_the_derived_level(pupil_a1, dsd_listening, teacher_a1):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=DAY, score="14"
    )
    result.refresh_from_db()
    assert (result.level, result.score, result.skill) == (Level.B1, Decimal(14), Skill.LISTENING)


def test_it_accepts_a_dutch_decimal_comma(pupil_a1, dsd_listening, teacher_a1):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=DAY, score="13,5"
    )
    assert result.score == Decimal("13.5")
    assert result.level == Level.A2


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("25", "between 0 and 24"),
        ("-1", "between 0 and 24"),
        ("veertien", "is not a number"),
        (None, "Enter a score"),
    ],
)
def test_it_refuses_a_bad_score(pupil_a1, dsd_listening, teacher_a1, score, message):
    with pytest.raises(ValidationError) as error:
        result_record(
            by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=DAY, score=score
        )
    assert message in str(error.value.message_dict["score"])
    assert not Result.objects.exists()


def test_a_rated_instrument_stores_the_level_given(pupil_a1, rated_speaking, teacher_a1):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=DAY, level="b2"
    )
    assert (result.level, result.score) == (Level.B2, None)


def test_a_rated_instrument_refuses_a_score(pupil_a1, rated_speaking, teacher_a1):
    with pytest.raises(ValidationError) as error:
        result_record(
            by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=DAY, score=12
        )
    assert "rated as a level" in str(error.value)


def test_a_rated_instrument_refuses_an_unknown_level(pupil_a1, rated_speaking, teacher_a1):
    with pytest.raises(ValidationError) as error:
        result_record(
            by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=DAY, level="b7"
        )
    assert "is not a level" in str(error.value)


@pytest.mark.parametrize(
    ("cut_scores", "message"),
    [
        ([], "at least one cut score"),
        ([(Level.A2, 8), (Level.B1, 8)], "higher minimum"),
        ([(Level.A2, 14), (Level.B1, 8)], "higher minimum"),
        ([(Level.B1, 30)], "between 0 and the maximum"),
    ],
)
def test_it_refuses_inconsistent_cut_scores(db, cut_scores, message):
    with pytest.raises(ValidationError) as error:
        instrument_create(
            name="Toets", skill=Skill.READING, kind="scored", max_score=24, cut_scores=cut_scores
        )
    assert message in str(error.value)
