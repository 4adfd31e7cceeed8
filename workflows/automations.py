"""The scheduled automations in one place, each a function of `now`: auto-close, reminders,
first-response breaches and the delivery of due notifications (the delayed ones included).

Every sweep is set-based and index-backed: per workflow and queue it computes a cutoff
(`now - queue.<setting>`) and asks the database for the ids that are due, oldest first, in
bounded batches. Each due case is then claimed on its own, either locked with SKIP LOCKED and
re-checked (still in the same status, still the same entry: same `status_changed_at`) or stamped
by a conditional UPDATE whose row count says who won. So two schedulers at once, a task retried
after a crash or a rerun with the same `now` act once, and a sweep that runs late catches up on
everything that fell due meanwhile. A dry run is the same code, rolled back (see `_run`).

`upcoming(case)` predicts, from the same timer declarations and queue settings, what these sweeps
will do to a case if nothing changes.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case, Queue
from notifications import delivery
from notifications.models import Kind, Notification
from notifications.outbox import notify, recipients_of
from workflows.declarations import AUTO_CLOSE, REMINDER, Timer
from workflows.metadata import describe
from workflows.registry import WORKFLOWS, workflow_model
from workflows.services import apply_transition

# Rows fetched per query: enough to keep the number of queries low, few enough that a sweep
# catching up after a long outage never holds thousands of rows in memory.
BATCH_SIZE = 100

CLOSURE_NOTIFICATION = "closure_notification"
FIRST_RESPONSE_BREACH = "first_response_breach"
# The outbox rows `upcoming` reads; a caller prefetching `notifications` needs only these.
UPCOMING_NOTIFICATION_KINDS = (Kind.CLOSURE, Kind.REMINDER)
DELIVER = "deliver"


@dataclass(frozen=True)
class Action:
    """One thing an automation did (or, in a dry run, would do): a line of `run_automations`."""

    action: str
    case: str
    detail: str

    def __str__(self) -> str:
        return f"{self.action} {self.case} ({self.detail})"


def run_all(*, now, dry_run: bool = False) -> list[Action]:
    """Every automation, in the order that makes one run consistent: cases close before anyone
    is reminded or told of a breach, and what the run recorded is delivered by the same run."""
    return _run(SWEEPS, now=now, dry_run=dry_run)


def auto_close(*, now, dry_run: bool = False) -> list[Action]:
    """Close the cases that stayed too long in a status with an auto-close timer."""
    return _run([_auto_close], now=now, dry_run=dry_run)


def send_reminders(*, now, dry_run: bool = False) -> list[Action]:
    """Remind the customer once per entry into a status with a reminder timer."""
    return _run([_send_reminders], now=now, dry_run=dry_run)


def detect_first_response_breaches(*, now, dry_run: bool = False) -> list[Action]:
    """Stamp the cases whose First Response milestone passed unanswered and notify their owner
    (or every manager); once per case, whatever happens to it afterwards."""
    return _run([_detect_first_response_breaches], now=now, dry_run=dry_run)


def deliver_due_notifications(*, now, dry_run: bool = False) -> list[Action]:
    """Send what is due and unsent: delayed notifications whose time has come, those recorded
    while the worker or the broker was down, and failed ones whose backoff is over."""
    return _run([_deliver_due_notifications], now=now, dry_run=dry_run)


def _run(sweeps, *, now, dry_run: bool) -> list[Action]:
    """Run the sweeps as of `now`. A dry run is the very same code inside a transaction that is
    rolled back at the end (so it also says what a later sweep of the same run would do with the
    rows an earlier one wrote), except that it lists the deliveries instead of sending email,
    which no rollback could take back. Notifications it records are never enqueued either: the
    rollback drops their on-commit hook."""
    if not dry_run:
        return [action for sweep in sweeps for action in sweep(now)]
    with transaction.atomic():
        actions = [action for sweep in sweeps for action in DRY_RUN.get(sweep, sweep)(now)]
        transaction.set_rollback(True)
    return actions


def _auto_close(now) -> list[Action]:
    return _sweep_timers(AUTO_CLOSE, _auto_close_one, now)


def _send_reminders(now) -> list[Action]:
    return _sweep_timers(REMINDER, _remind_one, now)


def _sweep_timers(action: str, act_on_one, now) -> list[Action]:
    actions = []
    for model, queue, timer in _timers(action):
        for row in _in_batches(_timer_due(model, queue, timer, now), "status_changed_at"):
            if act_on_one(model, timer, row, now):
                actions.append(Action(action, row["reference"], _timer_text(model, queue, timer)))
    return actions


def _detect_first_response_breaches(now) -> list[Action]:
    actions = []
    due = _breach_due(Case.objects.filter(first_response_due_at__lte=now))
    for row in _in_batches(due, "first_response_due_at"):
        case = _breach_one(row["pk"], now)
        if case is None:
            continue
        people = ", ".join(
            person.username for person in recipients_of(Kind.FIRST_RESPONSE_BREACH, case, None)
        )
        actions.append(
            Action(
                FIRST_RESPONSE_BREACH,
                row["reference"],
                f"{case.workflow}: no first response by "
                f"{row['first_response_due_at'].isoformat()}; notifies {people or 'nobody'}",
            )
        )
    return actions


def _deliver_due_notifications(now) -> list[Action]:
    actions = []
    for row in _due_deliveries(now):
        outcome = delivery.deliver_one(row["pk"], now=now)
        if outcome is None:
            continue  # another worker has it, or sent it meanwhile
        text = _delivery_text(row)
        if not outcome.sent:
            retry_at = outcome.notification.next_attempt_at.isoformat()
            text = f"{text} failed: {outcome.error}; retried after {retry_at}"
        actions.append(Action(DELIVER, row["case__reference"], text))
    return actions


def _list_due_deliveries(now) -> list[Action]:
    return [
        Action(DELIVER, row["case__reference"], _delivery_text(row)) for row in _due_deliveries(now)
    ]


def _due_deliveries(now) -> Iterator[dict]:
    fields = ("kind", "case__reference", "recipient__username")
    return _in_batches(delivery.due(now), "scheduled_for", *fields)


def _delivery_text(row: dict) -> str:
    return f"{row['kind']} to {row['recipient__username']}"


SWEEPS = (_auto_close, _send_reminders, _detect_first_response_breaches, _deliver_due_notifications)
DRY_RUN = {_deliver_due_notifications: _list_due_deliveries}


def upcoming_prefetch() -> Prefetch:
    """The outbox rows `upcoming` reads, for `prefetch_related` on a list of cases."""
    return Prefetch(
        "notifications", queryset=Notification.objects.filter(kind__in=UPCOMING_NOTIFICATION_KINDS)
    )


def with_upcoming(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` with what `upcoming` reads of each (its queue's timer settings, its timers' outbox
    rows), so that a page of cases costs the same few queries whatever its size."""
    return cases.select_related("queue").prefetch_related(upcoming_prefetch())


def upcoming(case, now=None) -> list[dict]:
    """What the automations will do to this case if nothing changes, soonest first:
    `[{"action", "at"}]`, `action` one of auto_close, reminder, closure_notification and
    first_response_breach. Something already due is reported at `now`: the next run does it.

    Read off the same `Timer` declarations, queue settings and outbox rows as the sweeps, with
    the same rules (a reminder once per entry, nothing after the case auto-closes but the closure
    notification it schedules), so the prediction and the action cannot disagree.

    The API calls this for every case of a list page, so it issues no query of its own: it reads
    the case's fields, `case.queue` (select_related it) and `case.notifications.all()` (prefetch
    it), and nothing else.
    """
    now = now or timezone.now()
    notifications = list(case.notifications.all())
    plans = [
        (CLOSURE_NOTIFICATION, max(n.scheduled_for, n.next_attempt_at or n.scheduled_for))
        for n in notifications
        if n.kind == Kind.CLOSURE and n.sent_at is None and n.attempts < delivery.MAX_ATTEMPTS
    ]
    if not case.is_deleted:
        plans += _timer_plans(case, notifications)
    plans.sort(key=lambda plan: plan[1])
    return [{"action": action, "at": max(at, now)} for action, at in plans]


def _timer_plans(case, notifications) -> list[tuple[str, object]]:
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
        if Kind.CLOSURE in describe(case.workflow).transition(AUTO_CLOSE).rules.notifies:
            plans.append((CLOSURE_NOTIFICATION, closing + queue.closure_notification_after))
    reminded = any(_reminds_entry(n, entered) for n in notifications)
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


# --- which rows are due -------------------------------------------------------------------


def _timers(action: str) -> Iterator[tuple[type, Queue, Timer]]:
    """Every (workflow, queue, timer) with this action: a few queues per workflow, each with
    its own durations, hence its own cutoff."""
    for key, model in WORKFLOWS.items():
        timers = [timer for timer in model.timers if timer.action == action]
        if not timers:
            continue
        for queue in Queue.objects.filter(workflow=key).order_by("pk"):
            for timer in timers:
                yield model, queue, timer


def _timer_due(model, queue: Queue, timer: Timer, now):
    """The queue's cases whose current entry into the timer's status is at least `after` old
    (index case_timer_sweep_idx: workflow, status, sub_status, status_changed_at)."""
    due = Case.objects.alive().filter(
        workflow=model.definition.key,
        queue=queue,
        status=timer.status,
        status_changed_at__lte=now - getattr(queue, timer.after),
    )
    if timer.sub_status is not None:
        due = due.filter(sub_status=timer.sub_status)
    if timer.action == REMINDER:
        reminded = _reminders_of_entry(OuterRef("pk"), OuterRef("status_changed_at"))
        due = due.exclude(Exists(reminded))
        # A case whose auto-close is due as well is closed rather than reminded, whichever
        # sweep runs first after an outage (and `upcoming` says so).
        for closing in _auto_close_timers_like(model, timer):
            due = due.filter(status_changed_at__gt=now - getattr(queue, closing.after))
    return due


def _auto_close_timers_like(model, timer: Timer) -> list[Timer]:
    return [
        other
        for other in model.timers
        if other.action == AUTO_CLOSE
        and other.status == timer.status
        and other.sub_status in (None, timer.sub_status)
    ]


def _reminders_of_entry(case, entered):
    """A reminder about this entry into the status: written after the entry, since the sweep
    writes it at least `after` later (index notification_case_kind_idx)."""
    return Notification.objects.filter(case=case, kind=Kind.REMINDER, created_at__gte=entered)


def _reminds_entry(notification, entered) -> bool:
    """`_reminders_of_entry` for a row already in memory (see `upcoming`)."""
    return notification.kind == Kind.REMINDER and notification.created_at >= entered


def _breach_due(cases):
    """Open cases past their First Response due time, never answered nor already breached
    (partial index case_first_response_due_idx)."""
    closed = Q()
    for key, model in WORKFLOWS.items():
        closed |= Q(workflow=key, status=model.definition.closed)
    return (
        cases.alive()
        .filter(
            first_responded_at__isnull=True,
            first_response_breached_at__isnull=True,
            first_response_due_at__isnull=False,
        )
        .exclude(closed)
    )


def _in_batches(rows, field: str, *fields: str) -> Iterator[dict]:
    """Yield `rows` as dicts of id, `field` and `fields` (the case's reference by default),
    ordered by `field` then id, BATCH_SIZE per query.

    Keyset pagination (after the last row seen, never OFFSET): acting on a batch cannot shift the
    next one, and a row skipped because another scheduler holds it is not fetched again.
    """
    ordered = rows.values("pk", field, *(fields or ("reference",))).order_by(field, "pk")
    last = None
    while True:
        page = ordered
        if last is not None:
            page = page.filter(
                Q(**{f"{field}__gt": last[field]}) | Q(**{field: last[field], "pk__gt": last["pk"]})
            )
        batch = list(page[:BATCH_SIZE])
        yield from batch
        if len(batch) < BATCH_SIZE:
            return
        last = batch[-1]


# --- acting on one row --------------------------------------------------------------------


def _claim(model, timer: Timer, row: dict):
    """Lock the case if it is still in the entry the sweep saw; None if another scheduler holds
    it (SKIP LOCKED: it is acting on it) or the case has moved on since."""
    claimed = (
        model.objects.alive()
        .select_for_update(skip_locked=True)
        .filter(
            pk=row["pk"],
            status=timer.status,
            status_changed_at=row["status_changed_at"],
        )
    )
    if timer.sub_status is not None:
        claimed = claimed.filter(sub_status=timer.sub_status)
    return claimed.first()


def _auto_close_one(model, timer: Timer, row: dict, now) -> bool:
    with transaction.atomic():
        case = _claim(model, timer, row)
        if case is None:
            return False
        apply_transition(case, AUTO_CLOSE, None, {}, now=now, automatic=True)
    return True


def _remind_one(model, timer: Timer, row: dict, now) -> bool:
    with transaction.atomic():
        case = _claim(model, timer, row)
        if case is None:
            return False
        # Asked again now that the case is locked: a scheduler that held the lock a moment ago
        # may have just reminded this entry. The outbox key (one per entry) backs this up.
        if _reminders_of_entry(case, case.status_changed_at).exists():
            return False
        notify(Kind.REMINDER, case=case, now=now)
    return True


def _breach_one(case_id: int, now):
    """Stamp the breach with a conditional UPDATE: of two schedulers the one whose UPDATE
    changed the row notifies; an agent's first reply committed meanwhile wins over both."""
    with transaction.atomic():
        # Due still: a priority raised meanwhile may have moved the due time.
        still_due = Case.objects.filter(pk=case_id, first_response_due_at__lte=now)
        stamped = _breach_due(still_due).update(first_response_breached_at=now)
        if not stamped:
            return None
        case = Case.objects.select_related("assignee", "queue").get(pk=case_id)
        notify(Kind.FIRST_RESPONSE_BREACH, case=case, now=now, occasion="breach")
    return case


def _timer_text(model, queue: Queue, timer: Timer) -> str:
    status = timer.status if timer.sub_status is None else f"{timer.status}/{timer.sub_status}"
    return f"{model.definition.key}: {status} for {_duration(getattr(queue, timer.after))}"


def _duration(value: timedelta) -> str:
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if value >= size and value % size == timedelta(0):
            count = value // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return str(value)
