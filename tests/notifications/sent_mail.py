"""What the notification tests need of mail: the raw email the helpdesk sent, read back as a
mail client reads it, and a message that came in (the inbound core's row, made directly)."""

import email
from email.message import EmailMessage
from email.policy import default
from itertools import count

from django.core.mail import EmailMessage as DjangoEmail

from cases.models import InboundMessage, Outcome, Via
from tests.timed_cases import T0

_numbers = count(1)


def parsed(message: DjangoEmail) -> EmailMessage:
    """The email as its bytes say, headers and parts exactly as they would go over SMTP."""
    raw = message.message().as_bytes()
    parsed_message = email.message_from_bytes(raw, policy=default)
    assert isinstance(parsed_message, EmailMessage)
    return parsed_message


def texts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a multipart/alternative email."""
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


def received(
    *,
    sender: str = "alice@example.com",
    subject: str = "Printer is on fire",
    case=None,
    outcome: str = Outcome.NEW_CASE,
    message_id: str | None = None,
    at=T0,
) -> InboundMessage:
    """A message stored as the inbound core stores it, with what became of it."""
    number = next(_numbers)
    message_id = message_id if message_id is not None else f"<m{number}@mail.example.com>"
    return InboundMessage.objects.create(
        dedupe_key=f"mid:{message_id or number}",
        sha256=f"{number:064x}",
        message_id=message_id,
        raw=f"inbound/test/{number}.eml",
        size=100,
        via=Via.PIPE,
        sender=sender,
        sender_name="Alice",
        recipient="support@example.com",
        subject=subject,
        received_at=at,
        outcome=outcome,
        case=case,
    )
