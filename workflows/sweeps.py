"""The scheduled automations, each a function of `now`: auto-close, reminders, first-response
breaches and (from `notifications.sweep`) the delivery of due notifications; `run_all` runs them
in order, for real or as a dry run.

Every sweep works by the set, and index-backed: per workflow and queue it computes a cutoff
(`now - queue.<setting>`) and claims the cases that are due, oldest first, a batch at a time, in
one transaction per batch: locked with SKIP LOCKED (cases another scheduler holds are left to it)
and read after the last case of the previous batch (keyset on the due column and id). Each case
is then acted on through the one door (`workflows.transitions`), whose writes go out once for the
batch (`batched`); should a case raise, the batch is acted on again with each case in a savepoint
of its own: a case whose action raises is rolled back alone, recorded
(`workflows.sweep_failures`), skipped until its backoff is over, and the rest of the batch goes
on. So two schedulers at once, a task retried
after a crash or a rerun with the same `now` act once, and a sweep that runs late catches up on
everything that fell due meanwhile, at one commit per batch rather than per case. A dry run is
the same code, rolled back (see `_run`).

Every case is judged as of the `now` given, whatever the clock says: what a sweep records is tied
to the case's entry into its status, not to that `now` (see `workflows.timers`).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from cases.models import Case, Queue
from cases.models.case import CaseQuerySet
from notifications import sweep as delivery_sweep
from notifications.batches import after
from notifications.models import Kind
from notifications.outbox import recipients_of
from notifications.sweep import Helpers
from workflows.base import WorkflowCase
from workflows.declarations import AUTO_CLOSE, REMINDER, Timer
from workflows.registry import WORKFLOWS, as_workflow_case
from workflows.sweep_failures import SweepFailure, backing_off, clear_failures, record_failure
from workflows.timers import FIRST_RESPONSE_BREACH, reminders_of_entry
from workflows.transitions import CaseChange, batched

DELIVER = "deliver"
# The line of a case a sweep failed on (and skipped).
FAILED = "failed"


@dataclass(frozen=True)
class Action:
    """One thing an automation did (or, in a dry run, would do): a line of `run_automations`."""

    action: str
    case: str
    detail: str

    def __str__(self) -> str:
        return f"{self.action} {self.case} ({self.detail})"


# A sweep as of `now`, its actions yielded as they are done; `helpers` (or None) is called should
# it find a backlog.
Sweep = Callable[[datetime, Helpers | None], Iterator[Action]]
# A sweep's work on one due case, claimed (locked) by the sweep: whether it acted.
ActOnOne = Callable[[WorkflowCase, datetime], bool]
# The sweeps' cases claimed per transaction: one commit per batch, its writes shared by many
# cases (`batched`), locks held for a fraction of a second (0.2 to 0.3 s at 100,000 due).
BATCH_SIZE = 500


def run_all(*, now: datetime, dry_run: bool = False) -> list[Action]:
    """Every automation, in the order that makes one run consistent: cases close before anyone
    is reminded or told of a breach, and what the run recorded is delivered by the same run."""
    return _run(SWEEPS, now=now, dry_run=dry_run)


def auto_close(
    *, now: datetime, dry_run: bool = False, helpers: Helpers | None = None
) -> list[Action]:
    """Close the cases that stayed too long in a status with an auto-close timer. `helpers`, as
    for each sweep: called once should a batch come back full, to have other workers work
    through the backlog alongside (`_act_in_batches`)."""
    if dry_run:
        return _run([_auto_close], now=now, dry_run=True)
    return list(_auto_close(now, helpers))


def send_reminders(
    *, now: datetime, dry_run: bool = False, helpers: Helpers | None = None
) -> list[Action]:
    """Remind the customer once per entry into a status with a reminder timer."""
    if dry_run:
        return _run([_send_reminders], now=now, dry_run=True)
    return list(_send_reminders(now, helpers))


def detect_first_response_breaches(
    *, now: datetime, dry_run: bool = False, helpers: Helpers | None = None
) -> list[Action]:
    """Stamp the cases whose First Response milestone passed unanswered and notify their owner
    (or every manager); once per case, whatever happens to it afterwards."""
    if dry_run:
        return _run([_detect_first_response_breaches], now=now, dry_run=True)
    return list(_detect_first_response_breaches(now, helpers))


def deliver_due_notifications(
    *, now: datetime, dry_run: bool = False, helpers: Helpers | None = None
) -> list[Action]:
    """Send what is due and unsent: delayed notifications whose time has come, those recorded
    while the worker or the broker was down, and failed ones whose backoff is over. `helpers`
    asks other workers to help with a backlog (`notifications.sweep.deliver_due`)."""
    if dry_run:
        return _run([_deliver_due_notifications], now=now, dry_run=True)
    return list(_deliver_due_notifications(now, helpers))


def stream(name: str, *, now: datetime, helpers: Helpers | None = None) -> Iterator[Action]:
    """The sweep `name` (a key of STREAMS) as of `now`, each action yielded as its batch is
    done: what beat's tasks run, logging each action and keeping none, so that their memory
    stays flat however large the backlog (the functions above list them)."""
    return STREAMS[name](now, helpers)


def _run(sweeps: Iterable[Sweep], *, now: datetime, dry_run: bool) -> list[Action]:
    """Run the sweeps as of `now`. A dry run is the very same code inside a transaction that is
    rolled back at the end (so it also says what a later sweep of the same run would do with the
    rows an earlier one wrote), except that it lists the deliveries instead of sending email,
    which no rollback could take back. Notifications it records are never enqueued either: the
    rollback drops their on-commit hook."""
    if not dry_run:
        return [action for sweep in sweeps for action in sweep(now, None)]
    with transaction.atomic():
        actions = [action for sweep in sweeps for action in DRY_RUN.get(sweep, sweep)(now, None)]
        transaction.set_rollback(True)
    return actions


def _auto_close(now: datetime, helpers: Helpers | None = None) -> Iterator[Action]:
    return _sweep_timers(AUTO_CLOSE, _auto_close_one, now, helpers)


def _send_reminders(now: datetime, helpers: Helpers | None = None) -> Iterator[Action]:
    return _sweep_timers(REMINDER, _remind_one, now, helpers)


def _sweep_timers(
    action: str, act_on_one: ActOnOne, now: datetime, helpers: Helpers | None
) -> Iterator[Action]:
    timers = [
        (model, queue, timer, _timer_due(model, queue, timer, now))
        for model, queue, timer in _timers(action)
    ]
    if not _any_due(action, [due for *_, due in timers], now):
        return
    for model, queue, timer, due in timers:
        text = _timer_text(model, queue, timer)
        batches = _act_in_batches(action, due, "status_changed_at", act_on_one, now, helpers)
        for case, failure in batches:
            yield failure or Action(action, str(case.reference), text)


def _any_due(sweep: str, dues: list[QuerySet[Case]], now: datetime) -> bool:
    """Whether any of the timers' due cases is to be acted on now, asked in one query: most runs
    find nothing due, and then one query costs less than claiming each queue's timer in turn (a
    query each, with its joins and lock). A UNION of one probe per timer, each served by the
    timer index as its claim is (one condition OR-ed over the timers would not be: PostgreSQL
    then walks a whole index of the cases)."""
    probes = [due.filter(~backing_off(sweep, now)).order_by().values("pk") for due in dues]
    if not probes:
        return False
    first, *others = probes
    return first.union(*others, all=True).exists()


def _detect_first_response_breaches(
    now: datetime, helpers: Helpers | None = None
) -> Iterator[Action]:
    due = _breach_due(Case.objects.filter(first_response_due_at__lte=now))
    sweep = FIRST_RESPONSE_BREACH
    field = "first_response_due_at"
    for case, failure in _act_in_batches(sweep, due, field, _breach_one, now, helpers):
        if failure is not None:
            yield failure
            continue
        people = ", ".join(
            person.username for person in recipients_of(Kind.FIRST_RESPONSE_BREACH, case, None)
        )
        due_at = case.first_response_due_at
        assert due_at is not None  # a breach is due only when there is a due time
        yield Action(
            FIRST_RESPONSE_BREACH,
            str(case.reference),
            f"{case.workflow}: no first response by {due_at.isoformat()}; "
            f"notifies {people or 'nobody'}",
        )


def _deliver_due_notifications(now: datetime, helpers: Helpers | None = None) -> Iterator[Action]:
    for delivery in delivery_sweep.delivering(now, helpers=helpers):
        yield Action(DELIVER, delivery.case, delivery.detail)


def _list_due_deliveries(now: datetime, helpers: Helpers | None = None) -> Iterator[Action]:
    for delivery in delivery_sweep.list_due(now):
        yield Action(DELIVER, delivery.case, delivery.detail)


SWEEPS: tuple[Sweep, ...] = (
    _auto_close,
    _send_reminders,
    _detect_first_response_breaches,
    _deliver_due_notifications,
)
DRY_RUN: dict[Sweep, Sweep] = {_deliver_due_notifications: _list_due_deliveries}
# The sweeps by name, for beat's tasks and their helpers (workflows/tasks.py).
STREAMS: dict[str, Sweep] = {
    "auto_close": _auto_close,
    "reminders": _send_reminders,
    "breaches": _detect_first_response_breaches,
    "deliveries": _deliver_due_notifications,
}


# --- which rows are due -------------------------------------------------------------------


def _timers(action: str) -> Iterator[tuple[type[WorkflowCase], Queue, Timer]]:
    """Every (workflow, queue, timer) with this action: a few queues per workflow, each with
    its own durations, hence its own cutoff (the queues read in one query)."""
    timed = {
        key: [timer for timer in model.timers if timer.action == action]
        for key, model in WORKFLOWS.items()
    }
    queues = Queue.objects.filter(workflow__in=[key for key, timers in timed.items() if timers])
    by_workflow: dict[str, list[Queue]] = {}
    for queue in queues.order_by("pk"):
        by_workflow.setdefault(queue.workflow, []).append(queue)
    for key, model in WORKFLOWS.items():
        for queue in by_workflow.get(key, []):
            for timer in timed[key]:
                yield model, queue, timer


def _timer_due(
    model: type[WorkflowCase], queue: Queue, timer: Timer, now: datetime
) -> QuerySet[Case]:
    """The queue's cases whose current entry into the timer's status is at least `after` old
    (index case_timer_due_idx: queue, status, sub_status, status_changed_at, id). A status
    without sub-statuses is asked with an empty one, which the door gives every case entering
    it (`CaseChange.transition`): the index then answers in the claim's order, with no sort."""
    due = Case.objects.alive().filter(
        workflow=model.definition.key,
        queue=queue,
        status=timer.status,
        status_changed_at__lte=now - getattr(queue, timer.after),
    )
    sub_status = timer.sub_status
    if sub_status is None and not model.definition.sub_status_keys(timer.status):
        sub_status = ""
    if sub_status is not None:
        due = due.filter(sub_status=sub_status)
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


# --- acting on the due cases, a batch at a time -------------------------------------------


def _act_in_batches(
    sweep: str,
    due: QuerySet[Case],
    field: str,
    act_on_one: ActOnOne,
    now: datetime,
    helpers: Helpers | None = None,
) -> Iterator[tuple[WorkflowCase, Action | None]]:
    """Claim the `due` cases BATCH_SIZE at a time in the order (`field`, id), each batch in one
    transaction, and act on each; yield each case acted on with None, and each case whose action
    raised with the `FAILED` line saying so (its failure is recorded, see
    `workflows.sweep_failures`). Cases backing off after a failure are not claimed.

    A batch is first acted on as a whole; should one of its cases raise, the batch is rolled back
    and claimed again, each case then in a savepoint of its own, so that only that case fails.
    (A savepoint per case always would cost two more round trips a case.)

    A batch that comes back full means a backlog: `helpers` is then called, once, to have other
    workers claim batches alongside; SKIP LOCKED gives each the cases the others do not hold, so
    each case is still acted on once."""
    ordered = due.filter(~backing_off(sweep, now)).order_by(field, "pk")
    last: tuple[Any, int] | None = None
    while True:
        page = ordered if last is None else ordered.filter(after(field, *last))
        try:
            claimed, results = _act_on_batch(sweep, page, field, act_on_one, now, isolated=False)
        except Exception:  # one case raised: which one, the batch acted on case by case says
            claimed, results = _act_on_batch(sweep, page, field, act_on_one, now, isolated=True)
        yield from results
        if len(claimed) < BATCH_SIZE:
            return
        if helpers is not None:
            helpers()
            helpers = None
        last = claimed[-1]


def _act_on_batch(
    sweep: str,
    page: QuerySet[Case],
    field: str,
    act_on_one: ActOnOne,
    now: datetime,
    *,
    isolated: bool,
) -> tuple[list[tuple[Any, int]], list[tuple[WorkflowCase, Action | None]]]:
    """Claim the first BATCH_SIZE cases of `page` and act on them in one transaction: the
    (`field`, id) of each case claimed, as claimed, and what came of each. `isolated`: each case
    in a savepoint, a case that raises recorded as failed; otherwise the first case that raises
    rolls the whole batch back."""
    results: list[tuple[WorkflowCase, Action | None] | None]
    with transaction.atomic():
        batch = [
            as_workflow_case(case)
            for case in page.select_for_update(skip_locked=True, of=("self",))[:BATCH_SIZE]
        ]
        # Read after the claim, not joined to it: with a join, a planner that underestimates
        # the backlog may hash-join the people and lose the index's order, then sort the whole
        # backlog for every batch (seconds at a hundred thousand due). Alone, the claim walks
        # the index and stops after a batch.
        prefetch_related_objects(batch, "queue", "requester", "assignee")
        claimed = [(getattr(case, field), case.pk) for case in batch]
        if isolated:
            results = [_act_alone(sweep, case, act_on_one, now) for case in batch]
        else:
            # The batch's case updates, history rows and notifications written once (`batched`).
            with batched():
                results = [(case, None) for case in batch if act_on_one(case, now)]
        done = [result for result in results if result is not None]
        clear_failures(sweep, (case.pk for case, failure in done if failure is None))
    return claimed, done


def _act_alone(
    sweep: str, case: WorkflowCase, act_on_one: ActOnOne, now: datetime
) -> tuple[WorkflowCase, Action | None] | None:
    """Act on one case in a savepoint of its own: the case and None when it was acted on, the
    case and its `FAILED` line when it raised (recorded), None when there was nothing to do."""
    try:
        with transaction.atomic():
            acted = act_on_one(case, now)
    except Exception as error:  # whatever one case raises, the others go on
        failure = record_failure(sweep, case, error, now)
        return case, _failed(sweep, case, failure)
    return (case, None) if acted else None


def _failed(sweep: str, case: Case, failure: SweepFailure) -> Action:
    return Action(
        FAILED,
        str(case.reference),
        f"{sweep}: {failure.error}; tried again after {failure.next_attempt_at.isoformat()}",
    )


def _auto_close_one(case: WorkflowCase, now: datetime) -> bool:
    CaseChange(case, None, now).transition(AUTO_CLOSE, automatic=True)
    return True


def _remind_one(case: WorkflowCase, now: datetime) -> bool:
    # Asked again now that the case is locked: a scheduler that held the lock a moment ago
    # may have just reminded this entry. The outbox key (one per entry) backs this up.
    if reminders_of_entry(case, case.status_changed_at).exists():
        return False
    CaseChange(case, None, now).notify(Kind.REMINDER)
    return True


def _breach_one(case: WorkflowCase, now: datetime) -> bool:
    """Stamp the breach (not a change anyone made: the case's `updated_at` stays) and notify
    the owner, or every manager."""
    Case.objects.filter(pk=case.pk).update(first_response_breached_at=now)
    case.first_response_breached_at = now
    CaseChange(case, None, now).notify(Kind.FIRST_RESPONSE_BREACH, occasion="breach")
    return True


def _timer_text(model: type[WorkflowCase], queue: Queue, timer: Timer) -> str:
    status = timer.status if timer.sub_status is None else f"{timer.status}/{timer.sub_status}"
    return f"{model.definition.key}: {status} for {_duration(getattr(queue, timer.after))}"


def _duration(value: timedelta) -> str:
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if value >= size and value % size == timedelta(0):
            count = value // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return str(value)
