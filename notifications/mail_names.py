"""The helpdesk's own names in mail: the Message-IDs it writes, the thread root of a case, and the
signed token a reply address carries, which the mail that comes back is matched against
(services/inbound.py).

Message-IDs are kept as the header writes them, angle brackets included (`<…@domain>`), so that
the `message_id` the API shows is the header's value; `bare()` is how two of them are compared.

A reply token names a case and the person the email went to, signed with the secret key, so that
a reply address cannot be made up for another case or another person: `42-7-<16 signature
characters>`, lower-case letters, digits and dashes only, since some mail servers lower-case the
local part.
"""

import base64
import re
import secrets
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "helpdesk.reply-address"
ROOT_SALT = "helpdesk.thread-root"
SIGNATURE_LENGTH = 16  # base32 characters: 80 bits
TOKEN = re.compile(r"^(\d{1,12})-(\d{1,12})-([a-z2-7]{16})$")
# The character between a mailbox's name and the token (Postfix's recipient_delimiter default).
DELIMITER = "+"


def message_id_domain() -> str:
    """EMAIL_MESSAGE_ID_DOMAIN, else SITE_URL's host: "the site's domain"."""
    configured = str(settings.EMAIL_MESSAGE_ID_DOMAIN).strip()
    return configured or urlsplit(str(settings.SITE_URL)).hostname or "localhost"


def new_message_id() -> str:
    """A Message-ID no one else will write: 128 random bits at the site's domain."""
    return f"<{secrets.token_hex(16)}@{message_id_domain()}>"


def bare(message_id: str) -> str:
    """A Message-ID without its brackets and spaces, for comparing."""
    return message_id.strip().strip("<>").strip()


def message_ids_in(header: str | None) -> list[str]:
    """The Message-IDs a `References` or `In-Reply-To` header lists, bare, in order."""
    if not header:
        return []
    found = re.findall(r"<([^<>\s]+)>", str(header))
    if not found and "@" in str(header):
        # Some clients write one id without its brackets.
        found = [bare(str(header).split()[0])]
    return found


def is_ours(message_id: str) -> bool:
    """Whether a Message-ID is one the helpdesk wrote (it is at the site's domain)."""
    value = bare(message_id)
    return value.rpartition("@")[2].casefold() == message_id_domain().casefold()


def _signature(salt: str, value: str) -> str:
    digest = salted_hmac(salt, value, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SIGNATURE_LENGTH]


def case_thread_root(reference: str) -> str:
    """The Message-ID every email about the case refers to first (`References`), so that mail
    clients group a case's mail together. No email has it; it is signed so that only someone who
    received mail about the case knows it."""
    return f"<{reference.lower()}.{_signature(ROOT_SALT, reference)}@{message_id_domain()}>"


def reply_token(case_id: int, person_id: int) -> str:
    """The signed token naming `case_id` and the person the email is for."""
    return f"{case_id}-{person_id}-{_signature(TOKEN_SALT, f'{case_id}:{person_id}')}"


def read_token(token: str) -> tuple[int, int] | None:
    """(case id, person id) named by a genuine token, else None."""
    match = TOKEN.match(token.strip().casefold())
    if match is None:
        return None
    case_id, person_id = int(match[1]), int(match[2])
    if not constant_time_compare(reply_token(case_id, person_id), match[0]):
        return None
    return case_id, person_id


def token_in(address: str) -> str | None:
    """The token of a plus-address (`support+<token>@…`), whatever follows the delimiter."""
    local = parseaddr(address)[1].rpartition("@")[0]
    if DELIMITER not in local:
        return None
    return local.split(DELIMITER, 1)[1] or None


def without_token(address: str) -> str:
    """The address a plus-address was made from (`support@…`), lower-cased, for finding the
    queue or mailbox it reached."""
    local, _, domain = parseaddr(address)[1].rpartition("@")
    return f"{local.split(DELIMITER, 1)[0]}@{domain}".casefold() if domain else ""


def reply_address(base: str, *, case_id: int, person_id: int) -> str:
    """Where a reply to an email about the case reaches it: `base` (the queue's address or the
    sender's), with the signed token added when EMAIL_PLUS_ADDRESSING is on."""
    if not settings.EMAIL_PLUS_ADDRESSING:
        return base
    name, address = parseaddr(base)
    local, _, domain = address.rpartition("@")
    if not domain:
        return base
    tokened = f"{local}{DELIMITER}{reply_token(case_id, person_id)}@{domain}"
    return formataddr((name, tokened)) if name else tokened
