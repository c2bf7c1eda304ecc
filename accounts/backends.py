"""The login backends TaalPad uses: Django's and allauth's, loading with the user, in the same
query, what decides their roles (the municipality record and the pupil record with its
school). Every request reads the user; this keeps the role lookups from adding two queries."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

# What `accounts.roles` reads besides the memberships.
ROLE_RELATIONS = ("municipality_member", "pupil__school")


class _LoadsRoles:
    def get_user(self, user_id):
        users = self.get_user_model_manager().select_related(*ROLE_RELATIONS)
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def get_user_model_manager():
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager


class ModelBackend(_LoadsRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_LoadsRoles, AllauthBackend):
    pass
