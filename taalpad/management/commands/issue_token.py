from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from taalpad.models import User


class Command(BaseCommand):
    help = "Prints an API token for a user (made once, then the same one), for integrations."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        if not user.is_active:
            raise CommandError(f"{email} is not an active user.")
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
