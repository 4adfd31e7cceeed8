"""The fixtures the tests of mail in share: `support`, the technical support queue receiving at
the corpus's address, and `case`, a customer's case in it (registered for every test by the root
conftest, `pytest_plugins`; a module's own `case` fixture takes precedence)."""

import pytest

from cases.models import Case, Queue, User
from services.cases import case_create
from tests.mail import corpus


@pytest.fixture
def support(queues: dict[str, Queue]) -> Queue:
    queue = queues["technical_support"]
    queue.email_address = corpus.SUPPORT
    queue.save()
    return queue


@pytest.fixture
def case(support: Queue, customer: User) -> Case:
    return case_create(actor=customer, queue=support, subject="Printer", description="Smoke.")
