"""The case page: its heading and facts, and each section read off the workflow, the history and
`upcoming`; internal notes never reach it; its queries do not grow with the conversation."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Kind, Notification
from services.cases import case_update
from services.conversation import comment_post
from tests.portal.conftest import case_url
from tests.portal.html import parse
from workflows.registry import WORKFLOWS
from workflows.transitions import perform_transition

SECTIONS = ["What happens next", "Where your case is", "Conversation", "History"]


def page_of(portal, case):
    response = portal.get(case_url(case))
    assert response.status_code == 200
    return parse(response.content)


@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_the_page_shows_its_sections_in_every_workflow(portal, case_in, workflow):
    page = page_of(portal, case_in(workflow))
    for name in SECTIONS:
        assert page.has_region(name), name
    assert page.has_region("Reply")


def test_the_heading_and_facts(portal, case_in, agent):
    case = case_in("technical_support", "work_in_progress", subject="Printer is on fire")
    page = page_of(portal, case)
    assert page.find("h1").text() == f"{case.reference} Printer is on fire"
    facts = page.find("dl", class_="case-facts").text()
    for words in ["Work in Progress", "Normal", "technical_support", "alice", "agnes"]:
        assert words in facts
    assert len(page.find("dl", class_="case-facts").find_all("time")) == 2


def test_an_unassigned_case_says_so(portal, case_in):
    assert "Not assigned yet" in page_of(portal, case_in()).find("dl", class_="case-facts").text()


def test_the_pill_colour_follows_who_the_case_waits_on(portal, case_in):
    waiting = page_of(portal, case_in("customer_service", "resolved"))
    assert waiting.exists("span", class_="pill pill--customer")
    working = page_of(portal, case_in("customer_service", "open"))
    assert working.exists("span", class_="pill pill--support")
    closed = page_of(portal, case_in("customer_service", "closed"))
    assert closed.exists("span", class_="pill pill--closed")


def test_internal_notes_and_their_files_never_reach_the_page(portal, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    comment_post(
        case_id=case.pk,
        actor=agent,
        body="SECRET: the customer's server is misconfigured",
        internal=True,
        files=[SimpleUploadedFile("secret-dump.txt", b"passwords")],
    )
    comment_post(case_id=case.pk, actor=agent, body="We are looking into it.")
    content = portal.get(case_url(case)).content.decode()
    assert "SECRET" not in content
    assert "secret-dump.txt" not in content
    assert "We are looking into it." in content


def test_an_internal_history_note_never_reaches_the_page(portal, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    perform_transition(case_id=case.pk, name="block", actor=agent, note="Bug #4711 in the driver")
    page = page_of(portal, case)
    assert "Bug #4711" not in page.text()
    assert "Blocked" in page.region("History").text()


def test_the_conversation_shows_replies_oldest_first_with_who_and_when(
    portal, case_in, agent, customer
):
    case = case_in("technical_support", description="It *smokes*.")
    comment_post(case_id=case.pk, actor=agent, body="Unplug it **now**.")
    comment_post(case_id=case.pk, actor=customer, body="Done.")
    region = page_of(portal, case).region("Conversation")
    items = [item for item in region.find("ol").children if not isinstance(item, str)]
    assert len(items) == 3
    assert "smokes" in items[0].text() and "alice" in items[0].text()
    assert "now" in items[1].text() and "Done." in items[2].text()
    support = items[1]
    assert "timeline__item--support" in support.attrs["class"]
    assert "agnes" in support.text() and "Support" in support.text()
    assert support.find("strong").text() == "now"
    assert all(item.exists("time") for item in items)


def test_markdown_is_sanitized(portal, case_in, agent):
    case = case_in()
    comment_post(
        case_id=case.pk, actor=agent, body='<script>alert(1)</script><b onclick="x">hi</b>'
    )
    content = portal.get(case_url(case)).content.decode()
    assert "<script>alert(1)" not in content
    assert "<b onclick" not in content


def test_a_solution_kept_as_close_notes_is_in_the_conversation(portal, case_in, agent):
    case = case_in("customer_service", "open")
    perform_transition(
        case_id=case.pk, name="propose_solution", actor=agent, close_notes="Reset the router."
    )
    region = page_of(portal, case).region("Conversation")
    assert "Reset the router." in region.text()
    assert "Propose solution" in region.text()


def test_a_proposed_solution_posted_as_a_reply_shows_once(portal, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    perform_transition(case_id=case.pk, name="propose_solution", actor=agent, note="Update it.")
    assert page_of(portal, case).region("Conversation").text().count("Update it.") == 1


def test_attachments_are_links_named_by_file_name(portal, case_in, customer):
    case = case_in()
    comment_post(
        case_id=case.pk,
        actor=customer,
        body="Here is the log.",
        files=[SimpleUploadedFile("printer.log", b"paper jam")],
    )
    region = page_of(portal, case).region("Conversation")
    link = next(link for link in region.links() if link.text() == "printer.log")
    download = portal.get(link.attrs["href"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"paper jam"


def test_an_attachment_link_is_not_found_for_another_organization(
    portal, case_in, customer, browser, other_customer
):
    case = case_in()
    comment_post(
        case_id=case.pk,
        actor=customer,
        body="Log",
        files=[SimpleUploadedFile("printer.log", b"paper jam")],
    )
    region = page_of(portal, case).region("Conversation")
    link = next(link for link in region.links() if link.text() == "printer.log")
    assert browser(other_customer).get(link.attrs["href"]).status_code == 404


def test_history_lists_status_changes_with_who_and_when(portal, case_in, cast):
    case = case_in("technical_support", "solution_proposed")
    region = page_of(portal, case).region("History")
    text = region.text()
    assert "New → Work in Progress" in text
    assert "Work in Progress → Solution Proposed" in text
    assert "agnes" in text
    assert len(region.find_all("time")) == 2


def test_a_change_by_the_automations_says_automatic(portal, case_in):
    from tests.workflows.walking import attempt_automatic

    case = case_in("support_center", "awaiting_customer_confirmation")
    attempt_automatic(case, "auto_close", None)
    assert "Automatic" in page_of(portal, case).region("History").text()


def test_where_your_case_is_draws_the_path_the_current_step_and_the_next(portal, case_in):
    case = case_in("technical_support", "solution_proposed")
    region = page_of(portal, case).region("Where your case is")
    steps = region.find("ol", class_="steps").find_all("li")
    labels = [step.text().split(" (")[0] for step in steps]
    assert labels == ["New", "Work in Progress", "Solution Proposed"]
    current = [step for step in steps if step.attrs.get("aria-current") == "step"]
    assert [step.text() for step in current] == ["Solution Proposed (now)"]
    following = region.find("ul", class_="steps").find_all("li", class_="steps__item--next")
    assert [step.text() for step in following] == [
        "Work in Progress",
        "Customer Replied",
        "Closed",
    ]


def test_the_steps_follow_the_history_in_order(portal, case_in, customer, agent):
    case = case_in("technical_support", "pending_customer")
    comment_post(case_id=case.pk, actor=customer, body="Here you go.")
    region = page_of(portal, case).region("Where your case is")
    done = [step.text().split(" (")[0] for step in region.find("ol").find_all("li")]
    assert done == ["New", "Work in Progress", "Pending Customer", "Customer Replied"]


NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_what_happens_next_gives_the_auto_close_date(portal, case_in):
    case = case_in("support_center", "awaiting_customer_confirmation")
    text = page_of(portal, case).region("What happens next").text()
    assert "This case closes automatically on 15 December 2026 unless you reply." in text
    assert "Your move: Confirm." in text


@time_machine.travel(NOW, tick=False)
def test_what_happens_next_gives_the_reminder_date(portal, case_in):
    case = case_in("support_center", "pending")
    text = page_of(portal, case).region("What happens next").text()
    assert "We will remind you on 8 December 2026." in text
    assert "This case closes automatically on 29 December 2026 unless you reply." in text


@time_machine.travel(NOW, tick=False)
def test_what_happens_next_gives_the_first_response_promise(portal, case_in):
    text = page_of(portal, case_in("technical_support")).region("What happens next").text()
    assert "We aim to answer by 1 December 2026, 17:00" in text
    assert "Support is on it." in text


@time_machine.travel(NOW, tick=False)
def test_an_auto_close_a_reply_does_not_stop_leaves_out_unless_you_reply(portal, case_in):
    case = case_in("release_tracking", "resolved")
    text = page_of(portal, case).region("What happens next").text()
    assert "This case closes automatically on 8 December 2026." in text
    assert "unless you reply" not in text


def test_when_the_customer_holds_the_move_it_names_the_actions(portal, case_in):
    text = page_of(portal, case_in("technical_support", "solution_proposed")).region(
        "What happens next"
    )
    assert "Your move: Accept solution or Reject solution." in text.text()


def test_a_wait_for_the_customers_reply_says_so(portal, case_in):
    text = page_of(portal, case_in("technical_support", "pending_customer")).region(
        "What happens next"
    )
    assert "We are waiting for your reply" in text.text()


def test_each_status_says_what_it_means(portal, case_in):
    case = case_in("release_tracking", "backlog")
    text = page_of(portal, case).region("What happens next").text()
    assert "Backlog: Accepted as an issue and in the development backlog" in text


def test_a_status_done_waiting_for_a_release_does_not_say_in_development(portal, case_in):
    case = case_in("release_tracking", "done_awaiting_release")
    text = page_of(portal, case).region("What happens next").text()
    assert "The fix is done and ships with the next release." in text
    assert "In development" not in text


def test_a_sub_status_says_what_it_means(portal, case_in, agent):
    case = case_in("support_center", "in_progress")
    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status="development")
    text = page_of(portal, case).region("What happens next").text()
    assert "Pending · Development: The case waits for a fix" in text


def test_a_closed_case_says_nothing_more_is_planned(portal, case_in):
    case = case_in("customer_service", "closed")
    text = page_of(portal, case).region("What happens next").text()
    assert "Closed: The case is closed and can no longer be changed." in text
    assert "Nothing more is planned." in text


def test_the_reply_form_is_only_where_the_customer_may_reply(portal, case_in):
    open_page = page_of(portal, case_in("technical_support", "work_in_progress"))
    reply = open_page.region("Reply")
    assert reply.field("Reply").tag == "textarea"
    assert reply.field("Attachments").attrs["type"] == "file"
    assert "Send" in reply.buttons()
    assert page_of(portal, case_in("technical_support", "closed")).region_or_none("Reply") is None
    resolved = page_of(portal, case_in("customer_service", "resolved"))
    assert resolved.region_or_none("Reply") is None
    # The decision is the customer's move there: it follows the conversation, and no note
    # about a reply box that is not there stands in its way.
    assert "Accept solution" in resolved.region("Actions").buttons()
    assert "awaits your decision" not in resolved.region("Conversation").text()


def test_opening_the_page_marks_its_updates_read(portal, case_in, agent, customer):
    case = case_in("technical_support", "work_in_progress")
    other = case_in("technical_support", "work_in_progress")
    comment_post(case_id=case.pk, actor=agent, body="A reply for you.")
    comment_post(case_id=other.pk, actor=agent, body="Another one.")
    unread = Notification.objects.filter(
        recipient=customer, read_at__isnull=True, kind=Kind.PUBLIC_REPLY
    )
    assert unread.count() == 2
    portal.get(case_url(case))
    assert list(unread.values_list("case_id", flat=True)) == [other.pk]


def test_a_repeat_links_back_to_its_original(portal, case_in, customer):
    from services.cases import case_repeat

    original = case_in("technical_support", "closed")
    repeat = case_repeat(case_id=original.pk, actor=customer)
    facts = page_of(portal, repeat).find("dl", class_="case-facts")
    assert facts.find("a").attrs["href"] == case_url(original)


@pytest.mark.parametrize(
    ("workflow", "label"),
    [("technical_support", "Open a repeat case"), ("support_center", "Clone case")],
)
def test_a_closed_case_offers_its_follow_up(portal, case_in, workflow, label):
    case = case_in(workflow, "closed")
    region = page_of(portal, case).region("Follow-up")
    form = region.find("form")
    assert region.buttons() == [label]
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/portal/cases/new/")
    assert form.find("input", name="repeat_of").attrs["value"] == case.reference


@pytest.mark.parametrize("workflow", ["customer_service", "release_tracking"])
def test_no_follow_up_where_the_workflow_has_none(portal, case_in, workflow):
    assert page_of(portal, case_in(workflow, "closed")).region_or_none("Follow-up") is None


def test_no_follow_up_while_the_case_is_open(portal, case_in):
    assert page_of(portal, case_in("technical_support")).region_or_none("Follow-up") is None


@pytest.mark.parametrize("comments", [2, 20])
def test_the_page_costs_the_same_queries_whatever_the_conversation(
    portal, case_in, agent, customer, comments, django_assert_max_num_queries
):
    """Session, user, the case (with queue, people, repeat_of and survey), its upcoming
    notifications, its own files, the notifications marked read, the comments, their files, the
    history, the unread count of the header."""
    case = case_in("technical_support", "work_in_progress")
    for n in range(comments):
        author = agent if n % 2 else customer
        comment_post(
            case_id=case.pk,
            actor=author,
            body=f"Message {n}",
            files=[SimpleUploadedFile(f"file-{n}.txt", b"x")],
        )
        comment_post(case_id=case.pk, actor=agent, body=f"Note {n}", internal=True)
        if n % 5 == 0:
            case_update(case_id=case.pk, actor=agent, changes={"subject": f"Subject {n}"})
    perform_transition(case_id=case.pk, name="propose_solution", actor=agent, note="Try this.")
    with django_assert_max_num_queries(10):
        response = portal.get(case_url(case))
    assert response.content.decode().count("Message ") >= comments


def test_a_solution_posted_as_a_reply_is_titled_by_its_transition(portal, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    perform_transition(case_id=case.pk, name="propose_solution", actor=agent, note="Update it.")
    region = page_of(portal, case).region("Conversation")
    solution = next(item for item in region.find_all("li") if "Update it." in item.text())
    assert "Propose solution" in solution.text()


def test_a_long_way_back_and_forth_is_folded_in_the_steps(portal, case_in, customer, agent):
    case = case_in("technical_support", "work_in_progress")
    for n in range(6):
        comment_post(case_id=case.pk, actor=customer, body=f"Still broken {n}")
        perform_transition(case_id=case.pk, name="start_work", actor=agent)
    page = page_of(portal, case)
    items = page.region("Where your case is").find("ol").find_all("li")
    assert len(items) == 12
    assert "3 more steps (see History)" in items[2].text()
    assert items[-1].attrs.get("aria-current") == "step"
    assert len(page.region("History").find_all("li")) == 13


def test_a_long_way_straight_ahead_is_drawn_in_full(portal, case_in):
    case = case_in("release_tracking", "resolved")
    items = page_of(portal, case).region("Where your case is").find("ol").find_all("li")
    assert "more step" not in " ".join(item.text() for item in items)


def test_an_internal_notes_file_is_not_found_for_the_customer(portal, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    comment_post(
        case_id=case.pk,
        actor=agent,
        body="Looking at the dump",
        internal=True,
        files=[SimpleUploadedFile("dump.txt", b"secret")],
    )
    attachment = case.attachments.get()
    url = reverse("attachment", args=[attachment.pk, attachment.filename])
    assert portal.get(url).status_code == 404


# --- the decision: the proposed solution where the customer decides ---------------------------


def _sections(page):
    """The case page's sections, in the order the page shows them."""
    return [
        page.root().by_id(section.attrs["aria-labelledby"]).text()
        for section in page.find_all("section")
        if section.attrs.get("aria-labelledby")
    ]


def test_customer_service_shows_the_proposed_solution_where_the_customer_decides(
    portal, case_in, agent
):
    case = case_in("customer_service", "open")
    perform_transition(
        case_id=case.pk,
        name="propose_solution",
        actor=agent,
        note="Here is what we did.",
        close_notes="Refunded the duplicate charge of 49 EUR.",
    )
    page = page_of(portal, case)
    actions = page.region("Actions")
    assert "Proposed solution" in actions.text()
    assert "Refunded the duplicate charge of 49 EUR." in actions.text()
    assert {"Accept solution", "Reject solution"} <= set(actions.buttons())
    conversation = page.region("Conversation").text()
    assert "Here is what we did." in conversation
    assert "Refunded the duplicate charge of 49 EUR." in conversation


def test_the_conversation_and_solution_come_before_the_decision(portal, case_in):
    sections = _sections(page_of(portal, case_in("technical_support", "solution_proposed")))
    assert sections.index("Conversation") < sections.index("Actions") < sections.index("Reply")


def test_a_new_case_does_not_lead_with_close(portal, case_in):
    sections = _sections(page_of(portal, case_in("technical_support")))
    assert sections.index("Conversation") < sections.index("Reply") < sections.index("Actions")


def test_confirm_and_close_each_say_what_they_do(portal, case_in):
    actions = page_of(portal, case_in("support_center", "awaiting_customer_confirmation")).region(
        "Actions"
    )
    text = actions.text()
    assert "The answer solved the problem: the case closes." in text
    assert "the case closes without confirming an answer" in text
    confirm = next(b for b in actions.find_all("button") if b.text() == "Confirm")
    assert (
        actions.root()
        .by_id(confirm.attrs["aria-describedby"])
        .text()
        .startswith("The answer solved")
    )


def test_rejecting_asks_why(portal, case_in):
    actions = page_of(portal, case_in("technical_support", "solution_proposed")).region("Actions")
    hint = actions.root().by_id("id_note_helptext").text()
    assert "say why" in hint


def test_the_reply_box_is_labelled_by_its_heading_once(portal, case_in):
    reply = page_of(portal, case_in("technical_support", "work_in_progress")).region("Reply")
    assert reply.field("Reply").attrs["aria-labelledby"] == "reply-title"
    assert [label.text() for label in reply.find_all("label")] == ["Attachments"]
