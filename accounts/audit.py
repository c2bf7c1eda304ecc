"""The audit trail of individual pupil records: every page, download and API call that shows
or changes one pupil's record adds a row through `record`."""

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
    """One row per pupil, in one query (a class grid, an import, a bulk API write)."""
    PupilAccess.objects.bulk_create(
        PupilAccess(
            user_id=request.user.pk, pupil_id=pupil_id, action=action, path=request.path[:300]
        )
        for pupil_id in sorted(set(pupil_ids))
    )
