"""The addresses mail meets: the helpdesk's own (where it receives and sends mail), the queue a
message to one of them reaches, and the accounts behind a sender's address. Compared without
regard to case, and a plus-address (`support+<token>@…`) as the address it was made from."""

from email.utils import parseaddr

from django.conf import settings
from django.db.models import Case as Choice
from django.db.models import IntegerField, Value, When

from cases.models import Mailbox, Queue, User
from cases.roles import Role
from notifications.mail_names import without_token


def normalized(address: str) -> str:
    """An address as compared here: the bare address of a header value, lower-cased."""
    return parseaddr(address or "")[1].strip().casefold()


def base_address(address: str) -> str:
    """The address a plus-address was made from, lower-cased ("" for no address)."""
    return without_token(address) or normalized(address)


def receiving_addresses() -> dict[str, int]:
    """Where mail opens cases: each queue's address and each mailbox's, lower-cased, with the
    id of the queue it reaches (a queue's own address first where a mailbox has the same). One
    query: every message asks it."""
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
    customers_first = Choice(
        When(role=Role.CUSTOMER, is_superuser=False, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(
        User.objects.filter(email__iexact=address)
        .select_related("organization")
        .order_by(customers_first, "pk")
    )
