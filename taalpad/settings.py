"""TaalPad settings: one module, configured from the environment.

Every value a deployment may change is read here, once, with a helper that stops start-up
with a message naming the variable when its value is unusable.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
CACHE_TABLE = "taalpad_cache"  # made by the migration taalpad 0005


class TaalPadEnv(environ.Env):
    """django-environ reads the variables and their URLs. What it lacks is kept here in a few
    lines: a bad value stops start-up naming its variable (django-environ reads any unknown
    word as false and lets an unknown scheme through), and the short cache and mail schemes
    TaalPad always accepted (db://, locmem://, console://) stay valid."""

    CACHE_SCHEMES = {
        "redis": environ.Env.CACHE_SCHEMES["redis"],
        "rediss": environ.Env.CACHE_SCHEMES["rediss"],
        "db": "django.core.cache.backends.db.DatabaseCache",
        "dbcache": "django.core.cache.backends.db.DatabaseCache",
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "locmemcache": "django.core.cache.backends.locmem.LocMemCache",
        "dummy": "django.core.cache.backends.dummy.DummyCache",
        "dummycache": "django.core.cache.backends.dummy.DummyCache",
    }
    EMAIL_SCHEMES = {
        **environ.Env.EMAIL_SCHEMES,
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
    }
    _TRUE = {"1", "true", "yes", "on"}
    _FALSE = {"0", "false", "no", "off", ""}

    def strict_bool(self, name, default):
        value = self.str(name, default=None)
        if value is None:
            return default
        if value.strip().lower() in self._TRUE | self._FALSE:
            return value.strip().lower() in self._TRUE
        raise ImproperlyConfigured(
            f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}"
        )

    def whole_number(self, name, default, *, minimum=None):
        value = self.str(name, default="").strip()
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
        return number

    def names(self, name, default):
        """A comma-separated list, each item trimmed ("a.nl, b.nl")."""
        return [item.strip() for item in self.list(name, default=default) if item.strip()]

    def database(self, name, default):
        url = self.str(name, default="") or default
        try:
            if urlsplit(url).scheme not in self.DB_SCHEMES:
                raise ValueError("unknown scheme")
            return self.db_url_config(url)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name} is not a usable database URL: {error}") from None

    def cache(self, name, url):
        if urlsplit(url).scheme not in self.CACHE_SCHEMES:
            raise ImproperlyConfigured(
                f"{name} must start with redis://, rediss://, db://, locmem:// or dummy://, "
                f"not {url!r}"
            )
        config = self.cache_url_config(url)
        if config["BACKEND"].endswith("DatabaseCache"):
            config["LOCATION"] = config["LOCATION"] or CACHE_TABLE
        elif config["BACKEND"].endswith("RedisCache"):
            config["BACKEND"] = "core.redis_cache.RedisCache"  # one client per pool
        else:
            config.pop("LOCATION", None)
        return config

    def mail(self, name, default):
        url = self.str(name, default="") or default
        try:
            config = self.email_url_config(url)
        except ImproperlyConfigured:
            raise ImproperlyConfigured(
                f"{name} must start with console://, smtp://, smtp+tls:// or smtp+ssl://, "
                f"not {url!r}"
            ) from None
        options = config.pop("OPTIONS", {})
        config.pop("EMAIL_FILE_PATH", None)
        config = {key: value for key, value in config.items() if value is not None}
        if config["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
            config.setdefault("EMAIL_HOST", "localhost")
            config.setdefault("EMAIL_PORT", 465 if config.get("EMAIL_USE_SSL") else 25)
            config["EMAIL_TIMEOUT"] = int(options.get("TIMEOUT", 10))
        return config


env = TaalPadEnv()
env_bool, env_int, env_list = env.strict_bool, env.whole_number, env.names


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)"
        )
    SECRET_KEY = "development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # After the libraries, so that TaalPad's admin can adjust theirs.
    "core",
    "accounts",
    "progress",
    "me",
    "demo",
    "taalpad",
    "schools",
    "exchanges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "taalpad.middleware.SessionLimitsMiddleware",
    "taalpad.middleware.RequireTwoFactorMiddleware",
    "taalpad.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "taalpad.urls"
WSGI_APPLICATION = "taalpad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taalpad.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections stay open like PostgreSQL's: in WAL mode an idle connection holds no lock,
    # and opening one per request (the file, the journal mode, Django's SQL functions) cost a
    # pupil's page, which writes its audit row, a fifth of its time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

# Rate limits, sessions' helpers and cached figures must be shared by every worker: Redis when
# configured, else a table in the database. Memory of one process only for development.
_cache_variable = "CACHE_URL" if env.str("CACHE_URL", default="") else "REDIS_URL"
CACHES = {
    "default": env.cache(
        _cache_variable,
        env.str("CACHE_URL", default="")
        or env.str("REDIS_URL", default="")
        or ("locmem://" if DEBUG else "db://"),
    )
}

globals().update(env.mail("EMAIL_URL", "console://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="TaalPad <noreply@taalpad.example>")

AUTH_USER_MODEL = "taalpad.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# HTTPS and browser protections. Switched by the environment alone: the same code runs
# everywhere, and `manage.py check --deploy --fail-level WARNING` passes with DEBUG off.
# On unless DEBUG; off (SECURE_SSL_REDIRECT=0) behind a proxy that redirects itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Off only for plain-HTTP runs on this machine (development, the load test).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
# The __Host- prefix makes browsers refuse these cookies unless secure, for this host only.
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
# Scripts, styles and images come from the app itself; nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail and password only; accounts are made by administrators and
# coordinators, never by open sign-up (see taalpad.adapters).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    # Every login, right or wrong, per address: a school of 1 500 pupils behind one address
    # logs in within minutes at 8:30, so this only stops a flood.
    "login": "600/m/ip",
    # Wrong passwords: five per account in five minutes (a lockout that ends by itself; a
    # password reset works during it), and a loose bound per address that a class's typos
    # never reach. A browser that logged in with the account before counts apart
    # ("login_failed_device", taalpad.devices): another person's guesses never lock it out.
    "login_failed": "5/5m/key,300/10m/ip",
    "login_failed_device": "10/5m/key",
    # Wrong one-time codes per address (right ones are not counted: a class of 30 claims its
    # printed codes at once), and invitation links.
    "claim_code": "20/10m/ip",
    "accept_invitation": "20/10m/ip",
}
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries are trusted;
# rate limits then count the real client address instead of the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "TaalPad"
# Coordinators, municipality staff and administrators must use two-factor login;
# on by default whenever DEBUG is off.
TAALPAD_REQUIRE_2FA = env_bool("TAALPAD_REQUIRE_2FA", not DEBUG)
# Recording "last seen" would write to the database on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Staff sessions end after 30 idle minutes and at most 12 hours after logging in.
TAALPAD_STAFF_IDLE_SECONDS = 30 * 60
TAALPAD_STAFF_MAX_SECONDS = 12 * 60 * 60
# Sessions are read on every request: from the shared cache when there is one (Redis), backed
# by the database so a restart of the cache logs nobody out; never from one process's memory.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = 12 * 60 * 60
# The signed-in person's rows kept beside the session (accounts.identity): only in a cache every
# app server shares, where a change seen by one worker is seen by all.
TAALPAD_KEEP_IDENTITIES = CACHES["default"]["BACKEND"].endswith("RedisCache")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Invitation links stay valid for two weeks; one-time codes for a school term.
TAALPAD_INVITATION_DAYS = 14
TAALPAD_CLAIM_CODE_DAYS = 90

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Served from the app's own folders when nobody ran collectstatic (development, tests).
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    # Token first, so that a request without credentials is told how to authenticate (401).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasRole"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="60/hour"),
        "user": env.str("API_RATE_USER", default="3000/hour"),
        "bulk": env.str("API_RATE_BULK", default="300/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.json_errors",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TaalPad API",
    "DESCRIPTION": (
        "German results, exchanges and progress toward the city's target. Authenticate with "
        "a session or `Authorization: Token <key>` (see your profile, or "
        "`manage.py issue_token EMAIL`). Every list is paginated and shows only what the "
        "caller may see; the municipality receives aggregates only."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation describe the API; they hold no data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # The documentation's scripts and styles come from the app itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SkillEnum": "core.cefr.Skill",
        "TrackEnum": "core.cefr.Track",
        "SectorEnum": "core.cefr.Sector",
        "LevelEnum": ["below_a1", "a1", "a2", "b1", "b2", "c1", "c2"],
    },
}

# Seconds the municipality's city-wide figures may trail the latest results (0: never). With
# many teachers saving at once, the city is then computed once a minute, not once per save.
TAALPAD_CITY_FIGURES_LAG = env_int("TAALPAD_CITY_FIGURES_LAG", 60, minimum=0)

# Pupils whose last enrolment ended longer ago than this are anonymised by purge_leavers.
TAALPAD_RETENTION_YEARS = env_int("TAALPAD_RETENTION_YEARS", 2, minimum=1)

# Imports: a file of at most 5 MB and 50 000 rows (a large school's pupils or a year of its
# results), refused before it is read (core.uploads) or parsed (core.tabular).
TAALPAD_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
TAALPAD_UPLOAD_MAX_ROWS = 50_000
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The municipality never sees a figure computed from fewer pupils than this.
TAALPAD_MIN_CELL = env_int("TAALPAD_MIN_CELL", 10, minimum=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "taalpad.logformat.JsonFormatter"}},
    "filters": {"client_errors_in_one_line": {"()": "taalpad.logformat.ClientErrorsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]},
        "security": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "taalpad.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # fpdf2 subsets the report's font through fontTools, which reports every table it prunes.
        "fontTools": {"level": "WARNING"},
    },
}
