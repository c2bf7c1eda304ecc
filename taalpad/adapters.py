from allauth.account.adapter import DefaultAccountAdapter

from taalpad.access import start_url


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are made by administrators and coordinators, never by sign-up.
        return False

    def get_login_redirect_url(self, request):
        return start_url(request.user)
