"""A pupil who moves school: the old school reads what was dated within its enrolment and
changes nothing; the new school reads the history that came with the pupil and changes only
results of its own period. Pages, exports, the API and the grid follow the one access layer."""

import pytest
from django.urls import reverse

from schools.access import can_change_result, results_visible_to
from schools.models import Result
from schools.services import pupil_enrol, result_record
from tests.api.test_api import api
from tests.conftest import enrol, make_pupil, school_day

BEFORE, MOVE, AFTER = school_day(30), school_day(20), school_day(10)


@pytest.fixture
def mover(school_a, group_a1, group_b1, teacher_a1, teacher_b, rated_speaking):
    pupil = make_pupil(school_a, "7001", "Milan", "Verhuisd")
    enrol(pupil, group_a1)
    before = result_record(
        by=teacher_a1, pupil=pupil, instrument=rated_speaking, assessed_on=BEFORE, level="a2"
    )
    pupil_enrol(pupil=pupil, group=group_b1, starts_on=MOVE)
    after = result_record(
        by=teacher_b, pupil=pupil, instrument=rated_speaking, assessed_on=AFTER, level="b1"
    )
    return pupil, before, after


@pytest.mark.parametrize("persona", ["teacher_a1", "coordinator_a"])
def test_the_old_school_reads_its_period_only_and_changes_nothing(request, mover, persona):
    user = request.getfixturevalue(persona)
    _pupil, before, after = mover
    assert set(results_visible_to(user)) == {before}
    assert not can_change_result(user, before) and not can_change_result(user, after)


@pytest.mark.parametrize("persona", ["teacher_b", "coordinator_b"])
def test_the_new_school_reads_the_history_and_changes_its_own_period(request, mover, persona):
    user = request.getfixturevalue(persona)
    _pupil, before, after = mover
    assert set(results_visible_to(user)) == {before, after}
    assert can_change_result(user, after) and not can_change_result(user, before)


def test_the_old_schools_export_and_pupil_page_hold_nothing_dated_after_the_move(
    client, mover, coordinator_a, school_a, teacher_a1
):
    pupil, _before, _after = mover
    client.force_login(coordinator_a)
    export = client.get(reverse("school_export", args=[school_a.pk])).content.decode("utf-8-sig")
    assert BEFORE.isoformat() in export and AFTER.isoformat() not in export
    client.force_login(teacher_a1)
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert BEFORE.strftime("%d-%m-%Y") in page or str(BEFORE.day) in page
    assert reverse("result_edit", args=[_after.pk]) not in page


def test_the_pages_refuse_a_change_outside_the_own_period(client, mover, teacher_a1, teacher_b):
    _pupil, before, after = mover
    client.force_login(teacher_a1)
    assert client.get(reverse("result_edit", args=[before.pk])).status_code == 403
    assert client.get(reverse("result_edit", args=[after.pk])).status_code == 404
    client.force_login(teacher_b)
    assert client.get(reverse("result_edit", args=[before.pk])).status_code == 403
    assert client.get(reverse("result_edit", args=[after.pk])).status_code == 200
    moved_back = client.post(
        reverse("result_edit", args=[after.pk]),
        {"assessed_on": BEFORE.isoformat(), "level": "b2", "version": after.version},
    )
    assert moved_back.status_code == 200  # the form again, with the date refused
    after.refresh_from_db()
    assert after.assessed_on == AFTER


def test_the_api_follows_the_same_periods(mover, teacher_a1, teacher_b, rated_speaking):
    pupil, before, _after = mover
    listed = api(teacher_a1).get(reverse("result-list")).json()["results"]
    assert [row["id"] for row in listed] == [before.pk]
    item = {"pupil": pupil.pk, "instrument": rated_speaking.pk, "level": "b1"}
    in_old_period = api(teacher_b).post(
        reverse("result-list"), {**item, "date": school_day(25).isoformat()}, format="json"
    )
    assert in_old_period.status_code == 400 and "pupil" in in_old_period.json()["errors"]
    in_own_period = api(teacher_b).post(
        reverse("result-list"), {**item, "date": school_day(5).isoformat()}, format="json"
    )
    assert in_own_period.status_code == 201


def test_the_old_schools_grid_enters_nothing_for_a_pupil_who_left(
    client, mover, teacher_a1, group_a1, rated_speaking
):
    pupil, _before, _after = mover
    client.force_login(teacher_a1)
    day = school_day(25)
    url = f"{reverse('group_grid', args=[group_a1.pk])}?instrument={rated_speaking.pk}&date={day}"
    response = client.post(url, {f"value-{rated_speaking.pk}-{pupil.pk}": "3"})
    assert response.status_code == 200
    assert "has left the school" in response.content.decode()
    assert not Result.objects.filter(pupil=pupil, assessed_on=day).exists()


OLD, NEW = ("teacher_a1", "coordinator_a"), ("teacher_b", "coordinator_b")
# (url name, which object, {persona: status}): the old school's staff and the new school's,
# for the moved pupil, the result entered before the move and the one entered after it.
MOVED_MATRIX = [
    ("pupil_detail", "pupil", {**dict.fromkeys(OLD, 200), **dict.fromkeys(NEW, 200)}),
    ("pupil_growth_svg", "pupil", {**dict.fromkeys(OLD, 200), **dict.fromkeys(NEW, 200)}),
    ("result_history", "before", {**dict.fromkeys(OLD, 200), **dict.fromkeys(NEW, 200)}),
    ("result_history", "after", {**dict.fromkeys(OLD, 404), **dict.fromkeys(NEW, 200)}),
    ("result_edit", "before", {**dict.fromkeys(OLD, 403), **dict.fromkeys(NEW, 403)}),
    ("result_edit", "after", {**dict.fromkeys(OLD, 404), **dict.fromkeys(NEW, 200)}),
    ("result_delete", "before", {**dict.fromkeys(OLD, 403), **dict.fromkeys(NEW, 403)}),
    ("result_delete", "after", {**dict.fromkeys(OLD, 404), **dict.fromkeys(NEW, 200)}),
    ("result-detail", "before", {**dict.fromkeys(OLD, 200), **dict.fromkeys(NEW, 200)}),
    ("result-detail", "after", {**dict.fromkeys(OLD, 404), **dict.fromkeys(NEW, 200)}),
]


@pytest.mark.parametrize("persona", [*OLD, *NEW])
@pytest.mark.parametrize(("name", "which", "statuses"), MOVED_MATRIX)
def test_the_moved_pupil_matrix(client, request, mover, persona, name, which, statuses):
    pupil, before, after = mover
    target = {"pupil": pupil, "before": before, "after": after}[which]
    user = request.getfixturevalue(persona)
    if name.startswith("result-"):
        response = api(user).get(reverse(name, args=[target.pk]))
    else:
        client.force_login(user)
        kwarg = "pupil_id" if which == "pupil" else "result_id"
        response = client.get(reverse(name, kwargs={kwarg: target.pk}))
    assert response.status_code == statuses[persona], (persona, name, which)
