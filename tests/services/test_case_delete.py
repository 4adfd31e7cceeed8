"""Soft deletion (customer_service): who may delete from which status, what a deleted case looks
like to each role, and restoring it."""

import pytest

from cases.errors import Conflict, Forbidden, NotVisible
from cases.selectors import cases_visible_to, visible_case
from services.cases import case_delete, case_restore
from services.conversation import comment_post
from tests.workflows.walking import reload, walk_to
from workflows.transitions import perform_transition


@pytest.mark.parametrize("role", ["agent", "manager"])
@pytest.mark.parametrize("status", ["new", "open", "awaiting_info"])
def test_staff_deletes_unresolved_case(status, role, make_case, cast):
    case = walk_to(make_case("customer_service"), status, cast)

    case_delete(case_id=case.pk, actor=cast[role])

    assert reload(case).is_deleted


@pytest.mark.parametrize("role", ["agent", "manager"])
@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_staff_delete_of_resolved_or_closed_case_is_conflict(status, role, make_case, cast):
    case = walk_to(make_case("customer_service"), status, cast)

    with pytest.raises(Conflict):
        case_delete(case_id=case.pk, actor=cast[role])


def test_customer_deletes_resolved_case(make_case, cast):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    case_delete(case_id=case.pk, actor=cast["customer"])

    assert reload(case).is_deleted


def test_colleague_deletes_resolved_case(make_case, cast, colleague):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    case_delete(case_id=case.pk, actor=colleague)

    assert reload(case).deleted_by == colleague


@pytest.mark.parametrize("status", ["new", "open", "awaiting_info", "closed"])
def test_customer_delete_outside_resolved_is_conflict(status, make_case, cast):
    case = walk_to(make_case("customer_service"), status, cast)

    with pytest.raises(Conflict):
        case_delete(case_id=case.pk, actor=cast["customer"])


def test_automations_may_not_delete(make_case):
    case = make_case("customer_service")

    with pytest.raises(Forbidden):
        case_delete(case_id=case.pk, actor=None)


def test_customer_of_another_organization_delete_is_not_visible(make_case, cast, other_customer):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    with pytest.raises(NotVisible):
        case_delete(case_id=case.pk, actor=other_customer)


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "release_tracking"])
def test_delete_in_another_workflow_is_conflict(workflow, make_case, agent):
    case = make_case(workflow)

    with pytest.raises(Conflict):
        case_delete(case_id=case.pk, actor=agent)


def test_refused_delete_leaves_case_alive(make_case, cast):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    with pytest.raises(Conflict):
        case_delete(case_id=case.pk, actor=cast["agent"])

    assert not reload(case).is_deleted


def test_delete_of_deleted_case_is_conflict(make_case, manager):
    case = make_case("customer_service")
    case_delete(case_id=case.pk, actor=manager)

    with pytest.raises(Conflict):
        case_delete(case_id=case.pk, actor=manager)


def test_delete_keeps_history(make_case, cast, agent):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)
    history = list(reload(case).history.values_list("pk", flat=True))

    case_delete(case_id=case.pk, actor=agent)

    assert list(reload(case).history.values_list("pk", flat=True)) == history


# --- who still sees a deleted case -----------------------------------------------------------


@pytest.fixture
def deleted_case(make_case, agent):
    case = make_case("customer_service")
    case_delete(case_id=case.pk, actor=agent)
    return case


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_deleted_case_is_not_visible_to_customers_and_agents(role, deleted_case, cast):
    with pytest.raises(NotVisible):
        visible_case(cast[role], deleted_case.pk)


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_deleted_case_is_left_out_of_lists(role, deleted_case, cast):
    assert not cases_visible_to(cast[role]).filter(pk=deleted_case.pk).exists()


def test_manager_sees_deleted_case(deleted_case, manager):
    assert visible_case(manager, deleted_case.pk).pk == deleted_case.pk


def test_agent_transition_on_deleted_case_is_not_visible(deleted_case, agent):
    with pytest.raises(NotVisible):
        perform_transition(case_id=deleted_case.pk, name="assign_to_me", actor=agent)


def test_customer_reply_on_deleted_case_is_not_visible(deleted_case, customer):
    with pytest.raises(NotVisible):
        comment_post(case_id=deleted_case.pk, actor=customer, body="Hello?")


def test_manager_restores_deleted_case(deleted_case, manager):
    case_restore(case_id=deleted_case.pk, actor=manager)

    assert not reload(deleted_case).is_deleted


def test_restored_case_is_visible_to_its_customer_again(deleted_case, manager, customer):
    case_restore(case_id=deleted_case.pk, actor=manager)

    assert visible_case(customer, deleted_case.pk).pk == deleted_case.pk


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_a_deleted_case_does_not_exist_for_non_managers_who_restore_it(role, deleted_case, cast):
    with pytest.raises(NotVisible):
        case_restore(case_id=deleted_case.pk, actor=cast[role])


def test_only_managers_restore(make_case, agent):
    with pytest.raises(Forbidden):
        case_restore(case_id=make_case("customer_service").pk, actor=agent)


def test_restore_of_live_case_is_conflict(make_case, manager):
    case = make_case("customer_service")

    with pytest.raises(Conflict):
        case_restore(case_id=case.pk, actor=manager)
