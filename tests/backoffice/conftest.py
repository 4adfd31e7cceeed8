"""The admin's clients: a manager who is neither staff nor superuser, a superuser, and the case
most tests look at."""

import pytest
from django.test import Client

from tests.factories import ManagerFactory


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def root(db):
    """A superuser: a manager who also sees Django's technical models."""
    return ManagerFactory(username="root", is_superuser=True)


@pytest.fixture
def superuser_client(root):
    client = Client()
    client.force_login(root)
    return client


@pytest.fixture
def case(make_case):
    return make_case("technical_support")
