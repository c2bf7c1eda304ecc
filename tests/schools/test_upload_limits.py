"""Uploads within a stated limit (5 MB, 50 000 rows), refused before anything is stored."""

import datetime
import io
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from schools.models import ImportBatch

HEADER = b"leerlingnummer;toets;datum;score\n"


def upload(client, school, content, name="results.csv"):
    return client.post(
        reverse("results_import", args=[school.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def test_a_file_over_the_limit_is_refused_before_it_is_stored(client, teacher_a1, school_a):
    client.force_login(teacher_a1)
    response = upload(client, school_a, HEADER + b"1;x;01-01-2026;1\n" * (17 * 1024 * 1024 // 17))
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_body_whose_file_outgrows_the_limit_is_stopped_while_it_arrives(
    client, teacher_a1, school_a, settings
):
    # The request's length passes the first check (the limit and room for the form); the
    # file itself is over the limit and is stopped by counting what arrives.
    settings.TAALPAD_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(teacher_a1)
    content = HEADER + b"1;x;01-01-2026;1\n" * (1024 * 1024 // 17 + 2000)
    assert len(content) < 1024 * 1024 + 64 * 1024
    response = upload(client, school_a, content)
    assert "the limit is 1 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_csv_over_the_row_limit_is_refused_while_it_is_read(client, teacher_a1, school_a):
    client.force_login(teacher_a1)
    response = upload(client, school_a, HEADER + b"1;x;01-01-2026;1\n" * 50_001)
    assert "more than 50000 rows" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_xlsx_over_the_row_limit_is_refused_while_it_is_read(
    client, teacher_a1, school_a, settings
):
    settings.TAALPAD_UPLOAD_MAX_ROWS = 100
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["leerlingnummer", "toets", "datum", "score"])
    for number in range(101):
        sheet.append([str(number), "x", "01-01-2026", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(teacher_a1)
    response = upload(client, school_a, buffer.getvalue(), name="results.xlsx")
    assert "more than 100 rows" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_unconfirmed_uploads_are_kept_a_day_and_purged_by_the_retention_job(teacher_a1, school_a):
    def batch(age):
        made = ImportBatch.objects.create(
            school=school_a, kind="results", created_by=teacher_a1, filename="f.csv", content=b"x"
        )
        ImportBatch.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)
        return made

    old, fresh = batch(datetime.timedelta(days=2)), batch(datetime.timedelta(hours=2))
    applied = batch(datetime.timedelta(days=3))
    ImportBatch.objects.filter(pk=applied.pk).update(applied_at=timezone.now(), content=b"")
    dry = StringIO()
    call_command("purge_leavers", stdout=dry)
    assert "1 unconfirmed upload(s)" in dry.getvalue()
    assert ImportBatch.objects.count() == 3
    call_command("purge_leavers", "--apply", stdout=StringIO())
    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {fresh.pk, applied.pk}
    assert not ImportBatch.objects.filter(pk=old.pk).exists()
