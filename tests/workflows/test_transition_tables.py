"""Every workflow against its spec table: the metadata says what the table says, every pair of
the table works, and every pair outside it is refused without writing anything."""

import contextlib

import pytest

from cases.errors import Conflict
from tests.workflows.spec_tables import TABLES, non_table_edges, table_edges
from tests.workflows.walking import (
    attempt_automatic,
    default_role,
    drive,
    new_history,
    payload_for,
    reload,
    row_of,
    snapshot,
    walk_to,
)
from workflows.metadata import describe
from workflows.transitions import perform_transition

WORKFLOW_KEYS = list(TABLES)


# --- (a) the metadata read off the code equals the hand copy of the spec ---------------------


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_statuses_and_labels_match_spec(workflow):
    assert describe(workflow).statuses == TABLES[workflow].statuses


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_initial_status_matches_spec(workflow):
    assert describe(workflow).initial_status == TABLES[workflow].initial


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_sub_statuses_match_spec(workflow):
    assert describe(workflow).sub_statuses == TABLES[workflow].sub_statuses


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_lists_the_spec_transitions_in_table_order(workflow):
    assert [t.name for t in describe(workflow).transitions] == list(TABLES[workflow].transitions)


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_transition_sources_match_spec(workflow):
    actual = {t.name: sorted(t.sources) for t in describe(workflow).transitions}
    expected = {name: sorted(row.sources) for name, row in TABLES[workflow].transitions.items()}
    assert actual == expected


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_transition_targets_match_spec(workflow):
    actual = {t.name: t.target for t in describe(workflow).transitions}
    expected = {name: row.target for name, row in TABLES[workflow].transitions.items()}
    assert actual == expected


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_transition_roles_match_spec(workflow):
    actual = {t.name: sorted(t.roles) for t in describe(workflow).transitions}
    expected = {name: sorted(row.roles) for name, row in TABLES[workflow].transitions.items()}
    assert actual == expected


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_required_payload_matches_spec(workflow):
    actual = {
        t.name: (sorted(t.rules.requires), sorted(t.rules.staff_requires))
        for t in describe(workflow).transitions
    }
    expected = {
        name: (sorted(row.requires), sorted(row.staff_requires))
        for name, row in TABLES[workflow].transitions.items()
    }
    assert actual == expected


@pytest.mark.parametrize("workflow", WORKFLOW_KEYS)
def test_metadata_marks_automatic_and_release_only_transitions_as_spec(workflow):
    actual = {
        t.name: (t.rules.automatic, t.rules.via_release) for t in describe(workflow).transitions
    }
    expected = {
        name: (row.automatic, row.via_release) for name, row in TABLES[workflow].transitions.items()
    }
    assert actual == expected


# --- (b) every pair of the table works ------------------------------------------------------


@pytest.mark.parametrize(("workflow", "status", "name"), table_edges())
def test_transition_in_table_reaches_target_and_writes_one_history_row(
    workflow, status, name, make_case, cast
):
    case = walk_to(make_case(workflow), status, cast)
    before = len(new_history(case, 0))
    role = default_role(workflow, name)

    actor = drive(case, name, cast, role=role)

    target = row_of(workflow, name).target
    rows = [
        (entry.transition, entry.source, entry.target, entry.actor, entry.actor_role)
        for entry in new_history(case, before)
    ]
    assert (reload(case).status, rows) == (target, [(name, status, target, actor, role)])


# --- (c) every pair outside the table is refused, and nothing is written ---------------------


def _attempt(case, name, cast):
    """Ask for the transition the way it is asked for: by a person for manual transitions; as
    the triggers, automations and release delivery do for the others."""
    row = row_of(case.workflow, name)
    role = default_role(case.workflow, name)
    if row.automatic or row.via_release:
        attempt_automatic(case, name, cast[role], via_release=row.via_release)
    else:
        perform_transition(
            case_id=case.pk,
            name=name,
            actor=cast[role],
            **payload_for(case.workflow, name, role, cast),
        )


@pytest.mark.parametrize(("workflow", "status", "name"), non_table_edges())
def test_transition_outside_table_is_refused_with_conflict(workflow, status, name, make_case, cast):
    case = walk_to(make_case(workflow), status, cast)

    with pytest.raises(Conflict):
        _attempt(case, name, cast)


@pytest.mark.parametrize(("workflow", "status", "name"), non_table_edges())
def test_transition_outside_table_changes_nothing(workflow, status, name, make_case, cast):
    case = walk_to(make_case(workflow), status, cast)
    before = snapshot(case)

    with contextlib.suppress(Conflict):
        _attempt(case, name, cast)

    assert snapshot(case) == before
