"""Delivering outbox rows: each row is claimed with a lease, sent outside any transaction and
then marked (notifications/leases.py: at least once, never by two workers at once), and a failed
attempt is retried later with exponential backoff, by the task that tried it and by the sweep.

An email shows the case as the row recorded it at the cause (`notify()`), not as it is when the
email goes out: a resolution sent late still says "Resolved", not "Closed". It is written in the
recipient's time zone (their own, else the site's), its dates in words as on the pages.

Every email is in its case's thread (notifications/mail_threads.py) under a Message-ID kept on
the row, says where a reply reaches the case and whether a robot sent it
(notifications/mail_headers.py), and goes only where and when notifications/mail_limits.py
allows: never to an undeliverable address (the row says so and stays in the app), and at most
AUTOMATIC_EMAILS_PER_HOUR automatic emails an hour to one address (the rest wait their turn).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case as DbCase
from django.db.models import F, Model, OuterRef, Q, QuerySet, Subquery, When
from django.template.loader import get_template
from django.utils import timezone

from cases.models import Attachment, Comment, HistoryEntry, InboundMessage, User
from cases.roles import is_staff_role, role_of
from cases.text import markdown_to_text
from cases.times import format_datetime, zone_of
from notifications import leases
from notifications.batches import AnyOf
from notifications.leases import Outcome
from notifications.links import case_url
from notifications.mail_headers import automatic_headers, queue_address, reply_to
from notifications.mail_limits import HourlyLimit, held_back_because, normalized, withheld_because
from notifications.mail_names import new_message_id
from notifications.mail_threads import Thread, openings_of, seen_by, thread_of
from notifications.models import AutoSubmitted, Kind, Notification

if TYPE_CHECKING:
    # What `get_template` returns, as django-stubs names it.
    from django.template.backends.base import _EngineTemplate as Template

# After this many failed attempts a row is left alone, its last error kept for the admin.
MAX_ATTEMPTS = 8
FIRST_RETRY_AFTER = timedelta(minutes=1)
LONGEST_RETRY_AFTER = timedelta(hours=6)

# The kinds whose email quotes the public reply that caused them (a transition's message posted
# as a reply: the answer, the proposed solution).
QUOTES_REPLY = {Kind.PUBLIC_REPLY, Kind.AWAITING_CONFIRMATION, Kind.SOLUTION_PROPOSED}
# The kinds whose email quotes what the transition that caused them said to the customer: the
# solution (close notes) or the note, never an internal one. A request for information that
# said nothing quotes support's latest public reply instead, which usually asks the question.
QUOTES_TRANSITION = {Kind.RESOLUTION, Kind.CLOSURE, Kind.INFO_REQUESTED, Kind.SOLUTION_REJECTED}
_BY_SUPPORT = Q(author__in=User.objects.staff())
M = TypeVar("M", bound=Model)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after the 1st, 2nd, 3rd... failure, at most a few hours: a mail
    server that is down for a while is not hammered, and one back soon is used soon."""
    delay: timedelta = FIRST_RETRY_AFTER * 2 ** (attempts - 1)
    return min(delay, LONGEST_RETRY_AFTER)


def _judge(rows: list[Notification], now: datetime) -> list[Outcome | None]:
    """Settle each claimed row that sends no email now, or make it ready to send (None): no
    usable address, an undeliverable one, the hourly limit of automatic emails (counted for
    the batch at once, `HourlyLimit`)."""
    created = [row.case_id for row in rows if row.kind == Kind.CASE_CREATED]
    opened_by_email = openings_of(created)
    for row in rows:
        if row.kind == Kind.CASE_CREATED and row.case_id in opened_by_email:
            row.auto_submitted = AutoSubmitted.AUTO_REPLIED
    limited = [row.recipient.email for row in rows if _emailed(row) and _automatic(row)]
    limit = HourlyLimit(limited, now=now) if limited else None
    return [_verdict(row, now, limit) for row in rows]


def _emailed(notification: Notification) -> bool:
    """Whether the row's recipient is one an email may go to at all."""
    recipient = notification.recipient
    return bool(recipient.email) and recipient.is_active and not _undeliverable(recipient)


def _undeliverable(recipient: User) -> bool:
    return recipient.email_undeliverable_since is not None


def _automatic(notification: Notification) -> bool:
    return notification.auto_submitted != AutoSubmitted.NO


def _verdict(
    notification: Notification, now: datetime, limit: HourlyLimit | None
) -> Outcome | None:
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        # The in-app list is the row itself: someone without an email address, or no
        # longer active, gets no email and nothing is lost.
        return _done(notification, now)
    if _undeliverable(recipient):
        notification.email_withheld = withheld_because(recipient.email_undeliverable_reason)
        _done(notification, now)
        return Outcome(notification, withheld=notification.email_withheld)
    address = normalized(recipient.email)
    if _automatic(notification):
        assert limit is not None  # made for every automatic row with a usable address
        until = limit.held_back_until(address)
        if until is not None:
            notification.held_back = held_back_because(until)
            notification.next_attempt_at = until
            return Outcome(notification, held_back_until=until)
        limit.count(address)
    # Rows recorded before emails had a Message-ID get theirs now, kept for the retries.
    notification.message_id = notification.message_id or new_message_id()
    # Counted by the hourly limit while the email is in flight (its lease), emptied again if
    # the attempt fails.
    notification.emailed_to = address
    return None


def _done(notification: Notification, now: datetime) -> Outcome:
    """Stamp the row delivered (no email to send)."""
    notification.sent_at = now
    notification.next_attempt_at = None
    return Outcome(notification)


def _writer(rows: list[Notification]) -> Callable[[Notification], EmailMultiAlternatives]:
    """Read what the batch's emails need in a few queries (`Prepared`), then write each."""
    prepared = Prepared.of(rows)

    def write(notification: Notification) -> EmailMultiAlternatives:
        opening = prepared.openings.get(notification.case_id)
        answers = opening if notification.kind == Kind.CASE_CREATED else None
        thread = thread_of(
            notification,
            opening=opening,
            answers=answers,
            recent=prepared.recent.get(notification.pk, []),
        )
        return email_of(notification, thread, prepared)

    return write


OUTBOX = leases.Outbox[Notification](
    name="Notification",
    model=Notification,
    # Every key the task after a commit was given: the notifications' have no prefix of their
    # own (the other tables' keys match none of theirs).
    key_prefix="",
    due_field="scheduled_for",
    related=("case", "recipient"),
    shared=("case__queue",),
    judge=_judge,
    writer=_writer,
    retry_delay=retry_delay,
    max_attempts=MAX_ATTEMPTS,
    claim_fields=("message_id", "auto_submitted", "emailed_to"),
    settle_fields=("sent_at", "next_attempt_at", "email_withheld", "held_back", "auto_submitted"),
    unset_on_failure=("emailed_to",),
)
# Send one notification now if it is still due (the tests and the services' tests ask it).
deliver_one = OUTBOX.deliver_one


@dataclass(frozen=True)
class Prepared:
    """What a batch of emails reads besides its rows, each in one query for the whole batch:
    the emails that opened their cases, what each recipient saw of the thread lately, where
    each queue's mail is read, and what each email quotes with the names of its files."""

    openings: dict[int, InboundMessage]
    recent: dict[int, list[str]]
    answer_at: dict[int, str | None]
    quotes: dict[int, "Quoted"]
    # Each kind's text and HTML templates (templates/notifications/email/<kind>.txt, .html),
    # looked up once a batch rather than twice an email.
    templates: dict[str, tuple["Template", "Template"]]

    @classmethod
    def of(cls, rows: list[Notification]) -> "Prepared":
        queues = {row.case.queue_id: row.case.queue for row in rows}
        kinds = {row.kind for row in rows}
        return cls(
            openings=openings_of({row.case_id for row in rows}),
            recent=seen_by(rows),
            answer_at={pk: queue_address(queue) for pk, queue in queues.items()},
            quotes=_quotes(rows),
            templates={
                kind: (
                    get_template(f"notifications/email/{kind}.txt"),
                    get_template(f"notifications/email/{kind}.html"),
                )
                for kind in kinds
            },
        )


@dataclass(frozen=True)
class Quoted:
    """What one email quotes: the public reply, or the history entry of the transition, and the
    quote as Markdown with the names of the files that came with it."""

    reply: Comment | None = None
    entry: HistoryEntry | None = None
    quote: str = ""
    files: tuple[str, ...] = ()


def email_of(
    notification: Notification, thread: Thread, prepared: Prepared
) -> EmailMultiAlternatives:
    """The email of a notification to its recipient, plain text and HTML, in the case's thread
    (`thread`), with the reply address that leads back to the case and, when a robot sent it,
    `Auto-Submitted`. Building it touches nothing: the caller sends it."""
    recipient = notification.recipient
    case = notification.case
    text_template, html_template = prepared.templates[notification.kind]
    answer_at = prepared.answer_at[case.queue_id]
    quoted = prepared.quotes.get(notification.pk, Quoted())
    # Every date the email writes is in the recipient's zone, as their pages show it.
    with timezone.override(zone_of(recipient)):
        context = email_context(notification, answer_at=answer_at, quoted=quoted)
        body = text_template.render(context)
        html = html_template.render(context)
    message = EmailMultiAlternatives(
        subject=f"[{case.reference}] {context['kind_label']}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=[reply_to(answer_at, case_id=case.pk, person_id=recipient.pk)],
        headers={
            "Message-ID": str(notification.message_id),
            **thread.headers,
            **automatic_headers(notification.auto_submitted),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def email_context(
    notification: Notification, *, answer_at: str | None, quoted: Quoted
) -> dict[str, Any]:
    """What the templates may show. Only customer-facing text is ever put here (the case's own
    fields, public replies and the notes of transitions that customers see, never an internal
    note or an internal history note, nor their files: see `_quotes`), so no template can leak
    one, whoever the recipient is. The status is the one at the cause; rows recorded before it
    was kept have none, and the templates then leave it out. `quote` is Markdown as people wrote
    it, which the HTML emails render with the pages' `markdown` filter; `quote_text` is the same
    as plain text for the text part. `attachments` names the files that came with the quoted
    message (in the acknowledgement, the quote is the new case's description and the files are
    the case's). Dates are in words in the active time zone (the recipient's, in `email_of`).
    `answer_at` is where mail to the case's queue is read (`mail_headers.queue_address`), if
    anywhere."""
    case = notification.case
    return {
        "notification": notification,
        # The kind's label, read once (`get_kind_display` flattens every choice each time).
        "kind_label": Kind(notification.kind).label,
        "case": case,
        "recipient": notification.recipient,
        "case_url": case_url(case, notification.recipient),
        "reply_hint": reply_hint(notification.recipient, answer_at=answer_at),
        "status_label": notification.case_status_label,
        "sub_status_label": notification.case_sub_status_label,
        "reply": quoted.reply,
        "quote": quoted.quote,
        "quote_text": markdown_to_text(quoted.quote),
        "attachments": list(quoted.files),
        # Written when a template shows them (few kinds do), in the zone active then.
        "opened_at": lambda: format_datetime(case.created_at),
        "first_response_due_at": lambda: (
            format_datetime(case.first_response_due_at) if case.first_response_due_at else ""
        ),
    }


def reply_hint(recipient: User, *, answer_at: str | None) -> str:
    """What replying to the email does, when it reaches the case: a customer's reply does when
    the queue's own address is read or the reply address carries a token; an agent's is posted
    only by a token naming them (EMAIL_PLUS_ADDRESSING), and then as a public reply."""
    if is_staff_role(role_of(recipient)):
        if settings.EMAIL_PLUS_ADDRESSING:
            return "Replying to this email posts your answer on the case as a public reply."
        return ""
    if settings.EMAIL_PLUS_ADDRESSING or answer_at:
        return "You can also reply to this email: your answer is added to the case."
    return ""


def _quotes(rows: list[Notification]) -> dict[int, Quoted]:
    """What each row's email quotes (by row id), for the whole batch: the public reply that
    caused it (`QUOTES_REPLY`), or what the transition that caused it said to the customer
    (`QUOTES_TRANSITION`: its close notes or note, never an internal one; a request for
    information that said nothing quotes support's latest public reply instead, which usually
    asks the question), or for the acknowledgement the new case's description; with the names of
    the files that came with it. The reply and the entry of each row are found by the database
    in one query (the latest up to the cause), then read by id."""
    wanted = [row for row in rows if row.kind in QUOTES_REPLY | QUOTES_TRANSITION]
    found = _quoted_ids(wanted)
    replies = _by_id(
        Comment.objects.select_related("author"),
        {pk for ids in found.values() for pk in (ids["reply_id"], ids["support_reply_id"]) if pk},
    )
    entries = _by_id(
        HistoryEntry.objects.select_related("comment"),
        {ids["entry_id"] for ids in found.values() if ids["entry_id"]},
    )
    quotes: dict[int, Quoted] = {}
    for row in wanted:
        ids = found[row.pk]
        reply = entry = None
        quote = ""
        if row.kind in QUOTES_REPLY:
            reply = replies.get(ids["reply_id"])
        else:
            entry = entries.get(ids["entry_id"])
            quote = _said_to_the_customer(entry)
            if not quote and row.kind == Kind.INFO_REQUESTED:
                entry, reply = None, replies.get(ids["support_reply_id"])
        quote = reply.body if reply is not None else quote
        quotes[row.pk] = Quoted(reply=reply, entry=entry, quote=quote)
    for row in rows:
        if row.kind == Kind.CASE_CREATED:
            # The acknowledgement repeats what the customer asked (or what support wrote down
            # for them), so they can check it was understood.
            quotes[row.pk] = Quoted(quote=row.case.description)
    return _with_files(rows, quotes)


def _by_id(rows: QuerySet[M], ids: set[int]) -> dict[int, M]:
    """`in_bulk`, with the ids in one array (`AnyOf`)."""
    return {row.pk: row for row in rows.filter(AnyOf(F("pk"), ids))} if ids else {}


def _quoted_ids(rows: list[Notification]) -> dict[int, Any]:
    """Per row, the ids of the latest public reply, the latest public reply by support and the
    latest history entry of its case up to its cause (the entry into the status it recorded,
    any entry for older rows that recorded none)."""
    if not rows:
        return {}
    replies = Comment.objects.filter(
        case_id=OuterRef("case_id"), internal=False, created_at__lte=OuterRef("created_at")
    ).order_by("-created_at", "-id")
    entries = HistoryEntry.objects.filter(
        case_id=OuterRef("case_id"), created_at__lte=OuterRef("created_at")
    ).order_by("-created_at", "-id")
    return {
        row["pk"]: row
        for row in Notification.objects.filter(AnyOf(F("pk"), [row.pk for row in rows]))
        .annotate(
            reply_id=Subquery(replies.values("pk")[:1]),
            support_reply_id=Subquery(replies.filter(_BY_SUPPORT).values("pk")[:1]),
            entry_id=DbCase(
                When(case_status="", then=Subquery(entries.values("pk")[:1])),
                default=Subquery(entries.filter(target=OuterRef("case_status")).values("pk")[:1]),
            ),
        )
        .values("pk", "reply_id", "support_reply_id", "entry_id")
    }


def _with_files(rows: list[Notification], quotes: dict[int, Quoted]) -> dict[int, Quoted]:
    """The quotes with the names of the files that came with what they quote: the reply, the
    public message a transition posted, or, for the acknowledgement, the new case (one query
    for the batch). Never an internal note's: a quoted reply is public, and an entry's message
    counts only when public too."""
    by_comment: dict[int, int] = {}
    by_case: dict[int, int] = {}
    for row in rows:
        quoted = quotes.get(row.pk)
        if quoted is None:
            continue
        entry = quoted.entry
        if quoted.reply is not None:
            by_comment[row.pk] = quoted.reply.pk
        elif entry is not None and entry.comment is not None and not entry.comment.internal:
            by_comment[row.pk] = entry.comment.pk
        elif row.kind == Kind.CASE_CREATED:
            by_case[row.pk] = row.case_id
    if not by_comment and not by_case:
        return quotes
    files = Attachment.objects.filter(
        Q(comment_id__in=by_comment.values())
        | Q(case_id__in=by_case.values(), comment__isnull=True)
    ).order_by("created_at", "id")
    of_comment: dict[int, list[str]] = defaultdict(list)
    of_case: dict[int, list[str]] = defaultdict(list)
    for file in files.only("comment_id", "case_id", "filename"):
        if file.comment_id is None:
            of_case[file.case_id].append(file.filename)
        else:
            of_comment[file.comment_id].append(file.filename)
    for pk, comment_id in by_comment.items():
        quotes[pk] = replace(quotes[pk], files=tuple(of_comment[comment_id]))
    for pk, case_id in by_case.items():
        quotes[pk] = replace(quotes[pk], files=tuple(of_case[case_id]))
    return quotes


def _said_to_the_customer(entry: HistoryEntry | None) -> str:
    """What a transition said to the customer: its close notes or else its note; nothing when
    that note is internal."""
    if entry is None or entry.note_internal:
        return ""
    return str(entry.payload.get("close_notes") or entry.note)
