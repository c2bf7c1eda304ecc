"""Values kept in the shared cache for as long as the versions they were made under are
current: a list of targets, the rows of a signed-in person.

A value is stored beside the versions read before it was made, and is read back in the same
round trip as the current versions (one MGET). Whatever writes what a value is made from moves
a version on, when it writes and again when it commits, so a value another process made from
the rows as they were before the commit is never used after it.
"""

import uuid

from django.core.cache import cache
from django.db import transaction


def kept(key, version_keys, make, seconds, *, version_seconds=None):
    """The value kept under `key` if made under the current `version_keys`; else `make()`,
    kept for `seconds`."""
    found = cache.get_many([*version_keys, key])
    versions = []
    for version_key in version_keys:
        version = found.get(version_key)
        if version is None:
            cache.add(version_key, uuid.uuid4().hex, version_seconds)
            version = cache.get(version_key)
        versions.append(version)
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = make()
    cache.set(key, (versions, value), seconds)
    return value


def move_on(version_key, *, version_seconds=None):
    """Values kept under this version are not used again: from now, and from the commit of
    the transaction that is writing (if any)."""

    def move():
        cache.set(version_key, uuid.uuid4().hex, version_seconds)

    move()
    transaction.on_commit(move)
