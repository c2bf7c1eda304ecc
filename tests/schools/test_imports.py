"""Imports with files shaped like the real ones: Excel CSV exports, Windows-1252, XLSX."""

import datetime
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from core.cefr import Level, Skill
from schools.models import ImportBatch, Pupil, Result
from schools.services import result_record, result_update
from tests.conftest import enrol, make_pupil


@pytest.fixture
def day(school_year):
    return school_year.starts_on + datetime.timedelta(days=60)


def upload(client, url, name, content):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def confirm(client):
    batch = ImportBatch.objects.latest("pk")
    return client.post(reverse("import_confirm", args=[batch.pk]))


def dutch(day):
    return day.strftime("%d-%m-%Y")


def test_a_semicolon_csv_with_bom_and_decimal_commas_imports(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, rated_speaking, day
):
    text = (
        "Leerlingnummer;Toets;Vaardigheid;Datum;Score;Niveau\r\n"
        f"1001;Goethe-Zertifikat B1 Lesen;lezen;{dutch(day)};61,5;\r\n"
        f"1001;Docentoordeel;gesprekken voeren;{dutch(day)};;B1\r\n"
    )
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    dry = upload(client, url, "export.csv", ("\ufeff" + text).encode("utf-8"))
    assert "2 new, 0 changed, 0 unchanged, 0 with an error" in dry.content.decode()
    assert not Result.objects.exists()
    assert confirm(client).status_code == 302
    levels = dict(Result.objects.values_list("skill", "level"))
    assert levels == {Skill.READING: Level.B1, Skill.SPOKEN_INTERACTION: Level.B1}
    assert Result.objects.get(skill=Skill.READING).history.get().history_user == teacher_a1


def test_the_same_file_twice_changes_nothing(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    content = f"leerlingnummer,toets,datum,score\r\n1001,Goethe-Zertifikat B1 Lesen,{day},70\r\n"
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    upload(client, url, "r.csv", content.encode())
    confirm(client)
    second = upload(client, url, "r.csv", content.encode())
    assert "0 new, 0 changed, 1 unchanged" in second.content.decode()
    confirm(client)
    assert Result.objects.count() == 1
    assert Result.history.count() == 1


def test_a_changed_score_is_shown_as_changed_and_updates(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    upload(
        client,
        url,
        "r.csv",
        f"pupil_number,instrument,date,score\n1001,Goethe-Zertifikat B1 Lesen,{day},40\n".encode(),
    )
    confirm(client)
    dry = upload(
        client,
        url,
        "r.csv",
        f"pupil_number,instrument,date,score\n1001,Goethe-Zertifikat B1 Lesen,{day},65\n".encode(),
    )
    assert "was A2 (40)" in dry.content.decode()
    confirm(client)
    result = Result.objects.get()
    assert (result.level, result.version) == (Level.B1, 2)


def test_a_1000_row_file_with_one_bad_row_writes_nothing_and_names_the_row(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    lines = ["leerlingnummer;toets;datum;score"]
    for number in range(1000):
        pupil = make_pupil(school_a, f"{5000 + number}", "P", f"N{number}")
        enrol(pupil, group_a1)
        lines.append(f"{5000 + number};Goethe-Zertifikat B1 Lesen;{dutch(day)};{number % 100}")
    lines[701] = f"5700;Goethe-Zertifikat B1 Lesen;{dutch(day)};170"  # line 702 of the file
    client.force_login(teacher_a1)
    dry = upload(
        client,
        reverse("results_import", args=[school_a.pk]),
        "big.csv",
        "\r\n".join(lines).encode(),
    )
    content = dry.content.decode()
    assert "999 new, 0 changed, 0 unchanged, 1 with an error" in content
    assert "The score must lie between 0 and 100" in content
    assert '<td class="num">702</td>' in content
    assert "Import:" not in content  # no confirm button
    confirm(client)
    assert not Result.objects.exists()


def test_a_long_dry_run_lists_every_change_and_the_first_hundred_others(
    client, teacher_a1, school_a, group_a1, goethe_reading, day
):
    lines = ["leerlingnummer;toets;datum;score"]
    for number in range(250):
        pupil = make_pupil(school_a, f"{6000 + number}", "P", f"N{number}")
        enrol(pupil, group_a1)
        lines.append(f"{6000 + number};Goethe-Zertifikat B1 Lesen;{dutch(day)};50")
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    upload(client, url, "first.csv", "\r\n".join(lines).encode())
    confirm(client)
    lines[240] = lines[240].replace(";50", ";75")  # line 241: one change, late in the file
    content = upload(client, url, "again.csv", "\r\n".join(lines).encode()).content.decode()
    assert "0 new, 1 changed, 249 unchanged, 0 with an error" in content
    assert '<td class="num">241</td>' in content and "was A2 (50)" in content
    assert '<td class="num">101</td>' in content and '<td class="num">102</td>' not in content
    assert "149 more new or unchanged rows are not listed" in content


def test_row_errors_name_what_is_wrong(
    client, teacher_a1, school_a, pupil_a1, pupil_a2, goethe_reading, day
):
    before = pupil_a1.enrolments.get().starts_on - datetime.timedelta(days=1)
    content = (
        "leerlingnummer;toets;datum;score\n"
        f"9999;Goethe-Zertifikat B1 Lesen;{dutch(day)};60\n"
        f"1001;Onbekende toets;{dutch(day)};60\n"
        f"1001;Goethe-Zertifikat B1 Lesen;32-13-2026;60\n"
        f"1001;Goethe-Zertifikat B1 Lesen;{dutch(before)};60\n"
        f"1002;Goethe-Zertifikat B1 Lesen;{dutch(day)};60\n"
    )
    client.force_login(teacher_a1)
    dry = upload(client, reverse("results_import", args=[school_a.pk]), "e.csv", content.encode())
    text = dry.content.decode()
    assert "Pupil number “9999” is not a pupil of this school that you teach" in text
    assert "There is no test “Onbekende toets”" in text
    assert "“32-13-2026” is not a date" in text
    assert "the pupil was not enrolled at this school" in text
    # pupil 1002 is not in a group teacher A1 teaches
    assert "“1002” is not a pupil of this school that you teach" in text


def test_duplicated_rows_count_once_and_conflicting_ones_are_errors(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    row = f"1001;Goethe-Zertifikat B1 Lesen;{dutch(day)};60"
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    same = upload(
        client, url, "d.csv", f"leerlingnummer;toets;datum;score\n{row}\n{row}\n".encode()
    )
    assert "1 new, 0 changed, 1 unchanged, 0 with an error" in same.content.decode()
    assert "Same as line 2" in same.content.decode()
    clash = upload(
        client, url, "d.csv", f"leerlingnummer;toets;datum;score\n{row}\n{row[:-2]}61\n".encode()
    )
    assert "Line 2 gives this pupil another result" in clash.content.decode()


def test_a_missing_column_is_explained(client, teacher_a1, school_a):
    client.force_login(teacher_a1)
    dry = upload(
        client,
        reverse("results_import", args=[school_a.pk]),
        "x.csv",
        b"leerlingnummer;score\n1001;5\n",
    )
    assert "is missing" in dry.content.decode() and "toets" in dry.content.decode()


def test_windows_1252_pupil_names_import(client, coordinator_a, school_a, group_a1):
    content = (
        "leerlingnummer;voornaam;tussenvoegsel;achternaam;klas\r\n"
        "7001;Zoë;;Müller;H3A\r\n"
        "7002;Anaïs;van der;Veen;H3A\r\n"
    ).encode("cp1252")
    client.force_login(coordinator_a)
    dry = upload(client, reverse("pupils_import", args=[school_a.pk]), "leerlingen.csv", content)
    assert "2 new" in dry.content.decode()
    confirm(client)
    names = set(
        Pupil.objects.filter(pupil_number__startswith="700").values_list(
            "given_name", "family_name_prefix", "family_name"
        )
    )
    assert names == {("Zoë", "", "Müller"), ("Anaïs", "van der", "Veen")}
    assert Pupil.objects.get(pupil_number="7001").enrolments.get().group == group_a1


def test_a_pupil_import_moves_a_pupil_to_another_group(
    client, coordinator_a, school_a, pupil_a1, group_a2
):
    start = max(datetime.date.today(), group_a2.school_year.starts_on + datetime.timedelta(5))
    content = (
        f"pupil_number,given_name,family_name,group,start\n1001,Anna,Jansen,H3B,{start}\n"
    ).encode()
    client.force_login(coordinator_a)
    dry = upload(client, reverse("pupils_import", args=[school_a.pk]), "p.csv", content)
    assert "group H3A → H3B" in dry.content.decode()
    confirm(client)
    old, new = pupil_a1.enrolments.order_by("starts_on")
    assert old.ends_on == start - datetime.timedelta(days=1) and new.group == group_a2
    again = upload(client, reverse("pupils_import", args=[school_a.pk]), "p.csv", content)
    assert "0 new, 0 changed, 1 unchanged" in again.content.decode()


def test_an_unknown_group_is_a_row_error(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    dry = upload(
        client,
        reverse("pupils_import", args=[school_a.pk]),
        "p.csv",
        b"leerlingnummer;voornaam;achternaam;klas\n8001;Sem;Smit;Z9\n",
    )
    assert "There is no group “Z9”" in dry.content.decode()


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_with_real_dates_imports(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    content = xlsx_bytes(
        [
            ["leerlingnummer", "toets", "datum", "score"],
            [1001, "Goethe-Zertifikat B1 Lesen", day, 72.5],
        ]
    )
    client.force_login(teacher_a1)
    dry = upload(client, reverse("results_import", args=[school_a.pk]), "r.xlsx", content)
    assert "1 new" in dry.content.decode()
    confirm(client)
    assert str(Result.objects.get().score) == "72.50"


def test_an_oversized_file_is_refused_clearly(client, teacher_a1, school_a):
    client.force_login(teacher_a1)
    big = b"leerlingnummer;toets;datum;score\n" + b"1;x;01-01-2026;1\n" * (
        settings.TAALPAD_UPLOAD_MAX_BYTES // 16 + 10
    )
    dry = upload(client, reverse("results_import", args=[school_a.pk]), "big.csv", big)
    assert "the limit is 5 MB" in dry.content.decode()


def test_a_zip_bomb_xlsx_is_refused_before_it_is_opened(client, teacher_a1, school_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 50_000_000 + "</a>")
    client.force_login(teacher_a1)
    dry = upload(
        client, reverse("results_import", args=[school_a.pk]), "bomb.xlsx", buffer.getvalue()
    )
    assert "compressed suspiciously well" in dry.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, teacher_a1, school_a):
    client.force_login(teacher_a1)
    dry = upload(client, reverse("results_import", args=[school_a.pk]), "photo.jpg", b"\xff\xd8")
    assert "Upload a .csv or .xlsx file" in dry.content.decode()


def test_the_template_has_the_documented_headers(client, teacher_a1):
    client.force_login(teacher_a1)
    response = client.get(reverse("import_template", args=["results"]))
    assert response.content.decode("utf-8-sig").strip() == (
        "leerlingnummer;toets;vaardigheid;datum;score;niveau"
    )


def class_file(rows, school, group, day):
    """A results file of `rows` new pupils of `group`, one reading score each."""
    lines = ["leerlingnummer;toets;datum;score"]
    for number in range(rows):
        enrol(make_pupil(school, f"{3000 + number}", "P", "Q"), group)
        lines.append(f"{3000 + number};Goethe-Zertifikat B1 Lesen;{dutch(day)};50")
    return "\n".join(lines).encode()


@pytest.mark.parametrize("rows", [10, 200])
def test_a_dry_run_takes_a_fixed_number_of_queries(
    rows, client, teacher_a1, school_a, group_a1, goethe_reading, day, django_assert_num_queries
):
    content = class_file(rows, school_a, group_a1, day)
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    client.get(url)
    # session, user with its roles and memberships, school; delete old batches,
    # store batch; pupils, instruments, cut scores, their other names, enrolments, existing
    # results
    with django_assert_num_queries(11):
        upload(client, url, "r.csv", content)


# The confirmation writes the dry run's plan -------------------------------------------------


def _dry_run(client, school, day, score):
    url = reverse("results_import", args=[school.pk])
    line = f"1001,Goethe-Zertifikat B1 Lesen,{day},{score}"
    return upload(client, url, "r.csv", f"leerlingnummer,toets,datum,score\n{line}\n".encode())


def test_the_confirmation_writes_the_dry_runs_plan_without_reading_the_file_again(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    client.force_login(teacher_a1)
    _dry_run(client, school_a, day, 65)
    batch = ImportBatch.objects.get()
    planned = [pupil_a1.pk, goethe_reading.pk, day.isoformat(), "65.00", Level.B1]
    assert batch.planned == {"new": [planned], "changed": []}
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"not a spreadsheet")
    assert confirm(client).status_code == 302
    result = Result.objects.get()
    assert (result.pupil, result.score, result.level) == (pupil_a1, 65, Level.B1)
    assert result.history.get().history_user == teacher_a1
    batch.refresh_from_db()
    assert batch.applied_at is not None and batch.planned is None


def test_a_result_entered_between_dry_run_and_confirmation_stops_the_import(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    client.force_login(teacher_a1)
    _dry_run(client, school_a, day, 65)
    result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=goethe_reading, assessed_on=day, score=30
    )
    response = confirm(client)
    assert response.status_code == 200
    assert "entered or changed in the meantime" in response.content.decode()
    assert list(Result.objects.values_list("score", flat=True)) == [30]
    assert ImportBatch.objects.get().applied_at is None


def test_a_result_corrected_since_the_dry_run_stops_the_import(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    stored = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=goethe_reading, assessed_on=day, score=40
    )
    client.force_login(teacher_a1)
    assert "was A2 (40)" in _dry_run(client, school_a, day, 65).content.decode()
    result_update(by=teacher_a1, result=stored, version=1, assessed_on=day, score=50)
    response = confirm(client)
    assert "entered or changed in the meantime" in response.content.decode()
    stored.refresh_from_db()
    assert (stored.score, stored.version) == (50, 2)


def test_a_pupil_who_changed_school_since_the_dry_run_stops_the_import(
    client, teacher_a1, school_a, school_b, pupil_a1, goethe_reading, day
):
    client.force_login(teacher_a1)
    _dry_run(client, school_a, day, 65)
    Pupil.objects.filter(pk=pupil_a1.pk).update(school=school_b)
    response = confirm(client)
    assert response.status_code == 200
    assert "changed school since it was uploaded" in response.content.decode()
    assert not Result.objects.exists()


# (Up to 100 rows: beyond, SQLite's limit on parameters splits the insert of new results.)
@pytest.mark.parametrize("rows", [10, 100])
def test_a_confirmation_takes_a_fixed_number_of_queries(
    rows, client, teacher_a1, school_a, group_a1, goethe_reading, day, django_assert_num_queries
):
    content = class_file(rows, school_a, group_a1, day)
    client.force_login(teacher_a1)
    upload(client, reverse("results_import", args=[school_a.pk]), "r.csv", content)
    url = reverse("import_confirm", args=[ImportBatch.objects.get().pk])
    # session, user with its roles and memberships, batch; savepoint, locked batch; savepoint,
    # pupils still at the school, instruments (no result to correct: none is read); savepoint,
    # insert results, insert history (on PostgreSQL in the insert's own statement), release;
    # the stored figures of settled days the date lies in, level periods from the date on (on
    # PostgreSQL one statement; otherwise delete, insert, end of the one before); release;
    # batch stored as applied; release.
    with django_assert_num_queries(16 if connection.vendor == "postgresql" else 19):
        response = client.post(url)
    assert response.status_code == 302
    assert Result.objects.count() == rows
