import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import start_url
from exchanges.models import ExchangeActivity, Partner
from progress.models import Target
from schools.models import Enrolment, Group, Pupil, Result, School
from taalpad.models import User

TODAY = "2026-11-28"


def seed(*args):
    out = StringIO()
    call_command("seed_demo", "--today", TODAY, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fingerprint():
    """A digest of the demo's content by natural keys, independent of database ids."""
    rows = [
        sorted(School.objects.values_list("brin", "name", "sector")),
        sorted(
            Group.objects.values_list(
                "school__brin", "school_year__start_year", "name", "track", "year_level"
            )
        ),
        sorted(
            Pupil.objects.values_list(
                "school__brin",
                "pupil_number",
                "given_name",
                "family_name_prefix",
                "family_name",
                "email",
            )
        ),
        sorted(
            Enrolment.objects.values_list(
                "pupil__school__brin", "pupil__pupil_number", "group__name", "starts_on", "ends_on"
            )
        ),
        sorted(
            Result.objects.values_list(
                "pupil__school__brin",
                "pupil__pupil_number",
                "instrument__name",
                "skill",
                "assessed_on",
                "score",
                "level",
                "entered_by__email",
                "entered_at",
            )
        ),
        sorted(
            ExchangeActivity.objects.values_list(
                "school__brin",
                "title",
                "kind",
                "starts_on",
                "ends_on",
                "contact_hours",
                "participants__pupil_number",
            )
        ),
        sorted(Partner.objects.values_list("name", "city")),
        sorted(Target.objects.values_list("name", "threshold", "share", "deadline")),
        sorted(User.objects.values_list("email", "name")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_city():
    seed("--pupils", "120", "--seed", "7")
    first = fingerprint()
    seed("--pupils", "120", "--seed", "7", "--reset")
    assert fingerprint() == first
    seed("--pupils", "120", "--seed", "8", "--reset")
    assert fingerprint() != first


@pytest.mark.django_db
def test_it_builds_a_city_of_the_size_asked():
    seed("--pupils", "150")
    assert Pupil.objects.count() == 150
    assert School.objects.filter(sector="vo").count() == 12
    assert School.objects.filter(sector="po").count() == 8
    assert Result.objects.exists()
    assert ExchangeActivity.objects.filter(participants__isnull=False).exists()
    assert Target.objects.filter(name__startswith="LEA 2020", deadline="2020-07-31").exists()
    # Some pupils changed school: enrolments at two schools.
    schools_per_pupil = {}
    for pupil, brin in Enrolment.objects.values_list("pupil", "group__school__brin"):
        schools_per_pupil.setdefault(pupil, set()).add(brin)
    assert any(len(brins) > 1 for brins in schools_per_pupil.values())


@pytest.mark.django_db
def test_it_refuses_to_overwrite_without_reset():
    seed("--pupils", "30")
    with pytest.raises(CommandError, match="--reset"):
        seed("--pupils", "30")


@pytest.mark.django_db
def test_every_printed_login_reaches_its_start_page(client):
    lines = seed("--pupils", "120").strip().splitlines()
    roles = [line.split()[0] for line in lines]
    assert roles == ["municipality", "coordinator", "teacher", "pupil", "admin"]
    expected = {
        "municipality": "municipality_start",
        "coordinator": "coordinator_start",
        "teacher": "teacher_start",
        "pupil": "pupil_start",
        "admin": "admin:index",
    }
    for line in lines:
        role, email, password = line.split()
        client.logout()
        response = client.post(reverse("account_login"), {"login": email, "password": password})
        assert response.url == reverse(expected[role]), role
        assert client.get(response.url, follow=True).status_code == 200, role
        assert start_url(User.objects.get(email=email)) == reverse(expected[role])


@pytest.mark.django_db
def test_the_demo_teacher_teaches_the_demo_pupil_this_year(client):
    seed("--pupils", "120")
    teacher = User.objects.get(email="docent@taalpad.example")
    pupil = Pupil.objects.get(user__email="leerling@taalpad.example")
    assert Group.objects.filter(
        teachers=teacher, enrolments__pupil=pupil, school_year__start_year=2026
    ).exists()
    assert pupil.results.exists()
