"""The security tests' own cast member: a manager who may also use the Django admin."""

import pytest

from tests.factories import ManagerFactory


@pytest.fixture
def root(db):
    """A manager and superuser: signs in at every entrance, the admin's included."""
    return ManagerFactory(username="root", is_staff=True, is_superuser=True)
