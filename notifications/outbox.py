"""`notify()`: the one call that records a notification, inside the transaction of its cause.

The row is the promise: once the cause commits, the worker is asked to deliver it at once, and
the automations sweep delivers whatever is due and still unsent (worker down, broker down, or a
delayed notification whose time has come).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from cases.models import User
from cases.roles import Role, is_staff_role, role_of
from notifications.models import Kind, Notification

TO_CUSTOMER = {
    Kind.AWAITING_CONFIRMATION,
    Kind.REMINDER,
    Kind.CLOSURE,
    Kind.RESOLUTION,
    Kind.RELEASE_DELIVERED,
}
TO_OWNER_OR_MANAGERS = {Kind.SOLUTION_REJECTED, Kind.FIRST_RESPONSE_BREACH}


def delay_of(kind: str, case) -> timedelta:
    """Closure notifications wait (one day by default) so that a quick follow-up can come first."""
    if kind == Kind.CLOSURE:
        return case.queue.closure_notification_after
    return timedelta(0)


def recipients_of(kind: str, case, actor) -> list[User]:
    """Who hears of `kind`. The customer hears of a closure even when they closed the case: the
    spec's closure notification comes a day after every closing. A deactivated customer still
    gets the row (delivery sends them no email): the row is also the record that a timer acted,
    e.g. that this entry was reminded."""
    if kind in TO_CUSTOMER:
        people = [case.requester]
    elif kind in TO_OWNER_OR_MANAGERS:
        people = [case.assignee] if _active_assignee(case) else list(managers())
    elif kind == Kind.PUBLIC_REPLY:
        # The other side of the conversation; nobody is told of their own reply.
        if is_staff_role(role_of(actor)):
            people = [case.requester]
        else:
            people = [case.assignee] if case.assignee_id else []
        people = [person for person in people if person != actor]
    else:
        raise ValueError(f"Unknown notification kind {kind!r}")
    return people


def _active_assignee(case) -> bool:
    """An owner who has left cannot act on a breach or a rejection: the managers must."""
    return case.assignee_id is not None and case.assignee.is_active


def managers():
    return User.objects.filter(Q(role=Role.MANAGER) | Q(is_superuser=True), is_active=True)


def notify(kind: str, *, case, actor=None, now, occasion: str | None = None) -> list[str]:
    """Schedule `kind` about `case` for its recipients; returns the outbox keys.

    `occasion` tells one cause from another (default: the case's current entry into its status),
    so that scheduling the same notification twice for the same cause keeps one row.
    """
    occasion = occasion or case.status_changed_at.isoformat()
    scheduled_for = now + delay_of(kind, case)
    rows = [
        Notification(
            kind=kind,
            case=case,
            recipient=recipient,
            key=f"{kind}:{case.pk}:{recipient.pk}:{occasion}",
            created_at=now,
            scheduled_for=scheduled_for,
        )
        for recipient in recipients_of(kind, case, actor)
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows]
    if keys and scheduled_for <= now:
        from notifications.delivery import enqueue

        transaction.on_commit(lambda: enqueue(keys))
    return keys
