import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from core.cefr import Level, Skill
from progress import dashboard
from progress.models import Target
from schools.models import Result
from schools.services import result_record
from tests.conftest import enrol, make_pupil


def api(user):
    client = APIClient()
    key = api_token_create(user=user)
    # The API answers in the language asked for (Dutch by default); these tests read English.
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def day(school_year):
    return school_year.starts_on + datetime.timedelta(days=50)


def test_a_bulk_write_is_all_or_nothing_with_errors_per_item(
    teacher_a1, pupil_a1, pupil_a2, dsd_listening, day
):
    items = [
        {
            "pupil": pupil_a1.pk,
            "instrument": dsd_listening.pk,
            "date": day.isoformat(),
            "score": "14",
        },
        {
            "pupil": pupil_a1.pk,
            "instrument": dsd_listening.pk,
            "date": day.isoformat(),
            "score": "30",
        },
        {
            "pupil": pupil_a2.pk,
            "instrument": dsd_listening.pk,
            "date": day.isoformat(),
            "score": "3",
        },
    ]
    response = api(teacher_a1).post(reverse("result-list"), items, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0] == {}
    assert "between 0 and 24" in str(errors[1])
    assert "pupil" in errors[2]  # pupil A2 is not in a group teacher A1 teaches
    assert not Result.objects.exists()
    next_day = (day + datetime.timedelta(days=1)).isoformat()
    ok = api(teacher_a1).post(
        reverse("result-list"),
        items[:1] * 1 + [{**items[0], "score": "8", "date": next_day}],
        format="json",
    )
    assert ok.status_code == 201
    assert [r["level"] for r in ok.json()] == ["b1", "a2"]
    assert Result.objects.count() == 2 and Result.history.count() == 2


def test_a_stale_update_is_a_409_with_the_current_version(
    teacher_a1, coordinator_a, pupil_a1, dsd_listening, day
):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=dsd_listening, assessed_on=day, score=9
    )
    url = reverse("result-detail", args=[result.pk])
    assert (
        api(coordinator_a).patch(url, {"score": "20", "version": 1}, format="json").status_code
        == 200
    )
    stale = api(teacher_a1).patch(url, {"score": "5", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2 and stale.json()["current"]["level"] == "b1"
    missing = api(teacher_a1).patch(url, {"score": "5"}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["errors"]
    by_header = api(teacher_a1).patch(url, {"score": "5"}, format="json", HTTP_IF_MATCH='"2"')
    assert by_header.status_code == 200 and by_header.json()["level"] == "a1"


def test_a_municipality_token_gets_no_pupil_data_anywhere(
    municipality, pupil_a1, teacher_a1, rated_speaking, day
):
    result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=day, level="a2"
    )
    Target.objects.create(
        name="T",
        threshold=Level.B1,
        required_skills=["spoken_interaction"],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )
    client = api(municipality)
    for name in ("pupil-list", "result-list", "group-list", "exchange-list"):
        assert client.get(reverse(name)).status_code == 403
    for name in ("school-list", "target-list", "instrument-list", "partner-list", "api-me"):
        body = client.get(reverse(name)).content.decode()
        assert pupil_a1.family_name not in body and pupil_a1.pupil_number not in body
    target = Target.objects.get()
    progress = client.get(reverse("target-progress", args=[target.pk])).json()
    assert progress["city"]["suppressed"] is True and progress["city"]["population"] is None


@pytest.mark.parametrize("size", [5, 50])
def test_list_endpoints_take_a_fixed_number_of_queries(
    size, teacher_a1, school_a, group_a1, rated_speaking, day, django_assert_num_queries
):
    for number in range(size):
        pupil = make_pupil(school_a, f"L{number}", "P", str(number))
        enrol(pupil, group_a1)
        result_record(
            by=teacher_a1, pupil=pupil, instrument=rated_speaking, assessed_on=day, level="a2"
        )
    client = api(teacher_a1)
    # token with its user and roles, memberships, count, page of results
    with django_assert_num_queries(4):
        assert len(client.get(reverse("result-list")).json()["results"]) == size
    # token with its user and roles, memberships, count, page, enrolments
    with django_assert_num_queries(5):
        assert client.get(reverse("pupil-list")).json()["count"] == size


def test_api_progress_equals_the_dashboard(
    municipality, pupil_a1, teacher_a1, rated_speaking, day, settings
):
    settings.TAALPAD_MIN_CELL = 1
    result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=day, level="b1"
    )
    target = Target.objects.create(
        name="T",
        threshold=Level.B1,
        required_skills=[Skill.SPOKEN_INTERACTION],
        sectors=["vo"],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )
    # The municipality's figures are read on a reference date (1 October after the result).
    asked = datetime.date(day.year, 10, 14)
    data = (
        api(municipality)
        .get(reverse("target-progress", args=[target.pk]), {"date": asked.isoformat()})
        .json()
    )
    assert data["date"] == datetime.date(day.year, 10, 1).isoformat()
    board = dashboard.build(target=target, on=asked, suppress=True)
    assert data["city"] == board.headline.as_dict()
    assert data["city"]["met"] == 1 and data["city"]["share"] == 1.0
    assert [s["school"] for s in data["schools"]] == [row.key.pk for row in board.progress.schools]
    bad = api(municipality).get(reverse("target-progress", args=[target.pk]), {"date": "morgen"})
    assert bad.status_code == 400 and bad.json()["errors"]["date"]


def test_errors_are_json_without_internals(teacher_a1):
    client = api(teacher_a1)
    missing = client.get(reverse("result-detail", args=[99999]))
    assert (
        missing.status_code == 404
        and missing.json() == {"message": "Not found."}
        or set(missing.json()) == {"message"}
    )
    anonymous = APIClient().get(reverse("result-list"))
    assert anonymous.status_code == 401 and "Traceback" not in anonymous.content.decode()


def test_issue_token_prints_a_working_token(teacher_a1):
    out = StringIO()
    call_command("issue_token", teacher_a1.email, stdout=out)
    key = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api-me")).json()["email"] == teacher_a1.email


def test_a_user_makes_and_revokes_a_token_on_the_profile(client, teacher_a1):
    client.force_login(teacher_a1)
    page = client.post(reverse("api_token"), {"action": "create"})
    key = page.context["new_token"]
    assert key in page.content.decode()  # shown on the page that made it, once
    assert not any(key in value.value for value in page.cookies.values())  # not in a cookie
    assert ApiToken.objects.get(user=teacher_a1).digest != key  # only its digest is stored
    assert key not in client.get(reverse("profile")).content.decode()
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert token_client.get(reverse("api-me")).status_code == 200
    client.post(reverse("api_token"), {"action": "revoke"})
    assert not ApiToken.objects.filter(user=teacher_a1).exists()
    assert token_client.get(reverse("api-me")).status_code == 401


def test_bulk_writes_are_throttled(teacher_a1, pupil_a1, rated_speaking, day, settings):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "bulk": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api_settings.reload()
    from api.base import BulkWriteThrottle

    BulkWriteThrottle.THROTTLE_RATES = rates
    item = {
        "pupil": pupil_a1.pk,
        "instrument": rated_speaking.pk,
        "date": day.isoformat(),
        "level": "a1",
    }
    client = api(teacher_a1)
    statuses = [
        client.post(reverse("result-list"), [item], format="json").status_code for _ in range(3)
    ]
    # The repeat stores nothing twice (200 with the stored result), and is still counted.
    assert statuses == [201, 200, 429]
    assert client.post(reverse("result-list"), item, format="json").status_code == 200


def test_the_schema_validates_and_the_docs_need_no_cdn(client, teacher_a1):
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/results/" in out.getvalue()
    client.force_login(teacher_a1)
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and 'src="http' not in docs


def test_every_operation_documents_its_errors():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
    conflict = schema["paths"]["/api/v1/results/{id}/"]["patch"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")


@pytest.mark.django_db(transaction=True)  # SQLite changes its schema outside a transaction
def test_tokens_made_before_they_were_hashed_keep_working(teacher_a1):
    """The migration that introduced hashed tokens reads the old plain-text table, keeps a
    digest of each key and drops the table."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # The migration runs against the models as they were then (ApiToken lived in taalpad).
    loader = MigrationExecutor(connection).loader
    apps = loader.project_state([("taalpad", "0007_carry_api_tokens")]).apps

    carry = importlib.import_module("taalpad.migrations.0007_carry_api_tokens").carry
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, "
            "created timestamp with time zone)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [old_key, teacher_a1.pk, "2026-01-05 10:00:00+00:00"],
        )
    with connection.schema_editor() as editor:
        carry(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert ApiToken.objects.get(user=teacher_a1).prefix == old_key[:6]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert client.get(reverse("api-me")).json()["email"] == teacher_a1.email
