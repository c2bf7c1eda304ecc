"""Every API endpoint and method × every persona. Conventions as for the pages, but an
anonymous caller gets 401: another school's object is 404, the wrong role 403."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from tests.test_permissions import PERSONAS, own_url_names
from tests.test_permissions import world as world  # noqa: F401 - the same objects


def expect(default, **statuses):
    table = dict.fromkeys(PERSONAS, default)
    table["anonymous"] = 401
    table.update(statuses)
    return table


EVERYONE = expect(200)
STAFF = expect(
    403,
    teacher_a1=200,
    teacher_a_other=200,
    teacher_b=200,
    coordinator_a=200,
    coordinator_b=200,
    admin=200,
)
PUPIL_DATA = expect(200, municipality=403)
A1_DATA = expect(
    403,
    pupil_a1=200,
    pupil_a2=404,
    teacher_a1=200,
    teacher_a_other=404,
    teacher_b=404,
    coordinator_a=200,
    coordinator_b=404,
    admin=200,
)


def writers(status):
    return expect(
        403,
        teacher_a1=status,
        coordinator_a=status,
        teacher_a_other=404,
        teacher_b=404,
        coordinator_b=404,
    )


def new_result(o):
    # The day after A1's result: a result of its own, not a repeat of that one.
    return {
        "pupil": o["pupil_a1"].pk,
        "instrument": o["result_a1"].instrument_id,
        "date": (o["result_a1"].assessed_on + datetime.timedelta(days=1)).isoformat(),
        "level": "b1",
    }


API_MATRIX = {
    ("api-me", "get"): (lambda o: {}, None, EVERYONE),
    ("school-list", "get"): (lambda o: {}, None, EVERYONE),
    ("school-detail", "get"): (
        lambda o: {"pk": o["school_a"].pk},
        None,
        expect(200, teacher_b=404, coordinator_b=404),
    ),
    ("group-list", "get"): (lambda o: {}, None, STAFF),
    ("group-detail", "get"): (
        lambda o: {"pk": o["group_a1"].pk},
        None,
        expect(
            403,
            teacher_a1=200,
            coordinator_a=200,
            teacher_a_other=404,
            teacher_b=404,
            coordinator_b=404,
            admin=200,
        ),
    ),
    ("pupil-list", "get"): (lambda o: {}, None, PUPIL_DATA),
    ("pupil-detail", "get"): (lambda o: {"pk": o["pupil_a1"].pk}, None, A1_DATA),
    ("instrument-list", "get"): (lambda o: {}, None, EVERYONE),
    ("instrument-detail", "get"): (lambda o: {"pk": o["result_a1"].instrument_id}, None, EVERYONE),
    ("result-list", "get"): (lambda o: {}, None, PUPIL_DATA),
    ("result-list", "post"): (
        lambda o: {},
        new_result,
        expect(
            403,
            teacher_a1=201,
            coordinator_a=201,
            teacher_a_other=400,
            teacher_b=400,
            coordinator_b=400,
        ),
    ),
    ("result-detail", "get"): (lambda o: {"pk": o["result_a1"].pk}, None, A1_DATA),
    ("result-detail", "put"): (
        lambda o: {"pk": o["result_a1"].pk},
        lambda o: {**new_result(o), "version": 1},
        writers(200),
    ),
    ("result-detail", "patch"): (
        lambda o: {"pk": o["result_a1"].pk},
        lambda o: {"level": "b2", "version": 1},
        writers(200),
    ),
    ("result-detail", "delete"): (
        lambda o: {"pk": o["result_a1"].pk},
        lambda o: {"version": 1},
        writers(204),
    ),
    ("partner-list", "get"): (lambda o: {}, None, expect(200, pupil_a1=403, pupil_a2=403)),
    ("partner-list", "post"): (
        lambda o: {},
        lambda o: {"name": "Neue Schule", "kind": "school", "city": "Ahaus"},
        expect(
            403,
            teacher_a1=201,
            teacher_a_other=201,
            teacher_b=201,
            coordinator_a=201,
            coordinator_b=201,
            admin=201,
        ),
    ),
    ("partner-detail", "get"): (
        lambda o: {"pk": o["partner"].pk},
        None,
        expect(200, pupil_a1=403, pupil_a2=403),
    ),
    ("partner-detail", "put"): (
        lambda o: {"pk": o["partner"].pk},
        lambda o: {"name": "Realschule", "kind": "school", "city": "Gronau (Westf.)"},
        expect(
            403,
            teacher_a1=200,
            teacher_a_other=200,
            teacher_b=200,
            coordinator_a=200,
            coordinator_b=200,
            admin=200,
        ),
    ),
    ("partner-detail", "patch"): (
        lambda o: {"pk": o["partner"].pk},
        lambda o: {"website": "https://example.org"},
        expect(
            403,
            teacher_a1=200,
            teacher_a_other=200,
            teacher_b=200,
            coordinator_a=200,
            coordinator_b=200,
            admin=200,
        ),
    ),
    ("exchange-list", "get"): (lambda o: {}, None, expect(200, municipality=403)),
    ("exchange-detail", "get"): (
        lambda o: {"pk": o["activity_a"].pk},
        None,
        expect(
            403,
            pupil_a1=200,
            pupil_a2=404,
            teacher_a1=200,
            teacher_a_other=200,
            teacher_b=404,
            coordinator_a=200,
            coordinator_b=404,
            admin=200,
        ),
    ),
    ("target-list", "get"): (lambda o: {}, None, EVERYONE),
    ("target-list", "post"): (
        lambda o: {},
        lambda o: {
            "name": "LEA 2035",
            "threshold": "b1",
            "required_skills": ["listening"],
            "share": "0.600",
            "deadline": "2035-07-31",
        },
        expect(403, municipality=201, admin=201),
    ),
    ("target-detail", "get"): (lambda o: {"pk": o["target"].pk}, None, EVERYONE),
    ("target-detail", "put"): (
        lambda o: {"pk": o["target"].pk},
        lambda o: {
            "name": "LEA",
            "threshold": "b2",
            "required_skills": ["listening"],
            "share": "0.500",
            "deadline": "2030-07-31",
        },
        expect(403, municipality=200, admin=200),
    ),
    ("target-detail", "patch"): (
        lambda o: {"pk": o["target"].pk},
        lambda o: {"share": "0.400"},
        expect(403, municipality=200, admin=200),
    ),
    ("target-detail", "delete"): (
        lambda o: {"pk": o["target"].pk},
        None,
        expect(403, municipality=204, admin=204),
    ),
    ("target-progress", "get"): (lambda o: {"pk": o["target"].pk}, None, EVERYONE),
    ("target-trend", "get"): (lambda o: {"pk": o["target"].pk}, None, EVERYONE),
}


def test_the_api_matrix_lists_every_endpoint():
    api = {name for name, route in own_url_names() if route.startswith("api/")}
    assert api == {name for name, _method in API_MATRIX}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method"), sorted(API_MATRIX))
def test_api_matrix(world, name, method, persona):
    kwargs, body, statuses = API_MATRIX[name, method]
    client = APIClient()
    if persona != "anonymous":
        key = api_token_create(user=world["users"][persona])
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse(name, kwargs=kwargs(world))
    response = getattr(client, method)(url, body(world) if body else None, format="json")
    assert response.status_code == statuses[persona], (persona, method, url, response.content)
    assert response.status_code == 204 or response["Content-Type"].startswith("application/json")
