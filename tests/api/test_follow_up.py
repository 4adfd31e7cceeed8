"""Follow-ups of a closed case: the repeat (clone) case of technical_support and support_center,
and the one satisfaction survey of a customer_service case closed by accepting the solution."""

import pytest

from cases.models import Case, Survey

REPEATABLE = ["technical_support", "support_center"]


def repeat(client, case, **body):
    return client.post(f"/api/cases/{case.pk}/repeat/", body, format="json")


def survey(client, case, **body):
    return client.post(f"/api/cases/{case.pk}/survey/", body, format="json")


# Repeat / clone


@pytest.mark.parametrize("workflow", REPEATABLE)
@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_a_closed_case_is_repeated_as_a_new_linked_case(api, cast, case_in, workflow, role):
    original = case_in(workflow, "closed")

    response = repeat(api(cast[role]), original)

    assert response.status_code == 201
    body = response.json()
    assert body["id"] != original.pk
    assert body["repeat_of"] == original.pk
    assert body["status"] == "new"
    assert (body["queue"], body["organization"], body["requester"]) == (
        original.queue_id,
        original.organization_id,
        original.requester_id,
    )
    assert (body["subject"], body["description"]) == (original.subject, original.description)
    assert body["closed_at"] is None


def test_a_repeat_takes_a_new_subject_and_description(api, customer, case_in):
    original = case_in("technical_support", "closed")

    body = repeat(
        api(customer), original, subject="Printer on fire again", description="Same smoke."
    ).json()

    assert (body["subject"], body["description"]) == ("Printer on fire again", "Same smoke.")


def test_a_colleague_repeats_the_case_for_its_requester(api, colleague, customer, case_in):
    original = case_in("technical_support", "closed")

    body = repeat(api(colleague), original).json()

    assert body["requester"] == customer.pk


def test_the_original_stays_closed_and_untouched(api, customer, case_in):
    original = case_in("support_center", "closed")
    history = original.history.count()

    repeat(api(customer), original)

    original.refresh_from_db()
    assert original.status == "closed"
    assert original.history.count() == history


@pytest.mark.parametrize("workflow", REPEATABLE)
def test_only_a_closed_case_is_repeated(api, customer, case_in, workflow):
    original = case_in(workflow)

    response = repeat(api(customer), original)

    assert response.status_code == 409
    assert response.json()["status"] == "new"
    assert Case.objects.count() == 1


@pytest.mark.parametrize("workflow", ["customer_service", "release_tracking"])
@pytest.mark.parametrize("role", ["customer", "agent"])
def test_other_workflows_have_no_repeat(api, cast, case_in, workflow, role):
    original = case_in(workflow, "closed")

    response = repeat(api(cast[role]), original)

    assert response.status_code == 409
    assert Case.objects.count() == 1


def test_a_repeat_of_another_organizations_case_is_404(api, other_customer, case_in):
    original = case_in("technical_support", "closed")

    assert repeat(api(other_customer), original).status_code == 404
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": ["x"]}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"description": {"x": 1}}, "description"),
    ],
)
def test_an_invalid_repeat_is_400(api, customer, case_in, body, field):
    original = case_in("technical_support", "closed")

    response = repeat(api(customer), original, **body)

    assert response.status_code == 400
    assert field in response.json()
    assert Case.objects.count() == 1


# Satisfaction survey


@pytest.fixture
def accepted(case_in, api, customer):
    """A customer_service case its customer closed by accepting the solution."""
    case = case_in("customer_service", "resolved")
    api(customer).post(f"/api/cases/{case.pk}/transitions/accept_solution/")
    return case


@pytest.mark.parametrize("viewer", ["customer", "colleague"])
def test_the_customer_answers_the_survey_once_the_solution_is_accepted(
    api, request, accepted, viewer
):
    response = survey(api(request.getfixturevalue(viewer)), accepted, rating=5, comment="Quick!")

    assert response.status_code == 201
    assert {key: response.json()[key] for key in ("case", "rating", "comment")} == {
        "case": accepted.pk,
        "rating": 5,
        "comment": "Quick!",
    }
    assert Survey.objects.get(case=accepted).rating == 5


def test_the_comment_is_optional(api, customer, accepted):
    response = survey(api(customer), accepted, rating=1)

    assert response.status_code == 201
    assert response.json()["comment"] == ""


def test_one_survey_per_case(api, customer, colleague, accepted):
    survey(api(customer), accepted, rating=4)

    response = survey(api(colleague), accepted, rating=1)

    assert response.status_code == 409
    assert Survey.objects.get(case=accepted).rating == 4


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None, 4.5, True, [5]])
def test_the_rating_is_a_whole_number_from_1_to_5(api, customer, accepted, rating):
    response = survey(api(customer), accepted, rating=rating)

    assert response.status_code == 400
    assert "rating" in response.json()
    assert not Survey.objects.exists()


def test_the_rating_is_required(api, customer, accepted):
    response = survey(api(customer), accepted)

    assert response.status_code == 400
    assert "rating" in response.json()


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_only_customers_answer_the_survey(api, cast, accepted, role):
    assert survey(api(cast[role]), accepted, rating=5).status_code == 403
    assert not Survey.objects.exists()


@pytest.mark.parametrize("status", ["new", "open", "resolved"])
def test_no_survey_before_the_case_is_closed(api, customer, case_in, status):
    case = case_in("customer_service", status)

    assert survey(api(customer), case, rating=5).status_code == 409


def test_no_survey_for_a_case_closed_otherwise(api, customer, case_in):
    case = case_in("customer_service")
    api(customer).post(f"/api/cases/{case.pk}/transitions/close/")

    response = survey(api(customer), case, rating=5)

    assert response.status_code == 409
    assert response.json()["status"] == "closed"


@pytest.mark.parametrize("workflow", ["technical_support", "support_center", "release_tracking"])
def test_no_survey_in_other_workflows(api, customer, case_in, workflow):
    case = case_in(workflow, "closed")

    assert survey(api(customer), case, rating=5).status_code == 409


def test_a_survey_of_another_organizations_case_is_404(api, other_customer, accepted):
    assert survey(api(other_customer), accepted, rating=1).status_code == 404
    assert not Survey.objects.exists()
