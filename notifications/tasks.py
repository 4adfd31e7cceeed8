"""The Celery task that delivers what a commit recorded, and `enqueue`, the one way to ask for it.

Publishing never happens on the caller's thread (except in eager mode, where there is no
broker): `enqueue` hands the keys to one background thread of the process and returns at once.
A broker that refuses connections fails a publish within a fraction of a second (see the CELERY_*
settings), but one that accepts the connection and never answers holds a publish for the socket
timeout (10 s), and a request waiting for that would hold a web worker with it. Shorter timeouts
would only shorten the stall, and the broker transport options apply to the worker's own
consuming connection too; publishing off the request thread removes the stall for every kind of
outage.

The thread's backlog is bounded: when it is full (the broker is hanging), `enqueue` drops the
keys with a warning instead of queueing without end. Nothing is lost by dropping, nor by a
publish that fails, nor by a process that exits with keys still waiting: the rows stay in the
outbox, and the delivery sweep sends whatever is due and unsent.
"""

import logging
import os
import queue
import threading

from celery import Task, shared_task
from django.utils import timezone

from notifications import account_emails, delivery, notice_delivery
from notifications.delivery import MAX_ATTEMPTS, retry_delay

log = logging.getLogger(__name__)

# Publishes waiting for the thread: a burst of commits while the broker is slow fits, a broker
# that never answers cannot make the process hold keys without end.
BACKLOG = 100


@shared_task(bind=True, ignore_result=True, max_retries=MAX_ATTEMPTS)
def deliver_notifications(self: Task[[list[str]], int], keys: list[str]) -> int:
    """Deliver what a commit just recorded (notifications, emails about an account and notices
    answering a message that came in: their keys tell them apart). Rows that failed are tried
    again by this task after their backoff; should the task itself be lost, the delivery sweep
    finds them all the same."""
    now = timezone.now()
    outcomes = [
        *delivery.OUTBOX.deliver(keys=keys, now=now),
        *account_emails.OUTBOX.deliver(keys=keys, now=now),
        *notice_delivery.OUTBOX.deliver(keys=keys, now=now),
    ]
    # Only failures are retried here: a row held back by the hourly limit is due again at its
    # time, and the delivery sweep sends it then.
    failed = [outcome.notification for outcome in outcomes if outcome.error]
    if failed:
        attempts = min(notification.attempts for notification in failed)
        raise self.retry(
            args=([notification.key for notification in failed],),
            countdown=retry_delay(attempts).total_seconds(),
        )
    return len(outcomes)


def enqueue(keys: list[str]) -> None:
    """Ask the worker to deliver `keys` now, without waiting for the broker (see above).

    In eager mode (tests, the demo loader, the bench) the task runs right here, as configured:
    there is no broker to wait for, and the task must see the caller's database connection.
    """
    if deliver_notifications.app.conf.task_always_eager:
        # `apply`, not `delay`: Celery's eager `delay` still takes a producer from the broker's
        # connection pool, which a test of an outage may have closed.
        deliver_notifications.apply(args=(keys,))
    elif not _publisher.submit(keys):
        log.warning("Broker publishing backed up; %d notification(s) wait for the sweep", len(keys))


def _publish(keys: list[str]) -> None:
    try:
        deliver_notifications.delay(keys)
    except Exception as error:
        log.warning(
            "Broker unreachable; %d notification(s) wait for the sweep (%s: %s)",
            len(keys),
            type(error).__name__,
            error,
        )


class Publisher:
    """A daemon thread publishing the keys handed to it, in order, from a bounded backlog."""

    def __init__(self, backlog: int) -> None:
        self.backlog = backlog
        self.reset()

    def reset(self) -> None:
        """Start afresh with no thread: a forked child (a web or Celery worker process) inherits
        the parent's backlog and lock but not its thread."""
        self._lock = threading.Lock()
        self._waiting: queue.Queue[list[str]] = queue.Queue(self.backlog)
        self._thread: threading.Thread | None = None

    def submit(self, keys: list[str]) -> bool:
        """Hand `keys` to the thread (started on first use); False when the backlog is full."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="notification-publisher", daemon=True
                )
                self._thread.start()
        try:
            self._waiting.put_nowait(keys)
        except queue.Full:
            return False
        return True

    def _run(self) -> None:
        while True:
            keys = self._waiting.get()
            _publish(keys)


_publisher = Publisher(BACKLOG)
os.register_at_fork(after_in_child=_publisher.reset)
