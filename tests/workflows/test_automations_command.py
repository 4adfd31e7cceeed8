"""The automations as beat runs them (the Celery tasks, on the real clock) and as people run them
(`run_automations`), and the beat schedule that `setup_schedules` installs."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cases.models import HistoryEntry
from helpdesk.celery import app
from helpdesk.schedules import SCHEDULES
from notifications.models import Kind, Notification
from tests.timed_cases import (
    SECOND,
    T0,
    awaiting_confirmation,
    new_case,
    pending,
    reload,
    resolved,
)
from workflows import tasks


def _run_automations(*args) -> list[str]:
    out = StringIO()
    call_command("run_automations", *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


# --- the beat tasks: the automation as of the moment they run ------------------------------


def test_auto_close_task_acts_on_the_real_clock(queues, customer, agent):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)
    with time_machine.travel(T0 + timedelta(days=7) - SECOND, tick=False):
        assert tasks.auto_close_cases() == 0
    with time_machine.travel(T0 + timedelta(days=7) + SECOND, tick=False):
        assert tasks.auto_close_cases() == 1

    assert reload(case).closed_at == T0 + timedelta(days=7) + SECOND


def test_reminder_task_acts_on_the_real_clock(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    with time_machine.travel(T0 + timedelta(days=7) - SECOND, tick=False):
        assert tasks.send_reminders() == 0
    with time_machine.travel(T0 + timedelta(days=7), tick=False):
        assert tasks.send_reminders() == 1

    assert Notification.objects.filter(case=case, kind=Kind.REMINDER).count() == 1


def test_delivery_task_sends_the_delayed_closure_notification(queues, customer, agent, mailoutbox):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    with time_machine.travel(T0 + timedelta(days=14), tick=False):
        tasks.auto_close_cases()
        tasks.deliver_due_notifications()
    mailoutbox.clear()
    with time_machine.travel(T0 + timedelta(days=15) - SECOND, tick=False):
        tasks.deliver_due_notifications()
    assert mailoutbox == []

    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        tasks.deliver_due_notifications()

    closure = Notification.objects.get(case=case, kind=Kind.CLOSURE)
    assert closure.sent_at == T0 + timedelta(days=15)
    assert [m.subject for m in mailoutbox] == [f"[{case.reference}] Case closed"]


def test_breach_task_acts_on_the_real_clock(queues, customer, manager):
    case = new_case(queues["technical_support"], customer, at=T0)
    with time_machine.travel(T0 + timedelta(hours=8), tick=False):
        assert tasks.detect_first_response_breaches() == 1

    assert reload(case).first_response_breached_at == T0 + timedelta(hours=8)


# --- run_automations -------------------------------------------------------------------------


def test_run_automations_prints_one_line_per_action(queues, customer, agent):
    case = awaiting_confirmation(queues["support_center"], customer, agent, at=T0)

    lines = _run_automations("--now", "2026-12-15T09:00:00Z")

    assert (
        f"auto_close {case.reference} (support_center: awaiting_customer_confirmation for 14 days)"
        in lines
    )
    assert reload(case).closed_at == T0 + timedelta(days=14)


def test_run_automations_keeps_printed_emails_off_its_one_line_per_action_output(
    queues, customer, agent, settings, capsys
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    case = pending(queues["support_center"], customer, agent, at=T0)

    call_command("run_automations", "--now", (T0 + timedelta(days=7, seconds=1)).isoformat())

    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert f"deliver {case.reference} (reminder to {customer.username})" in lines
    assert {line.split()[0] for line in lines} <= {
        "auto_close",
        "reminder",
        "first_response_breach",
        "deliver",
    }
    assert "Subject:" in printed.err


def test_run_automations_twice_with_the_same_now_acts_once(queues, customer, agent):
    awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
    pending(queues["support_center"], customer, agent, at=T0)

    first = _run_automations("--now", "2026-12-16T00:00:00+00:00")
    second = _run_automations("--now", "2026-12-16T00:00:00+00:00")

    assert (len(first) >= 2, second) == (True, [])


def test_run_automations_dry_run_prints_the_same_lines_and_changes_nothing(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    before = _state(case)

    planned = _run_automations("--now", "2026-12-30T09:00:00Z", "--dry-run")
    after_dry_run = _state(case)
    done = _run_automations("--now", "2026-12-30T09:00:00Z")

    assert after_dry_run == before
    assert planned == done
    assert f"auto_close {case.reference} (support_center: pending/customer_input for 28 days)" in (
        planned
    )


def test_run_automations_takes_a_time_without_offset_as_utc(queues, customer, agent):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)

    _run_automations("--now", "2026-12-08T09:00:00")

    assert reload(case).closed_at == T0 + timedelta(days=7)


def test_run_automations_defaults_to_the_current_time(queues, customer, agent):
    case = resolved(queues["release_tracking"], customer, agent, at=T0)

    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        _run_automations()

    assert reload(case).closed_at == T0 + timedelta(days=8)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T00:00:00Z", ""])
def test_run_automations_refuses_a_bad_now(value, db):
    with pytest.raises(CommandError, match="--now must be an ISO 8601 date-time"):
        _run_automations("--now", value)


def _state(case):
    return (
        reload(case).status,
        HistoryEntry.objects.count(),
        sorted(Notification.objects.values_list("pk", "kind", "sent_at")),
    )


# --- setup_schedules ---------------------------------------------------------------------------


def test_setup_schedules_installs_every_entry_once(db):
    call_command("setup_schedules", stdout=StringIO())
    call_command("setup_schedules", stdout=StringIO())

    installed = {task.name: task for task in PeriodicTask.objects.all()}
    assert set(installed) == set(SCHEDULES)
    assert {(t.task, t.interval.every, t.interval.period) for t in installed.values()} == {
        (schedule.task, 60, IntervalSchedule.SECONDS) for schedule in SCHEDULES.values()
    }
    assert IntervalSchedule.objects.count() == 1


def test_setup_schedules_keeps_what_a_manager_changed_unless_reset(db):
    call_command("setup_schedules", stdout=StringIO())
    hourly = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.filter(name="send reminders").update(interval=hourly, enabled=False)

    call_command("setup_schedules", stdout=StringIO())
    kept = PeriodicTask.objects.get(name="send reminders")
    call_command("setup_schedules", "--reset", stdout=StringIO())
    reset = PeriodicTask.objects.get(name="send reminders")

    assert (kept.interval, kept.enabled) == (hourly, False)
    assert (reset.interval.every, reset.interval.period, reset.enabled) == (
        60,
        IntervalSchedule.SECONDS,
        True,
    )


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    assert {schedule.task for schedule in SCHEDULES.values()} <= set(app.tasks)
