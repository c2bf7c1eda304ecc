"""The audit trail of individual pupil records: every page, download and API call that shows
or changes one pupil's record adds a row through `record`."""

import json

from django.db import connection
from django.utils import timezone

from accounts.models import PupilAccess


def record(request, pupil_id, action):
    user = getattr(request, "user", None)
    PupilAccess.objects.create(
        user_id=user.pk if user is not None and user.is_authenticated else None,
        pupil_id=pupil_id,
        action=action,
        path=request.path[:300],
    )


def record_many(request, pupil_ids, action):
    """One row per pupil, in one statement (a class grid, an import, a bulk API write): the
    pupils' ids travel as one array, so thirty rows cost what one does (bulk_create built and
    prepared a model instance per row)."""
    pupil_ids = sorted({int(pk) for pk in pupil_ids})
    if not pupil_ids:
        return
    table = connection.ops.quote_name(PupilAccess._meta.db_table)
    if connection.vendor == "postgresql":
        each_pupil = "FROM UNNEST(%s::bigint[]) AS pupil(id)"
        pupils = pupil_ids
    else:
        each_pupil = "FROM json_each(%s) AS pupil"  # SQLite's rows of a JSON array
        pupils = json.dumps(pupil_ids)
    column = "pupil.id" if connection.vendor == "postgresql" else "pupil.value"
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, user_id, pupil_id, action, path)"
            f" SELECT %s, %s, {column}, %s, %s {each_pupil}",
            [at, request.user.pk, PupilAccess.Action(action).value, request.path[:300], pupils],
        )
