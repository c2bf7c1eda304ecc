from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Roles and memberships, invitations and one-time codes, login and two-factor adapters,
    API tokens and the security log."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Importing security_log connects its receivers.
        from accounts import identity, security_log  # noqa: F401

        identity.connect()
