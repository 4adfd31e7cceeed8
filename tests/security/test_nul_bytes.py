"""A NUL byte, or an impossible date, where a page reads a reference or a time answers like any
other bad input, never a server error. PostgreSQL refuses NUL bytes in a query (psycopg raises
before sending it), so that is where these failed: run them with DATABASE_URL=postgres://..."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AgentFactory, CustomerFactory
from tests.workflows.walking import walk_to

NEW_CASE = "/portal/cases/new/"
NUL_REFERENCES = ["\x00", "CS-\x00", "CS-000001\x00"]


@pytest.fixture
def portal(customer):
    client = Client()
    client.force_login(customer)
    return client


@pytest.mark.parametrize("reference", NUL_REFERENCES)
def test_a_follow_up_of_a_nul_reference_is_not_found(portal, reference):
    response = portal.get(NEW_CASE, {"repeat_of": reference})

    assert response.status_code == 404


@pytest.mark.parametrize("reference", NUL_REFERENCES)
def test_posting_a_follow_up_of_a_nul_reference_is_not_found(portal, queues, reference):
    response = portal.post(
        NEW_CASE,
        {
            "repeat_of": reference,
            "queue": queues["technical_support"].pk,
            "subject": "It burns again",
            "description": "Smoke.",
        },
    )

    assert response.status_code == 404


def test_a_nul_reference_in_the_query_string_of_a_post_is_not_found(portal, queues):
    response = portal.post(
        f"{NEW_CASE}?repeat_of=%00",
        {"queue": queues["technical_support"].pk, "subject": "Again", "description": "Smoke."},
    )

    assert response.status_code == 404


def test_a_real_follow_up_still_opens(portal, make_case, cast):
    closed = walk_to(make_case("technical_support"), "closed", cast)

    response = portal.get(NEW_CASE, {"repeat_of": closed.reference})

    assert response.status_code == 200
    assert f"Repeat of {closed.reference}" in response.content.decode()


def test_an_impossible_date_in_a_presence_poll_is_not_a_server_error(db, make_case):
    """Fixed with the presence view's rewrite (agent/views/presence.py); kept here to run on
    PostgreSQL too."""
    case = make_case("technical_support", requester=CustomerFactory())
    client = Client()
    client.force_login(AgentFactory())
    url = reverse("agent:presence", args=[case.reference])

    for seen in ("2026-02-30T10:00:00", "\x00", "9999-99-99"):
        assert client.get(url, {"seen": seen}).status_code < 500
