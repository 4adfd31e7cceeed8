"""Mail in, timed on the bench's cases: replies stored and handled per second in one process (the
pipe's way in), a thousand waiting messages polled from a real IMAP server (pymap, the tests'
dev dependency), and the memory a 25 MB message takes on each way in (tracemalloc's peak: the
Python heap, what would grow with the message).

What the ingest figure includes is what a worker that ingests does in production: each reply (a
customer answering the email that acknowledged their case, as a mail client writes it) stored,
handled in its transaction, the notification it causes written (each bench case has an
assignee, whom the reply notifies), and the delivery task published to a broker: kombu's
in-process `memory://`, a publish without the network, made on the process's publishing thread
as with Redis (notifications.tasks), the clock stopped once every task is in the broker. The
delivery is a task of its own, possibly on another worker, so it is not in the figure (nor in
the IMAP poll's); a second line delivers inline (Celery eager: each email rendered and handed to
the dummy backend), for reference.

Called by `python -m bench` after the pages; figures, not assertions. Every reply is a new
message (a fresh Message-ID), so each run adds its comments to the bench's cases.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db.models import Count
from django.test import override_settings
from imap_tools import MailBoxUnencrypted
from kombu.transport import memory

from cases.models import Case, InboundMessage, Mailbox, Queue, User
from cases.models.mail import Security, Via
from helpdesk.celery import app as celery_app
from notifications.mail_names import case_thread_root
from notifications.models import Kind, Notification
from services.cases import case_create
from services.inbound import inbound_handle, inbound_store
from services.mailboxes import mailbox_poll
from tests.mail import corpus
from workflows.metadata import closed_cases

REPLIES = 300
WARM = 2  # replies ingested before the clock starts
CASES = 50  # the replies go to these cases in turn
MAIL_CASE = "Bench mail case"
QUEUE_ADDRESS = "bench-support@helpdesk.example"
WAITING = 1000
LARGE = 24 * 1024 * 1024  # just under the 25 MiB limit: read in full, not refused
IMAP_USER, IMAP_PASSWORD = "demouser", "demopass"  # pymap's demo account
PASSWORD_VARIABLE = "HELPDESK_BENCH_MAILBOX_PASSWORD"
SHAPES = (corpus.gmail_reply, corpus.outlook_reply, corpus.apple_mail_reply)


def mail_cases() -> list[Case]:
    """Open cases of bench customers in a queue that receives mail (made once, then reused),
    each assigned to a bench agent, whom a reply by email notifies: the seeded cases'
    references are the bench's own, which no mail client would quote."""
    queue = Queue.objects.get(name="Bench technical_support")
    if not queue.email_address:
        queue.email_address = QUEUE_ADDRESS
        queue.save(update_fields=["email_address"])
    customers = User.objects.filter(username__startswith="bench-customer-").order_by("pk")
    cases = list(
        Case.objects.filter(queue=queue, subject__startswith=MAIL_CASE)
        .exclude(closed_cases())
        .select_related("requester")[:CASES]
    )
    for customer in customers[len(cases) : CASES]:
        cases.append(
            case_create(
                actor=customer,
                queue=queue,
                subject=f"{MAIL_CASE} of {customer.get_full_name()}",
                description="The printer stops after every page.",
            )
        )
    agent = User.objects.get(username="bench-agent-0")
    unassigned = [case for case in cases if case.assignee_id is None]
    Case.objects.filter(pk__in=[case.pk for case in unassigned]).update(assignee=agent)
    for case in unassigned:
        case.assignee = agent
    return cases


def replies(cases: list[Case], count: int) -> list[bytes]:
    """Replies as customers' mail clients write them (Gmail, Outlook, Apple Mail, in turn), each
    from a case's requester answering the helpdesk's email about it (the acknowledgement of the
    case): that email's Message-ID in `In-Reply-To`, the thread in `References`, the reference
    in the subject, the earlier message quoted."""
    answered = dict(
        Notification.objects.filter(case__in=cases, kind=Kind.CASE_CREATED).values_list(
            "case_id", "message_id"
        )
    )
    return [
        SHAPES[n % len(SHAPES)](
            sender=f"{case.requester.get_full_name()} <{case.requester.email}>",
            to=QUEUE_ADDRESS,
            subject=f"Re: [{case.reference}] Your case was answered",
            words=f"Reply {n}: it happened again this morning, see the log below.",
            in_reply_to=answered[case.pk],
            references=[case_thread_root(str(case.reference)), answered[case.pk]],
        )
        for n, case in ((n, cases[n % len(cases)]) for n in range(count))
    ]


def line(label: str, figure: str) -> None:
    print(f"{label:<58} {figure:>23}", flush=True)


def outcomes(since: int) -> str:
    counts = (
        InboundMessage.objects.filter(pk__gt=since)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by("outcome")
    )
    return ", ".join(f"{n} {outcome}" for outcome, n in counts)


def last_message_pk() -> int:
    return InboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def peak_megabytes(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@contextmanager
def imap_server() -> Iterator[tuple[str, int]]:
    """pymap on a free loopback port (in memory), stopped afterwards."""
    executable = shutil.which("pymap", path=str(Path(sys.executable).parent))
    if executable is None:
        raise SystemExit("pymap is not installed (a dev dependency: make install).")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [executable, "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"]
    process = subprocess.Popen(
        [*command, "--demo-data"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("pymap did not start.") from None
                time.sleep(0.05)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_mailbox(host: str, port: int, folder: str, queue: Queue) -> Mailbox:
    os.environ[PASSWORD_VARIABLE] = IMAP_PASSWORD
    mailbox, _created = Mailbox.objects.update_or_create(
        address=QUEUE_ADDRESS,
        defaults={
            "queue": queue,
            "host": host,
            "port": port,
            "security": Security.NONE,
            "username": IMAP_USER,
            "password_variable": PASSWORD_VARIABLE,
            "folder": folder,
            "processed_folder": f"{folder}-processed",
            "active": True,
            "uid_validity": None,
            "last_uid": 0,
        },
    )
    return mailbox


def deliver(host: str, port: int, folder: str, messages: list[bytes]) -> None:
    with MailBoxUnencrypted(host, port) as box:
        box.login(IMAP_USER, IMAP_PASSWORD, initial_folder=None)
        if not box.folder.exists(folder):
            box.folder.create(folder)
        for raw in messages:
            box.append(raw, folder, flag_set=())


def poll_until_empty(mailbox: Mailbox) -> int:
    read = 0
    while True:
        result = mailbox_poll(mailbox_id=mailbox.pk)
        if result.error:
            raise SystemExit(f"The bench mailbox failed: {result.error}")
        if not result.read:
            return read
        read += result.read


@contextmanager
def delivery_queued() -> Iterator[None]:
    """Within the block, a commit's notifications are published to the in-process broker (as a
    worker publishes them to Redis), not delivered inline; what was published is dropped after."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.update(task_always_eager=False, broker_url="memory://localhost/")
    try:
        yield
    finally:
        conf.update(task_always_eager=saved[0], broker_url=saved[1])
        memory.Channel.queues.clear()


def published() -> int:
    """The delivery tasks waiting in the in-process broker."""
    waiting = memory.Channel.queues.get(celery_app.conf.task_default_queue)
    return waiting.qsize() if waiting is not None else 0


def notifications_since(pk: int) -> int:
    return Notification.objects.filter(pk__gt=pk).count()


def last_notification_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def ingest_rate(messages: list[bytes], *, expect_published: bool) -> tuple[float, int, int]:
    """Messages per second for ingesting `messages` one after another; with the notifications
    they recorded and, when publishing, the clock stopped only once every delivery task of
    theirs is in the broker (the publishing thread has caught up): (rate, notifications,
    tasks published)."""
    notified = last_notification_pk()
    before = published()
    started = time.perf_counter()
    for raw in messages:
        ingest(raw)
    recorded = notifications_since(notified)
    deadline = time.monotonic() + 10
    while expect_published and published() - before < recorded and time.monotonic() < deadline:
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    return len(messages) / elapsed, recorded, published() - before


def ingest(raw: bytes) -> None:
    message, _created = inbound_store(raw=raw, via=Via.PIPE)
    inbound_handle(message_id=message.pk)


def ingest_file(path: Path) -> None:
    with path.open("rb") as stream:
        message, _created = inbound_store(raw=stream, via=Via.PIPE)
    inbound_handle(message_id=message.pk)


def mail_figures() -> None:
    """Prints the mail figures (the emails the inline deliveries send are rendered, then
    dropped)."""
    print(f"\n{'mail in':<58} {'figure':>23}")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        cases = mail_cases()
        with delivery_queued():
            messages = replies(cases, WARM + REPLIES)
            # Warm: the connection, the broker, the publishing thread.
            ingest_rate(messages[:WARM], expect_published=True)
            since = last_message_pk()
            rate, recorded, sent = ingest_rate(messages[WARM:], expect_published=True)
            line(
                f"ingest: {REPLIES} replies, store + handle + publish, one process",
                f"{rate:.0f} messages/s",
            )
            line("  notifications recorded, delivery tasks published", f"{recorded}, {sent}")
            line("  what they became", outcomes(since))
        messages = replies(cases, WARM + REPLIES)
        ingest_rate(messages[:WARM], expect_published=False)  # warm: the templates
        since = last_message_pk()
        rate, _recorded, _sent = ingest_rate(messages[WARM:], expect_published=False)
        line(
            f"ingest, reference: {REPLIES} replies, delivery inline (eager)",
            f"{rate:.0f} messages/s",
        )
        line("  what they became", outcomes(since))

        with (
            delivery_queued(),
            tempfile.TemporaryDirectory() as folder,
            imap_server() as (host, port),
        ):
            box = f"bench-{uuid.uuid4().hex[:8]}"
            mailbox = bench_mailbox(host, port, box, cases[0].queue)
            deliver(host, port, box, replies(cases, WAITING))
            since = last_message_pk()
            started = time.perf_counter()
            read = poll_until_empty(mailbox)
            elapsed = time.perf_counter() - started
            line(
                f"imap: poll {read} waiting messages (store, move, handle, publish)",
                f"{elapsed:.1f} s",
            )
            line("  what they became", outcomes(since))

            # A reply with a large log attached, once by the pipe and once by IMAP (a message
            # of its own each time: the same one twice would be stored once).
            fields = {
                "sender": cases[0].requester.email,
                "to": QUEUE_ADDRESS,
                "subject": f"Re: [{cases[0].reference}] Your case was answered",
            }
            pipe, imap = Path(folder) / "pipe.eml", Path(folder) / "imap.eml"
            for path in (pipe, imap):
                with path.open("wb") as stream:
                    corpus.write_large_message(stream, size=LARGE, **fields)
            megabytes = pipe.stat().st_size / 2**20
            deliver(host, port, box, [imap.read_bytes()])
            for way, action in (
                ("the pipe", lambda: ingest_file(pipe)),
                ("IMAP", lambda: poll_until_empty(mailbox)),
            ):
                since = last_message_pk()
                peak = peak_megabytes(action)
                line(
                    f"memory: a {megabytes:.0f} MB reply by {way}, tracemalloc peak",
                    f"{peak:.1f} MB ({outcomes(since)})",
                )
            # The server is gone after the bench: the beat must not poll it.
            Mailbox.objects.filter(pk=mailbox.pk).update(active=False)
