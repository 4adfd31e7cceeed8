"""Which case a message that came in answers, and whether its sender may post on it.

The thread is found in the contract's order: a signed token in the plus-address it was sent to
(when EMAIL_PLUS_ADDRESSING is on), then `In-Reply-To` and `References` against the Message-IDs
the helpdesk sent or received for a case, then the case reference in brackets in the subject.
The first way that names a case decides: a message is never moved to another case because its
sender may not post on the one it answers.

Who may post depends on how the case was found, since a reference in a subject is guessable and
a Message-ID or a signed token is not (Zammad #5064: a stranger quoting another customer's
reference landed on that case; FreeScout GHSA-6r38-6mcf-2ww3: forged replies to agents'
notifications). A customer may post on a case of theirs or of their organization, by any way.
An agent posts by email only in answer to a notification sent to them (by its Message-ID or its
token), from their own address: by the subject alone an agent's message is held, since anyone
can write an agent's address in From and a case's reference in a subject.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import F, Value
from django.utils.crypto import constant_time_compare

from cases.models import Case, InboundMessage, Outcome, User
from cases.roles import Role, is_staff_role, role_of
from notifications.mail_names import bare, case_thread_root, read_token, token_in
from notifications.models import MailNotice
from services.mail_reading import ReadMessage

# "[CS-000042]" anywhere in a subject, whatever its case and the blanks inside the brackets.
SUBJECT_REFERENCE = re.compile(r"\[\s*CS-(\d{1,12})\s*\]", re.IGNORECASE)
# The outcomes of a message that is part of its case's conversation.
ON_A_CASE = (Outcome.NEW_CASE, Outcome.REPLY, Outcome.REPEAT)


class FoundBy(StrEnum):
    TOKEN = "token"
    NOTIFICATION = "notification"
    MESSAGE_ID = "message_id"
    SUBJECT = "subject"


@dataclass(frozen=True)
class Thread:
    """The case a message answers, how it was found, and the person the token or the
    notification it answers was issued to (None for the other ways)."""

    case: Case
    found_by: FoundBy
    person_id: int | None = None


def thread_of(row: InboundMessage, read: ReadMessage) -> Thread | None:
    """The case the message answers, found in the contract's order, or None."""
    return _by_token(row, read) or _by_message_ids(row, read) or _by_subject(read.subject)


def poster_among(thread: Thread, accounts: Iterable[User]) -> User | None:
    """Of the sender's accounts (`mail_addresses.accounts_for`), the first who may post on the
    thread's case by the way it was found; None when none may."""
    return next((user for user in accounts if may_post(thread, user)), None)


def may_post(thread: Thread, user: User) -> bool:
    role = role_of(user)
    if thread.found_by == FoundBy.TOKEN and user.pk != thread.person_id:
        return False
    if is_staff_role(role):
        return thread.found_by in (FoundBy.TOKEN, FoundBy.NOTIFICATION) and (
            user.pk == thread.person_id
        )
    return role == Role.CUSTOMER and is_customer_of(thread.case, user)


def is_customer_of(case: Case, user: User) -> bool:
    """The case's requester or a person of its organization (who sees it on the portal)."""
    if case.requester_id == user.pk:
        return True
    return user.organization_id is not None and case.organization_id == user.organization_id


# --- the ways a thread is found ----------------------------------------------------------------


def _by_token(row: InboundMessage, read: ReadMessage) -> Thread | None:
    """A signed token in the address it was sent to; a token that does not verify is no token
    (the message is then matched the other ways)."""
    if not settings.EMAIL_PLUS_ADDRESSING:
        return None
    for address in (row.envelope_recipient, row.recipient, *read.headers.recipients):
        token = token_in(address) if address else None
        named = read_token(token) if token else None
        if named is None:
            continue
        case = _case(pk=named[0])
        if case is not None:
            return Thread(case, FoundBy.TOKEN, person_id=named[1])
    return None


def _by_message_ids(row: InboundMessage, read: ReadMessage) -> Thread | None:
    """`In-Reply-To` first, then `References` newest first, against what the helpdesk sent
    (notifications, notices, a case's thread root) and received on a case. A thread root is
    read from the id itself (signed, and carried by no email: notifications, notices and
    messages have ids of their own), so the others are looked up only when one comes before it:
    first the notifications, with their cases, in one query (a reply answers one far most
    often), then, only for an id that is none, the notices and the messages received."""
    ids = list(dict.fromkeys([*read.headers.in_reply_to, *reversed(read.headers.references)]))
    wanted = [f"<{bare(message_id)}>" for message_id in ids]
    roots = {message_id: _root_reference(message_id) for message_id in wanted}
    others = [message_id for message_id in wanted if roots[message_id] is None]
    notified: dict[str, Thread] | None = None
    known: dict[str, tuple[int, FoundBy]] | None = None
    for message_id in wanted:
        root = roots[message_id]
        if root is not None:
            case = _case(reference=root)
            if case is not None:
                return Thread(case, FoundBy.MESSAGE_ID)
            continue
        if notified is None:
            notified = _notified(others)
        if message_id in notified:
            return notified[message_id]
        if known is None:
            known = _known(others, row)
        if message_id not in known:
            continue
        case_id, found_by = known[message_id]
        case = _case(pk=case_id)
        if case is not None:
            return Thread(case, found_by)
    return None


def _notified(message_ids: list[str]) -> dict[str, Thread]:
    """The thread each notification's Message-ID names: its case, and the person it was sent
    to. The cases are read with the notification's two columns alongside (one model to build
    a row, not two)."""
    cases = Case.objects.filter(notifications__message_id__in=message_ids).annotate(
        answered=F("notifications__message_id"), person=F("notifications__recipient_id")
    )
    found: dict[str, Thread] = {}
    for case in cases:
        answered, person = case.answered, case.person  # type: ignore[attr-defined]
        found[str(answered)] = Thread(case, FoundBy.NOTIFICATION, person_id=person)
    return found


def _known(message_ids: list[str], row: InboundMessage) -> dict[str, tuple[int, FoundBy]]:
    """The case each Message-ID names that is no notification's: a notice's first, then a
    message received on a case (other than `row`)."""
    noticed = (
        MailNotice.objects.filter(message_id__in=message_ids, case__isnull=False)
        .annotate(way=Value(0))
        .values_list("message_id", "case_id", "way")
        .order_by()
    )
    received = (
        InboundMessage.objects.filter(
            message_id__in=message_ids, outcome__in=ON_A_CASE, case__isnull=False
        )
        .exclude(pk=row.pk)
        .annotate(way=Value(1))
        .values_list("message_id", "case_id", "way")
        .order_by()
    )
    found: dict[str, tuple[int, FoundBy]] = {}
    rows = noticed.union(received, all=True)
    for message_id, case_id, _way in sorted(rows, key=lambda found: found[2]):
        found.setdefault(str(message_id), (case_id, FoundBy.MESSAGE_ID))
    return found


def _root_reference(message_id: str) -> str | None:
    """The reference a case's thread root names (`mail_names.case_thread_root`), when the
    Message-ID is one, signature checked."""
    local = bare(message_id).partition("@")[0]
    reference = local.partition(".")[0].upper()
    if not re.fullmatch(r"CS-\d{1,12}", reference):
        return None
    if not constant_time_compare(case_thread_root(reference), message_id):
        return None
    return reference


def _by_subject(subject: str) -> Thread | None:
    for match in SUBJECT_REFERENCE.finditer(subject):
        case = _case(reference=f"CS-{int(match[1]):06d}")
        if case is not None:
            return Thread(case, FoundBy.SUBJECT)
    return None


def _case(*, pk: int | None = None, reference: str | None = None) -> Case | None:
    """The case, deleted or not (a message to a deleted case is answered by the rules for a
    case that takes no reply). Its row alone: who may post and whether it takes a reply are
    read off it, and the change to it reads it again, locked."""
    cases = Case.objects.all()
    if pk is not None:
        return cases.filter(pk=pk).first()
    return cases.filter(reference__iexact=reference).first()
