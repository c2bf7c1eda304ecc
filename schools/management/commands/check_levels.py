from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schools import levels


class Command(BaseCommand):
    help = (
        "Compares the level table with what the results give and reports every difference; "
        "--repair derives the whole table again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="rebuild the table")

    def handle(self, *args, repair, **options):
        missing, extra, pupils = levels.differences()
        if not missing and not extra:
            self.stdout.write("The level table agrees with the results.")
            return
        self.stdout.write(
            f"{missing} span(s) missing and {extra} span(s) not given by the results; "
            f"pupils concerned (first {len(pupils)}): {', '.join(map(str, pupils))}"
        )
        if not repair:
            raise CommandError("The level table differs from the results; run with --repair.")
        with transaction.atomic():
            spans = levels.rebuild()
        self.stdout.write(f"Rebuilt the level table: {spans} span(s).")
