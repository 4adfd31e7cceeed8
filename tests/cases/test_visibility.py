"""`cases_visible_to`: customers see their organization's cases (and always their own), a
customer without an organization only their own, support staff every case."""

import pytest

from cases.errors import NotVisible
from cases.selectors import cases_visible_to, visible_case
from tests.factories import CustomerFactory


@pytest.fixture
def solo(db):
    return CustomerFactory(username="solo", organization=None)


@pytest.fixture
def cases(make_case, customer, colleague, other_customer, solo):
    return {
        "alice": make_case("technical_support", requester=customer),
        "anna": make_case("support_center", requester=colleague),
        "bob": make_case("customer_service", requester=other_customer),
        "solo": make_case("release_tracking", requester=solo),
    }


def _visible(user, cases):
    ids = set(cases_visible_to(user).values_list("pk", flat=True))
    return {name for name, case in cases.items() if case.pk in ids}


def test_customer_sees_the_cases_of_their_organization(cases, customer):
    assert _visible(customer, cases) == {"alice", "anna"}


def test_customer_of_another_organization_sees_only_theirs(cases, other_customer):
    assert _visible(other_customer, cases) == {"bob"}


def test_customer_without_organization_sees_only_own_cases(cases, solo):
    assert _visible(solo, cases) == {"solo"}


def test_agent_sees_every_case(cases, agent):
    assert _visible(agent, cases) == {"alice", "anna", "bob", "solo"}


def test_manager_sees_every_case(cases, manager):
    assert _visible(manager, cases) == {"alice", "anna", "bob", "solo"}


def test_customer_keeps_seeing_own_case_after_changing_organization(cases, customer, org_b):
    customer.organization = org_b
    customer.save()

    assert "alice" in _visible(customer, cases)


def test_case_of_another_organization_is_not_visible(cases, other_customer):
    with pytest.raises(NotVisible):
        visible_case(other_customer, cases["alice"].pk)


def test_unknown_case_is_not_visible(cases, agent):
    with pytest.raises(NotVisible):
        visible_case(agent, 999_999)


def test_malformed_case_id_is_not_visible(cases, agent):
    with pytest.raises(NotVisible):
        visible_case(agent, "abc")
