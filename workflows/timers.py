"""What the `Timer` declarations predict: `upcoming(case)`, what the automations will do to a case
if nothing changes, read off the same declarations, queue settings and outbox rows as the sweeps
(`workflows.sweeps`) with the same rules, so that the prediction and the action cannot disagree.

The rule that a reminder comes once per entry into a status is here too, as the sweep asks it of
the database and as `upcoming` asks it of rows already in memory: a reminder belongs to the entry
it recorded (`Notification.case_status_changed_at`), never to the moment it was written, which a
run told a later `now` puts ahead of the clock.
"""

from datetime import datetime
from typing import TypedDict

from django.db.models import OuterRef, Prefetch, QuerySet
from django.utils import timezone

from cases.models import Case
from notifications.delivery import MAX_ATTEMPTS
from notifications.models import Kind, Notification
from workflows.declarations import AUTO_CLOSE, REMINDER
from workflows.metadata import describe
from workflows.registry import workflow_model

CLOSURE_NOTIFICATION = "closure_notification"
FIRST_RESPONSE_BREACH = "first_response_breach"
# Every action `upcoming` names, in the order the API documents them (UpcomingActionEnum).
UPCOMING_ACTIONS = (AUTO_CLOSE, REMINDER, CLOSURE_NOTIFICATION, FIRST_RESPONSE_BREACH)
# The outbox rows `upcoming` reads; a caller prefetching `notifications` needs only these.
UPCOMING_NOTIFICATION_KINDS = (Kind.CLOSURE, Kind.REMINDER)


class Upcoming(TypedDict):
    action: str
    at: datetime


def upcoming_prefetch() -> Prefetch[str, QuerySet[Notification], str]:
    """The outbox rows `upcoming` reads, for `prefetch_related` on a list of cases."""
    return Prefetch(
        "notifications", queryset=Notification.objects.filter(kind__in=UPCOMING_NOTIFICATION_KINDS)
    )


def with_upcoming(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` with what `upcoming` reads of each (its queue's timer settings, its timers' outbox
    rows), so that a page of cases costs the same few queries whatever its size."""
    return cases.select_related("queue").prefetch_related(upcoming_prefetch())


def upcoming(case: Case, now: datetime | None = None) -> list[Upcoming]:
    """What the automations will do to this case if nothing changes, soonest first:
    `[{"action", "at"}]`, `action` one of UPCOMING_ACTIONS. Something already due is reported at
    `now`: the next run does it.

    Nothing after the case auto-closes is planned but the closure notification it schedules, and
    a reminder only for an entry not yet reminded, as the sweeps do.

    The API calls this for every case of a list page, so it issues no query of its own: it reads
    the case's fields, `case.queue` (select_related it) and `case.notifications.all()` (prefetch
    it), and nothing else.
    """
    now = now or timezone.now()
    notifications = list(case.notifications.all())
    plans = [
        (CLOSURE_NOTIFICATION, max(n.scheduled_for, n.next_attempt_at or n.scheduled_for))
        for n in notifications
        if n.kind == Kind.CLOSURE and n.sent_at is None and n.attempts < MAX_ATTEMPTS
    ]
    if not case.is_deleted:
        plans += _timer_plans(case, notifications)
    plans.sort(key=lambda plan: plan[1])
    return [{"action": action, "at": max(at, now)} for action, at in plans]


def reminders_of_entry(
    case: Case | OuterRef, entered: datetime | OuterRef
) -> QuerySet[Notification]:
    """The reminder about this entry of the case into its status (index notification_entry_idx).
    `case` and `entered` may be `OuterRef`s, for a sweep asking it of every due case at once."""
    return Notification.objects.filter(
        case=case, kind=Kind.REMINDER, case_status_changed_at=entered
    )


def reminds_entry(notification: Notification, entered: datetime) -> bool:
    """`reminders_of_entry` for a row already in memory (see `upcoming`)."""
    return notification.kind == Kind.REMINDER and notification.case_status_changed_at == entered


def _timer_plans(case: Case, notifications: list[Notification]) -> list[tuple[str, datetime]]:
    model = workflow_model(case.workflow)
    queue = case.queue
    entered = case.status_changed_at
    timers = [t for t in model.timers if t.applies_to(case.status, case.sub_status)]
    closing = min(
        (entered + getattr(queue, t.after) for t in timers if t.action == AUTO_CLOSE),
        default=None,
    )
    plans = []
    if closing is not None:
        plans.append((AUTO_CLOSE, closing))
        # A workflow with an auto-close timer has the auto_close transition (a tested rule).
        closes = describe(case.workflow).transition(AUTO_CLOSE)
        if closes is not None and Kind.CLOSURE in closes.rules.notifies:
            plans.append((CLOSURE_NOTIFICATION, closing + queue.closure_notification_after))
    reminded = any(reminds_entry(n, entered) for n in notifications)
    for timer in timers:
        at = entered + getattr(queue, timer.after)
        if timer.action == REMINDER and not reminded and (closing is None or at < closing):
            plans.append((REMINDER, at))
    if (
        case.first_responded_at is None
        and case.first_response_breached_at is None
        and case.first_response_due_at is not None
        and case.status != model.definition.closed
        and (closing is None or case.first_response_due_at < closing)
    ):
        plans.append((FIRST_RESPONSE_BREACH, case.first_response_due_at))
    return plans
