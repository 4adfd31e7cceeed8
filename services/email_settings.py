"""The rules for the addresses mail arrives by: a queue's address (mail to it opens cases there)
and an organization's domains (unknown senders from them join it). The API (through
`services.accounts`) and the admin check both here, so that what one accepts the other does.

Addresses and domains are stored lower-cased: mail servers treat the domain, and in practice the
local part, without regard to case, so "Support@Acme.example" and "support@acme.example" are one
address, and the database's unique index on the queue's address holds for both spellings.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cases.errors import InvalidInput
from cases.models import Mailbox, Organization, Queue

ADDRESS_FIELD = "email_address"
DOMAINS_FIELD = "email_domains"
MAX_DOMAINS = 100
PASSWORD_VARIABLE = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
PASSWORD_VARIABLE_WORDS = ("MAILBOX", "IMAP")
# A domain name as mail uses it: dot-separated labels of letters, digits and inner hyphens, the
# last one alphabetic (after IDNA encoding, so "bücher.example" is accepted as "xn--bcher-kva…").
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN = re.compile(rf"^(?=.{{1,253}}$)(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})$")
# Domains anyone can have an address at: an organization claiming one would take in every
# stranger who writes from it.
PUBLIC_DOMAINS = frozenset(
    {
        "163.com",
        "aol.com",
        "gmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "t-online.de",
        "web.de",
        "yahoo.com",
        "yandex.ru",
        "zoho.com",
    }
)


def queue_address_cleaned(value: str | None, *, queue_id: int | None) -> str | None:
    """The address as a queue stores it (lower-cased; None for none), or `InvalidInput` on
    `email_address`: not an address, another queue's, or a mailbox's that feeds another queue."""
    address = (value or "").strip().lower()
    if not address:
        return None
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput.field(
            ADDRESS_FIELD, "Enter an email address, e.g. support@acme.example."
        ) from None
    taken = Queue.objects.filter(email_address__iexact=address)
    if queue_id is not None:
        taken = taken.exclude(pk=queue_id)
    other = taken.values_list("name", flat=True).first()
    if other is not None:
        raise InvalidInput.field(ADDRESS_FIELD, f"The queue “{other}” has this address already.")
    feeding = Mailbox.objects.filter(address__iexact=address)
    if queue_id is not None:
        feeding = feeding.exclude(queue_id=queue_id)
    if feeding.exists():
        raise InvalidInput.field(
            ADDRESS_FIELD, "A mailbox of another queue reads this address: mail to it goes there."
        )
    return address


def mailbox_address_clash(address: str, *, queue_id: int | None) -> str | None:
    """The name of another queue whose own address `address` is (a mailbox reading it would open
    cases in a queue other than the one that address names), else None."""
    others = Queue.objects.filter(email_address__iexact=address.strip())
    if queue_id is not None:
        others = others.exclude(pk=queue_id)
    return others.values_list("name", flat=True).first()


def password_variable_problem(name: str) -> str | None:
    """Why a mailbox may not read its password from the environment variable `name`, or None.
    The password goes to whatever IMAP host the mailbox names: a variable holding one of the
    helpdesk's own secrets (SECRET_KEY, DATABASE_URL…) would send that secret to the host, so
    only variables named for a mailbox are read."""
    if not PASSWORD_VARIABLE.match(name):
        return (
            "Name an environment variable in capitals, digits and underscores, e.g. "
            "HELPDESK_MAILBOX_PASSWORD."
        )
    if not any(word in name for word in PASSWORD_VARIABLE_WORDS):
        return (
            "The variable's name must contain MAILBOX or IMAP (e.g. HELPDESK_MAILBOX_PASSWORD): "
            "the password is sent to the mail server, so the helpdesk reads no other variable "
            "(its own secrets among them)."
        )
    return None


def email_domains_cleaned(values: Iterable[str], *, organization_id: int | None) -> list[str]:
    """The domains as an organization stores them (bare, lower-cased, in the order given), or
    `InvalidInput` on `email_domains` naming the first one refused: an address instead of a
    domain, not a domain, a public mail service's, a duplicate, or another organization's."""
    cleaned: list[str] = []
    for value in values:
        domain = _domain(str(value))
        if domain in cleaned:
            raise _refused(f"“{domain}” is listed twice.")
        cleaned.append(domain)
    if len(cleaned) > MAX_DOMAINS:
        raise _refused(f"At most {MAX_DOMAINS} domains.")
    if cleaned:
        _not_claimed(cleaned, organization_id=organization_id)
    return cleaned


def domains_in_text(text: str) -> list[str]:
    """What a person typed as a list of domains: one a line, or separated by commas, semicolons
    or spaces (blank entries dropped; each is checked by `email_domains_cleaned`)."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def _domain(value: str) -> str:
    typed = value.strip()
    domain = typed.lower().rstrip(".")
    if "@" in domain:
        _, _, after = domain.rpartition("@")
        hint = f" ({after})" if after else ""
        raise _refused(f"“{typed}” is an address: give the domain after the @ alone{hint}.")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise _refused(f"“{typed}” is not a domain name, e.g. acme.example.") from None
    if not DOMAIN.match(domain):
        raise _refused(f"“{typed}” is not a domain name, e.g. acme.example.")
    if domain in PUBLIC_DOMAINS:
        raise _refused(
            f"“{domain}” is a public mail service: anyone can have an address there, so its "
            "senders cannot all belong to one organization."
        )
    return domain


def _not_claimed(domains: list[str], *, organization_id: int | None) -> None:
    others = Organization.objects.exclude(email_domains=[])
    if organization_id is not None:
        others = others.exclude(pk=organization_id)
    wanted = set(domains)
    for name, claimed in others.values_list("name", "email_domains").iterator():
        clash = sorted(wanted.intersection(claimed or ()))
        if clash:
            raise _refused(f"“{clash[0]}” belongs to the organization “{name}” already.")


def _refused(message: str) -> InvalidInput:
    return InvalidInput.field(DOMAINS_FIELD, message)
