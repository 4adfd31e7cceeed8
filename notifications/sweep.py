"""The delivery sweep: every row that is due and unsent, oldest first, in batches.

It sends what the task after a commit could not (worker or broker down), the delayed
notifications whose time has come, the failed ones whose backoff is over and those the hourly
limit held back whose turn has come, and the same for the emails about an account
(notifications/account_emails.py) and the notices answering a message that came in
(notifications/notice_delivery.py). `workflows.sweeps` runs it last, so that what a run recorded
is delivered by the same run.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notifications import account_emails, delivery, notice_delivery
from notifications.batches import after, in_batches
from notifications.leases import Outbox, Outcome
from notifications.models import AccountEmail, MailNotice, Notification

# Rows claimed (and their emails written) per batch: the queries a batch costs are shared by
# many rows (at 100 a batch they cost twice the time per row), and even sent one by one to a
# real mail server a batch takes seconds, well within its lease (`leases.LEASE`; a batch
# running out of time gives back what it has not tried).
BATCH_SIZE = 1000

# What the run_automations lines name instead of a case for an email about an account, and for
# a notice about no case.
ACCOUNT = "account"
MAIL = "mail"

# Asks other workers to drain the outboxes alongside the sweep (`deliver_due`).
Helpers = Callable[[], None]

# How a row is named in the run_automations lines.
Describe = Callable[[Notification | AccountEmail | MailNotice], dict[str, Any]]


@dataclass(frozen=True)
class Delivery:
    """One row the sweep sent (or tried to send, or in a dry run would send)."""

    case: str
    kind: str
    recipient: str
    error: str = ""
    retry_at: datetime | None = None
    not_sent: str = ""

    @property
    def detail(self) -> str:
        text = f"{self.kind} to {self.recipient}"
        if self.error and self.retry_at is not None:
            text = f"{text} failed: {self.error}; retried after {self.retry_at.isoformat()}"
        elif self.not_sent:
            text = f"{text}: {self.not_sent}"
        return text


def deliver_due(now: datetime, *, helpers: Helpers | None = None) -> list[Delivery]:
    """`delivering`, its deliveries listed."""
    return list(delivering(now, helpers=helpers))


def delivering(now: datetime, *, helpers: Helpers | None = None) -> Iterator[Delivery]:
    """Send every row due as of `now`, oldest first, a batch at a time: the notifications, then
    the emails about an account and the notices; then forget the account emails whose time is
    over. Each batch is claimed in one short transaction, sent outside it, and its outcomes
    written in another (notifications/leases.py); rows another worker holds are skipped.

    `helpers` is called once, when a batch comes back full (a backlog: more is due than one
    batch), to have other workers drain the outboxes alongside (`notifications.tasks`); the
    leases divide the rows between them, so none is sent by two. Each delivery is yielded as its
    batch is done, so that a caller that only logs them holds none (flat memory, whatever the
    backlog)."""
    outboxes: tuple[tuple[Outbox[Any], Describe], ...] = (
        (delivery.OUTBOX, _notification_row),
        (account_emails.OUTBOX, _account_email_row),
        (notice_delivery.OUTBOX, _notice_row),
    )
    for outbox, describe in outboxes:
        for outcomes in _batches(outbox, now):
            if helpers is not None and len(outcomes) == BATCH_SIZE:
                helpers()
                helpers = None
            for outcome in outcomes:
                yield _delivery(describe(outcome.notification), outcome)
    account_emails.forget_old(now)


def _batches(outbox: Outbox[Any], now: datetime) -> Iterator[list[Outcome]]:
    """Deliver the outbox's due rows BATCH_SIZE at a time in the order they fall due (then id),
    each batch after the last row the previous one claimed (keyset, see
    notifications/batches.py): what a batch held back or failed is never read again by the same
    sweep."""
    field = outbox.due_field
    ordered = outbox.due(now).order_by(field, "pk")
    last: tuple[datetime, int] | None = None
    while True:
        page = ordered if last is None else ordered.filter(after(field, *last))
        outcomes = outbox.deliver_rows(page, now=now, limit=BATCH_SIZE)
        yield outcomes
        if len(outcomes) < BATCH_SIZE:
            # Fewer than asked: the rest is due no more, or held by another worker (skipped).
            return
        last = max((getattr(o.notification, field), o.notification.pk) for o in outcomes)


def _notification_row(row: Notification | AccountEmail | MailNotice) -> dict[str, Any]:
    assert isinstance(row, Notification)
    return {
        "kind": row.kind,
        "case__reference": row.case.reference,
        "recipient__username": row.recipient.username,
    }


def _account_email_row(row: Notification | AccountEmail | MailNotice) -> dict[str, Any]:
    assert isinstance(row, AccountEmail)
    return {
        "kind": row.kind,
        "case__reference": ACCOUNT,
        "recipient__username": row.recipient.username,
    }


def _notice_row(row: Notification | AccountEmail | MailNotice) -> dict[str, Any]:
    assert isinstance(row, MailNotice)
    reference = row.case.reference if row.case is not None else MAIL
    return {"kind": row.kind, "case__reference": reference, "recipient__username": row.address}


def list_due(now: datetime) -> list[Delivery]:
    """What `deliver_due` would send, sending nothing: the dry run's part, since no rollback could
    take an email back."""
    rows = (*_due_rows(now), *_due_account_emails(now), *_due_notices(now))
    return [_delivery(row) for row in rows]


def _due_account_emails(now: datetime) -> Iterator[dict[str, Any]]:
    """Named like a notification's row: an account email is about no case (`ACCOUNT`)."""
    due = account_emails.OUTBOX.due(now)
    rows = in_batches(due, "created_at", "kind", "recipient__username")
    return ({**row, "case__reference": ACCOUNT} for row in rows)


def _due_notices(now: datetime) -> Iterator[dict[str, Any]]:
    """Named like a notification's row: to an address, about a case or none (`MAIL`)."""
    due = notice_delivery.OUTBOX.due(now)
    rows = in_batches(due, "created_at", "kind", "address", "case__reference")
    return (
        {
            **row,
            "recipient__username": row["address"],
            "case__reference": row["case__reference"] or MAIL,
        }
        for row in rows
    )


def _due_rows(now: datetime) -> Iterator[dict[str, Any]]:
    fields = ("kind", "case__reference", "recipient__username")
    return in_batches(delivery.OUTBOX.due(now), "scheduled_for", *fields)


def _delivery(row: dict[str, Any], outcome: Outcome | None = None) -> Delivery:
    if outcome is None:
        return Delivery(
            case=row["case__reference"], kind=row["kind"], recipient=row["recipient__username"]
        )
    not_sent = outcome.withheld
    if outcome.held_back_until is not None:
        not_sent = f"held back until {outcome.held_back_until.isoformat()} (hourly limit)"
    return Delivery(
        case=row["case__reference"],
        kind=row["kind"],
        recipient=row["recipient__username"],
        error=outcome.error,
        retry_at=outcome.notification.next_attempt_at,
        not_sent=not_sent,
    )
