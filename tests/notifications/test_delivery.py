"""Delivery of the outbox: at once after the commit, or by the sweep; retried with backoff when
the mail server fails; and the in-app list of each user."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from notifications import delivery
from notifications.delivery import MAX_ATTEMPTS, retry_delay
from notifications.models import Kind, Notification
from notifications.outbox import notify
from notifications.selectors import notifications_for
from notifications.tasks import deliver_notifications
from services.cases import case_delete
from services.conversation import comment_post
from tests.timed_cases import DAY, HOUR, SECOND, T0, awaiting_confirmation, new_case
from workflows.sweeps import deliver_due_notifications
from workflows.transitions import perform_transition


@pytest.fixture
def failing_mail(monkeypatch):
    """The mail server refuses everything until `failing_mail.fixed = True`."""

    class Switch:
        fixed = False

    original = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if not Switch.fixed:
            raise ConnectionRefusedError("mail server down")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return Switch


def _reminder(case, at):
    [key] = notify(Kind.REMINDER, case=case, now=at, status_label="New", sub_status_label="")
    return Notification.objects.get(key=key)


def test_a_notification_is_delivered_right_after_its_cause_commits(
    queues, customer, agent, mailoutbox, django_capture_on_commit_callbacks
):
    case = new_case(queues["technical_support"], customer)

    with django_capture_on_commit_callbacks(execute=True):
        comment_post(case_id=case.pk, actor=agent, body="We are on it.")

    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)
    assert row.sent_at is not None
    assert [m.to for m in mailoutbox] == [[customer.email]]


def test_nothing_is_enqueued_before_the_commit(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer)

    comment_post(case_id=case.pk, actor=agent, body="We are on it.")

    reply = Notification.objects.get(case=case, kind=Kind.PUBLIC_REPLY)
    assert (reply.sent_at, mailoutbox) == (None, [])


def test_a_closure_notification_waits_its_day(queues, customer, agent, mailoutbox):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    perform_transition(case_id=case.pk, name="close", actor=agent, note="Solved.", now=T0 + HOUR)
    closure = Notification.objects.get(case=case, kind=Kind.CLOSURE)

    early = deliver_due_notifications(now=T0 + HOUR + DAY - SECOND)
    on_time = deliver_due_notifications(now=T0 + HOUR + DAY)

    assert "closure" not in " ".join(map(str, early))
    assert str(on_time[-1]) == f"deliver {case.reference} (closure to {customer.username})"
    closure.refresh_from_db()
    assert closure.sent_at == T0 + HOUR + DAY


def test_a_customer_who_confirms_still_gets_the_closure_notification_a_day_later(
    queues, customer, agent
):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)

    perform_transition(case_id=case.pk, name="confirm", actor=customer, now=T0 + HOUR)

    closure = Notification.objects.get(case=case, kind=Kind.CLOSURE)
    assert (closure.recipient, closure.scheduled_for) == (customer, T0 + HOUR + DAY)


def test_nobody_is_notified_of_their_own_public_reply(queues, customer, agent):
    case = new_case(queues["technical_support"], customer)

    comment_post(case_id=case.pk, actor=customer, body="Any news?")

    assert not Notification.objects.filter(
        case=case, recipient=customer, kind=Kind.PUBLIC_REPLY
    ).exists()


def test_a_failed_attempt_is_recorded_and_backs_off(queues, customer, failing_mail, mailoutbox):
    row = _reminder(new_case(queues["technical_support"], customer, at=T0), T0)

    [action] = deliver_due_notifications(now=T0)

    row.refresh_from_db()
    assert (row.sent_at, row.attempts, row.next_attempt_at) == (None, 1, T0 + timedelta(minutes=1))
    assert row.last_error == "ConnectionRefusedError: mail server down"
    assert "failed: ConnectionRefusedError" in str(action)


def test_the_sweep_retries_once_the_backoff_is_over(queues, customer, failing_mail, mailoutbox):
    row = _reminder(new_case(queues["technical_support"], customer, at=T0), T0)
    deliver_due_notifications(now=T0)
    failing_mail.fixed = True

    during_backoff = deliver_due_notifications(now=T0 + timedelta(seconds=59))
    after_backoff = deliver_due_notifications(now=T0 + timedelta(minutes=1))

    row.refresh_from_db()
    assert (during_backoff, len(after_backoff)) == ([], 1)
    assert (row.sent_at, row.attempts, row.last_error, row.next_attempt_at) == (
        T0 + timedelta(minutes=1),
        2,
        "",
        None,
    )
    assert len(mailoutbox) == 1


def test_backoff_doubles_up_to_a_ceiling():
    delays = [retry_delay(attempts) for attempts in range(1, 12)]

    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(delays) == delivery.LONGEST_RETRY_AFTER == delays[-1]


def test_delivery_gives_up_after_the_last_attempt(queues, customer, failing_mail):
    row = _reminder(new_case(queues["technical_support"], customer, at=T0), T0)
    now = T0
    for _ in range(MAX_ATTEMPTS):
        deliver_due_notifications(now=now)
        row.refresh_from_db()
        now = row.next_attempt_at

    assert deliver_due_notifications(now=now + timedelta(days=30)) == []
    row.refresh_from_db()
    assert (row.attempts, row.sent_at) == (MAX_ATTEMPTS, None)


def test_the_delivery_task_retries_with_backoff(queues, customer, failing_mail, monkeypatch):
    row = _reminder(new_case(queues["technical_support"], customer), timezone.now())
    retried = {}

    def retry(**kwargs):
        retried.update(kwargs)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(deliver_notifications, "retry", retry)

    with pytest.raises(RuntimeError, match="retry scheduled"):
        deliver_notifications.run([row.key])

    assert retried == {"args": ([row.key],), "countdown": 60.0}


def test_the_delivery_task_sends_each_row_once(queues, customer, mailoutbox):
    row = _reminder(new_case(queues["technical_support"], customer), timezone.now())

    sent = [deliver_notifications.run([row.key]) for _ in range(2)]

    assert (sent, len(mailoutbox)) == ([1, 0], 1)


# --- the in-app list ---------------------------------------------------------------------------


def test_the_in_app_list_holds_a_users_notifications_newest_first(
    queues, customer, colleague, agent
):
    first = _reminder(new_case(queues["technical_support"], customer, at=T0 - HOUR), T0)
    second = _reminder(new_case(queues["technical_support"], customer, at=T0 - HOUR), T0 + HOUR)
    _reminder(new_case(queues["technical_support"], colleague, at=T0 - HOUR), T0)

    listed = list(notifications_for(customer, now=T0 + DAY))

    # Then the older acknowledgements of the two cases.
    assert listed[:2] == [second, first]
    assert {n.recipient for n in listed} == {customer}


def test_the_in_app_list_shows_a_delayed_notification_once_its_time_has_come(
    queues, customer, agent
):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    perform_transition(case_id=case.pk, name="close", actor=agent, note="Solved.", now=T0 + HOUR)

    def kinds(now):
        return [n.kind for n in notifications_for(customer, now=now)]

    assert "closure" not in kinds(T0 + 2 * HOUR)
    assert "closure" in kinds(T0 + HOUR + DAY)


def test_the_in_app_list_drops_cases_the_user_no_longer_sees(queues, customer, agent):
    case = new_case(queues["customer_service"], customer, at=T0)
    _reminder(case, T0)
    case_delete(case_id=case.pk, actor=agent, now=T0 + HOUR)

    assert list(notifications_for(customer, now=T0 + DAY)) == []


def test_the_admin_can_start_a_given_up_delivery_over(queues, customer, admin_client):
    row = _reminder(new_case(queues["technical_support"], customer, at=T0), T0)
    Notification.objects.filter(pk=row.pk).update(attempts=MAX_ATTEMPTS, last_error="refused")

    admin_client.post(
        "/admin/notifications/notification/",
        {"action": "deliver_again", "_selected_action": [row.pk]},
    )

    row.refresh_from_db()
    assert (row.attempts, row.last_error, row.next_attempt_at) == (0, "", None)
