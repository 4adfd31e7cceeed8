"""The delivery sweep: every row that is due and unsent, oldest first, in batches.

It sends what the task after a commit could not (worker or broker down), the delayed
notifications whose time has come, the failed ones whose backoff is over and those the hourly
limit held back whose turn has come, and the same for the emails about an account
(notifications/account_emails.py) and the notices answering a message that came in
(notifications/notice_delivery.py). `workflows.sweeps` runs it last, so that what a run recorded
is delivered by the same run.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notifications import account_emails, delivery, notice_delivery
from notifications.batches import in_batches
from notifications.delivery import Outcome

# What the run_automations lines name instead of a case for an email about an account, and for
# a notice about no case.
ACCOUNT = "account"
MAIL = "mail"


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


def deliver_due(now: datetime) -> list[Delivery]:
    """Send every row due as of `now`, each claimed on its own (`delivery.deliver_one`), then the
    emails about an account (`account_emails.deliver_one`) and the notices
    (`notice_delivery.deliver_one`), and forget the account emails whose time is over."""
    deliveries = []
    for rows, deliver_one in (
        (_due_rows(now), delivery.deliver_one),
        (_due_account_emails(now), account_emails.deliver_one),
        (_due_notices(now), notice_delivery.deliver_one),
    ):
        for row in rows:
            outcome = deliver_one(row["pk"], now=now)
            if outcome is None:
                continue  # another worker has it, or sent it meanwhile
            deliveries.append(_delivery(row, outcome))
    account_emails.forget_old(now)
    return deliveries


def list_due(now: datetime) -> list[Delivery]:
    """What `deliver_due` would send, sending nothing: the dry run's part, since no rollback could
    take an email back."""
    rows = (*_due_rows(now), *_due_account_emails(now), *_due_notices(now))
    return [_delivery(row) for row in rows]


def _due_account_emails(now: datetime) -> Iterator[dict[str, Any]]:
    """Named like a notification's row: an account email is about no case (`ACCOUNT`)."""
    rows = in_batches(account_emails.due(now), "created_at", "kind", "recipient__username")
    return ({**row, "case__reference": ACCOUNT} for row in rows)


def _due_notices(now: datetime) -> Iterator[dict[str, Any]]:
    """Named like a notification's row: to an address, about a case or none (`MAIL`)."""
    rows = in_batches(notice_delivery.due(now), "created_at", "kind", "address", "case__reference")
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
    return in_batches(delivery.due(now), "scheduled_for", *fields)


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
