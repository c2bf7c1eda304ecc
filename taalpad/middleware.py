import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_staff_session, needs_two_factor

SESSION_STARTED = "taalpad_started"
SESSION_SEEN = "taalpad_seen"


class SessionLimitsMiddleware:
    """Staff sessions end after 30 idle minutes, and 12 hours after logging in at the latest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and is_staff_session(user):
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > settings.TAALPAD_STAFF_IDLE_SECONDS
            too_old = now - started > settings.TAALPAD_STAFF_MAX_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            # Writing the session on every request would cost a query; once a minute is enough.
            if now - seen >= 60 or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Until they set up two-factor login, coordinators, municipality staff and administrators
    reach only the set-up pages (and can log out)."""

    ALLOWED_PREFIXES = (
        "/accounts/2fa/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
        "/i18n/",
        "/static/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.TAALPAD_REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and needs_two_factor(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor login. Set it up with an authenticator app."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing shown to a logged-in person is kept by the browser or a proxy: pages hold pupil
    data. Responses that set their own caching (charts of aggregates, static files) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
