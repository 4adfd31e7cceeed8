"""Reads of the notifications app: the in-app notification list of each user."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cases.errors import Forbidden
from cases.models import Case, User
from cases.roles import is_staff_role, role_of
from cases.selectors import cases_visible_to
from notifications.models import Notification


def notifications_for(user: User, *, now: datetime | None = None) -> QuerySet[Notification]:
    """The in-app list of `user`, newest first.

    Only rows whose time has come (a closure notification waits its day here too), and only about
    cases the user may still see: a customer who changed organization, or a case deleted since,
    drops out of the list as it drops out of every other list.
    """
    now = now or timezone.now()
    return (
        Notification.objects.filter(
            recipient=user, scheduled_for__lte=now, case__in=cases_visible_to(user)
        )
        .select_related("case")
        .order_by("-scheduled_for", "-id")
    )


def notifications_of_case(user: User, case: Case) -> QuerySet[Notification]:
    """Everything scheduled about a case the user may see, oldest first: support staff only
    (a customer sees their own in-app list instead)."""
    if not is_staff_role(role_of(user)):
        raise Forbidden("Only agents and managers see a case's notifications.")
    # Not `case.notifications`: on a case read with `with_upcoming` that manager starts from the
    # prefetched rows' query, which holds the timers' kinds only.
    return Notification.objects.filter(case=case).order_by("scheduled_for", "id")
