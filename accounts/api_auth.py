"""`Authorization: Token <key>`, checked against the stored digest of the key."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.backends import ROLE_RELATIONS
from accounts.models import ApiToken
from accounts.services import secret_digest


class HashedTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        # The user with what decides their roles, in the same query (accounts.backends).
        token = (
            ApiToken.objects.select_related(*(f"user__{name}" for name in ROLE_RELATIONS), "user")
            .filter(digest=secret_digest(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
