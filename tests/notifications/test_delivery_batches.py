"""A sweep's batch writes its notifications in one statement (`outbox.collected`): the same rows
as one `notify()` at a time, none when the batch fails, and the delivery of those due now asked
for once, after the commit."""

import pytest

from notifications.models import Kind, Notification
from notifications.outbox import collected, notify
from tests.timed_cases import T0, new_case


def _remind(case):
    return notify(Kind.REMINDER, case=case, now=T0, status_label="New", sub_status_label="")


def test_the_rows_are_written_as_the_block_ends(
    queues, customer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cases = [new_case(queues["technical_support"], customer) for _ in range(3)]
    before = Notification.objects.count()

    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_num_queries(1),
        collected(),
    ):
        keys = [key for case in cases for key in _remind(case)]

    assert Notification.objects.count() == before + 3
    assert set(
        Notification.objects.filter(kind=Kind.REMINDER).values_list("key", flat=True)
    ) == set(keys)
    assert len(callbacks) == 1


def test_a_block_that_raises_writes_nothing(queues, customer):
    case = new_case(queues["technical_support"], customer)
    before = Notification.objects.count()

    with pytest.raises(RuntimeError), collected():
        _remind(case)
        raise RuntimeError("the batch failed")

    assert Notification.objects.count() == before
    # Outside a block, notify() writes at once again.
    _remind(case)
    assert Notification.objects.count() == before + 1
