"""Queue timers are at least a minute (and at most ten years) in the model, the admin and the
API alike."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from cases.models import Queue

TIMERS = [
    field.name for field in Queue._meta.fields if field.get_internal_type() == "DurationField"
]


def admin_form(**timers):
    data = {"name": "Printers", "workflow": "support_center", "highest_customer_priority": 30}
    defaults = Queue()
    for name in TIMERS:
        value = timers.get(name, getattr(defaults, name))
        data[name] = str(value) if isinstance(value, timedelta) else value
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("name", TIMERS)
@pytest.mark.parametrize("value", [timedelta(0), timedelta(hours=-1), timedelta(seconds=30)])
def test_the_model_refuses_a_timer_under_a_minute(name, value):
    queue = Queue(name="Printers", workflow="support_center", **{name: value})
    with pytest.raises(ValidationError) as refused:
        queue.full_clean()
    assert name in refused.value.message_dict


@pytest.mark.django_db
def test_the_model_takes_a_minute_and_ten_years():
    Queue(
        name="P",
        workflow="support_center",
        first_response_urgent=timedelta(minutes=1),
        resolved_auto_close_after=timedelta(days=3650),
    ).full_clean()
    with pytest.raises(ValidationError):
        Queue(
            name="P", workflow="support_center", resolved_auto_close_after=timedelta(days=3651)
        ).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "-1 00:00:00", "00:00:00"])
def test_the_admin_refuses_zero_and_negative_timers(manager_client, value):
    response = manager_client.post(
        "/admin/cases/queue/add/", admin_form(first_response_urgent=value)
    )
    assert response.status_code == 200
    assert "first_response_urgent" in response.context["adminform"].form.errors
    assert not Queue.objects.filter(name="Printers").exists()


@pytest.mark.django_db
def test_the_admin_adds_a_queue_with_positive_timers(manager_client):
    response = manager_client.post(
        "/admin/cases/queue/add/", admin_form(first_response_urgent="00:30:00")
    )
    assert response.status_code == 302
    assert Queue.objects.get(name="Printers").first_response_urgent == timedelta(minutes=30)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["00:00:00", "-01:00:00"])
def test_the_api_agrees(manager, value):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post(
        "/api/queues/",
        {"name": "Printers", "workflow": "support_center", "first_response_urgent": value},
        format="json",
    )
    assert response.status_code == 400
    assert "first_response_urgent" in response.json()
