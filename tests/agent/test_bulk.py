"""Bulk actions on the rows checked: each case through its service on its own, and a result that
names each case, what was done and what was refused and why."""

import re

from django.urls import reverse

from cases.models import Case, Priority
from tests.workflows.walking import reload

BULK = reverse("agent:bulk")
BACK = "/agent/?tab=open&sort=subject"


def messages_of(response) -> str:
    return (
        response.content.decode()
        .split('<div class="messages">', 1)[-1]
        .split("</div>\n  </div>")[0]
    )


def post(desk, **data):
    data.setdefault("next", BACK)
    return desk.post(BULK, data)


def test_the_bulk_controls_are_on_the_list(desk, case_in, agent, other_agent, manager):
    case_in()
    page = desk.get(reverse("agent:cases")).content.decode()
    for label in ("Assign to", "New priority", "Transition", "Note"):
        assert f'">{label}' in page
    for button in ("Assign", "Set priority", "Apply"):
        assert f">{button}</button>" in page
    options = page.split('id="bulk_assignee"', 1)[1].split("</select>")[0]
    assert options.index(">Me<") < options.index(other_agent.username)
    assert manager.username in options
    transitions = page.split('id="bulk_transition"', 1)[1].split("</select>")[0]
    assert ">Start work<" in transitions and ">Close<" in transitions
    assert "csrfmiddlewaretoken" in page


def test_the_transitions_offered_are_those_that_apply_to_the_rows_by_workflow(desk, case_in):
    case_in("technical_support")
    case_in("support_center", "in_progress")
    page = desk.get(reverse("agent:cases"), {"tab": "open"}).content.decode()
    transitions = page.split('id="bulk_transition"', 1)[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">', transitions)
    assert groups == ["Technical support", "Support center"]
    technical = transitions.split('label="Technical support">')[1].split("</optgroup>")[0]
    # From New: Start work and Close; nothing of the other workflows, nothing that needs a
    # field the bulk form has no room for (Set pending's sub-status).
    assert re.findall(r">([^<]+)</option>", technical) == ["Start work", "Close"]
    assert 'data-sources="new customer_replied blocked" data-workflow="technical_support"' in (
        technical
    )
    support = transitions.split('label="Support center">')[1].split("</optgroup>")[0]
    assert ">Provide answer<" in support and ">Set pending<" not in support
    assert "Assign to me" not in transitions and "Start investigation" not in transitions
    for case in Case.objects.all():
        assert f'data-workflow="{case.workflow}" data-status="{case.status}"' in page


def test_a_transition_a_page_did_not_offer_is_still_applied_by_name(desk, case_in):
    """The form names a transition, each case takes it or says why not: the server never
    depends on what the page offered."""
    case = case_in("release_tracking")
    post(desk, cases=[case.pk], action="transition", transition="start_work")
    assert reload(case).status == "open"
    assert f"{case.reference} not changed:" in messages_of(desk.get(BACK))


def test_assign_to_me_then_back_to_the_same_list(desk, agent, case_in):
    one, two = case_in(), case_in()
    response = post(desk, cases=[one.pk, two.pk], action="assign", assignee="me")
    assert response.status_code == 302 and response["Location"] == BACK
    assert {c.assignee_id for c in Case.objects.all()} == {agent.pk}
    shown = messages_of(desk.get(BACK))
    assert f"{one.reference}: assigned to" in shown and f"{two.reference}: assigned to" in shown


def test_assign_to_another_agent(desk, other_agent, case_in):
    case = case_in()
    post(desk, cases=[case.pk], action="assign", assignee=str(other_agent.pk))
    assert reload(case).assignee == other_agent


def test_an_agent_refused_per_case_says_why(desk, case_in, agent):
    allowed = case_in()
    refused = case_in("customer_service")  # there only managers set the assignee
    post(desk, cases=[allowed.pk, refused.pk], action="assign", assignee="me")
    assert reload(allowed).assignee == agent
    assert reload(refused).assignee is None
    shown = messages_of(desk.get(BACK))
    assert f"{allowed.reference}: assigned to" in shown
    assert f"{refused.reference} not changed: In Customer service only managers" in shown
    assert 'role="alert"' in shown


def test_set_priority(desk, case_in):
    one, two = case_in(), case_in()
    post(desk, cases=[one.pk, two.pk], action="priority", priority=Priority.URGENT)
    assert {c.priority for c in Case.objects.all()} == {Priority.URGENT}
    assert f"{one.reference}: priority set to Urgent." in messages_of(desk.get(BACK))


def test_transition_with_note_each_case_on_its_own(desk, case_in):
    new = case_in()
    closed = case_in(status="closed")
    post(
        desk, cases=[new.pk, closed.pk], action="transition", transition="start_work", note="On it"
    )
    assert reload(new).status == "work_in_progress"
    assert reload(closed).status == "closed"
    shown = messages_of(desk.get(BACK))
    assert f"{new.reference}: Start work done." in shown
    assert f"{closed.reference} not changed:" in shown


def test_a_transition_that_needs_a_note_is_refused_without_one(desk, case_in):
    case = case_in()
    post(desk, cases=[case.pk], action="transition", transition="close", note="")
    assert reload(case).status == "new"
    assert f"{case.reference} not changed:" in messages_of(desk.get(BACK))
    post(desk, cases=[case.pk], action="transition", transition="close", note="Duplicate")
    assert reload(case).status == "closed"


def test_nothing_checked_or_nothing_chosen(desk, case_in):
    case = case_in()
    post(desk, action="assign", assignee="me")
    assert "Check at least one case first." in messages_of(desk.get(BACK))
    post(desk, cases=[case.pk], action="priority", priority="")
    assert "Choose the new priority." in messages_of(desk.get(BACK))


def test_only_a_workspace_address_is_a_way_back(desk, case_in):
    case = case_in()
    response = post(
        desk,
        cases=[case.pk],
        action="priority",
        priority=Priority.LOW,
        next="https://evil.example/",
    )
    assert response["Location"] == reverse("agent:cases")


def test_bulk_is_post_only(desk):
    assert desk.get(BULK).status_code == 405
