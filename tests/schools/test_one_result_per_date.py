"""A pupil has one result per test and date: repeats store nothing twice, whichever way they
come (the API, the grid, single entry, an import, a double click or requests at once)."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.cefr import Level
from schools.models import ImportBatch, Result
from schools.services import result_record, results_save_grid
from tests.api.test_api import api
from tests.conftest import school_day

DAY = school_day(20)
server_database_only = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="requests at the same moment need a server database; SQLite serialises writers",
)


def item(pupil, instrument, **values):
    return {"pupil": pupil.pk, "instrument": instrument.pk, "date": DAY.isoformat(), **values}


def test_the_database_refuses_a_second_result_of_a_test_on_a_date(pupil_a1, dsd_listening):
    Result.objects.create(
        pupil=pupil_a1, instrument=dsd_listening, skill="listening", assessed_on=DAY, level=2
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(
            pupil=pupil_a1, instrument=dsd_listening, skill="listening", assessed_on=DAY, level=3
        )


def test_an_identical_repeat_to_the_api_is_the_stored_result(teacher_a1, pupil_a1, dsd_listening):
    client = api(teacher_a1)
    first = client.post(reverse("result-list"), item(pupil_a1, dsd_listening, score="14"))
    again = client.post(reverse("result-list"), item(pupil_a1, dsd_listening, score="14"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Result.objects.count() == 1 and Result.history.count() == 1


def test_a_repeat_with_another_value_is_a_409_that_a_patch_with_the_version_mends(
    teacher_a1, pupil_a1, dsd_listening
):
    client = api(teacher_a1)
    first = client.post(reverse("result-list"), item(pupil_a1, dsd_listening, score="14"))
    other = client.post(reverse("result-list"), item(pupil_a1, dsd_listening, score="8"))
    assert other.status_code == 409
    current = other.json()["current"]
    assert (current["id"], current["version"], current["level"]) == (first.json()["id"], 1, "b1")
    patched = client.patch(
        reverse("result-detail", args=[current["id"]]),
        {"score": "8", "version": current["version"]},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["level"] == "a2"
    assert Result.objects.get().score == 8


def test_a_bulk_write_with_one_conflict_writes_nothing(
    teacher_a1, pupil_a1, pupil_a2, group_a1, dsd_listening
):
    group_a1.enrolments.create(
        pupil=pupil_a2,
        starts_on=group_a1.school_year.starts_on,
        ends_on=group_a1.school_year.ends_on,
    )
    client = api(teacher_a1)
    client.post(reverse("result-list"), item(pupil_a1, dsd_listening, score="14"))
    response = client.post(
        reverse("result-list"),
        [item(pupil_a2, dsd_listening, score="20"), item(pupil_a1, dsd_listening, score="3")],
        format="json",
    )
    assert response.status_code == 409
    errors = response.json()["errors"]
    assert errors[0] == {} and errors[1]["current"]["score"] == "14.00"
    assert not Result.objects.filter(pupil=pupil_a2).exists()


def test_two_items_of_one_request_for_one_test_and_date_are_a_400(
    teacher_a1, pupil_a1, dsd_listening
):
    response = api(teacher_a1).post(
        reverse("result-list"),
        [item(pupil_a1, dsd_listening, score="14"), item(pupil_a1, dsd_listening, score="3")],
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][1]["date"]
    assert not Result.objects.exists()


def test_single_entry_twice_corrects_the_first(teacher_a1, pupil_a1, dsd_listening):
    first = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=DAY, score="14"
    )
    again = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=DAY, score="8"
    )
    assert again.pk == first.pk and again.version == 2 and again.level == Level.A2
    assert Result.objects.count() == 1 and Result.history.count() == 2


def test_a_double_clicked_grid_save_stores_each_result_once(
    client, teacher_a1, pupil_a1, group_a1, dsd_listening
):
    client.force_login(teacher_a1)
    url = f"{reverse('group_grid', args=[group_a1.pk])}?instrument={dsd_listening.pk}&date={DAY}"
    post = {f"value-{dsd_listening.pk}-{pupil_a1.pk}": "14"}
    assert client.post(url, post).status_code == 302
    assert client.post(url, post).status_code == 302  # the same form sent again
    assert Result.objects.count() == 1 and Result.history.count() == 1


def test_a_second_confirmation_of_an_import_says_it_was_applied(
    client, teacher_a1, pupil_a1, school_a, dsd_listening
):
    client.force_login(teacher_a1)
    content = f"leerlingnummer;toets;datum;score\n1001;{dsd_listening.name};{DAY:%d-%m-%Y};14\n"
    client.post(
        reverse("results_import", args=[school_a.pk]),
        {"file": SimpleUploadedFile("results.csv", content.encode())},
    )
    batch = ImportBatch.objects.get()
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 302
    again = client.post(reverse("import_confirm", args=[batch.pk]), follow=True)
    assert again.status_code == 200
    assert "was already imported" in again.content.decode()
    assert Result.objects.count() == 1


def _at_once(count, work):
    """Runs `work()` in `count` threads that start together; returns what each returned."""
    start, outcomes = threading.Barrier(count), []

    def run():
        start.wait()
        try:
            outcomes.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@server_database_only
@pytest.mark.django_db(transaction=True)
def test_three_identical_posts_at_once_store_one_result(teacher_a1, pupil_a1, dsd_listening):
    body = item(pupil_a1, dsd_listening, score="14")
    key = api_token_create(user=teacher_a1)  # one token; a client per thread

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.post(reverse("result-list"), body).status_code

    statuses = _at_once(3, post)
    assert sorted(statuses) == [200, 200, 201]
    assert Result.objects.count() == 1 and Result.history.count() == 1


@server_database_only
@pytest.mark.django_db(transaction=True)
def test_two_grid_saves_at_once_store_each_result_once(teacher_a1, pupil_a1, dsd_listening):
    outcomes = _at_once(
        2,
        lambda: results_save_grid(
            by=teacher_a1, assessed_on=DAY, entries=[(dsd_listening, pupil_a1, "14", None)]
        ),
    )
    assert sorted(outcomes) == [(0, 0), (1, 0)]
    assert Result.objects.count() == 1 and Result.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_duplicates_keeping_the_one_entered_last():
    """Built at the migration before the constraint, with two results of one test on one
    day, then migrated: the later entry stays, the other leaves a history row."""
    executor = MigrationExecutor(connection)
    before = [("schools", "0008_level_spans")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    school = apps.get_model("schools", "School").objects.create(name="S", brin="99ZZ", sector="vo")
    pupil = apps.get_model("schools", "Pupil").objects.create(
        school=school, pupil_number="1", given_name="A", family_name="B"
    )
    instrument = apps.get_model("schools", "Instrument").objects.create(
        name="Rating", skill="listening", kind="rated"
    )
    Result = apps.get_model("schools", "Result")
    now = datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)
    values = {"pupil": pupil, "instrument": instrument, "skill": "listening"}
    early = Result.objects.create(**values, assessed_on=DAY, level=2, entered_at=now, version=1)
    late = Result.objects.create(
        **values, assessed_on=DAY, level=4, entered_at=now + datetime.timedelta(hours=1)
    )
    other_day = Result.objects.create(
        **values, assessed_on=DAY - datetime.timedelta(days=1), level=1
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from schools.models import Result as Current

    assert set(Current.objects.values_list("pk", flat=True)) == {late.pk, other_day.pk}
    deleted = Current.history.get(id=early.pk, history_type="-")
    assert deleted.level == 2 and "merged" in deleted.history_change_reason
