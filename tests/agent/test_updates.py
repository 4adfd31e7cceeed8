"""Updates: the agent's in-app notifications, newest first, unread ones marked, each linking to
its case's agent page; Mark all as read."""

from django.urls import reverse

from notifications.models import Notification
from services.cases import case_update

UPDATES = reverse("agent:updates")


def test_an_assignment_is_listed_unread_with_a_link(desk, agent, manager, case_in):
    case = case_in()
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent.pk})
    page = desk.get(UPDATES).content.decode()
    assert f'href="/agent/cases/{case.reference}/"' in page
    assert ">Unread<" in page
    assert ">Mark all as read</button>" in page


def test_mark_all_as_read(desk, agent, manager, case_in):
    case = case_in()
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent.pk})
    response = desk.post(reverse("agent:mark_all_read"))
    assert response.status_code == 302 and response["Location"] == UPDATES
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    page = desk.get(UPDATES).content.decode()
    assert "marked as read" in page and ">Unread<" not in page


def test_nothing_yet(desk):
    assert "No updates yet" in desk.get(UPDATES).content.decode()
