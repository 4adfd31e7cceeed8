"""/api/inbound/: received email for agents and managers, newest first, filtered by outcome;
releasing a held message onto a case or as a new case, and discarding it (409 unless held)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, InboundMessage, MessageChannel, Outcome
from tests.held_mail import many_held, received
from tests.mail.corpus import message

LIST = "/api/inbound/"
PAGE_KEYS = {"count", "next", "previous", "results"}
FIELDS = {
    "id",
    "message_id",
    "sender",
    "recipient",
    "subject",
    "received_at",
    "outcome",
    "case",
    "comment",
    "reason",
}

pytestmark = pytest.mark.django_db


def release_url(row):
    return f"/api/inbound/{row.pk}/release/"


def discard_url(row):
    return f"/api/inbound/{row.pk}/discard/"


# The list


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_list_received_mail_newest_first_with_the_contracts_fields(api, cast, role):
    older = received(subject="Older", at=timezone.now() - timedelta(hours=1))
    newer = received(subject="Newer", outcome=Outcome.IGNORED, reason="An out-of-office.")

    response = api(cast[role]).get(LIST)

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [newer.pk, older.pk]
    assert set(rows[0]) == FIELDS
    assert rows[0]["outcome"] == "ignored"
    assert rows[0]["reason"] == "An out-of-office."
    assert rows[0]["case"] is None and rows[0]["comment"] is None


def test_a_posted_message_names_its_case_and_comment(api, agent, make_case, customer):
    from services.conversation import comment_post

    case = make_case()
    comment = comment_post(
        case_id=case.pk, actor=customer, body="By mail.", channel=MessageChannel.EMAIL
    )
    row = received(outcome=Outcome.REPLY, reason="", case=case, comment=comment)

    found = api(agent).get(f"{LIST}{row.pk}/").json()

    assert (found["case"], found["comment"], found["outcome"]) == (case.pk, comment.pk, "reply")


def test_the_list_filters_by_outcome(api, agent):
    held = received(subject="Held")
    received(subject="Ignored", outcome=Outcome.IGNORED)

    response = api(agent).get(LIST, {"outcome": "held"})

    assert [row["id"] for row in response.json()["results"]] == [held.pk]


def test_an_unknown_outcome_is_400(api, agent):
    response = api(agent).get(LIST, {"outcome": "eaten"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("outcome: ")


def test_the_list_is_paginated(api, agent):
    many_held(30)

    response = api(agent).get(LIST)

    assert response.json()["count"] == 30
    assert len(response.json()["results"]) < 30
    assert response.json()["next"]


@pytest.mark.parametrize("count", [1, 40])
def test_the_list_takes_a_constant_number_of_queries(
    api, agent, count, django_assert_max_num_queries
):
    many_held(count)
    client = api(agent)

    with django_assert_max_num_queries(3):
        response = client.get(LIST)

    assert response.status_code == 200


def test_customers_may_not_read_received_mail(api, customer):
    row = received(sender=customer.email)
    client = api(customer)

    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{row.pk}/").status_code == 403
    assert client.post(release_url(row), {"case": 1}, format="json").status_code == 403
    assert client.post(discard_url(row)).status_code == 403


def test_signed_out_callers_are_401(api):
    row = received()

    assert api().get(LIST).status_code == 401
    assert api().post(discard_url(row)).status_code == 401


def test_an_unknown_message_is_404(api, agent):
    client = api(agent)

    assert client.get(f"{LIST}999999/").status_code == 404
    assert (
        client.post("/api/inbound/999999/release/", {"case": 1}, format="json").status_code == 404
    )
    assert client.post("/api/inbound/999999/discard/").status_code == 404


# Release


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"case": "CS-1"},
        {"case": 0},
        {"new_case": True},
        {"queue": 1},
        {"case": 1, "new_case": True, "queue": 1},
        {"new_case": "maybe", "queue": 1},
    ],
)
def test_a_bad_release_body_is_400_with_a_detail_and_changes_nothing(api, agent, body):
    row = received()

    response = api(agent).post(release_url(row), body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"]
    row.refresh_from_db()
    assert row.outcome == Outcome.HELD


def test_releasing_onto_a_case_posts_it_there_as_its_sender(api, agent, make_case, customer):
    case = make_case()
    row = received(message(sender=customer.email, text="Here it is."), sender=customer.email)

    response = api(agent).post(release_url(row), {"case": case.pk}, format="json")

    assert response.status_code == 200, response.json()
    row.refresh_from_db()
    assert response.json()["id"] == row.pk
    assert response.json()["case"] == case.pk
    assert row.outcome != Outcome.HELD
    assert row.comment is not None
    assert row.comment.case_id == case.pk
    assert row.comment.author == customer
    assert row.comment.channel == MessageChannel.EMAIL
    assert "Here it is." in row.comment.body


def test_releasing_as_a_new_case_opens_one_in_the_queue(api, agent, queues):
    row = received(message(subject="Something new", text="Please help."), subject="Something new")
    queue = queues["support_center"]

    response = api(agent).post(
        release_url(row), {"new_case": True, "queue": queue.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    case = Case.objects.get(pk=response.json()["case"])
    assert case.queue == queue
    assert case.subject == "Something new"


def test_releasing_onto_an_unknown_case_is_refused_and_keeps_it_held(api, agent):
    row = received()

    response = api(agent).post(release_url(row), {"case": 999999}, format="json")

    assert response.status_code in (400, 404)
    assert response.json()["detail"]
    row.refresh_from_db()
    assert row.outcome == Outcome.HELD


@pytest.mark.parametrize("outcome", [Outcome.REPLY, Outcome.IGNORED, Outcome.DISCARDED])
def test_only_a_held_message_is_released(api, agent, make_case, outcome):
    case = make_case()
    row = received(outcome=outcome, reason="")

    response = api(agent).post(release_url(row), {"case": case.pk}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"]


# Discard


def test_discarding_a_held_message_posts_it_nowhere(api, agent):
    row = received()
    comments_before = InboundMessage.objects.filter(comment__isnull=False).count()

    response = api(agent).post(discard_url(row))

    assert response.status_code == 200
    row.refresh_from_db()
    assert response.json()["outcome"] == row.outcome != Outcome.HELD
    assert row.case is None and row.comment is None
    assert InboundMessage.objects.filter(comment__isnull=False).count() == comments_before


@pytest.mark.parametrize("outcome", [Outcome.NEW_CASE, Outcome.DISCARDED])
def test_only_a_held_message_is_discarded(api, agent, outcome):
    row = received(outcome=outcome, reason="")

    response = api(agent).post(discard_url(row))

    assert response.status_code == 409
    assert response.json()["detail"]
