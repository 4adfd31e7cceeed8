"""Delivering outbox rows: each row is claimed under a lock so it is sent once, and a failed
attempt is retried later with exponential backoff, by the task that tried it and by the sweep."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string

from notifications.models import Kind, Notification
from workflows.registry import as_workflow_case

log = logging.getLogger(__name__)

# After this many failed attempts a row is left alone, its last error kept for the admin.
MAX_ATTEMPTS = 8
FIRST_RETRY_AFTER = timedelta(minutes=1)
LONGEST_RETRY_AFTER = timedelta(hours=6)

# The kinds whose email quotes the public reply that caused them.
QUOTES_LAST_REPLY = {Kind.PUBLIC_REPLY, Kind.AWAITING_CONFIRMATION}


@dataclass(frozen=True)
class Outcome:
    notification: Notification
    error: str = ""

    @property
    def sent(self) -> bool:
        return not self.error


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failure, at most a few hours: a mail
    server that is down for a while is not hammered, and one back soon is used soon."""
    return min(FIRST_RETRY_AFTER * 2 ** (attempts - 1), LONGEST_RETRY_AFTER)


def enqueue(keys: list[str]) -> None:
    """Ask the worker to deliver now; if the broker is unreachable the sweep delivers later.

    The broker settings make this fail within a fraction of a second (see CELERY_* in settings),
    so a web request whose notification is being recorded never waits on a broker outage.
    """
    from notifications.tasks import deliver_notifications

    try:
        deliver_notifications.delay(keys)
    except Exception:
        log.warning("Broker unreachable; %d notification(s) wait for the sweep", len(keys))


def due(now) -> QuerySet[Notification]:
    """Unsent rows whose time has come and that are not backing off after a failure."""
    return Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        sent_at__isnull=True,
        scheduled_for__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    )


def deliver(*, keys: list[str], now) -> list[Outcome]:
    """Deliver the due rows among `keys` (what the task after a commit was asked for)."""
    ids = due(now).filter(key__in=keys).order_by("scheduled_for", "id").values_list("id", flat=True)
    outcomes = [deliver_one(notification_id, now=now) for notification_id in ids]
    return [outcome for outcome in outcomes if outcome is not None]


def deliver_one(notification_id: int, *, now) -> Outcome | None:
    """Send one row if it is still due; None when another worker has it or has sent it."""
    with transaction.atomic():
        notification = (
            due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return None
        notification.attempts += 1
        try:
            send_email(notification)
        except Exception as error:  # whatever the mail backend raises, the row keeps it
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            notification.next_attempt_at = now + retry_delay(notification.attempts)
            notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            log.warning("Notification %s failed: %s", notification.pk, error)
            return Outcome(notification, error=notification.last_error)
        notification.sent_at = now
        notification.last_error = ""
        notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "last_error", "next_attempt_at", "sent_at"])
        return Outcome(notification)


def send_email(notification: Notification) -> None:
    """Email the recipient, plain text and HTML; the in-app list is the row itself, so someone
    without an email address, or no longer active, gets no email and nothing is lost."""
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        return
    context = email_context(notification)
    template = f"notifications/email/{notification.kind}"
    message = EmailMultiAlternatives(
        subject=f"[{notification.case.reference}] {notification.get_kind_display()}",
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def email_context(notification: Notification) -> dict:
    """What the templates may show. Only customer-facing text is ever put here (the case's own
    fields and public replies, never an internal note or an internal history note), so no
    template can leak one, whoever the recipient is."""
    case = as_workflow_case(notification.case)
    reply = None
    if notification.kind in QUOTES_LAST_REPLY:
        reply = (
            case.comments.filter(internal=False, created_at__lte=notification.created_at)
            .order_by("-created_at", "-id")
            .first()
        )
    return {
        "notification": notification,
        "case": case,
        "recipient": notification.recipient,
        "status_label": case.definition.label(case.status),
        "sub_status_label": case.definition.sub_status_label(case.status, case.sub_status),
        "reply": reply,
    }
