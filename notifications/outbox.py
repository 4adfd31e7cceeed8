"""`notify()`: the one call that records a notification, inside the transaction of its cause;
and `record_password_reset()`, its counterpart for an email about an account rather than a case.

The row is the promise: once the cause commits, the worker is asked to deliver it at once, and
the delivery sweep delivers whatever is due and still unsent (worker down, broker down, or a
delayed notification whose time has come).
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet

from cases.actors import Actor
from cases.models import Case, User
from notifications.account_emails import KEY_PREFIX
from notifications.mail_names import new_message_id
from notifications.models import AccountEmail, AccountEmailKind, AutoSubmitted, Kind, Notification
from notifications.tasks import enqueue

TO_CUSTOMER = {
    Kind.AWAITING_CONFIRMATION,
    Kind.REMINDER,
    Kind.CLOSURE,
    Kind.RESOLUTION,
    Kind.RELEASE_DELIVERED,
    Kind.CASE_CREATED,
    Kind.SOLUTION_PROPOSED,
    Kind.INFO_REQUESTED,
}
TO_OWNER_OR_MANAGERS = {Kind.SOLUTION_REJECTED, Kind.FIRST_RESPONSE_BREACH}


def delay_of(kind: str, case: Case) -> timedelta:
    """Closure notifications wait (one day by default) so that a quick follow-up can come first."""
    if kind == Kind.CLOSURE:
        return case.queue.closure_notification_after
    return timedelta(0)


def recipients_of(kind: str, case: Case, actor: Actor | None) -> list[User]:
    """Who hears of `kind`. The customer hears of a closure even when they closed the case: the
    closure notification comes a day after every closing; and of a new case even when
    they opened it: the acknowledgement gives them its reference. A deactivated customer still
    gets the row (delivery sends them no email): the row is also the record that a timer acted,
    e.g. that this entry was reminded."""
    if kind in TO_CUSTOMER:
        return [case.requester]
    if kind in TO_OWNER_OR_MANAGERS:
        owner = case.assignee
        # An owner who has left cannot act on a breach or a rejection: the managers must.
        return [owner] if owner is not None and owner.is_active else list(managers())
    if kind == Kind.PUBLIC_REPLY:
        # The other side of the conversation; nobody is told of their own reply.
        other = case.requester if actor is not None and actor.is_staff else case.assignee
        return [other] if other is not None and other.pk != _pk(actor) else []
    if kind == Kind.ASSIGNED:
        # The new assignee, unless they took the case themselves.
        assignee = case.assignee
        return [assignee] if assignee is not None and assignee.pk != _pk(actor) else []
    raise ValueError(f"Unknown notification kind {kind!r}")


def _pk(actor: Actor | None) -> int | None:
    return None if actor is None else actor.pk


def managers() -> QuerySet[User]:
    return User.objects.managers().filter(is_active=True)


def notify(
    kind: str,
    *,
    case: Case,
    actor: Actor | User | None = None,
    now: datetime,
    status_label: str,
    sub_status_label: str,
    occasion: str | None = None,
) -> list[str]:
    """Schedule `kind` about `case` for its recipients; returns the outbox keys.

    Each row keeps the case's status, sub-status and entry into that status as they are now, and
    their labels, which the caller (the workflow layer) passes: the email, however late it is
    sent, tells of this moment. `occasion` tells one cause from another (default: the case's
    current entry into its status), so that scheduling the same notification twice for the same
    cause keeps one row. Each row gets the Message-ID its email will carry, however often it is
    tried, and whether a person caused it.
    """
    occasion = occasion or case.status_changed_at.isoformat()
    scheduled_for = now + delay_of(kind, case)
    who = None if actor is None else Actor.of(actor)
    # A cause without a person (a timer, the system) sends its email as a robot: it says so
    # (`Auto-Submitted`) and counts towards the hourly limit of automatic emails.
    automatic = (
        AutoSubmitted.AUTO_GENERATED if who is None or who.user is None else AutoSubmitted.NO
    )
    rows = [
        Notification(
            kind=kind,
            case=case,
            recipient=recipient,
            key=f"{kind}:{case.pk}:{recipient.pk}:{occasion}",
            created_at=now,
            scheduled_for=scheduled_for,
            case_status=case.status,
            case_sub_status=case.sub_status,
            case_status_label=status_label,
            case_sub_status_label=sub_status_label,
            case_status_changed_at=case.status_changed_at,
            message_id=new_message_id(),
            auto_submitted=automatic,
        )
        for recipient in recipients_of(kind, case, who)
    ]
    keys = [row.key for row in rows]
    now_keys = keys if scheduled_for <= now else []
    batch = _collecting.get()
    if batch is not None:
        batch.rows += rows
        batch.keys += now_keys
        return keys
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if now_keys:
        transaction.on_commit(lambda: enqueue(now_keys))
    return keys


@dataclass
class _Batch:
    rows: list[Notification] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


_collecting: ContextVar[_Batch | None] = ContextVar("notifications_collecting", default=None)


@contextmanager
def collected() -> Iterator[None]:
    """Within the block, `notify()` keeps its rows and writes them all in one INSERT as the block
    ends (and asks for the delivery of those due now after the commit, in one go): a sweep acting
    on a batch of cases in one transaction writes their notifications in one statement rather
    than one per case. Nothing in the block may read the rows back before it ends; a block that
    raises writes nothing."""
    batch = _Batch()
    token = _collecting.set(batch)
    try:
        yield
    finally:
        _collecting.reset(token)
    Notification.objects.bulk_create(batch.rows, ignore_conflicts=True)
    if batch.keys:
        keys = batch.keys
        transaction.on_commit(lambda: enqueue(keys))


def record_password_reset(
    *,
    user: User,
    email: str,
    protocol: str,
    domain: str,
    requested_from: str | None,
    now: datetime,
) -> AccountEmail:
    """Record a password reset email to `user`, for the address `email` they were asked about,
    linking to `protocol://domain`; sent once the caller's transaction commits (the link's token
    is made then: notifications/account_emails.py)."""
    row = AccountEmail.objects.create(
        kind=AccountEmailKind.PASSWORD_RESET,
        recipient=user,
        key=f"{KEY_PREFIX}{AccountEmailKind.PASSWORD_RESET}:{user.pk}:{uuid.uuid4().hex}",
        email=email.casefold(),
        requested_from=requested_from,
        protocol=protocol,
        domain=domain,
        created_at=now,
    )
    keys = [row.key]
    transaction.on_commit(lambda: enqueue(keys))
    return row
