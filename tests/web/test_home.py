"""`/` sends each person to the pages of their role (ui.md, "Everyone")."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_customers_are_sent_to_the_portal(client_for, customer):
    response = client_for(customer).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/"


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_agents_and_managers_are_sent_to_the_agent_workspace(client_for, cast, role):
    response = client_for(cast[role]).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/agent/"


def test_an_account_without_a_role_is_refused_rather_than_redirected(client_for):
    nobody = UserFactory(role="")

    assert client_for(nobody).get("/").status_code == 403


def test_signing_in_lands_on_the_front_door_of_the_role(client, customer):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "secret-pass-123"}, follow=True
    )

    assert response.redirect_chain[0] == ("/", 302)
    assert response.redirect_chain[1][0] == "/portal/"


def test_signing_in_honours_next(client, customer):
    response = client.post(
        "/accounts/login/?next=/portal/updates/",
        {"username": "alice", "password": "secret-pass-123", "next": "/portal/updates/"},
    )

    assert response["Location"] == "/portal/updates/"


def test_the_favicon_is_found_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
