"""Signing in: tokens from /api/auth/token/, `Authorization: Token ...` on every call, browser
sessions with CSRF, and 401 with `WWW-Authenticate: Token` for anyone else."""

import pytest
from rest_framework.test import APIClient

TOKEN_URL = "/api/auth/token/"
PASSWORD = "secret-pass-123"  # what tests.factories gives every user

# One GET per area of the contract: each must refuse a caller who is not signed in.
PROTECTED_GETS = [
    "/api/me/",
    "/api/organizations/",
    "/api/queues/",
    "/api/users/",
    "/api/workflows/",
    "/api/workflows/technical_support/",
    "/api/cases/",
    "/api/cases/1/",
    "/api/cases/1/comments/",
    "/api/cases/1/history/",
    "/api/cases/1/notifications/",
    "/api/releases/",
    "/api/notifications/",
]
PROTECTED_POSTS = [
    "/api/organizations/",
    "/api/users/",
    "/api/queues/",
    "/api/cases/",
    "/api/cases/1/comments/",
    "/api/cases/1/transitions/close/",
    "/api/cases/1/repeat/",
    "/api/cases/1/survey/",
    "/api/cases/1/restore/",
    "/api/releases/",
    "/api/releases/1/cases/",
    "/api/releases/1/deliver/",
]


def token_of(user):
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def test_good_credentials_give_a_token(customer):
    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert response.json()["token"]


def test_the_same_user_gets_the_same_token_each_time(customer):
    assert token_of(customer) == token_of(customer)


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_the_token_signs_in_every_role(cast, role):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(cast[role])}")

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == cast[role].username
    assert response.json()["role"] == role


def test_a_token_is_enough_to_act_as_its_user(customer, queues):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(customer)}")

    response = client.post(
        "/api/cases/",
        {"queue": queues["technical_support"].pk, "subject": "VPN drops"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["requester"] == customer.pk


def test_a_wrong_password_gets_400_with_detail(customer):
    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": "not-her-password"}, format="json"
    )

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert "token" not in response.json()


def test_an_unknown_username_gets_400(db):
    response = APIClient().post(
        TOKEN_URL, {"username": "nobody", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_inactive_user_gets_no_token(customer):
    customer.is_active = False
    customer.save()

    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize("missing", ["username", "password"])
def test_a_missing_credential_is_a_field_error(customer, missing):
    body = {"username": "alice", "password": PASSWORD}
    del body[missing]

    response = APIClient().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert missing in response.json()
    assert response.json()["detail"].startswith(missing)


def test_malformed_json_at_sign_in_is_400(db):
    response = APIClient().post(
        TOKEN_URL, data='{"username": "alice",', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


def test_the_token_endpoint_answers_only_post(db):
    assert APIClient().get(TOKEN_URL).status_code == 405


@pytest.mark.parametrize("url", PROTECTED_GETS)
def test_no_token_is_401_with_a_token_challenge(db, url):
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("url", PROTECTED_POSTS)
def test_writes_without_a_token_are_401(db, url):
    response = APIClient().post(url, {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    ["Token 0123456789abcdef0123456789abcdef01234567", "Token", "Token a b", "Bearer abc"],
)
def test_a_bad_token_is_401(customer, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/cases/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_of_a_deactivated_user_stops_working(customer):
    token = token_of(customer)
    customer.is_active = False
    customer.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get("/api/me/").status_code == 401


def test_a_browser_session_reads_the_api(customer):
    client = APIClient()
    client.force_login(customer)

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_a_browser_session_must_send_the_csrf_token_to_write(customer, queues):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer)
    body = {"queue": queues["technical_support"].pk, "subject": "VPN drops"}

    refused = client.post("/api/cases/", body, format="json")
    client.get("/admin/login/")  # any page that renders a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post("/api/cases/", body, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_five_failures_lock_the_pair_out_with_429(customer):
    """The throttling of every entrance (ui.md, "Everyone"; tests/security/test_throttling.py)."""
    wrong = {"username": "alice", "password": "not-her-password"}
    failures = [APIClient().post(TOKEN_URL, wrong, format="json") for _ in range(5)]

    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert [failure.status_code for failure in failures] == [400] * 5
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed attempts: try again in 15 minutes"}


def test_the_schema_documents_the_lockout(db):
    schema = APIClient().get("/api/schema/?format=json").json()

    responses = schema["paths"]["/api/auth/token/"]["post"]["responses"]

    assert {"200", "400", "429"} <= set(responses)


def test_a_new_password_revokes_the_token(customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(customer)}")
    customer.set_password("a-new-and-long-pass-77")
    customer.save()

    assert client.get("/api/me/").status_code == 401


def test_the_new_password_gets_a_new_token(customer):
    old = token_of(customer)
    customer.set_password("a-new-and-long-pass-77")
    customer.save()

    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": "a-new-and-long-pass-77"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"] != old
