"""Schemathesis against the schema the app serves: for every operation, as a customer, an agent
and a manager (token header), with real cases in every workflow so that generated ids often hit
real objects. No answer may be a 500, and every answer must match what the schema documents
(status code, content type, headers, body).

Bounded for CI: a fixed number of examples per operation, derandomized so that a failure
reproduces, no example database, and no coverage or stateful phase.
"""

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.selectors import cases_visible_to
from helpdesk.wsgi import application
from services.releases import release_add_case, release_create
from tests.workflows.spec_tables import TABLES
from workflows.services import available_transitions

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Statuses to put the existing cases in: enough for every kind of action to find a target.
STATUSES = {
    "technical_support": ["new", "work_in_progress", "solution_proposed", "closed"],
    "support_center": ["new", "pending", "awaiting_customer_confirmation", "closed"],
    "customer_service": ["new", "open", "resolved", "closed"],
    "release_tracking": ["open", "development_in_progress", "done_awaiting_release", "closed"],
}

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=schemathesis.Config.from_dict(
        {
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)

# What the current test created, read while examples are drawn (see the hooks below): ids of
# cases, releases, queues and people, and the (case, transition) pairs the signed-in user may
# perform, so that generated requests often reach real objects and real transitions.
EXISTING: dict[str, list] = {}
BODY_IDS = {
    "queue": "queue",
    "requester": "customer",
    "organization": "organization",
    "assignee": "staff",
    "case": "case",
}


def sometimes_existing(generated, existing):
    """The generated value one time in three, an existing one otherwise."""
    if not existing:
        return st.just(generated)
    return st.one_of(st.just(generated), st.sampled_from(existing), st.sampled_from(existing))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Mostly swap a generated id, workflow key or transition for one that exists."""
    if not path_parameters:
        return st.just(path_parameters)
    if "key" in path_parameters:
        keys = sometimes_existing(path_parameters["key"], list(TABLES))
        return keys.map(lambda key: {**path_parameters, "key": key})
    if "name" in path_parameters:
        pair = (path_parameters["id"], path_parameters["name"])
        pairs = sometimes_existing(pair, EXISTING.get("transitions", []))
        return pairs.map(lambda chosen: {**path_parameters, "id": chosen[0], "name": chosen[1]})
    kind = "release" if context.operation.path.startswith("/api/releases") else "case"
    ids = sometimes_existing(path_parameters["id"], [str(pk) for pk in EXISTING.get(kind, [])])
    return ids.map(lambda pk: {**path_parameters, "id": pk})


@schema.hook
def flatmap_body(context, body):
    """Mostly swap each generated id in a body for the id of a real queue, customer,
    organization, agent or case."""
    if not isinstance(body, dict):
        return st.just(body)
    fields = [field for field in BODY_IDS if field in body]
    if not fields:
        return st.just(body)
    choices = {f: sometimes_existing(body[f], EXISTING.get(BODY_IDS[f], [])) for f in fields}
    return st.fixed_dictionaries(choices).map(lambda chosen: {**body, **chosen})


@pytest.fixture
def requests_share_the_test_transaction():
    """The app is called through WSGI in this thread: like Django's test client, keep it from
    closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(case_in, make_case, cast, colleague, other_customer, other_agent, agent, queues):
    """A few cases in each workflow, some of another organization, and a release with a case."""
    cases = [
        case_in(workflow, status if status != TABLES[workflow].initial else None)
        for workflow, statuses in STATUSES.items()
        for status in statuses
    ]
    cases += [make_case(workflow, requester=other_customer) for workflow in STATUSES]
    release = release_create(actor=agent, name="2026.12.1", queue=queues["release_tracking"])
    waiting = next(case for case in cases if case.status == "done_awaiting_release")
    release_add_case(release_id=release.pk, case_id=waiting.pk, actor=agent)
    EXISTING.update(
        case=[case.pk for case in cases],
        release=[release.pk],
        queue=[queue.pk for queue in queues.values()],
        customer=[cast["customer"].pk, colleague.pk, other_customer.pk],
        organization=[cast["customer"].organization_id, other_customer.organization_id],
        staff=[agent.pk, other_agent.pk, cast["manager"].pk],
    )
    yield cases
    EXISTING.clear()


@pytest.fixture(params=["customer", "agent", "manager"])
def token(request, cast, world, requests_share_the_test_transaction):
    user = cast[request.param]
    EXISTING["transitions"] = [
        (str(case.pk), name)
        for case in cases_visible_to(user).filter(pk__in=[case.pk for case in world])
        for name in available_transitions(case, user)
    ]
    return Token.objects.create(user=user).key


@schema.parametrize()
# The data is made once per operation and role; the examples share it on purpose, as clients
# share a live system.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_operation_answers_500_or_breaks_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
