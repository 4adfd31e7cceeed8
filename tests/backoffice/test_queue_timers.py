"""Queue timers are typed as days and hours, at least a minute (and at most ten years) in the
admin as in the model and the API, and refused with a message that says so."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from backoffice.durations import days_and_hours
from backoffice.queue_timers import FIRST_RESPONSE_FIELDS
from cases.models import Queue

TIMERS = [
    field.name for field in Queue._meta.fields if field.get_internal_type() == "DurationField"
]


def admin_form(**timers):
    """The add page's fields: each first-response target as days and hours."""
    data = {"name": "Printers", "workflow": "support_center", "highest_customer_priority": 30}
    defaults = Queue()
    for name in FIRST_RESPONSE_FIELDS:
        days, hours = timers.get(name, days_and_hours(getattr(defaults, name)))
        data[f"{name}_0"], data[f"{name}_1"] = days, hours
    return data


def errors_of(response):
    return response.context["adminform"].form.errors


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
@pytest.mark.parametrize(
    ("days", "hours", "message"),
    [
        ("0", "0", "At least 1 minute: a shorter timer would act at once."),
        ("0", "", "At least 1 minute: a shorter timer would act at once."),
        ("-1", "0", "Days and hours cannot be negative."),
        ("0", "-2", "Days and hours cannot be negative."),
        ("3651", "0", "At most 3650 days."),
        ("", "", "Give a number of days, of hours, or both."),
        ("two", "0", "Type a number."),
    ],
)
def test_the_admin_refuses_a_timer_out_of_bounds_in_words(manager_client, days, hours, message):
    response = manager_client.post(
        "/admin/cases/queue/add/", admin_form(first_response_urgent=(days, hours))
    )
    assert response.status_code == 200
    assert message in errors_of(response)["first_response_urgent"]
    assert not Queue.objects.filter(name="Printers").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "hours", "kept"),
    [
        ("0", "0.5", timedelta(minutes=30)),
        ("1", "12", timedelta(days=1, hours=12)),
        ("", "36", timedelta(days=1, hours=12)),
        ("2", "", timedelta(days=2)),
    ],
)
def test_the_admin_adds_a_queue_with_timers_in_days_and_hours(manager_client, days, hours, kept):
    response = manager_client.post(
        "/admin/cases/queue/add/", admin_form(first_response_urgent=(days, hours))
    )
    assert response.status_code == 302
    assert Queue.objects.get(name="Printers").first_response_urgent == kept


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
