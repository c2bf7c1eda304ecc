"""Security headers, caching of pupil data, error pages, the health check, deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create

ROOT = Path(__file__).resolve().parents[2]


def assert_protective_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_an_html_page_with_pupil_data_is_protected_and_not_stored(client, teacher_a1, pupil_a1):
    client.force_login(teacher_a1)
    response = client.get(reverse("pupil_detail", args=[pupil_a1.pk]))
    assert_protective_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_a_json_response_is_protected_and_not_stored(teacher_a1, pupil_a1):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=teacher_a1)}")
    response = client.get(reverse("pupil-detail", args=[pupil_a1.pk]))
    assert_protective_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_a_pupils_chart_is_not_stored(client, pupil_a1):
    client.force_login(pupil_a1.user)
    response = client.get(reverse("pupil_growth_svg", args=[pupil_a1.pk]))
    assert_protective_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_error_pages_reveal_nothing_internal(client, teacher_a1):
    client.force_login(teacher_a1)
    missing = client.get("/pupils/999999/")
    assert missing.status_code == 404
    assert_protective_headers(missing)
    body = missing.content.decode()
    assert "This page does not exist" in body
    assert "Traceback" not in body and "urlpatterns" not in body
    forbidden = client.get(reverse("municipality_start"))
    assert (
        forbidden.status_code == 403
        and "Your role does not give access" in forbidden.content.decode()
    )


def test_the_health_check_needs_no_login_and_shows_no_data(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_liveness_check_touches_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("liveness"))
    assert response.status_code == 200 and response.content == b"ok"


def test_secure_cookies_carry_the_host_prefix(settings):
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the same settings are checked in the SQLite run",
)
def test_the_deploy_check_passes_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-a-long-random-secret-key-1234",
        "ALLOWED_HOSTS": "taalpad.enschede.example",
    }
    env.pop("SECURE_SSL_REDIRECT", None)  # on by default
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_content_security_policy_allows_nothing_inline(client, teacher_a1):
    client.force_login(teacher_a1)
    for url in (reverse("teacher_start"), reverse("api-docs"), "/pupils/999999/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_carry_no_inline_script(client, teacher_a1, group_a1):
    client.force_login(teacher_a1)
    for url in (
        reverse("teacher_start"),
        reverse("group_detail", args=[group_a1.pk]),
        reverse("api-docs"),
        reverse("account_login"),
    ):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style>" not in html and ' style="' not in html, url


def _console_output(action):
    """What the console handler of the logging setup writes while `action` runs."""
    import io
    import logging

    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        action()
    finally:
        handler.setStream(old)
    return stream.getvalue()


def test_a_403_and_a_404_are_logged_in_one_line_without_a_traceback(client, teacher_a1):
    client.force_login(teacher_a1)
    output = _console_output(
        lambda: (client.get(reverse("municipality_start")), client.get("/pupils/999999/"))
    )
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 2, output
    assert "Forbidden" in lines[0] and "/city/" in lines[0]
    assert "Not Found" in lines[1] and "/pupils/999999/" in lines[1]


def test_plain_http_is_redirected_to_https_unless_switched_off(monkeypatch):
    from tests.taalpad.test_settings import load

    assert load(monkeypatch, SECRET_KEY="s")["SECURE_SSL_REDIRECT"] is True
    assert (
        load(monkeypatch, SECRET_KEY="s", SECURE_SSL_REDIRECT="0")["SECURE_SSL_REDIRECT"] is False
    )
    assert load(monkeypatch, DEBUG="1")["SECURE_SSL_REDIRECT"] is False
