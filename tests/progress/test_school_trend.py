"""One school's trend for the municipality: on every reference date the school's row exactly as
the city's page of that date publishes it, so that a figure withheld there (to protect another
school) is withheld here too and nothing can be worked out between the two."""

import datetime

import pytest
from django.urls import reverse

from progress.targets import school_trend, target_progress, trend_dates
from tests.progress.conftest import YEAR_START, build_random_city

TODAY = datetime.date(YEAR_START + 1, 5, 1)
QUERIES = 7


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_each_point_is_the_schools_row_of_the_citys_page_of_that_date(seed, lea_target, settings):
    settings.TAALPAD_MIN_CELL = 5
    schools = build_random_city(seed, pupils=90, schools=5)
    dates = trend_dates(lea_target, TODAY, suppress=True)
    withheld_somewhere = False
    for school in [s for s in schools if s.sector == "vo"]:
        points = school_trend(target=lea_target, school=school, today=TODAY)
        assert [point.date for point in points] == dates
        for point in points:
            page = target_progress(target=lea_target, on=point.date, suppress=True)
            row = next(row for row in page.schools if row.key == school)
            assert point.figures.counts() == row.figures.counts()
            assert point.figures.withheld == row.figures.withheld
            withheld_somewhere |= bool(row.figures.withheld)
    assert withheld_somewhere  # the city was small enough for the rule to bite


def test_the_city_table_links_each_school_to_its_trend(client, municipality, lea_target):
    schools = build_random_city(31, pupils=40, schools=3)
    client.force_login(municipality)
    page = client.get(reverse("municipality_start") + f"?target={lea_target.pk}")
    school = next(s for s in schools if s.sector == "vo")
    url = reverse("municipality_school_trend", args=[school.pk])
    assert f'href="{url}?target={lea_target.pk}"' in page.content.decode()
    trend = client.get(f"{url}?target={lea_target.pk}")
    assert trend.status_code == 200
    assert school.name in trend.content.decode()
    chart = client.get(reverse("municipality_school_trend_chart", args=[school.pk]))
    assert chart["Content-Type"] == "image/svg+xml"


def test_a_school_outside_the_targets_sectors_is_a_404(client, municipality, lea_target):
    schools = build_random_city(32, pupils=20, schools=2)
    primary = next(s for s in schools if s.sector == "po")  # the LEA target counts vo only
    client.force_login(municipality)
    url = reverse("municipality_school_trend", args=[primary.pk])
    assert client.get(f"{url}?target={lea_target.pk}").status_code == 404
    assert client.get(reverse("municipality_school_trend", args=[99999])).status_code == 404


@pytest.mark.parametrize("pupils", [20, 80])
def test_the_trend_takes_a_fixed_number_of_queries(
    client, municipality, lea_target, django_assert_num_queries, pupils
):
    """Whatever the number of pupils, with the cache emptied: session, user with roles and
    memberships, the targets, the school, the school years, the stored cells of every date
    (settled days all, after the first visit stored them), the schools."""
    from django.core.cache import cache

    schools = build_random_city(7, pupils=pupils, schools=3)
    school = next(s for s in schools if s.sector == "vo")
    client.force_login(municipality)
    url = reverse("municipality_school_trend", args=[school.pk]) + f"?target={lea_target.pk}"
    client.get(url)
    cache.clear()
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200
