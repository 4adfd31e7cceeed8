"""The addresses mail meets: the helpdesk's own (where it receives and sends mail), the queue a
message to one of them reaches, and the accounts behind a sender's address. Compared without
regard to case, and a plus-address (`support+<token>@…`) as the address it was made from.

Every message asks where the helpdesk receives mail, twice (storing it, then telling our own mail
from a person's), and the answer changes only when a manager edits a queue or a mailbox. So it
is kept in the cache for `RECEIVING_CACHE_SECONDS`: saving or deleting a queue or a mailbox
forgets it at once (in the shared cache every process reads, Redis in production), and a change
that sends no signal (a bulk UPDATE), or one made where the cache is each process's own, takes
effect within that time."""

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Value
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import Mailbox, Queue, User
from cases.roles import Role
from notifications.mail_names import without_token


def normalized(address: str) -> str:
    """An address as compared here: the bare address of a header value, lower-cased."""
    return parseaddr(address or "")[1].strip().casefold()


def base_address(address: str) -> str:
    """The address a plus-address was made from, lower-cased ("" for no address)."""
    return without_token(address) or normalized(address)


# How long the receiving addresses are kept (see the module's docstring).
RECEIVING_CACHE_SECONDS = 30
RECEIVING_CACHE_KEY = "mail:receiving-addresses"


def receiving_addresses() -> dict[str, int]:
    """Where mail opens cases: each queue's address and each mailbox's, lower-cased, with the
    id of the queue it reaches (a queue's own address first where a mailbox has the same). From
    the cache when it holds them, else one query."""
    found: dict[str, int] | None = cache.get(RECEIVING_CACHE_KEY)
    if found is None:
        found = _receiving_now()
        cache.set(RECEIVING_CACHE_KEY, found, RECEIVING_CACHE_SECONDS)
    return found


@receiver(post_save, sender=Queue, dispatch_uid="mail-addresses-queue-saved")
@receiver(post_delete, sender=Queue, dispatch_uid="mail-addresses-queue-deleted")
@receiver(post_save, sender=Mailbox, dispatch_uid="mail-addresses-mailbox-saved")
@receiver(post_delete, sender=Mailbox, dispatch_uid="mail-addresses-mailbox-deleted")
def _forget_receiving(**_signal: Any) -> None:
    """A queue or a mailbox changed: the next message reads the addresses afresh. Forgotten
    now, for this transaction's own reads, and again once it commits, since another process may
    have read the old addresses in between."""
    cache.delete(RECEIVING_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(RECEIVING_CACHE_KEY))


def _receiving_now() -> dict[str, int]:
    queues = Queue.objects.exclude(email_address=None).annotate(rank=Value(0)).order_by()
    mailboxes = Mailbox.objects.annotate(rank=Value(1)).order_by()
    rows = (
        queues.values_list("email_address", "pk", "rank")
        .union(mailboxes.values_list("address", "queue_id", "rank"), all=True)
        .order_by("rank")
    )
    found: dict[str, int] = {}
    for address, queue_id, _rank in rows:
        found.setdefault(str(address).casefold(), queue_id)
    return found


def own_addresses() -> frozenset[str]:
    """Every address the helpdesk receives or sends mail at: mail from one of them is our own
    coming back (a loop), never a person writing."""
    sending = {normalized(str(settings.DEFAULT_FROM_EMAIL)), normalized(str(settings.SERVER_EMAIL))}
    return frozenset(sending - {""}) | frozenset(receiving_addresses())


def first_receiving(candidates: list[str], receiving: dict[str, int]) -> str:
    """Of the addresses a message names (envelope first, then its headers), the first where
    the helpdesk receives mail, plus-addresses included; else the first address at all."""
    for candidate in candidates:
        if base_address(candidate) in receiving:
            return candidate
    return next((candidate for candidate in candidates if candidate), "")


def accounts_for(address: str) -> list[User]:
    """The active accounts with this address, customers first, then by id: two people sharing
    an address never stop the mail, and the same one is picked every time."""
    return [user for user in everyone_at(address) if user.is_active]


def everyone_at(address: str) -> list[User]:
    """Every account with this address, active or not, in `accounts_for`'s order (one query for
    both what handling a message asks of them: who may post, and whose mail bounced)."""
    address = normalized(address)
    if not address or "@" not in address:
        return []
    people = User.objects.filter(email__iexact=address).select_related("organization")
    # Ordered here: a handful of rows, and an ordering expression would cost more to build
    # than to apply.
    return sorted(people, key=lambda user: (not _customer(user), user.pk))


def _customer(user: User) -> bool:
    return user.role == Role.CUSTOMER and not user.is_superuser
