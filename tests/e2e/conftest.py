"""End-to-end tests in a real browser: Playwright drives Debian's Chromium against the app
served by pytest-django's live server, and axe-core checks each page visited.

They need /usr/bin/chromium (or TAALPAD_CHROMIUM) and tests/e2e/node_modules/axe-core (npm
install in tests/e2e). `python3 dev.py test` sets both up where it can; without them the tests
are skipped, unless TAALPAD_E2E=required (as in CI), when a missing piece is an error.
"""

import importlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("TAALPAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("TAALPAD_E2E") == "required"
# Chromium as this machine's closed network wants it: no background traffic, no sandbox (root).
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm install in tests/e2e)"
    return None


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, with the application running for one request at a time.

    Chromium opens several connections at once, some of them idle in advance, so each still gets
    its own thread to read from. But on SQLite every one of those threads uses the test's single
    in-memory connection, which Django does not guard against simultaneous use: two requests at
    once (a page and its chart images) can break or stall each other. The lock takes them in
    turn, body included.
    """

    application_lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.application_lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server (which also serves the static files), one request at a time."""
    server = LiveServer("localhost", start=False)
    server.thread.server_class = OneRequestAtATimeServer
    # Plain HTTP on this machine: the HTTPS redirect is read when the server's app is made.
    with override_settings(SECURE_SSL_REDIRECT=False):
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"end-to-end tests required: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while it lives; the
    # ORM calls of these tests (and their database clean-up) are still plain synchronous
    # code. Allowed for this module only: later tests and subprocesses never see it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page_for(browser, live_server, settings):
    """page_for(width=1280, locale="nl-NL") opens a fresh browser context on the live server."""
    settings.ALLOWED_HOSTS = ["*"]
    contexts = []

    def open_page(width=1280, height=900, locale="nl-NL"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale=locale,
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def axe_violations(page):
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is."""
    page.evaluate(AXE.read_text())
    # page.evaluate has no time limit of its own: axe gets 30 seconds.
    result = page.evaluate(
        """() => Promise.race([
              axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}),
              new Promise((_, reject) =>
                setTimeout(() => reject(new Error('axe-core took over 30 s')), 30000))])"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def empty_access_trail():
    """The pupil access trail refuses DELETE, also the one with which a transactional test
    empties an SQLite database afterwards: empty it here with its guard lifted for a moment.
    (PostgreSQL empties tables with TRUNCATE, which the guard allows.)"""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("taalpad.migrations.0004_pupil_access_append_only")
    with connection.cursor() as cursor:
        for statement in guard.SQLITE_UNDO:
            cursor.execute(statement)
        cursor.execute("DELETE FROM taalpad_pupilaccess")
        for statement in guard.SQLITE:
            cursor.execute(statement)


SCREENSHOTS = os.environ.get("TAALPAD_SCREENSHOTS")


def shoot(page, name):
    """A full-page screenshot into TAALPAD_SCREENSHOTS, when set: to look at what was built."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
