"""`Cache-Control: no-store` on every page drawn for someone signed in and on every API answer,
so that no proxy or browser history keeps a copy; what a view set itself is kept."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from services.attachments import attachment_add
from tests.uploads import upload

PASSWORD = "secret-pass-123"  # what tests.factories gives every user


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("customer", "/portal/"),
        ("customer", "/portal/cases/new/"),
        ("customer", "/portal/updates/"),
        ("customer", "/accounts/settings/"),
        ("customer", "/portal/cases/CS-999999/"),  # a 404 page, drawn for them all the same
        ("agent", "/agent/"),
        ("agent", "/agent/cases/new/"),
        ("manager", "/agent/overview/"),
    ],
)
def test_a_page_for_someone_signed_in_is_not_stored(cast, role, url):
    response = signed_in(cast[role]).get(url)

    assert response.status_code in (200, 404)
    assert no_store(response), response.get("Cache-Control")


def test_a_case_page_is_not_stored(customer, make_case):
    case = make_case()

    response = signed_in(customer).get(f"/portal/cases/{case.reference}/")

    assert response.status_code == 200
    assert no_store(response)


def test_the_admin_is_not_stored(root):
    response = signed_in(root).get("/admin/")

    assert response.status_code == 200
    assert no_store(response)


def test_a_redirect_after_an_action_is_not_stored(customer):
    response = signed_in(customer).get("/")

    assert response.status_code == 302
    assert no_store(response)


@pytest.mark.parametrize("url", ["/api/me/", "/api/cases/", "/api/workflows/", "/api/nowhere/"])
def test_an_api_answer_is_not_stored(customer, url):
    client = APIClient()
    client.force_authenticate(customer)

    assert no_store(client.get(url))


@pytest.mark.parametrize("url", ["/api/me/", "/api/schema/"])
def test_an_api_refusal_is_not_stored_either(db, url):
    assert no_store(APIClient().get(url))


def test_the_token_is_not_stored(customer):
    response = APIClient().post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert no_store(response)


def test_a_download_keeps_its_own_header(customer, make_case):
    case = make_case()
    attachment = attachment_add(case_id=case.pk, actor=customer, file=upload())
    client = APIClient()
    client.force_authenticate(customer)

    response = client.get(f"/api/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_the_sign_in_page_keeps_djangos_never_cache(db):
    response = Client().get("/accounts/login/")

    assert "no-store" in response["Cache-Control"]


def test_a_public_page_for_someone_signed_out_gets_no_header_of_ours(db):
    response = Client().get("/favicon.ico")

    assert "Cache-Control" not in response
