"""A page that does not exist, or a case this person may not see, is the product's own 404
page, in development (DEBUG) as in production; the API keeps its JSON 404s. The 500 page looks
like the product too."""

import json

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.portal.html import parse

pytestmark = pytest.mark.django_db


def assert_product_404(response):
    assert response.status_code == 404
    html = response.content.decode()
    page = parse(response.content)
    assert page.find("h1").text() == "Page not found"
    assert page.find("header", class_="site-header") is not None
    assert page.find("a", class_="button").attrs["href"] == "/"
    assert "URLconf" not in html and "Django" not in html


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_page_is_the_products_404(debug, client_for, customer, settings):
    settings.DEBUG = debug

    response = client_for(customer).get("/no-such-page/")

    assert_product_404(response)
    assert "Sign out" in response.content.decode()  # the header knows who is signed in


@pytest.mark.parametrize("debug", [True, False])
def test_a_case_the_customer_may_not_see_is_the_products_404(
    debug, client_for, other_customer, make_case, settings
):
    settings.DEBUG = debug
    case = make_case()  # requested by `customer`, of another organization

    response = client_for(other_customer).get(f"/portal/cases/{case.reference}/")

    assert_product_404(response)


def test_signed_out_a_missing_page_is_the_products_404_too(client, settings):
    settings.DEBUG = True

    assert_product_404(client.get("/no-such-page/"))


def test_a_missing_address_without_its_slash_is_still_sent_to_it(client, settings):
    settings.DEBUG = True

    response = client.get("/accounts/login")

    assert (response.status_code, response["Location"]) == (301, "/accounts/login/")


@pytest.mark.parametrize("debug", [True, False])
def test_the_api_keeps_its_json_404(debug, client_for, agent, settings):
    settings.DEBUG = debug
    client = client_for(agent)

    for path in ("/api/no-such-thing/", "/api/cases/999999/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert "detail" in json.loads(response.content), path


def test_the_500_page_looks_like_the_product_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    page = parse(response.content)
    assert response.status_code == 500
    assert page.find("h1").text() == "Something went wrong"
    assert page.find("link", rel="stylesheet").attrs["href"].endswith("css/app.css")
    assert page.find("a", class_="button").attrs["href"] == "/"
