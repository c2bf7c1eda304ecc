import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from schools.models import Pupil
from schools.services import (
    import_batches_purge,
    import_batches_stale,
    leavers,
    pupils_anonymise,
)


class Command(BaseCommand):
    help = (
        "Anonymises pupils whose last enrolment ended more than TAALPAD_RETENTION_YEARS ago: "
        "names, pupil number, e-mail and account go; results stay as anonymous rows. Deletes "
        "uploaded import files that were not confirmed within a day. "
        "Shows what would change; --apply changes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="anonymise (default: dry run)")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, apply, today, **options):
        years = settings.TAALPAD_RETENTION_YEARS
        pupils = Pupil.objects.filter(
            pk__in=leavers(today=today or datetime.date.today(), years=years).values("pk")
        )
        per_school = pupils.values("school__name").annotate(n=Count("id")).order_by("school__name")
        for row in per_school:
            self.stdout.write(f"{row['school__name']}: {row['n']}")
        total = sum(row["n"] for row in per_school)
        uploads = import_batches_stale(now=timezone.now())
        if not apply:
            self.stdout.write(
                f"Dry run: {total} pupil(s) left more than {years} year(s) ago "
                f"and would be anonymised; {uploads.count()} unconfirmed upload(s) older than "
                "a day would be deleted. Run with --apply to do so."
            )
            return
        count = pupils_anonymise(pupils=pupils.select_related("user"))
        purged = import_batches_purge(now=timezone.now())
        self.stdout.write(f"Anonymised {count} pupil(s); deleted {purged} unconfirmed upload(s).")
