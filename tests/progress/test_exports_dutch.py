"""Exports in Dutch conventions: file names that say what, which target and which date; CSV
with BOM, semicolons and decimal commas; XLSX with typed cells, widths and a frozen header."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from progress.suppression import reference_date
from tests.progress.test_dashboard import TODAY, build_city
from tests.progress.test_dashboard import target as target  # noqa: F401 - the fixture


def test_a_dutch_csv_has_a_bom_semicolons_decimal_commas_and_a_name_that_says_what(
    client, municipality, target, settings
):
    settings.TAALPAD_MIN_CELL = 5
    build_city(120, schools=3)
    client.force_login(municipality)
    response = client.get(
        reverse("municipality_export", args=["schools", "csv"]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    day = reference_date(TODAY).isoformat()
    assert f'filename="taalpad-scholen-lea-2030-{day}.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("school;BRIN;populatie")
    shares = [cell for cell in first.split(";") if "," in cell]
    assert shares and all(cell.replace(",", "").isdigit() for cell in shares)


def test_an_xlsx_has_typed_cells_a_frozen_header_and_widths(client, municipality, target):
    build_city(120, schools=3)
    client.force_login(municipality)
    response = client.get(reverse("municipality_export", args=["trend", "xlsx"]))
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 10
    first = [cell.value for cell in sheet[2]]
    assert isinstance(first[0], datetime.datetime | datetime.date)  # a real date
    assert isinstance(first[2], int)  # a number, not text
