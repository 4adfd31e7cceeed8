"""A change of priority moves the First Response promise, but never into the past: a raise gives
the new priority's target counted from the change at the latest (never overdue on the spot, never
more time than was left), a lowering counts from the creation, and a promise already met or
already missed stays as it was (workflows.milestones)."""

from datetime import timedelta

from cases.models import Priority
from services.cases import case_update
from tests.timed_cases import HOUR, T0, new_case, reload
from workflows.sweeps import detect_first_response_breaches


def _set(case, actor, priority, at):
    case_update(case_id=case.pk, actor=actor, changes={"priority": priority}, now=at)
    return reload(case)


def test_raising_to_urgent_late_gives_an_hour_from_the_change(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)  # normal: due T0 + 8 h
    change = T0 + 3 * HOUR

    case = _set(case, agent, Priority.URGENT, change)

    assert case.first_response_due_at == change + HOUR
    assert not detect_first_response_breaches(now=change)
    assert reload(case).first_response_breached_at is None


def test_raising_never_gives_more_time_than_was_left(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)  # due T0 + 8 h
    change = T0 + 7 * HOUR + 30 * timedelta(minutes=1)

    case = _set(case, agent, Priority.URGENT, change)

    assert case.first_response_due_at == T0 + 8 * HOUR


def test_raising_early_counts_from_the_creation(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)

    case = _set(case, agent, Priority.HIGH, T0 + HOUR)

    assert case.first_response_due_at == T0 + 4 * HOUR


def test_lowering_counts_from_the_creation(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)

    case = _set(case, agent, Priority.LOW, T0 + HOUR)

    assert case.first_response_due_at == T0 + 24 * HOUR


def test_a_missed_promise_stays_missed(queues, customer, agent):
    case = new_case(queues["technical_support"], customer, at=T0)

    case = _set(case, agent, Priority.LOW, T0 + 9 * HOUR)

    assert case.first_response_due_at == T0 + 8 * HOUR


def test_an_answered_case_keeps_its_milestone(queues, customer, agent):
    from services.conversation import comment_post

    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0 + HOUR)

    case = _set(case, agent, Priority.URGENT, T0 + 2 * HOUR)

    assert case.first_response_due_at == T0 + 8 * HOUR
