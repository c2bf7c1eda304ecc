"""Start-up stops with a message that names the variable when a setting is unusable."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parents[2] / "taalpad" / "settings.py"


def load(monkeypatch, **env):
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "CACHE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "TAALPAD_MIN_CELL",
        "ALLOWED_HOSTS",
        "DATABASE_CONN_MAX_AGE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        ({"SECRET_KEY": "s", "TAALPAD_MIN_CELL": "4"}, "TAALPAD_MIN_CELL"),
        ({"SECRET_KEY": "s", "TAALPAD_MIN_CELL": "ten"}, "TAALPAD_MIN_CELL"),
        ({"SECRET_KEY": "s", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"SECRET_KEY": "s", "DATABASE_URL": "postgres://db:port/taalpad"}, "DATABASE_URL"),
        ({"SECRET_KEY": "s", "DATABASE_CONN_MAX_AGE": "-1"}, "DATABASE_CONN_MAX_AGE"),
        ({"SECRET_KEY": "s", "CACHE_URL": "memcache://x"}, "CACHE_URL"),
        ({"SECRET_KEY": "s", "EMAIL_URL": "pigeon://x"}, "EMAIL_URL"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch, env, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        load(monkeypatch, **env)


def test_defaults_give_sqlite_and_a_min_cell_of_ten(monkeypatch):
    settings = load(monkeypatch, SECRET_KEY="s")
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["TAALPAD_MIN_CELL"] == 10
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == []


def test_debug_runs_without_a_secret_key_on_localhost(monkeypatch):
    settings = load(monkeypatch, DEBUG="1")
    assert settings["DEBUG"] is True
    assert "127.0.0.1" in settings["ALLOWED_HOSTS"]


def test_postgresql_redis_and_smtp_come_from_urls(monkeypatch):
    settings = load(
        monkeypatch,
        SECRET_KEY="s",
        DATABASE_URL="postgres://app:pw@db.internal:5432/taalpad",
        REDIS_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp+tls://mailer:p%40ss@mail.internal:587",
        ALLOWED_HOSTS="taalpad.enschede.nl, www.taalpad.enschede.nl",
        TAALPAD_MIN_CELL="15",
    )
    database = settings["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "taalpad",
    )
    assert settings["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_HOST_PASSWORD"]) == (
        "mail.internal",
        587,
        "p@ss",
    )
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["ALLOWED_HOSTS"] == ["taalpad.enschede.nl", "www.taalpad.enschede.nl"]
    assert settings["TAALPAD_MIN_CELL"] == 15


def test_two_factor_is_required_unless_debug_or_switched_off(monkeypatch):
    assert load(monkeypatch, SECRET_KEY="s")["TAALPAD_REQUIRE_2FA"] is True
    assert load(monkeypatch, DEBUG="1")["TAALPAD_REQUIRE_2FA"] is False
    assert (
        load(monkeypatch, SECRET_KEY="s", TAALPAD_REQUIRE_2FA="0")["TAALPAD_REQUIRE_2FA"] is False
    )


def test_the_short_cache_and_mail_schemes_keep_working(monkeypatch):
    settings = load(monkeypatch, SECRET_KEY="s")  # no cache configured: a table in the database
    assert settings["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "taalpad_cache",
    }
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    settings = load(
        monkeypatch, SECRET_KEY="s", CACHE_URL="locmem://", EMAIL_URL="smtp+ssl://mail.internal"
    )
    assert settings["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    }
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_TIMEOUT"]) == (
        465,
        True,
        10,
    )
    settings = load(monkeypatch, SECRET_KEY="s", EMAIL_URL="smtp://mail.internal?timeout=3")
    assert (settings["EMAIL_PORT"], settings["EMAIL_TIMEOUT"]) == (25, 3)


def test_the_database_keeps_its_connection_settings(monkeypatch):
    database = load(monkeypatch, SECRET_KEY="s", DATABASE_URL="postgres://db.internal/taalpad")[
        "DATABASES"
    ]["default"]
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    sqlite = load(monkeypatch, SECRET_KEY="s")["DATABASES"]["default"]
    # SQLite connections are kept open too (WAL: an idle one holds no lock), as configured
    assert (sqlite["CONN_MAX_AGE"], sqlite["CONN_HEALTH_CHECKS"]) == (60, True)
    assert (
        load(monkeypatch, SECRET_KEY="s", DATABASE_CONN_MAX_AGE="0")["DATABASES"]["default"][
            "CONN_MAX_AGE"
        ]
        == 0
    )
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert sqlite["OPTIONS"]["init_command"] == "PRAGMA journal_mode=WAL;"


def test_sessions_live_in_the_shared_cache_and_the_database_never_in_one_process(monkeypatch):
    with_redis = load(monkeypatch, SECRET_KEY="s", REDIS_URL="redis://127.0.0.1:6379/1")
    assert with_redis["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    for settings in (load(monkeypatch, SECRET_KEY="s"), load(monkeypatch, DEBUG="1")):
        # the database cache, or a development server's memory: sessions stay in the database
        assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
