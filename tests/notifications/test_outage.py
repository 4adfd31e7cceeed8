"""With the broker down, refusing connections or hanging, people's changes still go through at
once and nothing is lost: the outbox keeps the notification and the next delivery sweep sends
it."""

import logging
import os
import socket
import threading
import time

import pytest
from django.utils import timezone

from helpdesk.celery import app as celery_app
from notifications import tasks
from notifications.models import Kind, Notification
from services.conversation import comment_post
from tests.timed_cases import new_case, reload
from workflows.sweeps import deliver_due_notifications
from workflows.transitions import perform_transition

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
# What the settings give a redis:// broker (CELERY_BROKER_TRANSPORT_OPTIONS): a publish to a
# broker that never answers waits for the socket timeout.
REDIS_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10, "max_retries": 0}


def _drop_connection_pools():
    """Celery keeps a connection pool per app, made from the broker URL on first use; drop it
    so the next publish connects to the URL now configured (as Celery does after a fork)."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _publish_to(url: str):
    """Tasks are really published (not run in-process), to the broker at `url`."""
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.update(broker_url=url, broker_transport_options=REDIS_TRANSPORT_OPTIONS)
    celery_app.conf.task_always_eager = False
    _drop_connection_pools()
    return saved


def _restore(saved) -> None:
    broker_url, broker_transport_options = saved
    celery_app.conf.update(broker_url=broker_url, broker_transport_options=broker_transport_options)
    _drop_connection_pools()


class Publishes(logging.Handler):
    """The background publisher seen from a test: how many publishes were handed to it, and the
    warnings of those it gave up (with the broker down, every one)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.handed = 0
        self.given_up: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Broker unreachable"):
            self.given_up.append(record.getMessage())

    def over(self, within: float) -> bool:
        """Whether every publish handed over is over within `within` seconds."""
        deadline = time.monotonic() + within
        while len(self.given_up) < self.handed:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


@pytest.fixture
def publishes(monkeypatch):
    seen = Publishes()
    submit = tasks.Publisher.submit

    def counted(publisher, keys):
        seen.handed += 1
        return submit(publisher, keys)

    monkeypatch.setattr(tasks.Publisher, "submit", counted)
    logger = logging.getLogger(tasks.__name__)
    logger.addHandler(seen)
    yield seen
    logger.removeHandler(seen)


@pytest.fixture
def broker_down(publishes):
    """A broker that is not there: nothing listens, the connection is refused."""
    saved = _publish_to(UNREACHABLE)
    yield
    # Every publish is over before the connection pools are dropped under it.
    assert publishes.over(within=5)
    _restore(saved)


@pytest.fixture
def broker_hangs(publishes):
    """A broker that accepts connections and never answers, like a Redis host that hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:  # the listener is shut down: the test is over
                return

    threading.Thread(target=accept, daemon=True).start()
    saved = _publish_to(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    yield
    # Hanging up fails the publishes still waiting for an answer at once (a new connection is
    # refused), rather than after the socket timeout.
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    for connection in held:
        connection.close()
    assert publishes.over(within=5)
    _restore(saved)


def test_a_transition_with_a_notification_succeeds_at_once_with_the_broker_down(
    broker_down, publishes, queues, customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    case = new_case(queues["support_center"], customer)
    perform_transition(case_id=case.pk, name="start_progress", actor=agent)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(case_id=case.pk, name="provide_answer", actor=agent, note="Reboot it.")
    elapsed = time.monotonic() - started

    row = Notification.objects.get(case=case, kind=Kind.AWAITING_CONFIRMATION)
    assert reload(case).status == "awaiting_customer_confirmation"
    assert elapsed < 1.5, f"the request waited {elapsed:.2f}s on the broker"
    assert (row.sent_at, mailoutbox) == (None, [])
    assert publishes.over(within=5)
    [given_up] = publishes.given_up
    assert given_up.startswith("Broker unreachable; 1 notification(s) wait for the sweep")


def test_changes_that_notify_return_at_once_with_the_broker_hanging(
    broker_hangs, queues, customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    case = new_case(queues["technical_support"], customer)

    started = time.monotonic()
    for body in ("Please send the logs.", "And the version, please."):
        with django_capture_on_commit_callbacks(execute=True):
            comment_post(case_id=case.pk, actor=agent, body=body)
    elapsed = time.monotonic() - started

    rows = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)
    assert elapsed < 2, f"the requests waited {elapsed:.2f}s on the broker"
    assert ([row.sent_at for row in rows], mailoutbox) == ([None, None], [])


def test_the_sweep_delivers_what_a_hanging_broker_held_back(
    broker_hangs, queues, customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    case = new_case(queues["technical_support"], customer)
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(case_id=case.pk, actor=agent, body="Please send the logs.")

    now = timezone.now()
    deliver_due_notifications(now=now)

    assert Notification.objects.get(case=case, kind=Kind.PUBLIC_REPLY).sent_at == now
    assert [m.to for m in mailoutbox] == [[customer.email]]


def test_the_next_sweep_delivers_what_the_broker_outage_held_back(
    broker_down, queues, customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    case = new_case(queues["technical_support"], customer)
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(case_id=case.pk, actor=agent, body="Please send the logs.")
    assert mailoutbox == []

    now = timezone.now()
    deliver_due_notifications(now=now)

    row = Notification.objects.get(case=case, kind=Kind.PUBLIC_REPLY)
    assert row.sent_at == now
    assert [(m.to, "Please send the logs." in m.body) for m in mailoutbox] == [
        ([customer.email], True)
    ]


def test_a_backed_up_publisher_refuses_what_exceeds_its_backlog_at_once(monkeypatch):
    """While a publish hangs, the backlog fills; what does not fit is refused without waiting
    (the sweep delivers it) instead of piling up without end."""
    started, release = threading.Event(), threading.Event()
    published = []

    def hanging_publish(keys):
        started.set()
        release.wait(5)
        published.append(keys)

    monkeypatch.setattr(tasks, "_publish", hanging_publish)
    publisher = tasks.Publisher(backlog=1)

    handed = [publisher.submit(["first"])]
    assert started.wait(5)
    handed += [publisher.submit(["second"]), publisher.submit(["third"])]
    release.set()
    deadline = time.monotonic() + 5
    while len(published) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)

    assert (handed, published) == ([True, True, False], [["first"], ["second"]])


def test_enqueue_leaves_to_the_sweep_what_a_backed_up_publisher_refuses(
    monkeypatch, caplog, queues, customer
):
    monkeypatch.setattr(tasks.Publisher, "submit", lambda publisher, keys: False)
    celery_app.conf.task_always_eager = False  # (put back by the conftest's fixture)

    with caplog.at_level(logging.WARNING):
        tasks.enqueue(["reminder:1:2:entry"])

    assert "backed up; 1 notification(s) wait for the sweep" in caplog.text


def test_a_forked_worker_process_publishes_on_a_thread_of_its_own(monkeypatch):
    """Web and Celery workers are forked from a parent that may have published already: the
    child inherits the publisher but not its thread, and must start one of its own."""
    read, write = os.pipe()
    monkeypatch.setattr(tasks, "_publish", lambda keys: os.write(write, keys[0].encode()))
    tasks._publisher.submit(["parent;"])
    child = os.fork()
    if child == 0:  # the child publishes, then leaves without running pytest's teardown
        try:
            tasks._publisher.submit(["child;"])
            time.sleep(1)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    os.close(write)
    with os.fdopen(read) as published:
        assert sorted(published.read().split(";")) == ["", "child", "parent"]
