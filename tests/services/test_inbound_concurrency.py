"""Two workers at once on PostgreSQL (real row locks, real unique constraints): the same message
stored by two processes is one row, and a message handled by two workers is posted once
(django-helpdesk and FreeScout imported overlapping runs twice)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from cases.models import Comment, InboundMessage, Outcome, Via
from services.cases import case_create
from services.inbound import inbound_handle, inbound_store
from tests.mail import corpus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(work: Callable[[], Any], times: int = 4) -> list[Any]:
    """`work` in `times` threads released together, each on its own database connection."""
    barrier = threading.Barrier(times)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_the_same_message_stored_at_once_is_one_row(settings):
    raw = corpus.message(message_id="<together@mail.example.com>")

    results = at_once(lambda: inbound_store(raw=raw, via=Via.IMAP))

    assert InboundMessage.objects.count() == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len(list((settings.MEDIA_ROOT / "inbound").rglob("*.eml"))) == 1


def test_a_message_handled_by_two_workers_at_once_is_posted_once(queues, customer):
    queue = queues["technical_support"]
    case = case_create(actor=customer, queue=queue, subject="Printer")
    row, _ = inbound_store(raw=corpus.message(subject=f"[{case.reference}]"), via=Via.PIPE)

    results = at_once(lambda: inbound_handle(message_id=row.pk))

    assert len([result for result in results if result is not None]) == 1
    assert Comment.objects.filter(case=case).count() == 1
    assert InboundMessage.objects.get(pk=row.pk).outcome == Outcome.REPLY
