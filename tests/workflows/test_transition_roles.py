"""Who may perform each transition: the spec's "who" column, a manager wherever an agent,
404 (not 403) for customers of another organization, and the transitions nobody may request."""

import pytest

from cases.errors import Conflict, Forbidden, NotVisible, UnknownTransition
from services.cases import case_update
from tests.workflows.spec_tables import TABLES, path_to
from tests.workflows.walking import (
    new_history,
    payload_for,
    reload,
    row_of,
    snapshot,
    walk_to,
)
from workflows.transitions import perform_transition

ROLES = ("customer", "agent", "manager", "system")


def _nearest_source(workflow, name):
    """The source of the transition that the shortest walk reaches (ties: table order)."""
    order = TABLES[workflow].status_keys
    return min(
        row_of(workflow, name).sources,
        key=lambda status: (len(path_to(workflow, status)), order.index(status)),
    )


def _requested_by_hand(row) -> bool:
    return not (row.automatic or row.via_release)


# `accept` (only the agent a manager assigned) has tests of its own below.
MANUAL = [
    (workflow, name)
    for workflow, table in TABLES.items()
    for name, row in table.transitions.items()
    if _requested_by_hand(row) and (workflow, name) != ("customer_service", "accept")
]
ALLOWED = [
    (workflow, name, role)
    for workflow, name in MANUAL
    for role in ROLES
    if role in row_of(workflow, name).roles
]
NOT_ALLOWED = [
    (workflow, name, role)
    for workflow, name in MANUAL
    for role in ROLES
    if role not in row_of(workflow, name).roles
]
EVERY_TRANSITION = [
    (workflow, name) for workflow, table in TABLES.items() for name in table.transitions
]
CUSTOMER_TRANSITIONS = [
    (workflow, name) for workflow, name in MANUAL if "customer" in row_of(workflow, name).roles
]
AUTOMATIC_FOR_CUSTOMERS = [
    (workflow, name)
    for workflow, table in TABLES.items()
    for name, row in table.transitions.items()
    if row.automatic and "customer" in row.roles
]
SYSTEM_ONLY = [
    (workflow, name)
    for workflow, table in TABLES.items()
    for name, row in table.transitions.items()
    if row.roles == {"system"}
]


@pytest.mark.parametrize(("workflow", "name", "role"), ALLOWED)
def test_allowed_role_performs_transition(workflow, name, role, make_case, cast):
    case = walk_to(make_case(workflow), _nearest_source(workflow, name), cast)
    before = len(new_history(case, 0))

    perform_transition(
        case_id=case.pk, name=name, actor=cast[role], **payload_for(workflow, name, role, cast)
    )

    recorded_role = new_history(case, before)[0].actor_role
    assert (reload(case).status, recorded_role) == (row_of(workflow, name).target, role)


@pytest.mark.parametrize(("workflow", "name", "role"), NOT_ALLOWED)
def test_role_not_in_table_is_forbidden(workflow, name, role, make_case, cast):
    case = walk_to(make_case(workflow), _nearest_source(workflow, name), cast)

    with pytest.raises(Forbidden):
        perform_transition(
            case_id=case.pk, name=name, actor=cast[role], **payload_for(workflow, name, role, cast)
        )


def test_forbidden_transition_changes_nothing(make_case, cast):
    case = make_case("technical_support")
    before = snapshot(case)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name="start_work", actor=cast["customer"])

    assert snapshot(case) == before


@pytest.mark.parametrize(("workflow", "name"), EVERY_TRANSITION)
def test_customer_of_another_organization_gets_not_visible(
    workflow, name, make_case, cast, other_customer
):
    case = walk_to(make_case(workflow), _nearest_source(workflow, name), cast)

    with pytest.raises(NotVisible):
        perform_transition(
            case_id=case.pk,
            name=name,
            actor=other_customer,
            **payload_for(workflow, name, "customer", cast),
        )


@pytest.mark.parametrize(("workflow", "name"), CUSTOMER_TRANSITIONS)
def test_colleague_of_requester_performs_customer_transition(
    workflow, name, make_case, cast, colleague
):
    case = walk_to(make_case(workflow), _nearest_source(workflow, name), cast)

    perform_transition(case_id=case.pk, name=name, actor=colleague)

    assert reload(case).status == row_of(workflow, name).target


# --- transitions nobody may ask for by name --------------------------------------------------


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
@pytest.mark.parametrize(("workflow", "name"), AUTOMATIC_FOR_CUSTOMERS)
def test_automatic_transition_requested_by_hand_is_conflict(workflow, name, role, make_case, cast):
    case = walk_to(make_case(workflow), _nearest_source(workflow, name), cast)

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name=name, actor=cast[role])


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
@pytest.mark.parametrize(("workflow", "name"), SYSTEM_ONLY)
def test_auto_close_requested_by_hand_is_forbidden(workflow, name, role, make_case, cast):
    case = walk_to(make_case(workflow), _nearest_source(workflow, name), cast)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name=name, actor=cast[role])


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_deliver_release_requested_alone_is_conflict(role, make_case, cast):
    case = walk_to(make_case("release_tracking"), "done_awaiting_release", cast)

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="deliver_release", actor=cast[role])


def test_deliver_release_requested_by_customer_is_forbidden(make_case, cast):
    case = walk_to(make_case("release_tracking"), "done_awaiting_release", cast)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name="deliver_release", actor=cast["customer"])


def test_deliver_release_requested_alone_leaves_case_waiting_for_release(make_case, cast):
    case = walk_to(make_case("release_tracking"), "done_awaiting_release", cast)
    before = snapshot(case)

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="deliver_release", actor=cast["agent"])

    assert snapshot(case) == before


def test_unknown_transition_is_unknown(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(UnknownTransition):
        perform_transition(case_id=case.pk, name="escalate", actor=agent)


def test_transition_of_another_workflow_is_unknown(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(UnknownTransition):
        perform_transition(case_id=case.pk, name="assign_to_me", actor=agent)


# --- what a 409 tells the caller -------------------------------------------------------------


def test_conflict_names_current_status(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(Conflict) as refused:
        perform_transition(case_id=case.pk, name="request_info", actor=agent)

    assert refused.value.status == "new"


def test_conflict_lists_transitions_available_to_the_agent(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(Conflict) as refused:
        perform_transition(case_id=case.pk, name="request_info", actor=agent)

    assert refused.value.available_transitions == ["start_work", "close"]


def test_conflict_lists_transitions_available_to_the_customer(make_case, customer):
    case = make_case("technical_support")

    with pytest.raises(Conflict) as refused:
        perform_transition(case_id=case.pk, name="accept_solution", actor=customer)

    assert refused.value.available_transitions == ["close"]


# --- customer_service `accept`: only the agent a manager assigned -----------------------------


def _assigned_new_case(make_case, manager, assignee):
    case = make_case("customer_service")
    case_update(case_id=case.pk, actor=manager, changes={"assignee": assignee})
    return case


def test_assigned_agent_accepts_case(make_case, manager, agent):
    case = _assigned_new_case(make_case, manager, agent)

    perform_transition(case_id=case.pk, name="accept", actor=agent)

    assert reload(case).status == "open"


def test_accept_keeps_the_assigned_agent(make_case, manager, agent):
    case = _assigned_new_case(make_case, manager, agent)

    perform_transition(case_id=case.pk, name="accept", actor=agent)

    assert reload(case).assignee == agent


def test_other_agent_may_not_accept_case_assigned_to_someone_else(
    make_case, manager, agent, other_agent
):
    case = _assigned_new_case(make_case, manager, agent)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name="accept", actor=other_agent)


def test_manager_may_not_accept_case_assigned_to_an_agent(make_case, manager, agent):
    case = _assigned_new_case(make_case, manager, agent)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name="accept", actor=manager)


def test_manager_assigned_to_case_accepts_it(make_case, manager):
    case = _assigned_new_case(make_case, manager, manager)

    perform_transition(case_id=case.pk, name="accept", actor=manager)

    assert reload(case).status == "open"


def test_customer_may_not_accept_case(make_case, manager, agent, customer):
    case = _assigned_new_case(make_case, manager, agent)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name="accept", actor=customer)


def test_accept_of_unassigned_case_is_conflict(make_case, agent):
    case = make_case("customer_service")

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="accept", actor=agent)


def test_manager_assignment_keeps_new_case_new(make_case, manager, agent):
    case = _assigned_new_case(make_case, manager, agent)

    assert reload(case).status == "new"


# --- the order of the checks: 404, 403, 409, 400 ---------------------------------------------


def test_role_is_checked_before_availability(make_case, cast):
    case = walk_to(make_case("technical_support"), "closed", cast)

    with pytest.raises(Forbidden):
        perform_transition(case_id=case.pk, name="start_work", actor=cast["customer"])


def test_availability_is_checked_before_payload(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="propose_solution", actor=agent)


def test_visibility_is_checked_before_role(make_case, other_customer):
    case = make_case("technical_support")

    with pytest.raises(NotVisible):
        perform_transition(case_id=case.pk, name="start_work", actor=other_customer)
