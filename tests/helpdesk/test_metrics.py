"""/metrics: Prometheus' text behind a bearer token, with the request metrics, the tasks' and the
backlogs read at scrape time."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from helpdesk.celery import app as celery_app
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-token"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_without_the_token_it_answers_401(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_without_a_configured_token_it_does_not_exist(client, settings):
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", headers={"Authorization": "Bearer "})

    assert response.status_code == 404


def test_requests_are_counted_by_django_prometheus(client):
    client.get("/health/")

    samples = scrape(client)

    assert any(name.startswith("django_http_requests_latency") for name, _ in samples)


def test_the_outbox_backlog_and_its_oldest_age(client, make_case, agent):
    case = make_case()
    Notification.objects.all().delete()
    now = timezone.now()

    def notification(key, minutes_ago, sent=False):
        Notification.objects.create(
            kind=Kind.CASE_CREATED,
            case=case,
            recipient=agent,
            key=key,
            created_at=now,
            scheduled_for=now - timedelta(minutes=minutes_ago),
            sent_at=now if sent else None,
        )

    notification("oldest", 10)
    notification("newer", 1)
    notification("sent", 20, sent=True)
    notification("later", -5)

    samples = scrape(client)

    assert samples[("helpdesk_outbox_due", (("outbox", "notification"),))] == 2
    oldest = samples[("helpdesk_outbox_oldest_due_seconds", (("outbox", "notification"),))]
    assert 600 <= oldest < 700
    assert samples[("helpdesk_outbox_due", (("outbox", "account_email"),))] == 0
    assert samples[("helpdesk_inbound_messages", (("outcome", "pending"),))] == 0


def test_a_failed_task_is_counted_and_logged(client, caplog):
    @celery_app.task(name="tests.metrics.explode")
    def explode():
        raise ValueError("boom")

    before = scrape(client).get(
        ("helpdesk_task_failures_total", (("task", "tests.metrics.explode"),)), 0
    )
    explode.apply()

    after = scrape(client)[("helpdesk_task_failures_total", (("task", "tests.metrics.explode"),))]
    assert after == before + 1
    failures = [r for r in caplog.records if r.name == "helpdesk.celery"]
    assert failures[0].levelname == "ERROR"
    assert "tests.metrics.explode" in failures[0].getMessage()
    assert "boom" in failures[0].getMessage()
