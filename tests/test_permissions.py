"""Every URL × every persona, with the status each must get.

Conventions: logged out → 302 to the login page; the right object with the wrong role → 403;
an object outside the persona's reach → 404 (its existence is not revealed). Every object in
these URLs belongs to school A: group A1, pupil A1 (in group A1), teacher A1's membership.
A URL of TaalPad's own that is missing here fails `test_the_matrix_lists_every_url`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import services as account_services
from accounts.models import Membership
from exchanges.models import ExchangeActivity, Partner
from progress.models import Target
from schools.models import ImportBatch
from schools.services import result_record

PERSONAS = [
    "anonymous",
    "pupil_a1",
    "pupil_a2",
    "teacher_a1",
    "teacher_a_other",
    "teacher_b",
    "coordinator_a",
    "coordinator_b",
    "municipality",
    "admin",
]
STAFF = ["teacher_a1", "teacher_a_other", "teacher_b", "coordinator_a", "coordinator_b"]


def expect(default, **statuses):
    """Statuses per persona: `default` for the logged-in ones not named, 302 for anonymous."""
    table = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = 302
    table.update(statuses)
    return table


# Role pages: the persona lacks the role → 403.
def only(*personas, status=200):
    return expect(403, **dict.fromkeys(personas, status))


# School A's objects seen by staff: the teacher of group A1 and coordinator A reach them.
TEACHER_OF_A1 = expect(
    403, teacher_a1=200, coordinator_a=200, teacher_a_other=404, teacher_b=404, coordinator_b=404
)
# Coordinator screens for school A's objects.
COORDINATOR_A = expect(403, coordinator_a=200, coordinator_b=404)

# Exchange activities of school A: all of school A's staff.
STAFF_OF_A = expect(
    403, teacher_a1=200, teacher_a_other=200, coordinator_a=200, teacher_b=404, coordinator_b=404
)

MATRIX = {
    # name: (method, kwargs builder, statuses)
    "home": ("get", lambda o: {}, expect(302)),
    "healthz": ("get", lambda o: {}, expect(200, anonymous=200)),
    "liveness": ("get", lambda o: {}, expect(200, anonymous=200)),
    "signed_in": ("get", lambda o: {}, expect(200)),
    "accessibility": ("get", lambda o: {}, expect(200, anonymous=200)),
    "no_role": ("get", lambda o: {}, expect(302)),
    "profile": ("get", lambda o: {}, expect(200)),
    "claim_account": ("get", lambda o: {}, expect(200, anonymous=200)),
    "invitation_accept": ("get", lambda o: {"token": "not-a-token"}, expect(404, anonymous=404)),
    "municipality_start": ("get", lambda o: {}, only("municipality")),
    "teacher_start": ("get", lambda o: {}, only(*STAFF)),
    "coordinator_start": ("get", lambda o: {}, only("coordinator_a", "coordinator_b", status=302)),
    "pupil_start": ("get", lambda o: {}, only("pupil_a1", "pupil_a2")),
    "group_detail": ("get", lambda o: {"group_id": o["group_a1"].pk}, TEACHER_OF_A1),
    "pupil_detail": ("get", lambda o: {"pupil_id": o["pupil_a1"].pk}, TEACHER_OF_A1),
    "result_new_for_pupil": ("get", lambda o: {"pupil_id": o["pupil_a1"].pk}, TEACHER_OF_A1),
    "result_new_for_group": ("get", lambda o: {"group_id": o["group_a1"].pk}, TEACHER_OF_A1),
    "school_detail": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "group_create": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "group_edit": ("get", lambda o: {"group_id": o["group_a1"].pk}, COORDINATOR_A),
    "group_codes": ("get", lambda o: {"group_id": o["group_a1"].pk}, COORDINATOR_A),
    "pupil_list": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "pupil_create": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "pupil_edit": ("get", lambda o: {"pupil_id": o["pupil_a1"].pk}, COORDINATOR_A),
    "pupil_enrol": ("get", lambda o: {"pupil_id": o["pupil_a1"].pk}, COORDINATOR_A),
    "pupil_invite": ("get", lambda o: {"pupil_id": o["pupil_a1"].pk}, COORDINATOR_A),
    "enrolment_end": (
        "get",
        lambda o: {"enrolment_id": o["pupil_a1"].enrolments.get().pk},
        COORDINATOR_A,
    ),
    "staff_list": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "membership_edit": ("get", lambda o: {"membership_id": o["membership_a1"].pk}, COORDINATOR_A),
    "membership_revoke": ("get", lambda o: {"membership_id": o["membership_a1"].pk}, COORDINATOR_A),
    "group_grid": ("get", lambda o: {"group_id": o["group_a1"].pk}, TEACHER_OF_A1),
    "result_edit": ("get", lambda o: {"result_id": o["result_a1"].pk}, TEACHER_OF_A1),
    "result_delete": ("get", lambda o: {"result_id": o["result_a1"].pk}, TEACHER_OF_A1),
    "result_history": ("get", lambda o: {"result_id": o["result_a1"].pk}, TEACHER_OF_A1),
    "group_export": ("get", lambda o: {"group_id": o["group_a1"].pk}, TEACHER_OF_A1),
    "school_export": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "results_import": (
        "get",
        lambda o: {"school_id": o["school_a"].pk},
        expect(
            403,
            teacher_a1=200,
            teacher_a_other=200,
            coordinator_a=200,
            teacher_b=404,
            coordinator_b=404,
        ),
    ),
    "pupils_import": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "import_confirm": (
        "post",
        lambda o: {"batch_id": o["batch_a"].pk},
        expect(
            403,
            coordinator_a=302,
            teacher_a1=404,
            teacher_a_other=404,
            teacher_b=404,
            coordinator_b=404,
        ),
    ),
    "import_template": ("get", lambda o: {"kind": "results"}, only(*STAFF)),
    "expected_levels": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "self_assessment": ("get", lambda o: {"skill": "listening"}, only("pupil_a1", "pupil_a2")),
    "pupil_growth_svg": (
        "get",
        lambda o: {"pupil_id": o["pupil_a1"].pk},
        expect(
            403,
            pupil_a1=200,
            pupil_a2=404,
            teacher_a1=200,
            coordinator_a=200,
            teacher_a_other=404,
            teacher_b=404,
            coordinator_b=404,
        ),
    ),
    "pupil_data_download": (
        "get",
        lambda o: {"pupil_id": o["pupil_a1"].pk, "fmt": "json"},
        expect(403, pupil_a1=200, pupil_a2=404, coordinator_a=200, coordinator_b=404),
    ),
    "municipality_chart": ("get", lambda o: {"kind": "trend"}, only("municipality")),
    "municipality_export": (
        "get",
        lambda o: {"table": "schools", "fmt": "csv"},
        only("municipality"),
    ),
    "municipality_report": ("get", lambda o: {}, only("municipality")),
    "municipality_report_page": ("get", lambda o: {}, only("municipality")),
    "target_list": ("get", lambda o: {}, only("municipality")),
    "target_create": ("get", lambda o: {}, only("municipality")),
    "target_edit": ("get", lambda o: {"target_id": o["target"].pk}, only("municipality")),
    "school_dashboard": ("get", lambda o: {"school_id": o["school_a"].pk}, COORDINATOR_A),
    "school_chart": (
        "get",
        lambda o: {"school_id": o["school_a"].pk, "kind": "trend"},
        COORDINATOR_A,
    ),
    "school_progress_export": (
        "get",
        lambda o: {"school_id": o["school_a"].pk, "table": "groups", "fmt": "csv"},
        COORDINATOR_A,
    ),
    "exchange_list": ("get", lambda o: {}, only(*STAFF)),
    "exchange_export": (
        "get",
        lambda o: {"table": "participation", "fmt": "xlsx"},
        only(*STAFF),
    ),
    "exchange_create": ("get", lambda o: {}, only(*STAFF)),
    "exchange_detail": ("get", lambda o: {"activity_id": o["activity_a"].pk}, STAFF_OF_A),
    "exchange_edit": ("get", lambda o: {"activity_id": o["activity_a"].pk}, STAFF_OF_A),
    "exchange_delete": ("get", lambda o: {"activity_id": o["activity_a"].pk}, STAFF_OF_A),
    "participant_remove": (
        "post",
        lambda o: {"activity_id": o["activity_a"].pk, "pupil_id": o["pupil_a1"].pk},
        expect(
            403,
            teacher_a1=302,
            coordinator_a=302,
            teacher_a_other=404,
            teacher_b=404,
            coordinator_b=404,
        ),
    ),
    "partner_list": ("get", lambda o: {}, only(*STAFF)),
    "partner_create": ("get", lambda o: {}, only(*STAFF)),
    "partner_detail": ("get", lambda o: {"partner_id": o["partner"].pk}, only(*STAFF)),
    "partner_edit": ("get", lambda o: {"partner_id": o["partner"].pk}, only(*STAFF)),
    "municipality_exchanges": ("get", lambda o: {}, only("municipality")),
    "municipality_school_trend": (
        "get",
        lambda o: {"school_id": o["school_a"].pk},
        only("municipality"),
    ),
    "municipality_school_trend_chart": (
        "get",
        lambda o: {"school_id": o["school_a"].pk},
        only("municipality"),
    ),
    "municipality_exchange_export": ("get", lambda o: {"fmt": "csv"}, only("municipality")),
    "municipality_exchange_chart": ("get", lambda o: {"kind": "map"}, only("municipality")),
    "api_token": ("post", lambda o: {}, expect(302)),
    "invitation_resend": (
        "post",
        lambda o: {"invitation_id": o["invitation_a"].pk},
        expect(403, coordinator_a=302, coordinator_b=404),
    ),
}

OWN_APPS = ("taalpad.", "core.", "accounts.", "schools.", "exchanges.", "progress.", "me.", "api.")


def own_url_names(patterns=None, prefix=""):
    """{(name, route)} of TaalPad's own URLs (pages and API)."""
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            names |= own_url_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith(OWN_APPS):
            names.add((pattern.name, prefix + str(pattern.pattern)))
    return names


def test_the_matrix_lists_every_url():
    pages = {name for name, route in own_url_names() if not route.startswith("api/")}
    assert pages == set(MATRIX)


@pytest.fixture
def world(
    request,
    school_a,
    group_a1,
    pupil_a1,
    pupil_a2,
    teacher_a1,
    teacher_a_other,
    teacher_b,
    coordinator_a,
    coordinator_b,
    municipality,
    admin_user,
    rated_speaking,
):
    invitation = account_services.staff_invite(
        by=coordinator_a,
        school=school_a,
        email="new.teacher@school.test",
        name="New Teacher",
        role="teacher",
        site_url="http://testserver/",
    )
    result = result_record(
        by=teacher_a1,
        pupil=pupil_a1,
        instrument=rated_speaking,
        assessed_on=group_a1.school_year.starts_on,
        level="a2",
    )
    batch = ImportBatch.objects.create(
        school=school_a,
        kind="results",
        created_by=coordinator_a,
        filename="empty.csv",
        content=b"leerlingnummer;toets;datum;niveau\r\n",
    )
    target = Target.objects.create(
        name="LEA",
        threshold=3,
        required_skills=["listening"],
        sectors=["vo"],
        share="0.5",
        deadline="2030-07-31",
    )
    partner = Partner.objects.create(
        name="Realschule", kind="school", city="Gronau", latitude="52.21", longitude="7.02"
    )
    activity = ExchangeActivity.objects.create(
        school=school_a,
        kind="visit",
        title="Bezoek",
        starts_on=group_a1.school_year.starts_on,
        ends_on=group_a1.school_year.starts_on,
    )
    activity.partners.add(partner)
    activity.participants.add(pupil_a1)
    return {
        "partner": partner,
        "activity_a": activity,
        "target": target,
        "school_a": school_a,
        "result_a1": result,
        "batch_a": batch,
        "group_a1": group_a1,
        "pupil_a1": pupil_a1,
        "membership_a1": Membership.objects.get(user=teacher_a1),
        "invitation_a": invitation,
        "users": {
            "pupil_a1": pupil_a1.user,
            "pupil_a2": pupil_a2.user,
            "teacher_a1": teacher_a1,
            "teacher_a_other": teacher_a_other,
            "teacher_b": teacher_b,
            "coordinator_a": coordinator_a,
            "coordinator_b": coordinator_b,
            "municipality": municipality,
            "admin": admin_user,
        },
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, world, name, persona):
    method, kwargs, statuses = MATRIX[name]
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(client, method)(url)
    assert response.status_code == statuses[persona], f"{persona} {method.upper()} {url}"
    if response.status_code == 302 and persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))
