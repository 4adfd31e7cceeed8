"""Required payloads: a missing or invalid field is refused with 400 naming the field, and
nothing is written."""

import pytest

from cases.errors import InvalidInput
from tests.factories import AgentFactory
from tests.workflows.walking import reload, snapshot, walk_to
from workflows.transitions import perform_transition

# (workflow, status, transition, role, payload, field named in the error)
REFUSED = [
    ("technical_support", "work_in_progress", "propose_solution", "agent", {}, "note"),
    ("technical_support", "work_in_progress", "propose_solution", "agent", {"note": "  "}, "note"),
    ("technical_support", "work_in_progress", "block", "agent", {}, "note"),
    ("technical_support", "new", "close", "agent", {}, "note"),
    ("technical_support", "new", "close", "manager", {}, "note"),
    ("support_center", "new", "set_pending", "agent", {}, "sub_status"),
    ("support_center", "new", "set_pending", "agent", {"sub_status": "holiday"}, "sub_status"),
    ("support_center", "pending", "set_pending", "agent", {}, "sub_status"),
    ("support_center", "in_progress", "provide_answer", "agent", {}, "note"),
    ("support_center", "new", "close", "agent", {}, "note"),
    ("customer_service", "open", "propose_solution", "agent", {}, "close_notes"),
    (
        "customer_service",
        "open",
        "propose_solution",
        "agent",
        {"note": "A note is not the solution."},
        "close_notes",
    ),
    ("customer_service", "awaiting_info", "propose_solution", "agent", {}, "close_notes"),
    ("customer_service", "new", "close", "agent", {}, "close_notes"),
    ("customer_service", "open", "close", "manager", {}, "close_notes"),
    ("release_tracking", "open", "assign", "agent", {}, "assignee"),
    ("release_tracking", "open", "assign", "agent", {"assignee": 999_999}, "assignee"),
    ("release_tracking", "open", "assign", "agent", {"assignee": "not-an-id"}, "assignee"),
    ("release_tracking", "development_in_progress", "block", "agent", {}, "note"),
]


def _id(case):
    workflow, status, name, role, payload, _field = case
    given = "-".join(f"{key}={value}" for key, value in payload.items()) or "nothing"
    return f"{workflow}-{status}-{name}-{role}-{given}"


@pytest.mark.parametrize(
    ("workflow", "status", "name", "role", "payload", "field"), REFUSED, ids=map(_id, REFUSED)
)
def test_missing_or_invalid_payload_is_refused_naming_the_field(
    workflow, status, name, role, payload, field, make_case, cast
):
    case = walk_to(make_case(workflow), status, cast)

    with pytest.raises(InvalidInput) as refused:
        perform_transition(case_id=case.pk, name=name, actor=cast[role], **payload)

    assert list(refused.value.errors) == [field]


def test_refused_payload_changes_nothing(make_case, cast):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    before = snapshot(case)

    with pytest.raises(InvalidInput):
        perform_transition(case_id=case.pk, name="propose_solution", actor=cast["agent"])

    assert snapshot(case) == before


def test_assign_refuses_a_customer_as_assignee(make_case, cast, customer):
    case = make_case("release_tracking")

    with pytest.raises(InvalidInput) as refused:
        perform_transition(
            case_id=case.pk, name="assign", actor=cast["agent"], assignee=customer.pk
        )

    assert list(refused.value.errors) == ["assignee"]


def test_assign_refuses_an_inactive_agent_as_assignee(make_case, cast):
    case = make_case("release_tracking")
    gone = AgentFactory(username="gone", is_active=False)

    with pytest.raises(InvalidInput) as refused:
        perform_transition(case_id=case.pk, name="assign", actor=cast["agent"], assignee=gone.pk)

    assert list(refused.value.errors) == ["assignee"]


def test_assign_sets_the_named_agent_as_assignee(make_case, cast, other_agent):
    case = make_case("release_tracking")

    perform_transition(case_id=case.pk, name="assign", actor=cast["agent"], assignee=other_agent.pk)

    assert reload(case).assignee == other_agent


@pytest.mark.parametrize(
    ("workflow", "status"),
    [
        ("technical_support", "new"),
        ("technical_support", "solution_proposed"),
        ("support_center", "awaiting_customer_confirmation"),
        ("customer_service", "open"),
    ],
)
def test_customer_closes_without_a_note(workflow, status, make_case, cast):
    case = walk_to(make_case(workflow), status, cast)

    perform_transition(case_id=case.pk, name="close", actor=cast["customer"])

    assert reload(case).status == "closed"


@pytest.mark.parametrize(
    "sub_status",
    ["customer_input", "development", "scheduled_support_service", "third_party_provider"],
)
def test_set_pending_stores_each_sub_status(sub_status, make_case, cast):
    case = make_case("support_center")

    perform_transition(
        case_id=case.pk, name="set_pending", actor=cast["agent"], sub_status=sub_status
    )

    assert reload(case).sub_status == sub_status


def test_agent_close_note_is_kept_in_history(make_case, cast):
    case = make_case("technical_support")

    perform_transition(
        case_id=case.pk, name="close", actor=cast["agent"], note="Inconclusive; agreed."
    )

    assert reload(case).history.get().note == "Inconclusive; agreed."


def test_block_note_is_internal_in_history(make_case, cast):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)

    perform_transition(case_id=case.pk, name="block", actor=cast["agent"], note="BUG-1234")

    assert reload(case).history.get(transition="block").note_internal is True


def test_block_note_is_not_posted_to_the_conversation(make_case, cast):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)

    perform_transition(case_id=case.pk, name="block", actor=cast["agent"], note="BUG-1234")

    assert not reload(case).comments.filter(body__contains="BUG-1234").exists()


def test_reject_solution_note_is_optional_and_kept(make_case, cast):
    case = walk_to(make_case("technical_support"), "solution_proposed", cast)

    perform_transition(
        case_id=case.pk, name="reject_solution", actor=cast["customer"], note="No luck."
    )

    assert reload(case).history.get(transition="reject_solution").note == "No luck."
