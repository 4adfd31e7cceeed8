"""Who sees which case, endpoint by endpoint: customers see their organization's cases (and
always their own), staff see every case; a case a customer may not see answers 404, never 403."""

import pytest

from tests.factories import OrganizationFactory

SEES = {"customer", "colleague", "agent", "manager"}
BLIND = {"other_customer", "solo"}
VIEWERS = sorted(SEES | BLIND)


def call(client, endpoint, case_id):
    base = f"/api/cases/{case_id}/"
    return {
        "detail": lambda: client.get(base),
        "edit": lambda: client.patch(base, {"subject": "Renamed"}, format="json"),
        "comments": lambda: client.get(f"{base}comments/"),
        "reply": lambda: client.post(f"{base}comments/", {"body": "Hello."}, format="json"),
        "history": lambda: client.get(f"{base}history/"),
        "transition": lambda: client.post(
            f"{base}transitions/close/", {"note": "Done."}, format="json"
        ),
        "repeat": lambda: client.post(f"{base}repeat/", {}, format="json"),
        "survey": lambda: client.post(f"{base}survey/", {"rating": 5}, format="json"),
        "notifications": lambda: client.get(f"{base}notifications/"),
    }[endpoint]()


# What each endpoint answers to those who see a new technical_support case of org A.
ANSWERS_WHEN_SEEN = {
    "detail": {"customer": 200, "agent": 200},
    "edit": {"customer": 200, "agent": 200},
    "comments": {"customer": 200, "agent": 200},
    "reply": {"customer": 201, "agent": 201},
    "history": {"customer": 200, "agent": 200},
    "transition": {"customer": 200, "agent": 200},
    "repeat": {"customer": 409, "agent": 409},  # not closed
    "survey": {"customer": 409, "agent": 403},  # not a customer_service case; staff never answer
    "notifications": {"customer": 403, "agent": 200},
}


def staff_or_customer(viewer: str) -> str:
    return "agent" if viewer in ("agent", "manager") else "customer"


@pytest.mark.parametrize("endpoint", list(ANSWERS_WHEN_SEEN))
@pytest.mark.parametrize("viewer", sorted(SEES))
def test_who_sees_the_case_gets_the_endpoints_answer(api, request, case_in, viewer, endpoint):
    case = case_in("technical_support")

    response = call(api(request.getfixturevalue(viewer)), endpoint, case.pk)

    assert response.status_code == ANSWERS_WHEN_SEEN[endpoint][staff_or_customer(viewer)]


@pytest.mark.parametrize("endpoint", list(ANSWERS_WHEN_SEEN))
@pytest.mark.parametrize("viewer", sorted(BLIND))
def test_a_customer_who_may_not_see_the_case_always_gets_404(
    api, request, case_in, viewer, endpoint
):
    case = case_in("technical_support")

    response = call(api(request.getfixturevalue(viewer)), endpoint, case.pk)

    assert response.status_code == 404
    assert response.json() == {"detail": "No such case."}


@pytest.mark.parametrize("endpoint", list(ANSWERS_WHEN_SEEN))
def test_a_missing_case_and_a_hidden_case_answer_alike(api, other_customer, case_in, endpoint):
    case = case_in("technical_support")
    client = api(other_customer)

    hidden = call(client, endpoint, case.pk)
    missing = call(client, endpoint, case.pk + 1000)

    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_list_holds_exactly_the_cases_the_viewer_sees(
    api, request, make_case, customer, colleague, other_customer, solo, viewer
):
    cases = {
        "alice's": make_case("technical_support", requester=customer),
        "anna's": make_case("support_center", requester=colleague),
        "bob's": make_case("customer_service", requester=other_customer),
        "solo's": make_case("release_tracking", requester=solo),
    }
    expected = {
        "customer": {"alice's", "anna's"},
        "colleague": {"alice's", "anna's"},
        "other_customer": {"bob's"},
        "solo": {"solo's"},
        "agent": set(cases),
        "manager": set(cases),
    }[viewer]

    response = api(request.getfixturevalue(viewer)).get("/api/cases/")

    names = {case.pk: name for name, case in cases.items()}
    assert {names[row["id"]] for row in response.json()["results"]} == expected
    assert response.json()["count"] == len(expected)


def test_a_customer_keeps_seeing_the_cases_they_requested_after_changing_organization(
    api, customer, colleague, case_in
):
    case = case_in("technical_support")
    customer.organization = OrganizationFactory(name="Org C")
    customer.save()

    assert api(customer).get(f"/api/cases/{case.pk}/").status_code == 200
    assert api(colleague).get(f"/api/cases/{case.pk}/").status_code == 200


def test_a_customer_without_organization_sees_only_their_own_cases(api, solo, make_case, case_in):
    own = make_case("technical_support", requester=solo)
    others = case_in("technical_support")

    assert api(solo).get(f"/api/cases/{own.pk}/").status_code == 200
    assert api(solo).get(f"/api/cases/{others.pk}/").status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_in_app_list_holds_only_the_viewers_notifications(api, request, agent, case_in, viewer):
    case = case_in("support_center", "in_progress")
    api(agent).post(
        f"/api/cases/{case.pk}/transitions/provide_answer/", {"note": "Reboot."}, format="json"
    )
    user = request.getfixturevalue(viewer)

    response = api(user).get("/api/notifications/")

    assert response.status_code == 200
    assert {row["recipient"] for row in response.json()["results"]} <= {user.pk}
    assert bool(response.json()["results"]) == (viewer == "customer")
