"""Security events as structured log lines (JSON, UTC) on the logger `taalpad.security`.

Never a password, a token or a pupil's name: people are logged by account id, pupils by id,
and a failed login by a short hash of what was typed.
"""

import hashlib
import logging

from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("taalpad.security")


def event(name, request=None, **details):
    """Log one security event; `request` adds the account and the client address."""
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            details.setdefault("user", user.pk)
        details.setdefault("ip", request.META.get("REMOTE_ADDR"))
        details.setdefault("path", request.path)
    logger.info(name, extra={"details": details})


def _hashed(text):
    return hashlib.sha256(str(text or "").strip().lower().encode()).hexdigest()[:12]


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    event("login", request, user=user.pk)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    event("logout", request, user=getattr(user, "pk", None))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    login = credentials.get("email") or credentials.get("username") or credentials.get("login")
    event("login_failed", request, login_hash=_hashed(login))


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    event("two_factor_added", request, user=user.pk, kind=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    event("two_factor_removed", request, user=user.pk, kind=authenticator.type)
