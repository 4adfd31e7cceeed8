"""Saved replies in the agent workspace: the Reply section lists them with an Insert button
(filled in for the case; without JavaScript `?saved_reply=<id>` fills the Reply box), and
/agent/saved-replies/ keeps the agent's own (the shared ones read-only)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import SavedReply
from services.saved_replies import saved_reply_create
from tests.portal.html import parse

LIST = reverse("agent:saved_replies")


def case_url(case):
    return reverse("agent:case", kwargs={"reference": case.reference})


def edit_url(reply):
    return reverse("agent:saved_reply_edit", kwargs={"pk": reply.pk})


def delete_url(reply):
    return reverse("agent:saved_reply_delete", kwargs={"pk": reply.pk})


@pytest.fixture
def replies(agent, other_agent, manager):
    return {
        "mine": saved_reply_create(
            actor=agent, title="Greeting", body="Hello {customer_name}, about {reference}."
        ),
        "shared": saved_reply_create(
            actor=manager, title="Closing", body="Kind regards {team}", shared=True
        ),
        "theirs": saved_reply_create(actor=other_agent, title="Secret", body="Not yours"),
    }


def test_the_reply_section_lists_them_with_insert_buttons(desk, case_in, replies):
    case = case_in("technical_support", "work_in_progress")
    reply = parse(desk.get(case_url(case)).content).region("Reply")
    assert "Insert Greeting" in reply.buttons()
    assert "Insert Closing" in reply.buttons()
    assert "Secret" not in reply.text()
    greeting = next(b for b in reply.find_all("button") if b.text() == "Insert Greeting")
    assert greeting.attrs["data-saved-reply-text"] == f"Hello alice, about {case.reference}."
    assert greeting.attrs["data-saved-reply-target"] == "id_body"
    assert greeting.attrs["name"] == "saved_reply"
    assert greeting.attrs["value"] == str(replies["mine"].pk)
    form = next(a for a in greeting.ancestors() if a.tag == "form")
    assert form.attrs["method"] == "get"
    assert LIST in [link.attrs["href"] for link in reply.links()]


def test_without_javascript_the_reply_box_is_filled_in(desk, case_in, replies):
    case = case_in("technical_support", "work_in_progress")
    response = desk.get(case_url(case), {"saved_reply": replies["mine"].pk})
    assert response.status_code == 200
    box = parse(response.content).region("Reply").field("Reply")
    assert box.text() == f"Hello alice, about {case.reference}."


@pytest.mark.parametrize("wanted", ["theirs", "unknown", "junk"])
def test_an_unknown_or_foreign_saved_reply_fills_nothing(desk, case_in, replies, wanted):
    case = case_in("technical_support", "work_in_progress")
    value = {"theirs": replies["theirs"].pk, "unknown": 999_999, "junk": "x"}[wanted]
    response = desk.get(case_url(case), {"saved_reply": value})
    assert response.status_code == 200
    assert parse(response.content).region("Reply").field("Reply").text() == ""


def test_the_case_page_queries_do_not_grow_with_the_saved_replies(desk, case_in, agent):
    case = case_in("technical_support", "work_in_progress")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(case_url(case)).status_code == 200
        return len(queries)

    saved_reply_create(actor=agent, title="One", body="1")
    few = count()
    for i in range(5):
        saved_reply_create(actor=agent, title=f"More {i}", body=f"{i} {{reference}}")
    assert count() == few


def test_the_page_lists_their_own_and_the_shared_ones(desk, replies):
    page = parse(desk.get(LIST).content)
    own = page.region("Your saved replies")
    assert "Greeting" in own.text()
    assert "Delete Greeting" in own.buttons()
    assert edit_url(replies["mine"]) in [link.attrs["href"] for link in own.links()]
    shared = page.region("Shared saved replies")
    assert "Closing" in shared.text()
    assert not shared.buttons()
    assert not [link for link in shared.links() if "saved-replies" in link.attrs["href"]]
    assert "Secret" not in page.text()


def test_an_agent_creates_one(desk, agent):
    response = desk.post(LIST, {"title": "Thanks", "body": "Thank you {customer_name}"})
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert (reply.title, reply.body, reply.owner) == ("Thanks", "Thank you {customer_name}", agent)


def test_a_missing_text_is_shown_beside_its_field(desk):
    response = desk.post(LIST, {"title": "Thanks", "body": "  "})
    assert response.status_code == 400
    assert "There is a problem" in parse(response.content).text()
    assert not SavedReply.objects.exists()


def test_an_agent_edits_and_deletes_their_own(desk, replies):
    mine = replies["mine"]
    page = parse(desk.get(edit_url(mine)).content)
    assert page.field("Title").attrs["value"] == "Greeting"
    response = desk.post(edit_url(mine), {"title": "Hi", "body": "Hi {customer_name}"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.body) == ("Hi", "Hi {customer_name}")
    assert desk.post(edit_url(mine), {"title": "", "body": "x"}).status_code == 400
    assert desk.post(delete_url(mine)).status_code == 302
    assert not SavedReply.objects.filter(pk=mine.pk).exists()


def test_an_agent_may_not_change_another_agents(desk, replies):
    theirs = replies["theirs"]
    assert desk.get(edit_url(theirs)).status_code == 404
    assert desk.post(edit_url(theirs), {"title": "x", "body": "y"}).status_code == 404
    assert desk.post(delete_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Secret"


def test_an_agent_may_not_change_a_shared_one(desk, replies):
    shared = replies["shared"]
    assert desk.get(edit_url(shared)).status_code == 403
    assert desk.post(edit_url(shared), {"title": "x", "body": "y"}).status_code == 403
    assert desk.post(delete_url(shared)).status_code == 403
    shared.refresh_from_db()
    assert shared.title == "Closing"


def test_customers_are_sent_to_the_portal(browser, customer, replies):
    client = browser(customer)
    response = client.get(LIST)
    assert response.status_code == 302
    assert not response.url.startswith("/agent/")
    assert client.post(delete_url(replies["mine"])).status_code == 302
    assert SavedReply.objects.filter(pk=replies["mine"].pk).exists()


def test_only_managers_see_it_in_the_admin(browser, agent, manager, replies):
    url = reverse("admin:cases_savedreply_changelist")
    page = browser(manager).get(url)
    assert page.status_code == 200
    assert "Closing" in page.content.decode()
    assert "Greeting" not in page.content.decode()
    assert browser(agent).get(url).status_code != 200


def test_a_manager_adds_a_shared_one_in_the_admin(browser, manager):
    url = reverse("admin:cases_savedreply_add")
    response = browser(manager).post(url, {"title": "Welcome", "body": "Hi {customer_name}"})
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert (reply.title, reply.owner) == ("Welcome", None)
