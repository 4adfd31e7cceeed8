"""GET /api/cases/{id}/history/: one row per transition, oldest first, with who did it; the
internal note of `block` is withheld from customers (note: null)."""

from datetime import timedelta

import pytest

from tests.workflows.walking import attempt_automatic

HISTORY_FIELDS = {"transition", "source", "target", "actor", "actor_role", "note", "created_at"}


def history(client, case):
    response = client.get(f"/api/cases/{case.pk}/history/")
    assert response.status_code == 200
    return response.json()


def test_a_new_case_has_no_history(api, customer, case_in):
    assert history(api(customer), case_in("technical_support")) == []


def test_history_rows_are_oldest_first_with_actor_and_role(api, customer, agent, case_in):
    case = case_in("technical_support", "solution_proposed")

    rows = history(api(customer), case)

    assert all(set(row) >= HISTORY_FIELDS for row in rows)
    assert [
        (row["transition"], row["source"], row["target"], row["actor"], row["actor_role"])
        for row in rows
    ] == [
        ("start_work", "new", "work_in_progress", agent.pk, "agent"),
        ("propose_solution", "work_in_progress", "solution_proposed", agent.pk, "agent"),
    ]
    assert rows[0]["created_at"] <= rows[1]["created_at"]


def test_a_transitions_note_is_in_its_row(api, customer, agent, case_in):
    case = case_in("technical_support", "work_in_progress")
    api(agent).post(
        f"/api/cases/{case.pk}/transitions/propose_solution/",
        {"note": "Reinstall the driver."},
        format="json",
    )

    assert history(api(customer), case)[-1]["note"] == "Reinstall the driver."


def test_an_automatic_transition_is_recorded_with_who_caused_it(api, colleague, agent, case_in):
    case = case_in("technical_support", "pending_customer")
    api(colleague).post(f"/api/cases/{case.pk}/comments/", {"body": "Log attached."}, format="json")

    last = history(api(agent), case)[-1]

    assert (last["transition"], last["actor"], last["actor_role"]) == (
        "customer_reply",
        colleague.pk,
        "customer",
    )


def test_the_automations_act_as_system_with_no_actor(api, customer, case_in):
    case = case_in("support_center", "awaiting_customer_confirmation")
    attempt_automatic(case, "auto_close", None, now=case.status_changed_at + timedelta(days=15))

    last = history(api(customer), case)[-1]

    assert (last["transition"], last["target"], last["actor"], last["actor_role"]) == (
        "auto_close",
        "closed",
        None,
        "system",
    )


@pytest.mark.parametrize(
    ("workflow", "status"),
    [("technical_support", "work_in_progress"), ("release_tracking", "development_in_progress")],
)
@pytest.mark.parametrize("viewer", ["customer", "colleague"])
def test_customers_see_the_block_but_not_its_note(
    api, request, agent, case_in, workflow, status, viewer
):
    case = case_in(workflow, status)
    api(agent).post(
        f"/api/cases/{case.pk}/transitions/block/",
        {"note": "Bug 4711 in the driver."},
        format="json",
    )

    last = history(api(request.getfixturevalue(viewer)), case)[-1]

    assert (last["transition"], last["target"], last["note"]) == ("block", "blocked", None)


@pytest.mark.parametrize(
    ("workflow", "status"),
    [("technical_support", "work_in_progress"), ("release_tracking", "development_in_progress")],
)
@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_read_the_blockers_note(api, cast, agent, case_in, workflow, status, role):
    case = case_in(workflow, status)
    api(agent).post(
        f"/api/cases/{case.pk}/transitions/block/",
        {"note": "Bug 4711 in the driver."},
        format="json",
    )

    assert history(api(cast[role]), case)[-1]["note"] == "Bug 4711 in the driver."


def test_only_the_block_note_is_withheld(api, customer, agent, case_in):
    case = case_in("technical_support", "blocked")
    api(agent).post(
        f"/api/cases/{case.pk}/transitions/close/", {"note": "Fixed in 2.1."}, format="json"
    )

    rows = history(api(customer), case)

    assert [(row["transition"], row["note"]) for row in rows] == [
        ("start_work", ""),
        ("block", None),
        ("close", "Fixed in 2.1."),
    ]


def test_the_history_of_another_organizations_case_is_404(api, other_customer, case_in):
    case = case_in("technical_support", "work_in_progress")

    assert api(other_customer).get(f"/api/cases/{case.pk}/history/").status_code == 404


def test_history_is_read_only(api, manager, case_in):
    case = case_in("technical_support", "work_in_progress")

    response = api(manager).post(f"/api/cases/{case.pk}/history/", {}, format="json")

    assert response.status_code == 405
