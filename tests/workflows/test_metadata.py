"""What the workflows tell people: `available_transitions` per case and user, and the JSON
description of each workflow."""

import json

import pytest

from services.cases import case_update
from services.conversation import comment_post
from tests.workflows.spec_tables import TABLES
from tests.workflows.waiting_tables import side_of
from tests.workflows.walking import reload, walk_to
from workflows.metadata import as_json, describe
from workflows.transitions import available_transitions

PEOPLE = ("customer", "agent", "manager")
EVERY_STATUS = [
    (workflow, status) for workflow, table in TABLES.items() for status in table.status_keys
]
# Listed only once their condition holds, which a plain walk does not arrange.
CONDITIONAL = {
    ("customer_service", "new", "accept"),
    ("release_tracking", "waiting_for_customer_response", "send_to_development"),
}


def _expected(workflow, status, role):
    return [
        name
        for name, row in TABLES[workflow].transitions.items()
        if status in row.sources
        and role in row.roles
        and not (row.automatic or row.via_release)
        and (workflow, status, name) not in CONDITIONAL
    ]


@pytest.mark.parametrize(("workflow", "status"), EVERY_STATUS)
def test_available_transitions_follow_the_spec_table(workflow, status, make_case, cast):
    case = walk_to(make_case(workflow), status, cast)

    actual = {role: available_transitions(case, cast[role]) for role in PEOPLE}

    assert actual == {role: _expected(workflow, status, role) for role in PEOPLE}


@pytest.mark.parametrize(("workflow", "status"), EVERY_STATUS)
def test_available_transitions_never_list_automatic_or_release_only(
    workflow, status, make_case, cast
):
    case = walk_to(make_case(workflow), status, cast)
    hidden = {
        name
        for name, row in TABLES[workflow].transitions.items()
        if row.automatic or row.via_release
    }

    listed = {role: hidden & set(available_transitions(case, cast[role])) for role in PEOPLE}

    assert listed == {role: set() for role in PEOPLE}


def test_accept_is_available_to_the_assigned_agent_only(make_case, manager, agent, other_agent):
    case = make_case("customer_service")
    case = case_update(case_id=case.pk, actor=manager, changes={"assignee": agent})

    offered = {
        user.username: "accept" in available_transitions(case, user)
        for user in (agent, other_agent, manager)
    }

    assert offered == {agent.username: True, other_agent.username: False, manager.username: False}


def test_send_to_development_is_available_once_the_customer_replied(make_case, cast, agent):
    case = walk_to(make_case("release_tracking"), "waiting_for_customer_response", cast)
    comment_post(case_id=case.pk, actor=cast["customer"], body="Version 3.2.")

    assert "send_to_development" in available_transitions(reload(case), agent)


# --- as_json ---------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_is_plain_json(workflow):
    described = as_json(describe(workflow))

    assert json.loads(json.dumps(described)) == described


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_top_level_keys(workflow):
    assert set(as_json(describe(workflow))) == {
        "key",
        "name",
        "initial_status",
        "statuses",
        "transitions",
    }


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_names_workflow_and_initial_status(workflow):
    described = as_json(describe(workflow))

    assert (described["key"], described["initial_status"]) == (workflow, TABLES[workflow].initial)


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_statuses_carry_key_label_waiting_on_and_sub_statuses(workflow):
    table = TABLES[workflow]
    expected = [
        {
            "key": key,
            "label": label,
            "waiting_on": side_of(workflow, key),
            "sub_statuses": [
                {"key": sub_key, "label": sub_label, "waiting_on": side_of(workflow, key, sub_key)}
                for sub_key, sub_label in table.sub_statuses.get(key, ())
            ],
        }
        for key, label in table.statuses
    ]

    assert as_json(describe(workflow))["statuses"] == expected


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_transition_keys(workflow):
    shapes = {frozenset(transition) for transition in as_json(describe(workflow))["transitions"]}

    assert shapes == {
        frozenset(
            {
                "name",
                "label",
                "sources",
                "target",
                "roles",
                "automatic",
                "manual",
                "payload",
                "conditions",
            }
        )
    }


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_transitions_follow_the_spec_table(workflow):
    actual = {
        t["name"]: (sorted(t["sources"]), t["target"], sorted(t["roles"]))
        for t in as_json(describe(workflow))["transitions"]
    }

    assert actual == {
        name: (sorted(row.sources), row.target, sorted(row.roles))
        for name, row in TABLES[workflow].transitions.items()
    }


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_marks_only_requestable_transitions_manual(workflow):
    actual = {t["name"]: t["manual"] for t in as_json(describe(workflow))["transitions"]}

    assert actual == {
        name: not (row.automatic or row.via_release)
        for name, row in TABLES[workflow].transitions.items()
    }


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_payload_names_required_fields(workflow):
    actual = {
        t["name"]: (sorted(t["payload"]["required"]), sorted(t["payload"]["required_for_staff"]))
        for t in as_json(describe(workflow))["transitions"]
    }

    assert actual == {
        name: (sorted(row.requires), sorted(row.staff_requires))
        for name, row in TABLES[workflow].transitions.items()
    }


@pytest.mark.parametrize("workflow", list(TABLES))
def test_as_json_payload_fields_include_required_ones(workflow):
    missing = {
        t["name"]: set(t["payload"]["required"] + t["payload"]["required_for_staff"])
        - set(t["payload"]["fields"])
        for t in as_json(describe(workflow))["transitions"]
    }

    assert missing == {name: set() for name in TABLES[workflow].transitions}
