"""One result typed on a pupil's page or a group's page: saved through the class grid's service,
with the same checks, history, audit trail and level table; what was typed stays on the page
when something is wrong, and nothing is half-written."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import PupilAccess
from core.cefr import Level
from schools import levels
from schools.models import Result
from schools.services import pupil_enrol, result_record
from tests.conftest import enrol, make_pupil, school_day

DAY = school_day(5)


def pupil_url(pupil):
    return reverse("result_new_for_pupil", args=[pupil.pk])


def group_url(group):
    return reverse("result_new_for_group", args=[group.pk])


def test_a_teacher_enters_a_score_from_the_pupils_page(
    client, teacher_a1, pupil_a1, goethe_reading
):
    client.force_login(teacher_a1)
    page = client.get(pupil_url(pupil_a1))
    assert page.status_code == 200
    assert "autofocus" in page.content.decode()
    response = client.post(
        pupil_url(pupil_a1),
        {"instrument": goethe_reading.pk, "assessed_on": DAY.isoformat(), "score": "64,5"},
    )
    assert response.status_code == 302
    assert response.url == reverse("pupil_detail", args=[pupil_a1.pk])
    result = Result.objects.get()
    assert (result.pupil, result.score, result.level, result.entered_by) == (
        pupil_a1,
        64.5,
        Level.B1,
        teacher_a1,
    )
    assert result.history.count() == 1  # the history row the grid writes
    assert levels.levels_on(pupils=[pupil_a1.pk], on=DAY) == {pupil_a1.pk: {"reading": Level.B1}}
    assert PupilAccess.objects.filter(
        pupil_id=pupil_a1.pk, action=PupilAccess.Action.CHANGE
    ).exists()
    assert "Saved for" in client.get(response.url).content.decode()


def test_the_group_page_comes_back_with_the_next_pupil_and_the_same_test_and_date(
    client, teacher_a1, group_a1, pupil_a1, school_a, rated_speaking
):
    second = make_pupil(school_a, "A1-2", "Bram", "Zwart")  # after pupil A1 in the class list
    enrol(second, group_a1)
    client.force_login(teacher_a1)
    data = {"instrument": rated_speaking.pk, "assessed_on": DAY.isoformat(), "level": Level.A2}
    response = client.post(group_url(group_a1), {**data, "pupil": pupil_a1.pk})
    assert response.status_code == 302
    follow = client.get(response.url)
    form = follow.context["form"]
    assert (form.initial["instrument"], form.initial["assessed_on"]) == (rated_speaking.pk, DAY)
    assert form.initial["pupil"] == second.pk
    # The cursor waits in the level: the teacher types it and presses Enter.
    assert form.fields["level"].widget.attrs.get("autofocus")
    assert not form.fields["pupil"].widget.attrs.get("autofocus")
    assert "Saved for" in follow.content.decode() and "A2" in follow.content.decode()
    client.post(group_url(group_a1), {**data, "pupil": second.pk, "level": Level.B1})
    assert dict(Result.objects.values_list("pupil_id", "level")) == {
        pupil_a1.pk: Level.A2,
        second.pk: Level.B1,
    }
    # After the last pupil of the list nobody is chosen, and the cursor is in the pupil again.
    last = client.get(f"{group_url(group_a1)}?instrument={rated_speaking.pk}&after={second.pk}")
    assert "pupil" not in last.context["form"].initial
    assert last.context["form"].fields["pupil"].widget.attrs.get("autofocus")


@pytest.mark.parametrize(
    "query", ["instrument=x&after=y", "instrument=99999", "assessed_on=gisteren&instrument=1"]
)
def test_odd_parameters_on_the_group_form_are_ignored(client, teacher_a1, group_a1, query):
    client.force_login(teacher_a1)
    response = client.get(f"{group_url(group_a1)}?{query}")
    assert response.status_code == 200
    assert "instrument" not in response.context["form"].initial


def test_after_an_error_the_cursor_is_where_to_put_it_right(
    client, teacher_a1, pupil_a1, goethe_reading
):
    client.force_login(teacher_a1)
    data = {"instrument": goethe_reading.pk, "assessed_on": DAY.isoformat(), "score": "500"}
    form = client.post(pupil_url(pupil_a1), data).context["form"]
    assert [n for n, f in form.fields.items() if f.widget.attrs.get("autofocus")] == ["score"]


def test_a_result_already_there_is_shown_and_replaced_on_a_second_save(
    client, teacher_a1, coordinator_a, pupil_a1, goethe_reading
):
    result_record(
        by=coordinator_a, pupil=pupil_a1, instrument=goethe_reading, assessed_on=DAY, score=40
    )
    client.force_login(teacher_a1)
    data = {"instrument": goethe_reading.pk, "assessed_on": DAY.isoformat(), "score": "70"}
    first = client.post(pupil_url(pupil_a1), data)
    assert first.status_code == 200
    text = first.content.decode()
    assert "already has 40 (A2)" in text and "Save again to replace it" in text
    assert first.context["form"]["version"].value() == 1
    assert first.context["form"]["score"].value() == "70"  # what was typed stays
    assert Result.objects.get().score == 40  # nothing written yet
    second = client.post(pupil_url(pupil_a1), {**data, "version": 1})
    assert second.status_code == 302
    result = Result.objects.get()
    assert (result.score, result.level, result.version) == (70, Level.B1, 2)


def test_a_stale_version_is_refused_with_the_newer_value(
    client, teacher_a1, coordinator_a, pupil_a1, goethe_reading
):
    stored = result_record(
        by=coordinator_a, pupil=pupil_a1, instrument=goethe_reading, assessed_on=DAY, score=40
    )
    client.force_login(teacher_a1)
    data = {"instrument": goethe_reading.pk, "assessed_on": DAY.isoformat(), "score": "70"}
    response = client.post(pupil_url(pupil_a1), {**data, "version": stored.version + 5})
    assert response.status_code == 200
    assert "Someone else changed this result" in response.content.decode()
    assert Result.objects.get().score == 40


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"level": Level.B1}, "level", "This test is scored: enter the score, not a level."),
        ({}, "score", "Enter a score for this test."),
        ({"score": "101"}, "score", "100"),
        ({"score": "zestig"}, "score", "number"),
    ],
)
def test_a_scored_test_takes_a_score_only(
    client, teacher_a1, pupil_a1, goethe_reading, typed, field, message
):
    client.force_login(teacher_a1)
    data = {"instrument": goethe_reading.pk, "assessed_on": DAY.isoformat(), **typed}
    response = client.post(pupil_url(pupil_a1), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Result.objects.exists()


def test_a_rating_takes_a_level_only(client, teacher_a1, pupil_a1, rated_speaking):
    client.force_login(teacher_a1)
    data = {"instrument": rated_speaking.pk, "assessed_on": DAY.isoformat(), "score": "5"}
    response = client.post(pupil_url(pupil_a1), data)
    assert response.context["form"].errors["score"] == [
        "This test is a rating: choose the level, not a score."
    ]
    response = client.post(pupil_url(pupil_a1), {**data, "score": ""})
    assert response.context["form"].errors["level"] == ["Choose a level."]
    assert not Result.objects.exists()


def test_a_date_after_today_or_outside_the_enrolment_is_refused(
    client, teacher_a1, pupil_a1, rated_speaking, school_year
):
    client.force_login(teacher_a1)
    data = {"instrument": rated_speaking.pk, "level": Level.A2}
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(pupil_url(pupil_a1), {**data, "assessed_on": tomorrow.isoformat()})
    assert "after today" in response.context["form"].errors["assessed_on"][0]
    before = school_year.starts_on - datetime.timedelta(days=3)
    response = client.post(pupil_url(pupil_a1), {**data, "assessed_on": before.isoformat()})
    assert response.context["form"].errors["assessed_on"] == [
        "Choose a date within the pupil's enrolments at your school."
    ]
    assert not Result.objects.exists()


def test_a_pupil_of_another_group_cannot_be_posted_through_a_group(
    client, teacher_a1, group_a1, pupil_a2, rated_speaking
):
    client.force_login(teacher_a1)
    data = {"instrument": rated_speaking.pk, "assessed_on": DAY.isoformat(), "level": Level.A2}
    response = client.post(group_url(group_a1), {**data, "pupil": pupil_a2.pk})
    assert response.status_code == 200
    assert "pupil" in response.context["form"].errors
    assert not Result.objects.exists()


def test_another_schools_test_is_not_a_choice(client, teacher_a1, pupil_a1, school_b):
    from schools.services import instrument_create

    theirs = instrument_create(name="Eigen toets B", skill="reading", kind="rated", school=school_b)
    client.force_login(teacher_a1)
    data = {"instrument": theirs.pk, "assessed_on": DAY.isoformat(), "level": Level.A2}
    response = client.post(pupil_url(pupil_a1), data)
    assert "instrument" in response.context["form"].errors
    assert not Result.objects.exists()


def test_the_school_a_pupil_left_enters_nothing_for_them(
    client, teacher_a1, pupil_a1, group_b1, rated_speaking
):
    pupil_enrol(pupil=pupil_a1, group=group_b1, starts_on=school_day(2))
    client.force_login(teacher_a1)
    assert client.get(pupil_url(pupil_a1)).status_code == 403
    data = {"instrument": rated_speaking.pk, "assessed_on": DAY.isoformat(), "level": Level.A2}
    assert client.post(pupil_url(pupil_a1), data).status_code == 403
    assert not Result.objects.exists()


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_form_speaks_the_teachers_language(
    client, teacher_a1, pupil_a1, goethe_reading, language
):
    client.force_login(teacher_a1)
    data = {"instrument": goethe_reading.pk, "assessed_on": DAY.isoformat()}
    response = client.post(pupil_url(pupil_a1), data, HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    expected = {"nl": "Vul een score in", "de": "Geben Sie für diesen Test eine Punktzahl"}[
        language
    ]
    assert expected in text
    assert "Enter a score" not in text
