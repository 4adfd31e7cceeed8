"""What an agent does with a held message on its page: post it on one of the sender's cases or
on a case by its reference, open a new case with it in a queue, or discard it after an "are you
sure?". A refusal draws the page again with the reason and changes nothing; a message someone
else already handled says so."""

import pytest
from django.urls import reverse

from cases.models import Case, MessageChannel, Outcome
from tests.held_mail import received
from tests.mail.corpus import message

pytestmark = pytest.mark.django_db

LIST = reverse("agent:mail")


def url(name, row):
    return reverse(f"agent:{name}", args=[row.pk])


def shown(response) -> list[str]:
    return [str(each) for each in response.context["messages"]]


@pytest.fixture
def from_customer(customer):
    """A held message from a known customer (say, a reply from someone who may not post on the
    case it named)."""
    return received(
        message(sender=customer.email, text="Still broken, see attached."), sender=customer.email
    )


def test_posting_on_one_of_the_senders_cases(desk, make_case, customer, from_customer):
    case = make_case()

    response = desk.post(url("mail_onto_case", from_customer), {"case": case.pk}, follow=True)

    from_customer.refresh_from_db()
    assert from_customer.outcome != Outcome.HELD
    assert from_customer.case_id == case.pk
    comment = from_customer.comment
    assert comment.author == customer and comment.channel == MessageChannel.EMAIL
    assert "Still broken" in comment.body
    assert response.redirect_chain[-1][0] == LIST
    assert shown(response) == [f"Posted on {case.reference}."]


def test_posting_on_a_case_typed_by_its_reference(desk, make_case, from_customer):
    case = make_case()

    desk.post(url("mail_onto_case", from_customer), {"reference": case.reference.lower()})

    from_customer.refresh_from_db()
    assert from_customer.case_id == case.pk


def test_posting_without_a_case_asks_for_one_and_changes_nothing(desk, from_customer):
    response = desk.post(url("mail_onto_case", from_customer), {"reference": ""})

    assert response.status_code == 400
    assert "choose a case first" in " ".join(shown(response))
    from_customer.refresh_from_db()
    assert from_customer.outcome == Outcome.HELD


def test_a_reference_that_is_not_one_is_refused_beside_the_field(desk, from_customer):
    response = desk.post(url("mail_onto_case", from_customer), {"reference": "printer"})

    assert response.status_code == 400
    assert "Type a case reference" in response.content.decode()
    from_customer.refresh_from_db()
    assert from_customer.outcome == Outcome.HELD


def test_an_unknown_case_is_refused_with_the_reason_and_changes_nothing(desk, from_customer):
    response = desk.post(url("mail_onto_case", from_customer), {"reference": "CS-999999"})

    assert response.status_code in (400, 404)
    assert shown(response)[0].startswith("The message was not posted: ")
    assert 'role="alert"' in response.content.decode()
    from_customer.refresh_from_db()
    assert from_customer.outcome == Outcome.HELD


def test_opening_a_new_case_in_a_queue(desk, queues):
    row = received(message(subject="Broken screen", text="It flickers."), subject="Broken screen")
    queue = queues["support_center"]

    response = desk.post(url("mail_new_case", row), {"queue": queue.pk}, follow=True)

    row.refresh_from_db()
    case = Case.objects.get(pk=row.case_id)
    assert case.queue == queue and case.subject == "Broken screen"
    assert shown(response) == [f"Opened {case.reference}."]


def test_opening_a_new_case_needs_a_queue(desk):
    row = received()

    response = desk.post(url("mail_new_case", row), {"queue": ""})

    assert response.status_code == 400
    assert "Choose the queue of the new case." in response.content.decode()
    row.refresh_from_db()
    assert row.outcome == Outcome.HELD


def test_discarding_asks_first_without_javascript(desk):
    row = received(subject="Spam, probably")

    response = desk.post(url("mail_discard", row))

    assert response.status_code == 200
    assert "Discard “Spam, probably”?" in response.content.decode()
    row.refresh_from_db()
    assert row.outcome == Outcome.HELD


def test_discarding_once_confirmed(desk):
    row = received()

    response = desk.post(url("mail_discard", row), {"confirmed": "yes"}, follow=True)

    row.refresh_from_db()
    assert row.outcome == Outcome.DISCARDED
    assert row.case_id is None and row.comment_id is None
    assert shown(response) == ["Discarded."]


def test_a_discarded_message_is_listed_under_recently_handled(desk, agent):
    row = received(subject="Gone")
    desk.post(url("mail_discard", row), {"confirmed": "yes"})

    held = desk.get(LIST).content.decode()
    handled = desk.get(LIST, {"tab": "handled"}).content.decode()

    assert "Gone" not in held
    assert "Gone" in handled and agent.display_name in handled


@pytest.mark.parametrize("action", ["mail_onto_case", "mail_new_case", "mail_discard"])
def test_a_message_already_handled_says_so_and_changes_nothing(desk, make_case, queues, action):
    case = make_case()
    row = received(outcome=Outcome.REPLY, reason="", case=case)
    body = {"case": case.pk, "queue": queues["support_center"].pk, "confirmed": "yes"}

    response = desk.post(url(action, row), body)

    assert response.status_code == 409
    assert "Someone already released or discarded this message." in " ".join(shown(response))
    row.refresh_from_db()
    assert row.outcome == Outcome.REPLY


@pytest.mark.parametrize("action", ["mail_onto_case", "mail_new_case", "mail_discard"])
def test_actions_take_a_post(desk, action):
    assert desk.get(url(action, received())).status_code == 405
