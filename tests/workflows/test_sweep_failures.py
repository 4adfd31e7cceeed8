"""One bad case never stops a sweep: its action is rolled back alone, recorded (with the case and
the error), logged and counted, skipped until its backoff is over, and the rest of the sweep goes
on; once the sweep acts on it, its record is gone."""

from datetime import timedelta

import pytest

from cases.models import HistoryEntry
from helpdesk.metrics import SWEEP_FAILURES
from tests.timed_cases import DAY, SECOND, T0, awaiting_confirmation, new_case, pending, reload
from workflows import sweeps
from workflows.declarations import AUTO_CLOSE, REMINDER
from workflows.sweep_failures import SweepFailure, retry_delay
from workflows.sweeps import FAILED, auto_close, detect_first_response_breaches, run_all
from workflows.timers import FIRST_RESPONSE_BREACH

CLOSES_AT = T0 + 14 * DAY


@pytest.fixture
def closing(queues, customer, agent):
    """Five support center cases awaiting confirmation since T0, due to close 14 days later."""
    return [
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0 + n * SECOND)
        for n in range(5)
    ]


@pytest.fixture
def one_fails(monkeypatch):
    """The auto-close of the case `one_fails.case_id` raises (after writing, to show the write
    is rolled back), until `one_fails.fixed = True`."""

    class Switch:
        case_id: int | None = None
        fixed = False

    close = sweeps._auto_close_one

    def failing(case, now):
        acted = close(case, now)
        if case.pk == Switch.case_id and not Switch.fixed:
            raise RuntimeError("the printer caught fire")
        return acted

    monkeypatch.setattr(sweeps, "_auto_close_one", failing)
    return Switch


def _statuses(cases):
    return [reload(case).status for case in cases]


def test_the_others_are_closed_and_the_failure_is_recorded(closing, one_fails, caplog):
    bad = closing[2]
    one_fails.case_id = bad.pk

    actions = auto_close(now=CLOSES_AT + 5 * SECOND)

    assert (
        _statuses(closing)
        == ["closed", "closed", "awaiting_customer_confirmation"] + ["closed"] * 2
    )
    assert [a.case for a in actions if a.action == AUTO_CLOSE] == [
        c.reference for c in closing if c != bad
    ]
    [failed] = [a for a in actions if a.action == FAILED]
    assert failed.case == bad.reference
    assert "RuntimeError: the printer caught fire" in failed.detail
    # Each other case closed once, though its batch was rolled back and acted on again.
    for case in closing:
        closings = HistoryEntry.objects.filter(case=case, transition=AUTO_CLOSE).count()
        assert closings == (0 if case == bad else 1)
    # What the failed action wrote is gone with it: no closing entry, no closure notification.
    assert not HistoryEntry.objects.filter(case=bad, transition=AUTO_CLOSE).exists()
    assert not reload(bad).notifications.filter(kind="closure").exists()
    failure = SweepFailure.objects.get()
    assert (failure.case, failure.sweep, failure.attempts) == (bad, AUTO_CLOSE, 1)
    assert failure.error == "RuntimeError: the printer caught fire"
    assert failure.next_attempt_at == CLOSES_AT + 5 * SECOND + retry_delay(1)
    assert bad.reference in caplog.text


def test_a_failed_case_is_skipped_until_its_backoff_is_over(closing, one_fails):
    bad = closing[0]
    one_fails.case_id = bad.pk
    first = CLOSES_AT + 5 * SECOND
    auto_close(now=first)

    # Before the backoff is over the sweep leaves it alone, failing or not.
    one_fails.fixed = True
    assert auto_close(now=first + retry_delay(1) - SECOND) == []
    assert reload(bad).status == "awaiting_customer_confirmation"
    assert SweepFailure.objects.get().attempts == 1

    [action] = auto_close(now=first + retry_delay(1))
    assert (action.action, action.case) == (AUTO_CLOSE, bad.reference)
    assert reload(bad).status == "closed"
    assert not SweepFailure.objects.exists()


def test_a_case_failing_again_backs_off_longer(closing, one_fails):
    one_fails.case_id = closing[0].pk
    first = CLOSES_AT + 5 * SECOND
    auto_close(now=first)
    auto_close(now=first + retry_delay(1))

    failure = SweepFailure.objects.get()
    assert failure.attempts == 2
    assert failure.first_failed_at == first
    assert failure.last_failed_at == first + retry_delay(1)
    assert failure.next_attempt_at == first + retry_delay(1) + retry_delay(2)
    assert retry_delay(2) == 2 * retry_delay(1)


def test_a_failure_in_one_sweep_does_not_stop_the_next(closing, one_fails, queues, customer, agent):
    one_fails.case_id = closing[0].pk
    reminded = pending(queues["support_center"], customer, agent, at=CLOSES_AT - 7 * DAY)

    actions = run_all(now=CLOSES_AT + 5 * SECOND)

    assert (REMINDER, reminded.reference) in [(a.action, a.case) for a in actions]
    assert [a.case for a in actions if a.action == FAILED] == [closing[0].reference]


def test_a_breach_that_fails_is_rolled_back_and_the_others_are_stamped(
    queues, customer, monkeypatch
):
    cases = [new_case(queues["technical_support"], customer, at=T0 + n * SECOND) for n in range(3)]
    due = max(reload(case).first_response_due_at for case in cases)
    breach = sweeps._breach_one

    def failing(case, now):
        breach(case, now)
        if case.pk == cases[1].pk:
            raise ValueError("no owner to tell")
        return True

    monkeypatch.setattr(sweeps, "_breach_one", failing)

    actions = detect_first_response_breaches(now=due)

    assert [(a.action, a.case) for a in actions] == [
        (FIRST_RESPONSE_BREACH, cases[0].reference),
        (FAILED, cases[1].reference),
        (FIRST_RESPONSE_BREACH, cases[2].reference),
    ]
    assert reload(cases[1]).first_response_breached_at is None
    assert reload(cases[2]).first_response_breached_at == due
    assert SweepFailure.objects.get().sweep == FIRST_RESPONSE_BREACH


def test_each_failure_counts_in_the_metrics(closing, one_fails):
    one_fails.case_id = closing[0].pk
    counted = SWEEP_FAILURES.labels(AUTO_CLOSE)._value.get()

    auto_close(now=CLOSES_AT + 5 * SECOND)

    assert SWEEP_FAILURES.labels(AUTO_CLOSE)._value.get() == counted + 1


def test_a_dry_run_records_no_failure(closing, one_fails):
    one_fails.case_id = closing[0].pk

    actions = auto_close(now=CLOSES_AT + 5 * SECOND, dry_run=True)

    assert [a.action for a in actions].count(FAILED) == 1
    assert not SweepFailure.objects.exists()


def test_retry_delays_grow_to_a_day():
    assert retry_delay(1) == timedelta(minutes=5)
    assert retry_delay(30) == timedelta(days=1)
