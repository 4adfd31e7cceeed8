"""The timers of the spec, per workflow, at their boundaries, and the rules that keep them to
once per entry into a status: reminders, restarts, sub-statuses, late sweeps, queue settings."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cases.models import Case, HistoryEntry
from notifications import batches
from notifications.models import Kind, Notification
from services.conversation import comment_post
from tests.factories import QueueFactory
from tests.timed_cases import (
    DAY,
    SECOND,
    T0,
    awaiting_confirmation,
    new_case,
    pending,
    reload,
    resolved,
)
from workflows.metadata import describe
from workflows.registry import WORKFLOWS
from workflows.sweeps import auto_close, run_all, send_reminders
from workflows.transitions import perform_transition

# (how the case gets there, the automation, what it does, the spec's default duration)
TIMERS = {
    "support_center awaiting_customer_confirmation 14d auto_close": (
        "support_center",
        awaiting_confirmation,
        auto_close,
        timedelta(days=14),
    ),
    "support_center pending/customer_input 28d auto_close": (
        "support_center",
        pending,
        auto_close,
        timedelta(days=28),
    ),
    "support_center pending/customer_input 7d reminder": (
        "support_center",
        pending,
        send_reminders,
        timedelta(days=7),
    ),
    "release_tracking resolved 7d auto_close": (
        "release_tracking",
        resolved,
        auto_close,
        timedelta(days=7),
    ),
}


@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_timers_agree_with_the_workflow_table(workflow):
    """An auto-close timer only where the table has auto_close, from one of its sources; and
    every auto_close of the table has a timer, or it would never fire."""
    auto_close_row = describe(workflow).transition("auto_close")
    timers = WORKFLOWS[workflow].timers
    closing = {timer.status for timer in timers if timer.action == "auto_close"}

    assert closing == set(auto_close_row.sources if auto_close_row else ())


def _acted(case, automation) -> bool:
    if automation is send_reminders:
        return Notification.objects.filter(case=case, kind=Kind.REMINDER).exists()
    return reload(case).status == "closed"


@pytest.mark.parametrize("timer", list(TIMERS))
def test_timer_does_nothing_just_before_its_time(timer, queues, customer, agent):
    workflow, put, automation, after = TIMERS[timer]
    case = put(queues[workflow], customer, agent, at=T0)

    actions = automation(now=T0 + after - SECOND)

    assert (actions, _acted(case, automation)) == ([], False)


@pytest.mark.parametrize("timer", list(TIMERS))
def test_timer_acts_once_its_time_has_come(timer, queues, customer, agent):
    workflow, put, automation, after = TIMERS[timer]
    case = put(queues[workflow], customer, agent, at=T0)

    actions = automation(now=T0 + after + SECOND)

    assert ([a.case for a in actions], _acted(case, automation)) == ([case.reference], True)


@pytest.mark.parametrize(
    "workflow, put", [("support_center", pending), ("release_tracking", resolved)]
)
def test_auto_close_is_a_system_transition_stamped_with_now(workflow, put, queues, customer, agent):
    case = put(queues[workflow], customer, agent, at=T0)
    now = T0 + timedelta(days=40)

    auto_close(now=now)

    closed = reload(case)
    entry = HistoryEntry.objects.filter(case=case).last()
    assert entry is not None
    assert (closed.status, closed.closed_at, closed.status_changed_at) == ("closed", now, now)
    assert (entry.transition, entry.actor, entry.actor_role, entry.created_at) == (
        "auto_close",
        None,
        "system",
        now,
    )


def test_auto_close_action_line_names_workflow_status_and_duration(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)

    [action] = auto_close(now=T0 + timedelta(days=15))

    assert str(action) == (
        f"auto_close {case.reference} (support_center: awaiting_customer_confirmation for 14 days)"
    )


def test_auto_close_schedules_the_closure_notification_a_day_later(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    now = T0 + timedelta(days=14)

    auto_close(now=now)

    closure = Notification.objects.get(case=case, kind=Kind.CLOSURE)
    assert (closure.recipient, closure.scheduled_for, closure.sent_at) == (
        customer,
        now + DAY,
        None,
    )


def test_reminder_goes_to_the_customer_once_across_repeated_sweeps(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)

    counts = [len(send_reminders(now=T0 + timedelta(days=days))) for days in (7, 7, 8, 20, 27)]

    reminders = Notification.objects.filter(case=case, kind=Kind.REMINDER)
    assert (counts, [r.recipient for r in reminders]) == ([1, 0, 0, 0, 0], [customer])


def test_reminder_is_stamped_with_now(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    now = T0 + timedelta(days=7, hours=3)

    send_reminders(now=now)

    reminder = Notification.objects.get(case=case, kind=Kind.REMINDER)
    assert (reminder.created_at, reminder.scheduled_for) == (now, now)


def test_a_new_entry_into_customer_input_gets_its_own_reminder(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    send_reminders(now=T0 + timedelta(days=7))
    again = T0 + timedelta(days=10)
    # From pending itself, set_pending is a new entry: its timers restart.
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="customer_input", now=again
    )

    early = send_reminders(now=again + timedelta(days=7) - SECOND)
    due = send_reminders(now=again + timedelta(days=7))

    assert (len(early), len(due)) == (0, 1)
    assert Notification.objects.filter(case=case, kind=Kind.REMINDER).count() == 2


def test_a_reminder_records_the_entry_it_is_about_and_the_status_then(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)

    send_reminders(now=T0 + timedelta(days=9))

    reminder = Notification.objects.get(case=case, kind=Kind.REMINDER)
    assert (
        reminder.case_status_changed_at,
        reminder.case_status,
        reminder.case_sub_status,
        reminder.case_status_label,
        reminder.case_sub_status_label,
    ) == (T0, "pending", "customer_input", "Pending", "Customer Input")


def test_a_reentry_after_a_run_told_a_later_now_gets_its_own_reminder(queues, customer, agent):
    """The run as of a later `--now` (allowed: every case is judged at the `now` given) writes
    its reminder with that later time; the case then leaves customer input and enters it again,
    before that time. The new entry is not the reminded one: it gets its reminder."""
    case = pending(queues["support_center"], customer, agent, at=T0)
    ahead = T0 + timedelta(days=7)
    call_command(
        "run_automations", "--now", ahead.isoformat(), stdout=StringIO(), stderr=StringIO()
    )
    comment_post(case_id=case.pk, actor=customer, body="Here are the logs.", now=T0 + DAY)
    again = T0 + 2 * DAY
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status="customer_input", now=again
    )

    early = send_reminders(now=again + timedelta(days=7) - SECOND)
    due = send_reminders(now=again + timedelta(days=7))

    reminders = Notification.objects.filter(case=case, kind=Kind.REMINDER).order_by("created_at")
    assert (len(early), [a.case for a in due]) == (0, [case.reference])
    assert [(r.created_at, r.case_status_changed_at) for r in reminders] == [
        (ahead, T0),
        (again + timedelta(days=7), again),
    ]


def test_customer_reply_to_the_answer_stops_the_auto_close(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    comment_post(case_id=case.pk, actor=customer, body="Still broken.", now=T0 + timedelta(days=10))

    actions = run_all(now=T0 + timedelta(days=30))

    assert (reload(case).status, _timed(actions, case)) == ("reopened", [])


def test_a_new_answer_restarts_the_confirmation_timer(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    comment_post(case_id=case.pk, actor=customer, body="Still broken.", now=T0 + timedelta(days=10))
    answered = T0 + timedelta(days=11)
    perform_transition(
        case_id=case.pk, name="provide_answer", actor=agent, note="Now?", now=answered
    )

    before = auto_close(now=answered + timedelta(days=14) - SECOND)
    after = auto_close(now=answered + timedelta(days=14))

    assert (len(before), len(after), reload(case).closed_at) == (
        0,
        1,
        answered + timedelta(days=14),
    )


def test_customer_update_while_pending_stops_reminder_and_auto_close(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    comment_post(
        case_id=case.pk, actor=customer, body="Here are the logs.", now=T0 + timedelta(days=3)
    )

    actions = run_all(now=T0 + timedelta(days=60))

    assert (reload(case).status, _timed(actions, case)) == ("update_received", [])


@pytest.mark.parametrize(
    "sub_status", ["development", "scheduled_support_service", "third_party_provider"]
)
def test_other_pending_sub_statuses_never_auto_close_nor_remind(
    sub_status, queues, customer, agent
):
    case = pending(queues["support_center"], customer, agent, at=T0, sub_status=sub_status)

    actions = run_all(now=T0 + timedelta(days=365))

    assert (reload(case).status, _timed(actions, case)) == ("pending", [])


def test_timers_follow_the_queue_settings(queues, customer, agent):
    queue = queues["support_center"]
    queue.confirmation_auto_close_after = timedelta(days=2)
    queue.save()
    case = awaiting_confirmation(queue, customer, agent, at=T0)

    assert auto_close(now=T0 + timedelta(days=2) - SECOND) == []
    assert [a.case for a in auto_close(now=T0 + timedelta(days=2))] == [case.reference]


def test_each_queue_of_a_workflow_has_its_own_cutoff(queues, customer, agent):
    quick = QueueFactory(
        name="quick", workflow="release_tracking", resolved_auto_close_after=timedelta(days=1)
    )
    slow_case = resolved(queues["release_tracking"], customer, agent, at=T0)
    quick_case = resolved(quick, customer, agent, at=T0)

    actions = auto_close(now=T0 + timedelta(days=3))

    assert [a.case for a in actions] == [quick_case.reference]
    assert reload(slow_case).status == "resolved"


def test_a_late_sweep_catches_up_in_batches(queues, customer, agent, monkeypatch):
    monkeypatch.setattr(batches, "BATCH_SIZE", 2)
    cases = [
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0 + n * DAY)
        for n in range(5)
    ]

    actions = auto_close(now=T0 + timedelta(days=60))

    assert sorted(a.case for a in actions) == sorted(c.reference for c in cases)
    assert {reload(c).status for c in cases} == {"closed"}


def test_a_case_overdue_for_both_timers_is_closed_not_reminded(queues, customer, agent):
    """After an outage longer than both timers the reminder is moot; whichever sweep runs first."""
    case = pending(queues["support_center"], customer, agent, at=T0)
    now = T0 + timedelta(days=30)

    reminders = send_reminders(now=now)
    closes = auto_close(now=now)

    assert (reminders, [a.case for a in closes]) == ([], [case.reference])
    assert not Notification.objects.filter(case=case, kind=Kind.REMINDER).exists()


def test_deleted_cases_are_left_alone(queues, customer, agent, manager):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)
    Case.objects.filter(pk=case.pk).update(deleted_at=T0 + DAY)

    assert _timed(run_all(now=T0 + timedelta(days=30)), case) == []


def test_a_dry_run_writes_nothing(queues, customer, agent, manager):
    closing = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    reminding = pending(queues["support_center"], customer, agent, at=T0 + timedelta(days=20))
    breaching = new_case(queues["technical_support"], customer, at=T0 + timedelta(days=26))
    now = T0 + timedelta(days=27, hours=12)
    state = _everything()

    planned = run_all(now=now, dry_run=True)

    assert _everything() == state
    assert sorted(map(str, planned)) == sorted(map(str, run_all(now=now)))
    assert {a.case for a in planned} >= {c.reference for c in (closing, reminding, breaching)}


def test_running_twice_with_the_same_now_acts_once(queues, customer, agent):
    awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    pending(queues["support_center"], customer, agent, at=T0)
    now = T0 + timedelta(days=15)

    first = run_all(now=now)
    second = run_all(now=now)

    assert (bool(first), second) == (True, [])


def _timed(actions, case) -> list[str]:
    """What the timers did to the case (notifications recorded earlier are delivered too)."""
    return [a.action for a in actions if a.case == case.reference and a.action != "deliver"]


def _everything() -> dict[str, Any]:
    return {
        "cases": sorted(
            Case.objects.values_list(
                "pk", "status", "status_changed_at", "closed_at", "first_response_breached_at"
            )
        ),
        "history": HistoryEntry.objects.count(),
        "notifications": sorted(
            Notification.objects.values_list("pk", "sent_at", "attempts", "next_attempt_at")
        ),
    }
