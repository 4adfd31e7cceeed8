"""The cases the automations could not act on, in the admin: managers see each with its case,
automation, error, attempts and next try, read-only; agents and customers do not see the list."""

import pytest
from django.test import Client

from tests.timed_cases import DAY, T0
from workflows.sweep_failures import SweepFailure

pytestmark = pytest.mark.django_db

LIST = "/admin/workflows/sweepfailure/"


@pytest.fixture
def failure(case):
    return SweepFailure.objects.create(
        sweep="auto_close",
        case=case,
        error="RuntimeError: the printer caught fire",
        attempts=3,
        first_failed_at=T0,
        last_failed_at=T0 + DAY,
        next_attempt_at=T0 + 2 * DAY,
    )


def test_managers_see_the_case_the_automation_and_the_error(manager_client, failure, case):
    page = manager_client.get(LIST)

    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html
    assert "auto_close" in html
    assert "RuntimeError: the printer caught fire" in html
    assert "Dec. 3, 2026" in html  # the next try


def test_the_list_is_read_only(manager_client, failure):
    assert manager_client.get(f"{LIST}add/").status_code == 403
    response = manager_client.post(f"{LIST}{failure.pk}/change/", {"attempts": 0})
    assert response.status_code == 403
    assert manager_client.post(f"{LIST}{failure.pk}/delete/", {"post": "yes"}).status_code == 403
    failure.refresh_from_db()
    assert failure.attempts == 3


def test_the_managers_index_lists_it_with_the_schedule(manager_client, failure):
    index = manager_client.get("/admin/").content.decode()
    assert "Cases the automations could not act on" in index


def test_agents_do_not_see_it(agent, failure):
    client = Client()
    client.force_login(agent)
    response = client.get(LIST)
    assert response.status_code in (302, 403)
