"""What the database holds once the run has settled, read for the checks (rehearsal.checks): the
writes by their tokens, the auto-closes, the emails recorded as sent, the mail taken in; and
whether the outbox, the timers and the mailbox still have work due (the run waits for them)."""

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Attachment, Case, Comment, InboundMessage, Outcome
from notifications.models import MailNotice, Notification
from workflows.declarations import AUTO_CLOSE

# How each kind of write leaves its token: a case in its description, a comment or a reply in its
# body, an attachment in its bytes (its id is what the API answered).
CLOSED = "closed"


def cases_by_token(tokens: Iterable[str]) -> dict[str, int]:
    wanted = list(tokens)
    found = Counter(
        Case.objects.filter(description__in=wanted).values_list("description", flat=True)
    )
    return dict(found)


def comments_by_token(tokens: Iterable[str]) -> dict[str, int]:
    """Comments whose body holds each token (a comment's body: "Still <token>", "Try <token>")."""
    found: dict[str, int] = {}
    for token in tokens:
        found[token] = Comment.objects.filter(body__endswith=token).count()
    return found


def attachments_by_id(ids: Iterable[tuple[str, int]]) -> dict[str, int]:
    pairs = list(ids)
    stored = set(
        Attachment.objects.filter(pk__in=[i for _, i in pairs]).values_list("pk", flat=True)
    )
    return {token: int(ident in stored) for token, ident in pairs}


def auto_closes(references: Iterable[str]) -> dict[str, tuple[bool, int]]:
    rows = (
        Case.objects.filter(reference__in=list(references))
        .annotate(closes=Count("history", filter=Q(history__transition=AUTO_CLOSE)))
        .values_list("reference", "status", "closes")
    )
    return {reference or "": (status == CLOSED, closes) for reference, status, closes in rows}


def sent_message_ids() -> list[str]:
    """The Message-ID of every email the outbox recorded as sent (notices and notifications)."""
    notified = Notification.objects.filter(sent_at__isnull=False).exclude(emailed_to="")
    noticed = MailNotice.objects.filter(sent_at__isnull=False)
    return [
        *(m for m in notified.values_list("message_id", flat=True) if m),
        *(m for m in noticed.values_list("message_id", flat=True) if m),
    ]


def taken_in(message_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Per Message-ID: the received messages stored for it, and those posted as a comment."""
    ids = list(message_ids)
    rows = InboundMessage.objects.filter(message_id__in=ids)
    stored = Counter(rows.values_list("message_id", flat=True))
    posted = Counter(rows.filter(comment__isnull=False).values_list("message_id", flat=True))
    return {m: (stored[m], posted[m]) for m in ids}


def work_due(references: Iterable[str], message_ids: Iterable[str]) -> list[str]:
    """What is still due now: unsent emails, open cases past their auto-close, mail not yet
    handled. Empty once the run has settled. An email leased by a worker that was killed is due
    again only after the lease (at-least-once, notifications/leases.py): not waited for."""
    now = timezone.now()
    due = (
        Q(sent_at__isnull=True)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(leased_until__isnull=True) | Q(leased_until__lte=now))
    )
    waiting = []
    unsent = Notification.objects.filter(due, scheduled_for__lte=now, email_withheld="").count()
    if unsent:
        waiting.append(f"{unsent} notifications")
    notices = MailNotice.objects.filter(due).count()
    if notices:
        waiting.append(f"{notices} mail notices")
    open_cases = (
        Case.objects.filter(reference__in=list(references))
        .exclude(status=CLOSED)
        .filter(status_changed_at__lte=now - timedelta(minutes=1))
        .count()
    )
    if open_cases:
        waiting.append(f"{open_cases} cases due for auto-close")
    ids = list(message_ids)
    handled = (
        InboundMessage.objects.filter(message_id__in=ids).exclude(outcome=Outcome.PENDING).count()
    )
    if handled < len(ids):
        waiting.append(f"{len(ids) - handled} emails in")
    return waiting


def leased() -> set[str]:
    """The Message-IDs of emails unsent and leased: claimed by a worker that died (perhaps
    after sending, before recording it: at-least-once), or still sending."""
    now = timezone.now()
    return {
        message_id
        for outbox in (Notification, MailNotice)
        for message_id in outbox.objects.filter(
            sent_at__isnull=True, leased_until__gt=now
        ).values_list("message_id", flat=True)
        if message_id
    }
