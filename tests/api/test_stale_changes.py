"""`expected_updated_at` (optional) on a transition or an edit: the case as the caller last read
it. If the case changed since, nothing is done: 409 "This case changed since you opened it"."""

import pytest

from services.conversation import comment_post

STALE = "This case changed since you opened it"


@pytest.fixture
def read_then_changed(api, agent, case_in, customer):
    """An agent reads a case, then the customer replies to it: the agent's copy is stale."""
    case = case_in("technical_support", "work_in_progress")
    seen = api(agent).get(f"/api/cases/{case.pk}/").json()["updated_at"]
    comment_post(case_id=case.pk, actor=customer, body="Any news?")
    return case, seen


@pytest.mark.django_db
def test_a_transition_from_a_stale_read_is_refused_and_changes_nothing(
    api, agent, read_then_changed
):
    case, seen = read_then_changed
    response = api(agent).post(
        f"/api/cases/{case.pk}/transitions/request_info/",
        {"expected_updated_at": seen},
        format="json",
    )

    assert response.status_code == 409
    assert STALE in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == "customer_replied"


@pytest.mark.django_db
def test_an_edit_from_a_stale_read_is_refused(api, agent, read_then_changed):
    case, seen = read_then_changed
    response = api(agent).patch(
        f"/api/cases/{case.pk}/", {"subject": "Renamed", "expected_updated_at": seen}, format="json"
    )

    assert response.status_code == 409
    case.refresh_from_db()
    assert case.subject != "Renamed"


@pytest.mark.django_db
def test_a_fresh_read_goes_through(api, agent, case_in):
    case = case_in("technical_support", "work_in_progress")
    client = api(agent)
    seen = client.get(f"/api/cases/{case.pk}/").json()["updated_at"]
    edited = client.patch(
        f"/api/cases/{case.pk}/", {"subject": "Renamed", "expected_updated_at": seen}, format="json"
    )
    moved = client.post(
        f"/api/cases/{case.pk}/transitions/request_info/",
        {"expected_updated_at": edited.json()["updated_at"]},
        format="json",
    )

    assert edited.status_code == 200 and moved.status_code == 200
    assert moved.json()["status"] == "pending_customer"


@pytest.mark.django_db
def test_without_it_the_last_write_wins_as_before(api, agent, read_then_changed):
    case, _seen = read_then_changed
    response = api(agent).post(f"/api/cases/{case.pk}/transitions/request_info/", {}, format="json")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_value_that_is_no_time_is_a_400(api, agent, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = api(agent).post(
        f"/api/cases/{case.pk}/transitions/request_info/",
        {"expected_updated_at": "yesterday"},
        format="json",
    )
    assert response.status_code == 400
    assert "expected_updated_at" in response.json()
