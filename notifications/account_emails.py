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

from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications import leases
from notifications.delivery import MAX_ATTEMPTS, retry_delay
from notifications.leases import Outcome
from notifications.models import AccountEmail

# Every account email's outbox key starts so: the task that delivers a commit's keys tells them
# from the notifications' by it.
KEY_PREFIX = "account:"


def email_of(row: AccountEmail) -> EmailMultiAlternatives | None:
    """Django's password reset email, with its own templates (templates/registration/), to the
    user's address as it is now; None when none goes. Someone deactivated since they asked gets
    nothing: they could not sign in with the new password. (A person without a usable password
    yet gets it: the link lets them choose their first one.)"""
    user = row.recipient
    if not user.email or not user.is_active:
        return None
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
    return EmailMultiAlternatives(
        subject="".join(subject.splitlines()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def _judge(rows: list[AccountEmail], now: datetime) -> list[Outcome | None]:
    """Every claimed account email is sent (or found to need none when written)."""
    return [None for _row in rows]


OUTBOX = leases.Outbox[AccountEmail](
    name="Account email",
    model=AccountEmail,
    key_prefix=KEY_PREFIX,
    due_field="created_at",
    related=("recipient",),
    judge=_judge,
    # Written when sent (the link's token from the user's state then), one at a time: a
    # person asks for one now and then.
    writer=leases.one_by_one(email_of),
    retry_delay=retry_delay,
    max_attempts=MAX_ATTEMPTS,
)


def forget_old(now: datetime) -> int:
    """Delete the rows sent, or given up, more than ACCOUNT_EMAIL_RETENTION ago: they held an
    address and the client that asked, needed only for the request limits of the last hour."""
    cutoff = now - settings.ACCOUNT_EMAIL_RETENTION
    old = AccountEmail.objects.filter(Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS))
    deleted: int = old.filter(created_at__lt=cutoff).delete()[0]
    return deleted
