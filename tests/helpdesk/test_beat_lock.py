"""Two beats against one Redis: only the lock's holder sends, and a standby takes over when the
holder stops or dies, without sending again what the holder sent."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from helpdesk.beat import LockedDatabaseScheduler
from helpdesk.celery import app as celery_app

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class RecordingScheduler(LockedDatabaseScheduler):
    """Records what it would publish instead of reaching the broker."""

    producer = None

    def __init__(self, sent: list[str], name: str) -> None:
        self.sent = sent
        self.name = name
        super().__init__(app=celery_app)

    def send_task(self, name, *args, **kwargs):
        self.sent.append(self.name)


@pytest.fixture(autouse=True)
def _lock(settings, redis_url):
    settings.BEAT_LOCK_URL = redis_url
    settings.BEAT_LOCK_KEY = f"test-beat-lock:{uuid.uuid4().hex}"
    settings.BEAT_LOCK_TIMEOUT = 1


def periodic_task(every_seconds: int) -> PeriodicTask:
    """An entry due now (it last ran two periods ago), of a task no worker knows."""
    return PeriodicTask.objects.create(
        name="heartbeat",
        task="tests.beat.heartbeat",
        interval=IntervalSchedule.objects.create(every=every_seconds, period="seconds"),
        last_run_at=timezone.now() - timedelta(seconds=2 * every_seconds),
    )


def tick_all(*schedulers: RecordingScheduler, times: int = 3) -> None:
    for _ in range(times):
        for scheduler in schedulers:
            scheduler.tick()


def test_of_two_beats_only_the_lock_holder_sends():
    periodic_task(every_seconds=60)
    sent: list[str] = []
    first, second = RecordingScheduler(sent, "first"), RecordingScheduler(sent, "second")

    tick_all(first, second)

    assert sent == ["first"]


def test_the_standby_sends_at_once_when_the_holder_stops_cleanly():
    periodic_task(every_seconds=1)
    sent: list[str] = []
    first, second = RecordingScheduler(sent, "first"), RecordingScheduler(sent, "second")
    tick_all(first, second)
    first.close()
    time.sleep(1.1)  # the entry is due again

    tick_all(second)

    assert sent == ["first", "second"]


def test_the_standby_takes_over_when_the_holder_dies_and_its_lock_expires():
    periodic_task(every_seconds=1)
    sent: list[str] = []
    first, second = RecordingScheduler(sent, "first"), RecordingScheduler(sent, "second")
    tick_all(first, second)

    # The first dies without a word: no close(), its lock simply stops being extended.
    tick_all(second)
    assert sent == ["first"]
    time.sleep(1.1)
    tick_all(second)

    assert sent == ["first", "second"]


def test_taking_over_does_not_send_again_what_the_holder_sent():
    periodic_task(every_seconds=60)
    sent: list[str] = []
    first, second = RecordingScheduler(sent, "first"), RecordingScheduler(sent, "second")
    tick_all(first, second)
    first.close()

    tick_all(second)

    assert sent == ["first"]
    assert second.holding


def test_a_holder_whose_lock_was_taken_stops_sending():
    periodic_task(every_seconds=1)
    sent: list[str] = []
    first, second = RecordingScheduler(sent, "first"), RecordingScheduler(sent, "second")
    tick_all(first)
    time.sleep(1.1)  # the first stalls past its lock's timeout and the second takes over
    tick_all(second)

    tick_all(first)

    assert sent == ["first", "second"]
    assert not first.holding
