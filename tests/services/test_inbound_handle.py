"""What a message becomes (services.inbound.inbound_handle), row by row of the contract's table:
a reply on its case, a follow-up case, a new case, a new customer's case, held; with its content
read as the pages would take it, in one transaction that a failure rolls back whole."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import services.inbound
from cases.models import Case, Comment, InboundMessage, MessageChannel, Outcome, User, Via
from cases.roles import Role
from cases.text import MAX_TEXT, markdown_to_text, render_markdown
from notifications.delivery import deliver_one
from notifications.mail_names import case_thread_root
from notifications.models import Kind, MailNotice, Notification
from services.cases import case_delete
from services.conversation import comment_post
from services.inbound import inbound_handle, inbound_retry_due, inbound_store
from tests.factories import CustomerFactory, OrganizationFactory
from tests.mail import corpus
from tests.mail.corpus import deliver
from tests.workflows.walking import reload, walk_to
from workflows.transitions import DELETED

pytestmark = pytest.mark.django_db


def answered(case, agent):
    """The case answered by an agent: the customer's notification and its Message-ID."""
    comment_post(case_id=case.pk, actor=agent, body="Try turning it off and on.")
    return Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY).latest("pk")


# --- a reply in a case's thread ---------------------------------------------------------------


def test_a_customers_reply_to_a_notification_is_a_public_comment_by_email(case, agent, customer):
    notification = answered(case, agent)

    row = deliver(corpus.gmail_reply(in_reply_to=notification.message_id, subject="Re: Printer"))

    comment = Comment.objects.get(pk=row.comment_id)
    assert (row.outcome, row.case_id) == (Outcome.REPLY, case.pk)
    assert (comment.author, comment.body, comment.internal, comment.channel) == (
        customer,
        "Thanks, that fixed it.",
        False,
        MessageChannel.EMAIL,
    )
    assert row.handled_at is not None


def test_a_customers_reply_has_the_effects_of_a_reply_on_the_pages(make_case, cast):
    """technical_support: a customer's reply to a case waiting on them moves it back."""
    case = walk_to(make_case("technical_support"), "solution_proposed", cast)
    case.queue.email_address = corpus.SUPPORT
    case.queue.save()

    deliver(corpus.outlook_reply(subject=f"RE: [{case.reference}] Solution proposed"))

    expected = make_case("technical_support")
    walk_to(expected, "solution_proposed", cast)
    comment_post(case_id=expected.pk, actor=cast["customer"], body="It still fails.")
    assert reload(case).status == reload(expected).status != "solution_proposed"


def test_the_assigned_agent_is_notified_of_a_customers_reply(case, agent):
    answered(case, agent)
    assert reload(case).assignee == agent

    deliver(corpus.gmail_reply(subject=f"Re: [{case.reference}] Printer"))

    assert Notification.objects.filter(case=case, recipient=agent).exists()


def test_a_reply_to_a_notification_reads_its_case_once_before_the_change(case, agent):
    """The message (locked), its sender's accounts, and the notification it answers with its
    case: one query each before the change to the case, which reads it again, locked; the
    message's outcome is written last. (Savepoints, the test's own transaction's, left out.)"""
    notification = answered(case, agent)
    row, _ = inbound_store(
        raw=corpus.gmail_reply(in_reply_to=notification.message_id), via=Via.PIPE
    )

    with CaptureQueriesContext(connection) as queries:
        inbound_handle(message_id=row.pk)

    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    reads_of_the_case = [sql for sql in statements if sql.startswith('SELECT "cases_case"')]
    assert [sql.split('"')[1] for sql in statements[:3]] == [
        "cases_inboundmessage",
        "cases_user",
        "cases_case",
    ]
    assert '"notifications_notification"' in statements[2]
    assert len(reads_of_the_case) == 2  # the thread's, and the change's, locked
    assert statements[-1].startswith('UPDATE "cases_inboundmessage"')


def test_a_colleague_of_the_organization_may_reply_by_subject(case, colleague):
    row = deliver(corpus.message(sender=colleague.email, subject=f"Re: [{case.reference}] Printer"))

    assert (row.outcome, Comment.objects.get(pk=row.comment_id).author) == (
        Outcome.REPLY,
        colleague,
    )


def test_a_stranger_quoting_a_reference_in_the_subject_is_held(case, other_customer):
    """Zammad #5064: a guessable reference never lets another customer post."""
    row = deliver(
        corpus.message(sender=other_customer.email, subject=f"Re: [{case.reference}] Printer")
    )

    assert row.outcome == Outcome.HELD
    assert row.reason == f"{other_customer.email} may not post on {case.reference}."
    assert not case.comments.exists()
    assert row.case_id is None


def test_an_unknown_address_quoting_a_reference_is_held(case):
    row = deliver(corpus.message(sender="mallory@evil.example", subject=f"[{case.reference}] hi"))

    assert row.outcome == Outcome.HELD
    assert not case.comments.exists()


def test_a_folded_subject_reaches_its_case(case):
    """django-helpdesk #756: a folded subject with the reference opened a new case."""
    row = deliver(corpus.folded_subject_reply(case.reference))

    assert (row.outcome, row.case_id) == (Outcome.REPLY, case.pk)
    assert Case.objects.count() == 1


def test_the_reference_in_the_subject_is_read_whatever_its_case(case):
    subject = f"Re: Fwd: AW: [ {case.reference.lower()} ] Printer"

    row = deliver(corpus.message(subject=subject))

    assert (row.outcome, row.case_id) == (Outcome.REPLY, case.pk)


def test_a_reply_to_a_message_of_the_case_reaches_it(case):
    first = deliver(corpus.message(subject=f"[{case.reference}] more", message_id="<m1@x.ex>"))

    row = deliver(corpus.message(subject="No reference here", in_reply_to=first.message_id))

    assert (row.outcome, row.case_id) == (Outcome.REPLY, case.pk)


def test_a_reply_to_the_cases_thread_root_reaches_it(case):
    root = case_thread_root(case.reference)

    row = deliver(corpus.message(subject="Hello", references=["<x@y.example>", root]))

    assert (row.outcome, row.case_id) == (Outcome.REPLY, case.pk)


def test_a_made_up_thread_root_reaches_no_case(case):
    forged = f"<{case.reference.lower()}.aaaaaaaaaaaaaaaa@localhost>"

    row = deliver(corpus.message(subject="Hello", references=[forged]))

    assert row.outcome == Outcome.NEW_CASE
    assert row.case_id != case.pk


# --- a case that takes no reply ----------------------------------------------------------------


def test_a_reply_to_a_closed_case_opens_a_follow_up(make_case, cast):
    original = walk_to(make_case("technical_support"), "closed", cast)
    original.queue.email_address = corpus.SUPPORT
    original.queue.save()

    row = deliver(corpus.gmail_reply(subject=f"Re: [{original.reference}] Closed"))

    repeat = Case.objects.get(pk=row.case_id)
    assert row.outcome == Outcome.REPEAT
    assert (repeat.repeat_of_id, repeat.queue_id, repeat.requester) == (
        original.pk,
        original.queue_id,
        cast["customer"],
    )
    assert (repeat.channel, repeat.description, repeat.subject) == (
        "email",
        "Thanks, that fixed it.",
        original.subject,
    )
    assert reload(original).status == "closed"


def test_the_sender_of_a_follow_up_gets_one_email_its_acknowledgement(make_case, cast, mailoutbox):
    """The new case's acknowledgement reaches the sender (its requester): it says that their
    message opened a follow-up, and no notice repeats it."""
    original = walk_to(make_case("technical_support"), "closed", cast)
    original.queue.email_address = corpus.SUPPORT
    original.queue.save()

    row = deliver(corpus.gmail_reply(subject=f"Re: [{original.reference}] Closed"))

    assert not MailNotice.objects.filter(inbound=row).exists()
    acknowledgement = Notification.objects.get(case_id=row.case_id, kind=Kind.CASE_CREATED)
    assert acknowledgement.recipient == cast["customer"]
    deliver_one(acknowledgement.pk, now=timezone.now())
    [email] = mailoutbox
    repeat = Case.objects.get(pk=row.case_id)
    said = (
        f"Your message reached {original.reference}, which is closed, so it opened this "
        f"follow-up case, registered under the reference {repeat.reference}."
    )
    assert said in email.body
    assert f"<strong>{original.reference}</strong>, which is closed" in email.alternatives[0][0]


def test_a_follow_up_acknowledged_to_someone_else_is_told_to_the_sender(make_case, cast, agent):
    """An agent answering a notification about a closed case opens a follow-up for its
    requester: the acknowledgement goes to them, so the agent gets the notice."""
    original = walk_to(make_case("technical_support"), "closed", cast)
    original.queue.email_address = corpus.SUPPORT
    original.queue.save()
    agent.email = "agnes@helpdesk.example"
    agent.save()
    notification = Notification.objects.create(
        kind=Kind.ASSIGNED,
        case=original,
        recipient=agent,
        key=f"test:assigned:{original.pk}",
        created_at=timezone.now(),
        scheduled_for=timezone.now(),
        message_id="<assigned-1@localhost>",
    )

    row = deliver(
        corpus.message(
            sender=agent.email, subject="Re: Closed", in_reply_to=notification.message_id
        )
    )

    repeat = Case.objects.get(pk=row.case_id)
    assert (row.outcome, repeat.requester) == (Outcome.REPEAT, cast["customer"])
    notice = MailNotice.objects.get(inbound=row)
    assert (notice.kind, notice.case_id, notice.address) == (
        "repeat_opened",
        repeat.pk,
        "agnes@helpdesk.example",
    )


def test_a_reply_to_a_deleted_case_is_held_and_told(make_case, manager):
    """Only customer_service cases are deleted, and that workflow repeats no case."""
    case = make_case("customer_service")
    case_delete(case_id=case.pk, actor=manager)

    row = deliver(corpus.message(subject=f"Re: [{case.reference}] Printer"))

    assert row.outcome == Outcome.HELD
    assert row.reason == f"{case.reference} takes no reply now: {DELETED}"
    assert MailNotice.objects.get(inbound=row).kind == "held"


def test_a_reply_to_a_closed_case_that_repeats_no_case_is_held_and_told(make_case, cast):
    original = walk_to(make_case("customer_service"), "closed", cast)

    row = deliver(corpus.message(subject=f"Re: [{original.reference}] Closed"))

    assert row.outcome == Outcome.HELD
    assert original.reference in row.reason
    assert not original.comments.exclude(author__role=Role.AGENT).filter(channel="email")
    notice = MailNotice.objects.get(inbound=row)
    assert (notice.kind, notice.case_id) == ("held", original.pk)


# --- a new message ------------------------------------------------------------------------------


def test_a_known_customers_message_to_a_queue_opens_a_case(support, customer):
    row = deliver(corpus.message(subject="Fwd: Re: Printer is on fire", text="Smoke everywhere."))

    case = Case.objects.get(pk=row.case_id)
    assert row.outcome == Outcome.NEW_CASE
    assert (case.queue, case.requester, case.channel) == (support, customer, "email")
    assert (case.subject, case.description) == ("Printer is on fire", "Smoke everywhere.")
    assert Notification.objects.filter(case=case, kind=Kind.CASE_CREATED).exists()


def test_a_message_with_no_subject_opens_a_case_named_so(support, customer):
    row = deliver(corpus.message(subject=""))

    assert Case.objects.get(pk=row.case_id).subject == "(no subject)"


def test_the_envelope_recipient_names_the_queue(support, customer):
    row = deliver(corpus.message(to="alias@elsewhere.example"), recipient=corpus.SUPPORT)

    assert Case.objects.get(pk=row.case_id).queue == support


def test_a_plus_address_of_a_queue_reaches_the_queue(support, customer):
    row = deliver(corpus.message(to="support+anything@helpdesk.example"))

    assert Case.objects.get(pk=row.case_id).queue == support


def test_an_unknown_sender_of_an_organizations_domain_gets_an_account(support):
    acme = OrganizationFactory(name="Acme", email_domains=["acme.example"])

    row = deliver(corpus.message(sender="Zoe Zed <Zoe@ACME.example>"))

    zoe = User.objects.get(email="zoe@acme.example")
    assert (zoe.role, zoe.organization, zoe.has_usable_password()) == ("customer", acme, False)
    assert zoe.display_name == "Zoe Zed"
    assert Case.objects.get(pk=row.case_id).requester == zoe


def test_a_new_account_takes_a_free_username(support):
    OrganizationFactory(email_domains=["acme.example"])
    CustomerFactory(username="zoe@acme.example", email="other@example.com")

    row = deliver(corpus.message(sender="zoe@acme.example"))

    assert Case.objects.get(pk=row.case_id).requester.username == "zoe@acme.example-2"


def test_an_unknown_sender_is_held(support):
    row = deliver(corpus.message(sender="stranger@nowhere.example"))

    assert (row.outcome, row.case_id) == (Outcome.HELD, None)
    assert "Unknown sender" in row.reason
    assert not User.objects.filter(email="stranger@nowhere.example").exists()


def test_a_message_to_no_queue_is_held(support, customer):
    row = deliver(corpus.message(to="someone@elsewhere.example"))

    assert row.outcome == Outcome.HELD
    assert "no queue receives mail" in row.reason
    assert Case.objects.count() == 0


def test_two_accounts_sharing_an_address_pick_the_customer_with_the_lowest_id(support, org_a):
    """django-helpdesk #1096: one address shared by two users stopped the whole run."""
    first = CustomerFactory(email="shared@example.com", organization=org_a)
    CustomerFactory(email="SHARED@example.com", organization=org_a)

    row = deliver(corpus.message(sender="shared@example.com"))

    assert Case.objects.get(pk=row.case_id).requester == first


def test_an_agents_new_message_is_held(support, agent):
    row = deliver(corpus.message(sender=agent.email))

    assert row.outcome == Outcome.HELD
    assert "support" in row.reason


def test_an_inactive_customer_is_unknown(support, customer):
    customer.is_active = False
    customer.save()

    assert deliver(corpus.message()).outcome == Outcome.HELD


# --- content ---------------------------------------------------------------------------------


def test_script_in_html_mail_never_reaches_a_page(support, customer):
    html = "<p>Hello</p><script>alert('x')</script><img src=x onerror=alert(1)><b>bold</b>"

    row = deliver(corpus.html_only(html=html))

    description = Case.objects.get(pk=row.case_id).description
    assert "Hello" in description and "bold" in description
    assert "script" not in description and "onerror" not in description
    assert "<script" not in render_markdown(description)


def test_html_typed_as_text_is_shown_as_text(support, customer):
    row = deliver(corpus.message(text="<script>alert('x')</script>"))

    assert "<script" not in render_markdown(Case.objects.get(pk=row.case_id).description)


def test_latin1_text_with_backslashes_is_kept_exactly(support, customer):
    row = deliver(corpus.latin1_message())

    description = Case.objects.get(pk=row.case_id).description
    assert markdown_to_text(description) == corpus.LATIN1_TEXT  # every backslash reads as sent


def test_encoded_words_give_the_case_its_subject(support):
    CustomerFactory(email="jorg@example.com")

    row = deliver(corpus.encoded_words_message())

    assert Case.objects.get(pk=row.case_id).subject == corpus.ENCODED_SUBJECT


def test_a_forwarded_message_keeps_what_it_forwards(support, customer):
    row = deliver(corpus.forwarded())

    assert "Error 42: the fuser is on fire." in Case.objects.get(pk=row.case_id).description


def test_files_go_through_the_attachment_rules(case):
    raw = corpus.with_attachments(
        [
            ("screen.png", "image/png", corpus.PNG),
            ("setup.exe", "application/octet-stream", corpus.PROGRAM),
        ],
        subject=f"[{case.reference}] files",
    )

    row = deliver(raw)

    comment = Comment.objects.get(pk=row.comment_id)
    assert [a.filename for a in comment.attachments.all()] == ["screen.png"]
    assert comment.body == (
        "The files are attached.\n\n"
        "File left out of this email: setup.exe: this kind of file is not accepted."
    )


def test_a_program_named_as_a_picture_is_left_out(case):
    raw = corpus.with_attachments(
        [("cat.png", "image/png", corpus.PROGRAM)], subject=f"[{case.reference}] cat"
    )

    comment = Comment.objects.get(pk=deliver(raw).comment_id)

    assert not comment.attachments.exists()
    assert "cat.png: this kind of file is not accepted." in comment.body


def test_files_beyond_the_limit_are_left_out(case, settings):
    settings.ATTACHMENTS_MAX_FILES = 1
    raw = corpus.with_attachments(
        [("a.png", "image/png", corpus.PNG), ("b.png", "image/png", corpus.PNG)],
        subject=f"[{case.reference}] two",
    )

    comment = Comment.objects.get(pk=deliver(raw).comment_id)

    assert [a.filename for a in comment.attachments.all()] == ["a.png"]
    assert "b.png: at most 1 files a message." in comment.body


def test_a_reply_of_files_alone_is_posted(case):
    raw = corpus.message(
        text=None, attachments=[("a.png", "image/png", corpus.PNG)], subject=f"[{case.reference}]"
    )

    comment = Comment.objects.get(pk=deliver(raw).comment_id)

    assert comment.body == ""
    assert comment.attachments.count() == 1


def test_a_text_too_long_is_cut_and_says_so(case):
    row = deliver(corpus.message(text="word " * 10_000, subject=f"[{case.reference}] long"))

    body = Comment.objects.get(pk=row.comment_id).body
    assert len(body) <= MAX_TEXT
    assert body.endswith("a message holds at most 20,000 characters.]")


def test_a_reply_of_only_a_quote_posts_the_quote(case):
    text = "> We looked at your printer.\n> Please try again."

    row = deliver(corpus.message(text=text, subject=f"Re: [{case.reference}]"))

    assert "We looked at your printer." in Comment.objects.get(pk=row.comment_id).body


def test_an_empty_message_says_it_had_no_text(case):
    row = deliver(corpus.message(text="", subject=f"Re: [{case.reference}]"))

    assert Comment.objects.get(pk=row.comment_id).body == "(This email had no text.)"


@pytest.mark.parametrize(
    "raw", [corpus.garbage(), b"", corpus.no_headers()], ids=["garbage", "empty", "no_headers"]
)
def test_any_bytes_are_held_with_a_reason(raw, support):
    row = deliver(raw)

    assert row.outcome == Outcome.HELD
    assert row.reason
    assert Case.objects.count() == 0


# --- one transaction, failures and retries ------------------------------------------------------


def test_a_failure_leaves_nothing_posted_and_the_message_pending(case, monkeypatch):
    def broken(**kwargs):
        comment_post(**kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services.inbound, "comment_post", broken)
    now = timezone.now()
    row, _ = inbound_store(raw=corpus.message(subject=f"[{case.reference}]"), via=Via.PIPE)

    inbound_handle(message_id=row.pk, now=now)

    row.refresh_from_db()
    assert (row.outcome, row.attempts, row.last_error) == (
        Outcome.PENDING,
        1,
        "RuntimeError: the disk is full",
    )
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert not case.comments.exists()


def test_a_failed_message_is_retried_when_due_and_then_posted(case, monkeypatch):
    monkeypatch.setattr(services.inbound, "comment_post", _raise)
    now = timezone.now()
    row, _ = inbound_store(raw=corpus.message(subject=f"[{case.reference}]"), via=Via.PIPE)
    inbound_handle(message_id=row.pk, now=now)
    inbound_handle(message_id=row.pk, now=now + timedelta(minutes=1))
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, now + timedelta(minutes=3))
    monkeypatch.setattr(services.inbound, "comment_post", comment_post)

    assert inbound_retry_due(now=now + timedelta(minutes=2)) == 0
    assert inbound_retry_due(now=now + timedelta(minutes=3)) == 1

    row.refresh_from_db()
    assert (row.outcome, row.last_error, row.next_attempt_at) == (Outcome.REPLY, "", None)
    assert case.comments.count() == 1


def _raise(**kwargs):
    raise RuntimeError("down")


def test_a_message_stored_but_never_handled_is_picked_up(case):
    now = timezone.now()
    row, _ = inbound_store(raw=corpus.message(subject=f"[{case.reference}]"), via=Via.PIPE, now=now)

    assert inbound_retry_due(now=now + timedelta(seconds=30)) == 0
    assert inbound_retry_due(now=now + timedelta(minutes=1)) == 1
    assert InboundMessage.objects.get(pk=row.pk).outcome == Outcome.REPLY


def test_a_message_is_handled_once(case):
    row, _ = inbound_store(raw=corpus.message(subject=f"[{case.reference}]"), via=Via.PIPE)

    assert inbound_handle(message_id=row.pk) is not None
    assert inbound_handle(message_id=row.pk) is None
    assert case.comments.count() == 1


def test_the_same_reply_piped_twice_posts_once(case):
    raw = corpus.message(subject=f"[{case.reference}]")

    deliver(raw)
    deliver(raw, via="imap")

    assert case.comments.count() == 1
    assert InboundMessage.objects.count() == 1
