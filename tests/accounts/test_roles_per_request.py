"""A signed-in request reads the session and the user together with what decides their roles
(the municipality record, the pupil record and its school, the memberships with their schools):
two queries, for every role, and a revoked membership still takes effect on the next request."""

import pytest
from django.urls import reverse

from accounts.models import Membership


@pytest.mark.parametrize("persona", ["teacher_a1", "coordinator_a", "municipality", "pupil_a1"])
def test_a_signed_in_request_reads_the_roles_in_two_queries(
    request, client, persona, django_assert_num_queries
):
    person = request.getfixturevalue(persona)
    user = person.user if persona == "pupil_a1" else person
    client.force_login(user)
    client.get(reverse("signed_in"))  # the first request after login settles the session
    with django_assert_num_queries(2):  # session; user with its roles and memberships
        assert client.get(reverse("signed_in")).status_code == 200


def test_a_revoked_membership_takes_effect_on_the_next_request(client, teacher_a1):
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 200
    Membership.objects.filter(user=teacher_a1).delete()
    assert client.get(reverse("teacher_start")).status_code == 403


def test_signed_in_asks_for_a_login(client):
    response = client.get(reverse("signed_in"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["teacher_a1", "coordinator_a", "municipality", "pupil_a1"])
def test_the_one_query_gives_what_the_orm_gives(request, persona):
    """The user loaded with its roles in one statement equals the ORM's reading, field by field,
    with the memberships (by school name) and the pupil's school."""
    from django.contrib.auth import get_user_model

    from accounts.identity import load_user
    from accounts.roles import memberships_of, pupil_of, roles_of

    person = request.getfixturevalue(persona)
    user = person.user if persona == "pupil_a1" else person
    loaded = load_user(user.pk)
    fresh = get_user_model().objects.get(pk=user.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert roles_of(loaded) == roles_of(fresh)
    assert [(m.pk, m.school.name, m.role) for m in memberships_of(loaded)] == [
        (m.pk, m.school.name, m.role) for m in memberships_of(fresh)
    ]
    if pupil_of(fresh) is None:
        assert pupil_of(loaded) is None
    else:
        assert pupil_of(loaded).school.name == pupil_of(fresh).school.name
        for field in type(pupil_of(fresh))._meta.concrete_fields:
            assert getattr(pupil_of(loaded), field.attname) == getattr(
                pupil_of(fresh), field.attname
            )
    assert load_user(10**9) is None
