"""What each named view of the case lists holds (docs/workspace.md): Needs response holds the
cases whose customer waits for an answer, urgent and longest-waiting first; On hold the cases
waiting on development, a release, a scheduled service or a third party; and `tabs_of` says of
one case in memory what the views' queries say."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agent.access import workspace_cases
from agent.lists import TABS, ordered, tab_condition, tab_named, tabs_of
from cases.models import Case, Priority
from services.cases import case_update
from services.conversation import comment_post
from workflows.transitions import perform_transition

LIST = reverse("agent:cases")


def references(response) -> list[str]:
    return re.findall(r'agent-cases__reference">(CS-\d+)<', response.content.decode())


def needs(desk, **params) -> list[str]:
    return references(desk.get(LIST, {"tab": "needs", **params}))


def test_a_case_support_answered_last_does_not_need_a_response(desk, case_in, agent, customer):
    case = case_in()
    assert case.reference in needs(desk)
    comment_post(case_id=case.pk, actor=agent, body="Looking into it.")
    assert case.reference not in needs(desk)
    comment_post(case_id=case.pk, actor=customer, body="Any news?")
    assert case.reference in needs(desk)


def test_a_transitions_public_note_is_an_answer(desk, case_in, agent):
    case = case_in("technical_support")
    perform_transition(case_id=case.pk, name="start_work", actor=agent, note="On it.")
    assert case.reference not in needs(desk)
    assert case.reference in references(desk.get(LIST, {"tab": "open"}))


def test_blocked_after_an_answer_stays_out(desk, case_in, agent):
    case = case_in("technical_support", "work_in_progress")
    comment_post(case_id=case.pk, actor=agent, body="We found the cause.")
    perform_transition(case_id=case.pk, name="block", actor=agent, note="Waiting on a part.")
    assert case.reference not in needs(desk)


def test_a_case_waiting_on_the_customer_never_needs_a_response(desk, case_in, customer):
    case = case_in("technical_support", "pending_customer")
    # Even were it stamped (the customer acted), the customer holds the next move.
    Case.objects.filter(pk=case.pk).update(awaiting_answer_since=timezone.now())
    assert case.reference not in needs(desk)


def test_a_case_in_development_stays_out_unless_the_customer_wrote_last(
    desk, case_in, agent, customer
):
    case = case_in("release_tracking", "backlog")
    comment_post(case_id=case.pk, actor=agent, body="Development has it in the backlog.")
    assert case.reference not in needs(desk)
    assert case.reference in references(desk.get(LIST, {"tab": "held"}))
    comment_post(case_id=case.pk, actor=customer, body="When will it be fixed?")
    assert case.reference in needs(desk)
    assert case.reference in references(desk.get(LIST, {"tab": "held"}))


def test_a_case_in_development_support_never_answered_is_still_owed_a_response(desk, case_in):
    case = case_in("release_tracking", "backlog")  # moved there without a word to the customer
    assert case.reference in needs(desk)


def test_on_hold_holds_the_support_center_sub_statuses_beyond_support(desk, case_in, agent):
    development = case_in("support_center")
    perform_transition(
        case_id=development.pk, name="set_pending", actor=agent, sub_status="development"
    )
    customer_input = case_in("support_center")
    perform_transition(
        case_id=customer_input.pk, name="set_pending", actor=agent, sub_status="customer_input"
    )
    working = case_in("support_center")
    perform_transition(case_id=working.pk, name="start_progress", actor=agent)
    held = references(desk.get(LIST, {"tab": "held"}))
    assert held == [development.reference]
    page = desk.get(LIST).content.decode()
    assert ">On hold</a>" in page


def test_the_most_urgent_answered_case_comes_before_those_waiting_longer(desk, case_in):
    """The trial's bug: an Urgent case the customer had just answered sat on page 2, behind
    every case answered before it."""
    now = timezone.now()
    waiting = [case_in() for _ in range(26)]
    for n, case in enumerate(waiting):
        Case.objects.filter(pk=case.pk).update(
            first_responded_at=now - timedelta(days=2, minutes=n),
            awaiting_answer_since=now - timedelta(days=1, minutes=n),
        )
    urgent = case_in(priority=Priority.URGENT)
    Case.objects.filter(pk=urgent.pk).update(
        first_responded_at=now - timedelta(minutes=5), awaiting_answer_since=now
    )
    shown = needs(desk)
    assert shown[0] == urgent.reference
    # Then the longest waiting.
    assert shown[1] == waiting[-1].reference


def test_cases_still_owed_a_first_response_lead_by_due_time(desk, case_in):
    now = timezone.now()
    answered_urgent = case_in(priority=Priority.URGENT)
    Case.objects.filter(pk=answered_urgent.pk).update(
        first_responded_at=now - timedelta(hours=1), awaiting_answer_since=now
    )
    breached, due_later = case_in(priority=Priority.LOW), case_in(priority=Priority.LOW)
    Case.objects.filter(pk=breached.pk).update(first_response_due_at=now - timedelta(hours=1))
    Case.objects.filter(pk=due_later.pk).update(first_response_due_at=now + timedelta(hours=3))
    no_promise = case_in(priority=Priority.HIGH)
    Case.objects.filter(pk=no_promise.pk).update(first_response_due_at=None)
    assert needs(desk) == [
        breached.reference,
        due_later.reference,
        answered_urgent.reference,
        no_promise.reference,
    ]


@pytest.mark.django_db
def test_tabs_of_says_what_the_views_queries_say(
    desk, agent, other_agent, manager, customer, case_in
):
    cases = [
        case_in(),
        case_in("technical_support", "pending_customer"),
        case_in("technical_support", "closed"),
        case_in("release_tracking", "backlog"),
        case_in("release_tracking", "development_in_progress"),
        case_in("support_center", "awaiting_customer_confirmation"),
        case_in("customer_service", "open"),
    ]
    comment_post(case_id=cases[3].pk, actor=agent, body="Queued for development.")
    case_update(case_id=cases[0].pk, actor=agent, changes={"assignee": agent.pk})
    case_update(case_id=cases[6].pk, actor=manager, changes={"assignee": other_agent.pk})
    deleted = case_in()
    Case.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    for user, manager_role in ((agent, False), (manager, True)):
        for tab in TABS:
            if tab.managers_only and not manager_role:
                continue
            listed = workspace_cases(user, deleted=tab.key == "deleted").filter(
                tab_condition(tab, user)
            )
            in_query = set(listed.values_list("pk", flat=True))
            in_memory = {
                case.pk for case in Case.objects.all() if tab in tabs_of(case, user, manager_role)
            }
            assert in_query == in_memory, (user.username, tab.key)


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_needs_response_reads_its_index_in_its_order(make_case, agent):
    """A page of Needs response is the first rows of `case_needs_answer_idx` (migration cases
    0011) that wait on support: no sort of every case waiting for an answer."""
    template = make_case()
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            queue_id=template.queue_id,
            workflow=template.workflow,
            subject=f"Bulk case {n}",
            requester_id=template.requester_id,
            organization_id=template.organization_id,
            status=template.status,
            status_changed_at=now,
            created_at=now - timedelta(minutes=n),
            first_response_due_at=now + timedelta(hours=8, minutes=-n),
            first_responded_at=None if n % 50 == 0 else now,
            awaiting_answer_since=now - timedelta(minutes=n) if n % 3 == 0 else None,
            priority=[Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT][n % 4],
            reference=f"BK-{n:08d}",
        )
        for n in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    tab = tab_named("needs", manager=False)
    page = ordered(workspace_cases(agent).filter(tab_condition(tab, agent)), tab, "")[:26]

    plan = page.explain()

    assert "case_needs_answer_idx" in plan, plan
    assert "Sort" not in plan.split("case_needs_answer_idx")[0], plan
