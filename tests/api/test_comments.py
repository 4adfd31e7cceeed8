"""The conversation: public replies and internal notes, oldest first; customers never write or
read internal notes; a public reply may fire an automatic transition (`case_status`)."""

import pytest

from cases.models import Comment, HistoryEntry, MessageChannel
from services.conversation import comment_post

COMMENT_FIELDS = {"id", "body", "internal", "channel", "author", "created_at", "attachments"}


def post(client, case, body="Here is the log.", **extra):
    return client.post(f"/api/cases/{case.pk}/comments/", {"body": body, **extra}, format="json")


def test_a_customer_posts_a_public_reply(api, customer, case_in):
    case = case_in("technical_support")

    response = post(api(customer), case)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == COMMENT_FIELDS | {"case_status"}
    assert (body["body"], body["internal"], body["author"]) == (
        "Here is the log.",
        False,
        customer.pk,
    )
    assert body["case_status"] == "new"


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_post_internal_notes(api, cast, case_in, role):
    case = case_in("technical_support", "work_in_progress")

    response = post(api(cast[role]), case, "Looks like bug 4711.", internal=True)

    assert response.status_code == 201
    assert response.json()["internal"] is True
    assert Comment.objects.get(pk=response.json()["id"]).internal is True


def test_internal_defaults_to_false(api, agent, case_in):
    case = case_in("technical_support")

    assert post(api(agent), case).json()["internal"] is False


@pytest.mark.parametrize("internal", [True, "true", 1])
def test_a_customer_asking_for_an_internal_note_gets_400_and_nothing_is_stored(
    api, customer, case_in, internal
):
    case = case_in("technical_support", "work_in_progress")

    response = post(api(customer), case, "Psst.", internal=internal)

    assert response.status_code == 400
    assert "internal" in response.json()
    assert not Comment.objects.filter(case=case, body="Psst.").exists()
    case.refresh_from_db()
    assert case.status == "work_in_progress"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": None}, "body"),
        ({"body": ["hello"]}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": "hi", "internal": "sometimes"}, "internal"),
        ({"body": "hi", "internal": None}, "internal"),
    ],
)
def test_an_invalid_comment_is_400(api, agent, case_in, body, field):
    case = case_in("technical_support")

    response = api(agent).post(f"/api/cases/{case.pk}/comments/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Comment.objects.filter(case=case).exists()


def test_the_conversation_is_oldest_first(api, customer, agent, case_in):
    case = case_in("technical_support")
    post(api(customer), case, "First.")
    post(api(agent), case, "Second.")
    post(api(customer), case, "Third.")

    response = api(customer).get(f"/api/cases/{case.pk}/comments/")

    assert response.status_code == 200
    assert [c["body"] for c in response.json()] == ["First.", "Second.", "Third."]
    assert all(set(c) == COMMENT_FIELDS for c in response.json())


@pytest.mark.parametrize("workflow", ["technical_support", "release_tracking"])
@pytest.mark.parametrize("viewer", ["customer", "colleague"])
def test_customers_never_receive_internal_notes(api, request, agent, case_in, workflow, viewer):
    case = case_in(workflow)
    post(api(agent), case, "Public answer.")
    post(api(agent), case, "Customer is difficult.", internal=True)

    response = api(request.getfixturevalue(viewer)).get(f"/api/cases/{case.pk}/comments/")

    assert [c["body"] for c in response.json()] == ["Public answer."]


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_read_internal_notes_too(api, cast, agent, case_in, role):
    case = case_in("technical_support")
    post(api(agent), case, "Public answer.")
    post(api(agent), case, "Customer is difficult.", internal=True)

    response = api(cast[role]).get(f"/api/cases/{case.pk}/comments/")

    assert [(c["body"], c["internal"]) for c in response.json()] == [
        ("Public answer.", False),
        ("Customer is difficult.", True),
    ]


def test_the_message_of_a_transition_is_in_the_conversation(api, agent, customer, case_in):
    case = case_in("technical_support", "work_in_progress")
    api(agent).post(
        f"/api/cases/{case.pk}/transitions/propose_solution/",
        {"note": "Reinstall the driver."},
        format="json",
    )

    response = api(customer).get(f"/api/cases/{case.pk}/comments/")

    assert [(c["body"], c["author"]) for c in response.json()] == [
        ("Reinstall the driver.", agent.pk)
    ]


# Replies that move the case


@pytest.mark.parametrize(
    ("workflow", "status", "author", "transition", "after"),
    [
        ("technical_support", "new", "agent", "start_work", "work_in_progress"),
        ("technical_support", "customer_replied", "agent", "start_work", "work_in_progress"),
        ("technical_support", "new", "manager", "start_work", "work_in_progress"),
        ("technical_support", "work_in_progress", "customer", "customer_reply", "customer_replied"),
        ("technical_support", "pending_customer", "customer", "customer_reply", "customer_replied"),
        ("technical_support", "blocked", "customer", "customer_reply", "customer_replied"),
        (
            "technical_support",
            "solution_proposed",
            "customer",
            "customer_reply",
            "customer_replied",
        ),
        (
            "technical_support",
            "work_in_progress",
            "colleague",
            "customer_reply",
            "customer_replied",
        ),
        (
            "support_center",
            "awaiting_customer_confirmation",
            "customer",
            "customer_comment",
            "reopened",
        ),
        ("support_center", "pending", "customer", "customer_update", "update_received"),
        ("customer_service", "awaiting_info", "customer", "customer_update", "open"),
    ],
)
def test_a_public_reply_fires_the_automatic_transition(
    api, request, case_in, workflow, status, author, transition, after
):
    case = case_in(workflow, status)
    user = request.getfixturevalue(author)

    response = post(api(user), case)

    assert response.status_code == 201
    assert response.json()["case_status"] == after
    last = case.history.order_by("created_at", "id").last()
    assert (last.transition, last.source, last.target, last.actor_id) == (
        transition,
        status,
        after,
        user.pk,
    )


@pytest.mark.parametrize(
    ("workflow", "status", "author"),
    [
        ("technical_support", "new", "customer"),
        ("technical_support", "customer_replied", "customer"),
        ("technical_support", "work_in_progress", "agent"),
        ("support_center", "new", "customer"),
        ("support_center", "in_progress", "agent"),
        ("customer_service", "open", "customer"),
        ("release_tracking", "waiting_for_customer_response", "customer"),
        ("release_tracking", "closed", "customer"),
    ],
)
def test_a_public_reply_elsewhere_changes_no_status(
    api, request, case_in, workflow, status, author
):
    case = case_in(workflow, status)
    history = HistoryEntry.objects.filter(case=case).count()

    response = post(api(request.getfixturevalue(author)), case)

    assert response.status_code == 201
    assert response.json()["case_status"] == status
    assert HistoryEntry.objects.filter(case=case).count() == history


def test_an_internal_note_fires_nothing_and_is_no_first_response(api, agent, case_in):
    case = case_in("technical_support")

    response = post(api(agent), case, "Checking.", internal=True)

    assert response.json()["case_status"] == "new"
    assert api(agent).get(f"/api/cases/{case.pk}/").json()["first_responded_at"] is None


def test_an_agents_first_public_reply_ends_the_first_response_milestone(api, agent, case_in):
    case = case_in("support_center")

    post(api(agent), case, "We are on it.")

    body = api(agent).get(f"/api/cases/{case.pk}/").json()
    assert body["first_responded_at"] is not None
    assert body["assignee"] == agent.pk


# Where nobody may write


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "customer_service"])
@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_a_closed_case_takes_no_reply(api, cast, case_in, workflow, role):
    case = case_in(workflow, "closed")

    response = post(api(cast[role]), case)

    assert response.status_code == 409
    assert response.json()["status"] == "closed"
    assert not Comment.objects.filter(case=case, body="Here is the log.").exists()


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_a_closed_case_takes_no_internal_note(api, cast, case_in, role):
    case = case_in("customer_service", "closed")

    response = post(api(cast[role]), case, "For the record.", internal=True)

    assert response.status_code == 409


def test_a_closed_release_tracking_case_still_takes_replies(api, customer, case_in):
    case = case_in("release_tracking", "closed")

    assert post(api(customer), case).status_code == 201


def test_a_customer_may_not_reply_to_a_resolved_customer_service_case(api, customer, case_in):
    case = case_in("customer_service", "resolved")

    response = post(api(customer), case)

    assert response.status_code == 409
    assert response.json()["status"] == "resolved"


def test_an_agent_may_still_reply_to_a_resolved_customer_service_case(api, agent, case_in):
    case = case_in("customer_service", "resolved")

    assert post(api(agent), case).status_code == 201


def test_a_case_of_another_organization_is_404_for_reading_and_writing(
    api, other_customer, case_in
):
    case = case_in("technical_support")
    client = api(other_customer)

    assert client.get(f"/api/cases/{case.pk}/comments/").status_code == 404
    assert post(client, case).status_code == 404
    assert not Comment.objects.filter(case=case).exists()


def test_each_comment_says_where_it_was_written(api, customer, agent, case_in):
    case = case_in("technical_support")
    comment_post(case_id=case.pk, actor=customer, body="By mail.", channel=MessageChannel.EMAIL)
    comment_post(case_id=case.pk, actor=agent, body="On the page.", channel=MessageChannel.WEB)
    post(api(customer), case, "Through the API.")

    response = api(agent).get(f"/api/cases/{case.pk}/comments/")

    assert [(c["body"], c["channel"]) for c in response.json()] == [
        ("By mail.", "email"),
        ("On the page.", "web"),
        ("Through the API.", "api"),
    ]


def test_a_posted_comment_cannot_choose_its_channel(api, customer, case_in):
    case = case_in("technical_support")

    response = post(api(customer), case, "Pretending.", channel="email")

    assert response.status_code == 201
    assert response.json()["channel"] == "api"
    assert Comment.objects.get(pk=response.json()["id"]).channel == "api"
