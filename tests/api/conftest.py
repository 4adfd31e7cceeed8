"""The API tests' cast, signed in: one API client per person, and cases walked into any status
through the services (the status is protected, so tests never assign it)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import CustomerFactory
from tests.workflows.walking import walk_to


@pytest.fixture
def api():
    """`api(user)`: a client signed in as `user`; `api()`: an anonymous one."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def solo(db):
    """A customer who belongs to no organization: sees only the cases they requested."""
    return CustomerFactory(username="solo", organization=None)


@pytest.fixture
def case_in(make_case, cast):
    """`case_in(workflow, status)`: a case of the customer of org A, walked to `status`."""

    def make(workflow, status=None, **fields):
        case = make_case(workflow, **fields)
        return walk_to(case, status, cast) if status else case

    return make
