"""Repeat cases (technical_support) and clones (support_center): a new case in `new`, linked to
a closed original, in the same queue, organization and requester."""

import pytest

from cases.errors import Conflict, NotVisible
from services.cases import case_repeat
from tests.workflows.walking import walk_to

REPEATABLE = ["technical_support", "support_center"]


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
@pytest.mark.parametrize("workflow", REPEATABLE)
def test_repeat_of_closed_case_opens_new_case(workflow, role, make_case, cast):
    original = walk_to(make_case(workflow), "closed", cast)

    repeat = case_repeat(case_id=original.pk, actor=cast[role])

    assert (repeat.status, repeat.repeat_of_id) == ("new", original.pk)


@pytest.mark.parametrize("role", ["customer", "agent"])
@pytest.mark.parametrize("workflow", REPEATABLE)
def test_repeat_keeps_queue_organization_and_requester(workflow, role, make_case, cast):
    original = walk_to(make_case(workflow), "closed", cast)

    repeat = case_repeat(case_id=original.pk, actor=cast[role])

    assert (repeat.queue_id, repeat.organization_id, repeat.requester_id) == (
        original.queue_id,
        original.organization_id,
        original.requester_id,
    )


def test_repeat_by_colleague_keeps_the_original_requester(make_case, cast, colleague, customer):
    original = walk_to(make_case("technical_support"), "closed", cast)

    repeat = case_repeat(case_id=original.pk, actor=colleague)

    assert repeat.requester == customer


def test_repeat_leaves_original_closed(make_case, cast):
    original = walk_to(make_case("technical_support"), "closed", cast)

    case_repeat(case_id=original.pk, actor=cast["customer"])

    original.refresh_from_db()
    assert original.status == "closed"


@pytest.mark.parametrize(
    ("workflow", "status"),
    [
        ("technical_support", "new"),
        ("technical_support", "solution_proposed"),
        ("support_center", "new"),
        ("support_center", "awaiting_customer_confirmation"),
    ],
)
def test_repeat_of_open_case_is_conflict(workflow, status, make_case, cast):
    case = walk_to(make_case(workflow), status, cast)

    with pytest.raises(Conflict):
        case_repeat(case_id=case.pk, actor=cast["customer"])


@pytest.mark.parametrize("workflow", ["customer_service", "release_tracking"])
def test_repeat_outside_technical_support_and_support_center_is_conflict(workflow, make_case, cast):
    case = walk_to(make_case(workflow), "closed", cast)

    with pytest.raises(Conflict):
        case_repeat(case_id=case.pk, actor=cast["agent"])


def test_repeat_by_customer_of_another_organization_is_not_visible(make_case, cast, other_customer):
    original = walk_to(make_case("technical_support"), "closed", cast)

    with pytest.raises(NotVisible):
        case_repeat(case_id=original.pk, actor=other_customer)
