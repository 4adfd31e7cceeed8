"""What an agent does on the case page: reply or note, each transition with its payload, the
properties; refusals draw the page again with the reason and what was typed; a page drawn
before the case last changed is refused ("This case changed since you opened it")."""

import pytest
from django.urls import reverse

from cases.models import Comment, Priority
from services.cases import case_update
from tests.factories import AgentFactory
from tests.portal.html import parse
from tests.workflows.walking import reload
from workflows.transitions import CHANGED_SINCE_SEEN, perform_transition


def url_of(case, action="", name=""):
    if not action:
        return reverse("agent:case", kwargs={"reference": case.reference})
    if action == "transition":
        return reverse("agent:transition", kwargs={"reference": case.reference, "name": name})
    return reverse(f"agent:{action}", kwargs={"reference": case.reference})


def page_of(client, case):
    response = client.get(url_of(case))
    assert response.status_code == 200
    return parse(response.content)


def seen(case):
    return reload(case).updated_at.isoformat()


def alert(response):
    return parse(response.content).find(role="alert").text()


def test_the_reply_form(desk, case_in):
    reply = page_of(desk, case_in()).region("Reply")
    assert reply.field("Reply").tag == "textarea"
    # Two modes of the box, a reply to the customer by default.
    assert reply.field("Internal note").attrs["type"] == "checkbox"
    assert "checked" not in reply.field("Internal note").attrs
    assert "multiple" in reply.field("Attachments").attrs
    assert "Send" in reply.buttons()


@pytest.mark.parametrize("internal", [True, False])
def test_a_reply_or_an_internal_note_is_posted(desk, case_in, internal):
    case = case_in()
    data = {"body": "Checked the logs.", "seen": seen(case)}
    if internal:
        data["internal"] = "on"
    response = desk.post(url_of(case, "reply"), data, follow=True)
    assert response.status_code == 200
    comment = Comment.objects.get(case=case)
    assert comment.internal is internal
    assert parse(response.content).find(role="status")
    assert CHANGED_SINCE_SEEN not in response.content.decode()


def test_an_empty_reply_keeps_the_page_with_the_error(desk, case_in):
    response = desk.post(url_of(case_in(), "reply"), {"body": "", "internal": "on"})
    assert response.status_code == 400
    page = parse(response.content)
    assert page.region("Reply").field("Internal note").attrs.get("checked") is not None
    assert page.find("div", class_="field field--error")


def test_a_reply_to_a_changed_case_is_posted_with_a_warning(desk, case_in, manager):
    case = case_in()
    before = seen(case)
    case_update(case_id=case.pk, actor=manager, changes={"subject": "Renamed"})
    response = desk.post(url_of(case, "reply"), {"body": "Hello", "seen": before}, follow=True)
    assert Comment.objects.filter(case=case).count() == 1
    assert CHANGED_SINCE_SEEN in alert(response)


def test_one_button_per_available_transition(desk, case_in):
    actions = page_of(desk, case_in("technical_support", "work_in_progress")).region("Actions")
    assert "Propose solution" in actions.buttons()
    assert "Block" in actions.buttons()
    assert actions.field("Note").tag == "textarea"
    assert actions.find("input", name="seen")


def test_only_the_fields_some_transition_takes(desk, case_in, browser, manager):
    technical = page_of(desk, case_in("technical_support", "work_in_progress")).region("Actions")
    with pytest.raises(LookupError):
        technical.field("Sub-status")
    with pytest.raises(LookupError):
        technical.field("Assignee")
    pending = page_of(desk, case_in("support_center")).region("Actions")
    options = [o.text() for o in pending.field("Sub-status").find_all("option")]
    assert "Development" in options
    assign = page_of(desk, case_in("release_tracking")).region("Actions")
    assert "agnes" in assign.field("Assignee").text()


def test_a_transition_is_performed(desk, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = desk.post(
        url_of(case, "transition", "block"),
        {"note": "BUG-1", "seen": seen(case)},
        follow=True,
    )
    assert reload(case).status == "blocked"
    assert (
        "Case blocked. The case is now Blocked."
        in parse(response.content).find(role="status").text()
    )


def test_a_sub_status_is_sent_with_the_transition(desk, case_in):
    case = case_in("support_center")
    desk.post(
        url_of(case, "transition", "set_pending"),
        {"sub_status": "development", "seen": seen(case)},
    )
    assert reload(case).sub_status == "development"


def test_an_assignee_is_sent_with_the_transition(desk, case_in, other_agent):
    case = case_in("release_tracking")
    desk.post(
        url_of(case, "transition", "assign"),
        {"assignee": str(other_agent.pk), "seen": seen(case)},
    )
    assert reload(case).assignee == other_agent


def test_a_missing_note_is_refused_beside_the_field_keeping_what_was_typed(desk, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = desk.post(url_of(case, "transition", "block"), {"note": "", "seen": seen(case)})
    assert response.status_code == 400
    page = parse(response.content)
    assert "Block was not done" in page.find(role="alert").text()
    assert reload(case).status == "work_in_progress"


def test_close_asks_first_without_javascript(desk, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = desk.post(url_of(case, "transition", "close"), {"note": "Done", "seen": seen(case)})
    assert response.status_code == 200
    assert "Yes, close" in parse(response.content).buttons()
    assert reload(case).status == "work_in_progress"
    desk.post(
        url_of(case, "transition", "close"),
        {"note": "Done", "seen": seen(case), "confirmed": "yes"},
    )
    assert reload(case).status == "closed"


def test_a_second_agents_change_makes_the_first_agents_button_refuse(
    browser, desk, case_in, other_agent
):
    case = case_in("technical_support", "work_in_progress")
    before = seen(case)
    browser(other_agent).post(url_of(case, "transition", "block"), {"note": "Mine", "seen": before})
    assert reload(case).status == "blocked"
    response = desk.post(url_of(case, "transition", "start_work"), {"note": "", "seen": before})
    assert response.status_code == 409
    page = parse(response.content)
    assert CHANGED_SINCE_SEEN in page.find(role="alert").text()
    assert page.region("Actions").find("input", name="seen").attrs["value"] == seen(case)
    assert reload(case).status == "blocked"


def test_the_properties_form(desk, case_in):
    properties = page_of(desk, case_in()).region("Properties")
    assert properties.field("Priority").tag == "select"
    assert properties.field("Assignee").tag == "select"
    assert properties.field("Subject").attrs["value"] == "Printer is on fire"
    assert "Save" in properties.buttons()


def test_properties_are_saved(desk, case_in, other_agent):
    case = case_in()
    response = desk.post(
        url_of(case, "properties"),
        {
            "priority": str(Priority.HIGH),
            "assignee": str(other_agent.pk),
            "subject": "Printer is smoking",
            "seen": seen(case),
        },
        follow=True,
    )
    case = reload(case)
    assert (case.priority, case.assignee, case.subject) == (
        Priority.HIGH,
        other_agent,
        "Printer is smoking",
    )
    assert parse(response.content).find(role="status")


def test_stale_properties_are_refused_and_keep_what_was_typed(desk, case_in, manager):
    case = case_in()
    before = seen(case)
    perform_transition(case_id=case.pk, name="start_work", actor=manager)
    response = desk.post(
        url_of(case, "properties"),
        {"priority": str(Priority.LOW), "subject": "Typed", "seen": before},
    )
    assert response.status_code == 409
    page = parse(response.content)
    assert CHANGED_SINCE_SEEN in page.find(role="alert").text()
    assert page.region("Properties").field("Subject").attrs["value"] == "Typed"
    assert reload(case).subject == "Printer is on fire"


def test_customer_service_agents_assign_to_me_instead(desk, case_in, agent, browser, manager):
    case = case_in("customer_service")
    properties = page_of(desk, case).region("Properties")
    with pytest.raises(LookupError):
        properties.field("Assignee")
    assert "Assign to me" in properties.buttons()
    assert page_of(browser(manager), case).region("Properties").field("Assignee")
    desk.post(url_of(case, "transition", "assign_to_me"), {"seen": seen(case)})
    assert reload(case).assignee == agent


def test_an_inactive_agent_is_not_offered(desk, case_in):
    gone = AgentFactory(username="gone", is_active=False)
    properties = page_of(desk, case_in()).region("Properties")
    assert gone.username not in properties.field("Assignee").text()


def test_a_customer_cannot_post_actions(browser, customer, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = browser(customer).post(url_of(case, "transition", "block"), {"note": "x"})
    assert response.status_code == 302
    assert reload(case).status == "work_in_progress"
