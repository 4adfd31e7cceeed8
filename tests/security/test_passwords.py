"""Passwords: Django's four validators apply wherever one is set (the API, the admin, the password
change and reset pages), and a new password revokes the user's API tokens."""

import getpass
from io import StringIO

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from api import tokens
from cases.models import User
from demo import stories

PASSWORD = "secret-pass-123"  # what tests.factories gives every user
NEW_PASSWORD = "a-new-and-long-pass-77"
# A password each validator refuses, for a user named "carolsmith".
WEAK = {
    "numeric and common": "12345678",
    "too short": "x7-kq2",
    "common": "password123",
    "like the username": "carolsmith1",
}


@pytest.fixture
def admin_session(root):
    client = Client()
    client.force_login(root)
    return client


def token_for(user) -> str:
    return tokens.issue(user)


def has_token(user) -> bool:
    """Whether the user holds a token that still signs in."""
    return tokens.live(user).exists()


# Where a password is set ------------------------------------------------------------------------


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_the_api_refuses_a_weak_password_for_a_new_user(manager, password):
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post(
        "/api/users/",
        {"username": "carolsmith", "password": password, "role": "customer"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["password"]
    assert not User.objects.filter(username="carolsmith").exists()


def add_user(client, password):
    return client.post(
        "/admin/cases/user/add/",
        {
            "username": "carolsmith",
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "role": "customer",
        },
    )


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_the_admins_add_user_form_refuses_a_weak_password(admin_session, password):
    response = add_user(admin_session, password)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="carolsmith").exists()


def test_the_admins_add_user_form_takes_a_strong_password(admin_session):
    response = add_user(admin_session, NEW_PASSWORD)

    assert response.status_code == 302
    assert User.objects.get(username="carolsmith").check_password(NEW_PASSWORD)


def test_the_admins_password_form_refuses_a_weak_password(admin_session, customer):
    response = admin_session.post(
        f"/admin/cases/user/{customer.pk}/password/",
        {"password1": "12345678", "password2": "12345678"},
    )

    customer.refresh_from_db()
    assert response.status_code == 200
    assert customer.check_password(PASSWORD)


def change_password(user, new_password):
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    return client, response


def test_the_password_change_page_refuses_a_weak_password(customer):
    _, response = change_password(customer, "12345678")

    customer.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert customer.check_password(PASSWORD)


def reset_password(user, new_password):
    """The reset link's page, as the emailed link opens it, then its form."""
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")
    return client.post(
        link["Location"], {"new_password1": new_password, "new_password2": new_password}
    )


def test_the_reset_page_refuses_a_weak_password(customer):
    response = reset_password(customer, "12345678")

    customer.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert customer.check_password(PASSWORD)


@pytest.mark.parametrize("person", stories.PEOPLE, ids=lambda person: person.username)
def test_the_demo_password_meets_the_validators(db, person):
    user = User(
        username=person.username,
        first_name=person.first_name,
        last_name=person.last_name,
        email=f"{person.username}@example.com",
    )

    validate_password(stories.PASSWORD, user)


# A new password revokes the API tokens ------------------------------------------------------------


def test_changing_the_password_on_its_page_revokes_the_tokens(customer):
    token_for(customer)

    client, response = change_password(customer, NEW_PASSWORD)

    assert response.status_code == 302
    assert not has_token(customer)
    assert get_user(client).is_authenticated  # the page that changed it stays signed in


def test_resetting_the_password_revokes_the_tokens(customer):
    token_for(customer)

    response = reset_password(customer, NEW_PASSWORD)

    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.check_password(NEW_PASSWORD)
    assert not has_token(customer)


def test_the_full_reset_by_email_revokes_the_tokens(customer, django_capture_on_commit_callbacks):
    token_for(customer)
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": customer.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form_page = client.get(link.strip()[link.strip().index("/accounts/") :])
    client.post(
        form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert not has_token(customer)


def test_the_admin_setting_a_password_revokes_the_tokens(admin_session, customer):
    token_for(customer)

    response = admin_session.post(
        f"/admin/cases/user/{customer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not has_token(customer)


def test_changepassword_on_the_command_line_revokes_the_tokens(customer, monkeypatch):
    token_for(customer)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", customer.username, stdout=StringIO())

    assert not has_token(customer)


def test_set_password_then_save_revokes_the_tokens(customer):
    token_for(customer)

    customer.set_password(NEW_PASSWORD)
    customer.save()

    assert not has_token(customer)


def test_a_hash_set_directly_revokes_the_tokens(customer):
    token_for(customer)

    customer.set_unusable_password()
    customer.save()

    assert not has_token(customer)


def test_an_unrelated_save_keeps_the_tokens(customer):
    token_for(customer)

    customer.first_name = "Alice"
    customer.save()

    assert has_token(customer)


def test_signing_in_keeps_the_tokens(customer):
    token_for(customer)

    response = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert has_token(customer)


def test_a_new_password_of_another_user_keeps_these_tokens(customer, colleague):
    token_for(customer)

    colleague.set_password(NEW_PASSWORD)
    colleague.save()

    assert has_token(customer)


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """A stronger hasher than the tests' MD5, made cheap."""

    iterations = 1


def test_a_password_hashed_anew_at_sign_in_keeps_the_tokens(customer, settings):
    token = token_for(customer)
    settings.PASSWORD_HASHERS = [
        f"{__name__}.QuickPBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    response = APIClient().post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    customer.refresh_from_db()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert customer.password.startswith("pbkdf2_sha256$")  # Django upgraded the hash
    assert client.get("/api/me/").status_code == 200
