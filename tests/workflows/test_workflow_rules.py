"""The rules around the tables: the (resolved) choices of the spec, sub-statuses, timers'
starting point (status_changed_at) and closed_at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.errors import Conflict
from services.conversation import comment_post
from tests.workflows.walking import attempt_automatic, new_history, reload, walk_to
from workflows.transitions import perform_transition

# --- customer_service ------------------------------------------------------------------------


def test_solution_proposed_while_awaiting_info_resolves_case(make_case, cast, agent):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, close_notes="Reset it."
    )

    assert reload(case).status == "resolved"


def test_proposed_solution_is_stored_as_close_notes(make_case, cast, agent):
    case = walk_to(make_case("customer_service"), "open", cast)

    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, close_notes="Reset it."
    )

    assert reload(case).close_notes == "Reset it."


def test_reject_solution_clears_close_notes(make_case, cast, agent, customer):
    case = walk_to(make_case("customer_service"), "open", cast)
    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, close_notes="Reset it."
    )

    perform_transition(case_id=case.pk, name="reject_solution", actor=customer)

    assert reload(case).close_notes is None


def test_history_keeps_rejected_solution(make_case, cast, agent, customer):
    case = walk_to(make_case("customer_service"), "open", cast)
    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, close_notes="Reset it."
    )

    perform_transition(case_id=case.pk, name="reject_solution", actor=customer)

    proposal = reload(case).history.get(transition="propose_solution")
    assert (proposal.note, proposal.payload) == ("Reset it.", {"close_notes": "Reset it."})


def test_agent_close_stores_its_own_close_notes(make_case, cast, agent):
    case = walk_to(make_case("customer_service"), "open", cast)

    perform_transition(case_id=case.pk, name="close", actor=agent, close_notes="Customer withdrew.")

    assert reload(case).close_notes == "Customer withdrew."


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_nobody_closes_a_resolved_case(role, make_case, cast):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="close", actor=cast[role], close_notes="Done.")


def test_assign_to_me_sets_the_acting_agent_as_assignee(make_case, agent):
    case = make_case("customer_service")

    perform_transition(case_id=case.pk, name="assign_to_me", actor=agent)

    assert reload(case).assignee == agent


# --- support_center sub-statuses -------------------------------------------------------------


def test_new_case_has_no_sub_status(make_case):
    assert make_case("support_center").sub_status == ""


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("start_progress", {}),
        ("close", {"note": "Solved by phone."}),
    ],
)
def test_leaving_pending_clears_sub_status(name, payload, make_case, agent):
    case = make_case("support_center")
    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")

    perform_transition(case_id=case.pk, name=name, actor=agent, **payload)

    assert reload(case).sub_status == ""


def test_customer_update_from_pending_clears_sub_status(make_case, cast, customer):
    case = walk_to(make_case("support_center"), "pending", cast)

    comment_post(case_id=case.pk, actor=customer, body="Here it is.")

    assert reload(case).sub_status == ""


def test_set_pending_from_pending_changes_sub_status(make_case, agent):
    case = make_case("support_center")
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="customer_input"
    )

    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")

    assert reload(case).sub_status == "development"


def test_set_pending_from_pending_restarts_status_changed_at(make_case, agent):
    case = make_case("support_center")
    entered = timezone.now() + timedelta(minutes=1)
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="customer_input", now=entered
    )
    changed = entered + timedelta(days=3)

    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="development", now=changed
    )

    assert reload(case).status_changed_at == changed


def test_set_pending_from_pending_writes_history_with_the_new_sub_status(make_case, agent):
    case = make_case("support_center")
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="customer_input"
    )

    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")

    entry = new_history(case, 0)[-1]
    assert (entry.source, entry.target, entry.payload) == (
        "pending",
        "pending",
        {"sub_status": "development"},
    )


def test_auto_close_from_pending_needs_customer_input(make_case, agent):
    case = make_case("support_center")
    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")

    with pytest.raises(Conflict):
        attempt_automatic(case, "auto_close", None)


def test_auto_close_is_recorded_as_system(make_case, cast):
    case = walk_to(make_case("support_center"), "awaiting_customer_confirmation", cast)

    attempt_automatic(case, "auto_close", None)

    entry = new_history(case, 0)[-1]
    assert (entry.actor, entry.actor_role) == (None, "system")


# --- timers start when a status is entered; closed_at ----------------------------------------


def test_transition_sets_status_changed_at_to_its_time(make_case, agent):
    case = make_case("technical_support")
    now = timezone.now() + timedelta(hours=2)

    perform_transition(case_id=case.pk, name="start_work", actor=agent, now=now)

    assert reload(case).status_changed_at == now


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "customer_service"])
def test_closing_sets_closed_at(workflow, make_case, customer):
    case = make_case(workflow)
    now = timezone.now() + timedelta(hours=2)

    perform_transition(case_id=case.pk, name="close", actor=customer, now=now)

    assert reload(case).closed_at == now


def test_release_tracking_close_sets_closed_at(make_case, cast, customer):
    case = walk_to(make_case("release_tracking"), "resolved", cast)
    now = timezone.now() + timedelta(hours=2)

    perform_transition(case_id=case.pk, name="close", actor=customer, now=now)

    assert reload(case).closed_at == now


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_reopen_clears_closed_at(role, make_case, cast):
    case = walk_to(make_case("release_tracking"), "closed", cast)

    perform_transition(case_id=case.pk, name="reopen", actor=cast[role])

    assert reload(case).closed_at is None


def test_new_case_starts_in_initial_status_with_no_history(make_case):
    case = make_case("release_tracking")

    assert (case.status, case.history.count()) == ("open", 0)
