"""Which case a message answers and who may post on it (services/inbound_threads.py), through
`inbound_handle`: the token first, then In-Reply-To and References, then the subject; agents
post only in answer to their own notification, from their own address (FreeScout
GHSA-6r38-6mcf-2ww3)."""

import pytest
from django.utils import timezone

from cases.models import Case, Comment, Outcome, Via
from notifications.mail_names import reply_token
from notifications.mail_notices import record_mail_notice
from notifications.models import Kind, MailNotice, MailNoticeKind, Notification
from services.cases import case_create, case_update
from services.conversation import comment_post
from services.inbound import inbound_store
from tests.factories import CustomerFactory
from tests.mail import corpus
from tests.mail.corpus import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_case(support, customer):
    return case_create(actor=customer, queue=support, subject="Scanner", description="Jammed.")


def customers_notification(case, agent) -> Notification:
    comment_post(case_id=case.pk, actor=agent, body="Try turning it off and on.")
    return Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY).latest("pk")


def agents_notification(case, agent, customer) -> Notification:
    """A customer's reply on a case assigned to `agent`: the agent is emailed it."""
    case_update(case_id=case.pk, actor=agent, changes={"assignee": agent.pk})
    comment_post(case_id=case.pk, actor=customer, body="Still broken.")
    return Notification.objects.filter(case=case, recipient=agent).latest("pk")


def posted(row) -> Comment:
    assert row.outcome == Outcome.REPLY, row.reason
    return Comment.objects.get(pk=row.comment_id)


# --- the order ---------------------------------------------------------------------------------


def test_in_reply_to_comes_before_the_subject(case, other_case, agent):
    notification = customers_notification(case, agent)

    row = deliver(
        corpus.message(subject=f"Re: [{other_case.reference}]", in_reply_to=notification.message_id)
    )

    assert row.case_id == case.pk


def test_in_reply_to_comes_before_references(case, other_case, agent):
    first = customers_notification(case, agent)
    second = customers_notification(other_case, agent)

    row = deliver(
        corpus.message(in_reply_to=second.message_id, references=[first.message_id], subject="")
    )

    assert row.case_id == other_case.pk


def test_the_newest_reference_comes_first(case, other_case, agent):
    older = customers_notification(case, agent)
    newer = customers_notification(other_case, agent)

    row = deliver(corpus.message(references=[older.message_id, newer.message_id], subject=""))

    assert row.case_id == other_case.pk


def test_in_reply_to_a_notice_comes_before_a_notification_in_references(
    case, other_case, agent, customer
):
    """Notifications are looked up first, in a query of their own: one named only further back
    still comes after a notice the message answers directly."""
    notification = customers_notification(case, agent)
    inbound, _ = inbound_store(raw=corpus.message(subject="Hello"), via=Via.PIPE)
    record_mail_notice(
        MailNoticeKind.HELD, to=customer.email, inbound=inbound, case=other_case, now=timezone.now()
    )
    notice = MailNotice.objects.get(inbound=inbound)

    row = deliver(
        corpus.message(
            in_reply_to=notice.message_id, references=[notification.message_id], subject=""
        )
    )

    assert row.case_id == other_case.pk


def test_an_unknown_in_reply_to_falls_back_to_the_subject(case):
    row = deliver(
        corpus.message(in_reply_to="<unknown@elsewhere.example>", subject=f"[{case.reference}]")
    )

    assert row.case_id == case.pk


def test_the_token_comes_before_in_reply_to(settings, case, other_case, agent, customer):
    settings.EMAIL_PLUS_ADDRESSING = True
    notification = customers_notification(other_case, agent)
    to = f"support+{reply_token(case.pk, customer.pk)}@helpdesk.example"

    row = deliver(corpus.message(to=to, in_reply_to=notification.message_id, subject=""))

    assert row.case_id == case.pk


def test_a_token_is_ignored_when_plus_addressing_is_off(case, other_case, customer):
    to = f"support+{reply_token(case.pk, customer.pk)}@helpdesk.example"

    row = deliver(corpus.message(to=to, subject=f"[{other_case.reference}]"))

    assert row.case_id == other_case.pk


def test_a_forged_token_is_no_token(settings, case, other_case, customer):
    settings.EMAIL_PLUS_ADDRESSING = True
    to = f"support+{case.pk}-{customer.pk}-aaaaaaaaaaaaaaaa@helpdesk.example"

    row = deliver(corpus.message(to=to, subject=f"[{other_case.reference}]"))

    assert row.case_id == other_case.pk


def test_a_token_in_the_envelope_recipient_counts(settings, case, customer):
    settings.EMAIL_PLUS_ADDRESSING = True
    envelope = f"support+{reply_token(case.pk, customer.pk)}@helpdesk.example"

    row = deliver(corpus.message(subject="no reference"), recipient=envelope)

    assert row.case_id == case.pk


# --- who may post ------------------------------------------------------------------------------


def test_the_tokens_person_posts(settings, case, customer):
    settings.EMAIL_PLUS_ADDRESSING = True
    to = f"support+{reply_token(case.pk, customer.pk)}@helpdesk.example"

    assert posted(deliver(corpus.message(to=to, subject=""))).author == customer


def test_someone_else_with_a_customers_token_is_held(settings, case, customer, colleague):
    settings.EMAIL_PLUS_ADDRESSING = True
    to = f"support+{reply_token(case.pk, customer.pk)}@helpdesk.example"

    row = deliver(corpus.message(sender=colleague.email, to=to, subject=""))

    assert row.outcome == Outcome.HELD
    assert not case.comments.exists()


def test_an_agent_answering_their_token_posts_as_themselves(settings, case, agent):
    settings.EMAIL_PLUS_ADDRESSING = True
    to = f"support+{reply_token(case.pk, agent.pk)}@helpdesk.example"

    comment = posted(deliver(corpus.message(sender=agent.email, to=to, subject="")))

    assert (comment.author, comment.internal) == (agent, False)


def test_a_stranger_answering_a_customers_notification_is_held(case, agent, other_customer):
    notification = customers_notification(case, agent)

    row = deliver(corpus.message(sender=other_customer.email, in_reply_to=notification.message_id))

    assert row.outcome == Outcome.HELD
    assert row.reason == f"{other_customer.email} may not post on {case.reference}."


def test_a_colleague_answering_a_customers_notification_posts(case, agent, colleague):
    notification = customers_notification(case, agent)

    row = deliver(corpus.message(sender=colleague.email, in_reply_to=notification.message_id))

    assert posted(row).author == colleague


def test_an_agent_answering_their_own_notification_posts_a_public_reply(case, agent, customer):
    notification = agents_notification(case, agent, customer)

    comment = posted(
        deliver(corpus.gmail_reply(sender=agent.email, in_reply_to=notification.message_id))
    )

    assert (comment.author, comment.internal, comment.channel) == (agent, False, "email")


def test_an_agent_answering_another_agents_notification_is_held(case, agent, other_agent, customer):
    notification = agents_notification(case, agent, customer)

    row = deliver(corpus.message(sender=other_agent.email, in_reply_to=notification.message_id))

    assert row.outcome == Outcome.HELD


def test_an_agent_answering_a_customers_notification_is_held(case, agent):
    notification = customers_notification(case, agent)

    row = deliver(corpus.message(sender=agent.email, in_reply_to=notification.message_id))

    assert row.outcome == Outcome.HELD


def test_an_agent_by_the_subject_alone_is_held(case, agent):
    """Anyone can write an agent's address in From and a reference in a subject."""
    row = deliver(corpus.message(sender=agent.email, subject=f"Re: [{case.reference}]"))

    assert row.outcome == Outcome.HELD
    assert not case.comments.exists()


def test_a_forged_reply_to_an_agents_notification_is_held(case, agent, customer):
    """FreeScout GHSA-6r38-6mcf-2ww3: the notification's id from a stranger's address."""
    notification = agents_notification(case, agent, customer)

    row = deliver(
        corpus.message(sender="mallory@evil.example", in_reply_to=notification.message_id)
    )

    assert row.outcome == Outcome.HELD
    assert Case.objects.get(pk=case.pk).comments.filter(channel="email").count() == 0


def test_a_shared_address_posts_as_the_account_that_may(support, org_a, org_b):
    """Two accounts with one address: the one who may post on the case is the author, though
    the other has the lower id."""
    CustomerFactory(email="carol@example.com", organization=org_b)
    carol = CustomerFactory(email="carol@example.com", organization=org_a)
    case = case_create(actor=carol, queue=support, subject="Printer")

    row = deliver(corpus.message(sender="carol@example.com", subject=f"[{case.reference}]"))

    assert posted(row).author == carol
