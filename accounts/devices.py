"""Device cookies (OWASP's answer to lockouts): a browser in which a person logged in before
is recognised, so that someone else's wrong guesses at that account, or a whole school's
behind one address, do not keep that person out.

The cookie is signed and holds, for the last few accounts that logged in with it, a random
token per account. A login from a recognised browser is limited per token instead of per
account and address.
"""

import secrets

from django.conf import settings
from django.core import signing

COOKIE = "taalpad_device"
SALT = (
    "taalpad.devices"  # the signing salt of cookies already given out: kept when the module moved
)
MAX_ACCOUNTS = 5
MAX_AGE = 365 * 24 * 3600


def _read(request):
    try:
        value = signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def token_for(request, login):
    """The token this browser holds for `login`, or None where it never logged in with it."""
    token = _read(request).get(str(login).strip().lower())
    return token if isinstance(token, str) else None


def remember(request, response, login):
    """After a successful login: the browser is recognised for `login` from now on."""
    known = _read(request)
    login = str(login).strip().lower()
    known.pop(login, None)
    known[login] = secrets.token_urlsafe(16)
    while len(known) > MAX_ACCOUNTS:
        known.pop(next(iter(known)))
    response.set_cookie(
        COOKIE,
        signing.dumps(known, salt=SALT),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
