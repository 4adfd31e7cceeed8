"""First-response breach detection: once per case, to the owner or every manager, never for a
case answered in time or closed."""

from datetime import timedelta

import pytest

from cases.models import Priority
from notifications.models import Kind, Notification
from services.cases import case_update
from services.conversation import comment_post
from tests.factories import ManagerFactory
from tests.timed_cases import HOUR, SECOND, T0, new_case, reload
from workflows.registry import WORKFLOWS
from workflows.sweeps import detect_first_response_breaches
from workflows.transitions import perform_transition

NORMAL_TARGET = timedelta(hours=8)


def _breach_recipients(case) -> list[str]:
    rows = Notification.objects.filter(case=case, kind=Kind.FIRST_RESPONSE_BREACH)
    return sorted(row.recipient.username for row in rows)


@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_no_breach_just_before_the_due_time(workflow, queues, customer, manager):
    case = new_case(queues[workflow], customer, at=T0)

    actions = detect_first_response_breaches(now=T0 + NORMAL_TARGET - SECOND)

    assert (actions, reload(case).first_response_breached_at) == ([], None)


@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_breach_once_the_due_time_passes(workflow, queues, customer, manager):
    case = new_case(queues[workflow], customer, at=T0)
    now = T0 + NORMAL_TARGET + SECOND

    [action] = detect_first_response_breaches(now=now)

    assert (action.action, action.case) == ("first_response_breach", case.reference)
    assert reload(case).first_response_breached_at == now


def test_the_due_time_follows_the_priority(queues, customer, manager):
    urgent = new_case(queues["technical_support"], customer, at=T0, priority=Priority.URGENT)
    new_case(queues["technical_support"], customer, at=T0, priority=Priority.LOW)

    actions = detect_first_response_breaches(now=T0 + HOUR)

    assert [a.case for a in actions] == [urgent.reference]


def test_a_priority_lowered_meanwhile_postpones_the_breach(queues, customer, manager):
    case = new_case(queues["technical_support"], customer, at=T0, priority=Priority.URGENT)
    case_update(case_id=case.pk, actor=manager, changes={"priority": Priority.LOW}, now=T0 + SECOND)

    assert detect_first_response_breaches(now=T0 + 2 * HOUR) == []
    assert len(detect_first_response_breaches(now=T0 + timedelta(hours=24))) == 1


def test_breach_notifies_the_assignee(queues, customer, agent, manager):
    case = new_case(queues["technical_support"], customer, at=T0)
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent}, now=T0 + SECOND)

    detect_first_response_breaches(now=T0 + NORMAL_TARGET)

    assert _breach_recipients(case) == [agent.username]


def test_breach_without_assignee_notifies_every_active_manager(queues, customer, manager):
    ManagerFactory(username="mona")
    ManagerFactory(username="gone", is_active=False)
    case = new_case(queues["technical_support"], customer, at=T0)

    [action] = detect_first_response_breaches(now=T0 + NORMAL_TARGET)

    assert _breach_recipients(case) == ["maria", "mona"]
    assert action.detail.endswith("notifies maria, mona")


def test_breach_of_a_departed_assignee_goes_to_the_managers(queues, customer, agent, manager):
    case = new_case(queues["technical_support"], customer, at=T0)
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent}, now=T0 + SECOND)
    agent.is_active = False
    agent.save()

    detect_first_response_breaches(now=T0 + NORMAL_TARGET)

    assert _breach_recipients(case) == [manager.username]


def test_breach_is_detected_once_per_case(queues, customer, manager):
    case = new_case(queues["technical_support"], customer, at=T0)

    counts = [
        len(detect_first_response_breaches(now=T0 + NORMAL_TARGET + n * HOUR)) for n in range(3)
    ]

    assert (counts, _breach_recipients(case)) == ([1, 0, 0], [manager.username])


def test_a_public_reply_in_time_prevents_the_breach(queues, customer, agent, manager):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)

    assert detect_first_response_breaches(now=T0 + timedelta(days=3)) == []


def test_an_internal_note_does_not_prevent_the_breach(queues, customer, agent, manager):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="Looks hard.", internal=True, now=T0 + HOUR)

    assert [a.case for a in detect_first_response_breaches(now=T0 + NORMAL_TARGET)] == [
        case.reference
    ]


def test_a_closed_case_is_never_breached(queues, customer, manager):
    case = new_case(queues["technical_support"], customer, at=T0)
    perform_transition(case_id=case.pk, name="close", actor=customer, now=T0 + HOUR)

    assert detect_first_response_breaches(now=T0 + timedelta(days=3)) == []
    assert reload(case).first_response_breached_at is None
