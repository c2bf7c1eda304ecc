"""The progress layer agrees with the oracle on random cities, for several dates."""

import datetime

import pytest

from core.cefr import Level, Skill
from progress.models import Target
from progress.targets import target_progress, target_trend
from tests.progress.conftest import YEAR_START, build_random_city
from tests.progress.oracle import oracle_progress

DATES = [
    datetime.date(YEAR_START, 10, 1),
    datetime.date(YEAR_START + 1, 1, 31),  # the last day before the movers move
    datetime.date(YEAR_START + 1, 2, 1),
    datetime.date(YEAR_START + 1, 7, 31),
    datetime.date(YEAR_START + 2, 3, 15),
]


def as_plain(figures):
    return {
        "population": figures.population,
        "assessed": figures.assessed,
        "met": figures.met,
        "by_skill": figures.by_skill,
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_progress_layer_agrees_with_the_oracle(seed, lea_target):
    build_random_city(seed)
    for day in DATES:
        expected = oracle_progress(lea_target, day)
        progress = target_progress(target=lea_target, on=day, suppress=False)
        assert as_plain(progress.city) == expected["city"], day
        schools = {
            row.key.pk: as_plain(row.figures) for row in progress.schools if row.figures.population
        }
        assert schools == expected["schools"], day
        assert {row.key: as_plain(row.figures) for row in progress.by_track} == expected[
            "tracks"
        ], day
        assert {row.key: as_plain(row.figures) for row in progress.by_year_level} == expected[
            "year_levels"
        ], day


@pytest.mark.parametrize("seed", [5, 6])
def test_other_targets_agree_too(seed, db):
    build_random_city(seed)
    target = Target.objects.create(
        name="All skills A2, every sector",
        threshold=Level.A2,
        required_skills=list(Skill.values),
        sectors=[],
        tracks=["havo", "vwo", "po"],
        year_levels=[],
        share="0.3",
        deadline=datetime.date(2030, 7, 31),
    )
    for day in DATES:
        expected = oracle_progress(target, day)
        assert (
            as_plain(target_progress(target=target, on=day, suppress=False).city)
            == expected["city"]
        )


def test_the_trend_reads_each_year_end_and_today(lea_target):
    build_random_city(7)
    today = datetime.date(YEAR_START + 1, 11, 1)
    trend = target_trend(target=lea_target, today=today, suppress=False)
    assert [p.date for p in trend.points] == [datetime.date(YEAR_START + 1, 7, 31), today]
    for point in trend.points:
        assert as_plain(point.figures) == oracle_progress(lea_target, point.date)["city"]


def test_a_past_deadline_is_read_on_the_deadline(lea_target):
    build_random_city(8)
    lea_target.deadline = datetime.date(YEAR_START + 1, 3, 1)
    lea_target.save()
    progress = target_progress(
        target=lea_target, on=datetime.date(YEAR_START + 2, 1, 1), suppress=False
    )
    assert progress.date == lea_target.deadline
    assert as_plain(progress.city) == oracle_progress(lea_target, lea_target.deadline)["city"]
    trend = target_trend(
        target=lea_target, today=datetime.date(YEAR_START + 2, 1, 1), suppress=False
    )
    assert trend.points[-1].date == lea_target.deadline and trend.deadline_passed


@pytest.mark.parametrize("seed", [7, 8])
def test_the_api_answers_the_oracles_figures_on_each_reference_date(
    seed, lea_target, municipality, settings
):
    """The progress API, as the municipality reads it, carries the oracle's figures for the
    latest reference date on or before the date asked, and names that date. With a minimum
    cell of 1 nothing is withheld, so every figure can be compared."""
    from rest_framework.test import APIClient

    from progress.suppression import reference_date

    settings.TAALPAD_MIN_CELL = 1
    build_random_city(seed)
    client = APIClient()
    client.force_authenticate(municipality)
    for day in DATES:
        answer = client.get(
            f"/api/v1/targets/{lea_target.pk}/progress/", {"date": day.isoformat()}
        ).json()
        read_on = reference_date(day)
        assert answer["date"] == read_on.isoformat()
        expected = oracle_progress(lea_target, read_on)
        city = answer["city"]
        assert (city["population"], city["assessed"], city["met"]) == (
            expected["city"]["population"],
            expected["city"]["assessed"],
            expected["city"]["met"],
        ), day
        assert city["suppressed"] is False
        schools = {
            row["school"]: (row["population"], row["assessed"], row["met"])
            for row in answer["schools"]
            if row["population"]
        }
        assert schools == {
            pk: (figures["population"], figures["assessed"], figures["met"])
            for pk, figures in expected["schools"].items()
        }, day
