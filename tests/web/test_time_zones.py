"""Each person reads times in their own time zone: the middleware activates it for their
requests (the site's when they chose none, or one that does not exist), and only for theirs;
the API keeps answering in UTC."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)
UPDATES = "/portal/updates/"


@pytest.fixture
def update_at_now(notify_in_app, make_case, customer):
    """An in-app notification of `customer`'s, dated NOW: the Updates page shows its time."""
    row = notify_in_app(customer, make_case())
    Notification.objects.filter(pk=row.pk).update(scheduled_for=NOW)


def titles_on(client: Client, path: str) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.usefixtures("update_at_now")
def test_a_person_reads_times_in_their_own_zone(client_for, customer):
    customer.time_zone = "Europe/Berlin"
    customer.save()

    html = titles_on(client_for(customer), UPDATES)

    assert 'title="1 December 2026, 15:05 CET"' in html


@pytest.mark.usefixtures("update_at_now")
@pytest.mark.parametrize("chosen", ["", "Mars/Olympus_Mons", "../../etc/passwd", "Europe/"])
def test_no_zone_or_an_unknown_one_reads_in_the_sites_zone(chosen, client_for, customer, settings):
    settings.TIME_ZONE = "America/New_York"
    customer.time_zone = chosen
    customer.save()

    html = titles_on(client_for(customer), UPDATES)

    assert 'title="1 December 2026, 09:05 EST"' in html


def test_a_zone_never_outlives_its_request(client_for, customer, settings):
    customer.time_zone = "Asia/Tokyo"
    customer.save()

    client_for(customer).get(UPDATES)

    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_signed_out_pages_read_in_the_sites_zone(client, customer):
    customer.time_zone = "Asia/Tokyo"
    customer.save()
    timezone.activate("Asia/Tokyo")  # as a previous request of this thread might have left it
    try:
        client.get("/accounts/login/")
        assert timezone.get_current_timezone_name() == "UTC"
    finally:
        timezone.deactivate()


def test_the_api_answers_in_utc_to_someone_signed_in_to_the_pages(client_for, customer, make_case):
    """The API's contract: times in UTC, whoever asks and however they signed in."""
    customer.time_zone = "Europe/Berlin"
    customer.save()
    case = make_case()

    body = client_for(customer).get(f"/api/cases/{case.pk}/").json()

    assert body["created_at"].endswith(("Z", "+00:00")), body["created_at"]
