"""Telling mail written by a machine from mail written by a person: delivery failure reports
(bounces, RFC 3464) and every other kind of automatic mail (out-of-office replies, mailing lists,
bulk senders, our own mail coming back). Answering any of them, or posting it on a case, is how
helpdesks end up in mail loops; the checks are those Zammad and FreeScout make, together."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message

from notifications.mail_names import is_ours
from services.mail_addresses import base_address, normalized
from services.mail_reading import MailHeaders, ReadMessage, readable

# Senders that only ever write about mail itself (RFC 5321's postmaster, the MTA's daemon).
MAIL_SYSTEM_SENDERS = frozenset({"mailer-daemon", "postmaster"})
# What the subject of a delivery failure says when it comes without a report (best effort,
# the wordings of Postfix, Exim, Exchange, Gmail and a few languages).
FAILURE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|failure|has failed)|"
    r"returned mail|mail delivery failed|failure notice|could not be delivered|"
    r"nicht zustellbar|unzustellbar|non remis|non recapitabile|no se puede entregar",
    re.IGNORECASE,
)
PRECEDENCE_AUTOMATIC = frozenset({"bulk", "junk", "list", "auto_reply"})
# X-Auto-Response-Suppress values an auto-responder itself sets (Exchange): OOF, AutoReply, All.
SUPPRESS_AUTOMATIC = frozenset({"oof", "autoreply", "all"})
MAX_REASON = 300


@dataclass(frozen=True)
class Bounce:
    """What a delivery failure report says: the addresses mail could not reach for good, each
    with why (in the reporting server's words), and those it is still trying (delayed)."""

    failed: dict[str, str] = field(default_factory=dict)
    delayed: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        if self.failed:
            named = "; ".join(f"{address} ({why})" for address, why in self.failed.items())
            return f"A delivery failure report: mail to {named} could not be delivered."
        if self.delayed:
            return (
                f"A delay report: mail to {', '.join(self.delayed)} is not delivered yet; "
                "nothing marked."
            )
        return "A delivery failure report naming no address that could be read."


def bounce_of(read: ReadMessage) -> Bounce | None:
    """The report when the message is a delivery failure report: a `multipart/report` of
    report-type delivery-status, or mail from a mail system (mailer-daemon, postmaster) whose
    subject says it failed (read as far as its text allows); else None."""
    message = read.message
    if _is_delivery_report(message):
        blocks = [
            block
            for part in message.walk()
            if part.get_content_type() == "message/delivery-status"
            for block in _status_blocks(part)
        ]
        return _bounce_from(blocks)
    if _from_mail_system(read.headers) and FAILURE_SUBJECT.search(read.subject):
        return _bounce_from(_blocks_in_text(read.full_text))
    return None


def automatic_reason(headers: MailHeaders, *, own: frozenset[str]) -> str | None:
    """Why the message was sent by a machine, naming the header or sender that says so, or
    None when a person wrote it. `own`: the helpdesk's own addresses (`own_addresses`)."""
    auto_submitted = headers.value("Auto-Submitted")
    if auto_submitted and auto_submitted.split(";")[0].strip().casefold() != "no":
        return f"Sent automatically (Auto-Submitted: {auto_submitted})."
    for name in ("X-Autoreply", "X-Autorespond"):
        value = headers.value(name)
        if value or _present(headers, name):
            return f"Sent automatically ({name}: {value})."
    precedence = headers.value("Precedence")
    if precedence.strip().casefold() in PRECEDENCE_AUTOMATIC:
        return f"Sent to many at once (Precedence: {precedence})."
    suppress = headers.value("X-Auto-Response-Suppress")
    if {word.strip().casefold() for word in suppress.split(",")} & SUPPRESS_AUTOMATIC:
        return f"Sent automatically (X-Auto-Response-Suppress: {suppress})."
    for name in ("List-Id", "List-Unsubscribe"):
        if _present(headers, name):
            return f"Sent by a mailing list ({name})."
    report_type = _report_type(headers.message)
    if report_type:
        return f"A report sent automatically (multipart/report; report-type={report_type})."
    if _from_mail_system(headers):
        return f"Sent by a mail system ({headers.sender})."
    if {normalized(headers.sender), base_address(headers.sender)} & own:
        return f"Sent from the helpdesk's own address ({headers.sender}): our own mail."
    if headers.message_id and is_ours(headers.message_id):
        return "Carries one of the helpdesk's own Message-IDs: our own mail."
    return None


# --- reading reports -------------------------------------------------------------------------


def _present(headers: MailHeaders, name: str) -> bool:
    try:
        return name in headers.message
    except Exception:
        return False


def _report_type(message: Message) -> str:
    try:
        if message.get_content_type() != "multipart/report":
            return ""
        return readable(str(message.get_param("report-type") or "unknown")).casefold()
    except Exception:
        return ""


def _is_delivery_report(message: Message) -> bool:
    return _report_type(message) == "delivery-status"


def _from_mail_system(headers: MailHeaders) -> bool:
    local = normalized(headers.sender).rpartition("@")[0]
    return local in MAIL_SYSTEM_SENDERS


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status part (the message's, then one per
    recipient), each as {lower-cased name: value}."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            {str(name).casefold(): readable(str(value)) for name, value in block.items()}
            for block in payload
            if isinstance(block, Message)
        ]
    return _blocks_in_text(str(payload))


FIELD_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$")


def _blocks_in_text(text: str) -> list[dict[str, str]]:
    """Blocks of "Name: value" lines separated by blank lines, as a report quoted in a text."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        match = FIELD_LINE.match(line.strip())
        if match:
            current.setdefault(match[1].casefold(), readable(match[2]))
        elif not line.strip() and current:
            blocks.append(current)
            current = {}
    if current:
        blocks.append(current)
    return blocks


def _bounce_from(blocks: Iterable[dict[str, str]]) -> Bounce:
    failed: dict[str, str] = {}
    delayed: list[str] = []
    for block in blocks:
        address = _address_of(block.get("final-recipient") or block.get("original-recipient"))
        if not address:
            continue
        action = block.get("action", "").casefold()
        status = block.get("status", "").split()[0] if block.get("status") else ""
        if action == "failed" or status.startswith("5"):
            failed.setdefault(address, _why(status, block.get("diagnostic-code", "")))
        elif action == "delayed" or status.startswith("4"):
            delayed.append(address)
    return Bounce(failed=failed, delayed=tuple(dict.fromkeys(delayed)))


def _address_of(value: str | None) -> str:
    """The address of a Final-Recipient field ("rfc822; someone@example.com")."""
    if not value:
        return ""
    address = value.split(";", 1)[1] if ";" in value else value
    address = normalized(address.strip())
    return address if "@" in address else ""


def _why(status: str, diagnostic: str) -> str:
    """Why, as "5.1.1 550 … User unknown": the status, then the server's own words without
    their "smtp;" type."""
    words = diagnostic.split(";", 1)[1].strip() if ";" in diagnostic else diagnostic.strip()
    why = " ".join(part for part in (status, words) if part) or "delivery failed"
    return why[:MAX_REASON]
