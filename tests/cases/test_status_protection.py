"""The status field is protected: it changes only inside a transition, never by assignment."""

import pytest

from cases.models import Case
from workflows.transitions import perform_transition


def test_assigning_status_raises(make_case):
    case = make_case("technical_support")

    with pytest.raises(AttributeError):
        case.status = "closed"


def test_assigning_status_on_plain_case_raises(make_case):
    case = Case.objects.get(pk=make_case("technical_support").pk)

    with pytest.raises(AttributeError):
        case.status = "closed"


def test_refused_assignment_leaves_status(make_case):
    case = make_case("technical_support")

    with pytest.raises(AttributeError):
        case.status = "closed"

    assert case.status == "new"


def test_refresh_from_db_reloads_status(make_case, agent):
    case = make_case("technical_support")
    perform_transition(case_id=case.pk, name="start_work", actor=agent)

    case.refresh_from_db()

    assert case.status == "work_in_progress"
