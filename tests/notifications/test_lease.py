"""No network inside a transaction: an outbox row is claimed with a lease in a short transaction,
its email sent outside any transaction, and the outcome written in another; a worker dying in
between leaves the row to be sent again once the lease is over (at least once), and two workers
never send the same row at once."""

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection

from notifications.delivery import deliver_one
from notifications.leases import LEASE
from notifications.models import AutoSubmitted, Kind, Notification
from notifications.sweep import deliver_due
from tests.timed_cases import SECOND, T0, new_case


class WorkerDied(BaseException):
    """What a killed worker looks like to the code after `send`: nothing of it runs."""


def _reminders(case, customer, count):
    # Recorded directly: with real commits, notify() would have the task send them at once.
    return [
        Notification.objects.create(
            kind=Kind.REMINDER,
            case=case,
            recipient=customer,
            key=f"lease:{n}",
            created_at=T0,
            scheduled_for=T0,
            message_id=f"<lease{n}@example.com>",
            auto_submitted=AutoSubmitted.NO,
        )
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_outside_any_transaction(queues, customer, mailoutbox, monkeypatch):
    case = new_case(queues["technical_support"], customer)
    [row] = _reminders(case, customer, 1)
    seen = []
    send = EmailMultiAlternatives.send

    def watched(message, *args, **kwargs):
        seen.append((connection.in_atomic_block, Notification.objects.get(pk=row.pk).leased_until))
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", watched)

    assert deliver_one(row.pk, now=T0).sent

    # Sent with no transaction open, while the row was leased (committed by the claim).
    assert seen == [(False, T0 + LEASE)]
    row.refresh_from_db()
    assert (row.sent_at, row.leased_until, row.attempts) == (T0, None, 1)


def test_a_worker_dying_after_sending_leaves_the_row_to_be_sent_again_after_the_lease(
    queues, customer, mailoutbox, monkeypatch
):
    case = new_case(queues["technical_support"], customer)
    [row] = _reminders(case, customer, 1)
    send = EmailMultiAlternatives.send

    def sent_then_killed(message, *args, **kwargs):
        send(message, *args, **kwargs)
        raise WorkerDied

    monkeypatch.setattr(EmailMultiAlternatives, "send", sent_then_killed)
    with pytest.raises(WorkerDied):
        deliver_one(row.pk, now=T0)
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)

    row.refresh_from_db()
    assert (row.sent_at, row.leased_until, row.attempts) == (None, T0 + LEASE, 1)
    # Nobody sends it while the lease lasts, neither the task nor the sweep...
    assert deliver_one(row.pk, now=T0 + LEASE - SECOND) is None
    assert deliver_due(T0 + LEASE - SECOND) == []
    # ...and after it, it goes again: at least once.
    [delivery] = deliver_due(T0 + LEASE)
    assert delivery.case == case.reference
    row.refresh_from_db()
    assert (row.sent_at, row.leased_until, row.attempts) == (T0 + LEASE, None, 2)
    assert [m.extra_headers["Message-ID"] for m in mailoutbox].count(row.message_id) == 2


def test_a_failed_attempt_ends_its_lease(queues, customer, mailoutbox, monkeypatch):
    case = new_case(queues["technical_support"], customer)
    [row] = _reminders(case, customer, 1)

    def refused(message, *args, **kwargs):
        raise TimeoutError("mail server did not answer")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    outcome = deliver_one(row.pk, now=T0)

    assert outcome.error == "TimeoutError: mail server did not answer"
    row.refresh_from_db()
    assert (row.leased_until, row.emailed_to, row.sent_at) == (None, "", None)
    assert row.next_attempt_at == T0 + timedelta(minutes=1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_row_at_once(queues, customer, mailoutbox, monkeypatch):
    """Two sweeps at once over the same rows, each send slow enough that without the lease both
    would have claimed every row before either finished: each row goes exactly once."""
    case = new_case(queues["technical_support"], customer)
    rows = _reminders(case, customer, 6)
    monkeypatch.setattr("notifications.sweep.BATCH_SIZE", 2)
    send = EmailMultiAlternatives.send

    def slow(message, *args, **kwargs):
        time.sleep(0.1)
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow)
    barrier = threading.Barrier(2)
    deliveries = []

    def worker():
        try:
            barrier.wait(timeout=10)
            deliveries.extend(deliver_due(T0))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    ours = {row.message_id for row in rows}
    sent = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert sorted(id for id in sent if id in ours) == sorted(ours)
    assert len(deliveries) == len(rows)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_lease_outlasts_any_send(settings):
    """A live worker's lease never runs out under it: each SMTP step waits EMAIL_TIMEOUT at most,
    and a message takes a handful of them."""
    assert timedelta(seconds=10 * settings.EMAIL_TIMEOUT) <= LEASE


def test_a_batch_sending_too_long_for_its_lease_gives_back_what_it_has_not_tried(
    queues, customer, mailoutbox, monkeypatch
):
    """A mail server answering at its timeout would let the batch's leases run out while this
    worker still holds rows: past half the lease, the rows not yet tried are given back, untried,
    and the next run sends them."""
    case = new_case(queues["technical_support"], customer)
    rows = _reminders(case, customer, 3)
    clock = iter([0.0, 1.0, LEASE.total_seconds(), LEASE.total_seconds()])
    monkeypatch.setattr("notifications.leases.time", SimpleNamespace(monotonic=lambda: next(clock)))

    deliveries = deliver_due(T0)

    assert len(deliveries) == 1 and len(mailoutbox) == 1
    given_back = Notification.objects.filter(pk__in=[row.pk for row in rows[1:]])
    assert [(r.attempts, r.leased_until, r.sent_at) for r in given_back] == [(0, None, None)] * 2
    monkeypatch.undo()
    assert len(deliver_due(T0)) == 2
    assert len(mailoutbox) == 3
