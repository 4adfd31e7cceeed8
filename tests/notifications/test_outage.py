"""With the broker down, people's changes still go through at once and nothing is lost: the
outbox keeps the notification and the next delivery sweep sends it."""

import logging
import time

import pytest
from django.utils import timezone

from helpdesk.celery import app as celery_app
from notifications.models import Kind, Notification
from services.conversation import comment_post
from tests.timed_cases import new_case, reload
from workflows.automations import deliver_due_notifications
from workflows.services import perform_transition

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _drop_connection_pools():
    """Celery keeps a connection pool per app, made from the broker URL on first use; drop it
    so the next publish connects to the URL now configured (as Celery does after a fork)."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks are really published (not run in-process), to a broker that is not there."""
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = UNREACHABLE
    celery_app.conf.task_always_eager = False
    _drop_connection_pools()
    yield
    celery_app.conf.broker_url = saved
    _drop_connection_pools()


def test_a_transition_with_a_notification_succeeds_at_once_with_the_broker_down(
    broker_down, queues, customer, agent, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    case = new_case(queues["support_center"], customer)
    perform_transition(case_id=case.pk, name="start_progress", actor=agent)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        perform_transition(case_id=case.pk, name="provide_answer", actor=agent, note="Reboot it.")
    elapsed = time.monotonic() - started

    row = Notification.objects.get(case=case, kind=Kind.AWAITING_CONFIRMATION)
    assert reload(case).status == "awaiting_customer_confirmation"
    assert elapsed < 1.5, f"the request waited {elapsed:.2f}s on the broker"
    assert (row.sent_at, mailoutbox) == (None, [])
    assert "Broker unreachable" in caplog.text


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
