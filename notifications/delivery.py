"""Delivering outbox rows: each row is claimed with a lease, sent outside any transaction and
then marked (notifications/leases.py: at least once, never by two workers at once), and a failed
attempt is retried later with exponential backoff, by the task that tried it and by the sweep.

An email shows the case as the row recorded it at the cause (`notify()`), not as it is when the
email goes out: a resolution sent late still says "Resolved", not "Closed". It is written in the
recipient's time zone (their own, else the site's), its dates in words as on the pages.

Every email is in its case's thread (notifications/mail_threads.py) under a Message-ID kept on
the row, says where a reply reaches the case and whether a robot sent it
(notifications/mail_headers.py), and goes only where and when notifications/mail_limits.py
allows: never to an undeliverable address (the row says so and stays in the app), and at most
AUTOMATIC_EMAILS_PER_HOUR automatic emails an hour to one address (the rest wait their turn).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Attachment, Comment, HistoryEntry, User
from cases.roles import is_staff_role, role_of
from cases.text import markdown_to_text
from cases.times import format_datetime, zone_of
from notifications import leases
from notifications.leases import Outcome
from notifications.links import case_url
from notifications.mail_headers import automatic_headers, queue_address, reply_to
from notifications.mail_limits import (
    held_back_because,
    held_back_until,
    lock_address,
    normalized,
    withheld_because,
)
from notifications.mail_names import new_message_id
from notifications.mail_threads import Thread, opening_message, thread_of
from notifications.models import AutoSubmitted, Kind, Notification

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
    return deliver_rows(due(now).filter(key__in=keys).order_by("scheduled_for", "id"), now=now)


def deliver_one(notification_id: int, *, now: datetime) -> Outcome | None:
    """Send one row if it is still due; None when another worker has it or has sent it."""
    outcomes = deliver_rows(due(now).filter(pk=notification_id), now=now)
    return outcomes[0] if outcomes else None


def deliver_rows(
    rows: QuerySet[Notification], *, now: datetime, limit: int | None = None
) -> list[Outcome]:
    """Send `rows` (due ones, ordered and limited by the caller) through their leases
    (notifications/leases.py): each claimed row is judged under its lock (no usable address, an
    undeliverable one, the hourly limit of automatic emails), then written out (`email_of`) and
    sent outside any transaction."""
    return leases.deliver(
        OUTBOX, rows.select_related("case__queue", "recipient"), now=now, limit=limit
    )


def _judge(notification: Notification, now: datetime) -> Outcome | None:
    """Settle a claimed row that sends no email now, or make it ready to send (None)."""
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        # The in-app list is the row itself: someone without an email address, or no
        # longer active, gets no email and nothing is lost.
        return _done(notification, now)
    if recipient.email_undeliverable_since is not None:
        notification.email_withheld = withheld_because(recipient.email_undeliverable_reason)
        _done(notification, now, "email_withheld")
        return Outcome(notification, withheld=notification.email_withheld)
    if notification.kind == Kind.CASE_CREATED and opening_message(notification.case) is not None:
        notification.auto_submitted = AutoSubmitted.AUTO_REPLIED
    if notification.auto_submitted != AutoSubmitted.NO:
        lock_address(recipient.email)
        until = held_back_until(recipient.email, now=now)
        if until is not None:
            notification.held_back = held_back_because(until)
            notification.next_attempt_at = until
            notification.save(update_fields=["auto_submitted", "held_back", "next_attempt_at"])
            return Outcome(notification, held_back_until=until)
    # Rows recorded before emails had a Message-ID get theirs now, kept for the retries.
    notification.message_id = notification.message_id or new_message_id()
    # Counted by the hourly limit while the email is in flight (its lease), emptied again if
    # the attempt fails.
    notification.emailed_to = normalized(recipient.email)
    return None


def _email(notification: Notification) -> EmailMultiAlternatives:
    opening = opening_message(notification.case)
    answers = opening if notification.kind == Kind.CASE_CREATED else None
    return email_of(notification, thread_of(notification, opening=opening, answers=answers))


def _done(notification: Notification, now: datetime, *fields: str) -> Outcome:
    """Stamp the row delivered (no email to send) and save it with `fields`."""
    notification.sent_at = now
    notification.next_attempt_at = None
    notification.save(update_fields=list(dict.fromkeys(["sent_at", "next_attempt_at", *fields])))
    return Outcome(notification)


OUTBOX = leases.Outbox[Notification](
    name="Notification",
    judge=_judge,
    email_of=_email,
    retry_delay=retry_delay,
    claim_fields=("message_id", "auto_submitted", "emailed_to"),
    unset_on_failure=("emailed_to",),
)


def email_of(notification: Notification, thread: Thread) -> EmailMultiAlternatives:
    """The email of a notification to its recipient, plain text and HTML, in the case's thread
    (`thread`), with the reply address that leads back to the case and, when a robot sent it,
    `Auto-Submitted`. Building it touches nothing: the caller sends it."""
    recipient = notification.recipient
    case = notification.case
    template = f"notifications/email/{notification.kind}"
    answer_at = queue_address(case.queue)
    # Every date the email writes is in the recipient's zone, as their pages show it.
    with timezone.override(zone_of(recipient)):
        context = email_context(notification, answer_at=answer_at)
        body = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"[{case.reference}] {notification.get_kind_display()}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=[reply_to(answer_at, case_id=case.pk, person_id=recipient.pk)],
        headers={
            "Message-ID": str(notification.message_id),
            **thread.headers,
            **automatic_headers(notification.auto_submitted),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def email_context(notification: Notification, *, answer_at: str | None) -> dict[str, Any]:
    """What the templates may show. Only customer-facing text is ever put here (the case's own
    fields, public replies and the notes of transitions that customers see, never an internal
    note or an internal history note, nor their files), so no template can leak one, whoever
    the recipient is. The status is the one at the cause; rows recorded before it was kept have
    none, and the templates then leave it out. `quote` is Markdown as people wrote it, which the
    HTML emails render with the pages' `markdown` filter; `quote_text` is the same as plain text
    for the text part. `attachments` names the files that came with the quoted message (in the
    acknowledgement, the quote is the new case's description and the files are the case's).
    Dates are in words in the active time zone (the recipient's, in `email_of`). `answer_at`
    is where mail to the case's queue is read (`mail_headers.queue_address`), if anywhere."""
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
        "reply_hint": reply_hint(notification.recipient, answer_at=answer_at),
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


def reply_hint(recipient: User, *, answer_at: str | None) -> str:
    """What replying to the email does, when it reaches the case: a customer's reply does when
    the queue's own address is read or the reply address carries a token; an agent's is posted
    only by a token naming them (EMAIL_PLUS_ADDRESSING), and then as a public reply."""
    if is_staff_role(role_of(recipient)):
        if settings.EMAIL_PLUS_ADDRESSING:
            return "Replying to this email posts your answer on the case as a public reply."
        return ""
    if settings.EMAIL_PLUS_ADDRESSING or answer_at:
        return "You can also reply to this email: your answer is added to the case."
    return ""


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
