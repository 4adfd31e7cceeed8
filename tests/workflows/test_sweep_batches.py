"""The sweeps claim their cases a batch at a time: every due case is acted on however many
batches it takes, each batch costs the same few queries whatever the backlog, and a case another
scheduler holds is left to it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Queue
from notifications.models import Kind, Notification
from tests.timed_cases import DAY, HOUR, SECOND, T0, awaiting_confirmation, reload
from workflows import sweeps
from workflows.declarations import AUTO_CLOSE
from workflows.sweeps import auto_close, deliver_due_notifications, send_reminders

CLOSES_AT = T0 + 14 * DAY


@pytest.fixture
def closing(queues, customer, agent):
    return [
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0 + (n % 3) * SECOND)
        for n in range(7)
    ]


def test_every_due_case_is_closed_across_batches(closing, monkeypatch):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 2)

    actions = auto_close(now=CLOSES_AT + 3 * SECOND)

    # Oldest first, ties by id, each once.
    expected = sorted(closing, key=lambda case: (case.status_changed_at, case.pk))
    assert [a.case for a in actions] == [case.reference for case in expected]
    assert {reload(case).status for case in closing} == {"closed"}
    assert all(a.action == AUTO_CLOSE for a in actions)


def test_the_closure_notices_are_delivered_across_batches(closing, monkeypatch, mailoutbox):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 3)
    monkeypatch.setattr("notifications.sweep.BATCH_SIZE", 2)
    auto_close(now=CLOSES_AT + 3 * SECOND)
    unsent = set(Notification.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    sent_at = CLOSES_AT + 3 * SECOND + 2 * DAY

    deliveries = deliver_due_notifications(now=sent_at)

    # Each due row once: the closures and what the cases' earlier steps left unsent.
    assert len(deliveries) == len(unsent) == 2 * len(closing)
    assert [d.detail for d in deliveries].count("closure to alice") == len(closing)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    sent = [m.extra_headers["Message-ID"] for m in mailoutbox]
    rows = Notification.objects.filter(
        pk__in=unsent, kind__in=[Kind.CLOSURE, Kind.AWAITING_CONFIRMATION]
    )
    assert sorted(sent) == sorted(rows.values_list("message_id", flat=True))


def test_a_batch_costs_the_same_queries_whatever_the_backlog(
    queues, customer, agent, django_assert_max_num_queries
):
    """Twice the cases, twice the work per case, but no query that grows with the backlog: the
    per-batch overhead (claiming, clearing failures) stays a handful."""
    few = [awaiting_confirmation(queues["support_center"], customer, agent, at=T0)]
    with django_assert_max_num_queries(40) as first:
        auto_close(now=CLOSES_AT)
    per_case = len(first.captured_queries)
    for _ in range(4):
        few.append(awaiting_confirmation(queues["support_center"], customer, agent, at=T0 + DAY))
    with django_assert_max_num_queries(40 * 5) as more:
        auto_close(now=CLOSES_AT + DAY)
    assert len(more.captured_queries) <= 4 * per_case


def test_a_batch_of_auto_closes_writes_once_whatever_its_size(queues, customer, agent):
    """The door's batch mode (`batched`): the cases' UPDATE, their history rows and their
    notifications go out once for the batch, so one case and five cost the same queries."""
    awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    with CaptureQueriesContext(connection) as one:
        auto_close(now=CLOSES_AT)
    for _ in range(5):
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0 + DAY)
    with CaptureQueriesContext(connection) as five:
        actions = auto_close(now=CLOSES_AT + DAY)

    assert len(actions) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_batch_of_auto_closes_writes_what_one_at_a_time_writes(closing):
    auto_close(now=CLOSES_AT + 3 * SECOND)

    for case in closing:
        case = reload(case)
        entry = case.history.order_by("-id").first()
        assert (case.status, case.closed_at) == ("closed", CLOSES_AT + 3 * SECOND)
        assert case.status_changed_at == CLOSES_AT + 3 * SECOND
        assert (entry.transition, entry.source, entry.target, entry.actor) == (
            AUTO_CLOSE,
            "awaiting_customer_confirmation",
            "closed",
            None,
        )
        assert Notification.objects.filter(case=case, kind=Kind.CLOSURE).count() == 1


def test_a_timer_sweep_with_nothing_due_asks_two_queries_however_many_queues(
    queues, customer, agent, django_assert_num_queries
):
    """The idle pass: the queues, then one EXISTS over every queue's timers, rather than a claim
    per queue and timer."""
    awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    for n in range(3):
        Queue.objects.create(name=f"More support {n}", workflow="support_center")

    with django_assert_num_queries(2):
        assert auto_close(now=T0 + DAY) == []
    with django_assert_num_queries(2):
        assert send_reminders(now=T0 + HOUR) == []
