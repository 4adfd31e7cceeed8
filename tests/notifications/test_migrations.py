"""Upgrading keeps every entry reminded once: the migration that records the case at the cause
ties the reminders written before it to the entry their key names."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Kind, Notification
from tests.timed_cases import T0, pending
from workflows.sweeps import send_reminders

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0002_delivery_backoff")]


def _migrate(targets):
    """Migrate to `targets`; the historical apps as they then are."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_rows_from_before_get_the_entry_their_key_names_and_no_status(queues, customer, agent):
    case = pending(queues["support_center"], customer, agent, at=T0)
    reminded_at = T0 + timedelta(days=9)  # written by a run told a later `now`
    try:
        old = _migrate(BEFORE).get_model("notifications", "Notification")
        for kind, occasion in (
            (Kind.REMINDER, T0.isoformat()),
            (Kind.FIRST_RESPONSE_BREACH, "breach"),
        ):
            old.objects.create(
                kind=kind,
                case_id=case.pk,
                recipient_id=customer.pk,
                key=f"{kind}:{case.pk}:{customer.pk}:{occasion}",
                created_at=reminded_at,
                scheduled_for=reminded_at,
            )
    finally:
        _migrate(_latest())

    rows = Notification.objects.filter(
        case=case, kind__in=[Kind.REMINDER, Kind.FIRST_RESPONSE_BREACH]
    )
    assert sorted(
        (row.kind, row.case_status_changed_at, row.case_status, row.case_status_label)
        for row in rows
    ) == [("first_response_breach", None, "", ""), ("reminder", T0, "", "")]
    assert send_reminders(now=reminded_at) == []
