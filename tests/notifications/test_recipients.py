"""Who is told of what: the customer of every step that waits on them (a new case, a request for
information, a proposed solution), and an agent of a case given to them; never the person who
acted, except the acknowledgement that gives a customer the reference of the case they opened."""

import pytest

from cases.models import Priority
from notifications.models import Kind, Notification
from notifications.selectors import notifications_for
from services.cases import case_create, case_repeat, case_update
from services.conversation import comment_post
from tests.workflows.walking import walk_to
from workflows.transitions import perform_transition


def told(case, kind) -> list[str]:
    """The usernames `kind` was recorded for about `case`."""
    rows = Notification.objects.filter(case=case, kind=kind).order_by("id")
    return [row.recipient.username for row in rows]


def test_a_new_case_is_acknowledged_to_the_customer_who_opened_it(queues, customer):
    case = case_create(actor=customer, queue=queues["technical_support"], subject="No sound")

    [row] = Notification.objects.filter(case=case)

    assert (row.kind, row.recipient, row.case_status_label) == (Kind.CASE_CREATED, customer, "New")


def test_the_acknowledgement_is_in_the_customers_updates_too(queues, customer):
    case = case_create(actor=customer, queue=queues["technical_support"], subject="No sound")

    [update] = notifications_for(customer)

    assert (update.kind, update.case, update.read_at) == (Kind.CASE_CREATED, case, None)


def test_a_case_opened_on_a_customers_behalf_is_acknowledged_to_the_customer(
    queues, customer, agent
):
    case = case_create(
        actor=agent, queue=queues["support_center"], subject="Called about VPN", requester=customer
    )

    assert told(case, Kind.CASE_CREATED) == [customer.username]


def test_a_repeat_case_is_acknowledged_with_its_own_reference(make_case, customer, agent):
    original = make_case("technical_support")
    perform_transition(case_id=original.pk, name="close", actor=customer)

    repeat = case_repeat(case_id=original.pk, actor=agent)

    assert told(repeat, Kind.CASE_CREATED) == [customer.username]


@pytest.mark.parametrize(
    ("workflow", "status", "name"),
    [
        ("technical_support", "work_in_progress", "request_info"),
        ("customer_service", "open", "request_info"),
        ("release_tracking", "investigation_underway", "request_customer_response"),
    ],
)
def test_a_request_for_information_notifies_the_customer(
    make_case, cast, customer, agent, workflow, status, name
):
    case = walk_to(make_case(workflow), status, cast)

    perform_transition(case_id=case.pk, name=name, actor=agent)

    assert told(case, Kind.INFO_REQUESTED) == [customer.username]


def test_a_proposed_technical_support_solution_notifies_the_customer(
    make_case, cast, customer, agent
):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)

    perform_transition(case_id=case.pk, name="propose_solution", actor=agent, note="Reboot.")

    assert told(case, Kind.SOLUTION_PROPOSED) == [customer.username]
    # The solution is a public reply, but one email tells of it, not two.
    assert told(case, Kind.PUBLIC_REPLY) == []


def test_a_proposed_customer_service_solution_notifies_the_customer(
    make_case, cast, customer, agent
):
    case = walk_to(make_case("customer_service"), "open", cast)

    perform_transition(case_id=case.pk, name="propose_solution", actor=agent, close_notes="Done.")

    assert told(case, Kind.RESOLUTION) == [customer.username]


# --- assignment --------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", ["technical_support", "customer_service"])
def test_an_agent_hears_of_a_case_a_manager_assigns_them(make_case, manager, agent, workflow):
    case = make_case(workflow)

    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent})

    assert told(case, Kind.ASSIGNED) == [agent.username]


def test_an_agent_hears_of_a_case_a_colleague_hands_them(make_case, agent, other_agent):
    case = make_case("technical_support")
    case_update(case_id=case.pk, actor=agent, changes={"assignee": agent})

    case_update(case_id=case.pk, actor=agent, changes={"assignee": other_agent})

    assert told(case, Kind.ASSIGNED) == [other_agent.username]


def test_the_assign_transition_tells_the_agent_it_names(make_case, agent, other_agent):
    case = make_case("release_tracking")

    perform_transition(case_id=case.pk, name="assign", actor=agent, assignee=other_agent.pk)

    [row] = Notification.objects.filter(case=case, kind=Kind.ASSIGNED)
    assert (row.recipient, row.case_status_label) == (other_agent, "Ticket Assigned")


def test_an_agent_assigned_twice_hears_of_each_assignment(make_case, manager, agent, other_agent):
    case = make_case("technical_support")
    for assignee in (agent, other_agent, agent):
        case_update(case_id=case.pk, actor=manager, changes={"assignee": assignee})

    assert told(case, Kind.ASSIGNED) == [agent.username, other_agent.username, agent.username]


@pytest.mark.parametrize(
    "take",
    [
        pytest.param(
            lambda case, agent: case_update(
                case_id=case.pk, actor=agent, changes={"assignee": agent}
            ),
            id="edit",
        ),
        pytest.param(
            lambda case, agent: perform_transition(case_id=case.pk, name="start_work", actor=agent),
            id="first-action-makes-the-owner",
        ),
        pytest.param(
            lambda case, agent: comment_post(case_id=case.pk, actor=agent, body="On it."),
            id="first-reply-makes-the-owner",
        ),
    ],
)
def test_nobody_hears_of_taking_a_case_themselves(make_case, agent, take):
    case = make_case("technical_support")

    take(case, agent)

    assert told(case, Kind.ASSIGNED) == []


def test_assign_to_me_tells_nobody(make_case, agent):
    case = make_case("customer_service")

    perform_transition(case_id=case.pk, name="assign_to_me", actor=agent)

    assert told(case, Kind.ASSIGNED) == []


def test_assigning_a_case_to_oneself_by_the_assign_transition_tells_nobody(make_case, agent):
    case = make_case("release_tracking")

    perform_transition(case_id=case.pk, name="assign", actor=agent, assignee=agent.pk)

    assert told(case, Kind.ASSIGNED) == []


@pytest.mark.parametrize("change", ["same", "nobody"])
def test_an_edit_that_gives_the_case_to_nobody_new_tells_nobody(make_case, manager, agent, change):
    case = make_case("technical_support")
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent})

    assignee = agent if change == "same" else None
    changes = {"assignee": assignee, "priority": Priority.HIGH}
    case_update(case_id=case.pk, actor=manager, changes=changes)

    assert told(case, Kind.ASSIGNED) == [agent.username]


# --- the conversation by email (spec/email.md, Sending) ----------------------------------------


@pytest.mark.parametrize("channel", ["web", "email", "api"])
def test_a_customers_reply_tells_the_agent_the_case_is_assigned_to(
    make_case, manager, agent, customer, channel
):
    case = make_case("technical_support")
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent})

    comment_post(case_id=case.pk, actor=customer, body="It smokes again.", channel=channel)

    assert told(case, Kind.PUBLIC_REPLY) == [agent.username]


def test_a_customers_reply_by_email_on_an_unassigned_case_is_emailed_to_nobody(make_case, customer):
    case = make_case("technical_support")

    comment_post(case_id=case.pk, actor=customer, body="Any news?", channel="email")

    assert told(case, Kind.PUBLIC_REPLY) == []


@pytest.mark.parametrize("channel", ["web", "email"])
def test_supports_reply_is_emailed_to_the_requester(make_case, agent, customer, channel):
    case = make_case("technical_support")

    comment_post(case_id=case.pk, actor=agent, body="Restart it.", channel=channel)

    assert told(case, Kind.PUBLIC_REPLY) == [customer.username]


def test_a_transitions_public_note_is_emailed_to_the_requester(make_case, customer, agent):
    case = make_case("technical_support")

    perform_transition(case_id=case.pk, name="start_work", actor=agent, note="Looking at it now.")

    [row] = Notification.objects.filter(case=case, kind=Kind.PUBLIC_REPLY)
    assert row.recipient == customer


def test_a_colleagues_reply_is_not_emailed_back_to_the_requester(
    make_case, manager, agent, colleague
):
    case = make_case("technical_support")
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent})

    comment_post(case_id=case.pk, actor=colleague, body="Same here.", channel="email")

    assert told(case, Kind.PUBLIC_REPLY) == [agent.username]
