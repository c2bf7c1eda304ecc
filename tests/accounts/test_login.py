import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from tests.conftest import PASSWORD


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("persona", "start"),
    [
        ("municipality", "municipality_start"),
        ("coordinator_a", "coordinator_start"),
        ("teacher_a1", "teacher_start"),
        ("pupil_a1", "pupil_start"),
        ("admin_user", "admin:index"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, request, persona, start):
    subject = request.getfixturevalue(persona)
    user = getattr(subject, "user", None) or subject
    response = log_in(client, user)
    assert response.status_code == 302
    assert response.url == reverse(start)
    assert client.get(response.url, follow=True).status_code == 200
    assert client.get(reverse("home")).url == reverse(start)


def test_a_wrong_password_is_refused(client, teacher_a1):
    response = client.post(
        reverse("account_login"), {"login": teacher_a1.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    for name in ["home", "teacher_start", "coordinator_start", "pupil_start", "municipality_start"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_the_login_page_is_dutch_by_default_and_offers_no_sign_up(client, db):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="")
    content = response.content.decode()
    assert '<html lang="nl">' in content
    assert "Wachtwoord" in content or "wachtwoord" in content
    assert reverse("account_signup") not in content


def test_there_is_no_open_sign_up(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@x.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "signup_closed" in response.templates[0].name


def test_logout_needs_a_post(client, teacher_a1):
    client.force_login(teacher_a1)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_role_page_of_another_role_is_forbidden(client, teacher_a1, pupil_a1, municipality):
    client.force_login(teacher_a1)
    assert client.get(reverse("municipality_start")).status_code == 403
    assert client.get(reverse("coordinator_start")).status_code == 403
    assert client.get(reverse("pupil_start")).status_code == 403
    client.force_login(pupil_a1.user)
    assert client.get(reverse("teacher_start")).status_code == 403


def test_the_teacher_start_page_lists_their_groups_of_this_year(
    client, teacher_a1, group_a1, group_a2, pupil_a1
):
    client.force_login(teacher_a1)
    content = client.get(reverse("teacher_start")).content.decode()
    assert group_a1.name in content
    assert group_a2.name not in content


def test_revoking_the_membership_ends_access_at_once(client, teacher_a1, group_a1):
    client.force_login(teacher_a1)
    assert client.get(reverse("teacher_start")).status_code == 200
    Membership.objects.filter(user=teacher_a1).delete()
    assert client.get(reverse("teacher_start")).status_code == 403
    # Granted again, the same request works: it failed for the membership, nothing else.
    Membership.objects.create(user=teacher_a1, school=group_a1.school, role="teacher")
    assert client.get(reverse("teacher_start")).status_code == 200


def test_a_user_without_a_role_sees_a_welcome_page(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("nobody@x.test"))
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("no_role")


def test_the_header_shows_role_and_school(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(reverse("coordinator_start"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    content = response.content.decode()
    assert "coordinator · Grensland College" in content


def test_password_reset_mails_known_users_and_says_the_same_to_strangers(client, teacher_a1):
    known = client.post(reverse("account_reset_password"), {"email": teacher_a1.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "stranger@x.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mail.outbox if "password" in m.body.lower()][0] == [teacher_a1.email]
    # allauth tells a stranger's address that no account exists, without telling the requester.
    assert len(mail.outbox) == 2
