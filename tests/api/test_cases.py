"""Cases: opening one (customers for themselves, agents for a customer), reading it, editing its
fields (never its status), soft-deleting (customer_service only) and restoring (managers)."""

from datetime import datetime, timedelta

import pytest

from cases.models import Case, HistoryEntry, Priority
from tests.factories import AgentFactory
from tests.workflows.spec_tables import TABLES

CASE_FIELDS = {
    "id",
    "reference",
    "queue",
    "workflow",
    "subject",
    "description",
    "status",
    "status_label",
    "sub_status",
    "priority",
    "channel",
    "organization",
    "requester",
    "assignee",
    "created_at",
    "updated_at",
    "status_changed_at",
    "first_response_due_at",
    "first_responded_at",
    "closed_at",
    "repeat_of",
    "close_notes",
    "deleted_at",
    "upcoming",
    "available_transitions",
}
WORKFLOWS = list(TABLES)


def create(client, queue, **body):
    return client.post(
        "/api/cases/", {"queue": queue.pk, "subject": "VPN drops", **body}, format="json"
    )


def is_iso_with_timezone(value: str) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


# Opening a case


@pytest.mark.parametrize("workflow", WORKFLOWS)
def test_a_customer_opens_a_case_in_the_initial_status(api, customer, queues, workflow):
    response = create(api(customer), queues[workflow], description="Since Monday.")

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= CASE_FIELDS
    assert body["workflow"] == workflow
    assert body["queue"] == queues[workflow].pk
    assert body["status"] == TABLES[workflow].initial
    assert body["status_label"] == dict(TABLES[workflow].statuses)[body["status"]]
    assert (body["subject"], body["description"]) == ("VPN drops", "Since Monday.")


def test_a_customers_case_is_theirs_and_their_organizations(api, customer, org_a, queues):
    body = create(api(customer), queues["technical_support"]).json()

    assert body["requester"] == customer.pk
    assert body["organization"] == org_a.pk
    assert body["assignee"] is None


def test_a_customer_case_defaults_to_normal_priority_and_the_portal(api, customer, queues):
    body = create(api(customer), queues["technical_support"]).json()

    assert (body["priority"], body["channel"]) == ("normal", "portal")


def test_the_reference_is_cs_and_the_zero_padded_id(api, customer, queues):
    body = create(api(customer), queues["technical_support"]).json()

    assert body["reference"] == f"CS-{body['id']:06d}"


def test_a_new_case_has_its_timestamps_and_nothing_else_set(api, customer, queues):
    body = create(api(customer), queues["technical_support"]).json()

    for name in ("created_at", "updated_at", "status_changed_at", "first_response_due_at"):
        assert is_iso_with_timezone(body[name]), name
    for name in ("first_responded_at", "closed_at", "repeat_of", "close_notes", "deleted_at"):
        assert body[name] is None, name
    assert body["sub_status"] is None


@pytest.mark.parametrize(
    ("priority", "hours"), [("urgent", 1), ("high", 4), ("normal", 8), ("low", 24)]
)
def test_the_first_response_is_due_by_priority(api, customer, queues, priority, hours):
    body = create(api(customer), queues["technical_support"], priority=priority).json()

    due = datetime.fromisoformat(body["first_response_due_at"])
    created = datetime.fromisoformat(body["created_at"])
    assert body["priority"] == priority
    assert (due - created).total_seconds() == hours * 3600


@pytest.mark.parametrize("channel", ["portal", "email", "chat", "phone", "agent", "api"])
def test_the_channel_is_stored_as_given(api, agent, customer, queues, channel):
    body = create(
        api(agent), queues["customer_service"], requester=customer.pk, channel=channel
    ).json()

    assert body["channel"] == channel


def test_the_upcoming_first_response_breach_is_announced(api, customer, queues):
    body = create(api(customer), queues["technical_support"]).json()

    assert body["upcoming"] == [
        {"action": "first_response_breach", "at": body["first_response_due_at"]}
    ]


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_open_a_case_for_a_customer_through_the_agent_channel(
    api, cast, customer, org_a, queues, role
):
    response = create(api(cast[role]), queues["support_center"], requester=customer.pk)

    assert response.status_code == 201
    body = response.json()
    assert (body["requester"], body["organization"]) == (customer.pk, org_a.pk)
    assert body["channel"] == "agent"


def test_an_agent_must_name_the_requester(api, agent, queues):
    response = create(api(agent), queues["technical_support"])

    assert response.status_code == 400
    assert "requester" in response.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("requester", ["agent", "manager"])
def test_the_requester_must_be_a_customer(api, agent, cast, queues, requester):
    response = create(api(agent), queues["technical_support"], requester=cast[requester].pk)

    assert response.status_code == 400
    assert "requester" in response.json()


def test_an_agent_may_not_file_a_case_under_another_organization(
    api, agent, customer, org_b, queues
):
    response = create(
        api(agent), queues["technical_support"], requester=customer.pk, organization=org_b.pk
    )

    assert response.status_code == 400
    assert "organization" in response.json()


def test_a_customer_may_not_open_a_case_for_someone_else(api, customer, colleague, queues):
    response = create(api(customer), queues["technical_support"], requester=colleague.pk)

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_customer_may_not_open_a_case_for_another_organization(api, customer, org_b, queues):
    response = create(api(customer), queues["technical_support"], organization=org_b.pk)

    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"queue": 999_999}, "queue"),
        ({"queue": "helpdesk"}, "queue"),
        ({"queue": None}, "queue"),
        ({"queue": 2**64}, "queue"),
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": None}, "subject"),
        ({"subject": ["VPN"]}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"description": {"text": "VPN"}}, "description"),
        ({"priority": "critical"}, "priority"),
        ({"priority": 40}, "priority"),
        ({"channel": "fax"}, "channel"),
        ({"organization": "acme"}, "organization"),
    ],
)
def test_an_invalid_case_is_400_naming_the_field(api, customer, queues, change, field):
    body = {"queue": queues["technical_support"].pk, "subject": "VPN drops", **change}

    response = api(customer).post("/api/cases/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()["detail"], str)
    assert not Case.objects.exists()


def test_a_case_needs_a_queue_and_a_subject(api, customer, queues):
    response = api(customer).post("/api/cases/", {}, format="json")

    assert response.status_code == 400
    assert {"queue", "subject"} <= set(response.json())


# Reading one


@pytest.mark.parametrize("viewer", ["customer", "colleague", "agent", "manager"])
def test_who_may_see_a_case_reads_it(api, request, case_in, viewer):
    case = case_in("technical_support")

    response = api(request.getfixturevalue(viewer)).get(f"/api/cases/{case.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == case.pk
    assert set(response.json()) >= CASE_FIELDS


def test_a_case_of_another_organization_is_404(api, other_customer, case_in):
    case = case_in("technical_support")

    response = api(other_customer).get(f"/api/cases/{case.pk}/")

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    ("role", "available"),
    [
        ("customer", ["close"]),
        ("agent", ["start_work", "close"]),
        ("manager", ["start_work", "close"]),
    ],
)
def test_available_transitions_are_those_of_the_user_asking(api, cast, case_in, role, available):
    case = case_in("technical_support")

    assert (
        api(cast[role]).get(f"/api/cases/{case.pk}/").json()["available_transitions"] == available
    )


def test_automatic_transitions_are_never_available(api, customer, case_in):
    case = case_in("technical_support", "work_in_progress")

    body = api(customer).get(f"/api/cases/{case.pk}/").json()

    assert "customer_reply" not in body["available_transitions"]
    assert body["available_transitions"] == ["close"]


def test_a_pending_case_shows_its_sub_status(api, agent, case_in):
    case = case_in("support_center", "pending")

    body = api(agent).get(f"/api/cases/{case.pk}/").json()

    assert (body["status"], body["sub_status"]) == ("pending", "customer_input")


# Editing fields


@pytest.mark.parametrize("editor", ["customer", "colleague"])
def test_a_customer_edits_subject_and_description(api, request, case_in, editor):
    case = case_in("technical_support")

    response = api(request.getfixturevalue(editor)).patch(
        f"/api/cases/{case.pk}/",
        {"subject": "VPN drops hourly", "description": "Every hour."},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["subject"], response.json()["description"]) == (
        "VPN drops hourly",
        "Every hour.",
    )
    case.refresh_from_db()
    assert (case.subject, case.description) == ("VPN drops hourly", "Every hour.")


def test_a_customer_may_not_change_the_priority(api, customer, case_in):
    case = case_in("technical_support")

    response = api(customer).patch(f"/api/cases/{case.pk}/", {"priority": "urgent"}, format="json")

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.priority == Priority.NORMAL


@pytest.mark.parametrize("workflow", ["technical_support", "customer_service"])
def test_a_customer_may_not_change_the_assignee(api, customer, agent, case_in, workflow):
    case = case_in(workflow)

    response = api(customer).patch(f"/api/cases/{case.pk}/", {"assignee": agent.pk}, format="json")

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee_id is None


def test_a_refused_field_refuses_the_whole_edit(api, customer, case_in):
    case = case_in("technical_support")

    response = api(customer).patch(
        f"/api/cases/{case.pk}/", {"subject": "Changed", "priority": "urgent"}, format="json"
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.subject == "Printer is on fire"


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_change_the_priority(api, cast, case_in, role):
    case = case_in("technical_support")

    response = api(cast[role]).patch(f"/api/cases/{case.pk}/", {"priority": "high"}, format="json")

    assert response.status_code == 200
    assert response.json()["priority"] == "high"


def test_a_new_priority_moves_the_unanswered_first_response_due_time(api, agent, case_in):
    case = case_in("technical_support")

    body = api(agent).patch(f"/api/cases/{case.pk}/", {"priority": "urgent"}, format="json").json()

    due = datetime.fromisoformat(body["first_response_due_at"])
    assert (due - datetime.fromisoformat(body["created_at"])).total_seconds() == 3600


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "release_tracking"])
def test_an_agent_sets_the_assignee_outside_customer_service(
    api, agent, other_agent, case_in, workflow
):
    case = case_in(workflow)

    response = api(agent).patch(
        f"/api/cases/{case.pk}/", {"assignee": other_agent.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["assignee"] == other_agent.pk


def test_an_agent_may_not_set_the_assignee_in_customer_service(api, agent, other_agent, case_in):
    case = case_in("customer_service")

    response = api(agent).patch(
        f"/api/cases/{case.pk}/", {"assignee": other_agent.pk}, format="json"
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee_id is None


def test_a_manager_assigns_a_customer_service_case_which_stays_new(api, manager, agent, case_in):
    case = case_in("customer_service")

    response = api(manager).patch(f"/api/cases/{case.pk}/", {"assignee": agent.pk}, format="json")

    assert response.status_code == 200
    assert (response.json()["assignee"], response.json()["status"]) == (agent.pk, "new")


def test_the_assigned_agent_may_then_accept(api, manager, agent, case_in):
    case = case_in("customer_service")
    api(manager).patch(f"/api/cases/{case.pk}/", {"assignee": agent.pk}, format="json")

    assert api(agent).get(f"/api/cases/{case.pk}/").json()["available_transitions"] == [
        "assign_to_me",
        "accept",
        "close",
    ]


def test_staff_unassign_with_null(api, agent, case_in):
    case = case_in("technical_support", "work_in_progress")

    response = api(agent).patch(f"/api/cases/{case.pk}/", {"assignee": None}, format="json")

    assert response.status_code == 200
    assert response.json()["assignee"] is None


@pytest.mark.parametrize(
    "assignee", ["customer", 999_999, 2**64, "agnes", True, 0, -1, 1.5, {"id": 1}]
)
def test_the_assignee_must_be_an_existing_agent(api, agent, customer, case_in, assignee):
    case = case_in("technical_support")
    value = customer.pk if assignee == "customer" else assignee

    response = api(agent).patch(f"/api/cases/{case.pk}/", {"assignee": value}, format="json")

    assert response.status_code == 400
    assert "assignee" in response.json()


def test_an_inactive_agent_cannot_be_assigned(api, agent, case_in):
    case = case_in("technical_support")
    gone = AgentFactory(username="gone", is_active=False)

    response = api(agent).patch(f"/api/cases/{case.pk}/", {"assignee": gone.pk}, format="json")

    assert response.status_code == 400


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_the_status_is_never_edited(api, cast, case_in, role):
    case = case_in("technical_support")

    response = api(cast[role]).patch(f"/api/cases/{case.pk}/", {"status": "closed"}, format="json")

    assert response.status_code == 400
    assert "status" in response.json()
    case.refresh_from_db()
    assert case.status == "new"


def test_a_status_next_to_a_valid_field_still_changes_nothing(api, agent, case_in):
    case = case_in("technical_support")

    response = api(agent).patch(
        f"/api/cases/{case.pk}/", {"subject": "Changed", "status": "closed"}, format="json"
    )

    assert response.status_code == 400
    case.refresh_from_db()
    assert (case.subject, case.status) == ("Printer is on fire", "new")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": None}, "subject"),
        ({"subject": ["x"]}, "subject"),
        ({"priority": "critical"}, "priority"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_an_invalid_edit_is_400(api, agent, case_in, body, field):
    case = case_in("technical_support")

    response = api(agent).patch(f"/api/cases/{case.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_a_closed_customer_service_case_takes_no_edit(api, cast, case_in, role):
    case = case_in("customer_service", "closed")

    response = api(cast[role]).patch(f"/api/cases/{case.pk}/", {"subject": "Again"}, format="json")

    assert response.status_code == 409
    assert response.json()["status"] == "closed"
    case.refresh_from_db()
    assert case.subject == "Printer is on fire"


def test_a_customer_may_not_edit_a_resolved_customer_service_case(api, customer, case_in):
    case = case_in("customer_service", "resolved")

    response = api(customer).patch(f"/api/cases/{case.pk}/", {"subject": "Again"}, format="json")

    assert response.status_code == 409
    assert response.json()["status"] == "resolved"
    case.refresh_from_db()
    assert case.subject == "Printer is on fire"


def test_a_customer_edit_awaiting_info_reopens_the_customer_service_case(api, customer, case_in):
    case = case_in("customer_service", "awaiting_info")

    response = api(customer).patch(
        f"/api/cases/{case.pk}/", {"description": "Here is the order number."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert case.history.last().transition == "customer_update"


def test_an_edit_of_another_organizations_case_is_404(api, other_customer, case_in):
    case = case_in("technical_support")

    response = api(other_customer).patch(
        f"/api/cases/{case.pk}/", {"subject": "Mine now"}, format="json"
    )

    assert response.status_code == 404


def test_put_is_not_offered(api, agent, case_in):
    case = case_in("technical_support")

    response = api(agent).put(f"/api/cases/{case.pk}/", {"subject": "Whole"}, format="json")

    assert response.status_code == 405


# Soft delete and restore


@pytest.mark.parametrize("role", ["agent", "manager"])
@pytest.mark.parametrize("status", ["new", "open", "awaiting_info"])
def test_staff_delete_an_unresolved_customer_service_case(api, cast, case_in, role, status):
    case = case_in("customer_service", status)

    response = api(cast[role]).delete(f"/api/cases/{case.pk}/")

    assert response.status_code == 204
    assert response.content == b""
    case.refresh_from_db()
    assert case.deleted_at is not None
    assert case.status == status


def test_a_customer_deletes_a_resolved_customer_service_case(api, customer, case_in):
    case = case_in("customer_service", "resolved")

    assert api(customer).delete(f"/api/cases/{case.pk}/").status_code == 204


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("customer", "new"),
        ("customer", "open"),
        ("customer", "awaiting_info"),
        ("customer", "closed"),
        ("agent", "resolved"),
        ("agent", "closed"),
        ("manager", "resolved"),
        ("manager", "closed"),
    ],
)
def test_a_delete_from_the_wrong_status_is_409(api, cast, case_in, role, status):
    case = case_in("customer_service", status)

    response = api(cast[role]).delete(f"/api/cases/{case.pk}/")

    assert response.status_code == 409
    assert response.json()["status"] == status
    case.refresh_from_db()
    assert case.deleted_at is None


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "release_tracking"])
@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_cases_of_other_workflows_are_never_deleted(api, cast, case_in, workflow, role):
    case = case_in(workflow)

    response = api(cast[role]).delete(f"/api/cases/{case.pk}/")

    assert response.status_code == 409
    case.refresh_from_db()
    assert case.deleted_at is None


def test_a_deleted_case_disappears_for_everyone_but_managers(
    api, agent, customer, manager, case_in
):
    case = case_in("customer_service")
    api(agent).delete(f"/api/cases/{case.pk}/")

    assert api(customer).get(f"/api/cases/{case.pk}/").status_code == 404
    assert api(agent).get(f"/api/cases/{case.pk}/").status_code == 404
    seen = api(manager).get(f"/api/cases/{case.pk}/")
    assert seen.status_code == 200
    assert seen.json()["deleted_at"] is not None


def test_a_deleted_case_keeps_its_history(api, agent, manager, case_in):
    case = case_in("customer_service", "open")
    api(agent).delete(f"/api/cases/{case.pk}/")

    history = api(manager).get(f"/api/cases/{case.pk}/history/").json()

    assert [entry["transition"] for entry in history] == ["assign_to_me"]


def test_deleting_a_deleted_case_is_404_for_agents_and_409_for_managers(
    api, agent, manager, case_in
):
    case = case_in("customer_service")
    api(agent).delete(f"/api/cases/{case.pk}/")

    assert api(agent).delete(f"/api/cases/{case.pk}/").status_code == 404
    assert api(manager).delete(f"/api/cases/{case.pk}/").status_code == 409


def test_a_customer_of_another_organization_gets_404_on_delete(api, other_customer, case_in):
    case = case_in("customer_service", "resolved")

    assert api(other_customer).delete(f"/api/cases/{case.pk}/").status_code == 404


def test_a_manager_restores_a_deleted_case(api, agent, manager, case_in):
    case = case_in("customer_service", "open")
    api(agent).delete(f"/api/cases/{case.pk}/")

    response = api(manager).post(f"/api/cases/{case.pk}/restore/")

    assert response.status_code == 200
    assert response.json()["deleted_at"] is None
    assert response.json()["status"] == "open"
    assert api(agent).get(f"/api/cases/{case.pk}/").status_code == 200


def test_restoring_a_case_that_is_not_deleted_is_409(api, manager, case_in):
    case = case_in("customer_service")

    response = api(manager).post(f"/api/cases/{case.pk}/restore/")

    assert response.status_code == 409
    assert response.json()["status"] == "new"


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_restore(api, cast, case_in, role):
    case = case_in("customer_service")

    assert api(cast[role]).post(f"/api/cases/{case.pk}/restore/").status_code == 403


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_a_deleted_case_does_not_exist_for_non_managers_who_try_to_restore_it(
    api, cast, case_in, role
):
    case = case_in("customer_service", "resolved")
    api(cast["customer"]).delete(f"/api/cases/{case.pk}/")

    assert api(cast[role]).post(f"/api/cases/{case.pk}/restore/").status_code == 404
    case.refresh_from_db()
    assert case.deleted_at is not None


def test_a_deleted_case_takes_no_transition_until_restored(api, agent, manager, case_in):
    case = case_in("customer_service", "open")
    api(agent).delete(f"/api/cases/{case.pk}/")
    history_before = HistoryEntry.objects.filter(case=case).count()

    response = api(manager).post(f"/api/cases/{case.pk}/transitions/request_info/")

    assert response.status_code == 409
    assert HistoryEntry.objects.filter(case=case).count() == history_before


def test_upcoming_announces_the_auto_close_of_an_unconfirmed_answer_and_its_notice(
    api, customer, case_in
):
    case = case_in("support_center", "awaiting_customer_confirmation")

    body = api(customer).get(f"/api/cases/{case.pk}/").json()

    entered = datetime.fromisoformat(body["status_changed_at"])
    assert [(item["action"], datetime.fromisoformat(item["at"])) for item in body["upcoming"]] == [
        ("auto_close", entered + timedelta(days=14)),
        ("closure_notification", entered + timedelta(days=15)),
    ]


def test_upcoming_is_soonest_first(api, customer, case_in):
    case = case_in("support_center", "pending")  # customer_input, and no first response yet

    body = api(customer).get(f"/api/cases/{case.pk}/").json()

    entered = datetime.fromisoformat(body["status_changed_at"])
    assert [(item["action"], datetime.fromisoformat(item["at"])) for item in body["upcoming"]] == [
        ("first_response_breach", datetime.fromisoformat(body["first_response_due_at"])),
        ("reminder", entered + timedelta(days=7)),
        ("auto_close", entered + timedelta(days=28)),
        ("closure_notification", entered + timedelta(days=29)),
    ]


def test_an_empty_patch_edits_nothing(api, customer, case_in):
    case = case_in("customer_service", "awaiting_info")
    before = Case.objects.get(pk=case.pk).updated_at

    response = api(customer).patch(f"/api/cases/{case.pk}/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "awaiting_info"
    assert Case.objects.get(pk=case.pk).updated_at == before
