"""Held mail decided by an agent (services.inbound.inbound_release / inbound_discard): posted on
a case as its sender (or the case's requester), opened as a new case, or discarded; only by
support staff, only while held."""

import pytest

from cases.errors import Conflict, Forbidden, InvalidInput, NotVisible
from cases.models import Case, Comment, Outcome, User
from services.inbound import inbound_discard, inbound_release
from tests.factories import OrganizationFactory
from tests.mail import corpus
from tests.mail.corpus import deliver
from tests.workflows.walking import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(support):
    row = deliver(corpus.gmail_reply(sender="Sam Stranger <sam@nowhere.example>", subject="Hi"))
    assert row.outcome == Outcome.HELD
    return row


def test_released_onto_a_case_without_an_account_posts_as_its_requester(held, case, agent):
    released = inbound_release(message_id=held.pk, actor=agent, case_id=case.pk)

    comment = Comment.objects.get(pk=released.comment_id)
    assert (released.outcome, released.case_id) == (Outcome.REPLY, case.pk)
    assert (comment.author, comment.body, comment.channel, comment.internal) == (
        case.requester,
        "Thanks, that fixed it.",
        "email",
        False,
    )
    assert (released.handled_by, released.handled_at) == (agent, comment.created_at)


def test_released_onto_a_case_posts_as_a_sender_who_may(case, agent, colleague):
    row = deliver(corpus.message(sender=colleague.email, to="elsewhere@example.com"))

    released = inbound_release(message_id=row.pk, actor=agent, case_id=case.pk)

    assert Comment.objects.get(pk=released.comment_id).author == colleague


def test_released_onto_a_case_of_another_organization_posts_as_its_requester(
    case, agent, other_customer
):
    row = deliver(corpus.message(sender=other_customer.email, subject=f"[{case.reference}]"))

    released = inbound_release(message_id=row.pk, actor=agent, case_id=case.pk)

    assert Comment.objects.get(pk=released.comment_id).author == case.requester


def test_released_as_a_new_case_makes_an_account_for_a_stranger(held, support, agent):
    released = inbound_release(message_id=held.pk, actor=agent, queue_id=support.pk)

    new = Case.objects.get(pk=released.case_id)
    sam = User.objects.get(email="sam@nowhere.example")
    assert released.outcome == Outcome.NEW_CASE
    assert (new.queue, new.requester, new.channel, new.subject) == (support, sam, "email", "Hi")
    assert (sam.role, sam.organization, sam.has_usable_password()) == ("customer", None, False)
    assert "On Mon, 7 Dec 2026" in new.description


def test_released_as_a_new_case_joins_the_organization_of_the_domain(support, agent):
    acme = OrganizationFactory(email_domains=["acme.example"])
    row = deliver(corpus.message(sender="zed@acme.example", to="elsewhere@example.com"))

    released = inbound_release(message_id=row.pk, actor=agent, queue_id=support.pk)

    assert Case.objects.get(pk=released.case_id).organization == acme


def test_released_as_a_new_case_for_a_known_customer(support, agent, customer):
    row = deliver(corpus.message(to="elsewhere@example.com"))

    released = inbound_release(message_id=row.pk, actor=agent, queue_id=support.pk)

    assert Case.objects.get(pk=released.case_id).requester == customer


def test_a_customer_may_not_release(held, case, customer):
    with pytest.raises(Forbidden):
        inbound_release(message_id=held.pk, actor=customer, case_id=case.pk)


@pytest.mark.parametrize("where", [{}, {"case_id": 1, "queue_id": 1}])
def test_exactly_one_of_case_and_queue(held, agent, where):
    with pytest.raises(InvalidInput):
        inbound_release(message_id=held.pk, actor=agent, **where)


def test_an_unknown_case_is_invalid(held, agent):
    with pytest.raises(InvalidInput):
        inbound_release(message_id=held.pk, actor=agent, case_id=999_999)


def test_an_unknown_message_is_not_visible(agent, case):
    with pytest.raises(NotVisible):
        inbound_release(message_id=999_999, actor=agent, case_id=case.pk)


def test_only_held_mail_is_released(case, agent):
    posted = deliver(corpus.message(subject=f"[{case.reference}]"))

    with pytest.raises(Conflict):
        inbound_release(message_id=posted.pk, actor=agent, case_id=case.pk)


def test_a_release_the_case_refuses_leaves_the_message_held(held, agent, make_case, cast):
    closed = walk_to(make_case("customer_service"), "closed", cast)

    with pytest.raises(Conflict):
        inbound_release(message_id=held.pk, actor=agent, case_id=closed.pk)

    held.refresh_from_db()
    assert held.outcome == Outcome.HELD
    assert held.handled_by is None


def test_discard(held, agent):
    discarded = inbound_discard(message_id=held.pk, actor=agent)

    held.refresh_from_db()
    assert (held.outcome, held.handled_by, held.case_id) == (Outcome.DISCARDED, agent, None)
    assert discarded.handled_at == held.handled_at


def test_discard_twice_is_a_conflict(held, agent):
    inbound_discard(message_id=held.pk, actor=agent)

    with pytest.raises(Conflict):
        inbound_discard(message_id=held.pk, actor=agent)


def test_a_customer_may_not_discard(held, customer):
    with pytest.raises(Forbidden):
        inbound_discard(message_id=held.pk, actor=customer)
