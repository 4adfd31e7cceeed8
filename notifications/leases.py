"""Sending an outbox row without holding the database while the mail server answers: the row is
claimed with a lease in one short transaction, its email is sent outside any transaction or lock
(within EMAIL_TIMEOUT), and the outcome is written in a second short transaction.

A lease says "a worker is sending this until then": no other worker claims the row meanwhile
(the claim skips locked rows and leased ones), so two workers never send the same email at once.
A worker that dies between sending and writing the outcome leaves the row leased; once the lease
is over the row is due again and is sent again: delivery is at least once, never at most once.

The three outbox tables (notifications, emails about an account, notices answering a message that
came in) share this driver; each says how a claimed row is judged (`judge`: settled without
sending, e.g. an undeliverable address or the hourly limit) and how its email is written
(`email_of`).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet

from notifications.models import AccountEmail, MailNotice, Notification

log = logging.getLogger(__name__)

# Longer than any send can take (EMAIL_TIMEOUT, 10 s by default, per connection and command), so
# that a live worker's lease never runs out under it; short enough that a crashed worker's rows
# go out again soon.
LEASE = timedelta(minutes=5)
# What the second transaction writes of a row that was sent or failed.
OUTCOME_FIELDS = ("attempts", "last_error", "next_attempt_at", "sent_at", "leased_until")

Row = TypeVar("Row", Notification, AccountEmail, MailNotice)


@dataclass(frozen=True)
class Outcome:
    """One attempt at a row of the outbox. Not sent without an error: its email was withheld
    (`withheld`, for good) or held back by the hourly limit (until `held_back_until`, no failed
    attempt)."""

    notification: Notification | AccountEmail | MailNotice
    error: str = ""
    withheld: str = ""
    held_back_until: datetime | None = None

    @property
    def sent(self) -> bool:
        return not (self.error or self.withheld or self.held_back_until)


@dataclass(frozen=True)
class Outbox(Generic[Row]):
    """How one outbox table is sent: `judge` a claimed row under its lock (an `Outcome` settles
    it without an email, having saved what it changed; None sends it, keeping `claim_fields` it
    may have set), `email_of` writes its email (outside the transaction: the row is leased),
    `retry_delay` spaces failed attempts, and `sent_fields` are what a sent row adds to
    `OUTCOME_FIELDS`."""

    name: str
    judge: Callable[[Row, datetime], Outcome | None]
    email_of: Callable[[Row], EmailMessage | None]
    retry_delay: Callable[[int], timedelta]
    claim_fields: tuple[str, ...] = ()
    sent_fields: tuple[str, ...] = ()
    # Fields a claim set that a failed attempt empties again (the address a notification's
    # email was going to, which the hourly limit counts while the email is in flight).
    unset_on_failure: tuple[str, ...] = ()


def unleased(now: datetime) -> Q:
    """Rows no worker is sending as of `now` (never claimed, sent, or their lease is over)."""
    return Q(leased_until__isnull=True) | Q(leased_until__lte=now)


def deliver(
    outbox: Outbox[Row], rows: QuerySet[Row], *, now: datetime, limit: int | None = None
) -> list[Outcome]:
    """Claim `rows` (due ones, ordered by the caller; the first `limit`), send them and record
    the outcomes, one outcome per row claimed; rows another worker holds are skipped."""
    settled, leased = _claim(outbox, rows, now, limit)
    attempts = [_send(outbox, row, now) for row in leased]
    if leased:
        with transaction.atomic():
            model = type(leased[0])
            fields = OUTCOME_FIELDS + outbox.sent_fields + outbox.unset_on_failure
            model.objects.bulk_update(leased, list(dict.fromkeys(fields)))
    return settled + attempts


def _claim(
    outbox: Outbox[Row], rows: QuerySet[Row], now: datetime, limit: int | None
) -> tuple[list[Outcome], list[Row]]:
    """The first short transaction: lock the rows (skipping those another worker has locked),
    judge each, and lease the ones to send."""
    settled: list[Outcome] = []
    leased: list[Row] = []
    with transaction.atomic():
        claiming = rows.filter(unleased(now)).select_for_update(skip_locked=True, of=("self",))
        claimed = list(claiming if limit is None else claiming[:limit])
        for row in claimed:
            outcome = outbox.judge(row, now)
            if outcome is not None:
                settled.append(outcome)
                continue
            row.attempts += 1
            row.leased_until = now + LEASE
            row.save(update_fields=["attempts", "leased_until", *outbox.claim_fields])
            leased.append(row)
    return settled, leased


def _send(outbox: Outbox[Row], row: Row, now: datetime) -> Outcome:
    """Send a leased row's email, outside any transaction; the row (in memory) says how it went."""
    row.leased_until = None
    try:
        email = outbox.email_of(row)
        if email is not None:
            email.send()
    except Exception as error:  # whatever the mail backend raises, the row keeps it
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.next_attempt_at = now + outbox.retry_delay(row.attempts)
        for field in outbox.unset_on_failure:
            setattr(row, field, "")
        log.warning("%s %s failed: %s", outbox.name, row.pk, error)
        return Outcome(row, error=row.last_error)
    row.last_error = ""
    row.next_attempt_at = None
    row.sent_at = now
    return Outcome(row)
