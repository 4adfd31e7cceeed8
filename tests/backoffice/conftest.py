"""The admin's clients: a manager who is neither staff nor superuser, an agent, a customer."""

import pytest
from django.test import Client


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def case(make_case):
    return make_case("technical_support")
