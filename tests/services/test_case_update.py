"""Who may edit, reply to and annotate a case, and when: closed is final (except in
release_tracking), a resolved customer_service case awaits the customer's decision, and only
managers set the assignee in customer_service."""

import pytest

from cases.errors import Conflict, Forbidden, InvalidInput
from services.cases import case_update
from services.conversation import comment_post
from tests.workflows.walking import reload, snapshot, walk_to

CLOSED_IS_FINAL = ["technical_support", "support_center", "customer_service"]


def _edit(case, actor):
    return case_update(case_id=case.pk, actor=actor, changes={"description": "One more thing."})


def _reply(case, actor):
    return comment_post(case_id=case.pk, actor=actor, body="One more thing.")


def _note(case, actor):
    return comment_post(case_id=case.pk, actor=actor, body="One more thing.", internal=True)


UPDATES = {"edit": _edit, "reply": _reply, "note": _note}


@pytest.mark.parametrize(
    ("role", "update"),
    [
        ("customer", "edit"),
        ("customer", "reply"),
        ("agent", "edit"),
        ("agent", "reply"),
        ("agent", "note"),
        ("manager", "edit"),
        ("manager", "reply"),
        ("manager", "note"),
    ],
)
@pytest.mark.parametrize("workflow", CLOSED_IS_FINAL)
def test_closed_case_refuses_every_update(workflow, role, update, make_case, cast):
    case = walk_to(make_case(workflow), "closed", cast)

    with pytest.raises(Conflict):
        UPDATES[update](case, cast[role])


@pytest.mark.parametrize("update", ["edit", "reply", "note"])
def test_refused_update_of_closed_case_writes_nothing(update, make_case, cast):
    case = walk_to(make_case("customer_service"), "closed", cast)
    before = (snapshot(case), reload(case).description)

    with pytest.raises(Conflict):
        UPDATES[update](case, cast["agent"])

    assert (snapshot(case), reload(case).description) == before


@pytest.mark.parametrize(("role", "update"), [("customer", "reply"), ("agent", "note")])
def test_closed_release_tracking_case_still_takes_comments(role, update, make_case, cast):
    case = walk_to(make_case("release_tracking"), "closed", cast)

    comment = UPDATES[update](case, cast[role])

    assert comment.pk is not None


@pytest.mark.parametrize("update", ["edit", "reply"])
def test_customer_update_of_resolved_customer_service_case_is_conflict(update, make_case, cast):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    with pytest.raises(Conflict):
        UPDATES[update](case, cast["customer"])


@pytest.mark.parametrize("update", ["edit", "reply", "note"])
def test_agent_updates_resolved_customer_service_case(update, make_case, cast):
    case = walk_to(make_case("customer_service"), "resolved", cast)

    UPDATES[update](case, cast["agent"])

    assert reload(case).status == "resolved"


@pytest.mark.parametrize("status", ["new", "open", "awaiting_info"])
def test_customer_replies_to_customer_service_case_before_resolution(status, make_case, cast):
    case = walk_to(make_case("customer_service"), status, cast)

    comment = _reply(case, cast["customer"])

    assert comment.pk is not None


def test_customer_edit_changes_the_field(make_case, customer):
    case = make_case("technical_support")

    case_update(case_id=case.pk, actor=customer, changes={"subject": "Printer smoking"})

    assert reload(case).subject == "Printer smoking"


# --- the assignee ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["new", "open"])
def test_agent_may_not_set_assignee_in_customer_service(status, make_case, cast, other_agent):
    case = walk_to(make_case("customer_service"), status, cast)

    with pytest.raises(Forbidden):
        case_update(case_id=case.pk, actor=cast["agent"], changes={"assignee": other_agent.pk})


def test_manager_sets_assignee_in_customer_service(make_case, manager, agent):
    case = make_case("customer_service")

    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent.pk})

    assert reload(case).assignee == agent


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "release_tracking"])
def test_agent_sets_assignee_elsewhere(workflow, make_case, agent, other_agent):
    case = make_case(workflow)

    case_update(case_id=case.pk, actor=agent, changes={"assignee": other_agent.pk})

    assert reload(case).assignee == other_agent


def test_customer_may_not_set_assignee(make_case, customer, agent):
    case = make_case("technical_support")

    with pytest.raises(Forbidden):
        case_update(case_id=case.pk, actor=customer, changes={"assignee": agent.pk})


def test_assignee_must_be_support_staff(make_case, agent, customer):
    case = make_case("technical_support")

    with pytest.raises(InvalidInput):
        case_update(case_id=case.pk, actor=agent, changes={"assignee": customer.pk})


def test_status_is_not_an_editable_field(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(InvalidInput):
        case_update(case_id=case.pk, actor=agent, changes={"status": "closed"})


def test_status_edit_attempt_leaves_status(make_case, agent):
    case = make_case("technical_support")

    with pytest.raises(InvalidInput):
        case_update(case_id=case.pk, actor=agent, changes={"status": "closed"})

    assert reload(case).status == "new"


# --- an edit that changes nothing ------------------------------------------------------------


@pytest.mark.parametrize("changes", [{}, {"subject": "Printer is on fire"}])
def test_an_edit_that_changes_nothing_is_no_edit(changes, make_case, cast):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)
    before = reload(case).updated_at

    case_update(case_id=case.pk, actor=cast["customer"], changes=changes)

    case = reload(case)
    assert case.status == "awaiting_info"
    assert case.updated_at == before


def test_a_real_edit_by_the_customer_still_moves_awaiting_info(make_case, cast):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    case_update(case_id=case.pk, actor=cast["customer"], changes={"subject": "Printer smoking"})

    assert reload(case).status == "open"
