from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schools import levels, signals


class Command(BaseCommand):
    help = (
        "Compares the level table, and what other apps keep derived from the results (the "
        "stored school years), with a fresh derivation and reports every difference; "
        "--repair derives them again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="rebuild what differs")

    def handle(self, *args, repair, **options):
        missing, extra, pupils = levels.differences()
        others = [(name, problems) for name, problems in signals.check_derived_data() if problems]
        if not missing and not extra and not others:
            self.stdout.write("The level table and the stored figures agree with the results.")
            return
        if missing or extra:
            self.stdout.write(
                f"{missing} period(s) missing and {extra} period(s) not given by the results; "
                f"pupils concerned (first {len(pupils)}): {', '.join(map(str, pupils))}"
            )
        for name, problems in others:
            shown = ", ".join(map(str, problems[:20]))
            self.stdout.write(f"{len(problems)} of the {name} differ: {shown}")
        if not repair:
            raise CommandError("Derived data differs from the results; run with --repair.")
        with transaction.atomic():
            periods = levels.rebuild()
            signals.check_derived_data(repair=True)
        self.stdout.write(f"Rebuilt the level table ({periods} period(s)) and the stored figures.")
