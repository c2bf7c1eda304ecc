"""Choosing participants by group or name instead of scrolling through a school, and the
exports of activities and participation: staff get their own schools' pupils they may see, the
municipality the per-school table with small counts withheld."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchanges.models import ExchangeActivity
from tests.conftest import enrol, make_pupil
from tests.exchanges.test_exchanges import exchange_city as exchange_city  # noqa: F401
from tests.exchanges.test_exchanges import gronau as gronau  # noqa: F401 - the same fixtures


@pytest.fixture
def activity(school_a, school_year):
    day = school_year.starts_on + datetime.timedelta(days=30)
    return ExchangeActivity.objects.create(
        school=school_a, kind="visit", title="Gronau", starts_on=day, ends_on=day, contact_hours=5
    )


def detail(activity, query=""):
    return reverse("exchange_detail", args=[activity.pk]) + query


def test_no_pupil_is_listed_until_a_group_or_name_is_chosen(
    client, coordinator_a, activity, pupil_a1, pupil_a2
):
    client.force_login(coordinator_a)
    page = client.get(detail(activity))
    assert "Choose a group or type a name to list pupils." in page.content.decode()
    assert 'name="pupils"' not in page.content.decode()


def test_a_group_lists_its_pupils_and_a_search_narrows_them(
    client, coordinator_a, activity, school_a, group_a1, pupil_a1, pupil_a2
):
    second = make_pupil(school_a, "1009", "Sem", "Smit")
    enrol(second, group_a1)
    client.force_login(coordinator_a)
    page = client.get(detail(activity, f"?group={group_a1.pk}"))
    listed = set(page.context["pupils_form"].fields["pupils"].queryset)
    assert listed == {pupil_a1, second}  # not pupil A2, of another group
    page = client.get(detail(activity, f"?group={group_a1.pk}&q=smi"))
    assert list(page.context["pupils_form"].fields["pupils"].queryset) == [second]
    page = client.get(detail(activity, "?q=1002"))  # a pupil number, any group
    assert list(page.context["pupils_form"].fields["pupils"].queryset) == [pupil_a2]


def test_all_pupils_shown_are_added_in_one_go(
    client, coordinator_a, activity, school_a, group_a1, pupil_a1, pupil_a2
):
    second = make_pupil(school_a, "1009", "Sem", "Smit")
    enrol(second, group_a1)
    client.force_login(coordinator_a)
    response = client.post(detail(activity, f"?group={group_a1.pk}"), {"add_listed": "1"})
    assert response.status_code == 302
    assert set(activity.participants.all()) == {pupil_a1, second}
    # Those already taking part are no longer candidates.
    page = client.get(detail(activity, f"?group={group_a1.pk}"))
    assert "No pupil to add matches." in page.content.decode()


def test_ticked_pupils_are_added_and_a_pupil_of_another_school_is_refused(
    client, coordinator_a, activity, group_a1, pupil_a1, pupil_a2, school_b
):
    outsider = make_pupil(school_b, "9001", "Olaf", "Anders")
    client.force_login(coordinator_a)
    url = detail(activity, f"?group={group_a1.pk}")
    response = client.post(url, {"add_pupils": "1", "pupils": [outsider.pk]})
    assert response.status_code == 200
    assert not activity.participants.exists()
    # A ticked pupil need not be in the list shown (it may have changed meanwhile).
    response = client.post(url, {"add_pupils": "1", "pupils": [pupil_a2.pk]})
    assert response.status_code == 302
    assert list(activity.participants.all()) == [pupil_a2]


def rows_of(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_staff_export_their_activities_and_the_participants_they_may_see(
    client, teacher_a_other, activity, pupil_a1, pupil_a2, school_year
):
    activity.participants.add(pupil_a1, pupil_a2)
    client.force_login(teacher_a_other)  # teaches group A2: sees pupil A2, not A1
    year = f"?year={school_year.start_year}"
    response = client.get(reverse("exchange_export", args=["activities", "csv"]) + year)
    rows = rows_of(response)
    assert rows[0][:3] == ["School", "Title", "Kind"]
    assert [row[1] for row in rows[1:]] == ["Gronau"]
    assert rows[1][7:] == ["2", "0"]  # two took part by name, none without names
    assert response["Content-Disposition"].endswith('.csv"')
    response = client.get(reverse("exchange_export", args=["participation", "xlsx"]) + year)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-2:] == ("Pupil number", "Pupil")
    assert [row[-2] for row in values[1:]] == ["1002"]


def test_another_schools_activities_are_not_exported(client, teacher_b, activity):
    client.force_login(teacher_b)
    response = client.get(reverse("exchange_export", args=["activities", "csv"]))
    assert len(rows_of(response)) == 1  # the header only


@pytest.mark.parametrize("args", [["pupils", "csv"], ["activities", "pdf"]])
def test_an_unknown_table_or_format_is_a_404(client, teacher_a1, args):
    client.force_login(teacher_a1)
    assert client.get(reverse("exchange_export", args=args)).status_code == 404


def test_the_municipality_export_withholds_what_the_page_withholds(
    client, municipality, exchange_city, school_a, school_b, settings
):
    settings.TAALPAD_MIN_CELL = 5
    client.force_login(municipality)
    response = client.get(reverse("municipality_exchange_export", args=["csv"]))
    rows = {row[0]: row for row in rows_of(response)[1:]}
    assert rows[school_b.name][4] == "withheld" and rows[school_b.name][5] == ""
    assert rows[school_a.name][4] == "withheld"
    settings.TAALPAD_MIN_CELL = 2
    response = client.get(reverse("municipality_exchange_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    by_school = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_school[school_a.name][4:6] == (5, round(100 * 5 / 12, 1))
    headers = next(sheet.iter_rows(max_row=1, values_only=True))
    assert "Pupil" not in headers and "Pupil number" not in headers
