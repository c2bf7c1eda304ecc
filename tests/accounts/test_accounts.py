"""Invitations, one-time codes, two-factor, session limits and rate limits, end to end."""

import datetime
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import ClaimCode, Invitation, Membership
from taalpad.middleware import SESSION_SEEN, SESSION_STARTED
from taalpad.models import User
from tests.conftest import PASSWORD, enrol, make_pupil

NEW_PASSWORD = "a long walk along the Dinkel"


def link_in_last_mail():
    return re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[-1].body).group(1)


def test_a_coordinator_invites_a_teacher_who_then_sees_exactly_their_groups(
    client, coordinator_a, school_a, school_year, group_a1, group_a2, pupil_a1
):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("staff_list", args=[school_a.pk]),
        {"name": "Nieuwe Docent", "email": "Nieuw@School.test", "role": "teacher"},
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["nieuw@school.test"]
    membership = Membership.objects.get(user__email="nieuw@school.test")
    client.post(
        reverse("membership_edit", args=[membership.pk]),
        {"role": "teacher", "groups": [group_a1.pk]},
    )
    client.logout()

    link = link_in_last_mail()
    assert client.get(link).status_code == 200
    response = client.post(link, {"name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.url == reverse("teacher_start")
    page = client.get(response.url).content.decode()
    assert group_a1.name in page and group_a2.name not in page
    assert client.get(reverse("pupil_detail", args=[pupil_a1.pk])).status_code == 200

    # The link works once, and the password works for a normal login.
    client.logout()
    assert client.get(link).status_code == 404
    login = client.post(
        reverse("account_login"), {"login": "nieuw@school.test", "password": NEW_PASSWORD}
    )
    assert login.url == reverse("teacher_start")


def test_an_expired_invitation_is_refused(client, coordinator_a, school_a):
    client.force_login(coordinator_a)
    client.post(
        reverse("staff_list", args=[school_a.pk]),
        {"name": "Late", "email": "late@school.test", "role": "teacher"},
    )
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.logout()
    assert client.get(link_in_last_mail()).status_code == 404


def test_a_weak_password_is_refused_with_the_reason_and_the_name_kept(
    client, coordinator_a, school_a
):
    client.force_login(coordinator_a)
    client.post(
        reverse("staff_list", args=[school_a.pk]),
        {"name": "Weak", "email": "weak@school.test", "role": "teacher"},
    )
    client.logout()
    response = client.post(
        link_in_last_mail(), {"name": "Wendy", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert 'value="Wendy"' in response.content.decode()
    assert not User.objects.get(email="weak@school.test").has_usable_password()


def test_someone_with_an_account_gets_the_role_without_an_invitation(
    client, coordinator_a, teacher_b, school_a
):
    client.force_login(coordinator_a)
    client.post(
        reverse("staff_list", args=[school_a.pk]),
        {"name": "x", "email": teacher_b.email.upper(), "role": "teacher"},
    )
    assert Membership.objects.filter(user=teacher_b, school=school_a).exists()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_someone_twice_to_a_school_is_a_clear_form_error(
    client, coordinator_a, teacher_a1
):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("staff_list", args=[teacher_a1.memberships.get().school_id]),
        {"name": "x", "email": teacher_a1.email, "role": "coordinator"},
    )
    assert response.status_code == 200
    assert "already has a role at this school" in response.content.decode()


def test_a_pupil_with_e_mail_is_invited_and_lands_on_my_german(
    client, coordinator_a, school_a, group_a1
):
    pupil = make_pupil(school_a, "2001", "Zoë", "Müller")
    pupil.email = "zoe@pupil.test"
    pupil.save()
    enrol(pupil, group_a1)
    client.force_login(coordinator_a)
    client.post(reverse("pupil_invite", args=[pupil.pk]))
    client.logout()
    response = client.post(
        link_in_last_mail(), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.url == reverse("pupil_start")
    assert "Zoë" in client.get(response.url).content.decode()


def test_one_time_codes_let_pupils_without_e_mail_claim_their_account(
    client, coordinator_a, school_a, group_a1, pupil_a1
):
    without_mail = make_pupil(school_a, "3001", "Daan", "ter Horst")
    enrol(without_mail, group_a1)
    client.force_login(coordinator_a)
    sheet = client.post(reverse("group_codes", args=[group_a1.pk])).content.decode()
    # pupil_a1 already uses an account: no code for them.
    assert "Daan ter Horst" in sheet and "Anna Jansen" not in sheet
    code = re.search(r'class="mono code">([A-Z0-9-]+)<', sheet).group(1)
    login_name = User.objects.get(pupil=without_mail).email
    assert login_name in sheet and login_name.endswith("@leerling.taalpad.invalid")
    assert code not in str(ClaimCode.objects.values_list("code_hash", flat=True))
    client.logout()

    # Typed in lower case and without the dash, it still works.
    typed = code.lower().replace("-", "")
    response = client.post(
        reverse("claim_account"),
        {"code": typed, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.url == reverse("pupil_start")
    client.logout()
    again = client.post(
        reverse("claim_account"),
        {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "This code is not valid" in again.content.decode()
    assert client.login(email=login_name, password=NEW_PASSWORD)


def test_new_codes_replace_old_ones(client, coordinator_a, school_a, group_a1):
    enrol(make_pupil(school_a, "3002", "Sem", "Bakker"), group_a1)
    client.force_login(coordinator_a)
    first = client.post(reverse("group_codes", args=[group_a1.pk])).content.decode()
    client.post(reverse("group_codes", args=[group_a1.pk]))
    old_code = re.search(r'class="mono code">([A-Z0-9-]+)<', first).group(1)
    client.logout()
    response = client.post(
        reverse("claim_account"),
        {"code": old_code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "This code is not valid" in response.content.decode()


def test_guessing_codes_is_rate_limited(client, db):
    data = {"code": "AAAAA-AAAAA", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    statuses = [client.post(reverse("claim_account"), data).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_failed_logins_are_rate_limited(client, teacher_a1):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": teacher_a1.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": teacher_a1.email, "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.fixture
def two_factor_required(settings):
    settings.TAALPAD_REQUIRE_2FA = True


@pytest.mark.parametrize("persona", ["coordinator_a", "municipality", "admin_user"])
def test_two_factor_is_required_for_roles_that_see_much(
    client, request, two_factor_required, persona
):
    user = request.getfixturevalue(persona)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    # allauth asks for the password once more before a second factor is added.
    assert reverse("mfa_activate_totp") in [url for url, _status in response.redirect_chain]
    assert response.status_code == 200
    for name in ["home", "profile", "municipality_start", "coordinator_start"]:
        assert client.get(reverse(name)).url == reverse("mfa_activate_totp")
    # Logging out stays possible.
    TOTP.activate(user, generate_totp_secret())
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_two_factor_is_optional_for_teachers_and_pupils(
    client, two_factor_required, teacher_a1, pupil_a1
):
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 200
    client.force_login(pupil_a1.user)
    assert client.get(reverse("pupil_start")).status_code == 200


def test_a_staff_session_ends_after_30_idle_minutes(client, teacher_a1):
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 200
    session = client.session
    session[SESSION_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("teacher_start"))
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_staff_session_ends_12_hours_after_login(client, teacher_a1):
    client.force_login(teacher_a1)
    client.get(reverse("teacher_start"))
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - 12 * 3600 - 1
    session.save()
    assert client.get(reverse("teacher_start")).url.startswith(reverse("account_login"))


def test_a_user_sees_their_sessions(client, teacher_a1):
    client.post(reverse("account_login"), {"login": teacher_a1.email, "password": PASSWORD})
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200


def test_the_profile_saves_name_and_language(client, teacher_a1):
    client.force_login(teacher_a1)
    response = client.post(reverse("profile"), {"name": "Hanna Pieper", "preferred_language": "de"})
    assert response.cookies["django_language"].value == "de"
    teacher_a1.refresh_from_db()
    assert (teacher_a1.name, teacher_a1.preferred_language) == ("Hanna Pieper", "de")


def test_revoking_a_membership_on_the_staff_screen_works_at_once(
    client, coordinator_a, teacher_a1, group_a1, pupil_a1
):
    membership = Membership.objects.get(user=teacher_a1)
    client.force_login(coordinator_a)
    client.post(reverse("membership_revoke", args=[membership.pk]))
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 403
    assert not group_a1.teachers.filter(pk=teacher_a1.pk).exists()


def test_a_coordinator_cannot_take_away_their_own_role(client, coordinator_a):
    membership = Membership.objects.get(user=coordinator_a)
    client.force_login(coordinator_a)
    response = client.post(reverse("membership_revoke", args=[membership.pk]))
    assert "cannot take away your own coordinator role" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
