import json
import logging

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from accounts.models import PupilAccess
from taalpad.logformat import JsonFormatter
from tests.conftest import PASSWORD


def test_a_teacher_opening_a_pupil_page_is_in_the_audit_trail(client, teacher_a1, pupil_a1):
    client.force_login(teacher_a1)
    client.get(reverse("pupil_detail", args=[pupil_a1.pk]))
    entry = PupilAccess.objects.get()
    assert (entry.user_id, entry.pupil_id, entry.action) == (teacher_a1.pk, pupil_a1.pk, "view")
    assert entry.path == reverse("pupil_detail", args=[pupil_a1.pk]) and entry.at is not None


def test_the_audit_trail_cannot_be_altered(client, teacher_a1, pupil_a1):
    client.force_login(teacher_a1)
    client.get(reverse("pupil_detail", args=[pupil_a1.pk]))
    with pytest.raises(DatabaseError), transaction.atomic():
        PupilAccess.objects.update(action="change")
    with pytest.raises(DatabaseError), transaction.atomic():
        PupilAccess.objects.all().delete()
    assert PupilAccess.objects.get().action == "view"


@pytest.fixture
def security_records(caplog):
    caplog.set_level(logging.INFO, logger="taalpad.security")
    return caplog


def lines(records):
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(r)) for r in records.records if r.name == "taalpad.security"
    ]


def test_logins_and_failed_logins_are_logged_without_secrets(client, teacher_a1, security_records):
    client.post(reverse("account_login"), {"login": teacher_a1.email, "password": "wrong-one"})
    client.post(reverse("account_login"), {"login": teacher_a1.email, "password": PASSWORD})
    events = lines(security_records)
    kinds = [e["event"] for e in events]
    assert "login_failed" in kinds and "login" in kinds
    text = json.dumps(events)
    assert "wrong-one" not in text and PASSWORD not in text and teacher_a1.email not in text
    assert all(e["time"].endswith("+00:00") for e in events)


def test_access_denials_are_logged(client, pupil_a1, security_records):
    client.force_login(pupil_a1.user)
    client.get(reverse("teacher_start"))
    denied = [e for e in lines(security_records) if e["event"] == "access_denied"]
    assert denied and denied[0]["user"] == pupil_a1.user.pk
    assert pupil_a1.family_name not in json.dumps(denied)


def test_exports_are_logged_with_row_counts(client, teacher_a1, group_a1, security_records):
    client.force_login(teacher_a1)
    client.get(reverse("group_export", args=[group_a1.pk]), {"format": "csv"})
    exports = [e for e in lines(security_records) if e["event"] == "export"]
    assert exports and exports[0]["rows"] == 0 and exports[0]["format"] == "csv"
