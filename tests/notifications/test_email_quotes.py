"""What each email quotes: what was said to the customer at the event (the solution, the answer,
the request, the reply), as plain text in the text email (its Markdown read, not shown) and as
sanitized HTML in the other, with the status the case had then; never an internal note."""

import pytest

from notifications.delivery import deliver_one
from notifications.models import Kind, Notification
from services.conversation import comment_post
from tests.timed_cases import HOUR, T0, new_case
from tests.workflows.walking import walk_to
from workflows.transitions import perform_transition

SECRET = "SECRET-internal-diagnosis"
MARKDOWN = "Please **restart** the router.\n\n<script>alert(1)</script>"


def email_of(case, kind, *, at):
    """Deliver, as of `at`, the one `kind` row recorded about `case`."""
    row = Notification.objects.get(case=case, kind=kind)
    outcome = deliver_one(row.pk, now=at)
    assert outcome is not None and outcome.sent


def only_email(mailoutbox):
    [message] = mailoutbox
    return message.body, message.alternatives[0][0]


def working(queues, customer, agent, workflow="technical_support"):
    """A case support has started on, with a public reply (the First Response) and an internal
    note, each an hour apart from T0."""
    case = new_case(queues[workflow], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="We are looking into it.", now=T0 + HOUR)
    comment_post(case_id=case.pk, actor=agent, body=SECRET, internal=True, now=T0 + 2 * HOUR)
    return case


def test_a_proposed_solution_is_quoted_rendered_and_sanitized(queues, customer, agent, mailoutbox):
    case = working(queues, customer, agent)

    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, note=MARKDOWN, now=T0 + 3 * HOUR
    )
    email_of(case, Kind.SOLUTION_PROPOSED, at=T0 + 3 * HOUR)

    text, html = only_email(mailoutbox)
    assert "Please restart the router.\n\n<script>alert(1)</script>" in text
    assert "**" not in text
    assert "Please <strong>restart</strong> the router." in html
    assert "<script>" not in html
    assert "Status: Solution Proposed" in text and "Status: Solution Proposed" in html
    assert SECRET not in text + html


def test_a_request_for_information_quotes_its_message(queues, customer, agent, mailoutbox):
    case = new_case(queues["customer_service"], customer, at=T0)
    perform_transition(case_id=case.pk, name="assign_to_me", actor=agent, now=T0 + HOUR)

    perform_transition(
        case_id=case.pk,
        name="request_info",
        actor=agent,
        note="Which *order number*?",
        now=T0 + 2 * HOUR,
    )
    email_of(case, Kind.INFO_REQUESTED, at=T0 + 2 * HOUR)

    text, html = only_email(mailoutbox)
    assert "Which order number?" in text
    assert "Which <em>order number</em>?" in html
    assert "Status: Awaiting Info" in text


def test_a_request_without_a_message_quotes_supports_latest_public_reply(
    queues, customer, agent, mailoutbox
):
    case = working(queues, customer, agent)
    comment_post(case_id=case.pk, actor=customer, body="Any news?", now=T0 + 3 * HOUR)

    perform_transition(case_id=case.pk, name="request_info", actor=agent, now=T0 + 4 * HOUR)
    email_of(case, Kind.INFO_REQUESTED, at=T0 + 4 * HOUR)

    text, html = only_email(mailoutbox)
    assert "We are looking into it." in text and "We are looking into it." in html
    assert "Any news?" not in text
    assert SECRET not in text + html


def test_a_blocked_case_never_quotes_its_blocker(queues, customer, agent, mailoutbox):
    """The note of `block` is internal: the request that follows quotes no history note."""
    case = working(queues, customer, agent)
    perform_transition(case_id=case.pk, name="block", actor=agent, note=SECRET, now=T0 + 3 * HOUR)
    perform_transition(case_id=case.pk, name="start_work", actor=agent, now=T0 + 4 * HOUR)

    perform_transition(case_id=case.pk, name="request_info", actor=agent, now=T0 + 5 * HOUR)
    email_of(case, Kind.INFO_REQUESTED, at=T0 + 5 * HOUR)

    text, html = only_email(mailoutbox)
    assert SECRET not in text + html
    assert "We are looking into it." in text


def test_a_request_for_a_customer_response_quotes_its_message(queues, customer, agent, mailoutbox):
    case = new_case(queues["release_tracking"], customer, at=T0)
    perform_transition(case_id=case.pk, name="assign", actor=agent, assignee=agent.pk, now=T0)
    perform_transition(case_id=case.pk, name="start_investigation", actor=agent, now=T0 + HOUR)

    perform_transition(
        case_id=case.pk,
        name="request_customer_response",
        actor=agent,
        note="Does it happen on v2 too?",
        now=T0 + 2 * HOUR,
    )
    email_of(case, Kind.INFO_REQUESTED, at=T0 + 2 * HOUR)

    text, _ = only_email(mailoutbox)
    assert "Does it happen on v2 too?" in text
    assert "Status: Waiting for Customer Response" in text


def test_a_resolution_quotes_the_solution_as_it_was_proposed(queues, customer, agent, mailoutbox):
    """Sent after the customer rejected it: the case is Open again and its close notes are gone,
    but the email tells of the event: the solution, and the status Resolved."""
    case = new_case(queues["customer_service"], customer, at=T0)
    perform_transition(case_id=case.pk, name="assign_to_me", actor=agent, now=T0 + HOUR)
    perform_transition(
        case_id=case.pk,
        name="propose_solution",
        actor=agent,
        close_notes="Refunded **in full**.",
        note="Checked with billing.",
        now=T0 + 2 * HOUR,
    )
    perform_transition(case_id=case.pk, name="reject_solution", actor=customer, now=T0 + 3 * HOUR)

    email_of(case, Kind.RESOLUTION, at=T0 + 4 * HOUR)

    text, html = only_email(mailoutbox)
    assert "Refunded in full." in text
    assert "Refunded <strong>in full</strong>." in html
    assert "Status: Resolved\n" in text and "Status: Resolved" in html
    assert "Open" not in text


def test_the_delayed_closure_says_closed_and_quotes_the_closing_note(
    queues, customer, agent, mailoutbox
):
    case = new_case(queues["support_center"], customer, at=T0)
    perform_transition(case_id=case.pk, name="start_progress", actor=agent, now=T0 + HOUR)
    perform_transition(
        case_id=case.pk, name="close", actor=agent, note="Fixed by the update.", now=T0 + 2 * HOUR
    )
    a_day_later = T0 + 2 * HOUR + case.queue.closure_notification_after

    email_of(case, Kind.CLOSURE, at=a_day_later)

    text, html = only_email(mailoutbox)
    assert "Fixed by the update." in text and "Fixed by the update." in html
    assert "Status: Closed" in text


@pytest.mark.parametrize("workflow", ["technical_support", "release_tracking"])
def test_a_rejected_solution_tells_the_owner_what_the_customer_said(
    workflow, make_case, cast, customer, agent, mailoutbox
):
    status = "solution_proposed" if workflow == "technical_support" else "release_delivered"
    case = walk_to(make_case(workflow), status, cast)
    perform_transition(
        case_id=case.pk, name="reject_solution", actor=customer, note="Still **smoking**."
    )
    row = Notification.objects.get(case=case, kind=Kind.SOLUTION_REJECTED)

    deliver_one(row.pk, now=row.scheduled_for)

    text, html = only_email(mailoutbox)
    assert mailoutbox[0].to == [agent.email]
    assert "Still smoking." in text and "Still <strong>smoking</strong>." in html
    assert f"/agent/cases/{case.reference}/" in text


def test_no_email_of_a_whole_case_quotes_an_internal_note(queues, customer, agent, mailoutbox):
    """A technical support case from opening to closing, with internal notes all along: every
    email it sent, to the customer or the agent, is free of them."""
    case = working(queues, customer, agent)
    steps = [
        lambda at: perform_transition(
            case_id=case.pk, name="block", actor=agent, note=SECRET, now=at
        ),
        lambda at: perform_transition(case_id=case.pk, name="start_work", actor=agent, now=at),
        lambda at: perform_transition(case_id=case.pk, name="request_info", actor=agent, now=at),
        lambda at: comment_post(case_id=case.pk, actor=customer, body="Model X.", now=at),
        lambda at: comment_post(case_id=case.pk, actor=agent, body=SECRET, internal=True, now=at),
        lambda at: perform_transition(
            case_id=case.pk, name="propose_solution", actor=agent, note="Reboot.", now=at
        ),
        lambda at: perform_transition(
            case_id=case.pk, name="reject_solution", actor=customer, now=at
        ),
        lambda at: perform_transition(
            case_id=case.pk, name="close", actor=agent, note="Replaced the unit.", now=at
        ),
    ]
    for hour, step in enumerate(steps, start=3):
        step(T0 + hour * HOUR)

    for row in Notification.objects.filter(case=case, sent_at__isnull=True):
        deliver_one(row.pk, now=T0 + 20 * HOUR)

    kinds = {message.subject.split("] ", 1)[1] for message in mailoutbox}
    assert kinds >= {"We need information from you", "Solution proposed", "New reply"}
    for message in mailoutbox:
        assert SECRET not in message.subject + message.body + message.alternatives[0][0]
        assert case.reference in message.subject
