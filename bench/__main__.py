"""Seed a large case table and time the hot paths: list pages, filters, detail, timer sweeps.

    BENCH_CASES=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench make bench

Runs against the database of DATABASE_URL (use a throwaway one: it is migrated and filled), seeds
in bulk once (rows are reused on the next run), and prints, per scenario, the median time of a
few runs and the number of SQL queries. Figures, not assertions: compare them between changes.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Case, Organization, Priority, Queue, User  # noqa: E402
from workflows.registry import WORKFLOWS  # noqa: E402
from workflows.sweeps import (  # noqa: E402
    auto_close,
    detect_first_response_breaches,
    send_reminders,
)

RUNS = 5
BATCH = 10_000


def seed(total: int) -> None:
    orgs = [Organization.objects.get_or_create(name=f"Bench org {i}")[0] for i in range(50)]
    customers = [
        User.objects.get_or_create(
            username=f"bench-customer-{i}", defaults={"role": "customer", "organization": orgs[i]}
        )[0]
        for i in range(50)
    ]
    agents = [
        User.objects.get_or_create(username=f"bench-agent-{i}", defaults={"role": "agent"})[0]
        for i in range(20)
    ]
    queues = [
        Queue.objects.get_or_create(name=f"Bench {key}", defaults={"workflow": key})[0]
        for key in WORKFLOWS
    ]
    have = Case.objects.count()
    now = timezone.now()
    priorities = list(Priority)
    print(f"seeding {max(0, total - have)} cases (have {have})", flush=True)
    for start in range(have, total, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, total)):
            queue = queues[n % len(queues)]
            model = WORKFLOWS[queue.workflow]
            statuses = model.definition.status_keys
            status = statuses[n % len(statuses)]
            customer = customers[n % len(customers)]
            created = now - timedelta(minutes=n % 500_000)
            # A steady state: every case entered its status within five days (older timers have
            # fired long ago), and all but one in a thousand got their first response in time.
            entered = max(created, now - timedelta(minutes=n % 7_200))
            answered = None if n % 1000 == 0 else created + timedelta(hours=1)
            rows.append(
                Case(
                    queue=queue,
                    workflow=queue.workflow,
                    subject=f"Bench case {n}",
                    description="Something is not working as expected.",
                    priority=priorities[n % len(priorities)],
                    requester=customer,
                    organization=customer.organization,
                    assignee=agents[n % len(agents)] if n % 3 else None,
                    status=status,
                    sub_status="customer_input" if status == "pending" else "",
                    status_changed_at=entered,
                    created_at=created,
                    first_response_due_at=created + timedelta(hours=8),
                    first_responded_at=answered,
                    reference=f"BX-{n:08d}",
                )
            )
        Case.objects.bulk_create(rows)
        print(f"  {start + len(rows)}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would have: statistics, and a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE cases_case")


def measure(label: str, action: Callable[[], object]) -> None:
    timings: list[float] = []
    queries = 0
    for _ in range(RUNS):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    print(f"{label:<55} {statistics.median(timings) * 1000:9.1f} ms  {queries:3d} queries")


def main() -> int:
    total = int(os.environ.get("BENCH_CASES", "100000"))
    call_command("migrate", verbosity=0)
    seed(total)
    agent = User.objects.get(username="bench-agent-0")
    customer = User.objects.get(username="bench-customer-0")
    agent_client, customer_client = Client(), Client()
    agent_client.force_login(agent)
    customer_client.force_login(customer)
    some_case = Case.objects.filter(requester=customer).order_by("-id").first()
    if some_case is None:
        raise SystemExit("No case of bench-customer-0: the seeding went wrong.")

    print(f"\n{Case.objects.count()} cases on {connection.vendor}")

    def get(client: Client, url: str) -> Callable[[], None]:
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    measure("agent: first page (25)", get(agent_client, "/api/cases/"))
    measure("agent: page of 200", get(agent_client, "/api/cases/?page_size=200"))
    measure("agent: page 200 of 25", get(agent_client, "/api/cases/?page=200"))
    measure("agent: status filter", get(agent_client, "/api/cases/?status=pending"))
    measure(
        "agent: workflow+status+priority, by priority",
        get(
            agent_client,
            "/api/cases/?workflow=support_center&status=pending&priority=high&ordering=-priority",
        ),
    )
    measure(f"agent: assignee={agent.pk}", get(agent_client, f"/api/cases/?assignee={agent.pk}"))
    measure("agent: search reference", get(agent_client, "/api/cases/?search=BX-00000042"))
    measure("customer: own organization's first page", get(customer_client, "/api/cases/"))
    measure("customer: case detail", get(customer_client, f"/api/cases/{some_case.pk}/"))
    measure("automations: auto-close sweep, nothing due", lambda: auto_close(now=timezone.now()))
    measure("automations: reminder sweep, nothing due", lambda: send_reminders(now=timezone.now()))
    unanswered = Case.objects.filter(
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        first_response_due_at__lte=timezone.now(),
    ).count()
    measure(
        f"automations: breach sweep catching up {unanswered} (dry run)",
        lambda: detect_first_response_breaches(now=timezone.now(), dry_run=True),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
