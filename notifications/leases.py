"""The one driver of the three outbox tables (notifications, emails about an account, notices
answering a message that came in): which rows are due, and sending them without holding the
database while the mail server answers. A batch of rows is claimed with a lease in one short
transaction, their emails are sent outside any transaction or lock (within EMAIL_TIMEOUT), and
the outcomes are written in a second short transaction.

A lease says "a worker is sending this until then": no other worker claims the row meanwhile
(the claim skips locked rows and leased ones), so two workers never send the same email at once.
A worker that dies between sending and writing the outcome leaves the row leased; once the lease
is over the row is due again and is sent again: delivery is at least once, never at most once.

Each table says only what differs (`Outbox`): how a claimed batch is judged (settled without
sending, e.g. an undeliverable address or the hourly limit) and how its emails are written. Both
work on the whole batch, so that what a batch needs is read in a few queries, not a few per row;
the leases, the settled rows and the outcomes are written in one UPDATE each.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet, prefetch_related_objects

from notifications.batches import update_rows
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


# A table's verdict on each row of a claimed batch, in order: an `Outcome` settles the row
# without an email (having set, not saved, its `settle_fields`); None sends it (having set its
# `claim_fields` as they should be while it is in flight).
Judge = Callable[[list[Row], datetime], list[Outcome | None]]
# Reads what a batch of leased rows' emails need, then writes one email per row (None: none).
Writer = Callable[[list[Row]], Callable[[Row], EmailMessage | None]]


@dataclass(frozen=True)
class Outbox(Generic[Row]):
    """One outbox table: its `model`, the prefix of its keys (what the task after a commit tells
    the tables apart by; "" takes every key), the field that says when a row falls due, what a
    claim reads with each row (`related`, joined; `shared`, read once for the batch: a queue
    many rows share is made once, not once a row), how a batch is judged and written, how failed
    attempts are spaced and when they are given up, and the fields a claim, a verdict and a
    sent email write besides the lease and `OUTCOME_FIELDS`."""

    name: str
    model: type[Row]
    key_prefix: str
    due_field: str
    related: tuple[str, ...]
    judge: Judge[Row]
    writer: Writer[Row]
    retry_delay: Callable[[int], timedelta]
    max_attempts: int
    claim_fields: tuple[str, ...] = ()
    settle_fields: tuple[str, ...] = ()
    sent_fields: tuple[str, ...] = ()
    # Fields a claim set that a failed attempt empties again (the address a notification's
    # email was going to, which the hourly limit counts while the email is in flight).
    unset_on_failure: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()

    def due(self, now: datetime) -> QuerySet[Row]:
        """Unsent rows whose time has come, not backing off after a failure (or held back by
        the hourly limit), nor given up."""
        rows: QuerySet[Row] = self.model._default_manager.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            sent_at__isnull=True,
            attempts__lt=self.max_attempts,
            **{f"{self.due_field}__lte": now},
        )
        return rows

    def deliver(self, *, keys: list[str], now: datetime) -> list[Outcome]:
        """Deliver the due rows among `keys` (what the task after a commit was asked for)."""
        ours = [key for key in keys if key.startswith(self.key_prefix)]
        if not ours:
            return []
        rows = self.due(now).filter(key__in=ours).order_by(self.due_field, "id")
        return self.deliver_rows(rows, now=now)

    def deliver_one(self, row_id: int, *, now: datetime) -> Outcome | None:
        """Send one row if it is still due; None when another worker has it or has sent it."""
        outcomes = self.deliver_rows(self.due(now).filter(pk=row_id), now=now)
        return outcomes[0] if outcomes else None

    def deliver_rows(
        self, rows: QuerySet[Row], *, now: datetime, limit: int | None = None
    ) -> list[Outcome]:
        """Claim `rows` (due ones, ordered by the caller; the first `limit`), send them and
        record the outcomes, one outcome per row claimed and tried; rows another worker holds
        are skipped. Should sending take so long (a mail server answering at its timeout) that
        the batch's leases could run out under it, the rows not yet tried are given back,
        untried, for the next run: no other worker may claim a row this one is still sending."""
        settled, leased = self._claim(rows.select_related(*self.related), now, limit)
        if not leased:
            return settled
        write = self._writer(leased)
        deadline = time.monotonic() + (LEASE / 2).total_seconds()
        attempts = []
        with Connection() as connection:
            for row in leased:
                if time.monotonic() > deadline:
                    row.attempts -= 1
                    row.leased_until = None
                    for name in self.unset_on_failure:
                        setattr(row, name, "")
                    continue
                attempts.append(self._send(write, row, now, connection))
        fields = OUTCOME_FIELDS + self.sent_fields + self.unset_on_failure
        update_rows(leased, list(dict.fromkeys(fields)))
        return settled + attempts

    def _claim(
        self, rows: QuerySet[Row], now: datetime, limit: int | None
    ) -> tuple[list[Outcome], list[Row]]:
        """The first short transaction: lock the rows (skipping those another worker has
        locked), judge them, and lease the ones to send."""
        with transaction.atomic():
            claiming = rows.filter(unleased(now)).select_for_update(skip_locked=True, of=("self",))
            claimed = list(claiming if limit is None else claiming[:limit])
            if not claimed:
                return [], []
            prefetch_related_objects(claimed, *self.shared)
            verdicts = self.judge(claimed, now)
            settled = [outcome for outcome in verdicts if outcome is not None]
            leased = [row for row, v in zip(claimed, verdicts, strict=True) if v is None]
            if self.settle_fields:
                update_rows([outcome.notification for outcome in settled], self.settle_fields)
            for row in leased:
                row.attempts += 1
                row.leased_until = now + LEASE
            update_rows(leased, ["attempts", "leased_until", *self.claim_fields])
        return settled, leased

    def _writer(self, leased: list[Row]) -> Callable[[Row], EmailMessage | None]:
        """The batch's writer; should reading what it needs fail, every email of the batch fails
        with that error (recorded and retried like a failed send)."""
        try:
            return self.writer(leased)
        except Exception as error:  # whatever the reading raises, each row keeps it
            failure = error

            def failing(row: Row) -> EmailMessage | None:
                raise failure

            return failing

    def _send(
        self,
        write: Callable[[Row], EmailMessage | None],
        row: Row,
        now: datetime,
        connection: "Connection",
    ) -> Outcome:
        """Send a leased row's email over the batch's connection, outside any transaction; the
        row (in memory) says how it went."""
        row.leased_until = None
        try:
            email = write(row)
            if email is not None:
                connection.send(email)
        except Exception as error:  # whatever the mail backend raises, the row keeps it
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            row.next_attempt_at = now + self.retry_delay(row.attempts)
            for name in self.unset_on_failure:
                setattr(row, name, "")
            log.warning("%s %s failed: %s", self.name, row.pk, error)
            return Outcome(row, error=row.last_error)
        row.last_error = ""
        row.next_attempt_at = None
        row.sent_at = now
        return Outcome(row)


class Connection:
    """One connection to the mail server for a batch, rather than one per email (EmailMessage
    .send's own): a TLS handshake and a login per email would cost more than writing it. It is
    opened by the first email; after a failed send it is closed and the next email opens it
    afresh, so one refused email (or a dropped line) never fails the emails after it, and a
    server that cannot be reached fails each email in turn, recorded and retried like any
    failed send."""

    def __init__(self) -> None:
        self.backend = get_connection()
        self.opened = False

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def send(self, email: EmailMessage) -> None:
        if not self.opened:
            self.backend.open()
            self.opened = True
        email.connection = self.backend
        try:
            email.send()
        except Exception:
            self._close()
            raise

    def _close(self) -> None:
        if not self.opened:
            return
        self.opened = False
        try:
            self.backend.close()
        except Exception as error:  # a line already dropped: nothing left to close cleanly
            log.info("mail server connection closed uncleanly: %s", error)


def unleased(now: datetime) -> Q:
    """Rows no worker is sending as of `now` (never claimed, sent, or their lease is over)."""
    return Q(leased_until__isnull=True) | Q(leased_until__lte=now)


def one_by_one(email_of: Callable[[Any], EmailMessage | None]) -> Writer[Any]:
    """A writer for a table whose emails need nothing read beforehand (or rarely sent in
    numbers): each row's email written by `email_of` alone."""

    def writer(rows: list[Any]) -> Callable[[Any], EmailMessage | None]:
        return email_of

    return writer
