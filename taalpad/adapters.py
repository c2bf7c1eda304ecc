from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from taalpad.access import start_url


class AccountAdapter(DefaultAccountAdapter):
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

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if user.preferred_language and response is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
