"""Personas and a small two-school city, built through the same services the app uses."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import translation

from accounts.models import Membership, MunicipalityMember
from core.cefr import Level, Sector, Skill, Track
from progress.models import Target
from schools.models import Enrolment, Group, Pupil, School, SchoolYear
from schools.services import instrument_create
from taalpad.models import User

PASSWORD = "correct-horse-battery"
TODAY = datetime.date.today()


def school_day(days_ago):
    """A day of the current school year `days_ago` days before today (or its first day, early
    in the year): results are dated no later than today and within an enrolment, and the
    personas are enrolled for the current school year."""
    first = datetime.date(SchoolYear.start_year_of(TODAY), 8, 1)
    return max(first, TODAY - datetime.timedelta(days=days_ago))


@pytest.fixture(autouse=True)
def _fast_and_english(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The test client speaks plain HTTP; the redirect to HTTPS has a test of its own.
    settings.SECURE_SSL_REDIRECT = False
    # Two-factor enforcement has tests of its own (tests/accounts/test_accounts.py).
    settings.TAALPAD_REQUIRE_2FA = False
    # Figures follow every write at once; the lag has a test of its own.
    settings.TAALPAD_CITY_FIGURES_LAG = 0
    # Production keeps the cache in the database when no Redis is configured; the tests keep
    # it in memory, so that the pinned query counts count the app's own queries. Rate limits
    # count in the cache: every test starts with a clean slate.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Messages are asserted in English; pages choose their language per request.
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client asks for English pages; Dutch stays the default for everyone else."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def make_user(email, **extra):
    return User.objects.create_user(
        email=email, password=PASSWORD, name=email.split("@")[0], **extra
    )


@pytest.fixture
def school_year(db):
    return SchoolYear.objects.create(start_year=SchoolYear.start_year_of(TODAY))


@pytest.fixture
def school_a(db):
    return School.objects.create(name="Grensland College", brin="12AB", sector=Sector.SECONDARY)


@pytest.fixture
def school_b(db):
    return School.objects.create(name="Het Ravelijn", brin="34CD", sector=Sector.SECONDARY)


def make_group(school, school_year, name, *, track=Track.HAVO, year_level=3):
    return Group.objects.create(
        school=school, school_year=school_year, name=name, track=track, year_level=year_level
    )


def enrol(pupil, group):
    return Enrolment.objects.create(
        pupil=pupil,
        group=group,
        starts_on=group.school_year.starts_on,
        ends_on=group.school_year.ends_on,
    )


@pytest.fixture
def group_a1(school_a, school_year):
    return make_group(school_a, school_year, "H3A")


@pytest.fixture
def group_a2(school_a, school_year):
    return make_group(school_a, school_year, "H3B")


@pytest.fixture
def group_b1(school_b, school_year):
    return make_group(school_b, school_year, "V3A", track=Track.VWO)


def make_pupil(school, number, given, family, *, user=None):
    return Pupil.objects.create(
        school=school, pupil_number=number, given_name=given, family_name=family, user=user
    )


@pytest.fixture
def pupil_a1(school_a, group_a1):
    pupil = make_pupil(school_a, "1001", "Anna", "Jansen", user=make_user("anna@pupil.test"))
    enrol(pupil, group_a1)
    return pupil


@pytest.fixture
def pupil_a2(school_a, group_a2):
    pupil = make_pupil(school_a, "1002", "Bram", "Nijhuis", user=make_user("bram@pupil.test"))
    enrol(pupil, group_a2)
    return pupil


@pytest.fixture
def teacher_a1(school_a, group_a1):
    user = make_user("teacher.a1@school.test")
    Membership.objects.create(user=user, school=school_a, role=Membership.Role.TEACHER)
    group_a1.teachers.add(user)
    return user


@pytest.fixture
def teacher_a_other(school_a, group_a2):
    user = make_user("teacher.a2@school.test")
    Membership.objects.create(user=user, school=school_a, role=Membership.Role.TEACHER)
    group_a2.teachers.add(user)
    return user


@pytest.fixture
def teacher_b(school_b, group_b1):
    user = make_user("teacher.b@school.test")
    Membership.objects.create(user=user, school=school_b, role=Membership.Role.TEACHER)
    group_b1.teachers.add(user)
    return user


@pytest.fixture
def coordinator_a(school_a):
    user = make_user("coordinator.a@school.test")
    Membership.objects.create(user=user, school=school_a, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def coordinator_b(school_b):
    user = make_user("coordinator.b@school.test")
    Membership.objects.create(user=user, school=school_b, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def municipality(db):
    user = make_user("policy@city.test")
    MunicipalityMember.objects.create(user=user, title="Policy officer")
    return user


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(email="admin@city.test", password=PASSWORD)


@pytest.fixture
def dsd_listening(db):
    """DSD I-style listening: 0-24 points, A2 from 8, B1 from 14."""
    return instrument_create(
        name="DSD I Hörverstehen",
        skill=Skill.LISTENING,
        kind="scored",
        max_score=24,
        cut_scores=[(Level.A2, 8), (Level.B1, 14)],
    )


@pytest.fixture
def goethe_reading(db):
    """Goethe-Zertifikat B1 reading: 0-100 points, B1 from 60."""
    return instrument_create(
        name="Goethe-Zertifikat B1 Lesen",
        skill=Skill.READING,
        kind="scored",
        max_score=100,
        cut_scores=[(Level.B1, 60)],
    )


@pytest.fixture
def rated_speaking(db):
    return instrument_create(name="Docentoordeel", skill=Skill.SPOKEN_INTERACTION, kind="rated")


@pytest.fixture
def lea_target(db):
    return Target.objects.create(
        name="LEA",
        threshold=Level.B1,
        required_skills=[Skill.LISTENING, Skill.SPOKEN_INTERACTION, Skill.SPOKEN_PRODUCTION],
        sectors=["vo"],
        tracks=[],
        year_levels=[3, 4],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )
