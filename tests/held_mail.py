"""Received messages as the mail door records them, for the tests of the pages, the admin and
the API that show them: a row with its raw message in storage, held (or whatever `outcome`)."""

import hashlib
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import InboundMessage, Outcome
from cases.models.mail import Via
from tests.mail.corpus import message

HELD_REASON = "From an address the helpdesk does not know."


def received(
    raw: bytes | None = None,
    *,
    outcome: str = Outcome.HELD,
    reason: str = HELD_REASON,
    sender: str = "stranger@elsewhere.example",
    subject: str = "Printer is on fire",
    at: datetime | None = None,
    **fields: object,
) -> InboundMessage:
    """A stored message: `raw` (a plain message from `sender` by default), recorded with
    `outcome`."""
    raw = raw if raw is not None else message(sender=sender, subject=subject)
    digest = hashlib.sha256(raw).hexdigest()
    row = InboundMessage(
        dedupe_key=f"sha256:{digest}",
        sha256=digest,
        size=len(raw),
        via=Via.PIPE,
        sender=sender,
        subject=subject,
        recipient="support@helpdesk.example",
        received_at=at or timezone.now(),
        outcome=outcome,
        reason=reason,
        **fields,
    )
    row.raw.save("message.eml", ContentFile(raw), save=False)
    row.save()
    return row


def many_held(count: int, *, start: datetime | None = None) -> list[InboundMessage]:
    """`count` held messages, one a minute, the last the newest."""
    start = start or timezone.now() - timedelta(minutes=count)
    return [
        received(
            message(subject=f"Message {index}", sender=f"person{index}@elsewhere.example"),
            sender=f"person{index}@elsewhere.example",
            subject=f"Message {index}",
            at=start + timedelta(minutes=index),
        )
        for index in range(count)
    ]
