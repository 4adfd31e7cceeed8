"""Delivering outbox rows: each row is claimed under a lock so it is sent once, and a failed
attempt is retried later with exponential backoff, by the task that tried it and by the sweep.

An email shows the case as the row recorded it at the cause (`notify()`), not as it is when the
email goes out: a resolution sent late still says "Resolved", not "Closed". It is written in the
recipient's time zone (their own, else the site's), its dates in words as on the pages.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Attachment, Comment, HistoryEntry, User
from cases.text import markdown_to_text
from cases.times import format_datetime, zone_of
from notifications.links import case_url
from notifications.models import AccountEmail, Kind, Notification

log = logging.getLogger(__name__)

# After this many failed attempts a row is left alone, its last error kept for the admin.
MAX_ATTEMPTS = 8
FIRST_RETRY_AFTER = timedelta(minutes=1)
LONGEST_RETRY_AFTER = timedelta(hours=6)

# The kinds whose email quotes the public reply that caused them (a transition's message posted
# as a reply: the answer, the proposed solution).
QUOTES_REPLY = {Kind.PUBLIC_REPLY, Kind.AWAITING_CONFIRMATION, Kind.SOLUTION_PROPOSED}
# The kinds whose email quotes what the transition that caused them said to the customer: the
# solution (close notes) or the note, never an internal one. A request for information that
# said nothing quotes support's latest public reply instead, which usually asks the question.
QUOTES_TRANSITION = {Kind.RESOLUTION, Kind.CLOSURE, Kind.INFO_REQUESTED, Kind.SOLUTION_REJECTED}
_BY_SUPPORT = Q(author__in=User.objects.staff())


@dataclass(frozen=True)
class Outcome:
    """One attempt at a row of the outbox: a notification, or an email about an account
    (notifications/account_emails.py), which back off alike."""

    notification: Notification | AccountEmail
    error: str = ""

    @property
    def sent(self) -> bool:
        return not self.error


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failure, at most a few hours: a mail
    server that is down for a while is not hammered, and one back soon is used soon."""
    delay: timedelta = FIRST_RETRY_AFTER * 2 ** (attempts - 1)
    return min(delay, LONGEST_RETRY_AFTER)


def due(now: datetime) -> QuerySet[Notification]:
    """Unsent rows whose time has come and that are not backing off after a failure."""
    return Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        sent_at__isnull=True,
        scheduled_for__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    )


def deliver(*, keys: list[str], now: datetime) -> list[Outcome]:
    """Deliver the due rows among `keys` (what the task after a commit was asked for)."""
    ids = due(now).filter(key__in=keys).order_by("scheduled_for", "id").values_list("id", flat=True)
    outcomes = [deliver_one(notification_id, now=now) for notification_id in ids]
    return [outcome for outcome in outcomes if outcome is not None]


def deliver_one(notification_id: int, *, now: datetime) -> Outcome | None:
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
    template = f"notifications/email/{notification.kind}"
    # Every date the email writes is in the recipient's zone, as their pages show it.
    with timezone.override(zone_of(recipient)):
        context = email_context(notification)
        body = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"[{notification.case.reference}] {notification.get_kind_display()}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


def email_context(notification: Notification) -> dict[str, Any]:
    """What the templates may show. Only customer-facing text is ever put here (the case's own
    fields, public replies and the notes of transitions that customers see, never an internal
    note or an internal history note, nor their files), so no template can leak one, whoever
    the recipient is. The status is the one at the cause; rows recorded before it was kept have
    none, and the templates then leave it out. `quote` is Markdown as people wrote it, which the
    HTML emails render with the pages' `markdown` filter; `quote_text` is the same as plain text
    for the text part. `attachments` names the files that came with the quoted message (in the
    acknowledgement, the quote is the new case's description and the files are the case's).
    Dates are in words in the active time zone (the recipient's, in `send_email`)."""
    reply = None
    entry = None
    quote = ""
    if notification.kind in QUOTES_REPLY:
        reply = _public_replies(notification).first()
    elif notification.kind in QUOTES_TRANSITION:
        entry = _transition_entry(notification)
        quote = _said_to_the_customer(entry)
        if not quote and notification.kind == Kind.INFO_REQUESTED:
            entry = None
            reply = _public_replies(notification).filter(_BY_SUPPORT).first()
    elif notification.kind == Kind.CASE_CREATED:
        # The acknowledgement repeats what the customer asked (or what support wrote down for
        # them), so they can check it was understood.
        quote = notification.case.description
    if reply is not None:
        quote = reply.body
    case = notification.case
    return {
        "notification": notification,
        "case": case,
        "recipient": notification.recipient,
        "case_url": case_url(case, notification.recipient),
        "status_label": notification.case_status_label,
        "sub_status_label": notification.case_sub_status_label,
        "reply": reply,
        "quote": quote,
        "quote_text": markdown_to_text(quote),
        "attachments": _files(notification, reply, entry),
        "opened_at": format_datetime(case.created_at),
        "first_response_due_at": (
            format_datetime(case.first_response_due_at) if case.first_response_due_at else ""
        ),
    }


def _public_replies(notification: Notification) -> QuerySet[Comment]:
    """The case's public replies up to the cause, latest first."""
    return (
        notification.case.comments.filter(internal=False, created_at__lte=notification.created_at)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def _transition_entry(notification: Notification) -> HistoryEntry | None:
    """The history entry of the transition that caused the notification: the latest up to the
    cause into the status the row recorded (any status for older rows)."""
    entries = notification.case.history.filter(created_at__lte=notification.created_at)
    if notification.case_status:
        entries = entries.filter(target=notification.case_status)
    return entries.select_related("comment").order_by("-created_at", "-id").first()


def _said_to_the_customer(entry: HistoryEntry | None) -> str:
    """What a transition said to the customer: its close notes or else its note; nothing when
    that note is internal."""
    if entry is None or entry.note_internal:
        return ""
    return str(entry.payload.get("close_notes") or entry.note)


def _files(
    notification: Notification, reply: Comment | None, entry: HistoryEntry | None
) -> list[str]:
    """The names of the files that came with what the email quotes: the reply, the public
    message a transition posted, or, for the acknowledgement, the new case. Never an internal
    note's: `reply` is public, and an entry's message counts only when public too."""
    if reply is not None:
        files = reply.attachments.all()
    elif entry is not None and entry.comment is not None and not entry.comment.internal:
        files = entry.comment.attachments.all()
    elif notification.kind == Kind.CASE_CREATED:
        files = Attachment.objects.filter(case=notification.case, comment__isnull=True)
    else:
        return []
    return list(files.order_by("created_at", "id").values_list("filename", flat=True))
