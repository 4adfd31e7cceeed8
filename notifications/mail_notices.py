"""`record_mail_notice()`: telling the sender of a message that came in what became of it, when
that is not what they would expect (their message opened a follow-up case, waits for support, or
was refused as too large). Recorded in the transaction that handled the message, sent after the
commit like every email of the outbox (notifications/notice_delivery.py).
"""

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from cases.models import Case, InboundMessage, Mailbox, Queue
from notifications.mail_limits import normalized
from notifications.mail_names import new_message_id, without_token
from notifications.models import MailNotice, MailNoticeKind
from notifications.notice_delivery import KEY_PREFIX
from notifications.tasks import enqueue

# Local parts of the addresses no notice goes to (RFC 2142's mail server names, and the usual
# no-reply ones).
ROBOT_MAILBOXES = frozenset(
    {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}
)


def record_mail_notice(
    kind: str,
    *,
    to: str,
    inbound: InboundMessage,
    case: Case | None = None,
    now: datetime,
) -> None:
    """Record a notice of `kind` (a `MailNoticeKind`) to the address `to` answering `inbound`:
    `repeat_opened` (`case` is the follow-up opened), `held` (`case` is the case the message
    named) or `refused_too_large`. Once per message and kind, whoever asks again; nothing for
    an address no email could go to, a mail server's or no-reply one, nor one of the
    helpdesk's own (a loop). An undeliverable address gets the row, withheld when it is sent."""
    if kind not in MailNoticeKind.values:
        raise ValueError(f"Unknown mail notice kind {kind!r}")
    address = normalized(parseaddr(to)[1] or to)
    if not _deliverable(address) or _is_robot(address) or _is_ours(address):
        return
    key = f"{KEY_PREFIX}{kind}:{inbound.pk}"
    MailNotice.objects.bulk_create(
        [
            MailNotice(
                kind=kind,
                address=address,
                inbound=inbound,
                case=case,
                key=key,
                message_id=new_message_id(),
                created_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: enqueue([key]))


def _deliverable(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _is_robot(address: str) -> bool:
    """Whether `address` is a mail server's own (bounces, postmaster) or one that says no one
    reads it: answering would bounce or start a loop. The message's headers (Auto-Submitted,
    Precedence, List-Id...) are judged before a notice is ever asked for."""
    return address.partition("@")[0] in ROBOT_MAILBOXES


def _is_ours(address: str) -> bool:
    """Whether `address` is where the helpdesk itself receives or sends mail: answering it would
    start a loop with ourselves."""
    address = without_token(address) or address
    if address == without_token(str(settings.DEFAULT_FROM_EMAIL)):
        return True
    return (
        Queue.objects.filter(email_address__iexact=address).exists()
        or Mailbox.objects.filter(address__iexact=address).exists()
    )
