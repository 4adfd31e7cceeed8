"""Notifications over the API: a case's outbox for agents and managers
(/api/cases/{id}/notifications/), and each user's own in-app list (/api/notifications/)."""

from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest

NOTIFICATION_FIELDS = {"kind", "recipient", "scheduled_for", "sent_at"}


def notifications(client, case):
    response = client.get(f"/api/cases/{case.pk}/notifications/")
    assert response.status_code == 200, response.json()
    return response.json()


def act(client, case, name, **payload):
    response = client.post(f"/api/cases/{case.pk}/transitions/{name}/", payload, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_read_a_cases_notifications(api, cast, customer, agent, case_in, role):
    case = case_in("support_center", "in_progress")
    act(api(agent), case, "provide_answer", note="Restart the router.")

    rows = notifications(api(cast[role]), case)

    assert all(set(row) >= NOTIFICATION_FIELDS for row in rows)
    answer = next(row for row in rows if row["kind"] == "awaiting_confirmation")
    assert answer["recipient"] == customer.pk
    assert datetime.fromisoformat(answer["scheduled_for"]).tzinfo is not None


@pytest.mark.parametrize("viewer", ["customer", "colleague"])
def test_customers_may_not_read_a_cases_notifications(api, request, case_in, viewer):
    case = case_in("support_center", "awaiting_customer_confirmation")

    response = api(request.getfixturevalue(viewer)).get(f"/api/cases/{case.pk}/notifications/")

    assert response.status_code == 403


def test_a_customer_of_another_organization_gets_404_not_403(api, other_customer, case_in):
    case = case_in("support_center", "awaiting_customer_confirmation")

    response = api(other_customer).get(f"/api/cases/{case.pk}/notifications/")

    assert response.status_code == 404


def test_an_unknown_case_has_no_notifications(api, agent, db):
    assert api(agent).get("/api/cases/999999/notifications/").status_code == 404


def test_the_answer_is_sent_at_once_after_the_commit(
    api, agent, case_in, django_capture_on_commit_callbacks
):
    case = case_in("support_center", "in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        act(api(agent), case, "provide_answer", note="Restart the router.")

    answer = next(
        row for row in notifications(api(agent), case) if row["kind"] == "awaiting_confirmation"
    )

    assert answer["sent_at"] is not None


def test_the_closure_notification_waits_a_day(api, customer, agent, case_in):
    case = case_in("support_center", "in_progress")
    closed = act(api(agent), case, "close", note="Fixed by the update.")

    closure = next(row for row in notifications(api(agent), case) if row["kind"] == "closure")

    scheduled = datetime.fromisoformat(closure["scheduled_for"])
    assert scheduled - datetime.fromisoformat(closed["closed_at"]) == timedelta(days=1)
    assert (closure["recipient"], closure["sent_at"]) == (customer.pk, None)


def test_a_rejected_solution_notifies_the_owner(api, customer, agent, case_in):
    case = case_in("technical_support", "solution_proposed")
    act(api(customer), case, "reject_solution", note="Still smoking.")

    kinds = {(row["kind"], row["recipient"]) for row in notifications(api(agent), case)}

    assert ("solution_rejected", agent.pk) in kinds


def test_a_proposed_customer_service_solution_notifies_the_customer(api, customer, agent, case_in):
    case = case_in("customer_service", "open")
    act(api(agent), case, "propose_solution", close_notes="Refunded.")

    kinds = {(row["kind"], row["recipient"]) for row in notifications(api(agent), case)}

    assert ("resolution", customer.pk) in kinds


def test_a_delivered_release_notifies_the_customer(api, customer, agent, queues, case_in):
    case = case_in("release_tracking", "done_awaiting_release")
    client = api(agent)
    release = client.post(
        "/api/releases/",
        {"name": "2026.12.1", "queue": queues["release_tracking"].pk},
        format="json",
    ).json()
    client.post(f"/api/releases/{release['id']}/cases/", {"case": case.pk}, format="json")
    client.post(f"/api/releases/{release['id']}/deliver/")

    kinds = {(row["kind"], row["recipient"]) for row in notifications(client, case)}

    assert ("release_delivered", customer.pk) in kinds


# The signed-in user's own list


def test_each_user_lists_their_own_notifications(api, customer, agent, case_in):
    case = case_in("support_center", "in_progress")
    act(api(agent), case, "provide_answer", note="Restart the router.")

    response = api(customer).get("/api/notifications/")

    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}
    rows = response.json()["results"]
    assert {row["kind"] for row in rows} >= {"awaiting_confirmation"}
    assert {row["recipient"] for row in rows} == {customer.pk}


def test_nobody_lists_someone_elses_notifications(api, colleague, other_customer, agent, case_in):
    case = case_in("support_center", "in_progress")
    act(api(agent), case, "provide_answer", note="Restart the router.")

    for user in (colleague, other_customer):
        assert api(user).get("/api/notifications/").json()["results"] == []


def test_a_delayed_notification_is_not_listed_before_its_time(api, customer, agent, case_in):
    case = case_in("support_center", "in_progress")
    act(api(agent), case, "close", note="Fixed by the update.")

    kinds = [row["kind"] for row in api(customer).get("/api/notifications/").json()["results"]]

    assert "closure" in [row["kind"] for row in notifications(api(agent), case)]
    assert "closure" not in kinds


def test_each_notification_names_the_message_id_of_its_email(
    api, customer, agent, case_in, mailoutbox, django_capture_on_commit_callbacks
):
    case = case_in("support_center", "in_progress")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(api(agent), case, "provide_answer", note="Restart the router.")

    [row] = [
        row for row in notifications(api(agent), case) if row["kind"] == "awaiting_confirmation"
    ]

    [email] = mailoutbox
    sent = message_from_bytes(email.message().as_bytes(), policy=default)
    assert row["message_id"] == sent["Message-ID"]
    ids = [row["message_id"] for row in notifications(api(agent), case)]
    assert all(ids) and len(set(ids)) == len(ids)


def test_the_users_own_list_names_the_message_ids_too(api, customer, agent, case_in):
    case = case_in("support_center", "in_progress")
    act(api(agent), case, "provide_answer", note="Restart the router.")

    rows = api(customer).get("/api/notifications/").json()["results"]

    assert rows and all(row["message_id"].startswith("<") for row in rows)
