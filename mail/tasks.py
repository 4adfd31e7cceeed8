"""Mail in, on Celery beat: every active IMAP mailbox polled each minute, one task per mailbox so
that one failing (or slow) never stops or holds up the others; and the messages whose handling
failed tried again when due.

The tasks hold no logic: `services.mailboxes` and `services.inbound` decide everything.
"""

import logging

from celery import shared_task

from cases.models import Mailbox
from services.inbound import inbound_retry_due
from services.mailboxes import mailbox_poll

log = logging.getLogger(__name__)

# A poll still queued after this long is dropped: the next minute's poll reads the same messages.
POLL_EXPIRES_SECONDS = 60


@shared_task(ignore_result=True)
def poll_mailboxes() -> int:
    """Starts a poll of each active mailbox; the number started."""
    mailbox_ids = list(Mailbox.objects.filter(active=True).values_list("pk", flat=True))
    for mailbox_id in mailbox_ids:
        poll_mailbox.apply_async((mailbox_id,), expires=POLL_EXPIRES_SECONDS)
    return len(mailbox_ids)


@shared_task(ignore_result=True)
def poll_mailbox(mailbox_id: int) -> int:
    """Reads one mailbox (skipped when another worker is reading it); the messages new to the
    helpdesk. A mailbox that cannot be read says why on itself, in the admin."""
    result = mailbox_poll(mailbox_id=mailbox_id)
    if result.error:
        log.warning("Mailbox %s: %s", mailbox_id, result.error)
    elif result.read:
        log.info("Mailbox %s: %s read, %s new", mailbox_id, result.read, result.stored)
    return result.stored


@shared_task(ignore_result=True)
def retry_inbound_messages() -> int:
    """Handles again the stored messages whose handling failed and whose next try is due."""
    return inbound_retry_due()
