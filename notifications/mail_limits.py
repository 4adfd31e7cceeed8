"""Whether an email may go to an address now: never to an undeliverable one, and at most
AUTOMATIC_EMAILS_PER_HOUR automatic emails (`Auto-Submitted` other than `no`) an hour to one
address, notifications and mail notices counted together, so that a loop with another robot (an
auto-responder answering every reminder) or a flood of reminders stops at a handful of emails.

What is held back is not lost: the row waits, says why, and is due again when the hour allows
(`held_back_until`); the delivery sweep sends it then, as no failed attempt.

Two workers delivering to the same address at once must not both send the tenth email: the
caller takes `lock_address` inside the transaction that claims its row, then counts, and an email
claimed for sending (leased) counts as sent from then on, since it is sent after that
transaction. On
PostgreSQL that is a transaction-scoped advisory lock per address (released at commit, so it
works behind PgBouncer in transaction mode); SQLite needs none, since the project opens every
SQLite transaction IMMEDIATE (helpdesk/settings.py), which already lets one writer at a time in.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from cases.models import User
from notifications.models import AutoSubmitted, MailNotice, Notification

WINDOW = timedelta(hours=1)
# The advisory locks of this module are (ADDRESS_LOCKS, hashtext(address)): the first key keeps
# them apart from any other use of advisory locks; two addresses with the same hash only wait
# for each other.
ADDRESS_LOCKS = 0x6D61696C  # "mail"


def normalized(address: str) -> str:
    """How an address is kept and compared: mail servers treat addresses without regard to
    case in practice, and a person's address may be typed in any case."""
    return address.strip().lower()


def undeliverable_reason(address: str) -> str:
    """Why nothing may go to `address` (mail to it bounced: a person with that address is
    marked undeliverable), else ""."""
    marked = (
        User.objects.filter(
            email__iexact=normalized(address), email_undeliverable_since__isnull=False
        )
        .values_list("email_undeliverable_reason", flat=True)
        .first()
    )
    if marked is None:
        return ""
    return withheld_because(marked)


def withheld_because(reason: str) -> str:
    """The words a row keeps when its email was not sent to an undeliverable address."""
    detail = f": {reason}" if reason else ""
    return f"Not sent: the address is marked undeliverable{detail}"[:300]


def lock_address(address: str) -> None:
    """Hold the address until the caller's transaction ends (see the module's docstring)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ADDRESS_LOCKS, normalized(address)]
        )


def held_back_until(address: str, *, now: datetime) -> datetime | None:
    """When the next automatic email to `address` may go, if not now: an hour after the
    oldest of the last AUTOMATIC_EMAILS_PER_HOUR ones sent within the hour. Call it under
    `lock_address`."""
    # A limit below one would hold every automatic email for good; one an hour is the least.
    limit = max(int(settings.AUTOMATIC_EMAILS_PER_HOUR), 1)
    address = normalized(address)
    since = now - WINDOW
    # An email in flight (claimed with a lease, notifications/leases.py) counts as sent now:
    # the worker sending it released the address's lock before it was sent.
    counted = Q(sent_at__gt=since) | Q(sent_at__isnull=True, leased_until__gt=now)
    at = Coalesce("sent_at", Value(now))
    notifications = (
        Notification.objects.filter(counted, emailed_to=address)
        .exclude(auto_submitted=AutoSubmitted.NO)
        .annotate(at=at)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    notices = (
        MailNotice.objects.filter(counted, address=address, email_withheld="")
        .annotate(at=at)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    sent: list[datetime] = sorted((*notifications, *notices), reverse=True)
    if len(sent) < limit:
        return None
    return sent[limit - 1] + WINDOW


def held_back_because(until: datetime) -> str:
    """The words a row keeps when the hourly limit held its email back."""
    limit = settings.AUTOMATIC_EMAILS_PER_HOUR
    return (
        f"Held back: at most {limit} automatic emails an hour go to one address; "
        f"sent from {until.isoformat(timespec='seconds')}"
    )
