"""Celery tasks of the notifications app: thin, they call the delivery code."""

from celery import shared_task

from notifications.delivery import deliver


@shared_task(ignore_result=True)
def deliver_notifications(keys: list[str]) -> int:
    return len(deliver(keys=keys))
