"""The council report, as a page and as a PDF: the dashboard's suppressed figures written out
once (`progress.report.council_report`), a title page, the headline with the projection in one
sentence, the trend, the schools, exchanges, method and privacy; one number format; no pupil."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from progress import dashboard, report
from schools.models import Pupil
from tests.progress.test_dashboard import TODAY, build_city
from tests.progress.test_dashboard import target as target  # noqa: F401 - the fixture

SECTIONS_NL = [
    "Rapportage aan de gemeenteraad",
    "Waar de stad staat",
    "Verloop en prognose",
    "Het verloop in cijfers",
    "Scholen",
    "Uitwisselingen met Duitse partners",
    "Werkwijze en privacy",
]


@pytest.fixture
def city(client, municipality, target, settings):
    settings.TAALPAD_MIN_CELL = 5
    build_city(120, schools=3)
    client.force_login(municipality)
    return dashboard.build(target=target, on=TODAY, suppress=True)


def _pdf(client, language="nl", **query):
    response = client.get(reverse("municipality_report"), query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response, PdfReader(io.BytesIO(response.content))


def _text(reader):
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_report_page_carries_the_dashboards_figures(client, city):
    response = client.get(reverse("municipality_report_page"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    said = response.context["report"]
    assert said.share == report.percent(city.headline.share)
    assert f"{said.share} of the pupils reach" in page
    for heading in ("Where the city stands", "Trend and projection", "Schools", "Exchanges"):
        assert heading in page
    assert "Method and privacy" in page and "reference dates only" in page
    assert "not enough history" in page  # one school year of results
    assert [row[0] for row in said.schools.rows] == [row.label for row in city.progress.schools]
    for row, school in zip(said.schools.rows, city.progress.schools, strict=True):
        assert row[1] == report.number(dashboard.shown(school.figures, "population"))
        assert row[3] == report.number(dashboard.shown(school.figures, "met"))
    assert said.schools.total[1] == report.number(city.headline.population)
    pupil = Pupil.objects.first()
    assert pupil.sort_name not in page  # counts, never a pupil
    assert reverse("municipality_chart", args=["trend"]) in page


def test_the_pdf_says_what_the_page_says(client, city):
    page = client.get(reverse("municipality_report_page"), HTTP_ACCEPT_LANGUAGE="nl")
    said = page.context["report"]
    _response, reader = _pdf(client)
    text = _text(reader)
    for words in (said.title, said.target, said.share, said.projection, said.exchanges):
        assert " ".join(words.split()) in text
    for _label, value in said.facts:
        assert value in text
    for row in [*said.schools.rows, said.schools.total]:
        assert " ".join(row) in text
    assert Pupil.objects.first().sort_name not in text


def test_the_pdf_has_a_title_page_bookmarks_its_language_and_the_charts_text(client, city):
    response, reader = _pdf(client)
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "taalpad-raadsrapportage-lea-2030-" in response["Content-Disposition"]
    assert reader.metadata.title.startswith("Rapportage aan de gemeenteraad: LEA 2030")
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert [entry.title for entry in reader.outline] == SECTIONS_NL
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.startswith("TaalPad Rapportage aan de gemeenteraad")
    assert "schooljaar" not in first  # the title page holds no table
    document = reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()
    figures = [kid.get_object() for kid in document["/K"]]
    assert [kid["/S"] for kid in figures] == ["/Figure"]
    assert str(figures[0]["/Alt"]).startswith("Aandeel dat het doel haalt per schooljaar")


def test_the_report_speaks_one_number_format_in_the_readers_language(client, city):
    dutch = _text(_pdf(client, "nl")[1])
    assert re.search(r"\d+,\d %", dutch) and not re.search(r"\d+\.\d %", dutch)
    english = _text(_pdf(client, "en")[1])
    assert re.search(r"\d+\.\d %", english) and not re.search(r"\d+,\d %", english)
    german = _text(_pdf(client, "de")[1])
    assert "Bericht an den Gemeinderat" in german or "Ratsbericht" in german


def test_a_school_year_asks_for_its_end(client, city, target):
    from schools.models import SchoolYear

    year = SchoolYear.objects.get()
    said = client.get(reverse("municipality_report_page"), {"year": year.start_year})
    assert said.status_code == 200
    _response, reader = _pdf(client, year=year.start_year, target=target.pk)
    assert len(reader.pages) >= 4
