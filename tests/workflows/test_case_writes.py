"""A change writes only the case's columns it changed: a status change is no rewrite of the whole
row (its subject, its description), so it never overwrites what it did not touch."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.cases import case_update
from services.conversation import comment_post
from tests.timed_cases import T0, new_case, reload
from workflows.transitions import perform_transition


def _case_updates(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cases_case"')]


def test_a_transition_writes_only_the_columns_it_changed(queues, customer, agent):
    case = new_case(queues["support_center"], customer)

    with CaptureQueriesContext(connection) as queries:
        perform_transition(case_id=case.pk, name="start_progress", actor=agent, now=T0)

    (update,) = _case_updates(queries.captured_queries)
    assert '"status"' in update
    assert '"updated_at"' in update
    for untouched in ('"subject"', '"description"', '"reference"', '"requester_id"'):
        assert untouched not in update
    assert reload(case).status == "in_progress"


def test_a_reply_writes_its_stamps_and_nothing_else(queues, customer, agent):
    case = new_case(queues["support_center"], customer)

    with CaptureQueriesContext(connection) as queries:
        comment_post(case_id=case.pk, actor=agent, body="On it.", now=T0)

    updates = _case_updates(queries.captured_queries)
    assert updates
    assert all('"subject"' not in sql and '"description"' not in sql for sql in updates)
    saved = reload(case)
    assert saved.first_responded_at == T0
    assert saved.assignee == agent


def test_an_edit_writes_the_fields_it_changed(queues, customer, agent):
    case = new_case(queues["support_center"], customer)

    case_update(case_id=case.pk, actor=agent, changes={"subject": "Printer smokes"}, now=T0)

    saved = reload(case)
    assert (saved.subject, saved.description) == ("Printer smokes", "Smoke.")
