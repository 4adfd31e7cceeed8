"""Mail that arrives: stored raw once (`inbound_store`), then handled in one transaction
(`inbound_handle`): a reply on its case, a new case, a follow-up case, held for an agent,
ignored, a bounce, or refused. Held mail is released or discarded by an agent here too.

Every way in (the pipe, a Maildir, IMAP) ends here, so the same message fed twice by any of them
is stored once: it is known by its Message-ID, else by the hash of its bytes. Storing never reads
more than the header block into memory and never fails on what the bytes say; only a database or
storage outage makes it fail, and then the mail server or the poll tries again.

Handling takes the stored row with a lock that a second worker skips, decides, and records the
case change with the outcome in one transaction: a failure rolls all of it back, and the row
keeps its error and the time of its next attempt. Nothing is ever half-posted or lost."""

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from io import BytesIO
from typing import IO, BinaryIO, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from cases.actors import Actor
from cases.errors import Conflict, Forbidden, InvalidInput, NotVisible, ServiceError
from cases.models import (
    Case,
    Channel,
    InboundMessage,
    Mailbox,
    MessageChannel,
    Organization,
    Outcome,
    Queue,
    User,
)
from cases.roles import Role, role_of
from notifications.mail_limits import undeliverable
from notifications.mail_names import bare
from notifications.mail_notices import record_mail_notice
from notifications.models import MailNoticeKind
from services.cases import case_create
from services.conversation import comment_post
from services.inbound_content import Content, content_of
from services.inbound_threads import Thread, is_customer_of, poster_among, thread_of
from services.mail_addresses import (
    accounts_for,
    base_address,
    everyone_at,
    first_receiving,
    normalized,
    own_addresses,
    receiving_addresses,
)
from services.mail_kinds import Bounce, automatic_reason, bounce_of
from services.mail_reading import (
    MailHeaders,
    ReadMessage,
    header_block,
    read_headers,
    read_message,
    readable,
)
from workflows.registry import as_workflow_case
from workflows.transitions import why_not_updatable

logger = logging.getLogger(__name__)

# A message is kept in memory while it is stored up to this size, on disk beyond.
SPOOL_IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024
# The longest Message-ID kept as one (the dedupe key holds "mid:" and it); a longer one is
# garbage, and the message is known by its hash instead.
MAX_MESSAGE_ID = 990
# A failed handling is tried again after 1, 2, 4… minutes, at most every six hours.
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)
# A message stored without being handled (the handling process died) is picked up after this.
UNHANDLED_AFTER = timedelta(minutes=1)
MAX_ERROR = 2000
# What deciding on a message sets (the rest of the row is what arrived, written once): saved
# alone, not the whole row again.
DECIDED = ("outcome", "reason", "case", "comment")


# --- storing -----------------------------------------------------------------------------------


def inbound_store(
    *,
    raw: bytes | IO[bytes],
    via: str,
    envelope_recipient: str = "",
    mailbox: Mailbox | None = None,
    now: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Store a message as it arrived (the storage API, a random name), with what its headers
    say, once: (the row, True), or (the row stored before, False) when the same message (its
    Message-ID, else its bytes) was stored already. The outcome stays `pending` until
    `inbound_handle`. Raises only when the database or the storage fails."""
    now = now or timezone.now()
    with _spooled(raw) as (stream, digest, size):
        headers = _headers_at_start(stream)
        mid = bare(headers.message_id)
        if mid and len(mid) <= MAX_MESSAGE_ID:
            key, message_id = f"mid:{mid}", f"<{mid}>"
        else:
            key, message_id = f"sha256:{digest}", ""
        envelope = readable(envelope_recipient)[:998]
        candidates = [envelope, *headers.recipients]
        row = InboundMessage(
            dedupe_key=key,
            sha256=digest,
            message_id=message_id,
            size=size,
            via=via,
            mailbox=mailbox,
            envelope_recipient=envelope,
            sender=headers.sender[:320],
            sender_name=headers.sender_name[:200],
            recipient=first_receiving(candidates, receiving_addresses())[:998],
            subject=headers.subject[:998],
            received_at=now,
        )
        field = InboundMessage._meta.get_field("raw")
        storage: Storage = field.storage
        stream.seek(0)
        name = storage.save(field.generate_filename(row, "message.eml"), File(stream))
        row.raw.name = name
        try:
            # The insert itself tells a new message from one stored before (the unique
            # `dedupe_key`): one query for the usual new message, where a look first would be
            # two; a duplicate, rare, costs the write of its file, deleted again. Outside a
            # transaction the insert is one on its own; inside one (a caller's), a savepoint
            # keeps that transaction usable should the message be a duplicate.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                row.save(force_insert=True)
        except IntegrityError:
            # Stored before, by this way or another, or by another process in the meantime:
            # that row is the message.
            _delete_quietly(storage, name)
            stored = InboundMessage.objects.filter(dedupe_key=key).first()
            if stored is None:
                raise
            return stored, False
        except BaseException:
            _delete_quietly(storage, name)
            raise
    return row, True


@contextmanager
def _spooled(raw: bytes | IO[bytes]) -> Iterator[tuple[BinaryIO, str, int]]:
    """The message as a seekable stream, with the sha256 of its bytes and their number. A
    stream (standard input, a file) is copied chunk by chunk into a temporary file, so that a
    large message is never held in memory."""
    if isinstance(raw, bytes | bytearray):
        data = bytes(raw)
        # The caller holds the bytes already: read in place, never copied.
        yield BytesIO(data), hashlib.sha256(data).hexdigest(), len(data)
        return
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        while chunk := raw.read(CHUNK):
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        yield cast(BinaryIO, spool), digest.hexdigest(), size


def _headers_at_start(stream: BinaryIO) -> MailHeaders:
    """What the header block says; nothing (every value empty) when it cannot be read at all."""
    try:
        return read_headers(header_block(stream))
    except Exception as error:
        logger.warning("Could not read the headers of a message: %r", error)
        return read_headers(b"")


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception as error:
        # The failure being handled matters more; an orphan file is harmless.
        logger.warning("Could not delete the stored message %s: %r", name, error)


# --- handling ----------------------------------------------------------------------------------


def inbound_handle(*, message_id: int, now: datetime | None = None) -> InboundMessage | None:
    """Decide what the stored message becomes and record it, with the case change, in one
    transaction. None when another worker holds the message or it was handled already. A
    failure leaves it pending with its error and the time of its next attempt (the row is
    returned)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            row = (
                InboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=message_id, outcome=Outcome.PENDING)
                .first()
            )
            if row is None:
                return None
            _decide(row, now)
            row.handled_at = now
            row.next_attempt_at = None
            row.last_error = ""
            row.save(update_fields=[*DECIDED, "handled_at", "next_attempt_at", "last_error"])
        return row
    except Exception as error:
        # One line (the pipe's stderr goes to the mail server's log); the traceback for whoever
        # debugs, and the error is kept on the row.
        logger.error("Message %s could not be handled: %r", message_id, error)
        logger.debug("Message %s could not be handled", message_id, exc_info=True)
        return _failed(message_id, error, now)


def inbound_retry_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Handle the pending messages whose next attempt is due, and those stored but never handled
    (the process that stored them stopped); the number handled."""
    now = now or timezone.now()
    due = (
        InboundMessage.objects.filter(outcome=Outcome.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, received_at__lte=now - UNHANDLED_AFTER)
        )
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    handled = 0
    for pk in list(due):
        row = inbound_handle(message_id=pk, now=now)
        if row is not None and row.outcome != Outcome.PENDING:
            handled += 1
    return handled


def _failed(message_id: int, error: Exception, now: datetime) -> InboundMessage | None:
    """Record the failure on the row, still pending, with its next attempt backed off."""
    try:
        row = InboundMessage.objects.filter(pk=message_id, outcome=Outcome.PENDING).first()
        if row is None:
            return None
        row.attempts = min(row.attempts + 1, 32767)
        row.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR]
        row.next_attempt_at = now + min(RETRY_FIRST * 2 ** min(row.attempts - 1, 20), RETRY_MAX)
        InboundMessage.objects.filter(pk=row.pk, outcome=Outcome.PENDING).update(
            attempts=row.attempts, last_error=row.last_error, next_attempt_at=row.next_attempt_at
        )
        return row
    except DatabaseError as outage:
        # The database is gone: the row stays pending and is picked up by `inbound_retry_due`.
        logger.error("Could not record the failure of message %s: %r", message_id, outage)
        return None


def _decide(row: InboundMessage, now: datetime) -> None:
    if row.size > settings.INBOUND_EMAIL_MAX_BYTES:
        _refuse_too_large(row, now)
        return
    read = _read(row)
    bounce = bounce_of(read)
    if bounce is not None:
        _mark_undeliverable(bounce, now)
        row.outcome, row.reason = Outcome.BOUNCE, bounce.summary
        return
    automatic = automatic_reason(read.headers, own=own_addresses())
    if automatic is not None:
        row.outcome, row.reason = Outcome.IGNORED, automatic
        return
    everyone = everyone_at(row.sender)
    # They write again: mail reaches them, whatever becomes of this message.
    bounced = [user for user in everyone if user.email_undeliverable_since is not None]
    if bounced:
        User.objects.filter(pk__in=[user.pk for user in bounced]).update(
            email_undeliverable_since=None, email_undeliverable_reason=""
        )
        for user in bounced:
            user.email_undeliverable_since, user.email_undeliverable_reason = None, ""
    accounts = [user for user in everyone if user.is_active]
    thread = thread_of(row, read)
    if thread is not None:
        _answer(row, read, thread, accounts, now)
    else:
        _open(row, read, accounts, now)


def _read(row: InboundMessage) -> ReadMessage:
    with row.raw.storage.open(str(row.raw.name), "rb") as stored:
        return read_message(cast(BinaryIO, stored))


def _refuse_too_large(row: InboundMessage, now: datetime) -> None:
    """Refused unread (only its headers are read again); its sender is told, unless a machine
    sent it or mail to them bounces."""
    limit = settings.INBOUND_EMAIL_MAX_BYTES
    row.outcome = Outcome.REFUSED
    row.reason = (
        f"Too large: {_megabytes(row.size)}, and messages of at most {_megabytes(limit)} are "
        "accepted."
    )
    with row.raw.storage.open(str(row.raw.name), "rb") as stored:
        headers = _headers_at_start(cast(BinaryIO, stored))
    # A delivery report is a multipart/report too, which `automatic_reason` recognises.
    machine = automatic_reason(headers, own=own_addresses()) is not None
    if row.sender and not machine and not undeliverable([row.sender]):
        record_mail_notice(MailNoticeKind.REFUSED_TOO_LARGE, to=row.sender, inbound=row, now=now)


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB".replace(".0 MB", " MB")


def _mark_undeliverable(bounce: Bounce, now: datetime) -> None:
    for address, why in bounce.failed.items():
        User.objects.filter(
            email__iexact=address, is_active=True, email_undeliverable_since__isnull=True
        ).update(email_undeliverable_since=now, email_undeliverable_reason=why[:300])


def _hold(row: InboundMessage, reason: str) -> None:
    row.outcome, row.reason = Outcome.HELD, reason
    row.case = None
    row.comment = None


@contextmanager
def _refused_as_held(row: InboundMessage, what: str) -> Iterator[None]:
    """A rule of the case or of its files refusing the message (a `ServiceError`) holds it for
    an agent, in words, with nothing of it written; anything else is a failure, tried again.
    The services called inside (`comment_post`, `case_create`) are atomic themselves, so a
    refusal has rolled their writes back already: no savepoint of our own (two queries a
    message)."""
    try:
        yield
    except ServiceError as refusal:
        _hold(row, f"{what}: {refusal.detail}")


def _answer(
    row: InboundMessage, read: ReadMessage, thread: Thread, accounts: list[User], now: datetime
) -> None:
    """A message in a case's thread: a reply by its sender where they may post, a follow-up
    case where the case takes no reply now and its workflow repeats cases, else held."""
    case = as_workflow_case(thread.case)
    reference = case.reference
    poster = poster_among(thread, accounts)
    if poster is None:
        who = row.sender or "The sender"
        _hold(row, f"{who} may not post on {reference}.")
        return
    refusal = why_not_updatable(case, poster)
    if refusal is None:
        with _refused_as_held(row, f"Could not be posted on {reference}"):
            _post_reply(row, read, case, poster, now)
            row.reason = ""
        return
    if not case.definition.repeatable:
        _hold(row, f"{reference} takes no reply now: {refusal}")
        record_mail_notice(MailNoticeKind.HELD, to=row.sender, inbound=row, case=case, now=now)
        return
    with _refused_as_held(row, f"Could not open a follow-up of {reference}"):
        repeat = _repeat(case, poster, content_of(read.text, read.files), now)
        row.outcome, row.case, row.comment = Outcome.REPEAT, repeat, None
        row.reason = f"{reference} takes no reply now: it opened the follow-up {repeat.reference}."
        if not _acknowledged(repeat, row.sender):
            record_mail_notice(
                MailNoticeKind.REPEAT_OPENED, to=row.sender, inbound=row, case=repeat, now=now
            )


def _acknowledged(case: Case, sender: str) -> bool:
    """Whether the new case's acknowledgement (`case_created`, to its requester) reaches the
    sender: it then says the case follows up the closed one, and is the one email they get
    (the `repeat_opened` notice goes only to a sender it does not reach)."""
    requester = case.requester
    return (
        requester.is_active
        and requester.email_undeliverable_since is None
        and bool(requester.email)
        and normalized(requester.email) == normalized(sender)
    )


def _repeat(original: Case, poster: User, content: Content, now: datetime) -> Case:
    """A follow-up of a case that takes no reply (closed, or deleted), in its queue, for its
    requester, with the message as its description (services.cases.case_repeat's rules, by
    email: the case opens with the email channel and the message's files)."""
    # Locked, so that two messages answering it at once open one follow-up after the other;
    # with its queue and requester, which the thread's lookup leaves unread.
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("queue", "requester")
        .get(pk=original.pk)
    )
    return case_create(
        actor=poster,
        queue=locked.queue,
        subject=locked.subject,
        description=content.body,
        priority=locked.priority,
        channel=Channel.EMAIL,
        requester=None if role_of(poster) == Role.CUSTOMER else locked.requester,
        repeat_of=original,
        files=content.files,
        now=now,
    )


def _open(row: InboundMessage, read: ReadMessage, accounts: list[User], now: datetime) -> None:
    """A message in no thread: a new case in the queue of the address it was sent to, for the
    customer who sent it (an account made for them when their domain is an organization's);
    else held."""
    queue = _queue_of(row)
    if queue is None:
        where = row.recipient or "no address of ours"
        _hold(row, f"Sent to {where}, where no queue receives mail.")
        return
    if not row.sender:
        _hold(row, "No sender address could be read: there is no one to open a case for.")
        return
    customer = next((user for user in accounts if role_of(user) == Role.CUSTOMER), None)
    if customer is None and accounts:
        _hold(
            row,
            f"Sent by {row.sender}, a member of support: mail opens cases for customers only.",
        )
        return
    if customer is None:
        organization = organization_for(row.sender)
        if organization is None:
            _hold(
                row,
                f"Unknown sender: {row.sender} has no account, and its domain is no "
                "organization's.",
            )
            return
        customer = customer_account_for(row.sender, row.sender_name, organization)
    content = content_of(read.text, read.files)
    with _refused_as_held(row, "Could not open a case"):
        case = case_create(
            actor=customer,
            queue=queue,
            subject=read.case_subject,
            description=content.body,
            channel=Channel.EMAIL,
            files=content.files,
            now=now,
        )
        row.outcome, row.case, row.comment, row.reason = Outcome.NEW_CASE, case, None, ""


def _queue_of(row: InboundMessage) -> Queue | None:
    """The queue of the address the message was sent to (a queue's or a mailbox's, or a
    plus-address of one), else of the mailbox it was read from."""
    queue_id = receiving_addresses().get(base_address(row.recipient))
    if queue_id is None and row.mailbox_id is not None:
        queue_id = Mailbox.objects.filter(pk=row.mailbox_id).values_list("queue_id", flat=True)[0]
    return Queue.objects.filter(pk=queue_id).first() if queue_id is not None else None


def organization_for(address: str) -> Organization | None:
    """The organization whose `email_domains` include the address's domain (the oldest, should
    two claim it)."""
    domain = normalized(address).rpartition("@")[2]
    if not domain:
        return None
    claiming = Organization.objects.exclude(email_domains=[]).order_by("pk")
    for organization in claiming:
        if domain in {str(name).casefold() for name in organization.email_domains or []}:
            return organization
    return None


USERNAME_UNSAFE = re.compile(r"[^\w.@+-]", re.ASCII)


def customer_account_for(address: str, name: str, organization: Organization | None) -> User:
    """A customer account for someone who wrote in, with no password: they may set one through
    "Forgot your password?". Its username is their address (what Django's usernames accept of
    it), made unique with a number when taken."""
    address = normalized(address)
    base = USERNAME_UNSAFE.sub("", address)[:140] or "customer"
    taken = {
        username.casefold()
        for username in User.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    username = base
    number = 1
    while username.casefold() in taken:
        number += 1
        username = f"{base}-{number}"
    user = User(
        username=username,
        email=address,
        role=Role.CUSTOMER,
        organization=organization,
        first_name=" ".join(name.split())[:150],
    )
    user.set_unusable_password()
    user.save()
    return user


# --- held mail ---------------------------------------------------------------------------------


def inbound_release(
    *,
    message_id: int,
    actor: User | Actor,
    case_id: int | None = None,
    queue_id: int | None = None,
    now: datetime | None = None,
) -> InboundMessage:
    """An agent's decision on a held message: posted on case `case_id` as its sender (as the
    case's requester when the sender has no account that may post there), or opened as a new
    case in queue `queue_id` for its sender (a customer account is made for a sender without
    one, in the organization of their domain if any). 403 for anyone but support staff, 400
    unless exactly one of the two is given, 404 for no such message, 409 unless it is held; the
    case's own rules as for any reply or new case."""
    who = Actor.of(actor)
    if not who.is_staff or who.user is None:
        raise Forbidden("Only agents release held mail.")
    if (case_id is None) == (queue_id is None):
        raise InvalidInput.field(
            "case", "Name either a case to post the message on, or a queue to open a case in."
        )
    now = now or timezone.now()
    with transaction.atomic():
        row = _held(message_id)
        read = _read(row)
        if case_id is not None:
            _release_onto(row, read, case_id, now)
        elif queue_id is not None:
            _release_as_case(row, read, who, queue_id, now)
        row.reason = f"Released by {who.user.display_name}. {row.reason}".strip()
        row.handled_by, row.handled_at = who.user, now
        row.save(update_fields=[*DECIDED, "handled_by", "handled_at"])
    return row


def inbound_discard(
    *, message_id: int, actor: User | Actor, now: datetime | None = None
) -> InboundMessage:
    """An agent's decision that a held message goes nowhere (kept, as every message is)."""
    who = Actor.of(actor)
    if not who.is_staff or who.user is None:
        raise Forbidden("Only agents discard held mail.")
    now = now or timezone.now()
    with transaction.atomic():
        row = _held(message_id)
        row.outcome = Outcome.DISCARDED
        row.reason = f"Discarded by {who.user.display_name}. {row.reason}".strip()
        row.handled_by, row.handled_at = who.user, now
        row.save(update_fields=[*DECIDED, "handled_by", "handled_at"])
    return row


def _held(message_id: int) -> InboundMessage:
    row = InboundMessage.objects.select_for_update(of=("self",)).filter(pk=message_id).first()
    if row is None:
        raise NotVisible("No such message.")
    if row.outcome != Outcome.HELD:
        raise Conflict(f"This message is not held: {row.get_outcome_display()}.")
    return row


def _post_reply(
    row: InboundMessage, read: ReadMessage, case: Case, poster: User, now: datetime
) -> None:
    """Post the message's text and files on `case` as `poster`'s reply, by email; the row says
    where it went."""
    content = content_of(read.text, read.files)
    comment = comment_post(
        case_id=case.pk,
        actor=poster,
        body=content.body,
        files=content.files,
        now=now,
        channel=MessageChannel.EMAIL,
    )
    row.outcome, row.case, row.comment = Outcome.REPLY, case, comment


def _release_onto(row: InboundMessage, read: ReadMessage, case_id: int, now: datetime) -> None:
    case = Case.objects.select_related("requester").filter(pk=case_id).first()
    if case is None:
        raise InvalidInput.field("case", "No such case.")
    poster = next(
        (
            user
            for user in accounts_for(row.sender)
            if Actor.of(user).is_staff or is_customer_of(case, user)
        ),
        case.requester,
    )
    _post_reply(row, read, case, poster, now)


def _release_as_case(
    row: InboundMessage, read: ReadMessage, who: Actor, queue_id: int, now: datetime
) -> None:
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None:
        raise InvalidInput.field("queue", "No such queue.")
    if not row.sender:
        raise InvalidInput.field(
            "queue", "The message has no sender address to open a case for: post it on a case."
        )
    accounts = accounts_for(row.sender)
    requester = next((user for user in accounts if role_of(user) == Role.CUSTOMER), None)
    if requester is None and accounts:
        raise InvalidInput.field(
            "queue", f"{row.sender} is a member of support: a case is opened for a customer."
        )
    if requester is None:
        requester = customer_account_for(row.sender, row.sender_name, organization_for(row.sender))
    content = content_of(read.full_text, read.files)
    case = case_create(
        actor=who,
        queue=queue,
        subject=read.case_subject,
        description=content.body,
        channel=Channel.EMAIL,
        requester=requester,
        files=content.files,
        now=now,
    )
    row.outcome, row.case, row.comment = Outcome.NEW_CASE, case, None
