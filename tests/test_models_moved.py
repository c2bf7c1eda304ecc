"""School memberships moved from schools/ to accounts/ and targets from schools/ to progress/
without loss: a database built at the migrations before the moves (a small city with staff, a
target, results and their level table in its former shape) migrates to the new layout with the
same rows in every table, the same content types (and so the same permissions), the staff keep
their roles, the level table is derived again in its new shape and the target's figures are
those the data gives."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("taalpad", "0007_carry_api_tokens"),
    ("schools", "0010_result_one_per_instrument_and_date"),
    ("accounts", None),
    ("progress", None),
]
TABLES = [
    "schools_school",
    "schools_group",
    "schools_pupil",
    "schools_enrolment",
    "schools_result",
    "schools_membership",
    "schools_target",
    "taalpad_user",
]
ASSESSED = datetime.date(2025, 10, 1)
LISTENING = {"1": 3, "2": 4, "3": 2}  # pupil number: level (B1, B2, A2); B1 is the target


def _build_city_before_the_move(old):
    User = old.get_model("taalpad", "User")
    teacher = User.objects.create(email="docent@school.example", name="Docent")
    coordinator = User.objects.create(email="coordinator@school.example", name="Coordinator")
    school = old.get_model("schools", "School").objects.create(
        name="Grensland College", brin="12AB", sector="vo"
    )
    Membership = old.get_model("schools", "Membership")
    Membership.objects.create(user=teacher, school=school, role="teacher")
    Membership.objects.create(user=coordinator, school=school, role="coordinator")
    year = old.get_model("schools", "SchoolYear").objects.create(start_year=2025)
    group = old.get_model("schools", "Group").objects.create(
        school=school, school_year=year, name="H3A", track="havo", year_level=3
    )
    instrument = old.get_model("schools", "Instrument").objects.create(
        name="Luistertoets", skill="listening", kind="rated"
    )
    for number, level in LISTENING.items():
        pupil = old.get_model("schools", "Pupil").objects.create(
            school=school, pupil_number=number, given_name="Leerling", family_name=number
        )
        old.get_model("schools", "Enrolment").objects.create(
            pupil=pupil,
            group=group,
            starts_on=datetime.date(2025, 8, 1),
            ends_on=datetime.date(2026, 7, 31),
        )
        old.get_model("schools", "Result").objects.create(
            pupil=pupil, instrument=instrument, skill="listening", assessed_on=ASSESSED, level=level
        )
        old.get_model("schools", "LevelSpan").objects.create(
            pupil=pupil,
            skill="listening",
            level=level,
            valid_from=ASSESSED,
            valid_to=datetime.date(9999, 12, 31),
        )
    old.get_model("schools", "Target").objects.create(
        name="Duits op B1",
        threshold=3,
        required_skills=["listening"],
        share="0.500",
        deadline=datetime.date(2030, 7, 31),
    )


def _row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names from the list above)
            counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.django_db(transaction=True)  # SQLite changes its schema outside a transaction
def test_a_database_from_before_the_moves_keeps_memberships_targets_and_figures():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[:2]).apps
    _build_city_before_the_move(old)
    ContentType = old.get_model("contenttypes", "ContentType")
    types_before = {
        model: ContentType.objects.get_or_create(app_label="schools", model=model)[0].pk
        for model in ("membership", "target")
    }
    counts_before = _row_counts()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType as Current

    from accounts.roles import Role, roles_of
    from progress.models import Target
    from progress.targets import target_progress
    from schools import levels
    from schools.models import LevelPeriod

    assert _row_counts() == counts_before
    # The level table took its new shape on the way (one row per pupil and period), derived
    # from the same results.
    assert levels.differences()[:2] == (0, 0)
    assert LevelPeriod.objects.count() == len(LISTENING)
    assert counts_before["schools_membership"] == 2 and counts_before["schools_target"] == 1
    assert {
        ct.model: (ct.app_label, ct.pk)
        for ct in Current.objects.filter(pk__in=types_before.values())
    } == {
        "membership": ("accounts", types_before["membership"]),
        "target": ("progress", types_before["target"]),
    }
    users = get_user_model().objects
    assert roles_of(users.get(email="docent@school.example")) == {Role.TEACHER}
    assert roles_of(users.get(email="coordinator@school.example")) == {Role.COORDINATOR}
    progress = target_progress(
        target=Target.objects.get(), on=datetime.date(2026, 3, 1), suppress=False
    )
    assert (progress.city.population, progress.city.assessed, progress.city.met) == (3, 3, 2)
