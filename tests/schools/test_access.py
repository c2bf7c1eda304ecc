"""The access layer's querysets and predicates, persona by persona."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from exchanges import access as exchange_access
from exchanges.models import ExchangeActivity
from schools import access
from schools.services import result_record
from taalpad.models import User


@pytest.fixture
def result_a1(pupil_a1, rated_speaking, teacher_a1):
    return result_record(
        by=teacher_a1,
        pupil=pupil_a1,
        instrument=rated_speaking,
        assessed_on=datetime.date.today(),
        level="a2",
    )


@pytest.fixture
def exchange_a(school_a, pupil_a1):
    activity = ExchangeActivity.objects.create(
        school=school_a,
        kind="visit",
        title="Gronau",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 1),
    )
    activity.participants.add(pupil_a1)
    return activity


def visible_pupils(user):
    return set(access.pupils_visible_to(user).values_list("pupil_number", flat=True))


def test_pupils_visible_per_persona(
    pupil_a1,
    pupil_a2,
    teacher_a1,
    teacher_a_other,
    teacher_b,
    coordinator_a,
    coordinator_b,
    municipality,
    admin_user,
):
    assert visible_pupils(pupil_a1.user) == {"1001"}
    assert visible_pupils(pupil_a2.user) == {"1002"}
    assert visible_pupils(teacher_a1) == {"1001"}
    assert visible_pupils(teacher_a_other) == {"1002"}
    assert visible_pupils(teacher_b) == set()
    assert visible_pupils(coordinator_a) == {"1001", "1002"}
    assert visible_pupils(coordinator_b) == set()
    assert visible_pupils(municipality) == set()
    assert visible_pupils(admin_user) == {"1001", "1002"}


def test_a_coordinator_still_sees_a_pupil_who_left_for_another_school(
    pupil_a1, coordinator_a, coordinator_b, school_b, group_b1
):
    from schools.services import pupil_enrol

    pupil_enrol(
        pupil=pupil_a1,
        group=group_b1,
        starts_on=group_b1.school_year.starts_on + datetime.timedelta(days=40),
    )
    pupil_a1.refresh_from_db()
    assert pupil_a1.school == school_b
    assert "1001" in visible_pupils(coordinator_a)
    assert "1001" in visible_pupils(coordinator_b)


def test_results_and_exchanges_follow_the_pupils(
    result_a1, exchange_a, pupil_a1, pupil_a2, teacher_a_other, teacher_b, municipality
):
    assert list(access.results_visible_to(pupil_a1.user)) == [result_a1]
    assert not access.results_visible_to(pupil_a2.user).exists()
    assert not access.results_visible_to(teacher_a_other).exists()
    assert not access.results_visible_to(municipality).exists()
    assert list(exchange_access.exchanges_visible_to(pupil_a1.user)) == [exchange_a]
    assert not exchange_access.exchanges_visible_to(pupil_a2.user).exists()
    assert list(exchange_access.exchanges_visible_to(teacher_a_other)) == [exchange_a]
    assert not exchange_access.exchanges_visible_to(teacher_b).exists()
    assert not exchange_access.exchanges_visible_to(municipality).exists()


def test_who_may_change_a_result(
    result_a1, pupil_a1, teacher_a1, teacher_a_other, coordinator_a, coordinator_b, municipality
):
    assert access.can_change_result(teacher_a1, result_a1)
    assert access.can_change_result(coordinator_a, result_a1)
    assert not access.can_change_result(pupil_a1.user, result_a1)
    assert not access.can_change_result(teacher_a_other, result_a1)
    assert not access.can_change_result(coordinator_b, result_a1)
    assert not access.can_change_result(municipality, result_a1)


def test_who_may_manage_and_see_aggregates(
    school_a, group_a1, teacher_a1, coordinator_a, coordinator_b, municipality, pupil_a1
):
    assert access.can_manage_group(coordinator_a, group_a1)
    assert not access.can_manage_group(teacher_a1, group_a1)
    assert not access.can_manage_group(coordinator_b, group_a1)
    assert access.can_see_school_aggregates(municipality, school_a)
    assert access.can_see_school_aggregates(coordinator_a, school_a)
    assert not access.can_see_school_aggregates(coordinator_b, school_a)
    assert not access.can_see_school_aggregates(pupil_a1.user, school_a)


def test_groups_visible(group_a1, group_a2, teacher_a1, coordinator_a, coordinator_b, municipality):
    assert list(access.groups_visible_to(teacher_a1)) == [group_a1]
    assert set(access.groups_visible_to(coordinator_a)) == {group_a1, group_a2}
    assert not access.groups_visible_to(coordinator_b).exists()
    assert not access.groups_visible_to(municipality).exists()


def test_an_inactive_account_has_no_roles(teacher_a1):
    teacher_a1.is_active = False
    teacher_a1.save()
    fresh = User.objects.get(pk=teacher_a1.pk)
    assert roles.roles_of(fresh) == frozenset()
    assert not access.pupils_visible_to(fresh).exists()


def test_an_admin_invites_a_municipality_officer_from_the_admin(client, admin_user, db):
    officer = User.objects.create_user(email="beleid@city.test")
    client.force_login(admin_user)
    client.post(
        reverse("admin:taalpad_user_changelist"),
        {"action": "send_invitations", "_selected_action": [officer.pk]},
    )
    assert mail.outbox[-1].to == ["beleid@city.test"]
    assert "/invitation/" in mail.outbox[-1].body
