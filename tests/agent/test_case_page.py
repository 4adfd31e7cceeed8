"""The agent case page: everything the customer's page shows, plus internal notes, the
requester's other cases, related cases, the first-response milestone and the notifications;
only staff open it; its queries do not grow with the conversation."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.cases import case_delete, case_repeat
from services.conversation import comment_post
from tests.factories import CustomerFactory
from tests.portal.html import parse
from tests.workflows.walking import reload
from workflows.registry import WORKFLOWS
from workflows.transitions import perform_transition

SECTIONS = ["What happens next", "Where your case is", "Conversation", "History", "Reply"]


def url_of(case):
    return reverse("agent:case", kwargs={"reference": case.reference})


def page_of(client, case):
    response = client.get(url_of(case))
    assert response.status_code == 200
    return parse(response.content)


@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_the_page_shows_its_sections_in_every_workflow(desk, case_in, workflow):
    page = page_of(desk, case_in(workflow))
    for name in [*SECTIONS, "Actions", "Properties", "Notifications", "First response"]:
        assert page.has_region(name), name


def test_a_customer_is_sent_to_the_portal(browser, customer, case_in):
    response = browser(customer).get(url_of(case_in()))
    assert response.status_code == 302
    assert response.url.startswith("/portal/")


def test_signed_out_visitors_sign_in_first(browser, case_in):
    response = browser().get(url_of(case_in()))
    assert response.status_code == 302
    assert "next=" in response.url


def test_an_unknown_case_is_not_found(desk, db):
    assert desk.get(reverse("agent:case", kwargs={"reference": "TS-999999"})).status_code == 404


def test_a_deleted_case_is_for_managers_only(browser, desk, manager, case_in):
    case = case_in("customer_service")
    case_delete(case_id=case.pk, actor=manager)
    assert desk.get(url_of(case)).status_code == 404
    page = page_of(browser(manager), case)
    assert "Deleted" in page.find("div", class_="case-header").text()
    assert not page.has_region("Actions")
    assert not page.has_region("Reply")


def test_internal_notes_are_shown_and_marked(desk, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    comment_post(case_id=case.pk, actor=agent, body="Customer is a VIP", internal=True)
    comment_post(case_id=case.pk, actor=agent, body="We are on it", internal=False)
    conversation = page_of(desk, case).region("Conversation")
    notes = conversation.find_all("li", class_="note--internal")
    assert len(notes) == 1
    assert "Customer is a VIP" in notes[0].text()
    assert "Internal note" in notes[0].text()
    assert "We are on it" in conversation.text()


def test_an_internal_history_note_is_shown(desk, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    perform_transition(case_id=case.pk, name="block", actor=agent, note="BUG-1234")
    history = page_of(desk, case).region("History")
    assert "BUG-1234" in history.text()
    assert "Internal note" in history.text()


def test_the_requester_and_their_other_recent_cases(desk, case_in, customer, colleague):
    older = [case_in(subject=f"Older {n}") for n in range(6)]
    theirs = case_in(requester=colleague, subject="Colleague's")
    other_org = case_in(requester=CustomerFactory(), subject="Elsewhere")
    case = case_in(subject="This one")
    region = page_of(desk, case).region("Requester")
    assert "alice" in region.text()
    assert "Org A" in region.text()
    links = [link.text() for link in region.links() if "/agent/cases/" in link.attrs["href"]]
    assert len(links) == 5
    assert theirs.reference in links
    assert older[0].reference not in links
    assert case.reference not in links
    assert other_org.reference not in links


def test_related_cases(desk, case_in, customer):
    original = case_in("technical_support", "closed")
    repeat = case_repeat(case_id=original.pk, actor=customer, subject="Again", description="")
    region = page_of(desk, original).region("Related cases")
    assert repeat.reference in region.text()
    back = page_of(desk, repeat).region("Related cases")
    assert original.reference in back.text()


def test_first_response_due_then_answered(desk, case_in, agent):
    case = case_in()
    assert "Due" in page_of(desk, case).region("First response").text()
    comment_post(case_id=case.pk, actor=agent, body="Looking into it.")
    assert "Answered" in page_of(desk, case).region("First response").text()


def test_what_happens_next_lists_the_automations(desk, case_in):
    page = page_of(desk, case_in())
    assert "First response due by" in page.region("What happens next").text()


def test_the_notifications_sent_for_the_case(desk, case_in, agent):
    case = case_in()
    comment_post(case_id=case.pk, actor=agent, body="Looking into it.")
    items = page_of(desk, case).region("Notifications").find_all("li")
    assert any("New reply" in item.text() and "alice" in item.text() for item in items)
    assert all("Scheduled" in item.text() for item in items)


def test_queries_do_not_grow_with_the_conversation(desk, case_in, agent, customer):
    def count(case):
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(url_of(case)).status_code == 200
        return len(queries)

    def grow(case, n):
        for i in range(n):
            comment_post(case_id=case.pk, actor=agent, body=f"Note {i}", internal=i % 2 == 0)
            comment_post(case_id=case.pk, actor=customer, body=f"Reply {i}")

    small, large = (
        case_in("technical_support", "work_in_progress"),
        case_in("technical_support", "work_in_progress"),
    )
    grow(small, 1)
    grow(large, 10)
    for case in (small, large):
        perform_transition(case_id=case.pk, name="block", actor=agent, note="x")
    assert count(small) == count(large)


@pytest.fixture
def fresh_cache():
    """Presence marks live in Django's cache, which outlives a test's database rollback."""
    cache.clear()
    yield
    cache.clear()


def presence_of(client, case, seen=""):
    """What the page's live region shows after a poll: its lines of text."""
    url = reverse("agent:presence", kwargs={"reference": case.reference})
    response = client.get(url, {"seen": seen}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return [line.text() for line in parse(response.content).find_all("p")]


def test_the_page_polls_for_presence_with_the_moment_it_was_drawn(desk, case_in):
    case = case_in()
    box = page_of(desk, case).find(id="presence")
    seen = reload(case).updated_at.isoformat()
    assert box.attrs["hx-get"] == reverse("agent:presence", args=[case.reference]) + "?seen=" + (
        seen.replace(":", "%3A").replace("+", "%2B")
    )
    assert "every 10s" in box.attrs["hx-trigger"]
    assert box.attrs["aria-live"] == "polite"


def test_presence_names_the_other_agents_who_have_the_case_open(
    desk, browser, agent, other_agent, case_in, fresh_cache
):
    case = case_in()
    seen = reload(case).updated_at.isoformat()
    assert presence_of(desk, case, seen) == []
    assert presence_of(browser(other_agent), case, seen) == [
        f"{agent.display_name} is also looking at this case"
    ]
    assert presence_of(desk, case, seen) == [
        f"{other_agent.display_name} is also looking at this case"
    ]


def test_presence_says_nothing_when_nobody_else_is_here(desk, case_in, fresh_cache):
    case = case_in()
    url = reverse("agent:presence", kwargs={"reference": case.reference})
    response = desk.get(url, {"seen": reload(case).updated_at.isoformat()})
    # Empty, so that the live region stays empty (and hidden) and announces nothing.
    assert response.content == b""


def test_presence_tells_when_the_case_changed(desk, case_in, agent, fresh_cache):
    case = case_in()
    seen = reload(case).updated_at.isoformat()
    comment_post(case_id=case.pk, actor=agent, body="Changed meanwhile")
    (line,) = presence_of(desk, case, seen)
    assert line.startswith("This case changed since you opened it")
    assert "reload" in line


def test_a_presence_poll_runs_two_queries(browser, other_agent, case_in, fresh_cache):
    case = case_in()
    client = browser(other_agent)
    url = reverse("agent:presence", kwargs={"reference": case.reference})
    client.get(url)  # the session is cached once it has been read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"seen": "2026-02-30T10:00:00"}).status_code == 200
    assert len(queries) <= 2, [query["sql"] for query in queries]


def test_presence_is_for_staff_who_see_the_case(browser, customer, desk, case_in):
    case = case_in()
    url = reverse("agent:presence", kwargs={"reference": case.reference})
    assert browser(customer).get(url).status_code == 302
    assert desk.get(url.replace(case.reference, "TS-999999")).status_code == 404


def test_the_agent_sees_the_solution_the_customer_decides_on(desk, case_in, agent):
    case = case_in("customer_service", "open")
    perform_transition(
        case_id=case.pk,
        name="propose_solution",
        actor=agent,
        note="Here is what we did.",
        close_notes="Refunded the duplicate charge.",
    )
    text = page_of(desk, case).region("What happens next").text()
    assert "the customer decides on the proposed solution below" in text
    assert "Refunded the duplicate charge." in text
