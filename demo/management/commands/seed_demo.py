import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.city import build_demo_city, clear_demo_city, demo_data_exists


def positive_int(value):
    number = int(value)
    if number < 1:
        raise ValueError
    return number


class Command(BaseCommand):
    help = (
        "Builds the demo city of Enschede: schools, pupils, results, exchanges and targets. "
        "The same arguments on the same day give the same data. Prints one login per role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=positive_int, default=6000, help="number of pupils")
        parser.add_argument("--seed", type=int, default=2020, help="seed of the random generator")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the date the demo is built for (YYYY-MM-DD; default: today)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete all schools, pupils, results, exchanges and demo accounts first",
        )

    def handle(self, *args, pupils, seed, today, reset, verbosity, **options):
        if demo_data_exists():
            if not reset:
                raise CommandError(
                    "The database already holds schools or pupils. "
                    "Run with --reset to replace everything with the demo city."
                )
            clear_demo_city()
        summary = build_demo_city(
            pupils=pupils, seed=seed, today=today, stdout=self.stderr if verbosity > 1 else None
        )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # After a bulk load: statistics for the planner and a visibility map, so that the
            # progress queries read the level table's index alone (autovacuum would, later).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stderr.write(
            f"Demo city built in {summary.seconds:.1f} s: {summary.schools} schools, "
            f"{summary.pupils} pupils, {summary.enrolments} enrolments, "
            f"{summary.results} results, {summary.exchanges} exchange activities."
        )
        for role, email, password in summary.logins.rows:
            self.stdout.write(f"{role} {email} {password}")
