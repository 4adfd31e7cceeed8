"""A body larger than any form takes (ATTACHMENTS_MAX_FILES files of ATTACHMENTS_MAX_SIZE, plus
the other fields) is refused by its declared Content-Length before a byte of it is read: 413,
JSON with a `detail` under /api/, a page saying what is allowed on the web pages."""

import socket
from io import BytesIO

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.uploads import upload
from web.upload_limits import largest_body

MIB = 1024 * 1024
HUGE = 200 * MIB
BOUNDARY = "BoUnDaRy"


class Untouchable(BytesIO):
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def declared(size: int) -> dict[str, object]:
    """The WSGI environ of a multipart POST declaring `size` bytes, whose body cannot be read."""
    return {
        "CONTENT_LENGTH": str(size),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "wsgi.input": Untouchable(),
    }


@pytest.fixture
def signed_in(customer):
    client = Client()
    client.force_login(customer)
    return client


def test_the_limit_is_every_file_at_its_largest_plus_the_fields(settings):
    settings.ATTACHMENTS_MAX_FILES = 10
    settings.ATTACHMENTS_MAX_SIZE = 10 * MIB
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = MIB

    assert 101 * MIB < largest_body() < 102 * MIB


def test_the_api_refuses_a_huge_upload_unread_with_json(customer, make_case):
    case = make_case()
    client = APIClient()
    client.force_authenticate(customer)

    response = client.generic("POST", f"/api/cases/{case.pk}/attachments/", **declared(HUGE))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "at most 10 files of 10 MiB each" in response.json()["detail"]


def test_the_api_refuses_it_before_asking_who_sends_it(db):
    response = APIClient().generic("POST", "/api/cases/1/attachments/", **declared(HUGE))

    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("url", ["/portal/cases/new/", "/portal/cases/CS-000001/reply/"])
def test_a_page_refuses_a_huge_form_unread_with_a_message(signed_in, url):
    response = signed_in.generic("POST", url, **declared(HUGE))

    html = response.content.decode()
    assert response.status_code == 413
    assert "<h1>Files too large</h1>" in html
    assert "at most 10 files of 10 MiB each" in html
    assert "Nothing was saved" in html


def test_the_limit_follows_the_settings(signed_in, settings):
    settings.ATTACHMENTS_MAX_FILES = 2
    settings.ATTACHMENTS_MAX_SIZE = MIB

    response = signed_in.generic("POST", "/portal/cases/new/", **declared(4 * MIB))

    assert response.status_code == 413
    assert "at most 2 files of 1 MiB each" in response.content.decode()


def test_a_body_within_the_limit_goes_on_to_the_view(customer, make_case):
    """The service still checks each file: here one file, within every limit, is taken."""
    case = make_case()
    client = APIClient()
    client.force_authenticate(customer)

    response = client.post(
        f"/api/cases/{case.pk}/attachments/", {"file": upload()}, format="multipart"
    )

    assert response.status_code == 201


@pytest.mark.parametrize("length", ["", "not-a-number", "-5"])
def test_a_missing_or_garbled_length_is_left_to_django(db, length):
    response = APIClient().generic(
        "POST", "/api/auth/token/", b"", content_type="application/json", CONTENT_LENGTH=length
    )

    assert response.status_code == 400


def http_request(host: str, port: int, head: str, body: bytes) -> bytes:
    """Send a request's head and the start of its body, then read the answer (5 s at most)."""
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(head.encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_server_answers_413_before_the_body_is_sent(live_server, customer):
    """Over a real connection, signed in, with the CSRF cookie (so that nothing refuses the form
    before reading it): the client has sent 1 KiB of a declared 200 MiB when the answer comes
    back. Without the early refusal the server waits for the rest, and this times out."""
    client = Client()
    client.force_login(customer)
    session = client.cookies["sessionid"].value
    csrf = "a" * 32
    host, port = live_server.thread.host, live_server.thread.port
    head = (
        "POST /portal/cases/new/ HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        f"Cookie: sessionid={session}; csrftoken={csrf}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {HUGE}\r\n\r\n"
    )

    answer = http_request(host, port, head, b"x" * 1024)

    assert answer.startswith(b"HTTP/1.1 413")


def test_someone_signed_out_gets_the_page_too(db):
    response = Client().generic("POST", "/accounts/login/", **declared(HUGE))

    assert response.status_code == 413
    assert "<h1>Files too large</h1>" in response.content.decode()
