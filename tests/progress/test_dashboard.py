import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.cefr import Level, Skill, Track
from progress import dashboard, data_version
from progress.models import Target
from progress.targets import target_progress, target_trend
from progress.targets import target_progress as progress_of
from schools import levels, services
from schools.models import Enrolment, Group, Pupil, Result, School, SchoolYear
from schools.services import instrument_create

TODAY = datetime.date.today()


def build_city(pupils, *, schools=4):
    """`pupils` pupils in year 3 over `schools` schools, all assessed, bulk-inserted."""
    year, _ = SchoolYear.objects.get_or_create(start_year=SchoolYear.start_year_of(TODAY))
    rated = {skill: instrument_create(name="Rated", skill=skill, kind="rated") for skill in Skill}
    school_list = School.objects.bulk_create(
        School(name=f"School {i}", brin=f"{20 + i}XY", sector="vo") for i in range(schools)
    )
    groups = Group.objects.bulk_create(
        Group(school=s, school_year=year, name="H3A", track=Track.HAVO, year_level=3)
        for s in school_list
    )
    pupil_rows = Pupil.objects.bulk_create(
        Pupil(
            school=school_list[n % schools], pupil_number=str(n), given_name="P", family_name=str(n)
        )
        for n in range(pupils)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            pupil=p, group=groups[n % schools], starts_on=year.starts_on, ends_on=year.ends_on
        )
        for n, p in enumerate(pupil_rows)
    )
    Result.objects.bulk_create(
        Result(
            pupil=p,
            instrument=rated[skill],
            skill=skill,
            assessed_on=year.starts_on,
            level=(n + i) % 7,
        )
        for n, p in enumerate(pupil_rows)
        for i, skill in enumerate(Skill)
    )
    levels.rebuild()  # a bulk load, as the demo does
    return school_list


@pytest.fixture
def target(db):
    return Target.objects.create(
        name="LEA 2030",
        threshold=Level.B1,
        required_skills=[Skill.LISTENING, Skill.SPOKEN_INTERACTION, Skill.SPOKEN_PRODUCTION],
        sectors=["vo"],
        year_levels=[3, 4, 5, 6],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )


def count_queries(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


@pytest.mark.parametrize("size", [50, 5000])
def test_progress_and_trend_take_one_query_each_whatever_the_size(size, target):
    build_city(size)
    # a school's exact figures of today: schools, the grouped query
    assert count_queries(lambda: target_progress(target=target, on=TODAY, suppress=False)) == 2
    # the municipality's, on the latest reference date (a settled day) when nothing is stored
    # yet: the stored days, the grouped query, storing it (three statements), schools…
    cache.clear()
    assert count_queries(lambda: target_progress(target=target, on=TODAY)) == 6
    # …and with the cache cold again, from the stored day: the stored days, schools
    cache.clear()
    assert count_queries(lambda: target_progress(target=target, on=TODAY)) == 2
    # trend with its totals not stored yet: school years, the stored totals, the stored cells
    # (the reference date's, kept above), storing the totals (three statements)…
    cache.clear()
    assert count_queries(lambda: target_trend(target=target, today=TODAY)) == 6
    # …and with the cache cold again: school years, the stored totals
    cache.clear()
    assert count_queries(lambda: target_trend(target=target, today=TODAY)) == 2
    # asked again before anything changed: the figures come from the cache
    assert count_queries(lambda: target_trend(target=target, today=TODAY)) == 1


def turn_levels_around(pupil, teacher):
    """Correct each of the pupil's results to a level on the other side of B1."""
    for result in Result.objects.filter(pupil=pupil):
        services.result_update(
            by=teacher,
            result=result,
            version=result.version,
            assessed_on=result.assessed_on,
            level=Level.C2 if result.level < Level.B1 else Level.BELOW_A1,
        )


def test_cached_figures_follow_every_kind_of_write(target, teacher_a1, school_year):
    """Read on today (the exact view: the municipality's follows reference dates only)."""
    schools = build_city(40, schools=2)

    def target_progress(**kwargs):
        return progress_of(**kwargs, suppress=False)

    before = target_progress(target=target, on=TODAY).city
    pupil = Pupil.objects.filter(school=schools[0]).first()
    # results corrected through a service
    turn_levels_around(pupil, teacher_a1)
    after_result = target_progress(target=target, on=TODAY).city
    assert after_result.by_skill != before.by_skill
    # an enrolment ending: the pupil leaves the population
    pupil.enrolments.update(ends_on=TODAY)  # no signal: nothing may change yet…
    enrolment = pupil.enrolments.first()
    enrolment.ends_on = TODAY - datetime.timedelta(days=1)
    enrolment.save()  # …a saved enrolment moves the version on
    assert target_progress(target=target, on=TODAY).city.population == before.population - 1
    # a group moving to another year level out of the target
    group = Group.objects.filter(school=schools[1]).first()
    in_group = Enrolment.objects.filter(group=group).count()
    group.year_level = 1
    group.save()
    assert (
        target_progress(target=target, on=TODAY).city.population == before.population - 1 - in_group
    )


def test_the_city_figures_may_trail_writes_by_the_lag_and_a_school_never(
    target, teacher_a1, settings
):
    settings.TAALPAD_CITY_FIGURES_LAG = 60
    schools = build_city(40, schools=2)
    city_before = target_progress(target=target, on=TODAY).city
    school_before = target_progress(target=target, on=TODAY, suppress=False, schools=schools)
    pupil = Pupil.objects.filter(school=schools[0]).first()
    turn_levels_around(pupil, teacher_a1)
    # The municipality's figures are the ones computed a moment ago…
    assert target_progress(target=target, on=TODAY).city == city_before
    # …the coordinator's view, never suppressed, follows at once…
    school_after = target_progress(target=target, on=TODAY, suppress=False, schools=schools)
    assert school_after.city.by_skill != school_before.city.by_skill
    # …and once the lag has passed, so does the city.
    settings.TAALPAD_CITY_FIGURES_LAG = 0
    assert target_progress(target=target, on=TODAY).city.by_skill != city_before.by_skill


@pytest.mark.parametrize("size", [50, 5000])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    size, client, municipality, target, django_assert_num_queries
):
    build_city(size)
    client.force_login(municipality)
    client.get(reverse("municipality_start"))
    cache.clear()  # the figures computed afresh, as after a change of data
    # session, user with its roles and memberships, the targets (kept from here on and
    # offered from the same list), schools, progress, the stored totals of the same date a
    # year before (the headline's change), school years, the trend's stored totals (of its
    # one date, the reference date), distribution, school years for the report
    with django_assert_num_queries(10):
        response = client.get(reverse("municipality_start"))
    assert response.status_code == 200
    # again, with nothing changed: the page's figures as rendered before, from the cache
    # (session, user with its roles and memberships)
    with django_assert_num_queries(2):
        assert client.get(reverse("municipality_start")).status_code == 200


def test_the_kept_city_page_is_rendered_again_after_a_write_and_in_another_language(
    client, municipality, target, teacher_a1, settings, django_assert_num_queries
):
    settings.TAALPAD_CITY_FIGURES_LAG = 0
    schools = build_city(40, schools=2)
    client.force_login(municipality)
    url = reverse("municipality_start")
    assert "Share of the city" in client.get(url).content.decode()
    with django_assert_num_queries(2):  # kept: session, user
        client.get(url)
    turn_levels_around(Pupil.objects.filter(school=schools[0]).first(), teacher_a1)
    with CaptureQueriesContext(connection) as after_the_write:
        client.get(url)
    assert len(after_the_write) > 2  # the figures are read again, the page rendered again
    with django_assert_num_queries(2):
        client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert "Anteil der Stadt" in client.get(url).content.decode()


def test_the_dashboard_shows_the_headline_and_withholds_small_schools(client, municipality, target):
    schools = build_city(43, schools=4)  # 11, 11, 11, 10 pupils
    Pupil.objects.filter(school=schools[3]).first().enrolments.all().delete()  # now 9
    client.force_login(municipality)
    content = client.get(reverse("municipality_start")).content.decode()
    assert "LEA 2030" in content and "Share of the city" in content
    progress = target_progress(target=target, on=TODAY)
    shown = {row.label: row.figures for row in progress.schools}
    assert shown["School 3"].suppressed  # 9 pupils
    assert shown["School 3"].population is None
    # Two more schools' counts of pupils are withheld: else School 3 = city minus the others,
    # and a coordinator who knows their own school's count could solve the other one.
    assert sum(1 for figures in shown.values() if figures.population is None) == 3
    assert content.count("withheld</td>") >= 2


def test_exports_carry_exactly_what_the_page_shows(client, municipality, target):
    build_city(43, schools=4)
    Pupil.objects.filter(school__name="School 3").first().enrolments.all().delete()
    client.force_login(municipality)
    csv_text = client.get(reverse("municipality_export", args=["schools", "csv"])).content
    rows = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig")), delimiter=";"))
    board = dashboard.build(target=target, on=TODAY, suppress=True)
    _title, headers, expected = dashboard.table(board, "schools")
    assert rows[0] == headers
    assert rows[1:] == [[str(cell) for cell in row] for row in expected]
    assert sum(1 for row in rows[1:] if row[2] in ("< 10", "withheld")) == 3
    xlsx = client.get(reverse("municipality_export", args=["schools", "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [
        [c if c is not None else "" for c in r]
        for r in sheet.iter_rows(min_row=2, values_only=True)
    ] == expected


def test_the_annual_report_is_a_pdf(client, municipality, target):
    build_city(60)
    client.force_login(municipality)
    response = client.get(
        reverse("municipality_report"),
        {"target": target.pk, "year": SchoolYear.start_year_of(TODAY)},
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 4


def test_charts_are_svg_and_follow_the_data(client, municipality, target, settings):
    settings.TAALPAD_MIN_CELL = 5  # a small city whose schools' shares are shown
    build_city(60)
    client.force_login(municipality)
    first = client.get(reverse("municipality_chart", args=["schools"])).content
    assert first.startswith(b"<?xml")
    Result.objects.filter(skill=Skill.LISTENING).update(level=Level.C2)
    levels.rebuild()
    second = client.get(reverse("municipality_chart", args=["schools"])).content
    assert first != second  # a changed result gives a new chart, not the cached one
    assert client.get(reverse("municipality_chart", args=["pie"])).status_code == 404


def test_a_kept_chart_follows_its_target_and_language(client, municipality, target, settings):
    settings.TAALPAD_MIN_CELL = 5
    build_city(60)
    client.force_login(municipality)
    url = reverse("municipality_chart", args=["schools"])
    first = client.get(url).content
    assert client.get(url).content == first  # kept
    target.share = Decimal("0.9")  # the target line moves to 90 %
    target.save()
    moved = client.get(url).content
    assert moved != first
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert b"Ziel" in client.get(url).content and b"Ziel" not in moved


def test_a_coordinator_sees_their_school_in_full_with_groups(
    client, coordinator_a, school_a, target, school_year
):
    group = Group.objects.create(
        school=school_a, school_year=school_year, name="H3Q", track=Track.HAVO, year_level=3
    )
    pupil = Pupil.objects.create(
        school=school_a, pupil_number="77", given_name="A", family_name="B"
    )
    Enrolment.objects.create(
        pupil=pupil, group=group, starts_on=school_year.starts_on, ends_on=school_year.ends_on
    )
    client.force_login(coordinator_a)
    content = client.get(reverse("school_dashboard", args=[school_a.pk])).content.decode()
    # One pupil: the municipality would see nothing, the coordinator sees it all.
    assert "Pupils in the population" in content and "H3Q" in content
    board = dashboard.build(target=target, on=TODAY, suppress=False, school=school_a)
    assert board.headline.population == 1 and not board.headline.suppressed


def test_the_municipality_adds_a_2030_target_with_a_form(client, municipality, db):
    client.force_login(municipality)
    response = client.post(
        reverse("target_create"),
        {
            "name": "LEA 2035",
            "description": "",
            "threshold": Level.B1,
            "required_skills": ["listening", "reading"],
            "share_percent": "60",
            "deadline": "2035-07-31",
            "sectors": ["vo"],
            "year_levels": ["3", "4"],
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(name="LEA 2035")
    assert (str(target.share), target.year_levels, target.required_skills) == (
        "0.600",
        [3, 4],
        ["listening", "reading"],
    )


def test_a_target_without_skills_is_refused_and_keeps_the_input(client, municipality, db):
    client.force_login(municipality)
    response = client.post(
        reverse("target_create"),
        {
            "name": "Zonder vaardigheden",
            "threshold": Level.B1,
            "share_percent": "50",
            "deadline": "2030-07-31",
        },
    )
    assert (
        response.status_code == 200 and 'value="Zonder vaardigheden"' in response.content.decode()
    )
    assert not Target.objects.exists()


@pytest.mark.parametrize("kind", ["trend", "schools", "distribution"])
def test_a_chart_builds_only_the_figures_it_shows(
    kind, client, municipality, target, django_assert_num_queries
):
    build_city(50)
    client.force_login(municipality)
    url = reverse("municipality_chart", args=[kind])
    assert client.get(url).status_code == 200
    # kept as drawn: session, user with its roles and memberships (the target is kept too)
    with django_assert_num_queries(2):
        assert client.get(url)["Content-Type"] == "image/svg+xml"
    # a save today moves the latest data version on: the chart is drawn again, from the
    # figures of the city's reference date in the cache, with the one query the chart's own
    # part needs beyond it (school years, schools)
    data_version.bump(since=datetime.date.today())
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize("seed", [51, 52])
def test_the_headline_shows_the_change_since_the_same_date_a_year_before(
    seed, lea_target, settings
):
    """Against an oracle: the share on the reference date and on the same date a year earlier,
    counted from the progress layer's exact figures of both dates."""
    from progress import dashboard
    from progress.targets import a_year_before, target_progress
    from tests.progress.conftest import YEAR_START, build_random_city

    settings.TAALPAD_MIN_CELL = 1
    build_random_city(seed, pupils=120, schools=3)
    on = datetime.date(YEAR_START + 2, 2, 1)  # a reference date of the second school year
    board = dashboard.build(target=lea_target, on=on, suppress=True, today=on)
    then = target_progress(target=lea_target, on=a_year_before(on), suppress=False).city
    now = target_progress(target=lea_target, on=on, suppress=False).city
    assert then.population and now.population  # both years have pupils to count
    assert board.change == round((now.met / now.population - then.met / then.population) * 100, 1)
    assert a_year_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_a_withheld_share_a_year_before_gives_no_change(target, settings):
    from progress import dashboard

    settings.TAALPAD_MIN_CELL = 10_000  # every count withheld
    build_city(40, schools=2)
    board = dashboard.build(target=target, on=datetime.date.today(), suppress=True)
    assert board.year_before.share is None and board.change is None
