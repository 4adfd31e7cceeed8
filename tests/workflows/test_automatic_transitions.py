"""Transitions that fire by themselves: on public replies and customer edits, with the actor who
caused them; and what never fires them (internal notes, a transition's own message)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.errors import Conflict, InvalidInput
from services.cases import case_update
from services.conversation import comment_post
from tests.workflows.spec_tables import TABLES
from tests.workflows.walking import new_history, reload, snapshot, walk_to
from workflows.transitions import perform_transition


def _transitions(case):
    return [(e.transition, e.source, e.target) for e in new_history(case, 0)]


# --- an agent's first public reply (technical_support: start_work; owner; First Response) -----


@pytest.mark.parametrize("status", ["new", "customer_replied"])
def test_agent_public_reply_starts_work(status, make_case, cast, agent):
    case = walk_to(make_case("technical_support"), status, cast)
    before = len(new_history(case, 0))

    comment_post(case_id=case.pk, actor=agent, body="Looking into it.")

    rows = [(e.transition, e.source, e.actor) for e in new_history(case, before)]
    assert (reload(case).status, rows) == ("work_in_progress", [("start_work", status, agent)])


def test_manager_public_reply_starts_work(make_case, manager):
    case = make_case("technical_support")

    comment_post(case_id=case.pk, actor=manager, body="Looking into it.")

    assert reload(case).status == "work_in_progress"


@pytest.mark.parametrize("status", ["pending_customer", "blocked", "solution_proposed"])
def test_agent_public_reply_elsewhere_changes_no_status(status, make_case, cast, agent):
    case = walk_to(make_case("technical_support"), status, cast)
    before = snapshot(case)["history"]

    comment_post(case_id=case.pk, actor=agent, body="Any news?")

    assert (reload(case).status, snapshot(case)["history"]) == (status, before)


@pytest.mark.parametrize("workflow", list(TABLES))
def test_agent_public_reply_ends_first_response(workflow, make_case, agent):
    case = make_case(workflow)
    now = timezone.now() + timedelta(minutes=5)

    comment_post(case_id=case.pk, actor=agent, body="Hello, we are on it.", now=now)

    assert reload(case).first_responded_at == now


@pytest.mark.parametrize("workflow", list(TABLES))
def test_internal_note_does_not_end_first_response(workflow, make_case, agent):
    case = make_case(workflow)

    comment_post(case_id=case.pk, actor=agent, body="Probably the fuser.", internal=True)

    assert reload(case).first_responded_at is None


def test_bare_status_change_does_not_end_first_response(make_case, agent):
    case = make_case("technical_support")

    perform_transition(case_id=case.pk, name="start_work", actor=agent)

    assert reload(case).first_responded_at is None


def test_later_reply_keeps_first_response_time(make_case, agent, other_agent):
    case = make_case("technical_support")
    first = timezone.now() + timedelta(minutes=5)
    comment_post(case_id=case.pk, actor=agent, body="On it.", now=first)

    comment_post(case_id=case.pk, actor=other_agent, body="Me too.", now=first + timedelta(hours=1))

    assert reload(case).first_responded_at == first


@pytest.mark.parametrize(
    ("workflow", "status", "name", "payload"),
    [
        ("technical_support", "work_in_progress", "propose_solution", {"note": "Reboot it."}),
        ("support_center", "in_progress", "provide_answer", {"note": "Reboot it."}),
        ("customer_service", "open", "propose_solution", {"close_notes": "Reboot it."}),
    ],
)
def test_transition_message_ends_first_response(
    workflow, status, name, payload, make_case, cast, agent
):
    case = walk_to(make_case(workflow), status, cast)
    now = timezone.now() + timedelta(minutes=5)

    perform_transition(case_id=case.pk, name=name, actor=agent, now=now, **payload)

    assert reload(case).first_responded_at == now


@pytest.mark.parametrize("workflow", ["technical_support", "support_center"])
def test_first_agent_public_reply_makes_the_owner(workflow, make_case, agent):
    case = make_case(workflow)

    comment_post(case_id=case.pk, actor=agent, body="Mine.")

    assert reload(case).assignee == agent


@pytest.mark.parametrize("workflow", ["technical_support", "support_center"])
def test_later_agent_reply_keeps_the_owner(workflow, make_case, agent, other_agent):
    case = make_case(workflow)
    comment_post(case_id=case.pk, actor=agent, body="Mine.")

    comment_post(case_id=case.pk, actor=other_agent, body="Helping out.")

    assert reload(case).assignee == agent


@pytest.mark.parametrize(
    ("workflow", "name", "payload"),
    [
        ("technical_support", "close", {"note": "Duplicate of another case."}),
        ("support_center", "start_progress", {}),
    ],
)
def test_first_agent_transition_makes_the_owner(workflow, name, payload, make_case, agent):
    case = make_case(workflow)

    perform_transition(case_id=case.pk, name=name, actor=agent, **payload)

    assert reload(case).assignee == agent


@pytest.mark.parametrize("workflow", ["technical_support", "support_center"])
def test_internal_note_does_not_make_the_owner(workflow, make_case, agent):
    case = make_case(workflow)

    comment_post(case_id=case.pk, actor=agent, body="Not mine yet.", internal=True)

    assert reload(case).assignee is None


@pytest.mark.parametrize("workflow", ["customer_service", "release_tracking"])
def test_agent_public_reply_makes_no_owner_outside_owner_workflows(workflow, make_case, agent):
    case = make_case(workflow)

    comment_post(case_id=case.pk, actor=agent, body="Hello.")

    assert reload(case).assignee is None


def test_support_center_agent_reply_changes_no_status(make_case, agent):
    case = make_case("support_center")

    comment_post(case_id=case.pk, actor=agent, body="Hello.")

    assert reload(case).status == "new"


# --- a customer's public reply ---------------------------------------------------------------


@pytest.mark.parametrize(
    "status", sorted(TABLES["technical_support"].transitions["customer_reply"].sources)
)
def test_colleague_public_reply_fires_customer_reply(status, make_case, cast, colleague):
    case = walk_to(make_case("technical_support"), status, cast)
    before = len(new_history(case, 0))

    comment_post(case_id=case.pk, actor=colleague, body="It happened again.")

    rows = [(e.transition, e.source, e.target, e.actor) for e in new_history(case, before)]
    assert rows == [("customer_reply", status, "customer_replied", colleague)]


@pytest.mark.parametrize("status", ["new", "customer_replied"])
def test_customer_reply_while_new_or_customer_replied_changes_nothing(
    status, make_case, cast, customer
):
    case = walk_to(make_case("technical_support"), status, cast)
    before = snapshot(case)

    comment_post(case_id=case.pk, actor=customer, body="Anyone there?")

    after = snapshot(case)
    assert (after["status"], after["history"]) == (before["status"], before["history"])


def test_customer_public_reply_reopens_awaiting_confirmation(make_case, cast, customer):
    case = walk_to(make_case("support_center"), "awaiting_customer_confirmation", cast)

    comment_post(case_id=case.pk, actor=customer, body="That did not help.")

    assert _transitions(case)[-1] == (
        "customer_comment",
        "awaiting_customer_confirmation",
        "reopened",
    )


@pytest.mark.parametrize(
    "sub_status",
    ["customer_input", "development", "scheduled_support_service", "third_party_provider"],
)
def test_customer_public_reply_while_pending_is_an_update(sub_status, make_case, agent, customer):
    case = make_case("support_center")
    perform_transition(case_id=case.pk, name="set_pending", actor=agent, sub_status=sub_status)

    comment_post(case_id=case.pk, actor=customer, body="Here are the logs.")

    assert _transitions(case)[-1] == ("customer_update", "pending", "update_received")


@pytest.mark.parametrize("status", ["new", "in_progress", "reopened", "update_received"])
def test_support_center_customer_reply_elsewhere_changes_no_status(
    status, make_case, cast, customer
):
    case = walk_to(make_case("support_center"), status, cast)

    comment_post(case_id=case.pk, actor=customer, body="Hello?")

    assert reload(case).status == status


def test_customer_public_reply_in_awaiting_info_opens_case(make_case, cast, customer):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    comment_post(case_id=case.pk, actor=customer, body="Serial number is 42.")

    assert _transitions(case)[-1] == ("customer_update", "awaiting_info", "open")


def test_customer_edit_in_awaiting_info_opens_case(make_case, cast, customer):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    case_update(case_id=case.pk, actor=customer, changes={"description": "Serial number is 42."})

    assert _transitions(case)[-1] == ("customer_update", "awaiting_info", "open")


def test_customer_edit_update_is_recorded_with_the_customer(make_case, cast, colleague):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    case_update(case_id=case.pk, actor=colleague, changes={"subject": "Printer still on fire"})

    assert new_history(case, 0)[-1].actor == colleague


@pytest.mark.parametrize("status", ["new", "open"])
def test_customer_edit_elsewhere_changes_no_status(status, make_case, cast, customer):
    case = walk_to(make_case("customer_service"), status, cast)

    case_update(case_id=case.pk, actor=customer, changes={"description": "More detail."})

    assert reload(case).status == status


def test_agent_edit_in_awaiting_info_changes_no_status(make_case, cast, agent):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    case_update(case_id=case.pk, actor=agent, changes={"description": "Rephrased."})

    assert reload(case).status == "awaiting_info"


def test_agent_public_reply_in_awaiting_info_changes_no_status(make_case, cast, agent):
    case = walk_to(make_case("customer_service"), "awaiting_info", cast)

    comment_post(case_id=case.pk, actor=agent, body="Still waiting for the serial number.")

    assert reload(case).status == "awaiting_info"


# --- release_tracking: a reply unlocks send_to_development -----------------------------------


def test_customer_reply_while_waiting_changes_no_status(make_case, cast, customer):
    case = walk_to(make_case("release_tracking"), "waiting_for_customer_response", cast)
    before = snapshot(case)

    comment_post(case_id=case.pk, actor=customer, body="Version 3.2.")

    after = snapshot(case)
    assert (after["status"], after["history"]) == (before["status"], before["history"])


def test_send_to_development_while_waiting_without_reply_is_conflict(make_case, cast, agent):
    case = walk_to(make_case("release_tracking"), "waiting_for_customer_response", cast)

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="send_to_development", actor=agent)


def test_customer_reply_while_waiting_unlocks_send_to_development(make_case, cast, customer, agent):
    case = walk_to(make_case("release_tracking"), "waiting_for_customer_response", cast)
    comment_post(case_id=case.pk, actor=customer, body="Version 3.2.")

    perform_transition(case_id=case.pk, name="send_to_development", actor=agent)

    assert reload(case).status == "send_to_development"


def test_customer_reply_before_entering_waiting_does_not_unlock(make_case, cast, customer, agent):
    case = walk_to(make_case("release_tracking"), "investigation_underway", cast)
    replied = timezone.now() + timedelta(minutes=1)
    comment_post(case_id=case.pk, actor=customer, body="Version 3.2.", now=replied)
    perform_transition(
        case_id=case.pk,
        name="request_customer_response",
        actor=agent,
        now=replied + timedelta(minutes=1),
    )

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="send_to_development", actor=agent)


def test_agent_reply_while_waiting_does_not_unlock(make_case, cast, agent):
    case = walk_to(make_case("release_tracking"), "waiting_for_customer_response", cast)
    comment_post(case_id=case.pk, actor=agent, body="Which version do you run?")

    with pytest.raises(Conflict):
        perform_transition(case_id=case.pk, name="send_to_development", actor=agent)


# --- what never fires an automatic transition -----------------------------------------------


@pytest.mark.parametrize(
    ("workflow", "status"),
    [
        ("technical_support", "new"),
        ("technical_support", "customer_replied"),
    ],
)
def test_agent_internal_note_fires_nothing(workflow, status, make_case, cast, agent):
    case = walk_to(make_case(workflow), status, cast)
    before = snapshot(case)

    comment_post(case_id=case.pk, actor=agent, body="Waiting on the vendor.", internal=True)

    after = snapshot(case)
    assert (after["status"], after["history"]) == (before["status"], before["history"])


def test_customer_internal_note_is_refused(make_case, cast, customer):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)

    with pytest.raises(InvalidInput) as refused:
        comment_post(case_id=case.pk, actor=customer, body="Psst.", internal=True)

    assert list(refused.value.errors) == ["internal"]


def test_customer_internal_note_writes_nothing(make_case, cast, customer):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    before = snapshot(case)

    with pytest.raises(InvalidInput):
        comment_post(case_id=case.pk, actor=customer, body="Psst.", internal=True)

    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("workflow", "status", "name"),
    [
        ("technical_support", "customer_replied", "propose_solution"),
        ("technical_support", "work_in_progress", "propose_solution"),
        ("support_center", "in_progress", "provide_answer"),
        ("support_center", "reopened", "provide_answer"),
    ],
)
def test_transition_message_is_posted_as_public_reply(workflow, status, name, make_case, cast):
    case = walk_to(make_case(workflow), status, cast)
    agent = cast["agent"]

    perform_transition(case_id=case.pk, name=name, actor=agent, note="Reboot it.")

    posted = [(c.author, c.body, c.internal) for c in reload(case).comments.all()]
    assert posted[-1] == (agent, "Reboot it.", False)


@pytest.mark.parametrize(
    ("workflow", "status", "name", "target"),
    [
        ("technical_support", "customer_replied", "propose_solution", "solution_proposed"),
        ("support_center", "in_progress", "provide_answer", "awaiting_customer_confirmation"),
        ("support_center", "update_received", "provide_answer", "awaiting_customer_confirmation"),
    ],
)
def test_transition_message_fires_no_automatic_transition(
    workflow, status, name, target, make_case, cast
):
    case = walk_to(make_case(workflow), status, cast)
    before = len(new_history(case, 0))

    perform_transition(case_id=case.pk, name=name, actor=cast["agent"], note="Reboot it.")

    rows = [(e.transition, e.target) for e in new_history(case, before)]
    assert rows == [(name, target)]
