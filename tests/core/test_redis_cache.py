"""The Redis cache keeps one redis-py client per connection pool (Django's makes one per
operation), and works as Django's does: against the real Redis the machine runs."""

import socket

import pytest

from core.redis_cache import RedisCache


def _redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_one_client_serves_every_operation_and_values_round_trip():
    cache = RedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "taalpad-test"})
    cache.clear()
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    cache.set("figures", {"met": 3, "levels": (1, 2)}, 60)
    cache.set_many({"a": 1, "b": "twee"}, 60)
    assert cache.get("figures") == {"met": 3, "levels": (1, 2)}
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": "twee"}
    assert cache.add("a", 5) is False and cache.incr("a") == 2
    cache.delete("figures")
    assert cache.get("figures") is None
    assert cache._cache.get_client(write=True) is client
    cache.clear()
