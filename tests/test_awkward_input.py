"""Regression tests for the crashes found with awkward input: each answered 500 once."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.cefr import Level, Track
from exchanges.models import Partner
from progress import charts
from progress.models import Target
from schools.models import ImportBatch, Result
from schools.services import result_record
from tests.api.test_api import api
from tests.conftest import enrol, make_group, make_pupil

TODAY = datetime.date.today()
AWKWARD_SCORES = ["NaN", "sNaN", "Infinity", "-Infinity", "inf", "1E999999", "1e3", "9" * 30]


@pytest.fixture
def day(school_year):
    return min(TODAY, school_year.starts_on + datetime.timedelta(days=30))


# Exports and charts ---------------------------------------------------------------------------


@pytest.fixture
def vmbo_pupil(school_a, school_year):
    """Track names other than havo and vwo are translated text, which openpyxl refused."""
    group = make_group(school_a, school_year, "B3A", track=Track.VMBO_BB)
    pupil = make_pupil(school_a, "3001", "Daan", "Smit")
    enrol(pupil, group)
    return pupil


@pytest.mark.parametrize("table", ["tracks", "years", "trend", "distribution", "schools"])
def test_every_city_table_downloads_as_xlsx(client, municipality, lea_target, vmbo_pupil, table):
    client.force_login(municipality)
    response = client.get(reverse("municipality_export", args=[table, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row >= 1


def test_a_schools_track_table_downloads_as_xlsx(
    client, coordinator_a, school_a, lea_target, vmbo_pupil
):
    client.force_login(coordinator_a)
    url = reverse("school_progress_export", args=[school_a.pk, "tracks", "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert any("vmbo basic" in str(cell).lower() for row in rows for cell in row)


def test_the_distribution_chart_draws_all_eight_bands():
    counts = tuple(
        [("not assessed", 3)] + [(str(Level(level).label), 2 + level) for level in Level.values]
    )
    svg = charts.distribution_chart((("Listening", counts, sum(c for _l, c in counts)),))
    assert svg.startswith(b"<?xml") or b"<svg" in svg[:400]
    assert b"C2" in svg


# Searches -------------------------------------------------------------------------------------


def test_a_nul_character_in_the_pupil_search_is_a_page(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    response = client.get(reverse("pupil_list", args=[school_a.pk]), {"q": "an\x00na"})
    assert response.status_code == 200


def test_a_nul_character_in_the_partner_search_is_a_page(client, teacher_a1):
    Partner.objects.create(name="Gymnasium Gronau", city="Gronau", bundesland="NW")
    client.force_login(teacher_a1)
    response = client.get(reverse("partner_list"), {"q": "Gro\x00nau"})
    assert response.status_code == 200


# Scores ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("score", AWKWARD_SCORES)
def test_an_awkward_score_in_the_grid_is_a_message_not_a_crash(
    client, teacher_a1, pupil_a1, group_a1, goethe_reading, day, score
):
    client.force_login(teacher_a1)
    url = f"{reverse('group_grid', args=[group_a1.pk])}?instrument={goethe_reading.pk}&date={day}"
    response = client.post(url, {f"value-{goethe_reading.pk}-{pupil_a1.pk}": score})
    assert response.status_code == 200
    assert not Result.objects.exists()
    assert "nothing was saved" in response.content.decode()
    assert len(response.content) < 200_000  # the typed value is not echoed expanded


@pytest.mark.parametrize("score", AWKWARD_SCORES)
def test_an_awkward_score_in_the_edit_form_is_a_message_not_a_crash(
    client, teacher_a1, pupil_a1, goethe_reading, day, score
):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=goethe_reading, assessed_on=day, score="61"
    )
    client.force_login(teacher_a1)
    response = client.post(
        reverse("result_edit", args=[result.pk]),
        {"assessed_on": day.isoformat(), "score": score, "version": result.version},
    )
    assert response.status_code == 200
    result.refresh_from_db()
    assert result.score == 61
    assert len(response.content) < 200_000


@pytest.mark.parametrize("score", AWKWARD_SCORES)
def test_an_awkward_score_in_an_import_is_a_row_error_not_a_crash(
    client, teacher_a1, pupil_a1, school_a, goethe_reading, day, score
):
    client.force_login(teacher_a1)
    content = (
        f"leerlingnummer;toets;datum;score\n1001;{goethe_reading.name};{day:%d-%m-%Y};{score}\n"
    )
    response = client.post(
        reverse("results_import", args=[school_a.pk]),
        {"file": SimpleUploadedFile("scores.csv", content.encode())},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a number" in page or "lies outside" in page
    assert len(response.content) < 200_000


def test_scores_are_read_as_people_write_them(teacher_a1, pupil_a1, goethe_reading, day):
    from schools.services import result_build

    for typed in ("14,5", "14.5", " 14,5 "):
        built = result_build(
            by=teacher_a1, pupil=pupil_a1, instrument=goethe_reading, assessed_on=day, score=typed
        )
        assert built.score == Decimal("14.5")


def test_a_delete_with_an_unreadable_version_is_a_message(
    client, teacher_a1, pupil_a1, goethe_reading, day
):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=goethe_reading, assessed_on=day, score="61"
    )
    client.force_login(teacher_a1)
    response = client.post(reverse("result_delete", args=[result.pk]), {"version": "abc"})
    assert response.status_code == 200
    assert Result.objects.filter(pk=result.pk).exists()


# Targets --------------------------------------------------------------------------------------


def test_a_target_below_a1_posted_to_the_api_is_a_400(municipality):
    response = api(municipality).post(
        reverse("target-list"),
        {
            "name": "Nothing at all",
            "threshold": "below_a1",
            "required_skills": ["listening"],
            "share": "0.5",
            "deadline": "2030-07-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "threshold" in response.json()["errors"]
    assert not Target.objects.filter(name="Nothing at all").exists()


# Dates ----------------------------------------------------------------------------------------

IMPOSSIBLE_DATES = [
    datetime.date(1, 1, 1),
    datetime.date(9999, 12, 31),
    TODAY + datetime.timedelta(days=1),
    TODAY.replace(year=TODAY.year + 1),
]


@pytest.mark.parametrize("when", IMPOSSIBLE_DATES)
def test_the_api_refuses_a_result_dated_in_the_future_or_before_the_enrolment(
    teacher_a1, pupil_a1, goethe_reading, when
):
    response = api(teacher_a1).post(
        reverse("result-list"),
        {"pupil": pupil_a1.pk, "instrument": goethe_reading.pk, "date": when, "score": "61"},
        format="json",
    )
    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    assert not Result.objects.exists()


@pytest.mark.parametrize("when", IMPOSSIBLE_DATES)
def test_the_edit_form_refuses_an_impossible_date(
    client, teacher_a1, pupil_a1, goethe_reading, day, when
):
    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=goethe_reading, assessed_on=day, score="61"
    )
    client.force_login(teacher_a1)
    response = client.post(
        reverse("result_edit", args=[result.pk]),
        {"assessed_on": when.isoformat(), "score": "62", "version": result.version},
    )
    assert response.status_code == 200
    result.refresh_from_db()
    assert (result.assessed_on, result.score) == (day, 61)


@pytest.mark.parametrize("when", IMPOSSIBLE_DATES)
def test_the_import_refuses_an_impossible_date(
    client, teacher_a1, pupil_a1, school_a, goethe_reading, when
):
    client.force_login(teacher_a1)
    content = f"leerlingnummer;toets;datum;score\n1001;{goethe_reading.name};{when:%Y-%m-%d};61\n"
    client.post(
        reverse("results_import", args=[school_a.pk]),
        {"file": SimpleUploadedFile("dates.csv", content.encode())},
    )
    batch = ImportBatch.objects.latest("pk")
    client.post(reverse("import_confirm", args=[batch.pk]))
    assert not Result.objects.exists()


def test_the_grid_refuses_a_date_after_today(
    client, teacher_a1, pupil_a1, group_a1, goethe_reading
):
    client.force_login(teacher_a1)
    tomorrow = TODAY + datetime.timedelta(days=1)
    url = reverse("group_grid", args=[group_a1.pk])
    url = f"{url}?instrument={goethe_reading.pk}&date={tomorrow}"
    response = client.post(url, {f"value-{goethe_reading.pk}-{pupil_a1.pk}": "61"})
    assert response.status_code == 200
    assert "today" in response.content.decode()
    assert not Result.objects.exists()


@pytest.mark.parametrize("score", [*AWKWARD_SCORES, "1e1", "14.555"])
def test_the_api_reads_a_score_by_the_same_rule_as_the_forms(
    teacher_a1, pupil_a1, goethe_reading, day, score
):
    response = api(teacher_a1).post(
        reverse("result-list"),
        {"pupil": pupil_a1.pk, "instrument": goethe_reading.pk, "date": day, "score": score},
        format="json",
    )
    assert response.status_code == 400
    assert "score" in response.json()["errors"]
    assert not Result.objects.exists()


def test_the_api_takes_a_decimal_comma(teacher_a1, pupil_a1, goethe_reading, day):
    response = api(teacher_a1).post(
        reverse("result-list"),
        {"pupil": pupil_a1.pk, "instrument": goethe_reading.pk, "date": day, "score": "61,5"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["score"] == "61.50"
