"""Whether an email may go to an address now: never to an undeliverable one, and at most
AUTOMATIC_EMAILS_PER_HOUR automatic emails (`Auto-Submitted` other than `no`) an hour to one
address, notifications and mail notices counted together, so that a loop with another robot (an
auto-responder answering every reminder) or a flood of reminders stops at a handful of emails.

What is held back is not lost: the row waits, says why, and is due again when the hour allows
(`held_back_until`); the delivery sweep sends it then, as no failed attempt.

Two workers delivering to the same address at once must not both send the tenth email: the
addresses of a claimed batch are locked inside the transaction that claims it, then counted
(`HourlyLimit`), and an email claimed for sending (leased) counts as sent from then on, since it
is sent after that transaction. On
PostgreSQL that is a transaction-scoped advisory lock per address (released at commit, so it
works behind PgBouncer in transaction mode); SQLite needs none, since the project opens every
SQLite transaction IMMEDIATE (helpdesk/settings.py), which already lets one writer at a time in.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, Trim

from cases.models import User
from notifications.batches import AnyOf
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


def undeliverable(addresses: Iterable[str]) -> dict[str, str]:
    """The addresses among `addresses` that nothing may go to (mail to them bounced: a person
    with that address is marked undeliverable), each with the words a row keeps
    (`withheld_because`); one query for a batch."""
    wanted = {normalized(address) for address in addresses}
    if not wanted:
        return {}
    marked = (
        User.objects.annotate(address=Lower(Trim("email")))
        .filter(address__in=wanted, email_undeliverable_since__isnull=False)
        .order_by("pk")
        .values_list("address", "email_undeliverable_reason")
    )
    reasons: dict[str, str] = {}
    for address, reason in marked:
        reasons.setdefault(address, withheld_because(reason))
    return reasons


def withheld_because(reason: str) -> str:
    """The words a row keeps when its email was not sent to an undeliverable address."""
    detail = f": {reason}" if reason else ""
    return f"Not sent: the address is marked undeliverable{detail}"[:300]


class HourlyLimit:
    """The hourly limit over a batch of rows claimed together, inside the claiming transaction:
    the batch's addresses are locked at once (see the module's docstring), in one order so that
    two workers claiming overlapping batches cannot deadlock; what each address was sent within
    the hour is counted in one query per table; and each email the batch lets go counts as sent
    now (`count`), as it is in flight from then on."""

    def __init__(self, addresses: Iterable[str], *, now: datetime) -> None:
        self.now = now
        # A limit below one would hold every automatic email for good; one an hour is the least.
        self.limit = max(int(settings.AUTOMATIC_EMAILS_PER_HOUR), 1)
        wanted = sorted({normalized(address) for address in addresses})
        _lock_addresses(wanted)
        self.counted = _sent_within_the_hour(wanted, now)
        self.added: Counter[str] = Counter()

    def held_back_until(self, address: str) -> datetime | None:
        """When the next automatic email to `address` may go, if not now: an hour after the
        oldest of the last AUTOMATIC_EMAILS_PER_HOUR ones sent within the hour (this batch's
        included)."""
        address = normalized(address)
        added = self.added[address]
        if self.counted.get(address, 0) + added < self.limit:
            return None
        # At the limit (rare: a loop, a flood): the times themselves, for this address alone.
        sent = [self.now] * added + _latest(address, self.now, self.limit)
        return sent[self.limit - 1] + WINDOW

    def count(self, address: str) -> None:
        """An automatic email to `address` goes with this batch."""
        self.added[normalized(address)] += 1


def _counted(now: datetime) -> Q:
    """The emails the limit counts: sent within the hour, or in flight (claimed with a lease,
    notifications/leases.py), which counts as sent now: the worker sending it released the
    address's lock before it was sent."""
    return Q(sent_at__gt=now - WINDOW) | Q(sent_at__isnull=True, leased_until__gt=now)


def _automatic_notifications(now: datetime) -> QuerySet[Notification]:
    """(The empty address excluded in so many words: PostgreSQL proves a lookup of more than
    100 addresses at once within the partial index notification_emailed_idx only so.)"""
    return (
        Notification.objects.filter(_counted(now))
        .exclude(emailed_to="")
        .exclude(auto_submitted=AutoSubmitted.NO)
    )


def _notices(now: datetime) -> QuerySet[MailNotice]:
    return MailNotice.objects.filter(_counted(now), email_withheld="")


def _lock_addresses(addresses: list[str]) -> None:
    """Hold the addresses until the caller's transaction ends, in the order of their lock keys."""
    if connection.vendor != "postgresql" or not addresses:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, h) FROM (SELECT DISTINCT hashtext(a) AS h "
            "FROM unnest(%s::text[]) AS a ORDER BY h OFFSET 0) AS keys",
            [ADDRESS_LOCKS, addresses],
        )


def _sent_within_the_hour(addresses: list[str], now: datetime) -> Counter[str]:
    """How many automatic emails each address was sent within the hour (or has in flight)."""
    counts: Counter[str] = Counter()
    if not addresses:
        return counts
    notifications = (
        _automatic_notifications(now)
        .filter(AnyOf(F("emailed_to"), addresses))
        .values_list("emailed_to")
        .annotate(n=Count("pk"))
        .order_by()
    )
    notices = (
        _notices(now)
        .filter(AnyOf(F("address"), addresses))
        .values_list("address")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for address, n in (*notifications, *notices):
        counts[address] += n
    return counts


def _latest(address: str, now: datetime, limit: int) -> list[datetime]:
    """The times of the last `limit` automatic emails to `address` within the hour, latest
    first (in flight: now)."""
    at = Coalesce("sent_at", Value(now))
    notifications = (
        _automatic_notifications(now)
        .filter(emailed_to=address)
        .annotate(at=at)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    notices = (
        _notices(now)
        .filter(address=address)
        .annotate(at=at)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    return sorted((*notifications, *notices), reverse=True)


def held_back_because(until: datetime) -> str:
    """The words a row keeps when the hourly limit held its email back."""
    limit = settings.AUTOMATIC_EMAILS_PER_HOUR
    return (
        f"Held back: at most {limit} automatic emails an hour go to one address; "
        f"sent from {until.isoformat(timespec='seconds')}"
    )
