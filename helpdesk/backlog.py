"""What waits to be done, read from the database when Prometheus scrapes: the outbox (due,
unsent notifications, account emails and mail notices, and how long the oldest has waited) and
the inbound mail (messages waiting to be handled, and those held for an agent).

Each figure is one count over a partial index (the same ones the sweeps claim from), so a scrape
costs a few milliseconds even with a hundred thousand rows waiting.
"""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, Min, Model, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from cases.models import InboundMessage, Outcome
from notifications.models import AccountEmail, MailNotice, Notification

# Each outbox: its model and the field saying from when a row is due.
OUTBOXES: dict[str, tuple[type[Model], str]] = {
    "notification": (Notification, "scheduled_for"),
    "account_email": (AccountEmail, "created_at"),
    "mail_notice": (MailNotice, "created_at"),
}


class BacklogCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        due = GaugeMetricFamily(
            "helpdesk_outbox_due", "Due and unsent rows of an outbox.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "helpdesk_outbox_oldest_due_seconds",
            "How long the oldest due, unsent row of an outbox has waited (0: none).",
            labels=["outbox"],
        )
        for name, (model, due_field) in OUTBOXES.items():
            figures = model._default_manager.filter(
                Q(sent_at__isnull=True), **{f"{due_field}__lte": now}
            ).aggregate(count=Count("pk"), oldest=Min(due_field))
            due.add_metric([name], figures["count"])
            oldest.add_metric([name], _age(figures["oldest"], now))
        yield due
        yield oldest

        inbound = GaugeMetricFamily(
            "helpdesk_inbound_messages",
            "Received messages waiting to be handled (pending) or held for an agent (held).",
            labels=["outcome"],
        )
        for outcome in (Outcome.PENDING, Outcome.HELD):
            inbound.add_metric(
                [outcome.value], InboundMessage.objects.filter(outcome=outcome).count()
            )
        yield inbound


def _age(since: datetime | None, now: datetime) -> float:
    return max((now - since).total_seconds(), 0.0) if since else 0.0
