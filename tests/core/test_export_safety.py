"""Every export is safe to open in Excel: text that a spreadsheet would run as a formula stays
text, numbers stay numbers, and what TaalPad stores does not change."""

import csv
import io
import zipfile
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from core.tabular import neutralise, write_csv, write_xlsx
from schools.models import Pupil

RISKY = '=HYPERLINK("http://x","klik")'


def test_the_pupils_own_download_keeps_a_formula_like_name_as_text(client, pupil_a1):
    Pupil.objects.filter(pk=pupil_a1.pk).update(given_name=RISKY)
    client.force_login(pupil_a1.user)
    response = client.get(reverse("pupil_data_download", args=[pupil_a1.pk, "zip"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = archive.read("pupil.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][rows[0].index("given_name")] == "'" + RISKY
    assert Pupil.objects.get(pk=pupil_a1.pk).given_name == RISKY  # stored as it was


def test_every_formula_start_is_neutralised_and_numbers_are_not():
    for text in ("=1+1", "+31", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    for number in (-3, -2.5, Decimal("-1.25"), 0, 7):
        assert neutralise(number) == number
    assert neutralise("Müller") == "Müller"


def test_a_csv_keeps_negative_numbers_as_numbers():
    text = write_csv(["a", "b"], [[-3, "-3"]]).decode("utf-8-sig")
    assert text.splitlines()[1] == "-3;'-3"


def test_an_xlsx_writes_text_as_text_and_numbers_as_numbers():
    content = write_xlsx(["name", "score"], [[RISKY, -2.5], ["=1+1", 14]], title="a/b:c?")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "a-b-c-"
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == RISKY
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=1+1"
    assert sheet["B2"].data_type == "n" and sheet["B2"].value == -2.5
