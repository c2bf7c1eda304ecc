"""A signed-in request reads the session, the user together with what decides their roles (the
municipality record, the pupil record and its school) and the memberships: three queries, for
every role, and a revoked membership still takes effect on the next request."""

import pytest
from django.urls import reverse

from accounts.models import Membership


@pytest.mark.parametrize("persona", ["teacher_a1", "coordinator_a", "municipality", "pupil_a1"])
def test_a_signed_in_request_reads_the_roles_in_three_queries(
    request, client, persona, django_assert_num_queries
):
    person = request.getfixturevalue(persona)
    user = person.user if persona == "pupil_a1" else person
    client.force_login(user)
    client.get(reverse("signed_in"))  # the first request after login settles the session
    with django_assert_num_queries(3):  # session, user with its roles, memberships
        assert client.get(reverse("signed_in")).status_code == 200


def test_a_revoked_membership_takes_effect_on_the_next_request(client, teacher_a1):
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 200
    Membership.objects.filter(user=teacher_a1).delete()
    assert client.get(reverse("teacher_start")).status_code == 403


def test_signed_in_asks_for_a_login(client):
    response = client.get(reverse("signed_in"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
