"""Celery tasks of the notifications app: thin, they call the delivery code."""

from celery import shared_task
from django.utils import timezone

from notifications.delivery import MAX_ATTEMPTS, deliver, retry_delay


@shared_task(bind=True, ignore_result=True, max_retries=MAX_ATTEMPTS)
def deliver_notifications(self, keys: list[str]) -> int:
    """Deliver what a commit just recorded. Rows that failed are tried again by this task after
    their backoff; should the task itself be lost, the delivery sweep finds them all the same."""
    outcomes = deliver(keys=keys, now=timezone.now())
    failed = [outcome.notification for outcome in outcomes if not outcome.sent]
    if failed:
        attempts = min(notification.attempts for notification in failed)
        raise self.retry(
            args=[[notification.key for notification in failed]],
            countdown=retry_delay(attempts).total_seconds(),
        )
    return len(outcomes)
