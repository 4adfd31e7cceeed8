"""`waiting_on` in the API: on each case object and on each status object of /api/workflows/,
as ui.md tabulates it."""

import pytest

from tests.workflows.spec_tables import TABLES
from tests.workflows.waiting_tables import side_of
from workflows.transitions import perform_transition

EVERY_STATUS = [
    (workflow, status) for workflow, table in TABLES.items() for status in table.status_keys
]


@pytest.mark.parametrize(("workflow", "status"), EVERY_STATUS)
def test_a_case_object_says_whom_the_case_waits_on(api, customer, case_in, workflow, status):
    case = case_in(workflow, status)

    body = api(customer).get(f"/api/cases/{case.pk}/").json()

    assert body["waiting_on"] == side_of(workflow, status, case.sub_status)


def test_a_case_pending_on_development_waits_on_support(api, customer, agent, case_in):
    case = case_in("support_center", "in_progress")
    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")

    body = api(customer).get(f"/api/cases/{case.pk}/").json()

    assert (body["sub_status"], body["waiting_on"]) == ("development", "support")


def test_the_case_list_carries_waiting_on_too(api, customer, case_in):
    waiting = case_in("customer_service", "awaiting_info")
    working = case_in("customer_service", "open")

    results = api(customer).get("/api/cases/").json()["results"]

    assert {row["id"]: row["waiting_on"] for row in results} == {
        waiting.pk: "customer",
        working.pk: "support",
    }


@pytest.mark.parametrize("workflow", list(TABLES))
def test_each_status_object_of_a_workflow_says_whom_it_waits_on(api, customer, workflow):
    body = api(customer).get(f"/api/workflows/{workflow}/").json()

    statuses = {status["key"]: status["waiting_on"] for status in body["statuses"]}

    assert statuses == {key: side_of(workflow, key) for key in TABLES[workflow].status_keys}


def test_pending_lists_its_sub_statuses_with_whom_each_waits_on(api, customer):
    body = api(customer).get("/api/workflows/support_center/").json()
    pending = next(status for status in body["statuses"] if status["key"] == "pending")

    assert pending["sub_statuses"] == [
        {"key": "customer_input", "label": "Customer Input", "waiting_on": "customer"},
        {"key": "development", "label": "Development", "waiting_on": "support"},
        {
            "key": "scheduled_support_service",
            "label": "Scheduled Support Service",
            "waiting_on": "support",
        },
        {"key": "third_party_provider", "label": "Third Party Provider", "waiting_on": "support"},
    ]
