import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.cefr import Level, Skill
from schools.models import ExpectedLevel, Result
from schools.services import StaleResult, result_record, result_update
from tests.conftest import enrol, make_pupil, school_day


@pytest.fixture
def result(pupil_a1, dsd_listening, teacher_a1):
    return result_record(
        by=teacher_a1,
        pupil=pupil_a1,
        instrument=dsd_listening,
        assessed_on=datetime.date.today() - datetime.timedelta(days=3),
        score=9,
    )


def test_the_pupil_page_lists_every_result_with_who_entered_it(client, teacher_a1, result):
    client.force_login(teacher_a1)
    content = client.get(reverse("pupil_detail", args=[result.pupil_id])).content.decode()
    assert "DSD I Hörverstehen" in content and "9 / 24" in content and str(teacher_a1) in content


def test_a_correction_is_saved_with_its_history(client, teacher_a1, coordinator_a, result):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("result_edit", args=[result.pk]),
        {"assessed_on": result.assessed_on.isoformat(), "score": "14", "version": "1"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.score, result.level, result.version) == (Decimal(14), Level.B1, 2)
    history = client.get(reverse("result_history", args=[result.pk])).content.decode()
    assert "changed" in history and "entered" in history
    records = list(result.history.order_by("history_date"))
    assert [(r.history_type, r.history_user, r.level) for r in records] == [
        ("+", teacher_a1, Level.A2),
        ("~", coordinator_a, Level.B1),
    ]


def test_a_stale_correction_is_refused_and_shows_the_newer_value(
    client, teacher_a1, coordinator_a, result
):
    result_update(
        by=coordinator_a, result=result, version=1, assessed_on=result.assessed_on, score=20
    )
    client.force_login(teacher_a1)
    response = client.post(
        reverse("result_edit", args=[result.pk]),
        {"assessed_on": result.assessed_on.isoformat(), "score": "5", "version": "1"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this result" in content and "B1, 20" in content
    assert 'value="5"' in content
    result.refresh_from_db()
    assert result.score == Decimal(20)


def test_a_delete_asks_first_and_keeps_the_history(client, teacher_a1, result):
    client.force_login(teacher_a1)
    assert client.get(reverse("result_delete", args=[result.pk])).status_code == 200
    assert Result.objects.exists()
    client.post(reverse("result_delete", args=[result.pk]), {"version": "1"})
    assert not Result.objects.exists()
    deleted = Result.history.filter(id=result.pk).latest("history_date")
    assert (deleted.history_type, deleted.history_user) == ("-", teacher_a1)


def test_a_pupil_cannot_change_their_own_result(client, pupil_a1, result):
    client.force_login(pupil_a1.user)
    assert client.get(reverse("result_edit", args=[result.pk])).status_code == 403


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need a server database; SQLite's in-memory test database serialises writers",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_corrections_let_exactly_one_win(
    pupil_a1, dsd_listening, teacher_a1, coordinator_a
):
    result = result_record(
        by=teacher_a1,
        pupil=pupil_a1,
        instrument=dsd_listening,
        assessed_on=school_day(30),
        score=9,
    )
    outcomes, start = [], threading.Barrier(2)

    def correct(user, score):
        start.wait()
        try:
            result_update(
                by=user, result=result, version=1, assessed_on=result.assessed_on, score=score
            )
            outcomes.append("saved")
        except StaleResult:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=correct, args=(u, s))
        for u, s in ((teacher_a1, 12), (coordinator_a, 20))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    result.refresh_from_db()
    assert result.version == 2


def test_the_group_page_shows_levels_expectations_target_and_coverage(
    client, teacher_a1, group_a1, pupil_a1, dsd_listening, rated_speaking
):
    day = datetime.date.today()
    result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=day, score=20
    )
    client.force_login(teacher_a1)
    content = client.get(reverse("group_detail", args=[group_a1.pk])).content.decode()
    assert 'class="level level-3">B1<' in content
    assert "Expected at the end of havo" in content
    assert "1/1" in content and "0/1" in content  # listening assessed, the others not


def test_the_group_page_flags_jumps_future_dates_and_missing_skills(
    client, teacher_a1, group_a1, pupil_a1, rated_speaking
):
    year = group_a1.school_year
    for day, level in ((year.starts_on, "a1"), (year.starts_on + datetime.timedelta(30), "b2")):
        result_record(
            by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=day, level=level
        )
    # Entered before results were refused a date after today: the page still flags such data.
    Result.objects.create(
        pupil=pupil_a1,
        instrument=rated_speaking,
        skill=rated_speaking.skill,
        assessed_on=datetime.date.today() + datetime.timedelta(days=5),
        level=Level.B2,
    )
    client.force_login(teacher_a1)
    content = client.get(reverse("group_detail", args=[group_a1.pk])).content.decode()
    assert "jump of more than two levels" in content
    assert "dated in the future" in content
    assert "4 skills not assessed this year" in content


@pytest.mark.parametrize("size", [3, 30])
def test_the_group_page_takes_a_fixed_number_of_queries(
    size, client, teacher_a1, school_a, group_a1, rated_speaking, django_assert_num_queries
):
    for number in range(size):
        pupil = make_pupil(school_a, f"Q{number}", "Pupil", f"N{number}")
        enrol(pupil, group_a1)
        result_record(
            by=teacher_a1,
            pupil=pupil,
            instrument=rated_speaking,
            assessed_on=group_a1.school_year.starts_on,
            level="a2",
        )
    client.force_login(teacher_a1)
    url = reverse("group_detail", args=[group_a1.pk])
    client.get(url)
    # session, user with its roles and memberships, group, pupils, current levels,
    # expected levels, quality flags, teachers (the targets are kept since the first visit)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count('class="level level-2"') == size


def test_a_coordinator_adjusts_expected_levels_for_their_school(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("expected_levels", args=[school_a.pk])).content.decode()
    assert 'name="havo:writing:upper"' in page
    data = {}
    for row in ExpectedLevel.objects.filter(school__isnull=True):
        data[f"{row.track}:{row.skill}:level"] = row.level
        data[f"{row.track}:{row.skill}:upper"] = row.upper_level or ""
    data["havo:writing:level"], data["havo:writing:upper"] = Level.B1, ""
    client.post(reverse("expected_levels", args=[school_a.pk]), data)
    own = ExpectedLevel.objects.get(school=school_a)
    assert (own.track, own.skill, own.level, own.upper_level) == (
        "havo",
        Skill.WRITING,
        Level.B1,
        None,
    )
    # Choosing the city's level again removes the school's own row.
    data["havo:writing:level"], data["havo:writing:upper"] = Level.A2, Level.B1
    client.post(reverse("expected_levels", args=[school_a.pk]), data)
    assert not ExpectedLevel.objects.filter(school=school_a).exists()


def test_the_city_expected_levels_follow_the_slo_reference(db):
    vwo_reading = ExpectedLevel.objects.get(school=None, track="vwo", skill=Skill.READING)
    havo_writing = ExpectedLevel.objects.get(school=None, track="havo", skill=Skill.WRITING)
    assert vwo_reading.label == "B2" and vwo_reading.confirmed
    assert havo_writing.label == "A2/B1" and not havo_writing.confirmed
