"""Whatever a client sends, the API answers with a JSON error carrying a `detail` string and a
4xx code, never a 500: malformed or oversized JSON, bodies of the wrong shape, other content
types, unknown ids and ids too big for a 64-bit key."""

import json

import pytest
from django.conf import settings

MIB = 1024 * 1024
TOO_BIG_FOR_64_BITS = [str(2**63), str(2**64), "9" * 19, "9" * 40]


@pytest.fixture
def targets(case_in, agent, queues):
    """One case and one release for the endpoints that need an id."""
    from services.releases import release_create

    return {
        "case": case_in("technical_support", "work_in_progress").pk,
        "release": release_create(actor=agent, name="2026.1", queue=queues["release_tracking"]).pk,
    }


WRITES = [
    ("post", "/api/auth/token/"),
    ("post", "/api/organizations/"),
    ("post", "/api/users/"),
    ("post", "/api/queues/"),
    ("post", "/api/cases/"),
    ("patch", "/api/cases/{case}/"),
    ("post", "/api/cases/{case}/comments/"),
    ("post", "/api/cases/{case}/transitions/close/"),
    ("post", "/api/cases/{case}/repeat/"),
    ("post", "/api/cases/{case}/survey/"),
    ("post", "/api/releases/"),
    ("post", "/api/releases/{release}/cases/"),
]


def send(client, method, path, targets, body: bytes | str, content_type="application/json"):
    return getattr(client, method)(path.format(**targets), data=body, content_type=content_type)


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        '{"subject": ',
        "{'subject': 'single quotes'}",
        '{"subject": "x",}',
        '{"rating": NaN}',
        '{"rating": Infinity}',
        b"\xff\xfe\x00{",
    ],
    ids=["truncated", "single-quotes", "trailing-comma", "nan", "infinity", "not-utf8"],
)
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_malformed_json_is_400(api, manager, targets, method, path, body):
    assert_json_error(send(api(manager), method, path, targets, body), 400)


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '[{"subject": "x"}]',
        "null",
        '"text"',
        "42",
        "true",
        '{"subject": {"nested": [1, {}]}}',
    ],
)
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_json_of_the_wrong_shape_is_a_client_error(api, manager, targets, method, path, body):
    response = send(api(manager), method, path, targets, body)

    assert 400 <= response.status_code < 500, response.content[:300]
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_deeply_nested_json_is_400(api, manager, targets, method, path):
    body = "[" * 100_000 + "]" * 100_000

    assert_json_error(send(api(manager), method, path, targets, body), 400)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_json_body_over_1_mib_is_413(api, manager, targets, method, path):
    body = json.dumps({"body": "x" * MIB})

    assert_json_error(send(api(manager), method, path, targets, body), 413)


def test_the_limit_is_1_mib(api, agent, targets):
    wrapper = len(json.dumps({"body": ""}))
    exactly = json.dumps({"body": "x" * (MIB - wrapper)})
    one_more = json.dumps({"body": "x" * (MIB - wrapper + 1)})
    path = "/api/cases/{case}/comments/"

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == MIB
    assert len(exactly) == MIB
    # At the limit the body is read, and refused for what it says (a comment is not that long).
    assert_json_error(send(api(agent), "post", path, targets, exactly), 400)
    assert_json_error(send(api(agent), "post", path, targets, one_more), 413)


def test_an_oversized_body_stores_nothing(api, agent, targets):
    from cases.models import Comment

    send(
        api(agent), "post", "/api/cases/{case}/comments/", targets, json.dumps({"body": "x" * MIB})
    )

    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
    ],
)
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_bodies_other_than_json_are_415(api, manager, targets, method, path, content_type):
    response = send(api(manager), method, path, targets, "subject=x", content_type=content_type)

    assert_json_error(response, 415)


# Ids


READS_BY_ID = [
    "/api/cases/{id}/",
    "/api/cases/{id}/comments/",
    "/api/cases/{id}/history/",
    "/api/cases/{id}/notifications/",
    "/api/releases/{id}/",
]
WRITES_BY_ID = [
    ("patch", "/api/cases/{id}/"),
    ("delete", "/api/cases/{id}/"),
    ("post", "/api/cases/{id}/comments/"),
    ("post", "/api/cases/{id}/transitions/close/"),
    ("post", "/api/cases/{id}/repeat/"),
    ("post", "/api/cases/{id}/survey/"),
    ("post", "/api/cases/{id}/restore/"),
    ("post", "/api/releases/{id}/cases/"),
    ("post", "/api/releases/{id}/deliver/"),
]


@pytest.mark.parametrize("case_id", ["999999", "999999999999999999", "0"])
@pytest.mark.parametrize("path", READS_BY_ID)
def test_an_unknown_id_is_404(api, manager, db, path, case_id):
    assert_json_error(api(manager).get(path.format(id=case_id)), 404)


@pytest.mark.parametrize("case_id", [*TOO_BIG_FOR_64_BITS, "-1", "1.0", "1e3", "abc", "%20"])
@pytest.mark.parametrize("path", READS_BY_ID)
def test_an_id_that_is_no_64_bit_id_is_404(api, manager, db, path, case_id):
    assert_json_error(api(manager).get(path.format(id=case_id)), 404)


@pytest.mark.parametrize("case_id", ["999999", *TOO_BIG_FOR_64_BITS])
@pytest.mark.parametrize(("method", "path"), WRITES_BY_ID)
def test_writes_to_an_unknown_or_impossible_id_are_404(api, manager, db, method, path, case_id):
    response = getattr(api(manager), method)(path.format(id=case_id), {}, format="json")

    assert_json_error(response, 404)


@pytest.mark.parametrize("value", TOO_BIG_FOR_64_BITS)
@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("post", "/api/cases/", "queue"),
        ("post", "/api/cases/", "requester"),
        ("post", "/api/cases/", "organization"),
        ("patch", "/api/cases/{case}/", "assignee"),
        ("post", "/api/releases/", "queue"),
        ("post", "/api/releases/{release}/cases/", "case"),
        ("post", "/api/users/", "organization"),
    ],
)
def test_an_id_too_big_in_a_body_is_a_400_field_error(
    api, manager, targets, method, path, field, value
):
    body = {"queue": 1, "subject": "x", "name": "x", field: int(value)}

    response = send(api(manager), method, path, targets, json.dumps(body))

    assert_json_error(response, 400)
    assert field in response.json()


@pytest.mark.parametrize("value", TOO_BIG_FOR_64_BITS)
def test_an_id_too_big_in_a_transition_payload_is_400(api, agent, case_in, value):
    case = case_in("release_tracking")

    response = api(agent).post(
        f"/api/cases/{case.pk}/transitions/assign/",
        data=json.dumps({"assignee": int(value)}),
        content_type="application/json",
    )

    assert_json_error(response, 400)
    assert "assignee" in response.json()


@pytest.mark.parametrize("param", ["queue", "assignee", "requester", "organization"])
@pytest.mark.parametrize("value", TOO_BIG_FOR_64_BITS)
def test_an_id_too_big_in_a_filter_is_400(api, agent, db, param, value):
    response = api(agent).get("/api/cases/", {param: value})

    assert_json_error(response, 400)
    assert param in response.json()


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "1e3"])
def test_a_page_number_out_of_any_range_is_404(api, agent, db, page):
    assert_json_error(api(agent).get("/api/cases/", {"page": page}), 404)


def test_a_huge_page_size_is_capped_not_refused(api, agent, db):
    response = api(agent).get("/api/cases/", {"page_size": "9" * 40})

    assert response.status_code == 200


# Routes and methods


@pytest.mark.parametrize(
    "path", ["/api/nothing-here/", "/api/cases/1/nothing-here/", "/api/v2/cases/"]
)
def test_an_unknown_api_path_is_a_json_404(api, agent, path):
    assert_json_error(api(agent).get(path), 404)


def test_an_unknown_api_path_is_a_json_404_in_debug_mode_too(api, agent, settings):
    settings.DEBUG = True

    assert_json_error(api(agent).get("/api/nothing-here/"), 404)


def test_a_post_without_its_trailing_slash_is_a_json_404_that_says_so(api, customer, queues):
    response = api(customer).post("/api/cases", {"subject": "Hi"}, format="json")

    assert_json_error(response, 404)
    assert "ends with a slash" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/me/"),
        ("put", "/api/cases/{case}/"),
        ("get", "/api/cases/{case}/restore/"),
        ("get", "/api/cases/{case}/repeat/"),
        ("get", "/api/cases/{case}/survey/"),
        ("delete", "/api/cases/{case}/comments/"),
        ("patch", "/api/workflows/technical_support/"),
        ("post", "/api/workflows/"),
        ("get", "/api/releases/{release}/deliver/"),
        ("delete", "/api/releases/{release}/"),
        ("post", "/api/notifications/"),
    ],
)
def test_a_method_the_endpoint_does_not_offer_is_405(api, manager, targets, method, path):
    response = getattr(api(manager), method)(path.format(**targets), {}, format="json")

    assert_json_error(response, 405)


def test_a_very_long_token_is_just_a_bad_token(api, db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "a" * 10_000)

    assert_json_error(client.get("/api/cases/"), 401)
