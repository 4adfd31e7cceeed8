"""A new user's username passes the model's own checks (Django's username validator and its
length), wherever the user is created: the API's POST /api/users/ and `services.accounts`."""

import pytest
from rest_framework.test import APIClient

from cases.errors import InvalidInput
from cases.models import User
from services.accounts import user_create

PASSWORD = "a-new-and-long-pass-77"
# Refused by Django's UnicodeUsernameValidator: letters, digits and @ . + - _ only.
BAD_NAMES = ["carol smith", "carol/smith", "<script>", "carol;drop", "caröl\u200b", "x" * 151]


def create(manager, username):
    client = APIClient()
    client.force_authenticate(manager)
    return client.post(
        "/api/users/",
        {"username": username, "password": PASSWORD, "role": "customer"},
        format="json",
    )


@pytest.mark.parametrize("username", BAD_NAMES)
def test_the_api_refuses_a_username_the_model_refuses(manager, username):
    response = create(manager, username)

    assert response.status_code == 400
    assert response.json()["username"]
    assert response.json()["detail"].startswith("username: ")
    assert not User.objects.filter(username=username).exists()


def test_the_message_says_which_characters_are_allowed(manager):
    response = create(manager, "carol smith")

    assert "letters, numbers, and @/./+/-/_ characters" in response.json()["username"][0]


@pytest.mark.parametrize("username", BAD_NAMES[:-1])
def test_the_service_refuses_it_too(manager, username):
    with pytest.raises(InvalidInput) as refusal:
        user_create(actor=manager, username=username, password=PASSWORD, role="customer")

    assert refusal.value.errors["username"]


def test_the_service_refuses_a_name_longer_than_the_column(manager):
    with pytest.raises(InvalidInput) as refusal:
        user_create(actor=manager, username="x" * 151, password=PASSWORD, role="customer")

    assert "at most 150 characters" in refusal.value.errors["username"][0]


@pytest.mark.parametrize("username", ["carol", "carol.smith@example.com", "c+1_x-y", "zoë"])
def test_a_valid_username_is_taken(manager, username):
    response = create(manager, username)

    assert response.status_code == 201
    assert User.objects.filter(username=username).exists()
