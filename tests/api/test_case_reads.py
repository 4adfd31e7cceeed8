"""A write through the API reads its case once: visibility and the row lock are one query
(`workflows.transitions.change_case`), and the answer is built from that same row."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.transitions import perform_transition

CASE_READ = re.compile(r'^SELECT .* FROM "cases_case"', re.DOTALL)


def case_reads(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 300, response.content[:300]
    return sum(1 for query in captured.captured_queries if CASE_READ.match(query["sql"]))


@pytest.mark.parametrize(
    ("workflow", "status", "name", "body", "role"),
    [
        ("technical_support", "work_in_progress", "request_info", {}, "agent"),
        ("technical_support", "solution_proposed", "accept_solution", {}, "customer"),
        ("support_center", "in_progress", "set_pending", {"sub_status": "development"}, "agent"),
        ("customer_service", "resolved", "reject_solution", {}, "customer"),
    ],
)
def test_a_transition_reads_its_case_once(api, case_in, cast, workflow, status, name, body, role):
    case = case_in(workflow, status)

    reads = case_reads(
        lambda: api(cast[role]).post(
            f"/api/cases/{case.pk}/transitions/{name}/", body, format="json"
        )
    )

    assert reads == 1


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_a_reply_reads_its_case_once(api, case_in, cast, role):
    case = case_in("technical_support", "work_in_progress")

    reads = case_reads(
        lambda: api(cast[role]).post(
            f"/api/cases/{case.pk}/comments/", {"body": "Any news?"}, format="json"
        )
    )

    assert reads == 1


def test_an_edit_reads_its_case_once(api, case_in, cast):
    case = case_in("technical_support", "work_in_progress")

    reads = case_reads(
        lambda: api(cast["agent"]).patch(
            f"/api/cases/{case.pk}/", {"priority": "high"}, format="json"
        )
    )

    assert reads == 1


def test_a_survey_reads_its_case_once(api, case_in, cast):
    case = case_in("customer_service", "resolved")
    perform_transition(case_id=case.pk, name="accept_solution", actor=cast["customer"])

    reads = case_reads(
        lambda: api(cast["customer"]).post(
            f"/api/cases/{case.pk}/survey/", {"rating": 5}, format="json"
        )
    )

    assert reads == 1
