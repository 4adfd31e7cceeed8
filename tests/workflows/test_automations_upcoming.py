"""`upcoming(case)`: what the automations will do if nothing changes; it agrees with what the
sweeps then do, and costs no query of its own on an API list page."""

from datetime import timedelta

import pytest

from cases.models import Case
from services.conversation import comment_post
from tests.timed_cases import DAY, SECOND, T0, awaiting_confirmation, new_case, pending, resolved
from workflows.sweeps import run_all
from workflows.timers import upcoming
from workflows.transitions import perform_transition


def _as_listed(case):
    """The case as an API list page loads it."""
    return Case.objects.select_related("queue").prefetch_related("notifications").get(pk=case.pk)


def _plan(case, now):
    return [(item["action"], item["at"]) for item in upcoming(_as_listed(case), now=now)]


def test_awaiting_confirmation_will_auto_close_then_notify(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)

    assert _plan(case, T0) == [
        ("auto_close", T0 + timedelta(days=14)),
        ("closure_notification", T0 + timedelta(days=15)),
    ]


def test_customer_input_will_remind_then_auto_close(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)

    assert _plan(case, T0) == [
        ("reminder", T0 + timedelta(days=7)),
        ("auto_close", T0 + timedelta(days=28)),
        ("closure_notification", T0 + timedelta(days=29)),
    ]


def test_a_reminder_already_sent_is_not_announced_again(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    run_all(now=T0 + timedelta(days=7))

    assert [action for action, _ in _plan(case, T0 + timedelta(days=8))] == [
        "auto_close",
        "closure_notification",
    ]


def test_a_reentry_after_a_run_told_a_later_now_is_announced_its_reminder(queues, customer, agent):
    """The sequence of the sweep's test: a reminder written as of a later `now` belongs to the
    entry it was about, not to a new entry begun before that moment."""
    case = pending(queues["support_center"], customer, agent, at=T0)
    run_all(now=T0 + timedelta(days=7))
    comment_post(case_id=case.pk, actor=customer, body="Here are the logs.", now=T0 + DAY)
    again = T0 + 2 * DAY
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="customer_input", now=again
    )

    assert _plan(case, again)[0] == ("reminder", again + timedelta(days=7))


def test_resolved_release_case_will_auto_close_without_closure_notice(queues, customer, agent):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)

    assert _plan(case, T0) == [("auto_close", T0 + timedelta(days=7))]


def test_new_case_will_breach_its_first_response(queues, customer):
    case = new_case(queues["technical_support"], customer, at=T0)

    assert _plan(case, T0) == [("first_response_breach", T0 + timedelta(hours=8))]


@pytest.mark.parametrize("sub_status", ["development", "third_party_provider"])
def test_nothing_is_planned_for_cases_waiting_on_us(sub_status, queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0, sub_status=sub_status)

    assert _plan(case, T0) == []


def test_a_closed_case_shows_its_pending_closure_notification(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    perform_transition(case_id=case.pk, name="close", actor=agent, note="Solved.", now=T0 + DAY)

    assert _plan(case, T0 + DAY) == [("closure_notification", T0 + 2 * DAY)]


def test_what_is_overdue_is_announced_for_now(queues, customer, agent):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)
    late = T0 + timedelta(days=9)

    assert _plan(case, late) == [("auto_close", late)]


def test_upcoming_issues_no_query_of_its_own(queues, customer, agent, django_assert_num_queries):
    case = _as_listed(pending(queues["support_center"], customer, agent, at=T0))

    with django_assert_num_queries(0):
        upcoming(case, now=T0)


@pytest.mark.parametrize("put", [awaiting_confirmation, pending, resolved, "new"])
def test_every_announced_action_happens_at_its_time_and_not_before(put, queues, customer, agent):
    """Walk the plan: a run a second before each announced moment leaves it undone, a run at
    that moment does it, and nothing the plan did not announce ever happens."""
    if put == "new":
        case = new_case(queues["technical_support"], customer, at=T0)
    else:
        workflow = "release_tracking" if put is resolved else "support_center"
        case = put(queues[workflow], customer, agent, at=T0)
    plan = _plan(case, T0)
    assert plan

    for action, at in plan:
        before = _done(run_all(now=at - SECOND), case)
        at_time = _done(run_all(now=at), case)
        assert (action, before, at_time) == (action, [], [action])


def _done(actions, case) -> list[str]:
    """Actions on the case, named as `upcoming` names them."""
    names = []
    for action in actions:
        if action.case != case.reference:
            continue
        if action.action == "deliver":
            if action.detail.startswith("closure "):
                names.append("closure_notification")
            continue  # other notifications are sent at once, not planned
        names.append(action.action)
    return names
