"""Delivering outbox rows by email; each row is claimed under a lock so it is sent once."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def enqueue(keys: list[str]) -> None:
    """Ask the worker to deliver now; if the broker is unreachable the sweep delivers later."""
    from notifications.tasks import deliver_notifications

    try:
        deliver_notifications.delay(keys)
    except Exception:
        log.warning("Broker unreachable; %d notification(s) wait for the sweep", len(keys))


def deliver(*, now=None, keys: list[str] | None = None, limit: int = 200) -> list[Notification]:
    """Send due, unsent notifications (only those named by `keys`, if given); returns the sent."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        sent_at__isnull=True, scheduled_for__lte=now, attempts__lt=MAX_ATTEMPTS
    )
    if keys is not None:
        due = due.filter(key__in=keys)
    sent = []
    for notification_id in due.order_by("scheduled_for", "id").values_list("id", flat=True)[:limit]:
        notification = _deliver_one(notification_id, now)
        if notification is not None:
            sent.append(notification)
    return sent


def _deliver_one(notification_id: int, now) -> Notification | None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("case", "recipient")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return None  # another worker has it, or has sent it already
        notification.attempts += 1
        try:
            _send_email(notification)
        except Exception as error:
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            notification.save(update_fields=["attempts", "last_error"])
            log.warning("Notification %s failed: %s", notification.pk, error)
            return None
        notification.sent_at = now
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "sent_at"])
        return notification


def _send_email(notification: Notification) -> None:
    recipient = notification.recipient
    if not recipient.email:
        return  # in-app only: the notification list shows it
    context = {"notification": notification, "case": notification.case, "recipient": recipient}
    template = f"notifications/email/{notification.kind}"
    subject = f"[{notification.case.reference}] {notification.get_kind_display()}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
