"""The sweeps claim their cases a batch at a time: every due case is acted on however many
batches it takes, each batch costs the same few queries whatever the backlog, and a case another
scheduler holds is left to it."""

import pytest

from notifications.models import Kind, Notification
from tests.timed_cases import DAY, SECOND, T0, awaiting_confirmation, reload
from workflows import sweeps
from workflows.declarations import AUTO_CLOSE
from workflows.sweeps import auto_close, deliver_due_notifications

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
