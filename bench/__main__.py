"""Seed a large case table and time the hot paths: the agent workspace's lists, searches (the
header Search included), case page and overview, the admin case list, the API, the timer
sweeps, mail in (bench/mail.py) and the sweeps by the set (bench/sweeps.py).

    BENCH_CASES=1000000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench make bench

BENCH_ONLY=mail times mail in alone (after the same seeding), to measure a change to it quickly;
BENCH_ONLY=sweeps the sweeps by the set (bench/sweeps.py: SWEEP_CASES due auto-closes, 100,000 by
default, and the idle pass).

Runs against the database of DATABASE_URL (use a throwaway one: it is migrated and filled), seeds
in bulk once (rows are reused on the next run), and prints, per scenario, the median time of a
few runs in process (Django's test client: the server's own time) and over HTTP (a WSGI server on
a free port, a fresh connection per request), and the number of SQL queries. Pages render as in
production: DEBUG off, so templates are cached. Figures, not assertions: compare them between
changes.
"""

import http.client
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# As in production (cached templates, no debug toolbar of queries kept in memory), over plain
# HTTP on the loopback.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import F  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.mail import mail_figures  # noqa: E402
from bench.sweeps import sweep_figures  # noqa: E402
from cases.models import (  # noqa: E402
    Case,
    Comment,
    HistoryEntry,
    Organization,
    Priority,
    Queue,
    User,
)
from cases.roles import Role  # noqa: E402
from workflows.declarations import SUPPORT_SIDE  # noqa: E402
from workflows.metadata import closed_cases, describe, waiting_on_q  # noqa: E402
from workflows.registry import WORKFLOWS  # noqa: E402
from workflows.sweeps import (  # noqa: E402
    auto_close,
    detect_first_response_breaches,
    send_reminders,
)

RUNS = 5
BATCH = 10_000
# The case whose page is measured carries a long conversation and history.
CONVERSATION = 60
# 2,000 customers in 50 organizations (20,000 cases each at a million), named as people are, so
# that the workspace's search and typed filters meet realistic names, emails and organizations.
CUSTOMERS = 2000
FIRST_NAMES = (  # noqa: SIM905 (a list of names reads best as words)
    "Alice Bruno Chloe Daniel Emma Farid Grace Hugo Ines Jonas Kira Liam Maya Nils "
    "Olivia Pablo Quinn Rosa Samir Tara Umar Vera Wim Xenia Yusuf Zoe Anton Bea "
    "Carl Dora Emil Frida Gustav Hanna Ivan Julia Karl Lena Marco Nora"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of names reads best as words)
    "Martin Keller Ito Novak Berg Costa Dubois Eriksen Fischer Garcia Hansen Ivanova Jensen Klein "
    "Larsen Moreau Nagy Olsen Petit Quist Rossi Schmidt Takahashi Ueda Vogel Weber Xu Yilmaz "
    "Zimmer Alvarez Brandt Conti Dahl Engel Ferrari Graf Huber Iqbal Jovanovic Kovacs Lund Meyer "
    "Nielsen Ortiz Pohl Richter Sato Toth Urban Varga"
).split()
COMPANIES = [
    f"{first} {second}"
    for second in ("Traders", "Systems", "Bank", "Logistics", "Health")
    for first in (  # noqa: SIM905 (as above)
        "Northwind Contoso Fabrikam Tailspin Wingtip Litware Adatum Proseware Woodgrove Lucerne"
    ).split()
]
# Two customers whose cases are all among the oldest (the first seeded) or all among the newest
# (their activity stamped last): the header search's worst and best places for a match.
OLDEST = ("bench-oldest", "Olga", "Oldfield", "Oldfield Ltd", range(0, 1500))
NEWEST = ("bench-newest", "Nadia", "Newton", "Newton GmbH", range(1500, 3000))


def person(username: str, first: str, last: str, org: Organization) -> User:
    email = f"{first}.{last}@{org.name.replace(' ', '-')}.example".lower()
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "role": Role.CUSTOMER,
            "organization": org,
            "first_name": first,
            "last_name": last,
            "email": email,
        },
    )
    return user


def awaiting_since(queue: Queue, status: str, sub_status: str, n: int, entered: datetime,
                   answered: datetime | None, created: datetime) -> datetime | None:  # fmt: skip
    """Who has the last word, as a team's day leaves it: a case never answered waits since it
    was opened; of those waiting on support, a third had the customer write last (one in ten of
    those on hold); nobody waits for support where the customer holds the next move."""
    wait = describe(queue.workflow).wait(status, sub_status)
    if wait.side != SUPPORT_SIDE:
        return None
    if answered is None:
        return created
    every = 10 if wait.shown_as else 3
    return entered if n % every == 0 else None


def stamp_waiting() -> None:
    """Rows seeded before the bench stamped who waits: every unanswered case waiting on support,
    and a third of the others, in bulk."""
    if Case.objects.filter(awaiting_answer_since__isnull=False).exists():
        return
    support = Case.objects.filter(waiting_on_q(SUPPORT_SIDE))
    support.filter(first_responded_at__isnull=True).update(awaiting_answer_since=F("created_at"))
    support.filter(first_responded_at__isnull=False).annotate(third=Mod("id", 3)).filter(
        third=0
    ).update(awaiting_answer_since=F("status_changed_at"))


def seed(total: int) -> None:
    orgs = [Organization.objects.get_or_create(name=name)[0] for name in COMPANIES]
    customers = [
        person(
            f"bench-customer-{i}",
            FIRST_NAMES[i % len(FIRST_NAMES)],
            LAST_NAMES[i // len(FIRST_NAMES) % len(LAST_NAMES)],
            orgs[i % len(orgs)],
        )
        for i in range(CUSTOMERS)
    ]
    special = {}
    for username, first, last, org_name, positions in (OLDEST, NEWEST):
        org = Organization.objects.get_or_create(name=org_name)[0]
        who = person(username, first, last, org)
        special.update(dict.fromkeys(positions, who))
    agents = [
        User.objects.get_or_create(username=f"bench-agent-{i}", defaults={"role": "agent"})[0]
        for i in range(20)
    ]
    User.objects.get_or_create(username="bench-manager", defaults={"role": "manager"})
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
            customer = special.get(n) or customers[n % len(customers)]
            created = now - timedelta(minutes=n % 500_000)
            # A steady state: every case entered its status within five days (older timers have
            # fired long ago), and all but one in a thousand got their first response in time.
            entered = max(created, now - timedelta(minutes=n % 7_200))
            answered = None if n % 1000 == 0 else created + timedelta(hours=1)
            # Pending's sub-statuses in turn: the customer's input, or someone beyond support.
            sub_statuses = model.definition.sub_status_keys(status)
            sub_status = sub_statuses[n // 28 % len(sub_statuses)] if sub_statuses else ""
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
                    sub_status=sub_status,
                    status_changed_at=entered,
                    created_at=created,
                    first_response_due_at=created + timedelta(hours=8),
                    first_responded_at=answered,
                    awaiting_answer_since=awaiting_since(
                        queue, status, sub_status, n, entered, answered, created
                    ),
                    closed_at=entered if status == model.definition.closed else None,
                    reference=f"BX-{n:08d}",
                )
            )
        Case.objects.bulk_create(rows)
        print(f"  {start + len(rows)}", flush=True)
    stamp_waiting()
    # The newest customer's cases had the latest activity (a microsecond apart, after every
    # case seeded): at the top of every list by update.
    now = timezone.now()
    latest = list(Case.objects.filter(requester__username=NEWEST[0]).only("pk"))
    for n, case in enumerate(latest):
        case.updated_at = now - timedelta(microseconds=n)
    Case.objects.bulk_update(latest, ["updated_at"], batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would have: statistics, and a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE cases_case")


def with_conversation(case: Case) -> Case:
    """`case` with a long conversation and history (added once), for the case page."""
    if case.comments.count() >= CONVERSATION:
        return case
    agent = User.objects.get(username="bench-agent-1")
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            case=case,
            author=agent if n % 2 else case.requester,
            body=f"Message {n}: **checked** the logs again.",
            internal=n % 5 == 0,
            created_at=now - timedelta(minutes=CONVERSATION - n),
        )
        for n in range(CONVERSATION)
    )
    HistoryEntry.objects.bulk_create(
        HistoryEntry(
            case=case,
            transition="note",
            source=case.status,
            target=case.status,
            actor=agent,
            actor_role="agent",
            note=f"Step {n}",
            created_at=now - timedelta(minutes=CONVERSATION - n),
        )
        for n in range(CONVERSATION // 2)
    )
    return case


def open_reference_near(n: int, total: int) -> str:
    """The reference of the open case nearest to the n-th seeded one (lower n: newer)."""
    for candidate in range(n, -1, -1):
        reference = f"BX-{candidate:08d}"
        if Case.objects.filter(reference=reference).exclude(closed_cases()).exists():
            return reference
    raise SystemExit(f"No open case at or before BX-{n:08d} of {total}.")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def http_server() -> Iterator[int]:
    """The project's WSGI application on a free loopback port, served by a background thread."""
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=WSGIServer, handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()


def median_ms(action: Callable[[], object]) -> float:
    action()  # warm: caches, compiled templates, the connection
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def count_queries(action: Callable[[], object]) -> int:
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


class Bench:
    def __init__(self, port: int) -> None:
        self.port = port
        print(f"{'scenario':<58} {'in process':>11} {'over HTTP':>11} {'queries':>8}")

    def page(
        self, label: str, client: Client, url: str, before: Callable[[], object] = lambda: None
    ) -> None:
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

        def in_process() -> None:
            before()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def over_http() -> None:
            before()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            conn.request("GET", url, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            conn.close()
            assert response.status == 200, (url, response.status)

        self.line(label, median_ms(in_process), median_ms(over_http), count_queries(in_process))

    def call(self, label: str, action: Callable[[], object]) -> None:
        self.line(label, median_ms(action), None, count_queries(action))

    @staticmethod
    def line(label: str, process_ms: float, http_ms: float | None, queries: int) -> None:
        over_http = f"{http_ms:8.1f} ms" if http_ms is not None else f"{'':>11}"
        print(f"{label:<58} {process_ms:8.1f} ms {over_http} {queries:8d}", flush=True)


def header_searches(regular: User) -> list[tuple[str, str]]:
    """The header Search's scenarios: a name, an email and an organization whose cases are all
    the newest, or all the oldest (1,500 each: more than `cases.search.FEW_MATCHES`), and a
    customer and an organization among many (500 and 20,000 cases at a million)."""
    scenarios = []
    for username, _first, _last, org_name, _positions in (NEWEST, OLDEST):
        who = User.objects.get(username=username)
        age = "newest" if username == NEWEST[0] else "oldest"
        scenarios += [
            (f"a name, {age}", who.get_full_name()),
            (f"an email, {age}", who.email),
            (f"an organization, {age}", org_name),
        ]
    assert regular.organization is not None
    scenarios += [
        ("a customer among 2,000", regular.get_full_name()),
        ("an organization of 20,000 cases", regular.organization.name),
    ]
    return [(label, urlencode({"q": words})) for label, words in scenarios]


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def main() -> int:
    total = int(os.environ.get("BENCH_CASES", "100000"))
    call_command("migrate", verbosity=0)
    seed(total)
    if os.environ.get("BENCH_ONLY") == "mail":
        mail_figures()
        return 0
    if os.environ.get("BENCH_ONLY") == "sweeps":
        sweep_figures()
        return 0
    agent = User.objects.get(username="bench-agent-0")
    customer = User.objects.get(username="bench-customer-0")
    desk, portal, manager = (
        signed_in("bench-agent-0"),
        signed_in("bench-customer-0"),
        signed_in("bench-manager"),
    )
    busy = Case.objects.filter(requester=customer).exclude(closed_cases()).order_by("-id").first()
    if busy is None:
        raise SystemExit("No open case of bench-customer-0: the seeding went wrong.")
    busy = with_conversation(busy)
    support_center = Queue.objects.get(name="Bench support_center")
    newest, middle, oldest = (open_reference_near(n, total) for n in (42, total // 2, total - 1))

    print(f"\n{Case.objects.count()} cases on {connection.vendor}\n")
    with http_server() as port:
        bench = Bench(port)
        bench.page("agent: Needs response (the default view)", desk, "/agent/")
        for tab, label in (
            ("mine", "My cases"),
            ("unassigned", "Unassigned"),
            ("customer", "Waiting on customer"),
            ("held", "On hold"),
            ("open", "All open"),
            ("closed", "Closed"),
        ):
            bench.page(f"agent: {label}", desk, f"/agent/cases/?tab={tab}")
        bench.page("agent: All open, 100 a page", desk, "/agent/cases/?tab=open&page_size=100")
        bench.page("agent: All open, page 40", desk, "/agent/cases/?tab=open&page=40")
        bench.page("agent: All open, by priority", desk, "/agent/cases/?tab=open&sort=-priority")
        bench.page(
            "agent: queue + status + priority",
            desk,
            f"/agent/cases/?tab=open&queue={support_center.pk}&status=pending&priority=3",
        )
        bench.page("agent: assignee", desk, f"/agent/cases/?tab=open&assignee={agent.pk}")
        bench.page("agent: requester", desk, f"/agent/cases/?tab=open&requester={customer.pk}")
        for label, reference in (("newest", newest), ("mid", middle), ("oldest", oldest)):
            bench.page(
                f"agent: search a reference, {label} match",
                desk,
                f"/agent/cases/?tab=open&q={reference}",
            )
        regular = User.objects.get(username="bench-customer-777")
        for label, words in header_searches(regular):
            bench.page(f"agent: header search, {label}", desk, f"/agent/search/?{words}")
        bench.page(
            "agent: All open, Search a name (+ where else)",
            desk,
            f"/agent/cases/?tab=open&{urlencode({'q': regular.get_full_name()})}",
        )
        bench.page(
            "agent: requester typed",
            desk,
            f"/agent/cases/?tab=open&{urlencode({'requester': regular.get_full_name()})}",
        )
        bench.page("agent: requester suggestions (typeahead)", desk, "/agent/people/?q=mar")
        bench.page(
            f"agent: case page ({CONVERSATION} messages)", desk, f"/agent/cases/{busy.reference}/"
        )
        bench.page("agent: overview, computed", desk, "/agent/overview/", before=cache.clear)
        bench.page("agent: overview, within its minute", desk, "/agent/overview/")
        bench.page("admin: case list (manager)", manager, "/admin/cases/case/")
        bench.page("customer: portal, My cases", portal, "/portal/")
        bench.page("api: agent's first page (exact count)", desk, "/api/cases/")
        bench.page("api: status filter", desk, "/api/cases/?status=pending")
        for label, reference in (("newest", newest), ("mid", middle), ("oldest", oldest)):
            bench.page(
                f"api: ?search= a reference, {label}", desk, f"/api/cases/?search={reference}"
            )
        bench.page("api: customer's first page", portal, "/api/cases/")
        bench.page("api: case detail", portal, f"/api/cases/{busy.pk}/")
        bench.call(
            "automations: auto-close sweep, nothing due", lambda: auto_close(now=timezone.now())
        )
        bench.call(
            "automations: reminder sweep, nothing due", lambda: send_reminders(now=timezone.now())
        )
        unanswered = Case.objects.filter(
            first_responded_at__isnull=True,
            first_response_breached_at__isnull=True,
            first_response_due_at__lte=timezone.now(),
        ).count()
        bench.call(
            f"automations: breach sweep catching up {unanswered} (dry run)",
            lambda: detect_first_response_breaches(now=timezone.now(), dry_run=True),
        )
    mail_figures()
    sweep_figures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
