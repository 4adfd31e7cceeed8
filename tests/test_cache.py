"""The shared cache (helpdesk/cache.py): Redis when it answers; when it does not, reads miss and
writes are dropped at once, and no request fails for it."""

import importlib
import time

import pytest
from django.core.cache.backends.redis import RedisCache

from helpdesk import settings
from helpdesk.cache import ForgivingRedisCache

# A port where nothing listens: every connection is refused.
NOWHERE = "redis://127.0.0.1:9/0"


def cache_at(url: str, prefix: str = "test-cache") -> ForgivingRedisCache:
    return ForgivingRedisCache(
        url, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_without_redis_a_read_misses_and_a_write_is_dropped_quickly():
    cache = cache_at(NOWHERE)
    started = time.monotonic()

    cache.set("presence", {"agnes": 1})
    assert cache.get("presence") is None
    assert cache.get("presence", "fallback") == "fallback"
    assert cache.delete("presence") is False
    cache.clear()

    assert time.monotonic() - started < 5


@pytest.mark.redis
def test_with_redis_it_keeps_values_and_clears_only_its_own_keys(redis_url):
    cache = cache_at(redis_url, prefix="test-cache-own")
    neighbour = RedisCache(redis_url, {"KEY_PREFIX": "test-cache-neighbour"})
    neighbour.set("broker-like", "kept")

    cache.set("presence", {"agnes": 1}, timeout=30)
    assert cache.get("presence") == {"agnes": 1}
    cache.clear()

    assert cache.get("presence") is None
    assert neighbour.get("broker-like") == "kept"
    neighbour.delete("broker-like")


def test_the_settings_use_it_when_a_redis_url_is_given(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/3")
    try:
        reloaded = importlib.reload(settings)
        assert reloaded.CACHES["default"]["BACKEND"] == "helpdesk.cache.ForgivingRedisCache"
        monkeypatch.setenv("CACHE_URL", "")
        monkeypatch.delenv("REDIS_URL", raising=False)
        reloaded = importlib.reload(settings)
        assert reloaded.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    finally:
        monkeypatch.undo()
        importlib.reload(settings)
