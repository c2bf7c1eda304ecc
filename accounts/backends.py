"""The login backends TaalPad uses: Django's and allauth's, loading with the user, in the same
query, what decides their roles (the municipality record, the pupil record with its school and
the school memberships: `accounts.identity`). Every request reads the user; this keeps the role
lookups from adding queries of their own."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.identity import load_user

# What `accounts.roles` reads besides the memberships (for the API's token login, which joins
# it to the token).
ROLE_RELATIONS = ("municipality_member", "pupil__school")


class _LoadsRoles:
    def get_user(self, user_id):
        try:
            user = load_user(int(user_id))
        except (TypeError, ValueError):
            return None  # a session naming no user id: signed out, as Django does
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_LoadsRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_LoadsRoles, AllauthBackend):
    pass
