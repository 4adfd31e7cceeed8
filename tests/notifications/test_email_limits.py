"""Where and how often email goes: never to an address marked undeliverable (the notification
stays in the app and says why), and at most AUTOMATIC_EMAILS_PER_HOUR automatic emails an hour
to one address: the rest are held back, recorded, and sent when the hour allows."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from notifications import mail_limits
from notifications.delivery import deliver_one
from notifications.models import AutoSubmitted, Kind, MailNotice, Notification
from notifications.outbox import notify
from notifications.selectors import notifications_for
from notifications.sweep import deliver_due
from notifications.tasks import deliver_notifications
from services.conversation import comment_post
from tests.notifications.sent_mail import received
from tests.timed_cases import HOUR, T0, new_case
from workflows.sweeps import deliver_due_notifications

MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _ten_an_hour(settings):
    settings.AUTOMATIC_EMAILS_PER_HOUR = 10


def reminder(case, n, *, at=T0):
    """The `n`th reminder about `case`: a timer's email, one cause each."""
    [key] = notify(
        Kind.REMINDER, case=case, now=at, status_label="New", sub_status_label="", occasion=str(n)
    )
    return Notification.objects.get(key=key)


# --- undeliverable -----------------------------------------------------------------------------


def test_nothing_is_emailed_to_an_undeliverable_address(queues, customer, agent, mailoutbox):
    customer.email_undeliverable_since = T0
    customer.email_undeliverable_reason = "550 5.1.1 No such user"
    customer.save()
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)

    outcome = deliver_one(row.pk, now=T0 + HOUR)

    assert mailoutbox == []
    row.refresh_from_db()
    assert not outcome.sent and not outcome.error
    assert row.email_withheld == (
        "Not sent: the address is marked undeliverable: 550 5.1.1 No such user"
    )
    assert (row.emailed_to, row.attempts) == ("", 0)
    assert row in notifications_for(customer, now=T0 + HOUR)


def test_a_withheld_email_is_not_tried_again(queues, customer, agent, mailoutbox):
    customer.email_undeliverable_since = T0
    customer.save()
    case = new_case(queues["technical_support"], customer)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)
    deliver_one(row.pk, now=T0 + HOUR)
    customer.email_undeliverable_since = None
    customer.save()

    assert deliver_due(T0 + 2 * HOUR) == []
    assert mailoutbox == []


# --- the hourly limit --------------------------------------------------------------------------


def test_the_eleventh_automatic_email_in_an_hour_is_held_back_and_sent_after(
    queues, customer, mailoutbox
):
    case = new_case(queues["technical_support"], customer)
    rows = [reminder(case, n) for n in range(11)]
    for n, row in enumerate(rows[:10]):
        assert deliver_one(row.pk, now=T0 + n * MINUTE).sent

    outcome = deliver_one(rows[10].pk, now=T0 + 10 * MINUTE)

    assert len(mailoutbox) == 10
    held = rows[10]
    held.refresh_from_db()
    assert outcome.held_back_until == T0 + HOUR
    assert (held.sent_at, held.attempts, held.last_error) == (None, 0, "")
    assert held.next_attempt_at == T0 + HOUR
    assert held.held_back.startswith("Held back: at most 10 automatic emails an hour")

    assert deliver_due(T0 + HOUR - MINUTE) == []
    [delivery] = deliver_due(T0 + HOUR)

    assert len(mailoutbox) == 11
    held.refresh_from_db()
    assert held.sent_at == T0 + HOUR
    assert delivery.error == "" and delivery.not_sent == ""


def test_the_sweep_says_what_the_limit_held_back(queues, customer):
    case = new_case(queues["technical_support"], customer)
    rows = [reminder(case, n) for n in range(11)]
    for row in rows[:10]:
        deliver_one(row.pk, now=T0)

    [action] = deliver_due_notifications(now=T0 + MINUTE)

    assert "held back until" in action.detail and "hourly limit" in action.detail


def test_the_delivery_task_does_not_retry_what_the_limit_held_back(
    queues, customer, mailoutbox, monkeypatch
):
    case = new_case(queues["technical_support"], customer)
    rows = [reminder(case, n) for n in range(11)]
    for row in rows[:10]:
        deliver_one(row.pk, now=T0)
    monkeypatch.setattr("django.utils.timezone.now", lambda: T0 + MINUTE)

    result = deliver_notifications.apply(args=([rows[10].key],))

    assert result.successful()
    assert len(mailoutbox) == 10


def test_emails_people_caused_are_never_held_back(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    for n in range(12):
        comment_post(case_id=case.pk, actor=agent, body=f"Reply {n}.", now=T0 + n * MINUTE)
    for row in Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY):
        deliver_one(row.pk, now=T0 + 12 * MINUTE)

    assert len(mailoutbox) == 12


def test_the_limit_is_per_address(queues, customer, colleague, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    for n in range(10):
        deliver_one(reminder(case, n).pk, now=T0)
    other = new_case(queues["technical_support"], colleague)

    assert deliver_one(reminder(other, 0).pk, now=T0).sent
    assert [m.to for m in mailoutbox].count([colleague.email]) == 1


def test_the_hour_slides(queues, customer, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    for n in range(10):
        deliver_one(reminder(case, n).pk, now=T0 + n * MINUTE)

    # An hour after the first, it no longer counts: one more may go, and the next waits for
    # the second to be an hour old.
    assert deliver_one(reminder(case, 10).pk, now=T0 + HOUR).sent
    outcome = deliver_one(reminder(case, 11).pk, now=T0 + HOUR)
    assert outcome.held_back_until == T0 + HOUR + MINUTE


def test_notices_and_notifications_count_together(queues, customer, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    inbound = received(sender=customer.email)
    for n in range(10):
        MailNotice.objects.create(
            kind="held",
            address=customer.email,
            inbound=inbound,
            key=f"notice:test:{n}",
            message_id=f"<n{n}@example.com>",
            created_at=T0,
            sent_at=T0 + n * MINUTE,
        )

    outcome = deliver_one(reminder(case, 0).pk, now=T0 + 10 * MINUTE)

    assert outcome.held_back_until == T0 + HOUR
    assert mailoutbox == []


def test_the_address_is_compared_without_regard_to_case(queues, customer, mailoutbox):
    case = new_case(queues["technical_support"], customer)
    for n in range(10):
        deliver_one(reminder(case, n).pk, now=T0)
    customer.email = customer.email.upper()
    customer.save()

    assert deliver_one(reminder(case, 10).pk, now=T0).held_back_until is not None


# --- two workers at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_both_send_the_last_automatic_email_of_the_hour(
    settings, queues, customer, mailoutbox, monkeypatch
):
    """Each worker claims its own row; the address's advisory lock makes the second one count
    after the first has committed its email. Counting is slowed down so that, without the lock,
    both would count before either sent."""
    settings.AUTOMATIC_EMAILS_PER_HOUR = 1
    counted = mail_limits._sent_within_the_hour

    def slow_count(addresses, now):
        counts = counted(addresses, now)
        time.sleep(0.3)
        return counts

    monkeypatch.setattr(mail_limits, "_sent_within_the_hour", slow_count)
    case = new_case(queues["technical_support"], customer)
    # Recorded directly: with real commits, notify() would have the task send them at once.
    rows = [
        Notification.objects.create(
            kind=Kind.REMINDER,
            case=case,
            recipient=customer,
            key=f"race:{n}",
            created_at=T0,
            scheduled_for=T0,
            message_id=f"<race{n}@example.com>",
            auto_submitted=AutoSubmitted.AUTO_GENERATED,
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(row):
        try:
            barrier.wait()
            outcomes.append(deliver_one(row.pk, now=T0))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcome.sent for outcome in outcomes) == [False, True]
    assert [m.subject for m in mailoutbox].count(f"[{case.reference}] {Kind.REMINDER.label}") == 1
