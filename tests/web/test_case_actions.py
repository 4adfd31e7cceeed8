"""The shared case controller (web.case_actions), on both sides: what a customer and an agent do
to a case from its page. A reply that someone else's public message crossed is held and asked
about (Send anyway); messages name fields and statuses in words; a transition runs a handful of
queries; and who may set the assignee is the role's (a superuser is a manager)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Comment, Priority
from services.conversation import comment_post
from tests.factories import CustomerFactory
from tests.portal.html import parse
from tests.workflows.walking import reload, walk_to
from workflows.transitions import perform_transition

SIDES = {"customer": "portal", "agent": "agent"}


def url_of(side, case, action="", name=""):
    if not action:
        return reverse(f"{side}:case", kwargs={"reference": case.reference})
    kwargs = {"reference": case.reference}
    if name:
        kwargs["name"] = name
    return reverse(f"{side}:{action}", kwargs=kwargs)


def version(case):
    return reload(case).updated_at.isoformat()


def alert_of(response):
    return parse(response.content).find(role="alert").text()


def status_of(response):
    return parse(response.content).find(role="status").text()


@pytest.fixture
def signed_in(client_for, cast):
    """`signed_in(role)`: the client of the customer or the agent of the cast."""
    return lambda role: client_for(cast[role])


# --- a reply that crossed someone else's ----------------------------------------------------


@pytest.mark.parametrize(("role", "other"), [("agent", "manager"), ("customer", "agent")])
def test_a_reply_crossed_by_a_public_message_is_held_and_kept(
    role, other, make_case, cast, signed_in
):
    case = make_case("technical_support")
    drawn = version(case)
    comment_post(case_id=case.pk, actor=cast[other], body="We already fixed it.")
    client = signed_in(role)

    response = client.post(
        url_of(SIDES[role], case, "reply"), {"body": "Try a restart.", "seen": drawn}
    )

    assert response.status_code == 409
    assert not Comment.objects.filter(body="Try a restart.").exists()
    page = parse(response.content)
    assert "New messages reached this case since you opened it" in alert_of(response)
    reply = page.region("Reply")
    assert reply.field("Reply").text() == "Try a restart."
    assert reply.buttons() == ["Send anyway"]
    crossing = [
        item
        for item in page.region("Conversation").find_all("li")
        if "We already fixed it." in item.text()
    ]
    assert "New since you opened the page" in crossing[0].text()


@pytest.mark.parametrize(("role", "other"), [("agent", "manager"), ("customer", "agent")])
def test_send_anyway_sends_the_held_reply(role, other, make_case, cast, signed_in):
    case = make_case("technical_support")
    drawn = version(case)
    comment_post(case_id=case.pk, actor=cast[other], body="We already fixed it.")

    response = signed_in(role).post(
        url_of(SIDES[role], case, "reply"),
        {"body": "Try a restart.", "seen": drawn, "send_anyway": "yes"},
        follow=True,
    )

    assert Comment.objects.filter(body="Try a restart.", author=cast[role]).exists()
    assert "Your reply was sent." in status_of(response)


def test_an_internal_note_is_never_held(make_case, cast, signed_in):
    case = make_case("technical_support")
    drawn = version(case)
    comment_post(case_id=case.pk, actor=cast["customer"], body="Any news?")

    signed_in("agent").post(
        url_of("agent", case, "reply"),
        {"body": "Asked the vendor.", "internal": "internal", "seen": drawn},
    )

    assert Comment.objects.filter(body="Asked the vendor.", internal=True).exists()


def test_my_own_earlier_message_does_not_hold_my_reply(make_case, cast, signed_in):
    case = make_case("technical_support")
    drawn = version(case)
    comment_post(case_id=case.pk, actor=cast["agent"], body="First part.")

    signed_in("agent").post(url_of("agent", case, "reply"), {"body": "Second.", "seen": drawn})

    assert Comment.objects.filter(body="Second.").exists()


# --- messages in words ------------------------------------------------------------------------


def test_a_missing_sub_status_is_named_by_its_label(make_case, signed_in):
    case = make_case("support_center")

    response = signed_in("agent").post(
        url_of("agent", case, "transition", "set_pending"), {"seen": version(case)}
    )

    assert response.status_code == 400
    alert = alert_of(response)
    assert "Set pending was not done: Sub-status: Choose one: Customer Input, Development" in alert
    assert "sub_status" not in alert and "customer_input" not in alert


def test_fields_say_which_actions_require_them(make_case, signed_in):
    page = parse(signed_in("agent").get(url_of("agent", make_case("support_center"))).content)
    actions = page.region("Actions")
    heading = actions.field("Sub-status").ancestors()
    text = next(node for node in heading if "field" in node.attrs.get("class", "")).text()
    assert "required for Set pending" in text
    assert "optional" not in text


def test_missing_close_notes_are_named_by_their_label(make_case, cast, signed_in):
    case = walk_to(make_case("customer_service"), "open", cast)

    response = signed_in("agent").post(
        url_of("agent", case, "transition", "propose_solution"), {"seen": version(case)}
    )

    assert "Propose solution was not done: Close notes: This field is required." in alert_of(
        response
    )


def test_a_transition_done_says_what_happened(make_case, cast, signed_in):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    response = signed_in("customer").post(
        url_of("portal", case, "transition", "accept_solution"), follow=True
    )

    assert "Solution accepted. The case is now Closed." in status_of(response)


# --- the assignee -----------------------------------------------------------------------------


def test_a_superuser_sets_the_assignee_of_a_customer_service_case(make_case, client_for, agent):
    boss = CustomerFactory(username="root", is_superuser=True, organization=None)
    case = make_case("customer_service")
    client = client_for(boss)
    properties = parse(client.get(url_of("agent", case)).content).region("Properties")
    assert properties.field("Assignee")

    client.post(
        url_of("agent", case, "properties"),
        {
            "priority": str(Priority.NORMAL),
            "subject": case.subject,
            "assignee": str(agent.pk),
            "seen": version(case),
        },
    )

    assert reload(case).assignee == agent


# --- queries ----------------------------------------------------------------------------------


def _data_queries(queries):
    """The statements that reach the data: the savepoints exist only because a test runs inside
    a transaction of its own."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize(
    ("role", "workflow", "status", "name", "note"),
    [
        ("agent", "technical_support", "work_in_progress", "request_info", "Which version?"),
        ("agent", "technical_support", "work_in_progress", "block", "BUG-1"),
        ("customer", "technical_support", "solution_proposed", "reject_solution", "Still no."),
    ],
)
def test_a_transition_from_the_page_runs_a_handful_of_queries(
    role, workflow, status, name, note, make_case, cast, signed_in
):
    case = walk_to(make_case(workflow), status, cast)
    client = signed_in(role)
    client.get(url_of(SIDES[role], case))  # the session is cached once it has been read
    data = {"note": note, "seen": version(case)}

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url_of(SIDES[role], case, "transition", name), data)

    assert response.status_code == 302
    assert len(_data_queries(queries)) <= 8, _data_queries(queries)


def test_a_refused_transition_changes_nothing_and_keeps_the_note(make_case, cast, signed_in):
    case = walk_to(make_case("technical_support"), "solution_proposed", cast)
    perform_transition(case_id=case.pk, name="accept_solution", actor=cast["customer"])

    response = signed_in("customer").post(
        url_of("portal", case, "transition", "reject_solution"), {"note": "No good."}
    )

    assert response.status_code == 409
    assert reload(case).status == "closed"
