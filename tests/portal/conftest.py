"""The portal tests' cast, signed in through the Django test client, and cases walked into any
status through the services."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.workflows.walking import walk_to


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser():
    """`browser(user)`: a test client signed in as `user`; `browser()`: a signed-out one."""

    def client_for(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture
def portal(browser, customer):
    """The customer of org A, signed in."""
    return browser(customer)


@pytest.fixture
def case_in(make_case, cast):
    """`case_in(workflow, status)`: a case of the customer of org A, walked to `status`."""

    def make(workflow="technical_support", status=None, **fields):
        case = make_case(workflow, **fields)
        return walk_to(case, status, cast) if status else case

    return make


def case_url(case, action: str = "", name: str = "") -> str:
    """The case page, or the URL of one of its actions (reply, transition, delete, survey)."""
    if not action:
        return reverse("portal:case", kwargs={"reference": case.reference})
    if action == "transition":
        return reverse("portal:transition", kwargs={"reference": case.reference, "name": name})
    return reverse(f"portal:{action}", kwargs={"reference": case.reference})
