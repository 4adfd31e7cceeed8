"""/api/workflows/: the four workflows as data, generated from the code that enforces them
(`workflows.metadata`) and matching the spec's tables."""

import pytest

from tests.workflows.spec_tables import TABLES
from workflows.metadata import all_workflows, as_json, describe

WORKFLOW_KEYS = ["technical_support", "support_center", "customer_service", "release_tracking"]
WORKFLOW_FIELDS = {"key", "name", "initial_status", "statuses", "transitions"}
TRANSITION_FIELDS = {"name", "label", "sources", "target", "roles"}


@pytest.fixture
def workflows(api, customer):
    return api(customer).get("/api/workflows/").json()


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_everyone_signed_in_reads_the_workflows(api, cast, role):
    response = api(cast[role]).get("/api/workflows/")

    assert response.status_code == 200
    assert [workflow["key"] for workflow in response.json()] == WORKFLOW_KEYS


def test_the_list_is_the_workflow_metadata(workflows):
    assert workflows == [as_json(info) for info in all_workflows()]


@pytest.mark.parametrize("key", WORKFLOW_KEYS)
def test_one_workflow_is_its_metadata(api, customer, key):
    response = api(customer).get(f"/api/workflows/{key}/")

    assert response.status_code == 200
    assert response.json() == as_json(describe(key))


@pytest.mark.parametrize("key", WORKFLOW_KEYS)
def test_one_workflow_is_the_same_object_as_in_the_list(api, customer, workflows, key):
    one = api(customer).get(f"/api/workflows/{key}/").json()

    assert one == next(workflow for workflow in workflows if workflow["key"] == key)


@pytest.mark.parametrize("key", ["kanban", "technical-support", "TECHNICAL_SUPPORT", "x" * 41])
def test_an_unknown_workflow_is_404(api, customer, key):
    response = api(customer).get(f"/api/workflows/{key}/")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_every_workflow_object_has_the_contract_fields(workflows):
    for workflow in workflows:
        assert set(workflow) >= WORKFLOW_FIELDS
        for status in workflow["statuses"]:
            assert {"key", "label"} <= set(status)
        for transition in workflow["transitions"]:
            assert set(transition) >= TRANSITION_FIELDS


@pytest.mark.parametrize("key", WORKFLOW_KEYS)
def test_statuses_and_initial_status_are_the_spec_table(workflows, key):
    workflow = next(w for w in workflows if w["key"] == key)

    assert workflow["initial_status"] == TABLES[key].initial
    assert [(s["key"], s["label"]) for s in workflow["statuses"]] == list(TABLES[key].statuses)


@pytest.mark.parametrize("key", WORKFLOW_KEYS)
def test_transitions_are_the_rows_of_the_spec_table(workflows, key):
    workflow = next(w for w in workflows if w["key"] == key)

    assert {
        t["name"]: (frozenset(t["sources"]), t["target"], frozenset(t["roles"]))
        for t in workflow["transitions"]
    } == {
        name: (row.sources, row.target, row.roles) for name, row in TABLES[key].transitions.items()
    }


def test_a_manager_is_named_wherever_an_agent_is(workflows):
    for workflow in workflows:
        for transition in workflow["transitions"]:
            if "agent" in transition["roles"]:
                assert "manager" in transition["roles"], (workflow["key"], transition["name"])


def test_roles_are_only_the_contract_roles(workflows):
    roles = {role for w in workflows for t in w["transitions"] for role in t["roles"]}

    assert roles == {"customer", "agent", "manager", "system"}


def test_sources_and_targets_are_statuses_of_their_workflow(workflows):
    for workflow in workflows:
        keys = {status["key"] for status in workflow["statuses"]}
        for transition in workflow["transitions"]:
            assert set(transition["sources"]) <= keys
            assert transition["target"] in keys
