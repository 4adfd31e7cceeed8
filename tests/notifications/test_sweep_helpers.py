"""The delivery sweep, finding a backlog (a full batch due), asks once for helpers to drain the
outboxes alongside it (workflows.tasks publishes them; the leases divide the rows: see
test_lease's two workers at once), and asks nothing for what one batch holds."""

import pytest

from notifications.models import AutoSubmitted, Kind, Notification
from notifications.sweep import deliver_due
from tests.timed_cases import T0, new_case


@pytest.fixture
def backlog(queues, customer, monkeypatch, mailoutbox):
    """A case with nothing due yet, and batches of two."""
    monkeypatch.setattr("notifications.sweep.BATCH_SIZE", 2)
    case = new_case(queues["technical_support"], customer)
    Notification.objects.filter(sent_at__isnull=True).delete()
    return case


def _due(case, customer, count):
    for n in range(count):
        Notification.objects.create(
            kind=Kind.REMINDER,
            case=case,
            recipient=customer,
            key=f"helpers:{n}",
            created_at=T0,
            scheduled_for=T0,
            message_id=f"<helpers{n}@example.com>",
            auto_submitted=AutoSubmitted.NO,
        )


def test_a_full_batch_due_asks_for_helpers_once(backlog, customer):
    _due(backlog, customer, 5)
    asked = []

    deliveries = deliver_due(T0, helpers=lambda: asked.append(1))

    assert asked == [1]
    assert len(deliveries) == 5


def test_what_one_batch_holds_asks_for_no_help(backlog, customer):
    _due(backlog, customer, 1)
    asked = []

    deliver_due(T0, helpers=lambda: asked.append(1))

    assert asked == []
