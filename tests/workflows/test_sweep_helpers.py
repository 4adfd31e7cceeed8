"""A backlog is worked through by several workers: a sweep run by beat's task, finding a full
batch due, asks SWEEP_HELPERS other worker processes to run the same sweep alongside it
(`help_with_sweep`); SKIP LOCKED and the leases give each what the others do not hold (two
sweeps at once act once: test_automations_concurrency). What one batch holds asks for no help,
and a broker that refuses leaves the sweep to work alone."""

import pytest
from django.utils import timezone

from tests.timed_cases import DAY, T0, awaiting_confirmation, reload
from workflows import sweeps, tasks
from workflows.sweeps import auto_close

CLOSES_AT = T0 + 30 * DAY


@pytest.fixture
def workers():
    """Not eager, as in production: tasks go to other worker processes."""
    conf = tasks.help_with_sweep.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    yield
    conf.task_always_eager = eager


def _closing(queues, customer, agent, count):
    return [
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0)
        for _ in range(count)
    ]


def test_a_full_batch_due_asks_for_helpers_once(queues, customer, agent, monkeypatch):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 2)
    _closing(queues, customer, agent, 5)
    asked = []

    actions = auto_close(now=CLOSES_AT, helpers=lambda: asked.append(1))

    assert asked == [1]
    assert len(actions) == 5


def test_what_one_batch_holds_asks_for_no_help(queues, customer, agent, monkeypatch):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 2)
    _closing(queues, customer, agent, 1)
    asked = []

    auto_close(now=CLOSES_AT, helpers=lambda: asked.append(1))

    assert asked == []


def test_helpers_are_published_as_many_as_configured(settings, monkeypatch, workers):
    settings.SWEEP_HELPERS = 3
    published = []
    monkeypatch.setattr(tasks.help_with_sweep, "delay", published.append)

    tasks.ask_for_helpers("auto_close")

    assert published == ["auto_close"] * 3


def test_in_eager_mode_there_is_no_other_worker_to_ask(settings, monkeypatch):
    settings.SWEEP_HELPERS = 3
    published = []
    monkeypatch.setattr(tasks.help_with_sweep, "delay", published.append)

    tasks.ask_for_helpers("auto_close")

    assert published == []


def test_a_refusing_broker_leaves_the_sweep_to_work_alone(settings, monkeypatch, caplog, workers):
    settings.SWEEP_HELPERS = 2

    def refused(name):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.help_with_sweep, "delay", refused)

    tasks.ask_for_helpers("auto_close")

    assert "No helpers for the sweep" in caplog.text


def test_a_helper_runs_the_sweep_it_is_asked_for_as_of_now(queues, customer, agent):
    long_ago = timezone.now() - 30 * DAY
    cases = [
        awaiting_confirmation(queues["support_center"], customer, agent, at=long_ago)
        for _ in range(3)
    ]

    assert tasks.help_with_sweep.apply(args=("auto_close",)).get() == 3
    assert {reload(case).status for case in cases} == {"closed"}


def test_beat_runs_a_sweep_as_a_stream_keeping_nothing(queues, customer, agent, monkeypatch):
    """What the task runs (`sweeps.stream`) acts a batch at a time as it is read: nothing is
    held for the whole backlog, so the worker's memory stays flat however large it is."""
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 2)
    cases = _closing(queues, customer, agent, 5)
    actions = sweeps.stream("auto_close", now=CLOSES_AT)

    first = next(actions)

    assert first.case == cases[0].reference
    assert [reload(case).status for case in cases].count("closed") == 2
    assert len(list(actions)) == 4
    assert {reload(case).status for case in cases} == {"closed"}
