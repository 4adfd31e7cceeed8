"""The shared cache: Django's Redis cache, except that Redis being down or slow never fails or
holds a request.

What the pages keep there can be lost without harm (who else has a case open, the overview's
minute), so a Redis error is logged and read as "nothing cached": a read misses, a write is
dropped. Connections give up after a second (`CACHES` in the settings).
"""

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _ignored(action: str, error: RedisError) -> None:
    log.warning("cache unavailable, %s ignored: %s", action, error)


class ForgivingRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _ignored("a read", error)
            return default

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _ignored("a write", error)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as error:
            _ignored("a delete", error)
            return False

    def clear(self) -> None:
        """This cache's keys only (its KEY_PREFIX), never the whole database as Django's does:
        the Celery broker may live in the same one."""
        try:
            client = self._cache.get_client(write=True)
            for key in client.scan_iter(match=f"{self.key_prefix}:*"):
                client.delete(key)
        except RedisError as error:
            _ignored("a clear", error)
