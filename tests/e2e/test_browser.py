"""Four people use TaalPad in a real browser; axe-core checks every page they see."""

import datetime
import importlib
from pathlib import Path

import pytest

from demo.city import DEMO_PASSWORD, build_demo_city
from schools.models import Group, Instrument, Pupil, Result, SchoolYear
from taalpad.models import User
from tests.e2e.conftest import axe_violations, empty_access_trail, log_in, shoot

# A browser that stops answering ends the run after five minutes with every thread's stack.
# The thread method, because an alarm signal raised inside Playwright's event loop can be
# swallowed there, and the run then hangs instead of failing.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300, method="thread")]
TODAY = datetime.date.today()


@pytest.fixture
def city(transactional_db):
    restore_expected_levels()
    yield build_demo_city(pupils=600, today=TODAY)
    empty_access_trail()


def restore_expected_levels():
    """The city's expected levels per track come with a data migration; the emptying of the
    database after an earlier test of this module took them away: put them back as the
    migration does."""
    from django.apps import apps

    from schools.models import ExpectedLevel

    if not ExpectedLevel.objects.exists():
        seed = importlib.import_module("schools.migrations.0004_slo_expected_levels")
        seed.add_levels(apps, None)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def first_group_of(teacher):
    """The first group (by name) the teacher teaches this school year."""
    this_year = SchoolYear.start_year_of(TODAY)
    return (
        Group.objects.filter(teachers=teacher, school_year__start_year=this_year)
        .order_by("name")
        .first()
    )


def test_a_teacher_fills_the_class_grid_with_the_keyboard_alone(city, page_for):
    teacher = User.objects.get(email="docent@taalpad.example")
    group = first_group_of(teacher)
    # Two parts of one exam, a column each: Enter runs down one column, then the next.
    exam = list(
        Instrument.objects.filter(
            kind="scored", skill__in=["listening", "reading"], school__isnull=True
        ).order_by("skill", "name")
    )
    exam = [next(i for i in exam if i.skill == skill) for skill in ("listening", "reading")]
    pupils = Pupil.objects.filter(
        enrolments__group=group, enrolments__starts_on__lte=TODAY, enrolments__ends_on__gte=TODAY
    ).distinct()
    page = page_for()
    log_in(page, teacher.email, DEMO_PASSWORD)
    assert_accessible(page)
    chosen = "&".join(f"instrument={i.pk}" for i in exam)
    page.goto(f"/groups/{group.pk}/grid/?{chosen}&date={TODAY.isoformat()}")
    assert_accessible(page)
    # From the top of the page, Tab until the first score field has the focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('grid-input')"):
            break
    else:
        pytest.fail("Tab never reached the grid")
    cells = page.locator(".grid-input").count()
    assert cells == 2 * pupils.count()
    first_pupil = int(page.locator(".grid-input").first.get_attribute("name").split("-")[-1])
    for index in range(cells):
        page.keyboard.type(str(4 + index % 18))
        page.keyboard.press("Enter")  # down the column, on to the next, and at the end to Save
    assert page.evaluate("document.activeElement.id") == "grid-save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".messages").count() == 1
    saved = Result.objects.filter(instrument__in=exam, assessed_on=TODAY, pupil__in=pupils)
    assert saved.count() == cells
    # Column by column: the first pupil got the first value typed in listening, and in
    # reading the one typed after the last pupil's listening score.
    scores = dict(saved.filter(pupil_id=first_pupil).values_list("skill", "score"))
    rows = cells // 2
    assert scores == {"listening": 4, "reading": 4 + rows % 18}
    assert_accessible(page)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_teacher_enters_one_result_after_another_from_the_group_page(city, page_for, width):
    teacher = User.objects.get(email="docent@taalpad.example")
    group = first_group_of(teacher)
    test = Instrument.objects.filter(kind="scored", school__isnull=True).order_by("name").first()
    page = page_for(width=width, height=800 if width > 400 else 740)
    log_in(page, teacher.email, DEMO_PASSWORD)
    page.goto(f"/groups/{group.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Eén resultaat invoeren").click()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The page opens in its first field: the pupil. Arrow keys choose, Tab moves on.
    assert page.evaluate("document.activeElement.id") == "id_pupil"
    page.keyboard.press("ArrowDown")
    first = page.input_value("#id_pupil")
    page.keyboard.press("Tab")
    page.select_option("#id_instrument", str(test.pk))
    page.focus("#id_score")
    page.keyboard.type(str(test.max_score.to_integral_value() // 2))
    shoot(page, f"result-entry-group-{width}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".messages").count() == 1
    shoot(page, f"result-entry-group-saved-{width}")
    # Back in the form with the next pupil chosen, the test and the date kept, and the cursor
    # in the score: type it and press Enter, as down a column of the grid.
    assert page.evaluate("document.activeElement.id") == "id_score"
    assert page.input_value("#id_instrument") == str(test.pk)
    second = page.input_value("#id_pupil")
    assert second and second != first
    page.keyboard.type("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    saved = Result.objects.filter(instrument=test, assessed_on=TODAY, entered_by=teacher)
    assert {str(pk) for pk in saved.values_list("pupil_id", flat=True)} == {first, second}
    # The same pupil and test again: the page shows what is stored and keeps what was typed.
    page.select_option("#id_pupil", first)
    page.focus("#id_score")
    page.keyboard.type("2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Sla opnieuw op" in page.locator("main").inner_text()
    assert page.input_value("#id_score") == "2"
    assert_accessible(page)
    shoot(page, f"result-entry-group-already-{width}")
    # From a pupil's page: a teacher's rating, chosen by typing its level.
    rating = Instrument.objects.filter(kind="rated", school__isnull=True).order_by("name").first()
    page.goto(f"/pupils/{first}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Resultaat invoeren").click()
    assert page.evaluate("document.activeElement.id") == "id_instrument"
    page.select_option("#id_instrument", str(rating.pk))
    page.focus("#id_level")
    page.keyboard.type("B1")
    shoot(page, f"result-entry-pupil-{width}")
    page.keyboard.press("Tab")  # from the level to Save
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/pupils/{first}/")
    assert Result.objects.get(pupil_id=first, instrument=rating, assessed_on=TODAY).level == 3
    shoot(page, f"result-entry-pupil-saved-{width}")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_teacher_adds_a_group_to_an_exchange_and_downloads_who_took_part(
    city, page_for, width, tmp_path
):
    from openpyxl import load_workbook

    from exchanges.models import ExchangeActivity

    teacher = User.objects.get(email="docent@taalpad.example")
    school = teacher.memberships.first().school
    group = first_group_of(teacher)
    activity = ExchangeActivity.objects.create(
        school=school, kind="visit", title="Bezoek Gronau", starts_on=TODAY, ends_on=TODAY
    )
    page = page_for(width=width, height=800 if width > 400 else 740)
    log_in(page, teacher.email, DEMO_PASSWORD)
    page.goto(f"/exchanges/{activity.pk}/")
    assert page.locator("input[name=pupils]").count() == 0  # no school-long list of boxes
    page.select_option("#listing-group", str(group.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Toon de leerlingen").click()
    shown = page.locator("input[name=pupils]").count()
    assert shown == group.enrolments.filter(starts_on__lte=TODAY, ends_on__gte=TODAY).count()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    shoot(page, f"exchange-participants-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Voeg alle {shown} getoonde leerlingen toe").click()
    assert activity.participants.count() == shown
    shoot(page, f"exchange-participants-added-{width}")
    page.goto("/exchanges/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="deelname (XLSX)").click()
    saved = tmp_path / download_info.value.suggested_filename
    assert saved.suffix == ".xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(saved).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles.count("Bezoek Gronau") == shown


def test_a_pupil_reads_their_page_on_a_phone(city, page_for):
    page = page_for(width=360, height=740)
    log_in(page, "leerling@taalpad.example", DEMO_PASSWORD)
    page.goto("/me/")
    assert page.locator("h1").first.is_visible()
    # The growth chart shows where the lines are heading: the target and the track's levels.
    chart = page.locator("img[src*='growth']").first.get_attribute("src")
    svg = page.request.get(chart).text()
    assert "Doel B1" in svg and "Verwacht aan het eind van" in svg
    shoot(page, "pupil-page-360")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("table").count() >= 1
    assert_accessible(page)


def test_a_coordinator_imports_a_file(city, page_for, tmp_path):
    coordinator = User.objects.get(email="coordinator@taalpad.example")
    school = coordinator.memberships.first().school
    numbers = list(
        Pupil.objects.filter(
            enrolments__group__school=school,
            enrolments__starts_on__lte=TODAY,
            enrolments__ends_on__gte=TODAY,
        )
        .values_list("pupil_number", flat=True)
        .distinct()[:5]
    )
    day = TODAY.strftime("%d-%m-%Y")
    lines = ["leerlingnummer;toets;vaardigheid;datum;niveau"] + [
        f"{number};Docentoordeel ERK;spoken_interaction;{day};B1" for number in numbers
    ]
    upload = tmp_path / "resultaten.csv"
    upload.write_text("\n".join(lines), encoding="utf-8")
    page = page_for()
    log_in(page, coordinator.email, DEMO_PASSWORD)
    page.goto(f"/schools/{school.pk}/import/results/")
    assert_accessible(page)
    page.set_input_files("input[type=file]", str(upload))
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert_accessible(page)
    page.click("form[action*='/imports/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".messages").count() == 1
    assert (
        Result.objects.filter(
            assessed_on=TODAY, skill="spoken_interaction", pupil__pupil_number__in=numbers
        ).count()
        == 5
    )


def test_the_municipality_switches_language_and_downloads_the_report(city, page_for):
    page = page_for()
    log_in(page, "gemeente@taalpad.example", DEMO_PASSWORD)
    page.goto("/city/")
    assert page.locator("html").get_attribute("lang") == "nl"
    # The headline compares the share with the same date a year before.
    assert "Verschil met" in page.locator(".headline").inner_text()
    assert_accessible(page)
    shoot(page, "city-dashboard-1280")
    page.select_option("#language-choice", "de")
    with page.expect_navigation():
        page.click(".language-switcher button")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Ziel" in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.click("form[action$='report.pdf'] button[type=submit]")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_municipality_opens_one_schools_trend_from_the_city_table(city, page_for, width):
    page = page_for(width=width, height=800 if width > 400 else 740)
    log_in(page, "gemeente@taalpad.example", DEMO_PASSWORD)
    page.goto("/city/?sort=population&dir=desc")  # the largest school: figures to show
    link = page.locator("table.sortable tbody th a").first
    name = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert name in page.locator("h1").inner_text()
    assert page.locator("table tbody tr").count() >= 2  # one row per school year
    # A chart where a share is shown; at demo size the city's page may withhold them all.
    chart = page.locator("img[src*='trend.svg']")
    shares_shown = "%" in page.locator("table tbody").inner_text()
    assert chart.count() == (1 if shares_shown else 0)
    if shares_shown:
        assert chart.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    shoot(page, f"city-school-trend-{width}")


def test_every_kind_of_page_passes_axe(city, page_for):
    """Beyond the four journeys: each role's other pages, in Dutch and German."""
    from tests.test_translations import german_pages

    pages = german_pages()
    failures = {}
    for locale in ("nl-NL", "de-DE"):
        for email, urls in pages.items():
            page = page_for(locale=locale)
            log_in(page, email, DEMO_PASSWORD)
            for url in urls:
                page.goto(url)
                found = axe_violations(page)
                if found:
                    failures[f"{locale} {url}"] = found
    for url in ("/accounts/login/", "/claim/", "/accessibility/"):
        page = page_for()
        page.goto(url)
        if found := axe_violations(page):
            failures[url] = found
    assert failures == {}
