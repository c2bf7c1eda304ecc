"""A version of the data the figures rest on, so that computed figures can be cached.

Every write that can change a figure (results through `schools.levels`, enrolments, groups and
schools through the signals below, bulk writes by calling `bump`) moves the version on; cached
figures are keyed by it and are never read again after a change. The cache must be shared by
all app servers (Redis in production) for this to hold across processes.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

KEY = "taalpad:data-version"


def current():
    version = cache.get(KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(KEY, version, None)
        version = cache.get(KEY, version)
    return version


def _move_on():
    cache.set(KEY, uuid.uuid4().hex, None)


def bump():
    """Call inside the writing transaction. The version moves now (this process's next read
    sees the change) and again on commit (figures another process computed from the old
    data while the transaction ran are dropped too)."""
    _move_on()
    transaction.on_commit(_move_on)


def _bump_on_write(sender, **kwargs):
    bump()


def connect():
    from schools.models import Enrolment, Group, School

    for model in (Enrolment, Group, School):
        post_save.connect(_bump_on_write, sender=model, dispatch_uid=f"version-{model.__name__}")
        post_delete.connect(_bump_on_write, sender=model, dispatch_uid=f"version-{model.__name__}")
