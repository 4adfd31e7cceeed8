"""Mail no person wrote (services/mail_kinds.py, through `inbound_handle`): automatic replies,
lists and bulk mail ignored with nothing sent back; delivery failure reports marking the address
undeliverable until its owner writes again; messages too large refused with a notice."""

import pytest
from django.utils import timezone

from cases.models import Case, Comment, Outcome, User, Via
from notifications.mail_names import new_message_id
from notifications.models import MailNotice
from services.inbound import inbound_handle, inbound_store
from tests.mail import corpus
from tests.mail.corpus import deliver

pytestmark = pytest.mark.django_db


def nothing_happened(case=None) -> bool:
    no_case = Case.objects.count() == (1 if case is not None else 0)
    return no_case and not Comment.objects.exists() and not MailNotice.objects.exists()


# --- automatic mail -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*corpus.AUTOMATIC, *corpus.AUTOMATIC_SENDERS])
def test_automatic_mail_is_ignored_and_nothing_is_sent_back(kind, case):
    row = deliver(corpus.out_of_office(kind, subject=f"Auto: [{case.reference}] answered"))

    assert row.outcome == Outcome.IGNORED
    assert row.reason
    assert nothing_happened(case)


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"List-Id": "<x.lists.example>"}, "List-Id"),
        ({"X-Auto-Response-Suppress": "OOF"}, "X-Auto-Response-Suppress: OOF"),
    ],
)
def test_the_reason_names_the_header(headers, named, support, customer):
    assert named in deliver(corpus.message(headers=headers)).reason


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "no"},
        {"Precedence": "first-class"},
        {"X-Auto-Response-Suppress": "DR, RN"},
    ],
)
def test_headers_that_say_a_person_wrote_are_not_automatic(headers, support, customer):
    assert deliver(corpus.message(headers=headers)).outcome == Outcome.NEW_CASE


@pytest.mark.parametrize(
    "sender", [corpus.SUPPORT, "support+1-2-abc@helpdesk.example", "helpdesk@localhost"]
)
def test_mail_from_our_own_addresses_is_ignored(sender, support, settings):
    settings.DEFAULT_FROM_EMAIL = "Helpdesk <helpdesk@localhost>"

    row = deliver(corpus.message(sender=sender))

    assert row.outcome == Outcome.IGNORED
    assert "own" in row.reason
    assert nothing_happened()


def test_mail_carrying_our_own_message_id_is_ignored(support, customer):
    row = deliver(corpus.message(message_id=new_message_id()))

    assert row.outcome == Outcome.IGNORED
    assert nothing_happened()


def test_a_read_receipt_is_ignored(support, customer):
    raw = corpus.message().replace(
        b"Content-Type: text/plain",
        b"Content-Type: multipart/report; report-type=disposition-notification; boundary=B\r\n"
        b"X-Old-Content-Type: text/plain",
        1,
    )

    assert deliver(raw).outcome == Outcome.IGNORED


# --- bounces ------------------------------------------------------------------------------------


def test_a_bounce_marks_the_address_undeliverable(customer, colleague):
    row = deliver(corpus.bounce("ALICE@example.com"))

    customer.refresh_from_db()
    colleague.refresh_from_db()
    assert row.outcome == Outcome.BOUNCE
    assert "alice@example.com" in row.reason
    assert customer.email_undeliverable_since == row.handled_at
    assert customer.email_undeliverable_reason.startswith("5.1.1 550 5.1.1")
    assert "User unknown" in customer.email_undeliverable_reason
    assert colleague.email_undeliverable_since is None
    assert nothing_happened()


def test_a_bounce_with_a_permanent_status_marks_though_the_action_is_unusual(customer):
    deliver(corpus.bounce(customer.email, action="relayed", status="5.2.2"))

    customer.refresh_from_db()
    assert customer.email_undeliverable_since is not None


def test_a_delay_report_marks_nobody(customer):
    row = deliver(corpus.bounce(customer.email, action="delayed", status="4.4.1"))

    customer.refresh_from_db()
    assert row.outcome == Outcome.BOUNCE
    assert "not delivered yet" in row.reason
    assert customer.email_undeliverable_since is None


def test_a_bounce_without_a_report_from_a_mail_system_is_a_bounce(customer):
    raw = corpus.message(
        sender="MAILER-DAEMON@mx.example.com",
        subject="Mail delivery failed: returning message to sender",
        text="This message was created automatically by mail delivery software.",
    )

    row = deliver(raw)

    assert row.outcome == Outcome.BOUNCE
    assert row.reason == "A delivery failure report naming no address that could be read."


def test_a_bounce_quoting_its_report_in_text_marks_the_address(customer):
    raw = corpus.message(
        sender="postmaster@example.com",
        subject="Undeliverable: Printer",
        text=f"Delivery failed.\n\nFinal-Recipient: rfc822; {customer.email}\nAction: failed\n"
        "Status: 5.1.1\n",
    )

    deliver(raw)

    customer.refresh_from_db()
    assert customer.email_undeliverable_reason == "5.1.1"


def test_writing_again_clears_the_undeliverable_mark(support, customer):
    deliver(corpus.bounce(customer.email))

    deliver(corpus.message())

    customer.refresh_from_db()
    assert (customer.email_undeliverable_since, customer.email_undeliverable_reason) == (None, "")


def test_an_automatic_reply_clears_no_mark(support, customer):
    deliver(corpus.bounce(customer.email))

    deliver(corpus.out_of_office())

    customer.refresh_from_db()
    assert customer.email_undeliverable_since is not None


def test_a_bounce_marks_an_inactive_account_not(customer):
    User.objects.filter(pk=customer.pk).update(is_active=False)

    deliver(corpus.bounce(customer.email))

    customer.refresh_from_db()
    assert customer.email_undeliverable_since is None


# --- too large ---------------------------------------------------------------------------------


def test_a_30_megabyte_message_is_refused_with_a_notice(support, customer, tmp_path):
    path = tmp_path / "large.eml"
    with path.open("wb") as stream:
        corpus.write_large_message(stream)

    with path.open("rb") as stream:
        row = deliver(stream)

    assert row.outcome == Outcome.REFUSED
    assert "Too large" in row.reason and "25 MB" in row.reason
    notice = MailNotice.objects.get(inbound=row)
    assert (notice.kind, notice.address) == ("refused_too_large", "alice@example.com")
    assert Case.objects.count() == 0


def test_a_message_over_the_limit_from_a_machine_is_refused_silently(support, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 100
    row, _ = inbound_store(raw=corpus.out_of_office(), via=Via.PIPE)

    inbound_handle(message_id=row.pk, now=timezone.now())

    row.refresh_from_db()
    assert row.outcome == Outcome.REFUSED
    assert not MailNotice.objects.exists()


def test_a_message_over_the_limit_to_an_undeliverable_address_is_refused_silently(
    support, customer, settings
):
    User.objects.filter(pk=customer.pk).update(email_undeliverable_since=timezone.now())
    settings.INBOUND_EMAIL_MAX_BYTES = 100

    row = deliver(corpus.message())

    assert row.outcome == Outcome.REFUSED
    assert not MailNotice.objects.exists()


def test_a_message_at_the_limit_is_accepted(support, customer, settings):
    raw = corpus.message()
    settings.INBOUND_EMAIL_MAX_BYTES = len(raw)

    assert deliver(raw).outcome == Outcome.NEW_CASE
