"""Sign-in throttling (ui.md, "Everyone"): after 5 failures of one pair of username and client
address, that pair is refused for 15 minutes, the right password included, on every entrance (the
sign-in page, the admin's login, POST /api/auth/token/), counted across them."""

from datetime import UTC, datetime, timedelta
from itertools import cycle

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from helpdesk.throttling import client_address
from tests.factories import ManagerFactory

PASSWORD = "secret-pass-123"  # what tests.factories gives every user
WRONG = "not-the-password"
MESSAGE = "Too many failed attempts: try again in 15 minutes"
HOME = "10.0.0.1"
ENTRANCES = ["page", "admin", "api"]


def sign_in(entrance, password, *, username="root", address=HOME):
    credentials = {"username": username, "password": password}
    if entrance == "api":
        return APIClient(REMOTE_ADDR=address).post("/api/auth/token/", credentials, format="json")
    url = "/accounts/login/" if entrance == "page" else "/admin/login/?next=/admin/"
    return Client(REMOTE_ADDR=address).post(url, credentials)


def signed_in(entrance, response):
    if entrance == "api":
        return response.status_code == 200 and bool(response.json()["token"])
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def failed(entrance, response):
    """The answer to wrong credentials: the contract's 400, or the sign-in form again."""
    return response.status_code == (400 if entrance == "api" else 200)


def refused(entrance, response):
    if response.status_code != 429 or response["Retry-After"] != "900":
        return False
    if entrance == "api":
        return response.json() == {"detail": MESSAGE}
    return MESSAGE in response.content.decode()


def fail(times, entrances, **who):
    for _, entrance in zip(range(times), cycle(entrances), strict=False):
        assert failed(entrance, sign_in(entrance, WRONG, **who))


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_the_right_password_works_before_any_failure(root, entrance):
    assert signed_in(entrance, sign_in(entrance, PASSWORD))


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_after_five_failures_the_right_password_is_refused(root, entrance):
    fail(5, [entrance])

    response = sign_in(entrance, PASSWORD)

    assert refused(entrance, response)
    assert not signed_in(entrance, response)


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_four_failures_do_not_lock(root, entrance):
    fail(4, [entrance])

    assert signed_in(entrance, sign_in(entrance, PASSWORD))


def test_the_fifth_failure_still_answers_as_bad_credentials(root):
    fail(4, ["api"])

    fifth = sign_in("api", WRONG)
    sixth = sign_in("api", WRONG)

    assert fifth.status_code == 400
    assert "token" not in fifth.json()
    assert refused("api", sixth)


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_failures_on_the_other_entrances_count(root, entrance):
    fail(5, [other for other in ENTRANCES if other != entrance])

    assert refused(entrance, sign_in(entrance, PASSWORD))


def test_a_lockout_refuses_every_entrance(root):
    fail(5, ["page"])

    assert all(refused(entrance, sign_in(entrance, PASSWORD)) for entrance in ENTRANCES)


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_another_username_from_the_same_address_is_not_locked(root, entrance):
    ManagerFactory(username="admin2", is_staff=True, is_superuser=True)
    fail(5, ENTRANCES)

    assert signed_in(entrance, sign_in(entrance, PASSWORD, username="admin2"))


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_the_same_username_from_another_address_is_not_locked(root, entrance):
    fail(5, ENTRANCES)

    assert signed_in(entrance, sign_in(entrance, PASSWORD, address="10.0.0.2"))


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_the_lockout_ends_15_minutes_after_the_fifth_failure(root, entrance):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        fail(5, ENTRANCES)
        clock.shift(timedelta(minutes=14, seconds=59))
        still_locked = sign_in(entrance, PASSWORD)  # a refused attempt does not extend it
        clock.shift(timedelta(seconds=2))

        after = sign_in(entrance, PASSWORD)

    assert refused(entrance, still_locked)
    assert signed_in(entrance, after)


def test_failures_more_than_15_minutes_apart_do_not_add_up(root):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        fail(4, ENTRANCES)
        clock.shift(timedelta(minutes=16))
        fail(4, ENTRANCES)

        response = sign_in("api", PASSWORD)

    assert signed_in("api", response)


def test_a_successful_sign_in_clears_the_failures(root):
    fail(4, ENTRANCES)
    assert signed_in("page", sign_in("page", PASSWORD))
    fail(4, ENTRANCES)

    assert signed_in("api", sign_in("api", PASSWORD))


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_refused_page_is_the_sign_in_form_with_the_message_as_its_error(root, url):
    fail(5, ENTRANCES)

    response = Client(REMOTE_ADDR=HOME).post(url, {"username": "root", "password": PASSWORD})

    form = response.context["form"]
    assert response.status_code == 429
    assert form.non_field_errors() == [MESSAGE]
    assert not any(form.errors.get(field) for field in ("username", "password"))
    assert 'value="root"' in response.content.decode()  # what was typed is kept
    assert response["Content-Security-Policy"]  # the page is still under the CSP


def test_the_api_refusal_is_json_with_a_detail(root):
    fail(5, ENTRANCES)

    response = sign_in("api", PASSWORD)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": MESSAGE}
    assert response["Retry-After"] == "900"


def test_a_sign_in_without_a_request_is_not_throttled(root):
    """Scripts and the test client's login() have no client address to count against."""
    fail(5, ENTRANCES)

    assert authenticate(username="root", password=PASSWORD) == root
    assert Client().login(username="root", password=PASSWORD)


class TestClientAddress:
    """Behind reverse proxies, the address counted is the one the outermost proxy saw."""

    def request(self, forwarded=None):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.9", **headers)

    def test_without_proxies_it_is_the_connections_address(self):
        assert client_address(self.request("203.0.113.7")) == "192.0.2.9"

    def test_behind_one_proxy_it_is_the_last_forwarded_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

        assert client_address(self.request("203.0.113.7")) == "203.0.113.7"

    def test_what_a_client_forwards_itself_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

        assert client_address(self.request("198.51.100.1, 203.0.113.7")) == "203.0.113.7"

    def test_behind_two_proxies_it_is_the_second_from_the_right(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2

        request = self.request("198.51.100.1, 203.0.113.7, 10.0.0.5")

        assert client_address(request) == "203.0.113.7"

    @pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "203.0.113.7:4242"])
    def test_a_missing_or_garbled_header_falls_back_to_the_connection(self, settings, forwarded):
        settings.TRUSTED_PROXY_COUNT = 1

        assert client_address(self.request(forwarded)) == "192.0.2.9"

    def test_the_header_is_configurable(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9", HTTP_X_REAL_IP="203.0.113.7")

        assert client_address(request) == "203.0.113.7"


def test_behind_a_proxy_two_clients_are_counted_apart(root, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.9.9.9"

    def through_proxy(client, password):
        return APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client).post(
            "/api/auth/token/", {"username": "root", "password": password}, format="json"
        )

    for _ in range(5):
        through_proxy("203.0.113.7", WRONG)

    assert through_proxy("203.0.113.7", PASSWORD).status_code == 429
    assert through_proxy("198.51.100.1", PASSWORD).status_code == 200
