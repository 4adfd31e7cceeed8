"""The email of every notification kind: plain text and HTML, to the right person, and never a
word (nor a file name) of an internal note."""

import pytest
from django.urls import reverse

from notifications.delivery import deliver_one
from notifications.links import case_url
from notifications.models import Kind, Notification
from notifications.outbox import notify
from services.cases import case_create, case_update
from services.conversation import comment_post
from tests.timed_cases import HOUR, T0, awaiting_confirmation, new_case, pending, resolved
from tests.uploads import upload
from workflows.transitions import perform_transition

SECRET = "SECRET-internal-diagnosis"


def _send(kind, case, recipient, *, at):
    row = Notification.objects.create(
        kind=kind,
        case=case,
        recipient=recipient,
        key=f"test:{kind}:{case.pk}:{recipient.pk}",
        created_at=at,
        scheduled_for=at,
    )
    return deliver_one(row.pk, now=at)


def _texts(message) -> str:
    return message.body + "".join(content for content, _ in message.alternatives)


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_has_a_text_and_an_html_email(kind, queues, customer, mailoutbox):
    case = new_case(queues["support_center"], customer, at=T0)

    outcome = _send(kind, case, customer, at=T0 + HOUR)

    [message] = mailoutbox
    assert outcome.sent
    assert message.to == [customer.email]
    assert message.subject == f"[{case.reference}] {Kind(kind).label}"
    assert case.reference in message.body and case.subject in message.body
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    assert case.reference in message.alternatives[0][0]


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("role", ["customer", "agent"])
def test_no_email_ever_quotes_an_internal_note(kind, role, queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="We are looking into it.", now=T0 + HOUR)
    comment_post(
        case_id=case.pk,
        actor=agent,
        body=SECRET,
        internal=True,
        files=[upload(f"{SECRET}.png")],
        now=T0 + 2 * HOUR,
    )
    perform_transition(case_id=case.pk, name="block", actor=agent, note=SECRET, now=T0 + 3 * HOUR)

    _send(kind, case, {"customer": customer, "agent": agent}[role], at=T0 + 4 * HOUR)

    [message] = mailoutbox
    assert SECRET not in _texts(message) + message.subject


def test_a_public_reply_email_quotes_the_reply(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="Please restart the printer.", now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)

    deliver_one(row.pk, now=T0 + HOUR)

    [message] = mailoutbox
    assert (row.recipient, message.to) == (customer, [customer.email])
    assert "Please restart the printer." in message.body
    assert "Please restart the printer." in message.alternatives[0][0]


def test_the_awaiting_confirmation_email_quotes_the_answer(queues, customer, agent, mailoutbox):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    [row] = Notification.objects.filter(case=case, kind=Kind.AWAITING_CONFIRMATION)

    deliver_one(row.pk, now=T0)

    assert "Turn it off and on." in mailoutbox[0].body


def test_an_internal_note_notifies_nobody(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)

    comment_post(case_id=case.pk, actor=agent, body=SECRET, internal=True, now=T0 + HOUR)

    assert not Notification.objects.filter(case=case, created_at=T0 + HOUR).exists()


def test_an_html_email_escapes_what_people_wrote(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="<script>alert(1)</script> & co", now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)

    deliver_one(row.pk, now=T0 + HOUR)

    [message] = mailoutbox
    assert "<script>" not in message.alternatives[0][0]
    assert "<script>alert(1)</script> & co" in message.body


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_someone_without_a_usable_address_gets_the_row_but_no_email(
    change, queues, customer, mailoutbox
):
    case = new_case(queues["technical_support"], customer, at=T0)
    for field, value in change.items():
        setattr(customer, field, value)
    customer.save()
    [key] = notify(Kind.REMINDER, case=case, now=T0 + HOUR, status_label="New", sub_status_label="")

    deliver_one(Notification.objects.get(key=key).pk, now=T0 + HOUR)

    assert (Notification.objects.get(key=key).sent_at, mailoutbox) == (T0 + HOUR, [])


def test_an_email_sent_after_the_case_moved_on_shows_the_status_at_its_cause(
    queues, customer, agent, mailoutbox
):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)
    [row] = Notification.objects.filter(case=case, kind=Kind.RESOLUTION)
    perform_transition(case_id=case.pk, name="close", actor=customer, now=T0 + HOUR)

    deliver_one(row.pk, now=T0 + 2 * HOUR)

    [message] = mailoutbox
    assert "Status: Resolved\n" in message.body
    assert "Status: Resolved" in message.alternatives[0][0]
    assert "Closed" not in _texts(message)


def test_an_email_shows_the_sub_status_at_its_cause(queues, customer, agent, mailoutbox):
    case = pending(queues["support_center"], customer, agent, at=T0)
    [key] = notify(
        Kind.REMINDER,
        case=case,
        now=T0 + HOUR,
        status_label="Pending",
        sub_status_label="Customer Input",
    )

    deliver_one(Notification.objects.get(key=key).pk, now=T0 + HOUR)

    assert "Status: Pending / Customer Input\n" in mailoutbox[0].body


def test_a_row_that_recorded_no_status_leaves_the_status_out(queues, customer, mailoutbox):
    """Rows from before the status was recorded (the migration could not name it)."""
    case = new_case(queues["support_center"], customer, at=T0)

    _send(Kind.SOLUTION_REJECTED, case, customer, at=T0 + HOUR)

    [message] = mailoutbox
    assert "Status:" not in _texts(message)
    assert "back in" not in _texts(message) and "waits for you." in message.body


# --- the link to the case ------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize(
    ("role", "path", "not_path"),
    [("customer", "/portal/cases/", "/agent/"), ("agent", "/agent/cases/", "/portal/")],
)
def test_every_email_links_to_the_case_page_of_its_reader(
    kind, role, path, not_path, queues, customer, agent, settings, mailoutbox
):
    settings.SITE_URL = "https://help.example.com/"
    case = new_case(queues["technical_support"], customer, at=T0)
    link = f"https://help.example.com{path}{case.reference}/"

    _send(kind, case, {"customer": customer, "agent": agent}[role], at=T0 + HOUR)

    [message] = mailoutbox
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    assert not_path not in _texts(message)


def test_the_customer_link_is_the_portal_page_of_the_case(queues, customer, settings):
    settings.SITE_URL = "https://help.example.com"
    case = new_case(queues["technical_support"], customer, at=T0)

    page = reverse("portal:case", args=[case.reference])

    assert case_url(case, customer) == f"https://help.example.com{page}"


def test_a_manager_is_sent_to_the_agent_workspace(queues, customer, manager):
    case = new_case(queues["technical_support"], customer, at=T0)

    assert case_url(case, manager).endswith(f"/agent/cases/{case.reference}/")


def test_the_acknowledgement_names_the_new_case_and_links_to_it(queues, customer, mailoutbox):
    case = case_create(actor=customer, queue=queues["support_center"], subject="VPN drops", now=T0)
    [row] = Notification.objects.filter(case=case, kind=Kind.CASE_CREATED)

    deliver_one(row.pk, now=T0)

    [message] = mailoutbox
    assert message.subject == f"[{case.reference}] Case received"
    for text in (message.body, message.alternatives[0][0]):
        assert case.reference in text and "VPN drops" in text
        assert f"/portal/cases/{case.reference}/" in text
        assert "Status: New" in text


def test_the_assignment_email_sends_the_agent_to_the_workspace(
    queues, customer, manager, agent, mailoutbox
):
    case = new_case(queues["technical_support"], customer, at=T0)
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent}, now=T0 + HOUR)
    [row] = Notification.objects.filter(case=case, kind=Kind.ASSIGNED)

    deliver_one(row.pk, now=T0 + HOUR)

    [message] = mailoutbox
    assert (message.to, message.subject) == (
        [agent.email],
        f"[{case.reference}] Case assigned to you",
    )
    assert f"/agent/cases/{case.reference}/" in message.body
    assert f"/agent/cases/{case.reference}/" in message.alternatives[0][0]
