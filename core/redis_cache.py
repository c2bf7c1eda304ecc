"""Django's Redis cache, with one redis-py client per connection pool.

Django's client makes a new `redis.Redis` object for every cache operation, and redis-py builds
its table of some 170 response callbacks in each: 0.3 ms per operation, three or four of them
on every signed-in request (the session, the data versions, a kept page or chart). A client
object is safe to share between threads; its connections still come from the pool.
"""

from django.core.cache.backends import redis as django_redis


class _Client(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
