import datetime
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import PupilAccess
from core.cefr import Level, Skill
from exchanges.models import ExchangeActivity, Partner
from schools.levels import levels_on
from schools.models import SelfAssessment
from schools.selectors import pupil_current_results
from schools.services import result_record, self_assessment_record


@pytest.fixture
def history(pupil_a1, pupil_a2, teacher_a1, teacher_a_other, dsd_listening, rated_speaking):
    start = pupil_a1.enrolments.get().starts_on
    for offset, score in ((10, 6), (40, 9), (80, 15)):
        result_record(
            by=teacher_a1,
            pupil=pupil_a1,
            instrument=dsd_listening,
            assessed_on=start + datetime.timedelta(days=offset),
            score=score,
        )
    result_record(
        by=teacher_a1,
        pupil=pupil_a1,
        instrument=rated_speaking,
        assessed_on=start + datetime.timedelta(days=20),
        level="a2",
    )
    result_record(
        by=teacher_a_other,
        pupil=pupil_a2,
        instrument=rated_speaking,
        assessed_on=start + datetime.timedelta(days=20),
        level="c1",
    )
    partner = Partner.objects.create(name="Realschule Gronau", kind="school", city="Gronau")
    activity = ExchangeActivity.objects.create(
        school=pupil_a1.school,
        kind="visit",
        title="Bezoek Gronau",
        starts_on=start + datetime.timedelta(days=30),
        ends_on=start + datetime.timedelta(days=30),
    )
    activity.partners.add(partner)
    activity.participants.add(pupil_a1)
    other = ExchangeActivity.objects.create(
        school=pupil_a1.school,
        kind="project",
        title="Project zonder Anna",
        starts_on=start,
        ends_on=start,
    )
    other.participants.add(pupil_a2)
    return pupil_a1


def test_the_page_shows_the_pupils_own_levels_as_the_selector_does(client, history, pupil_a2):
    client.force_login(history.user)
    content = client.get(reverse("pupil_start")).content.decode()
    current = pupil_current_results(pupil=history, on=datetime.date.today())
    assert current[Skill.LISTENING].level == Level.B1
    assert 'class="level level-3">B1<' in content  # listening
    assert 'class="level level-2">A2<' in content  # spoken interaction
    assert "level-5" not in content  # pupil A2's C1 is nowhere
    assert "Bezoek Gronau" in content and "Realschule Gronau, Gronau" in content
    assert "Project zonder Anna" not in content
    assert pupil_a2.family_name not in content
    assert "Next step, B2:" in content


def test_the_chart_is_an_svg_of_the_pupils_own_results(client, history, pupil_a2):
    client.force_login(history.user)
    response = client.get(reverse("pupil_growth_svg", args=[history.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    assert client.get(reverse("pupil_growth_svg", args=[pupil_a2.pk])).status_code == 404
    assert client.get(reverse("pupil_data_download", args=[pupil_a2.pk, "json"])).status_code == 404


def test_a_self_assessment_is_saved_and_shown_to_the_teacher_but_never_counted(
    client, history, teacher_a1
):
    client.force_login(history.user)
    ticked = [
        "a1-1",
        "a1-2",
        "a1-3",
        "a2-1",
        "a2-2",
        "a2-3",
        "b1-1",
        "b1-2",
        "b1-3",
        "b2-1",
        "b2-2",
        "c1-1",
    ]
    response = client.post(reverse("self_assessment", args=["writing"]), {"statement": ticked})
    assert response.url == reverse("pupil_start")
    assessment = SelfAssessment.objects.get()
    assert (assessment.skill, assessment.level) == (Skill.WRITING, Level.C1)
    assert "Your own rating" in client.get(reverse("pupil_start")).content.decode()
    client.force_login(teacher_a1)
    page = client.get(reverse("pupil_detail", args=[history.pk])).content.decode()
    assert "The pupil's own rating" in page and "Writing: <strong>C1</strong>" in page
    # The teacher's figures do not change: no writing result exists.
    levels = levels_on(pupils=[history.pk], on=datetime.date.today())
    assert Skill.WRITING not in levels[history.pk]


def test_the_level_needs_most_statements_at_every_step(history):
    assert (
        self_assessment_record(
            pupil=history, skill="reading", ticked=["a1-1", "a1-2", "b1-1"]
        ).level
        == Level.A1
    )
    assert (
        self_assessment_record(
            pupil=history, skill="reading", ticked=["a2-1", "a2-2", "a2-3"]
        ).level
        == Level.BELOW_A1
    )
    assert self_assessment_record(
        pupil=history, skill="reading", ticked=["made-up", "a1-1"]
    ).statements == ["a1-1"]


def test_the_download_holds_everything_about_the_pupil_and_nothing_else(client, history, pupil_a2):
    self_assessment_record(pupil=history, skill="reading", ticked=["a1-1", "a1-2"])
    client.force_login(history.user)
    data = json.loads(client.get(reverse("pupil_data_download", args=[history.pk, "json"])).content)
    assert data["pupil"]["pupil_number"] == "1001"
    assert len(data["results"]) == 4 and {r["level"] for r in data["results"]} == {"a1", "a2", "b1"}
    assert [e["group"] for e in data["enrolments"]] == ["H3A"]
    assert [x["title"] for x in data["exchanges"]] == ["Bezoek Gronau"]
    assert [s["skill"] for s in data["self_assessments"]] == ["reading"]
    text = json.dumps(data)
    assert "c1" not in {r["level"] for r in data["results"]}
    assert pupil_a2.family_name not in text and "Project zonder Anna" not in text
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("pupil_data_download", args=[history.pk, "zip"])).content)
    )
    assert set(archive.namelist()) == {
        "pupil.csv",
        "account.csv",
        "enrolments.csv",
        "results.csv",
        "exchanges.csv",
        "self_assessments.csv",
    }
    assert "DSD I Hörverstehen" in archive.read("results.csv").decode("utf-8-sig")


def test_a_teacher_cannot_download_a_pupils_data(client, history, teacher_a1):
    client.force_login(teacher_a1)
    response = client.get(reverse("pupil_data_download", args=[history.pk, "json"]))
    assert response.status_code == 403


@pytest.mark.parametrize("extra", [0, 40])
def test_the_page_takes_a_fixed_number_of_queries(
    extra, client, history, teacher_a1, dsd_listening, django_assert_num_queries
):
    start = history.enrolments.get().starts_on
    for day in range(extra):
        result_record(
            by=teacher_a1,
            pupil=history,
            instrument=dsd_listening,
            assessed_on=start + datetime.timedelta(days=day),
            score=day % 25,
        )
    client.force_login(history.user)
    client.get(reverse("pupil_start"))
    cache.clear()  # the body is made again (the session lives in the database here)
    # session, user with its roles and memberships; audit trail row; current results,
    # history, the targets (kept from here on), enrolment, expected levels, self-assessments,
    # exchanges, partners
    with django_assert_num_queries(11):
        assert client.get(reverse("pupil_start")).status_code == 200
    # Kept: session, user, audit trail row.
    with django_assert_num_queries(3):
        assert client.get(reverse("pupil_start")).status_code == 200


def test_the_kept_page_follows_every_record_it_shows(
    client, history, teacher_a1, dsd_listening, rated_speaking
):
    client.force_login(history.user)

    def page():
        return client.get(reverse("pupil_start")).content.decode()

    start = history.enrolments.get().starts_on
    assert "level-4" not in page()  # kept from here on
    result_record(
        by=teacher_a1,
        pupil=history,
        instrument=rated_speaking,
        assessed_on=start + datetime.timedelta(days=50),
        level="b2",
    )
    assert 'class="level level-4">B2<' in page()
    self_assessment_record(pupil=history, skill="writing", ticked=["a1-1", "a1-2", "a1-3"])
    assert "Your own rating" in page()
    dsd_listening.name = "DSD I Hörverstehen (neu)"
    dsd_listening.save()
    assert "DSD I Hörverstehen (neu)" in page()
    activity = ExchangeActivity.objects.create(
        school=history.school,
        kind="project",
        title="Mailproject Münster",
        starts_on=start,
        ends_on=start,
    )
    assert "Mailproject Münster" not in page()
    activity.participants.add(history)
    assert "Mailproject Münster" in page()
    activity.participants.remove(history)
    assert "Mailproject Münster" not in page()
    Partner.objects.filter(name="Realschule Gronau").get().delete()
    assert "Realschule Gronau" not in page()
    history.given_name = "Annabel"
    history.save()
    assert "Hi Annabel" in page()
    client.cookies["django_language"] = "de"
    assert "Hallo Annabel, das ist dein Deutsch" in page()


def test_a_kept_page_still_writes_the_audit_row(client, history):
    client.force_login(history.user)
    client.get(reverse("pupil_start"))
    before = PupilAccess.objects.filter(pupil_id=history.pk, action=PupilAccess.Action.VIEW).count()
    client.get(reverse("pupil_start"))
    after = PupilAccess.objects.filter(pupil_id=history.pk, action=PupilAccess.Action.VIEW).count()
    assert after == before + 1


def test_the_page_fits_a_phone(client, history):
    client.force_login(history.user)
    content = client.get(reverse("pupil_start")).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in content


def test_the_chart_shows_the_target_and_what_the_track_expects(
    client, history, lea_target, teacher_a1
):
    """The goal line at the target's threshold and, per skill, the level expected at the end
    of the pupil's track (group A1 is havo), in the reader's language; the same chart on the
    teacher's view of the pupil."""
    from me.views import _goals

    goals = _goals(history, datetime.date.today())
    assert goals[0] == ("target", None, Level.B1, "Target B1 (LEA)")
    expected = {skill: level for kind, skill, level, _label in goals if kind == "expected"}
    assert expected == {
        "listening": Level.B1,
        "reading": Level.B1,
        "spoken_interaction": Level.B1,
        "spoken_production": Level.B1,
        "writing": Level.A2,
    }
    client.force_login(history.user)
    svg = client.get(reverse("pupil_growth_svg", args=[history.pk])).content.decode()
    assert "Target B1 (LEA)" in svg and "Expected at the end of havo" in svg
    client.force_login(teacher_a1)
    response = client.get(reverse("pupil_growth_svg", args=[history.pk]), HTTP_ACCEPT_LANGUAGE="de")
    assert "Ziel B1 (LEA)" in response.content.decode()


def test_without_a_target_or_a_group_the_chart_has_no_goal(client, pupil_a1):
    from me.views import _goals

    pupil_a1.enrolments.all().delete()
    assert _goals(pupil_a1, datetime.date.today()) == ()
