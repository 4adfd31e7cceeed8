"""The usual cast (customers of two organizations, an agent, a manager), a queue per workflow,
and the rule that tests needing PostgreSQL or Redis skip locally but fail in CI."""

import os
from functools import cache

import pytest
import redis
from django.core.cache import cache as django_cache
from django.db import connection

from helpdesk.celery import app as celery_app
from services.cases import case_create
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    ManagerFactory,
    OrganizationFactory,
    QueueFactory,
)
from workflows.registry import WORKFLOWS

# The real IMAP and SMTP servers (and a mailbox on the first) for every test that asks for them.
pytest_plugins = ["tests.mail_servers", "tests.mail.fixtures"]

IN_CI = os.environ.get("CI", "").lower() == "true"
# Tests that need Redis use the project's (REDIS_URL) or, locally, a database of their own.
REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


@cache
def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Files a test uploads land in a folder of its own, never in the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        message = "needs PostgreSQL (set DATABASE_URL=postgres://...)"
        if IN_CI:
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    if item.get_closest_marker("redis") and not _redis_reachable():
        message = f"needs Redis at {REDIS_TEST_URL} (set REDIS_URL=redis://...)"
        if IN_CI:
            pytest.fail(f"CI: {message}")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The factories hash a password per user; the production hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Each test starts with an empty cache of its own process (presence, the overview's
    minute), as a fresh process would: never the shared Redis one, where parallel tests' cases
    with the same ids would meet."""
    settings.CACHES = LOCAL_CACHE
    django_cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def redis_url():
    return REDIS_TEST_URL


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Org A")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Org B")


@pytest.fixture
def customer(org_a):
    return CustomerFactory(username="alice", organization=org_a)


@pytest.fixture
def colleague(org_a):
    return CustomerFactory(username="anna", organization=org_a)


@pytest.fixture
def other_customer(org_b):
    return CustomerFactory(username="bob", organization=org_b)


@pytest.fixture
def agent(db):
    return AgentFactory(username="agnes")


@pytest.fixture
def other_agent(db):
    return AgentFactory(username="arthur")


@pytest.fixture
def manager(db):
    return ManagerFactory(username="maria")


@pytest.fixture
def cast(customer, agent, manager):
    """Who acts in each role of the spec tables; the automations act as nobody (None)."""
    return {"customer": customer, "agent": agent, "manager": manager, "system": None}


@pytest.fixture
def queues(db):
    return {key: QueueFactory(name=key, workflow=key) for key in WORKFLOWS}


@pytest.fixture
def make_case(queues, customer):
    def make(workflow="technical_support", *, requester=None, **fields):
        return case_create(
            actor=requester or customer,
            queue=queues[workflow],
            subject=fields.pop("subject", "Printer is on fire"),
            description=fields.pop("description", "Smoke everywhere."),
            **fields,
        )

    return make
