"""Pupil numbers as a spreadsheet leaves them: "00123" saved as the number 123. Such a number
names the one pupil who has it with its zeros, and the preview says so; where two pupils could
be meant, it names nobody."""

import datetime

import pytest
from django.urls import reverse

from schools.models import Pupil, Result
from tests.conftest import enrol, make_pupil
from tests.schools.test_imports import confirm, dutch, upload


@pytest.fixture
def day(school_year):
    return school_year.starts_on + datetime.timedelta(days=60)


def results_file(number, day):
    header = "leerlingnummer;toets;datum;score"
    return f"{header}\n{number};Goethe-Zertifikat B1 Lesen;{dutch(day)};64\n"


def test_a_number_without_its_zeros_names_the_pupil_and_the_preview_says_so(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    pupil = make_pupil(school_a, "00123", "Lotte", "Nul")
    enrol(pupil, group_a1)
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    dry = upload(client, url, "r.csv", results_file("123", day).encode())
    text = dry.content.decode()
    assert "1 new, 0 changed, 0 unchanged, 0 with an error" in text
    assert "read as “00123”: the leading zeros were missing" in text
    assert confirm(client).status_code == 302
    assert Result.objects.get().pupil == pupil


def test_two_pupils_who_could_be_meant_leave_the_number_unmatched(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    for number in ("0123", "00123"):
        enrol(make_pupil(school_a, number, "P", number), group_a1)
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    dry = upload(client, url, "r.csv", results_file("123", day).encode())
    assert "is not a pupil of this school that you teach" in dry.content.decode()
    assert not Result.objects.exists()


def test_an_exact_number_wins_over_one_with_zeros(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    exact = make_pupil(school_a, "123", "Exact", "Match")
    enrol(exact, group_a1)
    enrol(make_pupil(school_a, "0123", "Other", "Pupil"), group_a1)
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    dry = upload(client, url, "r.csv", results_file("123", day).encode())
    assert "leading zeros" not in dry.content.decode()
    confirm(client)
    assert Result.objects.get().pupil == exact


def test_a_pupil_file_without_the_zeros_updates_the_pupil_instead_of_adding_one(
    client, coordinator_a, school_a, group_a1
):
    pupil = make_pupil(school_a, "00456", "Mees", "Oud")
    enrol(pupil, group_a1)
    content = b"pupil_number,given_name,family_name,group\n456,Mees,Nieuw,H3A\n"
    client.force_login(coordinator_a)
    dry = upload(client, reverse("pupils_import", args=[school_a.pk]), "p.csv", content)
    text = dry.content.decode()
    assert "0 new" in text and "read as “00456”" in text
    confirm(client)
    assert Pupil.objects.filter(school=school_a, pupil_number__endswith="456").count() == 1
    pupil.refresh_from_db()
    assert (pupil.pupil_number, pupil.family_name) == ("00456", "Nieuw")
