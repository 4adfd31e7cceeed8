"""Two schedulers sweeping at the same moment on PostgreSQL (real row locks, two connections):
every due case is acted on once, and every notification is sent once."""

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from cases.models import HistoryEntry
from notifications.models import Kind, Notification
from tests.timed_cases import T0, awaiting_confirmation, new_case, pending
from workflows.sweeps import run_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(work, threads=2) -> list[Any]:
    """Run `work` in several threads released together by a barrier, each on its own
    database connection."""
    barrier = threading.Barrier(threads)
    results, errors = [None] * threads, []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as error:  # reported below, with the thread's result missing
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    return results


def test_two_sweeps_at_once_act_once(queues, customer, agent, manager, mailoutbox):
    closing = [
        awaiting_confirmation(queues["support_center"], customer, agent, at=T0) for _ in range(8)
    ]
    reminding = [
        pending(queues["support_center"], customer, agent, at=T0 + timedelta(days=7))
        for _ in range(8)
    ]
    breaching = [
        new_case(queues["technical_support"], customer, at=T0 + timedelta(days=14))
        for _ in range(4)
    ]
    now = T0 + timedelta(days=14, hours=12)
    sent_before = len(mailoutbox)

    results = _at_once(lambda: run_all(now=now))

    lines = Counter(str(action) for result in results for action in result)
    assert max(lines.values()) == 1
    timed = {(a.action, a.case) for result in results for a in result if a.action != "deliver"}
    assert timed == (
        {("auto_close", c.reference) for c in closing}
        | {("reminder", c.reference) for c in reminding}
        | {("first_response_breach", c.reference) for c in breaching}
    )
    auto_closes = Counter(
        HistoryEntry.objects.filter(transition="auto_close").values_list("case", flat=True)
    )
    assert auto_closes == Counter({c.pk: 1 for c in closing})
    reminders = Counter(
        Notification.objects.filter(kind=Kind.REMINDER).values_list("case", flat=True)
    )
    assert reminders == Counter({c.pk: 1 for c in reminding})
    breaches = Counter(
        Notification.objects.filter(kind=Kind.FIRST_RESPONSE_BREACH).values_list("case", flat=True)
    )
    assert breaches == Counter({c.pk: 1 for c in breaching})
    sent = Notification.objects.filter(sent_at__isnull=False, sent_at__gte=now).count()
    assert len(mailoutbox) - sent_before == sent
