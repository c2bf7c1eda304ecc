import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.cefr import Level, Skill
from schools.models import Result
from schools.services import instrument_create, result_record
from tests.conftest import enrol, make_pupil


@pytest.fixture
def day(school_year):
    return school_year.starts_on + datetime.timedelta(days=70)


def grid_url(group, instrument, day):
    return f"{reverse('group_grid', args=[group.pk])}?instrument={instrument.pk}&date={day}"


def class_of(size, school, group):
    pupils = []
    for number in range(size):
        pupil = make_pupil(school, f"G{number:03d}", f"Pupil{number}", "Jansen")
        enrol(pupil, group)
        pupils.append(pupil)
    return pupils


def test_a_teacher_saves_a_class_in_one_go(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    pupils = class_of(3, school_a, group_a1)
    client.force_login(teacher_a1)
    page = client.get(grid_url(group_a1, goethe_reading, day))
    assert page.status_code == 200
    assert all(p.sort_name in page.content.decode() for p in pupils)
    response = client.post(
        grid_url(group_a1, goethe_reading, day),
        {
            f"value-{goethe_reading.pk}-{pupils[0].pk}": "60",
            f"value-{goethe_reading.pk}-{pupils[1].pk}": "59,5",
            f"value-{goethe_reading.pk}-{pupils[2].pk}": "",
        },
    )
    assert response.status_code == 302
    results = {r.pupil_id: r for r in Result.objects.all()}
    assert set(results) == {pupils[0].pk, pupils[1].pk}
    assert (results[pupils[0].pk].level, results[pupils[1].pk].level) == (Level.B1, Level.A2)
    assert results[pupils[1].pk].score == Decimal("59.5")
    assert results[pupils[0].pk].entered_by == teacher_a1
    assert results[pupils[0].pk].history.get().history_user == teacher_a1


def test_one_bad_row_writes_nothing_and_keeps_every_value(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    pupils = class_of(3, school_a, group_a1)
    client.force_login(teacher_a1)
    response = client.post(
        grid_url(group_a1, goethe_reading, day),
        {
            f"value-{goethe_reading.pk}-{pupils[0].pk}": "71",
            f"value-{goethe_reading.pk}-{pupils[1].pk}": "101",
            f"value-{goethe_reading.pk}-{pupils[2].pk}": "zestig",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert not Result.objects.exists()
    assert 'value="71"' in content and 'value="101"' in content and 'value="zestig"' in content
    assert (
        f'id="error-value-{goethe_reading.pk}-{pupils[1].pk}"' in content
        and "between 0 and 100" in content
    )
    assert (
        f'id="error-value-{goethe_reading.pk}-{pupils[2].pk}"' in content
        and "is not a number" in content
    )
    assert f'id="error-value-{goethe_reading.pk}-{pupils[0].pk}"' not in content


def test_reopening_the_grid_edits_instead_of_duplicating(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    (pupil,) = class_of(1, school_a, group_a1)
    client.force_login(teacher_a1)
    url = grid_url(group_a1, goethe_reading, day)
    client.post(url, {f"value-{goethe_reading.pk}-{pupil.pk}": "40"})
    page = client.get(url).content.decode()
    result = Result.objects.get()
    assert (
        'value="40"' in page and f'name="version-{goethe_reading.pk}-{pupil.pk}" value="1"' in page
    )
    client.post(
        url,
        {
            f"value-{goethe_reading.pk}-{pupil.pk}": "80",
            f"original-{goethe_reading.pk}-{pupil.pk}": "40",
            f"version-{goethe_reading.pk}-{pupil.pk}": "1",
        },
    )
    result.refresh_from_db()
    assert Result.objects.count() == 1
    assert (result.score, result.level, result.version) == (Decimal(80), Level.B1, 2)
    assert [h.history_type for h in result.history.order_by("history_date")] == ["+", "~"]


def test_an_untouched_row_does_not_overwrite_a_colleagues_change(
    client, teacher_a1, coordinator_a, school_a, group_a1, goethe_reading, day
):
    (pupil,) = class_of(1, school_a, group_a1)
    result = result_record(
        by=teacher_a1, pupil=pupil, instrument=goethe_reading, assessed_on=day, score=40
    )
    # The colleague corrects it after the teacher opened the grid showing 40 (version 1).
    from schools.services import result_update

    result_update(by=coordinator_a, result=result, version=1, assessed_on=day, score=65)
    client.force_login(teacher_a1)
    client.post(
        grid_url(group_a1, goethe_reading, day),
        {
            f"value-{goethe_reading.pk}-{pupil.pk}": "40",
            f"original-{goethe_reading.pk}-{pupil.pk}": "40",
            f"version-{goethe_reading.pk}-{pupil.pk}": "1",
        },
    )
    result.refresh_from_db()
    assert result.score == Decimal(65)


def test_a_changed_row_over_a_colleagues_change_is_refused(
    client, teacher_a1, coordinator_a, school_a, group_a1, goethe_reading, day
):
    (pupil,) = class_of(1, school_a, group_a1)
    result = result_record(
        by=teacher_a1, pupil=pupil, instrument=goethe_reading, assessed_on=day, score=40
    )
    from schools.services import result_update

    result_update(by=coordinator_a, result=result, version=1, assessed_on=day, score=65)
    client.force_login(teacher_a1)
    response = client.post(
        grid_url(group_a1, goethe_reading, day),
        {
            f"value-{goethe_reading.pk}-{pupil.pk}": "45",
            f"original-{goethe_reading.pk}-{pupil.pk}": "40",
            f"version-{goethe_reading.pk}-{pupil.pk}": "1",
        },
    )
    assert "Someone else changed this result" in response.content.decode()
    assert "B1, 65" in response.content.decode()
    result.refresh_from_db()
    assert result.score == Decimal(65)


def test_a_rated_grid_takes_levels(client, teacher_a1, school_a, group_a1, rated_speaking, day):
    pupils = class_of(2, school_a, group_a1)
    client.force_login(teacher_a1)
    client.post(
        grid_url(group_a1, rated_speaking, day),
        {
            f"value-{rated_speaking.pk}-{pupils[0].pk}": str(Level.A2),
            f"value-{rated_speaking.pk}-{pupils[1].pk}": str(Level.B1),
        },
    )
    assert sorted(Result.objects.values_list("level", flat=True)) == [Level.A2, Level.B1]


def test_the_grid_refuses_a_date_outside_the_school_year(
    client, teacher_a1, group_a1, goethe_reading
):
    client.force_login(teacher_a1)
    outside = group_a1.school_year.starts_on - datetime.timedelta(days=1)
    response = client.get(grid_url(group_a1, goethe_reading, outside))
    assert "Choose a date in the school year" in response.content.decode()


@pytest.mark.parametrize("size", [5, 30])
def test_the_grid_save_takes_a_fixed_number_of_queries(
    size, client, teacher_a1, school_a, group_a1, goethe_reading, day, django_assert_num_queries
):
    pupils = class_of(size, school_a, group_a1)
    existing = pupils[0]
    result_record(
        by=teacher_a1, pupil=existing, instrument=goethe_reading, assessed_on=day, score=10
    )
    client.force_login(teacher_a1)
    data = {f"value-{goethe_reading.pk}-{p.pk}": str(50 + n % 40) for n, p in enumerate(pupils)}
    data.update(
        {
            f"original-{goethe_reading.pk}-{existing.pk}": "10",
            f"version-{goethe_reading.pk}-{existing.pk}": "1",
        }
    )
    url = grid_url(group_a1, goethe_reading, day)
    client.get(url)  # the first request after logging in records the session
    # session, user with its roles and memberships, group, instruments, pupils in the group;
    # savepoint of the save with its audit, savepoint of the service; cut scores, locked
    # results, insert results, insert history (on PostgreSQL in the insert's own statement),
    # update results, insert history; the pupils' level periods from the date on (on
    # PostgreSQL one statement; otherwise delete, insert, end of the one before); release the
    # service's savepoint; audit trail rows; release.
    with django_assert_num_queries(16 if connection.vendor == "postgresql" else 19):
        response = client.post(url, data)
    assert response.status_code == 302
    assert Result.objects.count() == size


@pytest.fixture
def exam(goethe_reading):
    """One test per skill: a scored reading test and teacher's ratings for the other four."""
    rated = [
        instrument_create(name="Rating", skill=skill, kind="rated")
        for skill in Skill
        if skill != Skill.READING
    ]
    return [goethe_reading, *rated]


def exam_url(group, instruments, day):
    chosen = "&".join(f"instrument={i.pk}" for i in instruments)
    return f"{reverse('group_grid', args=[group.pk])}?{chosen}&date={day}"


def exam_data(instruments, pupils):
    return {
        f"value-{instrument.pk}-{pupil.pk}": "70" if instrument.is_scored else str(Level.B1)
        for instrument in instruments
        for pupil in pupils
    }


def test_a_whole_exam_goes_in_one_grid_and_one_save(
    client, teacher_a1, school_a, group_a1, exam, day
):
    pupils = class_of(3, school_a, group_a1)
    client.force_login(teacher_a1)
    page = client.get(exam_url(group_a1, exam, day)).content.decode()
    assert page.count('class="grid-input') == 3 * 5
    response = client.post(exam_url(group_a1, exam, day), exam_data(exam, pupils))
    assert response.status_code == 302
    assert Result.objects.count() == 15
    assert set(Result.objects.values_list("skill", flat=True)) == set(Skill.values)
    assert set(Result.objects.values_list("level", flat=True)) == {Level.B1}


def test_one_bad_cell_of_an_exam_writes_nothing_and_names_the_cell(
    client, teacher_a1, school_a, group_a1, exam, day
):
    pupils = class_of(2, school_a, group_a1)
    client.force_login(teacher_a1)
    data = exam_data(exam, pupils)
    data[f"value-{exam[0].pk}-{pupils[1].pk}"] = "150"  # above the maximum of 100
    response = client.post(exam_url(group_a1, exam, day), data)
    content = response.content.decode()
    assert response.status_code == 200 and not Result.objects.exists()
    assert f'id="error-value-{exam[0].pk}-{pupils[1].pk}"' in content
    assert 'value="150"' in content  # what was typed stays
    assert content.count('class="error"') == 1


def test_the_chooser_refuses_two_tests_of_one_skill(
    client, teacher_a1, group_a1, goethe_reading, day
):
    second = instrument_create(name="Other reading", skill=Skill.READING, kind="rated")
    client.force_login(teacher_a1)
    response = client.get(exam_url(group_a1, [goethe_reading, second], day))
    assert "Choose at most one test per skill." in response.content.decode()
    assert 'class="grid-input' not in response.content.decode()


# Up to 15 pupils × 5 tests: SQLite takes at most 999 parameters a statement, so Django splits
# an insert of more than about 80 results' history in two (PostgreSQL never splits).
@pytest.mark.parametrize("size", [5, 15])
def test_an_exam_grid_save_takes_as_many_queries_as_one_test(
    size, client, teacher_a1, school_a, group_a1, exam, day, django_assert_num_queries
):
    pupils = class_of(size, school_a, group_a1)
    client.force_login(teacher_a1)
    url = exam_url(group_a1, exam, day)
    client.get(url)
    # session, user with its roles and memberships, group, instruments, pupils in the group;
    # savepoints of the save with its audit and of the service; cut scores, locked results,
    # insert results, insert history (on PostgreSQL in the insert's own statement); level
    # periods from the date on (on PostgreSQL one statement; otherwise delete, insert, end of
    # the one before); release the service's savepoint; audit trail rows; release.
    with django_assert_num_queries(14 if connection.vendor == "postgresql" else 17):
        response = client.post(url, exam_data(exam, pupils))
    assert response.status_code == 302
    assert Result.objects.count() == 5 * size


def test_the_grid_service_refuses_a_date_after_today_in_every_cell(
    teacher_a1, school_a, group_a1, goethe_reading
):
    """The page's form refuses the date first; the service, called by other code, checks it
    once for the whole grid and names every cell, writing nothing."""
    from schools.services import GridErrors, results_save_grid

    pupils = class_of(2, school_a, group_a1)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    entries = [(goethe_reading, pupil, "60", None) for pupil in pupils]
    with pytest.raises(GridErrors) as refused:
        results_save_grid(by=teacher_a1, assessed_on=tomorrow, entries=entries)
    assert set(refused.value.by_cell) == {(goethe_reading.pk, p.pk) for p in pupils}
    assert all("after today" in message for message in refused.value.by_cell.values())
    assert not Result.objects.exists()


def test_a_grid_save_leaves_one_audit_row_per_changed_pupil(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    from accounts.models import PupilAccess

    pupils = class_of(3, school_a, group_a1)
    client.force_login(teacher_a1)
    url = grid_url(group_a1, goethe_reading, day)
    data = {f"value-{goethe_reading.pk}-{p.pk}": "60" for p in pupils[:2]}  # the third untouched
    assert client.post(url, data).status_code == 302
    rows = PupilAccess.objects.filter(action=PupilAccess.Action.CHANGE)
    assert sorted(rows.values_list("pupil_id", "user_id", "path")) == sorted(
        (p.pk, teacher_a1.pk, reverse("group_grid", args=[group_a1.pk])) for p in pupils[:2]
    )
    assert all(row.at is not None for row in rows)
