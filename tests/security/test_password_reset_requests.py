"""Password reset requests (/accounts/password_reset/): the email goes through the outbox (recorded
in the request's transaction, sent after the commit, retried when the mail server fails, swept
when the worker is down), and the requests are limited per address asked about and per client
address, answered exactly alike whether an account exists, was limited, or neither."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

from notifications import account_emails
from notifications.delivery import MAX_ATTEMPTS
from notifications.models import AccountEmail
from notifications.tasks import deliver_notifications
from tests.factories import CustomerFactory
from workflows.sweeps import deliver_due_notifications

URL = "/accounts/password_reset/"
HOME = "198.51.100.7"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


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


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """`ask(email, address=HOME)`: the request and its commit, as a browser sends it."""

    def asking(email, *, address=HOME):
        with django_capture_on_commit_callbacks(execute=True):
            return Client(REMOTE_ADDR=address).post(URL, {"email": email})

    return asking


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def link_in(message) -> str:
    found = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)
    assert found is not None
    return found[1]


# Through the outbox ---------------------------------------------------------------------------


def test_the_email_waits_for_the_commit(customer, mailoutbox):
    response = Client().post(URL, {"email": customer.email})  # the test's transaction stays open

    assert response.status_code == 302
    assert mailoutbox == []
    [row] = AccountEmail.objects.all()
    assert (row.recipient, row.kind, row.sent_at) == (customer, "password_reset", None)


def test_after_the_commit_the_email_is_sent_and_the_row_says_so(customer, ask, mailoutbox):
    ask(customer.email)

    [message] = mailoutbox
    assert message.to == [customer.email]
    assert message.subject == "Reset your Helpdesk password"
    assert AccountEmail.objects.get().sent_at is not None


def test_the_row_holds_no_link_nor_token(customer, ask, mailoutbox):
    ask(customer.email)

    token = link_in(mailoutbox[0]).rstrip("/").split("/")[-1]
    stored = " ".join(str(value) for value in AccountEmail.objects.values().get().values())
    assert token not in stored


def test_a_mail_server_outage_fails_nothing_and_the_sweep_sends_it_later(
    customer, ask, failing_mail, mailoutbox
):
    response = ask(customer.email)

    row = AccountEmail.objects.get()
    assert response.status_code == 302
    assert (row.attempts, row.sent_at) == (1, None)
    assert "mail server down" in row.last_error

    failing_mail.fixed = True
    [action] = deliver_due_notifications(now=row.next_attempt_at)

    assert action.case == "account"
    assert "password_reset to alice" in action.detail
    assert len(mailoutbox) == 1
    assert AccountEmail.objects.get().sent_at is not None


def test_the_delivery_task_retries_it_with_backoff(customer, failing_mail, monkeypatch):
    Client().post(URL, {"email": customer.email})
    row = AccountEmail.objects.get()
    retried = {}

    def retry(**kwargs):
        retried.update(kwargs)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(deliver_notifications, "retry", retry)

    with pytest.raises(RuntimeError, match="retry scheduled"):
        deliver_notifications.run([row.key])

    assert retried == {"args": ([row.key],), "countdown": 60.0}


def test_the_sweep_gives_up_after_the_last_attempt(customer, failing_mail):
    Client().post(URL, {"email": customer.email})
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS + 2):
        deliver_due_notifications(now=now)
        now += timedelta(hours=7)

    row = AccountEmail.objects.get()
    assert (row.attempts, row.sent_at) == (MAX_ATTEMPTS, None)


def test_the_link_sent_late_still_works(customer, ask, failing_mail, mailoutbox):
    ask(customer.email)
    failing_mail.fixed = True
    deliver_due_notifications(now=timezone.now() + timedelta(hours=1))

    page = Client().get(link_in(mailoutbox[0]), follow=True)

    assert "<h1>Choose a new password</h1>" in page.content.decode()


def test_someone_deactivated_before_it_is_sent_gets_nothing(customer, failing_mail, mailoutbox):
    Client().post(URL, {"email": customer.email})
    customer.is_active = False
    customer.save()
    failing_mail.fixed = True

    deliver_due_notifications(now=timezone.now())

    assert mailoutbox == []


def test_the_dry_run_lists_it(customer):
    Client().post(URL, {"email": customer.email})

    actions = deliver_due_notifications(now=timezone.now(), dry_run=True)

    assert any(action.case == "account" for action in actions)
    assert AccountEmail.objects.get().sent_at is None


def test_rows_are_forgotten_after_their_retention(customer, ask, settings):
    settings.ACCOUNT_EMAIL_RETENTION = timedelta(days=7)
    ask(customer.email)

    deliver_due_notifications(now=timezone.now() + timedelta(days=7, seconds=1))

    assert not AccountEmail.objects.exists()


# The limits ---------------------------------------------------------------------------------------


def test_three_emails_an_hour_to_one_address(customer, ask, mailoutbox, clock):
    answers = [ask(customer.email) for _ in range(5)]

    assert len(mailoutbox) == 3
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password_reset/done/")
    }


def test_the_limit_counts_each_address_asked_from_anywhere(customer, ask, mailoutbox, clock):
    for n in range(5):
        ask(customer.email.upper(), address=f"203.0.113.{n}")

    assert len(mailoutbox) == 3


def test_an_hour_later_the_address_gets_emails_again(customer, ask, mailoutbox, clock):
    for _ in range(3):
        ask(customer.email)
    clock.shift(timedelta(hours=1))

    ask(customer.email)

    assert len(mailoutbox) == 4


def test_ten_emails_an_hour_asked_from_one_client_address(db, ask, mailoutbox, clock):
    people = [CustomerFactory(email=f"person{n}@example.com") for n in range(12)]

    for person in people:
        ask(person.email)

    assert len(mailoutbox) == 10
    ask(people[0].email, address="192.0.2.50")  # another client is not held
    assert len(mailoutbox) == 11


def test_an_unknown_address_is_answered_as_a_known_one(customer, ask, mailoutbox, clock):
    known = ask(customer.email)
    unknown = ask("nobody@example.com")
    for _ in range(5):
        limited = ask(customer.email)

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert (limited.status_code, limited["Location"]) == (known.status_code, known["Location"])
    assert Client().get(known["Location"]).content == Client().get(limited["Location"]).content
    assert [m.to for m in mailoutbox] == [[customer.email]] * 3


def test_the_forgotten_rows_still_count_within_the_hour(customer, ask, mailoutbox, clock):
    """Rows are forgotten days after they were sent, never within the limits' hour."""
    for _ in range(3):
        ask(customer.email)
    account_emails.forget_old(timezone.now())

    ask(customer.email)

    assert len(mailoutbox) == 3
