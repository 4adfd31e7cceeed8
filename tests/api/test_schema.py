"""The OpenAPI schema: it validates with no warning, it is served at /api/schema/ with docs at
/api/docs/, and it describes the whole contract: paths, enums, payloads and error answers."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.workflows.spec_tables import TABLES

CONTRACT = {
    "/api/auth/token/": {"post"},
    "/api/me/": {"get"},
    "/api/organizations/": {"get", "post"},
    "/api/users/": {"post"},
    "/api/queues/": {"get", "post"},
    "/api/workflows/": {"get"},
    "/api/workflows/{key}/": {"get"},
    "/api/cases/": {"get", "post"},
    "/api/cases/{id}/": {"get", "patch", "delete"},
    "/api/cases/{id}/restore/": {"post"},
    "/api/cases/{id}/comments/": {"get", "post"},
    "/api/cases/{id}/transitions/{name}/": {"post"},
    "/api/cases/{id}/history/": {"get"},
    "/api/cases/{id}/repeat/": {"post"},
    "/api/cases/{id}/survey/": {"post"},
    "/api/releases/": {"post"},
    "/api/releases/{id}/cases/": {"post"},
    "/api/releases/{id}/deliver/": {"post"},
    "/api/cases/{id}/notifications/": {"get"},
}
CASE_FIELDS = {
    "id", "reference", "queue", "workflow", "subject", "description", "status", "status_label",
    "sub_status", "priority", "channel", "organization", "requester", "assignee", "created_at",
    "updated_at", "status_changed_at", "first_response_due_at", "first_responded_at",
    "closed_at", "repeat_of", "close_notes", "deleted_at", "upcoming", "available_transitions",
}  # fmt: skip


@pytest.fixture(scope="module")
def schema():
    return generated_schema()


def generated_schema() -> dict:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def enum(schema, name) -> list:
    return schema["components"]["schemas"][name]["enum"]


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_the_schema_is_served_to_anyone(db):
    response = APIClient().get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["info"]["title"] == "Helpdesk API"


def test_the_schema_is_served_as_json_too(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_the_docs_are_served(db):
    response = APIClient().get("/api/docs/")
    # The page's own script comes from a URL of its own (the pages' CSP allows no inline one).
    script = APIClient().get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in response.content
    assert script.status_code == 200
    assert b"/api/schema/" in script.content


def test_the_docs_load_their_scripts_from_this_server_not_a_cdn(db):
    page = APIClient().get("/api/docs/").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets
    assert all(re.match(r"/(static|api)/", asset) for asset in assets), assets


def test_every_endpoint_of_the_contract_is_described(schema):
    described = {
        path: {method for method in operations if method != "parameters"}
        for path, operations in schema["paths"].items()
    }

    for path, methods in CONTRACT.items():
        assert methods <= described.get(path, set()), path


def test_the_case_has_every_contract_field(schema):
    assert set(schema["components"]["schemas"]["Case"]["properties"]) >= CASE_FIELDS


def test_the_enums_are_the_workflows_vocabulary(schema):
    assert set(enum(schema, "CaseStatusEnum")) == {
        key for table in TABLES.values() for key in table.status_keys
    }
    assert set(enum(schema, "TransitionNameEnum")) == {
        name for table in TABLES.values() for name in table.transitions
    }
    assert set(enum(schema, "WorkflowKeyEnum")) == set(TABLES)
    assert enum(schema, "RoleEnum") == ["customer", "agent", "manager"]
    assert enum(schema, "ActorRoleEnum") == ["customer", "agent", "manager", "system"]
    assert enum(schema, "PriorityEnum") == ["low", "normal", "high", "urgent"]
    assert set(enum(schema, "ChannelEnum")) == {"portal", "email", "chat", "phone", "agent", "api"}
    assert set(enum(schema, "UpcomingActionEnum")) == {
        "auto_close", "reminder", "closure_notification", "first_response_breach",
    }  # fmt: skip
    assert set(enum(schema, "NotificationKindEnum")) >= {
        "awaiting_confirmation", "reminder", "closure", "solution_rejected", "resolution",
        "release_delivered", "first_response_breach",
    }  # fmt: skip


def test_the_transition_endpoint_names_every_transition_and_its_payload(schema):
    operation = schema["paths"]["/api/cases/{id}/transitions/{name}/"]["post"]
    name = next(p for p in operation["parameters"] if p["name"] == "name")
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    payload = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]["properties"]

    assert set(name["schema"]["enum"]) == {
        name for table in TABLES.values() for name in table.transitions
    }
    assert {"note", "close_notes", "sub_status", "assignee"} <= set(payload)
    assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])


def test_a_409_is_described_with_status_and_available_transitions(schema):
    conflict = schema["paths"]["/api/cases/{id}/transitions/{name}/"]["post"]["responses"]["409"]
    ref = conflict["content"]["application/json"]["schema"]["$ref"]

    assert set(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]) == {
        "detail",
        "status",
        "available_transitions",
    }


def test_every_signed_in_operation_describes_401_and_every_write_413(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path != "/api/auth/token/":
                assert "401" in operation["responses"], (method, path)
            if method in ("post", "patch"):
                assert "413" in operation["responses"], (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)


def test_the_token_is_the_documented_way_in_and_signing_in_needs_none(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["tokenAuth"]["name"] == "Authorization"
    # Signing in needs no credentials but the body's: no security requirement on it.
    assert not any(schema["paths"]["/api/auth/token/"]["post"].get("security", []))
    assert "security" not in schema


# Parameters: what a client that follows the schema sends is what the API accepts.

ID_FILTERS = ["queue", "assignee", "requester", "organization"]
# As the body's id fields say it (`IdField`).
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}


def parameter(schema: dict, path: str, name: str, method: str = "get") -> dict:
    """The parameter's schema, with a `$ref` to a component (an enum) resolved."""
    found = next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)
    value = found["schema"]
    if "$ref" in value:
        value = schema["components"]["schemas"][value["$ref"].rsplit("/", 1)[-1]]
    return value


def test_the_priority_filter_is_a_string_enum_of_the_four_names(schema):
    priority = parameter(schema, "/api/cases/", "priority")

    assert priority["type"] == "string"
    assert set(priority["enum"]) == {"low", "normal", "high", "urgent"}


@pytest.mark.parametrize("name", ID_FILTERS)
def test_an_id_filter_is_an_integer_from_1_to_the_64_bit_maximum_never_null(schema, name):
    assert parameter(schema, "/api/cases/", name) == ID_SCHEMA


def test_every_path_id_is_an_integer_from_1_to_the_64_bit_maximum(schema):
    ids = [
        (method, path, parameter(schema, path, "id", method))
        for path, operations in schema["paths"].items()
        if "{id}" in path
        for method in operations
    ]

    assert len(ids) >= 14  # cases (and their actions) and releases, at least
    for method, path, id_schema in ids:
        assert id_schema == ID_SCHEMA, (method, path)


def test_every_list_declares_page_and_page_size_from_1(schema):
    lists = [path for path, ops in schema["paths"].items() if "get" in ops and "{" not in path]
    paginated = [
        path
        for path in lists
        if any(p["name"] == "page" for p in schema["paths"][path]["get"].get("parameters", []))
    ]

    assert {"/api/cases/", "/api/queues/", "/api/organizations/"} <= set(paginated)
    for path in paginated:
        assert parameter(schema, path, "page") == {"type": "integer", "minimum": 1}, path
        # No maximum: a larger page size is accepted, and read as 200.
        assert parameter(schema, path, "page_size") == {"type": "integer", "minimum": 1}, path
