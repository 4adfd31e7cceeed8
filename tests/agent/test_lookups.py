"""What the typeahead of the Requester and Organization fields asks: at most 20 customers (or
organizations) matching every word typed, as JSON, for agents and managers only."""

import pytest
from django.urls import reverse

from tests.factories import AgentFactory, CustomerFactory, OrganizationFactory

PEOPLE = reverse("agent:people_lookup")
ORGANIZATIONS = reverse("agent:organization_lookup")


def results(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_customers_are_suggested_by_any_part_of_name_username_or_email(desk, org_a):
    alice = CustomerFactory(
        username="amartin", first_name="Alice", last_name="Martin", email="alice@acme.test",
        organization=org_a,
    )  # fmt: skip
    CustomerFactory(username="bob", first_name="Bob", last_name="Stone")
    AgentFactory(username="martina", first_name="Martina")  # staff are no requesters
    for typed in ("mart", "ALICE", "acme.test", "alice martin", "amartin"):
        assert results(desk.get(PEOPLE, {"q": typed})) == [
            {
                "value": "Alice Martin <alice@acme.test>",
                "label": "Alice Martin",
                "detail": "Org A · alice@acme.test",
            }
        ], typed
    assert alice.pk


def test_at_most_twenty_and_the_one_typed_in_full_first(desk):
    for n in range(25):
        CustomerFactory(username=f"sam{n}", first_name="Sam", last_name=f"Lee {n:02d}")
    CustomerFactory(username="sam", first_name="Zack", last_name="Sam", email="")
    found = results(desk.get(PEOPLE, {"q": "sam"}))
    assert len(found) == 20
    assert found[0]["value"] == "Zack Sam <sam>"


def test_new_case_asks_for_active_customers_only(desk):
    gone = CustomerFactory(first_name="Gone", last_name="Away", is_active=False)
    assert [r["detail"] for r in results(desk.get(PEOPLE, {"q": "gone"}))] == [
        f"{gone.organization.name} · {gone.email} · deactivated"
    ]
    assert results(desk.get(PEOPLE, {"q": "gone", "active": "1"})) == []


def test_organizations_by_name(desk, org_a, org_b):
    OrganizationFactory(name="Acme Corp")
    assert results(desk.get(ORGANIZATIONS, {"q": "org"})) == [
        {"value": "Org A", "label": "Org A", "detail": ""},
        {"value": "Org B", "label": "Org B", "detail": ""},
    ]


@pytest.mark.parametrize("q", ["", "   ", "\x00", "x" * 5000, "%", "_"])
def test_any_typing_gets_an_answer(desk, customer, q):
    assert isinstance(results(desk.get(PEOPLE, {"q": q})), list)
    assert isinstance(results(desk.get(ORGANIZATIONS, {"q": q})), list)


def test_only_staff_may_ask(browser, customer):
    assert browser(customer).get(PEOPLE, {"q": "a"}).status_code == 302
    assert browser().get(ORGANIZATIONS, {"q": "a"}).status_code == 302


def test_two_queries_whatever_the_number_of_matches(desk, django_assert_max_num_queries):
    for n in range(30):
        CustomerFactory(first_name="Many", last_name=str(n))
    with django_assert_max_num_queries(4):
        assert len(results(desk.get(PEOPLE, {"q": "many"}))) == 20
