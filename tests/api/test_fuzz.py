"""Schema-based fuzzing: for each role, schemathesis sends requests generated from the OpenAPI
schema to the running app; no request may cause a server error or a response that
contradicts the schema."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from accounts.services import api_token_create
from tests.test_permissions import world as world  # noqa: F401 - the same objects

FUZZED = ["anonymous", "pupil_a1", "teacher_a1", "coordinator_a", "municipality", "admin"]

# The schema the app serves at /api/schema/, generated here so that no server is needed yet.
RAW_SCHEMA = json.loads(
    json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
)
# Every role gets schemathesis's examples and random fuzzing. Its coverage phase (boundary and
# invalid values for every parameter: about a hundred requests per operation) runs for the two
# roles whose requests pass the permission checks of every operation between them: the teacher
# (who writes results) and the administrator (everything else, the municipality's progress
# included); for the other roles nearly all of those requests end in the same 403 or 404.
WITH_COVERAGE = {"teacher_a1", "admin"}
SCHEMAS = {
    True: schemathesis.openapi.from_dict(RAW_SCHEMA),
    False: schemathesis.openapi.from_dict(
        RAW_SCHEMA,
        config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
    ),
}


APP = WSGIHandler()


@pytest.fixture(autouse=True)
def keep_the_tests_connection():
    """A request through WSGI ends by closing a database connection older than CONN_MAX_AGE,
    which would end the test's transaction with its data; Django's test client keeps it open
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz_as(persona):
    @pytest.mark.fuzz
    @SCHEMAS[persona in WITH_COVERAGE].parametrize()
    @hypothesis_settings(
        max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def test(case, world, settings):  # noqa: F811
        settings.ALLOWED_HOSTS = ["testserver", "localhost"]
        headers = {}
        if persona != "anonymous":
            key = api_token_create(user=world["users"][persona])
            headers["Authorization"] = f"Token {key}"
        # In-process through WSGI, inside the test's transaction: no server, no flushing.
        case.call_and_validate(
            app=APP,
            base_url="http://localhost",
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
        )

    return test


# One test per role, each over every operation of the schema.
for _persona in FUZZED:
    globals()[f"test_the_api_survives_fuzzing_as_{_persona}"] = fuzz_as(_persona)
