import datetime

from django.urls import reverse

from schools.models import Enrolment, Group, Pupil
from tests.conftest import make_pupil


def test_a_coordinator_adds_a_group_with_its_teacher(
    client, coordinator_a, teacher_a1, school_a, school_year
):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("group_create", args=[school_a.pk]),
        {
            "school_year": school_year.pk,
            "name": "V4A",
            "track": "vwo",
            "year_level": 4,
            "teachers": [teacher_a1.pk],
        },
    )
    group = Group.objects.get(name="V4A")
    assert response.url == reverse("group_detail", args=[group.pk])
    assert list(group.teachers.all()) == [teacher_a1]


def test_a_group_form_error_keeps_what_was_typed(client, coordinator_a, school_a, school_year):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("group_create", args=[school_a.pk]),
        {"school_year": school_year.pk, "name": "K5Z", "track": "vmbo-kb", "year_level": 5},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "has no year 5" in content
    assert 'value="K5Z"' in content
    assert not Group.objects.filter(name="K5Z").exists()


def test_only_staff_of_the_school_can_teach_its_groups(
    client, coordinator_a, teacher_b, school_a, school_year
):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("group_create", args=[school_a.pk]),
        {
            "school_year": school_year.pk,
            "name": "H2A",
            "track": "havo",
            "year_level": 2,
            "teachers": [teacher_b.pk],
        },
    )
    assert response.status_code == 200
    assert not Group.objects.filter(name="H2A").exists()


def test_a_coordinator_adds_a_pupil_to_a_group(client, coordinator_a, school_a, group_a1):
    client.force_login(coordinator_a)
    start = max(group_a1.school_year.starts_on, datetime.date.today())
    response = client.post(
        reverse("pupil_create", args=[school_a.pk]),
        {
            "pupil_number": "5001",
            "given_name": "Anaïs",
            "family_name_prefix": "van der",
            "family_name": "Veen",
            "email": "",
            "group": group_a1.pk,
            "starts_on": start.isoformat(),
        },
    )
    pupil = Pupil.objects.get(pupil_number="5001")
    assert response.url == reverse("pupil_detail", args=[pupil.pk])
    enrolment = pupil.enrolments.get()
    assert (enrolment.group, enrolment.starts_on, enrolment.ends_on) == (
        group_a1,
        start,
        group_a1.school_year.ends_on,
    )


def test_a_duplicate_pupil_number_is_refused_and_nothing_is_written(
    client, coordinator_a, school_a, group_a1, pupil_a1
):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("pupil_create", args=[school_a.pk]),
        {
            "pupil_number": pupil_a1.pupil_number,
            "given_name": "Twee",
            "family_name": "Keer",
            "group": group_a1.pk,
            "starts_on": group_a1.school_year.starts_on.isoformat(),
        },
    )
    assert "already has a pupil with this number" in response.content.decode()
    assert 'value="Twee"' in response.content.decode()
    assert Pupil.objects.count() == 1


def test_moving_a_pupil_ends_the_old_group_the_day_before(
    client, coordinator_a, pupil_a1, group_a1, group_a2
):
    client.force_login(coordinator_a)
    moved_on = group_a1.school_year.starts_on + datetime.timedelta(days=60)
    client.post(
        reverse("pupil_enrol", args=[pupil_a1.pk]),
        {"group": group_a2.pk, "starts_on": moved_on.isoformat()},
    )
    old, new = pupil_a1.enrolments.order_by("starts_on")
    assert (old.group, old.ends_on) == (group_a1, moved_on - datetime.timedelta(days=1))
    assert (new.group, new.starts_on, new.ends_on) == (
        group_a2,
        moved_on,
        group_a2.school_year.ends_on,
    )


def test_moving_into_the_same_group_is_a_clear_error(client, coordinator_a, pupil_a1, group_a1):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("pupil_enrol", args=[pupil_a1.pk]),
        {"group": group_a1.pk, "starts_on": group_a1.school_year.starts_on.isoformat()},
    )
    assert "already in this group" in response.content.decode()
    assert pupil_a1.enrolments.count() == 1


def test_ending_an_enrolment(client, coordinator_a, pupil_a1):
    enrolment = pupil_a1.enrolments.get()
    last_day = enrolment.starts_on + datetime.timedelta(days=30)
    client.force_login(coordinator_a)
    client.post(reverse("enrolment_end", args=[enrolment.pk]), {"ends_on": last_day.isoformat()})
    enrolment.refresh_from_db()
    assert enrolment.ends_on == last_day


def test_an_enrolment_cannot_end_before_it_began(client, coordinator_a, pupil_a1):
    enrolment = pupil_a1.enrolments.get()
    client.force_login(coordinator_a)
    response = client.post(
        reverse("enrolment_end", args=[enrolment.pk]),
        {"ends_on": (enrolment.starts_on - datetime.timedelta(days=1)).isoformat()},
    )
    assert "cannot end before that" in response.content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).ends_on == enrolment.ends_on


def test_the_pupil_list_searches_by_name_and_number(client, coordinator_a, school_a, pupil_a1):
    make_pupil(school_a, "9999", "Bram", "Bosch")
    client.force_login(coordinator_a)
    content = client.get(reverse("pupil_list", args=[school_a.pk]), {"q": "1001"}).content.decode()
    assert "Jansen" in content and "Bosch" not in content


def test_a_teacher_sees_a_former_pupil_with_their_history(
    client, teacher_a1, pupil_a1, group_a1, school_a
):
    # Pupil A1 moved on to another group; their former teacher still sees them.
    pupil_a1.enrolments.update(ends_on=group_a1.school_year.starts_on + datetime.timedelta(days=9))
    client.force_login(teacher_a1)
    assert client.get(reverse("pupil_detail", args=[pupil_a1.pk])).status_code == 200
