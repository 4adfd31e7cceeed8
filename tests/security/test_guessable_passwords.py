"""Passwords that Django's four validators let through but a guesser tries first: a common word,
the product's name, a season or month, or an organization's name, with digits or symbols around
it (web/passwords.py), refused wherever a password is set, in plain words."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from cases.models import User
from demo import stories
from tests.factories import OrganizationFactory

PASSWORD = "secret-pass-123"  # what tests.factories gives every user
GUESSABLE = {
    "season and year": "Summer2026",
    "product and year": "helpdesk2026",
    "organization and year": "Acme2026!",
    "month": "December2026!",
    "short month": "Dec-2026",
    "product, spaced": "Help Desk 2026",
    "common word": "Dragon!2026",
    "common password, in the middle": "2026!Password!",
    "organization, run together": "AcmeCorp#99",
    "organization's second word": "Widgets2026!",
}
STRONG = [
    stories.PASSWORD,  # demo-pass-123: the demo's, printed in the README
    PASSWORD,
    "a-new-and-long-pass-77",
    "correct horse battery staple",
    "tr0ub4dor&3-xkcd",
    "Purple-Oboe-Lantern-41",
]


@pytest.fixture(autouse=True)
def organizations(db):
    OrganizationFactory(name="Acme Corp")
    OrganizationFactory(name="Northwind Widgets")


def refusal_of(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize("password", GUESSABLE.values(), ids=GUESSABLE.keys())
def test_a_guessable_word_with_digits_or_symbols_around_it_is_refused(password):
    assert refusal_of(password)


@pytest.mark.parametrize("password", STRONG)
def test_a_password_that_is_no_such_word_is_taken(password):
    assert refusal_of(password) == []


@pytest.mark.parametrize(
    ("password", "said"),
    [
        ("Summer2026", "a season or a month"),
        ("helpdesk2026", "the name of this product"),
        ("Acme2026!", "the name of an organization"),
        ("Dragon!2026", "a common word or password"),
    ],
)
def test_the_refusal_says_why_in_plain_words(password, said):
    [message] = refusal_of(password)

    assert message.startswith(f"This password is {said} with numbers or symbols around it")
    assert "Choose something less predictable" in message


def test_django_help_lists_the_rule():
    from django.contrib.auth.password_validation import password_validators_help_texts

    assert any("season or month" in text for text in password_validators_help_texts())


def test_the_api_refuses_one_for_a_new_user(manager):
    client = APIClient()
    client.force_authenticate(manager)

    response = client.post(
        "/api/users/",
        {"username": "carol", "password": "Summer2026", "role": "customer"},
        format="json",
    )

    assert response.status_code == 400
    assert "a season or a month" in response.json()["password"][0]
    assert not User.objects.filter(username="carol").exists()


def test_the_password_change_page_refuses_one(customer):
    client = Client()
    client.force_login(customer)

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Acme2026!", "new_password2": "Acme2026!"},
    )

    assert response.status_code == 200
    assert "the name of an organization" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.parametrize("person", stories.PEOPLE, ids=lambda person: person.username)
def test_the_demo_password_stays_valid_for_every_demo_person(person):
    user = User(
        username=person.username,
        first_name=person.first_name,
        last_name=person.last_name,
        email=f"{person.username}@example.com",
    )

    assert refusal_of(stories.PASSWORD, user) == []
