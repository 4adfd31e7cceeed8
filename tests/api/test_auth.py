"""Signing in: tokens from /api/auth/token/, `Authorization: Token ...` on every call, browser
sessions with CSRF, and 401 with `WWW-Authenticate: Token` for anyone else; a new token at each
sign-in, which expires, and which its owner lists (never its key) and revokes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from api.models import ApiToken

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


def test_each_sign_in_gets_a_new_token_and_the_earlier_ones_keep_working(customer):
    first, second = token_of(customer), token_of(customer)

    assert first != second
    for token in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/me/").status_code == 200


def test_a_stale_token_in_the_header_does_not_stop_signing_in(customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token-any-more")

    response = client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json")

    assert response.status_code == 200


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


# Expiry and revocation ---------------------------------------------------------------------------


def signed_in_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_expires_after_its_lifetime(customer, settings):
    settings.API_TOKEN_LIFETIME = timedelta(days=30)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        client = signed_in_with(token_of(customer))
        clock.shift(timedelta(days=30) - timedelta(seconds=1))
        before = client.get("/api/me/")
        clock.shift(timedelta(seconds=1))

        after = client.get("/api/me/")

    assert before.status_code == 200
    assert after.status_code == 401
    assert after["WWW-Authenticate"] == "Token"
    assert "expired" in after.json()["detail"]


def test_the_lifetime_is_a_setting(customer, settings):
    settings.API_TOKEN_LIFETIME = timedelta(hours=1)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        client = signed_in_with(token_of(customer))
        clock.shift(timedelta(hours=1))

        assert client.get("/api/me/").status_code == 401


def test_delete_revokes_the_token_it_is_sent_with(customer):
    token = token_of(customer)
    other = token_of(customer)
    client = signed_in_with(token)

    response = client.delete(TOKEN_URL)

    assert response.status_code == 204
    refused = client.get("/api/me/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert "revoked" in refused.json()["detail"]
    assert signed_in_with(other).get("/api/me/").status_code == 200  # only that one


def test_delete_without_a_token_is_401(customer):
    response = APIClient().delete(TOKEN_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_delete_with_a_bad_token_is_401(db):
    response = signed_in_with("0123456789abcdef").delete(TOKEN_URL)

    assert response.status_code == 401


def test_ones_tokens_are_listed_without_their_keys(customer):
    first, current = token_of(customer), token_of(customer)

    response = signed_in_with(current).get("/api/auth/tokens/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["prefix"] for row in rows] == [current[:8], first[:8]]
    assert set(rows[0]) == {
        "id", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "state",
        "current",
    }  # fmt: skip
    assert [row["current"] for row in rows] == [True, False]
    assert {row["state"] for row in rows} == {"active"}
    assert first not in response.content.decode() and current not in response.content.decode()


def test_the_list_shows_only_ones_own_tokens(customer, colleague):
    token_of(colleague)

    response = signed_in_with(token_of(customer)).get("/api/auth/tokens/")

    assert response.json()["count"] == 1


def test_a_browser_session_lists_and_revokes_its_persons_tokens(customer):
    token = token_of(customer)
    client = APIClient()
    client.force_login(customer)
    [row] = client.get("/api/auth/tokens/").json()["results"]

    response = client.delete(f"/api/auth/tokens/{row['id']}/")

    assert response.status_code == 204
    assert signed_in_with(token).get("/api/me/").status_code == 401
    [revoked] = client.get("/api/auth/tokens/").json()["results"]
    assert revoked["state"] == "revoked" and revoked["revoked_at"]


def test_someone_elses_token_cannot_be_revoked(customer, colleague):
    theirs = token_of(colleague)
    client = APIClient()
    client.force_login(customer)
    their_id = ApiToken.objects.get(user=colleague).pk

    response = client.delete(f"/api/auth/tokens/{their_id}/")

    assert response.status_code == 404
    assert response.json()["detail"] == "No such token."
    assert signed_in_with(theirs).get("/api/me/").status_code == 200


def test_the_token_list_needs_a_sign_in(db):
    response = APIClient().get("/api/auth/tokens/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_schema_documents_revocation_and_the_list(db):
    paths = APIClient().get("/api/schema/?format=json").json()["paths"]

    assert "204" in paths["/api/auth/token/"]["delete"]["responses"]
    assert "/api/auth/tokens/" in paths
    assert "delete" in paths["/api/auth/tokens/{id}/"]
