"""Updates: the customer's in-app notifications, newest first, unread ones marked in words, each
linking to its case; Mark all as read."""

import pytest
from django.urls import reverse

from notifications.models import Kind, Notification
from services.conversation import comment_post
from services.notifications import notifications_mark_read
from tests.portal.conftest import case_url
from tests.portal.html import parse

UPDATES = reverse("portal:updates")


@pytest.fixture
def case_in(case_in):
    """Cases without their acknowledgement ("Case received"), so that each test counts only the
    updates it makes (test_a_new_case_is_listed_as_received keeps it)."""

    def make(*args, **kwargs):
        case = case_in(*args, **kwargs)
        Notification.objects.filter(case=case, kind=Kind.CASE_CREATED).delete()
        return case

    return make


def items(response):
    listing = parse(response.content).find_or_none("ol", class_="updates")
    return [] if listing is None else [li for li in listing.children if not isinstance(li, str)]


def test_updates_list_newest_first_each_linking_to_its_case(portal, case_in, agent):
    first, second = case_in(), case_in()
    comment_post(case_id=first.pk, actor=agent, body="First news")
    comment_post(case_id=second.pk, actor=agent, body="Second news")
    listed = items(portal.get(UPDATES))
    assert [item.find("a").attrs["href"] for item in listed] == [
        case_url(second),
        case_url(first),
    ]
    assert "New reply" in listed[0].text()


def test_a_new_case_is_listed_as_received(portal, make_case):
    case = make_case()
    [item] = items(portal.get(UPDATES))
    assert item.find("a").attrs["href"] == case_url(case)
    assert "Case received" in item.text() and "Unread" in item.text()


def test_unread_updates_are_marked_in_words(portal, case_in, agent, customer):
    first, second = case_in(), case_in()
    comment_post(case_id=first.pk, actor=agent, body="First news")
    comment_post(case_id=second.pk, actor=agent, body="Second news")
    notifications_mark_read(actor=customer, case_id=first.pk)
    listed = items(portal.get(UPDATES))
    assert ["Unread" in item.text() for item in listed] == [True, False]
    assert "updates__item--unread" in listed[0].attrs["class"]


def test_mark_all_as_read(portal, case_in, agent, customer):
    case = case_in()
    comment_post(case_id=case.pk, actor=agent, body="News")
    assert "Mark all as read" in parse(portal.get(UPDATES).content).buttons()
    response = portal.post(reverse("portal:mark_all_read"), follow=True)
    assert "1 update marked as read." in parse(response.content).find(role="status").text()
    assert not Notification.objects.filter(recipient=customer, read_at__isnull=True).exists()
    assert all("Unread" not in item.text() for item in items(response))


def test_marking_touches_only_ones_own_updates(portal, case_in, agent, colleague):
    case = case_in()
    comment_post(case_id=case.pk, actor=agent, body="News")
    theirs = Notification.objects.filter(recipient=colleague, read_at__isnull=True)
    before = theirs.count()
    portal.post(reverse("portal:mark_all_read"))
    assert theirs.count() == before


def test_no_updates_is_a_designed_empty_state(portal, db):
    page = parse(portal.get(UPDATES).content)
    assert page.find(class_="empty__title").text() == "No updates yet"


def test_updates_are_paginated(portal, case_in, agent):
    case = case_in()
    for n in range(27):
        comment_post(case_id=case.pk, actor=agent, body=f"News {n}")
    first = portal.get(UPDATES)
    assert len(items(first)) == 25
    next_link = next(link for link in parse(first.content).links() if link.text() == "Next")
    assert len(items(portal.get(UPDATES + next_link.attrs["href"]))) == 2


def test_the_header_counts_unread_updates(portal, case_in, agent):
    case = case_in()
    comment_post(case_id=case.pk, actor=agent, body="News")
    link = next(
        link for link in parse(portal.get(UPDATES).content).links() if "Updates" in link.text()
    )
    assert "1 unread" in link.text()


@pytest.mark.parametrize("count", [2, 20])
def test_updates_cost_the_same_queries_whatever_their_number(
    portal, case_in, agent, count, django_assert_max_num_queries
):
    """Session, user, the count and the page of updates (their cases joined), unread updates."""
    cases = [case_in() for _ in range(2)]
    for n in range(count):
        comment_post(case_id=cases[n % 2].pk, actor=agent, body=f"News {n}")
    with django_assert_max_num_queries(5):
        assert portal.get(UPDATES).status_code == 200
