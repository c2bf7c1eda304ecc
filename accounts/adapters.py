from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import devices
from accounts.roles import start_url


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # What a locked-out person can do: wait (the lockout ends by itself) or reset.
        "too_many_login_attempts": _(
            "Too many failed login attempts. Try again in five minutes, or reset your "
            "password with “Forgot your password?”."
        ),
    }

    def is_open_for_signup(self, request):
        # Accounts are made by administrators and coordinators, never by sign-up.
        return False

    def get_login_redirect_url(self, request):
        return start_url(request.user)

    def send_mail(self, template_prefix, email, context):
        # Pupils without e-mail have a login name that can never receive mail.
        if email.endswith(".invalid"):
            return
        super().send_mail(template_prefix, email, context)

    def pre_authenticate(self, request, **credentials):
        """Failed logins are limited per account (and, loosely, per address); a browser that
        logged in with this account before is limited on its own token instead, so that
        another person's guesses never lock its owner out."""
        login = credentials.get("email", credentials.get("username", ""))
        token = devices.token_for(request, login)
        if token is None:
            return super().pre_authenticate(request, **credentials)
        # allauth's own internal counter, as its pre_authenticate uses: it can be rolled back
        # after a successful login.
        self._login_failed_rl_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_device",
            key=f"{login.lower()}:{token}",
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if response is not None:
            devices.remember(request, response, user.email)
        if user.preferred_language and response is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
