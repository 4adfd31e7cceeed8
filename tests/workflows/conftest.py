"""Fixtures shared by the workflow and case tests: fast password hashing and the cast by role."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The factories hash a password per user; the production hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(customer, agent, manager):
    """Who acts in each role of the spec tables; the automations act as nobody (None)."""
    return {"customer": customer, "agent": agent, "manager": manager, "system": None}
