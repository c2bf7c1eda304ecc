"""Exports in Dutch conventions: file names that say what, which target and which date; CSV
with BOM, semicolons and decimal commas; XLSX with typed cells, widths and a frozen header."""

import csv
import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from core.cefr import Track
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


def test_the_export_with_codes_is_for_programs(client, municipality, target, settings):
    """?codes=1: the API's codes as headers, withheld counts empty with `suppressed`, shares as
    fractions with a decimal point, commas and no BOM, whatever the reader's language."""
    settings.TAALPAD_MIN_CELL = 5
    build_city(120, schools=3)
    client.force_login(municipality)
    url = reverse("municipality_export", args=["schools", "csv"])
    response = client.get(url, {"codes": "1"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Content-Disposition"].endswith('-codes.csv"')
    assert not response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0])[:8] == [
        "school",
        "brin",
        "population",
        "assessed",
        "met",
        "share",
        "share_assessed",
        "coverage",
    ]
    assert list(rows[0])[-1] == "suppressed"
    for row in rows:
        assert row["suppressed"] in ("true", "false")
        if row["share"]:
            assert 0 <= float(row["share"]) <= 1 and "," not in row["share"]
            assert round(int(row["met"]) / int(row["population"]), 4) == float(row["share"])


def test_the_codes_export_names_tracks_skills_and_levels_by_code(client, municipality, target):
    build_city(120, schools=3)
    client.force_login(municipality)
    tracks = client.get(reverse("municipality_export", args=["tracks", "csv"]), {"codes": "1"})
    shown = {row["track"] for row in csv.DictReader(io.StringIO(tracks.content.decode()))}
    assert shown and shown <= set(Track.values)
    levels = client.get(
        reverse("municipality_export", args=["distribution", "xlsx"]), {"codes": "1"}
    )
    sheet = load_workbook(io.BytesIO(levels.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "skill", "not_assessed", "below_a1", "a1", "a2", "b1", "b2", "c1", "c2", "suppressed",
    ]  # fmt: skip
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
        "listening", "reading", "spoken_interaction", "spoken_production", "writing",
    ]  # fmt: skip
    trend = client.get(reverse("municipality_export", args=["trend", "csv"]), {"codes": "1"})
    kinds = [row["kind"] for row in csv.DictReader(io.StringIO(trend.content.decode()))]
    assert set(kinds) <= {"measured", "projection"} and "measured" in kinds


def test_the_dashboard_links_the_export_with_codes(client, municipality, target):
    build_city(60, schools=2)
    client.force_login(municipality)
    page = client.get(reverse("municipality_start")).content.decode()
    assert "codes=1" in page
