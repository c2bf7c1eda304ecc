"""One login for everything, with limits that stop guessing without locking a school out."""

import time

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.devices import COOKIE
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "another-horse-battery-9"


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_admin_login_is_the_one_login_of_every_role(client, admin_user):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # The admin's own form no longer signs anyone in.
    client.post(reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD})
    assert not logged_in(client)


def test_the_admin_asks_for_two_factor_like_every_page(client, admin_user, settings):
    settings.TAALPAD_REQUIRE_2FA = True
    log_in(client, admin_user.email)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_fifteen_wrong_passwords_in_a_row_are_refused_after_five(client, admin_user):
    refused = [
        "Too many failed login attempts"
        in log_in(client, admin_user.email, "wrong").content.decode()
        for _ in range(15)
    ]
    assert refused == [False] * 5 + [True] * 10
    log_in(client, admin_user.email)
    assert not logged_in(client)


def test_a_pupils_guesses_do_not_keep_the_teacher_out_of_a_browser_used_before(teacher_a1):
    own = Client()
    log_in(own, teacher_a1.email)
    assert logged_in(own) and COOKIE in own.cookies
    own.post(reverse("account_logout"))
    pupil = Client()  # another browser behind the same school address
    for _ in range(10):
        log_in(pupil, teacher_a1.email, "guess")
    log_in(pupil, teacher_a1.email)
    assert not logged_in(pupil)  # the guesser's browser is locked out of the account
    log_in(own, teacher_a1.email)
    assert logged_in(own)  # the teacher's own browser is not


def test_a_class_behind_one_address_logs_in_at_once(db):
    users = [make_user(f"pupil{n}@school.test") for n in range(60)]
    client = Client()
    for user in users:
        log_in(client, user.email)
        assert logged_in(client), user.email
        client.post(reverse("account_logout"))


def test_a_classs_typos_do_not_lock_out_the_others(db):
    users = [make_user(f"pupil{n}@school.test") for n in range(40)]
    client = Client()
    for user in users:
        log_in(client, user.email, "typo")
    for user in users[:3]:
        log_in(client, user.email)
        assert logged_in(client)
        client.post(reverse("account_logout"))


def test_a_lockout_ends_by_itself(client, teacher_a1, monkeypatch):
    for _ in range(6):
        log_in(client, teacher_a1.email, "wrong")
    log_in(client, teacher_a1.email)
    assert not logged_in(client)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(allauth_ratelimit.time, "time", lambda: later)
    log_in(client, teacher_a1.email)
    assert logged_in(client)


def test_a_password_reset_works_during_a_lockout(client, teacher_a1):
    for _ in range(6):
        log_in(client, teacher_a1.email, "wrong")
    client.post(reverse("account_reset_password"), {"email": teacher_a1.email})
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/" in line
    ).strip()
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    log_in(client, teacher_a1.email, NEW_PASSWORD)
    assert logged_in(client)


def test_a_class_claims_its_printed_codes_at_once(client, coordinator_a, school_a, group_a1):
    from tests.conftest import enrol, make_pupil

    pupils = []
    for number in range(30):
        pupil = make_pupil(school_a, f"C{number:02d}", "Kind", f"Nummer {number}")
        enrol(pupil, group_a1)
        pupils.append(pupil)
    codes = services.claim_codes_issue(by=coordinator_a, pupils=pupils)
    for _pupil, _login, code in codes:
        response = client.post(
            reverse("claim_account"),
            {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        client.post(reverse("account_logout"))


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"SECRET_KEY": "s"}, "django.core.cache.backends.db.DatabaseCache"),
        (
            {"SECRET_KEY": "s", "REDIS_URL": "redis://127.0.0.1:6379/0"},
            "core.redis_cache.RedisCache",
        ),
        ({"DEBUG": "1"}, "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_limits_count_in_a_cache_every_worker_shares(monkeypatch, env, backend):
    from tests.taalpad.test_settings import load

    assert load(monkeypatch, **env)["CACHES"]["default"]["BACKEND"] == backend
