"""POST /api/cases/{id}/transitions/{name}/: every row of the spec tables over HTTP for the roles
it names, and each refusal with its code (404, 403, 409 with `status` and
`available_transitions`, 400 per payload field); a refused transition changes nothing."""

import pytest

from tests.workflows.spec_tables import TABLES, path_to
from tests.workflows.walking import payload_for, snapshot

ROLES = ("customer", "agent", "manager")


def nearest_source(workflow, name):
    sources = TABLES[workflow].transitions[name].sources
    return min(sources, key=lambda status: (len(path_to(workflow, status)), status))


def requested_by_hand(row) -> bool:
    return not (row.automatic or row.via_release)


# `accept` needs a manager's assignment first: it has tests of its own below.
MANUAL = [
    (workflow, name)
    for workflow, table in TABLES.items()
    for name, row in table.transitions.items()
    if requested_by_hand(row) and (workflow, name) != ("customer_service", "accept")
]
ALLOWED = [
    (workflow, name, role)
    for workflow, name in MANUAL
    for role in ROLES
    if role in TABLES[workflow].transitions[name].roles
]
NOT_ALLOWED = [
    (workflow, name, role)
    for workflow, name in MANUAL
    for role in ROLES
    if role not in TABLES[workflow].transitions[name].roles
]
AUTOMATIC = [
    (workflow, name)
    for workflow, table in TABLES.items()
    for name, row in table.transitions.items()
    if row.automatic and row.roles != {"system"}
]
SYSTEM_ONLY = [
    (workflow, name)
    for workflow, table in TABLES.items()
    for name, row in table.transitions.items()
    if row.roles == {"system"}
]


def transition(client, case, name, **payload):
    return client.post(f"/api/cases/{case.pk}/transitions/{name}/", payload, format="json")


@pytest.mark.parametrize(("workflow", "name", "role"), ALLOWED)
def test_each_role_of_the_table_performs_its_transition(api, cast, case_in, workflow, name, role):
    case = case_in(workflow, nearest_source(workflow, name))

    response = transition(api(cast[role]), case, name, **payload_for(workflow, name, role, cast))

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == TABLES[workflow].transitions[name].target
    assert response.json()["id"] == case.pk
    last = case.history.order_by("created_at", "id").last()
    assert (last.transition, last.actor_id, last.actor_role) == (name, cast[role].pk, role)


@pytest.mark.parametrize(("workflow", "name", "role"), NOT_ALLOWED)
def test_a_role_the_table_does_not_name_gets_403(api, cast, case_in, workflow, name, role):
    case = case_in(workflow, nearest_source(workflow, name))
    before = snapshot(case)

    response = transition(api(cast[role]), case, name, **payload_for(workflow, name, "agent", cast))

    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str)
    assert snapshot(case) == before


@pytest.mark.parametrize(("workflow", "name"), AUTOMATIC)
@pytest.mark.parametrize("role", ROLES)
def test_an_automatic_transition_asked_for_by_hand_is_409(api, cast, case_in, workflow, name, role):
    case = case_in(workflow, nearest_source(workflow, name))
    before = snapshot(case)

    response = transition(api(cast[role]), case, name)

    assert response.status_code == 409
    assert name not in response.json()["available_transitions"]
    assert snapshot(case) == before


@pytest.mark.parametrize(("workflow", "name"), SYSTEM_ONLY)
@pytest.mark.parametrize("role", ROLES)
def test_auto_close_is_the_systems_alone(api, cast, case_in, workflow, name, role):
    case = case_in(workflow, nearest_source(workflow, name))
    before = snapshot(case)

    response = transition(api(cast[role]), case, name)

    assert response.status_code == 403
    assert snapshot(case) == before


def test_a_customer_asking_for_deliver_release_is_403(api, customer, case_in):
    case = case_in("release_tracking", "done_awaiting_release")

    assert transition(api(customer), case, "deliver_release").status_code == 403


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_asking_for_deliver_release_alone_is_409(api, cast, case_in, role):
    case = case_in("release_tracking", "done_awaiting_release")
    before = snapshot(case)

    response = transition(api(cast[role]), case, "deliver_release")

    assert response.status_code == 409
    assert response.json()["status"] == "done_awaiting_release"
    assert "deliver_release" not in response.json()["available_transitions"]
    assert snapshot(case) == before


def test_a_transition_not_available_now_is_409_with_status_and_what_is(api, agent, case_in):
    case = case_in("technical_support", "pending_customer")
    before = snapshot(case)

    response = transition(api(agent), case, "propose_solution", note="Reboot.")

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "status", "available_transitions"}
    assert isinstance(response.json()["detail"], str)
    assert response.json()["status"] == "pending_customer"
    assert response.json()["available_transitions"] == ["close"]
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("role", "status", "name", "available"),
    [
        ("customer", "work_in_progress", "accept_solution", ["close"]),
        ("customer", "closed", "close", []),
        ("agent", "new", "propose_solution", ["start_work", "close"]),
        ("agent", "solution_proposed", "start_work", ["close"]),
        ("manager", "pending_customer", "block", ["close"]),
    ],
)
def test_the_409_lists_what_this_user_may_do(api, cast, case_in, role, status, name, available):
    case = case_in("technical_support", status)
    client = api(cast[role])

    refused = transition(client, case, name, note="Because.")
    shown = client.get(f"/api/cases/{case.pk}/").json()["available_transitions"]

    assert refused.status_code == 409
    assert refused.json()["available_transitions"] == available
    assert shown == available


def test_closed_is_final_in_technical_support(api, agent, case_in):
    case = case_in("technical_support", "closed")

    response = transition(api(agent), case, "start_work")

    assert response.status_code == 409
    assert response.json() | {"detail": ""} == {
        "detail": "",
        "status": "closed",
        "available_transitions": [],
    }


@pytest.mark.parametrize("name", ["fly", "START_WORK", "confirm", "assign_to_me", "x" * 300])
def test_a_name_that_is_not_in_the_workflow_is_404(api, agent, case_in, name):
    case = case_in("technical_support")
    before = snapshot(case)

    response = transition(api(agent), case, name)

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)
    assert snapshot(case) == before


@pytest.mark.parametrize("name", ["close", "accept_solution", "start_work", "fly"])
def test_a_case_of_another_organization_is_404_whatever_the_transition(
    api, other_customer, case_in, name
):
    case = case_in("technical_support", "solution_proposed")
    before = snapshot(case)

    response = transition(api(other_customer), case, name)

    assert response.status_code == 404
    assert snapshot(case) == before


def test_an_unknown_case_is_404(api, agent, db):
    response = api(agent).post("/api/cases/999999/transitions/close/", {}, format="json")

    assert response.status_code == 404


def test_transitions_are_posted_not_read(api, agent, case_in):
    case = case_in("technical_support")

    assert api(agent).get(f"/api/cases/{case.pk}/transitions/start_work/").status_code == 405


# Payloads


@pytest.mark.parametrize(
    ("workflow", "status", "name", "role", "payload", "field"),
    [
        ("technical_support", "work_in_progress", "block", "agent", {}, "note"),
        ("technical_support", "work_in_progress", "block", "agent", {"note": "  "}, "note"),
        ("technical_support", "work_in_progress", "propose_solution", "agent", {}, "note"),
        ("technical_support", "work_in_progress", "close", "agent", {}, "note"),
        ("technical_support", "work_in_progress", "close", "manager", {}, "note"),
        ("support_center", "in_progress", "set_pending", "agent", {}, "sub_status"),
        (
            "support_center",
            "in_progress",
            "set_pending",
            "agent",
            {"sub_status": "lunch_break"},
            "sub_status",
        ),
        ("support_center", "in_progress", "provide_answer", "agent", {}, "note"),
        ("support_center", "in_progress", "close", "agent", {}, "note"),
        ("customer_service", "open", "propose_solution", "agent", {}, "close_notes"),
        ("customer_service", "open", "close", "agent", {}, "close_notes"),
        ("release_tracking", "open", "assign", "agent", {}, "assignee"),
        ("release_tracking", "open", "assign", "agent", {"assignee": 999_999}, "assignee"),
        ("release_tracking", "open", "assign", "agent", {"assignee": 2**64}, "assignee"),
        ("release_tracking", "open", "assign", "agent", {"assignee": "agnes"}, "assignee"),
        ("release_tracking", "open", "assign", "agent", {"assignee": -3}, "assignee"),
        ("release_tracking", "development_in_progress", "block", "agent", {}, "note"),
        ("technical_support", "work_in_progress", "block", "agent", {"note": ["x"]}, "note"),
        ("technical_support", "work_in_progress", "block", "agent", {"note": {"a": 1}}, "note"),
        (
            "technical_support",
            "work_in_progress",
            "block",
            "agent",
            {"note": "x" * 20_001},
            "note",
        ),
    ],
)
def test_a_missing_or_invalid_payload_is_400_naming_the_field(
    api, cast, case_in, workflow, status, name, role, payload, field
):
    case = case_in(workflow, status)
    before = snapshot(case)

    response = transition(api(cast[role]), case, name, **payload)

    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()["detail"], str)
    assert snapshot(case) == before


def test_the_assignee_of_assign_must_be_staff(api, agent, customer, case_in):
    case = case_in("release_tracking")

    response = transition(api(agent), case, "assign", assignee=customer.pk)

    assert response.status_code == 400
    assert "assignee" in response.json()


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "customer_service"])
def test_a_customer_closes_without_a_note(api, customer, case_in, workflow):
    case = case_in(workflow)

    response = transition(api(customer), case, "close")

    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["closed_at"] is not None


def test_a_pending_case_carries_the_sub_status_given(api, agent, case_in):
    case = case_in("support_center", "in_progress")

    response = transition(api(agent), case, "set_pending", sub_status="third_party_provider")

    assert (response.json()["status"], response.json()["sub_status"]) == (
        "pending",
        "third_party_provider",
    )


def test_the_sub_status_is_cleared_on_leaving_pending(api, agent, case_in):
    case = case_in("support_center", "pending")

    response = transition(api(agent), case, "start_progress")

    assert response.json()["sub_status"] is None


def test_proposing_a_customer_service_solution_stores_the_close_notes(api, agent, case_in):
    case = case_in("customer_service", "open")

    response = transition(api(agent), case, "propose_solution", close_notes="Refunded.")

    assert response.json()["close_notes"] == "Refunded."


def test_rejecting_the_solution_clears_the_close_notes(api, customer, case_in):
    case = case_in("customer_service", "resolved")

    response = transition(api(customer), case, "reject_solution")

    assert (response.json()["status"], response.json()["close_notes"]) == ("open", None)


def test_the_role_is_checked_before_the_status(api, customer, case_in):
    closed = case_in("technical_support", "closed")

    assert transition(api(customer), closed, "start_work").status_code == 403


def test_the_status_is_checked_before_the_payload(api, agent, case_in):
    new = case_in("technical_support")

    assert transition(api(agent), new, "block").status_code == 409


# customer_service `accept`: only the agent a manager assigned


def test_the_assigned_agent_accepts(api, manager, agent, case_in):
    case = case_in("customer_service")
    api(manager).patch(f"/api/cases/{case.pk}/", {"assignee": agent.pk}, format="json")

    response = transition(api(agent), case, "accept")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["assignee"]) == ("open", agent.pk)


def test_another_agent_may_not_accept(api, manager, agent, other_agent, case_in):
    case = case_in("customer_service")
    api(manager).patch(f"/api/cases/{case.pk}/", {"assignee": agent.pk}, format="json")
    before = snapshot(case)

    response = transition(api(other_agent), case, "accept")

    assert response.status_code == 403
    assert snapshot(case) == before


def test_nobody_accepts_an_unassigned_case(api, agent, case_in):
    case = case_in("customer_service")

    response = transition(api(agent), case, "accept")

    assert response.status_code == 409
    assert response.json()["available_transitions"] == ["assign_to_me", "close"]


def test_assign_to_me_makes_the_agent_the_assignee(api, agent, case_in):
    case = case_in("customer_service")

    response = transition(api(agent), case, "assign_to_me")

    assert (response.json()["status"], response.json()["assignee"]) == ("open", agent.pk)


# release_tracking: send_to_development waits for the customer's answer


def test_send_to_development_waits_for_the_customers_reply(api, agent, customer, case_in):
    case = case_in("release_tracking", "waiting_for_customer_response")

    refused = transition(api(agent), case, "send_to_development")
    api(customer).post(f"/api/cases/{case.pk}/comments/", {"body": "Still broken."}, format="json")
    accepted = transition(api(agent), case, "send_to_development")

    assert refused.status_code == 409
    assert refused.json()["available_transitions"] == []
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "send_to_development"


def test_a_reopened_release_tracking_case_starts_over(api, customer, case_in):
    case = case_in("release_tracking", "closed")

    response = transition(api(customer), case, "reopen")

    assert (response.json()["status"], response.json()["closed_at"]) == ("open", None)


def test_the_first_agent_to_act_owns_a_technical_support_case(api, agent, case_in):
    case = case_in("technical_support")

    response = transition(api(agent), case, "start_work")

    assert response.json()["assignee"] == agent.pk
