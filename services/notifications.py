"""Marking in-app notifications as read: what a person does to their own list of updates."""

from datetime import datetime

from django.utils import timezone

from cases.models import User
from notifications.models import Notification
from notifications.selectors import notifications_for


def notifications_mark_read(
    *, actor: User, case_id: int | None = None, now: datetime | None = None
) -> int:
    """Mark the actor's unread notifications as read (only those about one case, given
    `case_id`); the number marked. Only what the actor's list shows is touched, so nobody marks
    another person's notifications or ones about a case they may no longer see."""
    now = now or timezone.now()
    unread = notifications_for(actor, now=now).filter(read_at__isnull=True)
    if case_id is not None:
        unread = unread.filter(case_id=case_id)
    # One UPDATE, whatever the number: the ids come from a subquery of the list itself.
    return Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=now)
