"""Delivering emails about a person's account (a password reset link), through the outbox like
every email: the row is recorded in the transaction of the request (`notifications.outbox`,
`record_password_reset`), the worker is asked to send it after the commit (`notifications.tasks`,
the same task and backoff as the notifications), and the delivery sweep sends whatever is due and
unsent, so that a mail server or broker outage delays the email instead of failing the request or
losing it.

The email is written when it is sent: the reset link's token comes from the user's state then
(django.contrib.auth's token generator), so the row holds nothing that resets a password, and a
link sent late after a retry is valid for as long as one sent at once.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.delivery import MAX_ATTEMPTS, Outcome, retry_delay
from notifications.models import AccountEmail

log = logging.getLogger(__name__)

# Every account email's outbox key starts so: the task that delivers a commit's keys tells them
# from the notifications' by it.
KEY_PREFIX = "account:"


def due(now: datetime) -> QuerySet[AccountEmail]:
    """Unsent rows not backing off after a failure, nor given up."""
    return AccountEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        sent_at__isnull=True,
        created_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    )


def deliver(*, keys: list[str], now: datetime) -> list[Outcome]:
    """Deliver the due rows among `keys` (what the task after a commit was asked for)."""
    ours = [key for key in keys if key.startswith(KEY_PREFIX)]
    if not ours:
        return []
    ids = due(now).filter(key__in=ours).order_by("created_at", "id").values_list("id", flat=True)
    outcomes = [deliver_one(row_id, now=now) for row_id in ids]
    return [outcome for outcome in outcomes if outcome is not None]


def deliver_one(row_id: int, *, now: datetime) -> Outcome | None:
    """Send one row if it is still due; None when another worker has it or has sent it."""
    with transaction.atomic():
        row = (
            due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=row_id)
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        try:
            send_email(row)
        except Exception as error:  # whatever the mail backend raises, the row keeps it
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            row.next_attempt_at = now + retry_delay(row.attempts)
            row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            log.warning("Account email %s failed: %s", row.pk, error)
            return Outcome(row, error=row.last_error)
        row.sent_at = now
        row.last_error = ""
        row.next_attempt_at = None
        row.save(update_fields=["attempts", "last_error", "next_attempt_at", "sent_at"])
        return Outcome(row)


def send_email(row: AccountEmail) -> None:
    """Django's password reset email, with its own templates (templates/registration/), to the
    user's address as it is now. Someone deactivated since they asked gets nothing: they could not
    sign in with the new password. (A person without a usable password yet gets it: the link
    lets them choose their first one.)"""
    user = row.recipient
    if not user.email or not user.is_active:
        return
    context = {
        "email": user.email,
        "domain": row.domain,
        "site_name": row.domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": row.protocol,
    }
    subject = render_to_string("registration/password_reset_subject.txt", context)
    body = render_to_string("registration/password_reset_email.html", context)
    EmailMultiAlternatives(
        subject="".join(subject.splitlines()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()


def forget_old(now: datetime) -> int:
    """Delete the rows sent, or given up, more than ACCOUNT_EMAIL_RETENTION ago: they held an
    address and the client that asked, needed only for the request limits of the last hour."""
    cutoff = now - settings.ACCOUNT_EMAIL_RETENTION
    old = AccountEmail.objects.filter(Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS))
    deleted: int = old.filter(created_at__lt=cutoff).delete()[0]
    return deleted
