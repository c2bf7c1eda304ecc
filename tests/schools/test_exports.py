import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from schools.services import result_record
from tests.conftest import enrol, make_pupil

FORMULAS = ['=HYPERLINK("http://x")', "+31 6", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.fixture
def risky_class(school_a, group_a1, teacher_a1, rated_speaking):
    day = group_a1.school_year.starts_on + datetime.timedelta(days=20)
    pupils = []
    for number, name in enumerate(FORMULAS):
        pupil = make_pupil(school_a, f"F{number}", name, "Jansen")
        enrol(pupil, group_a1)
        result_record(
            by=teacher_a1, pupil=pupil, instrument=rated_speaking, assessed_on=day, level="b1"
        )
        pupils.append(pupil)
    return pupils


def test_a_csv_export_neutralises_formulas(client, teacher_a1, group_a1, risky_class):
    client.force_login(teacher_a1)
    response = client.get(reverse("group_export", args=[group_a1.pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["leerlingnummer", "voornaam", "tussenvoegsel", "achternaam"]
    given = {row[1] for row in rows[1:]}
    assert given == {"'" + name for name in FORMULAS}
    assert {row[9] for row in rows[1:]} == {"b1"}
    assert {row[4] for row in rows[1:]} == {group_a1.name}


def test_an_xlsx_export_keeps_formula_like_names_as_text(client, teacher_a1, group_a1, risky_class):
    client.force_login(teacher_a1)
    response = client.get(reverse("group_export", args=[group_a1.pk]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    # XML turns a carriage return into a line feed; the value stays text all the same.
    assert {cell.value for cell in cells} == {name.replace("\r", "\n") for name in FORMULAS}
    assert {cell.data_type for cell in cells} == {"s"}
    first = [cell.value for cell in sheet[2]]
    assert isinstance(first[7], datetime.datetime)  # the date as a date, not text
    assert isinstance(first[11], datetime.datetime)  # entered on, likewise


def test_the_school_export_holds_only_the_schools_pupils(
    client, coordinator_a, risky_class, pupil_b_result
):
    client.force_login(coordinator_a)
    response = client.get(reverse("school_export", args=[risky_class[0].school_id]))
    text = response.content.decode("utf-8-sig")
    assert "F0" in text and "Vera" not in text


@pytest.fixture
def pupil_b_result(school_b, group_b1, teacher_b, rated_speaking):
    pupil = make_pupil(school_b, "B1", "Vera", "Kaya")
    enrol(pupil, group_b1)
    return result_record(
        by=teacher_b,
        pupil=pupil,
        instrument=rated_speaking,
        assessed_on=group_b1.school_year.starts_on,
        level="a2",
    )


def test_an_export_round_trips_through_the_import(
    client, teacher_a1, school_a, group_a1, pupil_a1, rated_speaking
):
    result_record(
        by=teacher_a1,
        pupil=pupil_a1,
        instrument=rated_speaking,
        assessed_on=group_a1.school_year.starts_on,
        level="a2",
    )
    client.force_login(teacher_a1)
    exported = client.get(reverse("group_export", args=[group_a1.pk]), {"format": "xlsx"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    dry = client.post(
        reverse("results_import", args=[school_a.pk]),
        {"file": SimpleUploadedFile("export.xlsx", exported.content)},
    )
    assert "0 new, 0 changed, 1 unchanged, 0 with an error" in dry.content.decode()
