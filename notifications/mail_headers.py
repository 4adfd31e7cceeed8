"""The headers every email the helpdesk sends about a case carries besides its thread
(notifications/mail_threads.py): where a reply goes, and whether a robot wrote it."""

from email.utils import formataddr, parseaddr

from django.conf import settings

from cases.models import Queue
from notifications.mail_names import reply_address
from notifications.models import AutoSubmitted


def queue_address(queue: Queue) -> str | None:
    """Where mail to the queue is read, if anywhere: its own address, else the address of an
    IMAP mailbox that opens its cases (a reply sent there reaches the case all the same)."""
    if queue.email_address:
        return str(queue.email_address)
    return (
        queue.mailboxes.filter(active=True).order_by("id").values_list("address", flat=True).first()
    )


def reply_base(address: str | None) -> str:
    """The address a reply reaches the helpdesk at, named as the From is: a queue's own
    address when it has one (mail to it is read), else DEFAULT_FROM_EMAIL."""
    if not address:
        return str(settings.DEFAULT_FROM_EMAIL)
    name = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[0]
    return formataddr((name, address)) if name else address


def reply_to(queue_address: str | None, *, case_id: int, person_id: int) -> str:
    """`Reply-To` of an email about a case to a person: with EMAIL_PLUS_ADDRESSING on, a
    plus-address whose signed token names the case and that person (the strongest way a reply
    finds its case, and the only one an agent's reply by email is posted by)."""
    return reply_address(reply_base(queue_address), case_id=case_id, person_id=person_id)


def automatic_headers(auto_submitted: str) -> dict[str, str]:
    """`Auto-Submitted` (RFC 3834) on what a robot sent, so that other robots do not answer it;
    and Exchange's own way of saying the same (no out-of-office, no auto-reply; delivery
    reports still come, since a bounce is how an address is learnt to be undeliverable). An
    email caused by a person carries neither."""
    if auto_submitted == AutoSubmitted.NO:
        return {}
    return {"Auto-Submitted": auto_submitted, "X-Auto-Response-Suppress": "OOF, AutoReply"}
