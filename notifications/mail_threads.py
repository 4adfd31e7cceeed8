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
from dataclasses import dataclass
from datetime import datetime

from cases.models import Case, InboundMessage, Outcome, User
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


def opening_message(case: Case) -> InboundMessage | None:
    """The email that opened the case, if one did (as a new case, or as a follow-up of a
    closed one)."""
    return (
        InboundMessage.objects.filter(case=case, outcome__in=(Outcome.NEW_CASE, Outcome.REPEAT))
        .exclude(message_id="")
        .order_by("received_at", "id")
        .first()
    )


def thread_of(
    notification: Notification, *, opening: InboundMessage | None, answers: InboundMessage | None
) -> Thread:
    """The thread headers of a notification's email. `opening`: the email that opened its case;
    `answers`: the message this email answers (the acknowledgement of a case opened by email
    answers that email), which it then goes under, whatever else the recipient saw."""
    case = notification.case
    root = case_thread_root(str(case.reference))
    recent = _seen_by(case, notification.recipient, besides=notification.pk)
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


def _seen_by(case: Case, recipient: User, *, besides: int) -> list[str]:
    """The Message-IDs of the latest messages about the case in the recipient's mailbox, latest
    first: the emails they were sent, and those they wrote to it."""
    sent = (
        Notification.objects.filter(case=case, recipient=recipient, message_id__isnull=False)
        .exclude(emailed_to="")
        .exclude(pk=besides)
        .order_by("-sent_at", "-id")
        .values_list("sent_at", "message_id")[:RECENT]
    )
    seen: list[tuple[datetime | None, str | None]] = list(sent)
    if recipient.email:
        written = (
            InboundMessage.objects.filter(case=case, sender__iexact=recipient.email)
            .exclude(message_id="")
            .order_by("-received_at", "-id")
            .values_list("received_at", "message_id")[:RECENT]
        )
        seen += list(written)
    ordered = sorted(
        ((at, message_id) for at, message_id in seen if at is not None and usable(message_id)),
        key=lambda pair: pair[0],
        reverse=True,
    )
    return [str(message_id) for _, message_id in ordered[:RECENT]]


def _unique(message_ids: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(message_ids))
