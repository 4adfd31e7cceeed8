"""Where an email the helpdesk sends sits among the messages about its case, so that mail
clients group a case's mail together and the helpdesk knows what a reply answers
(services/inbound.py reads these headers back).

`References` names the case's thread root first (`mail_names.case_thread_root`): one id that
every email about the case shares, which no single email has. When the case was opened by an
email, that email's Message-ID comes before the root, so that the customer's own client files
the acknowledgement and everything after it under the message they wrote. Then the last few
messages of the thread as this recipient saw them (the emails they were sent about the case and
the ones they wrote to it), ending with `In-Reply-To`. The header stays short: a long thread's
middle adds nothing a client needs.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Window
from django.db.models.functions import Lower, RowNumber

from cases.models import Case, InboundMessage, Outcome
from notifications.batches import AnyOf
from notifications.mail_names import case_thread_root
from notifications.models import Notification

# The messages of the thread a References header names besides the root and the original.
RECENT = 3
# A Message-ID fit for a header: what came in by email is someone else's text, and a header
# with a line break in it would fail every attempt to send the email.
MESSAGE_ID = re.compile(r"^<[^<>\s]{1,250}>$")


@dataclass(frozen=True)
class Thread:
    in_reply_to: str
    references: tuple[str, ...]

    @property
    def headers(self) -> dict[str, str]:
        if not self.in_reply_to:
            return {"References": " ".join(self.references)} if self.references else {}
        return {"In-Reply-To": self.in_reply_to, "References": " ".join(self.references)}


def usable(message_id: str | None) -> bool:
    return bool(message_id) and MESSAGE_ID.match(str(message_id)) is not None


def openings_of(case_ids: Iterable[int]) -> dict[int, InboundMessage]:
    """The email that opened each case, for the cases one did (as a new case, or as a follow-up
    of a closed one); one query for a batch."""
    ids = set(case_ids)
    if not ids:
        return {}
    openings: dict[int, InboundMessage] = {}
    for message in (
        InboundMessage.objects.filter(
            AnyOf(F("case_id"), ids), outcome__in=(Outcome.NEW_CASE, Outcome.REPEAT)
        )
        .exclude(message_id="")
        .order_by("received_at", "id")
    ):
        assert message.case_id is not None  # filtered on it
        openings.setdefault(message.case_id, message)
    return openings


def thread_of(
    notification: Notification,
    *,
    opening: InboundMessage | None,
    answers: InboundMessage | None,
    recent: list[str],
) -> Thread:
    """The thread headers of a notification's email. `opening`: the email that opened its case;
    `answers`: the message this email answers (the acknowledgement of a case opened by email
    answers that email), which it then goes under, whatever else the recipient saw; `recent`:
    what the recipient saw of the case lately (`seen_by`)."""
    root = case_thread_root(str(notification.case.reference))
    if answers is not None and usable(answers.message_id):
        in_reply_to = answers.message_id
    else:
        in_reply_to = recent[0] if recent else root
    first = [opening.message_id] if opening is not None and usable(opening.message_id) else []
    return Thread(in_reply_to, _unique([*first, root, *reversed(recent), in_reply_to]))


def notice_thread(inbound: InboundMessage, *, case_root_of: Case | None) -> Thread:
    """The thread headers of a notice answering `inbound`: under that message, and in the
    thread of `case_root_of` (a case the sender may follow) when given."""
    root = [case_thread_root(str(case_root_of.reference))] if case_root_of is not None else []
    if not usable(inbound.message_id):
        return Thread("", tuple(root))
    return Thread(inbound.message_id, _unique([*root, inbound.message_id]))


def seen_by(rows: list[Notification]) -> dict[int, list[str]]:
    """For each row (by id), the Message-IDs of the latest messages about its case in its
    recipient's mailbox, latest first: the emails they were sent about it (never the rows
    themselves, which are unsent), and those they wrote to it. Two queries for a batch, each
    taking the latest RECENT per case and person."""
    if not rows:
        return {}
    case_ids = {row.case_id for row in rows}
    latest_sent = Window(
        RowNumber(),
        partition_by=[F("case_id"), F("recipient_id")],
        order_by=[F("sent_at").desc(), F("id").desc()],
    )
    sent = (
        Notification.objects.filter(
            AnyOf(F("case_id"), case_ids),
            AnyOf(F("recipient_id"), {row.recipient_id for row in rows}),
            message_id__isnull=False,
            sent_at__isnull=False,
        )
        .exclude(emailed_to="")
        .annotate(rank=latest_sent)
        .filter(rank__lte=RECENT)
        .values_list("case_id", "recipient_id", "sent_at", "message_id")
    )
    seen: dict[tuple[int, object], list[tuple[datetime | None, str | None]]] = defaultdict(list)
    for case_id, recipient_id, at, message_id in sent:
        seen[case_id, recipient_id].append((at, message_id))
    addresses = {row.recipient.email.lower() for row in rows if row.recipient.email}
    if addresses:
        latest_written = Window(
            RowNumber(),
            partition_by=[F("case_id"), Lower("sender")],
            order_by=[F("received_at").desc(), F("id").desc()],
        )
        written = (
            InboundMessage.objects.annotate(address=Lower("sender"))
            .filter(AnyOf(F("case_id"), case_ids), AnyOf(F("address"), addresses))
            .exclude(message_id="")
            .annotate(rank=latest_written)
            .filter(rank__lte=RECENT)
            .values_list("case_id", "address", "received_at", "message_id")
        )
        for case_id, address, at, message_id in written:
            seen[case_id, address].append((at, message_id))
    recent = {}
    for row in rows:
        mine = seen[row.case_id, row.recipient_id]
        if row.recipient.email:
            mine = mine + seen[row.case_id, row.recipient.email.lower()]
        ordered = sorted(
            ((at, message_id) for at, message_id in mine if at is not None and usable(message_id)),
            key=lambda pair: pair[0],
            reverse=True,
        )
        recent[row.pk] = [str(message_id) for _, message_id in ordered[:RECENT]]
    return recent


def _unique(message_ids: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(message_ids))
