"""The scheduled automations, each a function of `now`: auto-close, reminders, first-response
breaches and (from `notifications.sweep`) the delivery of due notifications; `run_all` runs them
in order, for real or as a dry run.

Every sweep is set-based and index-backed: per workflow and queue it computes a cutoff
(`now - queue.<setting>`) and asks the database for the ids that are due, oldest first, in
bounded batches. Each due case is then claimed on its own, either locked with SKIP LOCKED and
re-checked (still in the same status, still the same entry: same `status_changed_at`) or stamped
by a conditional UPDATE whose row count says who won. So two schedulers at once, a task retried
after a crash or a rerun with the same `now` act once, and a sweep that runs late catches up on
everything that fell due meanwhile. A dry run is the same code, rolled back (see `_run`).

Every case is judged as of the `now` given, whatever the clock says: what a sweep records is tied
to the case's entry into its status, not to that `now` (see `workflows.timers`).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case, Queue
from cases.models.case import CaseQuerySet
from notifications import sweep as delivery_sweep
from notifications.batches import in_batches
from notifications.models import Kind
from notifications.outbox import recipients_of
from workflows.base import WorkflowCase
from workflows.declarations import AUTO_CLOSE, REMINDER, Timer
from workflows.registry import WORKFLOWS, as_workflow_case
from workflows.timers import FIRST_RESPONSE_BREACH, reminders_of_entry
from workflows.transitions import CaseChange

DELIVER = "deliver"


@dataclass(frozen=True)
class Action:
    """One thing an automation did (or, in a dry run, would do): a line of `run_automations`."""

    action: str
    case: str
    detail: str

    def __str__(self) -> str:
        return f"{self.action} {self.case} ({self.detail})"


Sweep = Callable[[datetime], list[Action]]
# A sweep's work on one due case: whether it acted.
ActOnOne = Callable[[type[WorkflowCase], Timer, dict[str, Any], datetime], bool]


def run_all(*, now: datetime, dry_run: bool = False) -> list[Action]:
    """Every automation, in the order that makes one run consistent: cases close before anyone
    is reminded or told of a breach, and what the run recorded is delivered by the same run."""
    return _run(SWEEPS, now=now, dry_run=dry_run)


def auto_close(*, now: datetime, dry_run: bool = False) -> list[Action]:
    """Close the cases that stayed too long in a status with an auto-close timer."""
    return _run([_auto_close], now=now, dry_run=dry_run)


def send_reminders(*, now: datetime, dry_run: bool = False) -> list[Action]:
    """Remind the customer once per entry into a status with a reminder timer."""
    return _run([_send_reminders], now=now, dry_run=dry_run)


def detect_first_response_breaches(*, now: datetime, dry_run: bool = False) -> list[Action]:
    """Stamp the cases whose First Response milestone passed unanswered and notify their owner
    (or every manager); once per case, whatever happens to it afterwards."""
    return _run([_detect_first_response_breaches], now=now, dry_run=dry_run)


def deliver_due_notifications(*, now: datetime, dry_run: bool = False) -> list[Action]:
    """Send what is due and unsent: delayed notifications whose time has come, those recorded
    while the worker or the broker was down, and failed ones whose backoff is over."""
    return _run([_deliver_due_notifications], now=now, dry_run=dry_run)


def _run(sweeps: Iterable[Sweep], *, now: datetime, dry_run: bool) -> list[Action]:
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


def _auto_close(now: datetime) -> list[Action]:
    return _sweep_timers(AUTO_CLOSE, _auto_close_one, now)


def _send_reminders(now: datetime) -> list[Action]:
    return _sweep_timers(REMINDER, _remind_one, now)


def _sweep_timers(action: str, act_on_one: ActOnOne, now: datetime) -> list[Action]:
    actions = []
    for model, queue, timer in _timers(action):
        for row in in_batches(_timer_due(model, queue, timer, now), "status_changed_at"):
            if act_on_one(model, timer, row, now):
                actions.append(Action(action, row["reference"], _timer_text(model, queue, timer)))
    return actions


def _detect_first_response_breaches(now: datetime) -> list[Action]:
    actions = []
    due = _breach_due(Case.objects.filter(first_response_due_at__lte=now))
    for row in in_batches(due, "first_response_due_at"):
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


def _deliver_due_notifications(now: datetime) -> list[Action]:
    return [Action(DELIVER, d.case, d.detail) for d in delivery_sweep.deliver_due(now)]


def _list_due_deliveries(now: datetime) -> list[Action]:
    return [Action(DELIVER, d.case, d.detail) for d in delivery_sweep.list_due(now)]


SWEEPS: tuple[Sweep, ...] = (
    _auto_close,
    _send_reminders,
    _detect_first_response_breaches,
    _deliver_due_notifications,
)
DRY_RUN: dict[Sweep, Sweep] = {_deliver_due_notifications: _list_due_deliveries}


# --- which rows are due -------------------------------------------------------------------


def _timers(action: str) -> Iterator[tuple[type[WorkflowCase], Queue, Timer]]:
    """Every (workflow, queue, timer) with this action: a few queues per workflow, each with
    its own durations, hence its own cutoff."""
    for key, model in WORKFLOWS.items():
        timers = [timer for timer in model.timers if timer.action == action]
        if not timers:
            continue
        for queue in Queue.objects.filter(workflow=key).order_by("pk"):
            for timer in timers:
                yield model, queue, timer


def _timer_due(
    model: type[WorkflowCase], queue: Queue, timer: Timer, now: datetime
) -> QuerySet[Case]:
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
        reminded = reminders_of_entry(OuterRef("pk"), OuterRef("status_changed_at"))
        due = due.exclude(Exists(reminded))
        # A case whose auto-close is due as well is closed rather than reminded, whichever
        # sweep runs first after an outage (and `upcoming` says so).
        for closing in _auto_close_timers_like(model, timer):
            due = due.filter(status_changed_at__gt=now - getattr(queue, closing.after))
    return due


def _auto_close_timers_like(model: type[WorkflowCase], timer: Timer) -> list[Timer]:
    return [
        other
        for other in model.timers
        if other.action == AUTO_CLOSE
        and other.status == timer.status
        and other.sub_status in (None, timer.sub_status)
    ]


def _breach_due(cases: CaseQuerySet) -> CaseQuerySet:
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


# --- acting on one row --------------------------------------------------------------------


def _claim(model: type[WorkflowCase], timer: Timer, row: dict[str, Any]) -> WorkflowCase | None:
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
    case = claimed.first()
    return None if case is None else as_workflow_case(case)


def _auto_close_one(
    model: type[WorkflowCase], timer: Timer, row: dict[str, Any], now: datetime
) -> bool:
    with transaction.atomic():
        case = _claim(model, timer, row)
        if case is None:
            return False
        CaseChange(case, None, now).transition(AUTO_CLOSE, automatic=True)
    return True


def _remind_one(
    model: type[WorkflowCase], timer: Timer, row: dict[str, Any], now: datetime
) -> bool:
    with transaction.atomic():
        case = _claim(model, timer, row)
        if case is None:
            return False
        # Asked again now that the case is locked: a scheduler that held the lock a moment ago
        # may have just reminded this entry. The outbox key (one per entry) backs this up.
        if reminders_of_entry(case, case.status_changed_at).exists():
            return False
        CaseChange(case, None, now).notify(Kind.REMINDER)
    return True


def _breach_one(case_id: int, now: datetime) -> WorkflowCase | None:
    """Stamp the breach with a conditional UPDATE: of two schedulers the one whose UPDATE
    changed the row notifies; an agent's first reply committed meanwhile wins over both."""
    with transaction.atomic():
        # Due still: a priority raised meanwhile may have moved the due time.
        still_due = Case.objects.filter(pk=case_id, first_response_due_at__lte=now)
        stamped = _breach_due(still_due).update(first_response_breached_at=now)
        if not stamped:
            return None
        case = as_workflow_case(Case.objects.select_related("assignee", "queue").get(pk=case_id))
        CaseChange(case, None, now).notify(Kind.FIRST_RESPONSE_BREACH, occasion="breach")
    return case


def _timer_text(model: type[WorkflowCase], queue: Queue, timer: Timer) -> str:
    status = timer.status if timer.sub_status is None else f"{timer.status}/{timer.sub_status}"
    return f"{model.definition.key}: {status} for {_duration(getattr(queue, timer.after))}"


def _duration(value: timedelta) -> str:
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if value >= size and value % size == timedelta(0):
            count = value // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return str(value)
