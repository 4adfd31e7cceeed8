"""Who may use the workspace: agents and managers; customers are sent to the portal, signed-out
visitors to the sign-in page (and back)."""

import pytest
from django.urls import reverse

PAGES = ["agent:cases", "agent:case_list", "agent:case_new", "agent:updates"]


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_visitors_sign_in_first(browser, db, name):
    url = reverse(name)
    response = browser().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PAGES)
def test_customers_are_sent_to_the_portal(browser, customer, name):
    response = browser(customer).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:cases")


@pytest.mark.parametrize("name", PAGES)
def test_agents_and_managers_get_the_pages(browser, agent, manager, name):
    for user in (agent, manager):
        assert browser(user).get(reverse(name)).status_code == 200


def test_customers_may_not_post_bulk_actions(browser, customer, case_in):
    case = case_in()
    response = browser(customer).post(
        reverse("agent:bulk"), {"cases": [case.pk], "action": "priority", "priority": 40}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:cases")
    case.refresh_from_db()
    assert case.priority != 40


def test_the_front_door_sends_staff_to_the_workspace(browser, agent):
    response = browser(agent).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("agent:cases")
