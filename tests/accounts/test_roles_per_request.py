"""A signed-in request reads the session and the user together with what decides their roles
(the municipality record, the pupil record and its school, the memberships with their schools):
two queries, for every role, and a revoked membership still takes effect on the next request."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.conftest import make_user


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


# Where the cache is shared (Redis), the person's rows are kept beside the session
# (accounts.identity). The tests' cache lives in this process, which shares it with itself.


@pytest.fixture
def kept_identities(settings):
    settings.TAALPAD_KEEP_IDENTITIES = True


@pytest.mark.parametrize("persona", ["teacher_a1", "coordinator_a", "municipality", "pupil_a1"])
def test_a_kept_person_costs_no_query(
    request, client, persona, kept_identities, django_assert_num_queries
):
    person = request.getfixturevalue(persona)
    user = person.user if persona == "pupil_a1" else person
    client.force_login(user)
    client.get(reverse("signed_in"))
    with django_assert_num_queries(1):  # the session (in the database here)
        assert client.get(reverse("signed_in")).status_code == 200


def test_a_revoked_membership_is_not_kept(client, teacher_a1, kept_identities):
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 200
    Membership.objects.filter(user=teacher_a1).delete()
    assert client.get(reverse("teacher_start")).status_code == 403


def test_a_changed_role_is_not_kept(client, teacher_a1, kept_identities):
    client.force_login(teacher_a1)
    assert client.get(reverse("coordinator_start")).status_code == 403
    membership = Membership.objects.get(user=teacher_a1)
    membership.role = Membership.Role.COORDINATOR
    membership.save()
    assert client.get(reverse("coordinator_start")).status_code == 302  # to its school


def test_a_new_password_ends_the_kept_session(client, teacher_a1, kept_identities):
    client.force_login(teacher_a1)
    assert client.get(reverse("signed_in")).status_code == 200
    teacher_a1.set_password("an entirely new one 42")
    teacher_a1.save()
    assert client.get(reverse("signed_in")).status_code == 302


def test_a_pupil_record_given_to_another_account_leaves_the_first(
    client, pupil_a1, kept_identities
):
    first = pupil_a1.user
    client.force_login(first)
    assert client.get(reverse("pupil_start")).status_code == 200
    pupil_a1.user = make_user("anna.new@pupil.test")
    pupil_a1.save()
    assert client.get(reverse("pupil_start")).status_code == 403
    client.force_login(pupil_a1.user)
    assert client.get(reverse("pupil_start")).status_code == 200


def test_a_renamed_school_and_a_bulk_pupil_update_are_not_kept(pupil_a1, kept_identities):
    from accounts.identity import load_user
    from accounts.roles import pupil_of
    from schools.models import Pupil, School

    assert pupil_of(load_user(pupil_a1.user_id)).school.name == "Grensland College"
    School.objects.filter(pk=pupil_a1.school_id).get().save()  # a signal, nothing changed
    school = School.objects.get(pk=pupil_a1.school_id)
    school.name = "Grensland College Enschede"
    school.save()
    assert pupil_of(load_user(pupil_a1.user_id)).school.name == "Grensland College Enschede"
    pupil_a1.given_name = "Annabel"
    Pupil.objects.bulk_update([pupil_a1], ["given_name"])  # no model signal
    assert pupil_of(load_user(pupil_a1.user_id)).given_name == "Anna"  # kept, as expected
    from accounts.identity import forget_everyone

    forget_everyone()  # what schools.services calls after its bulk writes of pupils
    assert pupil_of(load_user(pupil_a1.user_id)).given_name == "Annabel"


def test_rows_read_before_a_commit_are_not_used_after_it(
    teacher_a1, kept_identities, django_capture_on_commit_callbacks
):
    """Another worker may read the old rows after the write began but before it commits, and
    keep them: the version moves again at the commit, so they are never used."""
    from django.core.cache import cache

    from accounts import identity
    from accounts.roles import memberships_of

    assert len(memberships_of(identity.load_user(teacher_a1.pk))) == 1
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=teacher_a1).delete()
        # The other worker: old rows, kept under the versions current at this moment.
        versions = [cache.get(identity.EVERYONE_KEY), cache.get(identity._own_key(teacher_a1.pk))]
        old_rows = cache.get(identity._rows_key(teacher_a1.pk))[1]
        cache.set(identity._rows_key(teacher_a1.pk), (versions, old_rows), 600)
        assert len(memberships_of(identity.load_user(teacher_a1.pk))) == 1  # before the commit
    assert memberships_of(identity.load_user(teacher_a1.pk)) == []


def test_the_shared_cache_never_holds_a_password_hash(client, teacher_a1, kept_identities):
    import pickle

    from django.core.cache import cache

    from accounts import identity

    client.force_login(teacher_a1)
    assert client.get(reverse("signed_in")).status_code == 200
    assert client.get(reverse("signed_in")).status_code == 200  # from the kept rows
    entry = cache.get(identity._rows_key(teacher_a1.pk))
    assert entry is not None
    hashed = teacher_a1.password.split("$")[-1]
    assert hashed.encode() not in pickle.dumps(entry)
    assert teacher_a1.password.encode() not in pickle.dumps(entry)


def test_a_kept_user_reads_and_keeps_its_password(teacher_a1, kept_identities):
    from accounts import identity
    from tests.conftest import PASSWORD

    identity.load_user(teacher_a1.pk)  # kept
    user = identity.load_user(teacher_a1.pk)
    assert "password" in user.get_deferred_fields()
    user.name = "Another name"
    user.save()  # saves what was loaded; the password stays
    fresh = type(user).objects.get(pk=user.pk)
    assert fresh.name == "Another name" and fresh.check_password(PASSWORD)
    assert identity.load_user(teacher_a1.pk).check_password(PASSWORD)  # read when asked for
