"""The sweeps by the set, measured: a backlog of due auto-closes (SWEEP_CASES, 100,000 by default,
as after a long outage or a timer change) closed by one auto-close sweep, the closure notices they
schedule delivered by one delivery sweep; then both again as the deployment does them (the sweep
and the helper it asks for on finding a backlog, in two worker processes: `bench.helper`), each
with its time, queries per case and the growth of the process's memory at its peak; then the
idle pass (every sweep, nothing due) over the whole case table, right after the backlog is
deleted and once vacuumed.

The backlog lives in a queue of its own ("Bench sweeps"), seeded in bulk before and deleted after,
so the other figures never see it. Emails go to Django's dummy backend (written, never kept), and
the hourly limit of automatic emails is lifted: the bench's 2,000 customers would otherwise have
most closure notices held back, which is the limit doing its job, not the delivery's speed.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone

from cases.models import Case, HistoryEntry, Priority, Queue, User
from notifications.models import Kind, Notification
from workflows.registry import WORKFLOWS
from workflows.sweep_failures import SweepFailure
from workflows.sweeps import run_all, stream

SEED_BATCH = 10_000
DUMMY = "django.core.mail.backends.dummy.EmailBackend"
# The tables the sweeps change by the hundred thousand.
CHANGED = ("cases_case", "notifications_notification", "cases_historyentry")
QUEUE = "Bench sweeps"
IDLE_RUNS = 5


def sweep_figures() -> None:
    total = int(os.environ.get("SWEEP_CASES", "100000"))
    queue = Queue.objects.get_or_create(name=QUEUE, defaults={"workflow": "support_center"})[0]
    _forget(queue)
    _vacuum(*CHANGED)
    print(f"\nsweeps by the set: {total} due auto-closes on {connection.vendor}")
    with override_settings(EMAIL_BACKEND=DUMMY, AUTOMATIC_EMAILS_PER_HOUR=total + 1):
        now = _seed(queue, total)
        closed = _measure("auto-close sweep, one worker", total, lambda: _sweep("auto_close", now))
        # The notices fall due a day later (closure_notification_after), by when autovacuum has
        # long vacuumed and analyzed the tables the sweep changed (this machine's PostgreSQL
        # runs without autovacuum: the bench does what it would).
        _vacuum(*CHANGED)
        later = now + queue.closure_notification_after
        sent = _measure(
            "delivery sweep, one worker (their closure notices)",
            total,
            lambda: _sweep("deliveries", later),
        )
        _unsend(queue)
        _vacuum("notifications_notification")
        _measure(
            "the same with a helper: two workers",
            total,
            lambda: _sweep("deliveries", later, helped=total),
        )
        again = _closure_notices(queue).filter(sent_at=later).count()
        _forget(queue)
        _vacuum(*CHANGED)
        now = _seed(queue, total)
        _measure(
            "auto-close sweep with a helper: two workers",
            total,
            lambda: _sweep("auto_close", now, helped=total),
        )
    closed_again = Case.objects.filter(queue=queue, status="closed").count()
    failures = SweepFailure.objects.filter(case__queue=queue).count()
    print(
        f"  closed {closed}, delivered {sent}; by two workers delivered {again} and closed "
        f"{closed_again}; failures recorded {failures}"
    )
    _forget(queue)
    _idle_pass("right after deleting the backlog")
    # What autovacuum does within a minute of such a change (the migrations set the case and
    # notification tables to be vacuumed after 2% of their rows changed, not PostgreSQL's 20%):
    # the idle pass every minute after that.
    _vacuum(*CHANGED)
    _idle_pass("once vacuumed")


def _sweep(name: str, now: datetime, *, helped: int = 0) -> int:
    """The sweep `name` as beat's task runs it (`workflows.tasks`): its actions streamed, none
    kept, and, when `helped` (the backlog's size, for the helper's hourly limit), finding a
    backlog it asks for a helper, which another worker process runs (here `bench.helper`, with
    this process's settings). Done when both are; the number of actions of the sweep itself
    (the helper's, and its queries, are not counted)."""
    helpers: list[subprocess.Popen[bytes]] = []
    environment = {
        **os.environ,
        "EMAIL_BACKEND": DUMMY,
        "AUTOMATIC_EMAILS_PER_HOUR": str(helped + 1),
    }

    def helper() -> None:
        argv = [sys.executable, "-m", "bench.helper", name, now.isoformat()]
        helpers.append(subprocess.Popen(argv, env=environment))

    done = sum(1 for _ in stream(name, now=now, helpers=helper if helped else None))
    for process in helpers:
        if process.wait() != 0:
            raise RuntimeError(f"the helper of {name} failed")
    return done


def _seed(queue: Queue, total: int) -> datetime:
    """Seed the backlog, due since an hour; the moment to sweep it at."""
    due_since = timezone.now() - queue.confirmation_auto_close_after - timedelta(hours=1)
    customers = list(User.objects.filter(username__startswith="bench-customer-").order_by("pk"))
    model = WORKFLOWS[queue.workflow]
    status = "awaiting_customer_confirmation"
    assert status in model.definition.status_keys
    print(f"seeding {total} due auto-closes", flush=True)
    for start in range(0, total, SEED_BATCH):
        Case.objects.bulk_create(
            Case(
                queue=queue,
                workflow=queue.workflow,
                subject=f"Bench sweep case {n}",
                description="Solved, waiting for the customer to confirm.",
                priority=Priority.NORMAL,
                requester=customers[n % len(customers)],
                organization=customers[n % len(customers)].organization,
                status=status,
                status_changed_at=due_since - timedelta(microseconds=n),
                created_at=due_since - timedelta(days=1),
                first_response_due_at=due_since,
                first_responded_at=due_since - timedelta(hours=20),
                reference=f"BS-{n:08d}",
            )
            for n in range(start, min(start + SEED_BATCH, total))
        )
    _analyze("cases_case")
    return timezone.now()


def _closure_notices(queue: Queue) -> QuerySet[Notification]:
    return Notification.objects.filter(case__queue=queue, kind=Kind.CLOSURE)


def _unsend(queue: Queue) -> None:
    """The backlog's closure notices due again, as never tried: the same backlog, delivered a
    second time."""
    _closure_notices(queue).update(
        sent_at=None, attempts=0, leased_until=None, emailed_to="", last_error=""
    )


def _analyze(*tables: str) -> None:
    """Statistics for the tables just filled in bulk, as autovacuum would gather them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _vacuum(*tables: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def _forget(queue: Queue) -> None:
    """Delete the backlog's cases and what the sweeps wrote for them, table by table (each a
    single DELETE, never a collection of a hundred thousand objects)."""
    cases = Case.objects.filter(queue=queue)
    for related in (Notification, HistoryEntry, SweepFailure):
        related.objects.filter(case__in=cases)._raw_delete(related.objects.db)
    cases._raw_delete(Case.objects.db)


def _measure(label: str, total: int, sweep: Callable[[], int]) -> int:
    with _peak_memory() as growth, _query_count() as queries:
        started = time.perf_counter()
        done = sweep()
        seconds = time.perf_counter() - started
    rate = total / seconds if seconds else 0.0
    print(
        f"  {label:<52} {seconds:8.1f} s  {rate:8.0f}/s  "
        f"{queries[0] / max(total, 1):6.3f} queries a case  peak memory +{growth[0]:.0f} MB",
        flush=True,
    )
    return done


def _idle_pass(when: str) -> None:
    """Every sweep with nothing due, over the whole case table: first one pass that catches up
    on whatever the seeded table leaves due (late first responses), then the pass timed; all of
    it rolled back, so the other figures never see it."""
    timings = []
    queries = [0]
    with override_settings(EMAIL_BACKEND=DUMMY), transaction.atomic():
        now = timezone.now()
        run_all(now=now)
        for _ in range(IDLE_RUNS):
            with _query_count() as queries:
                started = time.perf_counter()
                actions = run_all(now=now)
                timings.append(time.perf_counter() - started)
            assert actions == [], actions[:3]
        transaction.set_rollback(True)
    cases = Case.objects.count()
    print(
        f"  idle pass (every sweep, nothing due) over {cases} cases, {when}: "
        f"{statistics.median(timings) * 1000:.1f} ms, {queries[0]} queries",
        flush=True,
    )


@contextmanager
def _query_count() -> Iterator[list[int]]:
    """Count the statements run (not kept: a hundred thousand would weigh on the memory
    measured)."""
    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counted


@contextmanager
def _peak_memory() -> Iterator[list[float]]:
    """The growth of the resident set at its peak during the block, in MB, sampled every 50 ms."""
    page = os.sysconf("SC_PAGE_SIZE")
    start = _resident(page)
    peak = [start]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _resident(page))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    growth = [0.0]
    try:
        yield growth
    finally:
        done.set()
        sampler.join()
        growth[0] = (max(peak[0], _resident(page)) - start) / 2**20


def _resident(page: int) -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * page
