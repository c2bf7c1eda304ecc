"""No request of any persona answers with a server error.

A small demo city is built (every level and every band of the level distribution occurs in
it), then each persona follows every link it can reach, downloads included (CSV, XLSX, PDF,
SVG), and submits every form it finds with awkward values in each field, one field at a time.
Every answer must be a page or a 4xx; a POST that was accepted is rolled back, so that every
submission meets the same data.
"""

import datetime

import pytest
from django.db import transaction

from core.cefr import Level
from demo.city import build_demo_city
from progress import dashboard
from progress.targets import default_target
from schools.access import schools_managed_by
from schools.models import Group, Instrument, Pupil, SchoolYear
from schools.services import pupil_enrol, pupil_save, result_record
from taalpad.models import User

from .walk import walk

DEMO_PUPILS = 700
AWKWARD = [
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1E999999",
    "1e3",
    "²",
    "\x00",
    "9" * 30,
    "0001-01-01",
    "9999-12-31",
    "x" * 10_000,
]
# Forms whose acceptance ends the walk's session; each has tests of its own.
SKIPPED_ACTIONS = ("/accounts/logout/", "/i18n/setlang/", "/accounts/password/change/")


@pytest.fixture
def demo_city(db):
    today = datetime.date.today()
    summary = build_demo_city(pupils=DEMO_PUPILS, seed=7, today=today)
    personas = {role: User.objects.get(email=email) for role, email, _pw in summary.logins.rows}
    _top_up_highest_levels(personas["coordinator"], today)
    return personas


def _top_up_highest_levels(coordinator, today):
    """The demo's pupils seldom reach C1 and C2: ten of the coordinator's pupils each get
    there by a teacher's rating today, so that every band of the distribution is filled, for
    the school and for the city."""
    school = schools_managed_by(coordinator).get()
    target = default_target(today)
    group = Group.objects.filter(
        school=school, school_year__start_year=SchoolYear.start_year_of(today), year_level=3
    ).first()
    population = list(
        Pupil.objects.filter(
            enrolments__group__school=school,
            enrolments__starts_on__lte=today,
            enrolments__ends_on__gte=today,
            enrolments__group__year_level__gte=3,
        ).distinct()[:20]
    )
    for number in range(10):
        # Pupils of the population without any result: the "not assessed" band.
        pupil = pupil_save(
            pupil=Pupil(
                school=school,
                pupil_number=f"new-{number}",
                given_name="Nieuw",
                family_name=f"Leerling {number}",
            )
        )
        pupil_enrol(pupil=pupil, group=group, starts_on=today)
    ratings = {i.skill: i for i in Instrument.objects.filter(kind="rated", school__isnull=True)}
    for index, pupil in enumerate(population):
        for skill in target.required_skills:
            result_record(
                by=coordinator,
                pupil=pupil,
                instrument=ratings[skill],
                assessed_on=today,
                level=Level.C1 if index < 10 else Level.C2,
            )


def _server_errors(client, persona):
    client.raise_request_exception = False
    client.force_login(persona)
    visits, forms = walk(client)
    return visits, forms, [f"{v.status} GET {v.url}" for v in visits if v.status >= 500]


def test_the_walk_meets_every_level_band(demo_city):
    """The chart that once failed on the eighth band is walked with all eight present."""
    school = schools_managed_by(demo_city["coordinator"]).get()
    board = dashboard.build(
        target=default_target(datetime.date.today()),
        on=datetime.date.today(),
        suppress=False,
        school=school,
    )
    bands = {
        label
        for _skill, counts, _total in dashboard.distribution_data(board)
        for label, count in counts
        if count
    }
    assert len(bands) == 8, bands


@pytest.mark.parametrize("role", ["teacher", "coordinator", "pupil", "municipality", "admin"])
def test_every_page_a_persona_reaches_answers_without_server_error(client, demo_city, role):
    visits, _forms, errors = _server_errors(client, demo_city[role])
    assert len(visits) > 5, [v.url for v in visits]
    kinds = {v.content_type.split(";")[0] for v in visits if v.status == 200}
    assert "text/html" in kinds
    assert errors == []


@pytest.mark.parametrize("role", ["teacher", "coordinator", "pupil", "municipality", "admin"])
def test_every_form_takes_awkward_values_without_server_error(client, demo_city, role):
    _visits, forms, errors = _server_errors(client, demo_city[role])
    assert forms, "the walk found no form"
    cookies = client.cookies
    for form in forms:
        if form.action.split("?")[0].endswith(SKIPPED_ACTIONS):
            continue
        defaults = form.defaults()
        for names in _fuzzed_fields(form):
            for value in AWKWARD:
                data = {**defaults, **{name: [value] for name in names}}
                what = f"{','.join(names)[:60]}={value[:12]!r}"
                errors.extend(_submit(client, form, data, cookies, what))
    assert errors == []


# The admin's change forms that write through TaalPad's own rules (the rest is Django's own
# admin, whose fields are validated one by one and are fuzzed all at once).
ADMIN_FIELD_BY_FIELD = ("/admin/schools/result/", "/admin/progress/target/")


def _fuzzed_fields(form):
    """Each field on its own, so that the others stay valid and the value reaches the rules
    behind the form; in the admin, every field at once."""
    fields = form.typed_fields()
    path = form.action.split("?")[0]
    if path.startswith("/admin/") and not path.startswith(ADMIN_FIELD_BY_FIELD):
        return [fields]
    return [[name] for name in fields]


def _submit(client, form, data, cookies, what):
    with transaction.atomic():
        if form.method == "post":
            response = client.post(form.action, data)
        else:
            response = client.get(form.action.split("?")[0], data)
        transaction.set_rollback(True)
    client.cookies = cookies
    if response.status_code >= 500:
        return [f"{response.status_code} {form.method.upper()} {form.action} {what}"]
    return []
