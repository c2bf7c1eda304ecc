"""`?target=` and `?date=` are read by one function each, for every page, export, chart and
API answer: an unknown target is a 404 (never the default target's figures under another
name), a date that cannot be read is a 400 in the API and today, with a message, on a page."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from rest_framework.test import APIClient

CITY_PAGES = [
    ("municipality_start", {}),
    ("municipality_chart", {"kind": "trend"}),
    ("municipality_export", {"table": "schools", "fmt": "csv"}),
    ("municipality_report", {}),
    ("municipality_report_page", {}),
]


@pytest.mark.parametrize("name, kwargs", CITY_PAGES)
@pytest.mark.parametrize("asked", ["99999", "abc", "-1", "1e3"])
def test_an_unknown_target_is_not_found_on_every_city_page(
    client, municipality, lea_target, name, kwargs, asked
):
    client.force_login(municipality)
    response = client.get(reverse(name, kwargs=kwargs), {"target": asked})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name, extra", [("school_dashboard", {}), ("school_chart", {"kind": "trend"})]
)
def test_an_unknown_target_is_not_found_on_the_school_pages(
    client, coordinator_a, school_a, lea_target, name, extra
):
    client.force_login(coordinator_a)
    url = reverse(name, kwargs={"school_id": school_a.pk, **extra})
    assert client.get(url, {"target": "99999"}).status_code == 404
    assert client.get(url, {"target": str(lea_target.pk)}).status_code == 200
    assert client.get(url).status_code == 200  # no target named: the default


@pytest.mark.parametrize("asked", ["morgen", "2026-13-01", "20261001", "1850-01-01", "2026-10-1"])
def test_a_date_that_cannot_be_read_is_today_with_a_message_on_a_page(
    client, municipality, lea_target, asked
):
    client.force_login(municipality)
    response = client.get(reverse("municipality_start"), {"date": asked})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()
    assert response.context["board"].progress.date <= datetime.date.today()


@pytest.mark.parametrize("asked", ["morgen", "2026-13-01", "20261001", "1850-01-01"])
def test_the_api_answers_the_same_dates_with_a_400_that_names_the_field(
    municipality, lea_target, asked
):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(municipality)
    response = api.get(reverse("target-progress", args=[lea_target.pk]), {"date": asked})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["errors"]["date"][0]


def test_a_readable_date_is_the_same_day_for_page_and_api(client, municipality, lea_target):
    client.force_login(municipality)
    page = client.get(reverse("municipality_start"), {"date": "2026-02-01"})
    api = APIClient()
    api.force_authenticate(municipality)
    answer = api.get(reverse("target-progress", args=[lea_target.pk]), {"date": "2026-02-01"})
    assert page.context["board"].progress.date.isoformat() == answer.json()["date"] == "2026-02-01"


def test_the_kept_targets_follow_every_save_and_delete(lea_target, django_assert_num_queries):
    from progress.models import Target
    from progress.targets import chosen_target, default_target

    assert default_target().pk == lea_target.pk
    with django_assert_num_queries(0):  # kept
        assert chosen_target(str(lea_target.pk)).threshold == lea_target.threshold
    lea_target.threshold += 1
    lea_target.save()
    assert chosen_target(str(lea_target.pk)).threshold == lea_target.threshold
    later = Target.objects.create(
        name="Later",
        threshold=lea_target.threshold,
        required_skills=lea_target.required_skills,
        share="0.5",
        deadline=lea_target.deadline + datetime.timedelta(days=1),
    )
    assert default_target(lea_target.deadline).pk == lea_target.pk  # the next deadline from D
    assert default_target(later.deadline + datetime.timedelta(days=1)).pk == later.pk  # latest
    deleted = lea_target.pk
    lea_target.delete()
    with pytest.raises(Http404):
        chosen_target(str(deleted))
    assert default_target(datetime.date(2000, 1, 1)).pk == later.pk
