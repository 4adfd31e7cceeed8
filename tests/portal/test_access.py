"""Only customers use the portal; a case a customer may not see is a 404 on every portal URL."""

import pytest
from django.urls import reverse

from tests.portal.conftest import case_url

PAGES = ["portal:cases", "portal:case_new", "portal:updates"]


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in_and_back(browser, name, db):
    url = reverse(name)
    response = browser().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_signed_out_visitors_of_a_case_page_come_back_to_it(browser, case_in):
    case = case_in()
    response = browser().get(case_url(case))
    assert response["Location"] == f"{reverse('login')}?next={case_url(case)}"


@pytest.mark.parametrize("role", ["agent", "manager"])
@pytest.mark.parametrize("name", PAGES)
def test_support_staff_are_sent_to_the_agent_workspace(browser, cast, role, name):
    response = browser(cast[role]).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/agent/")


def test_support_staff_opening_a_case_page_are_sent_to_the_agent_workspace(browser, agent, case_in):
    response = browser(agent).get(case_url(case_in()))
    assert response["Location"].startswith("/agent/")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_a_customer(portal, name, case_in):
    case_in()
    assert portal.get(reverse(name)).status_code == 200


@pytest.fixture
def foreign_case(make_case, other_customer):
    """A case of org B, which the customer of org A may not see."""
    return make_case("customer_service", requester=other_customer)


def test_another_organizations_case_page_is_not_found(portal, foreign_case):
    assert portal.get(case_url(foreign_case)).status_code == 404


@pytest.mark.parametrize(
    ("action", "name", "data"),
    [
        ("reply", "", {"body": "Let me in"}),
        ("transition", "close", {"note": "", "confirmed": "yes"}),
        ("transition", "accept_solution", {}),
        ("delete", "", {"confirmed": "yes"}),
        ("survey", "", {"rating": "5"}),
    ],
)
def test_every_action_on_another_organizations_case_is_not_found(
    portal, foreign_case, action, name, data
):
    response = portal.post(case_url(foreign_case, action, name), data)
    assert response.status_code == 404
    foreign_case.refresh_from_db()
    assert foreign_case.status == "new"
    assert foreign_case.deleted_at is None
    assert foreign_case.comments.count() == 0


def test_a_follow_up_of_another_organizations_case_is_not_found(
    portal, foreign_case, cast, other_customer
):
    url = reverse("portal:case_new") + f"?repeat_of={foreign_case.reference}"
    assert portal.get(url).status_code == 404


def test_a_deleted_case_is_not_found(portal, case_in, customer):
    from services.cases import case_delete

    case = case_in("customer_service", "resolved")
    case_delete(case_id=case.pk, actor=customer)
    assert portal.get(case_url(case)).status_code == 404


def test_an_unknown_reference_is_not_found(portal, db):
    assert portal.get("/portal/cases/CS-999999/").status_code == 404


def test_an_unknown_transition_is_not_found(portal, case_in):
    case = case_in()
    assert portal.post(case_url(case, "transition", "fly_away"), {}).status_code == 404


def test_a_colleague_of_the_same_organization_sees_the_case(browser, colleague, case_in):
    case = case_in()
    assert browser(colleague).get(case_url(case)).status_code == 200


def test_pages_only_take_their_methods(portal, case_in):
    case = case_in()
    assert portal.get(case_url(case, "reply")).status_code == 405
    assert portal.post(reverse("portal:cases")).status_code == 405
