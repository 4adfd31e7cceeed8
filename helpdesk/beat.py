"""Beat with a standby: django-celery-beat's database scheduler, sending only while it holds a
Redis lock.

The database scheduler has no lock of its own, so two beats would send every periodic task twice
(django-celery-beat #337). Under this one any number of beats may run on any machines: the one
holding the lock sends; the others tick idle, trying for the lock, and one of them takes over at
most BEAT_LOCK_TIMEOUT seconds after the holder dies (at once when it stops cleanly, as it
releases the lock). The schedules stay in the database, where managers edit them in the admin.
"""

import contextlib
import logging
from typing import Any

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)


class LockedDatabaseScheduler(DatabaseScheduler):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock_timeout: int = settings.BEAT_LOCK_TIMEOUT
        client = redis.Redis.from_url(
            settings.BEAT_LOCK_URL, socket_connect_timeout=2, socket_timeout=2
        )
        self.lock = client.lock(settings.BEAT_LOCK_KEY, timeout=self.lock_timeout)
        self.holding = False
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        """Send what is due only after making sure, this very tick, that the lock is still ours:
        a holder cut off from Redis for longer than the timeout stops sending, since another
        beat may have taken over meanwhile."""
        if not self._hold_lock():
            # A standby checks often enough to take over soon after the lock expires.
            return min(float(self.max_interval), self.lock_timeout / 3)
        return float(super().tick(*args, **kwargs))

    def close(self) -> None:
        """On a clean stop, write what was sent and hand the lock over at once."""
        super().close()
        if self.holding:
            self.holding = False
            # Expired or unreachable: a standby takes over when it expires anyway.
            with contextlib.suppress(LockError, RedisError):
                self.lock.release()

    def _hold_lock(self) -> bool:
        try:
            if self.holding:
                self.lock.reacquire()
                return True
            if self.lock.acquire(blocking=False):
                self.holding = True
                log.info("beat: holding the lock, sending the periodic tasks")
                self._read_schedule_afresh()
                return True
        except LockError:
            log.warning("beat: lost the lock (another beat may send now), standing by")
            self.holding = False
        except RedisError as error:
            if self.holding:
                log.warning("beat: cannot reach Redis to keep the lock, standing by: %s", error)
            self.holding = False
        return False

    def _read_schedule_afresh(self) -> None:
        """The schedule this beat read while it stood by is stale: the last holder wrote each
        entry's last run after every send, so reading it again now sends nothing twice."""
        self._initial_read = True
        self._heap = None
