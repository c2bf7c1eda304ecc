"""The projection: a line through the shares on 31 July of finished school years only, at
least two of them, clipped to 0–100 %; today's point is drawn, not fitted."""

import datetime

import pytest

from progress.models import Target
from progress.targets import Figures, TrendPoint, project

TODAY = datetime.date(2026, 12, 2)


def target(deadline=datetime.date(2030, 7, 31)):
    return Target(
        name="T", threshold=3, required_skills=["listening"], share="0.5", deadline=deadline
    )


def point(day, share, population=100):
    met = None if share is None else round(share * population)
    return TrendPoint(day, "", Figures(population=population, assessed=population, met=met))


def test_a_city_that_gains_every_year_is_projected_to_gain():
    # On 2 December only a part of the year's results is in: a low point of the year, which
    # a line through every point would read as a fall.
    points = [
        point(datetime.date(2024, 7, 31), 0.30),
        point(datetime.date(2025, 7, 31), 0.35),
        point(datetime.date(2026, 7, 31), 0.40),
        point(TODAY, 0.05),
    ]
    projection, (start, start_share) = project(target(), points, today=TODAY)
    assert projection == pytest.approx(0.40 + 4 * 0.05, abs=0.01)
    assert start == datetime.date(2024, 7, 31) and start_share == pytest.approx(0.30, abs=0.01)


def test_one_finished_year_is_not_enough_history():
    points = [point(datetime.date(2026, 7, 31), 0.4), point(TODAY, 0.45)]
    assert project(target(), points, today=TODAY) is None


def test_a_withheld_year_leaves_no_projection():
    points = [
        point(datetime.date(2024, 7, 31), 0.30),
        point(datetime.date(2025, 7, 31), None),
        point(datetime.date(2026, 7, 31), 0.40),
    ]
    assert project(target(), points, today=TODAY) is None


def test_the_projection_is_clipped_to_the_scale():
    falling = [point(datetime.date(2025, 7, 31), 0.3), point(datetime.date(2026, 7, 31), 0.1)]
    rising = [point(datetime.date(2025, 7, 31), 0.6), point(datetime.date(2026, 7, 31), 0.9)]
    assert project(target(), falling, today=TODAY)[0] == 0.0
    assert project(target(), rising, today=TODAY)[0] == 1.0


def test_a_passed_deadline_projects_nothing():
    points = [point(datetime.date(2019, 7, 31), 0.3), point(datetime.date(2020, 7, 31), 0.4)]
    assert project(target(datetime.date(2020, 7, 31)), points, today=TODAY) is None
