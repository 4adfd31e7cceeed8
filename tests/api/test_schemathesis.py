"""Schemathesis against the schema the app serves, in-process through WSGI: every operation, as a
customer, an agent and a manager (token header), with real cases in every workflow, a release
and attachments, so that generated ids often hit real objects.

No answer may be a 500, and every answer must match what the schema documents (status code,
content type, headers, body). And a request that follows the schema is accepted, except for the
refusals listed in REFUSALS: each is one the schema cannot express (the credentials, which ids
exist, what each role may do, what the workflow allows now...), said once, with its reason.

Bounded for CI: a fixed number of examples per operation, derandomized so that a failure
reproduces, no example database, and no coverage or stateful phase.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import tokens
from cases.models import Case, User
from cases.selectors import cases_visible_to
from helpdesk.wsgi import application
from services.attachments import attachment_add
from services.conversation import comment_post
from services.releases import release_add_case, release_create
from tests.workflows.spec_tables import TABLES
from workflows.transitions import available_transitions

EXAMPLES_PER_OPERATION = 12
PASSWORD = "secret-pass-123"  # the factories' (tests/factories.py)
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


# Refusals of schema-valid requests


ANYONE = frozenset({"customer", "agent", "manager"})
CUSTOMER = frozenset({"customer"})
STAFF = frozenset({"agent", "manager"})
NOT_MANAGER = frozenset({"customer", "agent"})
CASE = r"/api/cases/\{id\}/"
ANY_ID = r"/api/.*\{id\}/.*"


@dataclass(frozen=True)
class Refusal:
    """A request that follows the schema, refused with `status` by `operations` ("METHOD path"
    as the schema writes it, a regular expression) for `roles`, when the body's `detail` matches
    `detail`; `why` says what the schema cannot express."""

    status: int
    operations: str
    why: str
    detail: str = ""
    roles: frozenset[str] = field(default=ANYONE)

    def covers(self, role: str, operation: str, status: int, detail: str) -> bool:
        return (
            status == self.status
            and role in self.roles
            and re.fullmatch(self.operations, operation) is not None
            and re.search(self.detail, detail) is not None
        )


REFUSALS = [
    # Credentials: the schema says what a username and password look like, not which exist.
    Refusal(400, "POST /api/auth/token/", "Wrong credentials.", r"^Unable to log in"),
    Refusal(
        429,
        "POST /api/auth/token/",
        "Five failed sign-ins for one username from one address lock the pair out for 15 min.",
    ),
    Refusal(
        401,
        r"DELETE /api/auth/(token/|tokens/\{id\}/)",
        "The token this test signs in with, revoked by an earlier example: revoking it is what "
        "these operations do.",
        r"^This token was revoked",
    ),
    # Which ids exist, and which objects this user may see.
    Refusal(
        404,
        f"(GET|POST|PATCH|DELETE) {ANY_ID}",
        "An id that does not exist or that this user may not see (one of more than 18 digits "
        "matches no route, a Not found like any other).",
        r"^(No such (case|release|attachment|token|message|organization|queue)\.|Not found\.)$",
    ),
    Refusal(
        404,
        "GET /api/workflows/{key}/",
        "A workflow key that is no workflow: the key is free text in its path.",
        r"^No such workflow\.$",
    ),
    Refusal(
        404,
        f"POST {CASE}transitions/{{name}}/",
        "A transition of another workflow than the case's: the enum lists all workflows' names.",
        r"^[\w ]+ cases have no “[^”]+” action\.$",
    ),
    Refusal(
        404,
        r"GET /api/(cases|queues|organizations|users|releases|notifications|inbound|auth/tokens)/",
        "A page past the last one: how many pages there are is data.",
        r"^Invalid page\.$",
    ),
    Refusal(
        400,
        r"POST /api/(cases|releases|users)/",
        "A related id (queue, requester, organization) that names no object.",
        r"^(queue|requester|organization): Invalid pk",
    ),
    Refusal(
        400,
        r"(PATCH /api/cases/\{id\}/|POST /api/cases/\{id\}/transitions/\{name\}/)",
        "An assignee who is no agent or manager: the schema says an id, not whose.",
        r"^assignee: ",
        STAFF,
    ),
    Refusal(
        400,
        f"POST {CASE}attachments/",
        "A comment that is not one of this user's messages on this case.",
        r"^comment: Must be one of your messages",
    ),
    Refusal(
        400,
        f"POST {CASE}attachments/",
        "A null `comment`: the schema says nullable, but a multipart form has no null (leave "
        "the field out instead), and the text schemathesis sends for one is no id.",
        r"^comment: A valid integer is required\.$",
    ),
    # Data the request names, or that a client sends in ways the schema cannot pin down.
    Refusal(
        400,
        "POST /api/users/",
        "A username already taken or with characters Django's username validator refuses (the "
        "schema's ECMAScript patterns cannot say Python's Unicode letters), or a password "
        "Django's validators refuse (too common, too like the username, all digits, shorter "
        "than 8).",
        r"^(username: (A user with this username|Enter a valid username)|password: )",
        frozenset({"manager"}),
    ),
    Refusal(
        400,
        f"POST {CASE}transitions/{{name}}/",
        "A payload field the transition needs (`note`, `close_notes`, `sub_status`, "
        "`assignee`), missing or not fit for this status: one payload schema serves every "
        "transition, and which fields each needs is in its workflow (GET /api/workflows/).",
        r"^(note|close_notes|sub_status|assignee): ",
    ),
    Refusal(
        400,
        r"(POST|PATCH) /api/(organizations|queues)/(\{id\}/)?",
        "A name another organization (or queue) has, an earlier example's maybe: which names "
        "are taken is data.",
        r"^name: (An? )?(organization|queue) with this name (already )?exists\.$",
        frozenset({"manager"}),
    ),
    Refusal(
        400,
        "POST /api/releases/",
        "A queue of another workflow than release_tracking: which queue is which is data.",
        r"^queue: Releases belong to Release tracking queues\.$",
        STAFF,
    ),
    Refusal(
        400,
        r"(POST|PATCH) /api/(organizations|queues)/(\{id\}/)?",
        "An email domain or address the rules refuse (not a domain name, a public mail "
        "service's, listed twice, another organization's or queue's or mailbox's): which are "
        "taken is data, and a domain's rules are more than a pattern.",
        r"^(email_domains|email_address): ",
        frozenset({"manager"}),
    ),
    Refusal(
        409,
        r"PATCH /api/queues/\{id\}/",
        "A new workflow for a queue that has cases: whether it has any is data.",
        r"^The queue has cases",
        frozenset({"manager"}),
    ),
    Refusal(
        409,
        r"POST /api/inbound/\{id\}/(release|discard)/",
        "A message that is not held (released, discarded, or never held): its outcome is data.",
        roles=STAFF,
    ),
    Refusal(
        400,
        r"POST /api/inbound/\{id\}/release/",
        "A case or queue that names no object, or a case that takes no message now: which "
        "exist, and their status, are data.",
        r"^(case|queue): ",
        STAFF,
    ),
    Refusal(
        400,
        r"(POST|PATCH) /api/queues/(\{id\}/)?",
        "A timer outside 1 minute to 3650 days, or not written as a duration DRF reads: the "
        "schema's plain strings cannot bound a duration.",
        r"^\w+: (Duration has wrong format|Ensure this value is (less|greater))",
        frozenset({"manager"}),
    ),
    Refusal(
        400,
        f"POST {CASE}attachments/",
        "A file of a kind not accepted (by the extension of its name), or empty: the schema "
        "says binary.",
        r"^file: ",
    ),
    Refusal(
        400,
        r".*",
        "Text that is blank once trimmed, or holds a NUL character: DRF trims text fields and "
        "refuses NULs, which a string's minLength cannot say.",
        r"(may not be blank|Null characters are not allowed)\.$",
    ),
    # Who may do what: one schema serves every role.
    Refusal(
        400,
        "POST /api/cases/",
        "Support staff open a case for a customer they name (`requester`), which a customer "
        "never sends: required of some roles only.",
        r"^requester: ",
        STAFF,
    ),
    Refusal(
        400,
        "POST /api/users/",
        "An organization for an agent or a manager: only customers belong to one, a rule "
        "between two fields of the body (`role`, `organization`).",
        r"^organization: Only customers belong to an organization\.$",
        frozenset({"manager"}),
    ),
    Refusal(
        403,
        r"(GET|POST) /api/(organizations|releases|users|queues|inbound)/.*"
        r"|PATCH /api/(organizations|queues)/\{id\}/"
        rf"|GET {CASE}notifications/|POST {CASE}restore/"
        rf"|PATCH {CASE}|DELETE {CASE}|POST /api/cases/|POST {CASE}transitions/{{name}}/"
        rf"|POST {CASE}comments/|POST {CASE}attachments/",
        "What a customer may not do: manage people, queues and releases, read notifications, "
        "restore, change priority or assignee, open a case for another organization, perform "
        "a support transition, post an internal note.",
        roles=CUSTOMER,
    ),
    Refusal(
        403,
        rf"(GET|POST) /api/users/|(POST|PATCH) /api/(organizations|queues)/(\{{id\}}/)?"
        rf"|POST {CASE}restore/"
        rf"|POST {CASE}survey/|POST {CASE}transitions/{{name}}/|PATCH {CASE}|DELETE {CASE}",
        "What an agent may not do: manage people and queues, restore, answer the survey, "
        "perform a customer's transition, assign in customer_service.",
        roles=frozenset({"agent"}),
    ),
    Refusal(
        403,
        rf"POST {CASE}survey/|POST {CASE}transitions/{{name}}/",
        "What a manager may not do: answer the survey, perform a customer's transition.",
        roles=frozenset({"manager"}),
    ),
    # What the workflow allows now: the status is data.
    Refusal(
        409,
        rf"(PATCH|DELETE) {CASE}|POST {CASE}(restore|repeat|survey|transitions/{{name}}|comments"
        r"|attachments)/|POST /api/releases/\{id\}/(cases|deliver)/",
        "Not possible in the case's (or release's) current status or workflow.",
    ),
]


def refused_only_as_listed(role: str) -> Callable[[CheckContext, Any, Any], None]:
    """Schemathesis' positive-data acceptance, with this test's list of exceptions instead of
    "any 401, 403, 404 or 409": a schema-valid request answered 4xx must match a REFUSALS
    entry. Negative (schema-invalid) requests are refused as they like, never with a 500."""

    def positive_data_accepted_unless_listed(ctx: CheckContext, response: Any, case: Any) -> None:
        if case.meta is None or not case.meta.generation.mode.is_positive:
            return
        if response.status_code < 400:
            return
        try:
            detail = str(response.json().get("detail", ""))
        except (ValueError, AttributeError):
            detail = ""
        operation = f"{case.method.upper()} {case.operation.path}"
        if not any(r.covers(role, operation, response.status_code, detail) for r in REFUSALS):
            raise AssertionError(
                f"Unlisted refusal: {role} {operation} -> {response.status_code} {detail!r}"
            )

    return positive_data_accepted_unless_listed


# The schema, and hooks that steer generated values towards real objects


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
# cases, releases, attachments, queues and people, the (case, transition) pairs the signed-in
# user may perform and working credentials, so that generated requests often reach real objects,
# real transitions and a successful sign-in.
EXISTING: dict[str, list[Any]] = {}
BODY_IDS = {
    "queue": "queue",
    "requester": "customer",
    "organization": "organization",
    "assignee": "staff",
    "case": "case",
}
PATH_IDS = {"/api/releases/": "release", "/api/attachments/": "attachment"}


def sometimes_existing(generated: Any, existing: list[Any]) -> st.SearchStrategy[Any]:
    """The generated value one time in three, an existing one otherwise."""
    if not existing:
        return st.just(generated)
    return st.one_of(st.just(generated), st.sampled_from(existing), st.sampled_from(existing))


@schema.hook
def flatmap_path_parameters(
    context: Any, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[Any]:
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
    path = context.operation.path
    kind = next((kind for prefix, kind in PATH_IDS.items() if path.startswith(prefix)), "case")
    ids = sometimes_existing(path_parameters["id"], EXISTING.get(kind, []))
    return ids.map(lambda pk: {**path_parameters, "id": pk})


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    """Mostly swap each generated id in a body for the id of a real queue, customer,
    organization, agent or case, and generated credentials for a real user's."""
    if not isinstance(body, dict):
        return st.just(body)
    if set(body) == {"username", "password"}:
        pairs = sometimes_existing((body["username"], body["password"]), EXISTING["credentials"])
        return pairs.map(lambda pair: {"username": pair[0], "password": pair[1]})
    fields = [field for field in BODY_IDS if field in body]
    if not fields:
        return st.just(body)
    choices = {f: sometimes_existing(body[f], EXISTING.get(BODY_IDS[f], [])) for f in fields}
    return st.fixed_dictionaries(choices).map(lambda chosen: {**body, **chosen})


# The world the requests reach


@pytest.fixture
def requests_share_the_test_transaction() -> Iterator[None]:
    """The app is called through WSGI in this thread: like Django's test client, keep it from
    closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    case_in: Callable[..., Case],
    make_case: Callable[..., Case],
    cast: dict[str, User],
    colleague: User,
    other_customer: User,
    other_agent: User,
    agent: User,
    queues: dict[str, Any],
    settings: Any,
    tmp_path: Any,
) -> Iterator[list[Case]]:
    """A few cases in each workflow, some of another organization, a release with a case, and
    attachments: one on a case, one on an internal note (which customers never see). Uploads
    go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    cases = [
        case_in(workflow, status if status != TABLES[workflow].initial else None)
        for workflow, statuses in STATUSES.items()
        for status in statuses
    ]
    cases += [make_case(workflow, requester=other_customer) for workflow in STATUSES]
    release = release_create(actor=agent, name="2026.12.1", queue=queues["release_tracking"])
    waiting = next(case for case in cases if case.status == "done_awaiting_release")
    release_add_case(release_id=release.pk, case_id=waiting.pk, actor=agent)
    open_case = cases[0]
    note = comment_post(case_id=open_case.pk, actor=agent, body="Looking.", internal=True)
    attachments = [
        attachment_add(
            case_id=open_case.pk,
            actor=cast["customer"],
            file=SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n"),
        ),
        attachment_add(
            case_id=open_case.pk,
            actor=agent,
            file=SimpleUploadedFile("trace.txt", b"Traceback"),
            comment_id=note.pk,
        ),
    ]
    EXISTING.update(
        case=[case.pk for case in cases],
        release=[release.pk],
        attachment=[attachment.pk for attachment in attachments],
        queue=[queue.pk for queue in queues.values()],
        customer=[cast["customer"].pk, colleague.pk, other_customer.pk],
        organization=[cast["customer"].organization_id, other_customer.organization_id],
        staff=[agent.pk, other_agent.pk, cast["manager"].pk],
        credentials=[(user.username, PASSWORD) for user in (cast["customer"], agent)],
    )
    yield cases
    EXISTING.clear()


@pytest.fixture(params=["customer", "agent", "manager"])
def role(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def token(
    role: str, cast: dict[str, User], world: list[Case], requests_share_the_test_transaction: None
) -> str:
    user = cast[role]
    EXISTING["transitions"] = [
        (case.pk, name)
        for case in cases_visible_to(user).filter(pk__in=[case.pk for case in world])
        for name in available_transitions(case, user)
    ]
    return tokens.issue(user)


@schema.parametrize()
# The data is made once per operation and role; the examples share it on purpose, as clients
# share a live system.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_operation_answers_500_breaks_its_schema_or_refuses_unlisted(
    case: Any, role: str, token: str
) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[*CHECKS, refused_only_as_listed(role)],
    )


def covered(role: str, operation: str, status: int, detail: str = "") -> bool:
    return any(refusal.covers(role, operation, status, detail) for refusal in REFUSALS)


def test_the_listed_refusals_excuse_only_what_they_name() -> None:
    assert covered("agent", "GET /api/cases/{id}/", 404, "No such case.")
    assert covered("customer", "GET /api/users/", 403, "Only managers may do this.")
    # A refusal of the same code elsewhere, for another role or for another reason is not.
    assert not covered("agent", "GET /api/cases/", 403, "Only managers may do this.")
    assert not covered("manager", "GET /api/users/", 403, "Only managers may do this.")
    assert not covered("customer", "GET /api/cases/{id}/", 409, "A closed case.")
    assert not covered("customer", "GET /api/cases/", 400, "page_size: A whole number from 1.")
    assert not covered("agent", "GET /api/cases/", 400, "assignee: Enter a whole number.")
    assert not covered("manager", "POST /api/cases/", 400, "subject: Ensure this field has no")
    assert covered("manager", "POST /api/queues/", 400, "name: A queue with this name exists.")
    assert covered(
        "manager",
        "POST /api/organizations/",
        400,
        "name: organization with this name already exists.",
    )
