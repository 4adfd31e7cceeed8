"""The agent workspace tests' cast, signed in through the Django test client."""

import pytest
from django.test import Client

from tests.workflows.walking import walk_to


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
def desk(browser, agent):
    """The agent, signed in."""
    return browser(agent)


@pytest.fixture
def case_in(make_case, cast):
    """`case_in(workflow, status)`: a case of the customer of org A, walked to `status`."""

    def make(workflow="technical_support", status=None, **fields):
        case = make_case(workflow, **fields)
        return walk_to(case, status, cast) if status else case

    return make
