"""Merges results that share pupil, instrument and date, before the next migration makes such
a pair impossible. The one entered last stays (it is the one every figure already counts); the
others are deleted, each with a history row that says so, as a delete in the app writes one
(a migration writes none by itself). The level table needs nothing: it already followed the
result entered last.

Kept apart from the constraint: on PostgreSQL a data change and a new constraint in one
migration fail with pending trigger events.
"""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

REASON = "merged: another result of this test on this date was entered later"


def merge_duplicates(apps, schema_editor):
    Result = apps.get_model("schools", "Result")
    HistoricalResult = apps.get_model("schools", "HistoricalResult")
    keys = (
        Result.objects.values("pupil_id", "instrument_id", "assessed_on")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    now = timezone.now()
    for key in keys.iterator():
        same = Result.objects.filter(
            pupil_id=key["pupil_id"],
            instrument_id=key["instrument_id"],
            assessed_on=key["assessed_on"],
        ).order_by("-entered_at", "-pk")
        for result in list(same)[1:]:
            HistoricalResult.objects.create(
                id=result.pk,
                pupil_id=result.pupil_id,
                instrument_id=result.instrument_id,
                skill=result.skill,
                assessed_on=result.assessed_on,
                score=result.score,
                level=result.level,
                entered_by_id=result.entered_by_id,
                entered_at=result.entered_at,
                history_date=now,
                history_type="-",
                history_change_reason=REASON,
                history_user_id=None,
            )
            result.delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0008_level_spans")]

    operations = [migrations.RunPython(merge_duplicates, migrations.RunPython.noop)]
