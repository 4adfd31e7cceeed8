"""A transition or an edit sent from a page drawn before the case last changed is refused
(`expected_updated_at`), and changes nothing; without it, nothing is checked."""

import pytest

from cases.errors import Conflict
from services.cases import case_update
from tests.workflows.walking import reload
from workflows.transitions import CHANGED_SINCE_SEEN, perform_transition


def test_transition_from_a_stale_page_is_refused(make_case, cast):
    case = make_case("technical_support")
    seen = reload(case).updated_at
    case_update(case_id=case.pk, actor=cast["manager"], changes={"subject": "Changed"})

    with pytest.raises(Conflict) as refused:
        perform_transition(case_id=case.pk, name="start_work", actor=cast["agent"], seen=seen)

    assert refused.value.detail == CHANGED_SINCE_SEEN == "This case changed since you opened it"
    assert refused.value.status_code == 409
    assert reload(case).status == "new"


def test_transition_from_a_fresh_page_is_done(make_case, cast):
    case = make_case("technical_support")

    perform_transition(
        case_id=case.pk,
        name="start_work",
        actor=cast["agent"],
        seen=reload(case).updated_at,
    )

    assert reload(case).status == "work_in_progress"


def test_edit_from_a_stale_page_is_refused(make_case, cast):
    case = make_case("technical_support")
    seen = reload(case).updated_at
    perform_transition(case_id=case.pk, name="start_work", actor=cast["agent"])

    with pytest.raises(Conflict, match=CHANGED_SINCE_SEEN):
        case_update(
            case_id=case.pk,
            actor=cast["agent"],
            changes={"subject": "Mine"},
            seen=seen,
        )

    assert reload(case).subject == "Printer is on fire"


def test_edit_from_a_fresh_page_is_done(make_case, cast):
    case = make_case("technical_support")

    case_update(
        case_id=case.pk,
        actor=cast["agent"],
        changes={"subject": "Mine"},
        seen=reload(case).updated_at,
    )

    assert reload(case).subject == "Mine"
