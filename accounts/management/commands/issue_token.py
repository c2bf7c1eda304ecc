from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_token_create

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Prints a new API token for a user, for integrations. Only its fingerprint is stored: "
        "the token is shown this once, and replaces the user's earlier one."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        if not user.is_active:
            raise CommandError(f"{email} is not an active user.")
        self.stdout.write(api_token_create(user=user))
