"""Delivering the notices that answer a message that came in (`MailNotice`, recorded by
`notifications.mail_notices.record_mail_notice`): after the commit by the same task as the
notifications (their keys start with KEY_PREFIX), else by the delivery sweep, retried with the
same backoff.

A notice answers a message, so it says so (`Auto-Submitted: auto-replied`), goes under it
(`In-Reply-To`) and counts towards the hourly limit of automatic emails to its address; an
undeliverable address gets none. A notice to someone about a case they may not follow (their
message was held) names only what they wrote: never the case's subject, nor its thread root,
which would let a stranger's mail thread onto the case.
"""

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from cases.times import format_datetime
from notifications import leases
from notifications.delivery import MAX_ATTEMPTS, retry_delay
from notifications.leases import Outcome
from notifications.links import case_url
from notifications.mail_headers import automatic_headers, queue_address, reply_base, reply_to
from notifications.mail_limits import HourlyLimit, held_back_because, normalized, undeliverable
from notifications.mail_threads import notice_thread
from notifications.models import AutoSubmitted, MailNotice, MailNoticeKind

# Every notice's outbox key starts so: the task that delivers a commit's keys tells them from
# the notifications' by it.
KEY_PREFIX = "notice:"
# "Re:" and the words other languages' mail clients write for it, so that a reply's subject
# is not "Re: Re: AW: …".
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|vs|rif)\s*:\s*)+", re.IGNORECASE)
MEBIBYTE = 1024 * 1024


def _judge(notices: list[MailNotice], now: datetime) -> list[Outcome | None]:
    """Settle each claimed notice that sends no email now, or let it be sent (None): an
    undeliverable address, the hourly limit (counted for the batch at once)."""
    withheld = undeliverable(notice.address for notice in notices)
    limited = [notice.address for notice in notices if normalized(notice.address) not in withheld]
    limit = HourlyLimit(limited, now=now) if limited else None
    verdicts: list[Outcome | None] = []
    for notice in notices:
        reason = withheld.get(normalized(notice.address))
        if reason:
            notice.email_withheld = reason
            notice.sent_at = now
            notice.next_attempt_at = None
            verdicts.append(Outcome(notice, withheld=reason))
            continue
        assert limit is not None  # made for every deliverable address
        until = limit.held_back_until(notice.address)
        if until is not None:
            notice.held_back = held_back_because(until)
            notice.next_attempt_at = until
            verdicts.append(Outcome(notice, held_back_until=until))
            continue
        limit.count(notice.address)
        verdicts.append(None)
    return verdicts


def email_of(notice: MailNotice) -> EmailMultiAlternatives:
    """The notice's email, plain text and HTML (templates/notifications/mail_notice/), under
    the message it answers. Building it touches nothing: the caller sends it."""
    inbound = notice.inbound
    named = notice.case
    template = f"notifications/mail_notice/{notice.kind}"
    context = notice_context(notice)
    # The follow-up is the sender's own case: its thread is theirs, and a reply to the notice
    # reaches it by a token naming them (when it is their address).
    theirs = named if notice.kind == MailNoticeKind.REPEAT_OPENED else None
    if theirs is not None and theirs.requester.email.lower() == notice.address:
        answer_to = reply_to(
            queue_address(theirs.queue), case_id=theirs.pk, person_id=theirs.requester_id
        )
    elif named is not None:
        answer_to = reply_base(queue_address(named.queue))
    else:
        answer_to = reply_base(inbound.mailbox.address if inbound.mailbox is not None else None)
    message = EmailMultiAlternatives(
        subject=notice_subject(inbound.subject, named.reference if named is not None else None),
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.address],
        reply_to=[answer_to],
        headers={
            "Message-ID": notice.message_id,
            **notice_thread(inbound, case_root_of=theirs).headers,
            **automatic_headers(AutoSubmitted.AUTO_REPLIED),
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def notice_context(notice: MailNotice) -> dict[str, Any]:
    """What the notice templates may show: what the sender wrote (their subject, their name,
    when it came), the case's reference, and for a follow-up opened for them, its page and the
    case it follows."""
    inbound = notice.inbound
    case = notice.case
    theirs = case if notice.kind == MailNoticeKind.REPEAT_OPENED else None
    return {
        "notice": notice,
        "name": inbound.sender_name,
        "their_subject": " ".join(inbound.subject.split()),
        "received_at": format_datetime(inbound.received_at),
        "case": case,
        "earlier": theirs.repeat_of if theirs is not None else None,
        "case_url": case_url(theirs, theirs.requester) if theirs is not None else "",
        "size_limit": size_limit_text(),
    }


def notice_subject(their_subject: str, reference: str | None) -> str:
    """ "Re: " and what they wrote, after the case's reference when there is one and their
    subject does not name it yet, e.g. "Re: [CS-000051] Printer on fire"."""
    subject = REPLY_PREFIX.sub("", " ".join(their_subject.split()))[:200] or "Your message"
    if reference and f"[{reference}]" not in subject:
        subject = f"[{reference}] {subject}"
    return f"Re: {subject}"


OUTBOX = leases.Outbox[MailNotice](
    name="Mail notice",
    model=MailNotice,
    key_prefix=KEY_PREFIX,
    due_field="created_at",
    related=("inbound__mailbox", "case__queue", "case__repeat_of", "case__requester"),
    judge=_judge,
    # One answer per message that came in: written one at a time, as mail comes.
    writer=leases.one_by_one(email_of),
    retry_delay=retry_delay,
    max_attempts=MAX_ATTEMPTS,
    settle_fields=("sent_at", "next_attempt_at", "email_withheld", "held_back"),
)


def size_limit_text() -> str:
    """INBOUND_EMAIL_MAX_BYTES in words, e.g. "25 MB"."""
    return f"{round(settings.INBOUND_EMAIL_MAX_BYTES / MEBIBYTE, 1):g} MB"
