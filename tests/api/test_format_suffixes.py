"""Every route of api/urls.py also answers with a format suffix (`/api/cases/40/comments.json`,
DRF's router adds one to each): 200 with JSON where the URL names something this user may see,
or a JSON 404 with `detail`; never a server error."""

import re

import pytest
from rest_framework.test import APIClient

from api.urls import router
from services.attachments import attachment_add
from services.releases import release_create
from tests.held_mail import received
from tests.uploads import upload

# The values a route's parameters take here; `pk` depends on the resource (see `url_of`).
KEYS = {"key": "technical_support", "name": "close", "format": "json"}


def suffixed_routes():
    """(path pattern, HTTP method) of every route the router serves with a format suffix."""
    routes = []
    for pattern in router.urls:
        regex = str(pattern.pattern)
        actions = getattr(pattern.callback, "actions", None)
        if "(?P<format>" not in regex or not actions:
            continue
        routes += [(regex, method) for method in sorted(actions) if method != "put"]
    return routes


ROUTES = suffixed_routes()


def test_the_walk_covers_every_route_of_the_router():
    """Each route has its suffixed twin, and the walk below sees every one of them."""
    plain = {str(p.pattern) for p in router.urls if "(?P<format>" not in str(p.pattern)}
    walked = {regex.replace("\\.(?P<format>[a-z0-9]+)/?$", "/$") for regex, _ in ROUTES}

    assert walked == {regex for regex in plain if regex.startswith("^")}


@pytest.fixture
def world(manager, agent, make_case, queues):
    case = make_case("technical_support")
    attachment = attachment_add(case_id=case.pk, actor=agent, file=upload())
    release = release_create(actor=agent, name="2.0", queue=queues["release_tracking"])
    return {
        "cases": case.pk,
        "attachments": attachment.pk,
        "releases": release.pk,
        "inbound": received().pk,
    }


def url_of(regex: str, world: dict[str, int], fmt: str = "json") -> str:
    resource = regex.removeprefix("^").split("/")[0].split("\\.")[0]
    values = {**KEYS, "pk": str(world.get(resource, 0)), "format": fmt}
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m[1]], regex)
    path = path.removeprefix("^").removesuffix("$").replace("/?", "").replace("\\.", ".")
    return f"/api/{path}"


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def send(client: APIClient, method: str, url: str):
    if method in ("post", "patch"):
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(("regex", "method"), ROUTES)
def test_a_json_suffix_never_fails_with_a_server_error(world, manager, regex, method):
    url = url_of(regex, world)

    response = send(signed_in(manager), method, url)

    assert response.status_code < 500, (url, response.content[:300])
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str), url


GETS = [(regex, method) for regex, method in ROUTES if method == "get"]


@pytest.mark.parametrize("regex", [regex for regex, _ in GETS if "attachments" not in regex])
def test_a_json_suffix_reads_what_the_plain_url_reads(world, manager, regex):
    client = signed_in(manager)
    url = url_of(regex, world)
    plain = url.removesuffix(".json") + "/"

    response = client.get(url)

    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    assert response.json() == client.get(plain).json()


@pytest.mark.parametrize("regex", [regex for regex, _ in GETS])
def test_an_unknown_suffix_is_a_json_404(world, manager, regex):
    url = url_of(regex, world, fmt="5")

    response = signed_in(manager).get(url)

    assert response.status_code == 404, url
    assert isinstance(response.json()["detail"], str)


def test_an_attachment_has_no_json_form(world, manager):
    """The download is the file itself: a suffix names no other form of it."""
    response = signed_in(manager).get(f"/api/attachments/{world['attachments']}.json")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "url", ["/api/cases/40/comments.json", "/api/attachments/0.5/", "/api/workflows.json"]
)
def test_the_urls_the_probe_reported_answer_without_a_server_error(db, manager, url):
    response = signed_in(manager).get(url)

    assert response.status_code in (200, 404)
    assert "detail" in response.json() or response.status_code == 200


def test_a_suffix_on_a_case_this_user_may_not_see_is_a_404(world, other_customer):
    response = signed_in(other_customer).get(f"/api/cases/{world['cases']}/comments.json")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)
