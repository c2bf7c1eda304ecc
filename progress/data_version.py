"""Versions of the data the figures rest on, so that computed figures can be cached.

Every write that can change a figure (results and bulk writes through `schools.signals`,
enrolments, groups and schools through the model signals below) moves the version on; cached
figures are keyed by it and are never read again after a change. The cache must be shared by
all app servers (Redis in production) for this to hold across processes.

A second version covers what is settled: the days up to the latest reference date that has
passed (1 October, 1 February, 31 July: the municipality reads its figures on them), and so
every finished school year. Their figures only change when a result dated on or before such a
day is written, or an enrolment, group or school changes. Results entered since (the many grid
saves, dated today) leave it alone: the trend's earlier school years and the municipality's
reference date stay cached and stored while a school's own figures of today follow every save.
"""

import datetime
import threading
import uuid
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

KEY = "taalpad:data-version"
HISTORY_KEY = "taalpad:data-version:history"


def settled_before(today=None):
    """Dates before this one are settled: the day after the latest reference date before
    today (today itself is never settled). It is never later than the first day of the
    current school year, since 31 July is a reference date."""
    from progress.suppression import reference_date

    today = today or datetime.date.today()
    return reference_date(today - datetime.timedelta(days=1)) + datetime.timedelta(days=1)


def _read(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def both():
    """(the version of the latest data, that of settled days) from one read of the cache: what
    something made from figures of any date, such as a rendered dashboard, is keyed by."""
    found = cache.get_many([KEY, HISTORY_KEY])
    for key in (KEY, HISTORY_KEY):
        if key not in found:
            found[key] = _read(key)
    return found[KEY], found[HISTORY_KEY]


def for_dates(days):
    """{day: the version that cached figures for it are keyed by}, from one read of the cache
    (a trend asks for a dozen dates; a round trip per date cost a cached chart half its time)."""
    latest, history = both()
    settled = settled_before()
    return {day: history if day < settled else latest for day in days}


def history_version():
    """The version of the figures of settled days (see the module's docstring)."""
    return _read(HISTORY_KEY)


def _move_on(history):
    cache.set(KEY, uuid.uuid4().hex, None)
    if history:
        cache.set(HISTORY_KEY, uuid.uuid4().hex, None)


def bump(*, since=None):
    """Call inside the writing transaction, with the earliest date the write touches (None:
    any date). The version moves now (this process's next read sees the change) and again on
    commit (figures another process computed from the old data meanwhile are dropped too)."""
    history = since is None or since < settled_before()
    _move_on(history)
    if history:
        from progress import stored_years  # it reads the versions kept here

        stored_years.forget(since=since)
    transaction.on_commit(lambda: _move_on(history))


_state = threading.local()


@contextmanager
def bumped_once():
    """For work on many rows at once (the demo city's reset deletes every enrolment one by
    one): the versions move on once, at the end, instead of once per row."""
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = False
        bump()


def _bump_on_write(sender, **kwargs):
    if not getattr(_state, "paused", False):
        bump()  # enrolments, groups and schools: any date


def _bump_on_levels_changed(sender, since=None, **kwargs):
    bump(since=since)


def _forget_target(sender, instance, **kwargs):
    from progress import stored_years

    stored_years.forget(target=instance)


def _check_stored_years(sender, repair=False, **kwargs):
    from progress import stored_years, targets

    if repair:
        stored_years.forget()
        return (_("stored school years"), [])
    return (_("stored school years"), targets.stored_year_differences())


def connect():
    from progress.models import Target
    from schools.models import Enrolment, Group, School
    from schools.signals import derived_data_check, levels_changed

    derived_data_check.connect(_check_stored_years, dispatch_uid="stored-years-check")

    post_save.connect(_forget_target, sender=Target, dispatch_uid="stored-years-target")

    levels_changed.connect(_bump_on_levels_changed, dispatch_uid="version-levels")
    for model in (Enrolment, Group, School):
        post_save.connect(_bump_on_write, sender=model, dispatch_uid=f"version-{model.__name__}")
        post_delete.connect(_bump_on_write, sender=model, dispatch_uid=f"version-{model.__name__}")
