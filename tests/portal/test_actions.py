"""What a customer does on the case page: reply, the workflow's transitions, delete, the survey.
Each goes through the service the API calls; a refusal comes back as a message on the case page
with what was typed kept, under the refusal's HTTP status."""

import pytest
from django.urls import reverse

from cases.errors import InvalidInput
from cases.models import Survey
from services.cases import case_delete
from tests.portal.conftest import case_url
from tests.portal.html import parse
from tests.workflows.spec_tables import TABLES
from tests.workflows.walking import reload
from workflows.metadata import describe
from workflows.transitions import available_transitions, perform_transition

EVERY_STATUS = [
    (workflow, status) for workflow, table in TABLES.items() for status in table.status_keys
]


def alert_of(response) -> str:
    alert = parse(response.content).find_or_none(role="alert")
    return alert.text() if alert is not None else ""


def status_message_of(response) -> str:
    status = parse(response.content).find_or_none(role="status")
    return status.text() if status is not None else ""


@pytest.mark.parametrize(("workflow", "status"), EVERY_STATUS)
def test_the_actions_are_exactly_the_customers_available_transitions(
    portal, case_in, customer, workflow, status
):
    case = case_in(workflow, status)
    info = describe(workflow)
    expected = [
        transition.label
        for name in available_transitions(case, customer)
        if (transition := info.transition(name)) is not None
    ]
    region = parse(portal.get(case_url(case)).content).region_or_none("Actions")
    shown = region.buttons() if region is not None else []
    assert shown == expected


def test_the_actions_share_one_note_and_each_posts_to_its_own_url(portal, case_in):
    case = case_in("technical_support", "solution_proposed")
    actions = parse(portal.get(case_url(case)).content).region("Actions")
    assert actions.field("Note").tag == "textarea"
    assert "optional" in actions.text()
    targets = {
        button.text(): button.attrs["formaction"]
        for button in actions.find_all("button", type="submit")
    }
    assert targets == {
        "Accept solution": case_url(case, "transition", "accept_solution"),
        "Reject solution": case_url(case, "transition", "reject_solution"),
        "Close": case_url(case, "transition", "close"),
    }


def test_close_asks_for_confirmation_in_a_dialog(portal, case_in):
    page = parse(portal.get(case_url(case_in("technical_support", "work_in_progress"))).content)
    dialog = page.region("Actions").find("dialog")
    assert "Yes, close" in [button.text() for button in dialog.find_all("button")]


# --- reply ------------------------------------------------------------------------------------


def test_a_reply_is_posted_and_says_so(portal, case_in):
    case = case_in("technical_support", "pending_customer")
    response = portal.post(case_url(case, "reply"), {"body": "Here are the logs."}, follow=True)
    assert response.redirect_chain[-1][0] == case_url(case) + "#conversation"
    assert "Your reply was sent." in status_message_of(response)
    assert reload(case).status == "customer_replied"
    assert "Here are the logs." in parse(response.content).region("Conversation").text()


def test_a_reply_on_a_closed_case_is_refused_and_the_text_kept(portal, case_in):
    case = case_in("technical_support", "closed")
    response = portal.post(case_url(case, "reply"), {"body": "Hello? Anyone?"})
    assert response.status_code == 409
    assert "A closed case cannot be updated." in alert_of(response)
    page = parse(response.content)
    assert page.region("Reply").field("Reply").text() == "Hello? Anyone?"
    assert not reload(case).comments.filter(body="Hello? Anyone?").exists()


def test_a_reply_on_a_resolved_customer_service_case_is_refused(portal, case_in):
    case = case_in("customer_service", "resolved")
    response = portal.post(case_url(case, "reply"), {"body": "Thanks!"})
    assert response.status_code == 409
    assert "accept or reject the solution" in alert_of(response)


def test_an_empty_reply_is_an_error_beside_the_field(portal, case_in):
    case = case_in()
    response = portal.post(case_url(case, "reply"), {"body": ""})
    assert response.status_code == 400
    page = parse(response.content)
    assert "This field is required." in page.by_id("id_body_error").text()


# --- transitions ------------------------------------------------------------------------------


def test_a_transition_is_performed_and_says_so(portal, case_in):
    case = case_in("technical_support", "solution_proposed")
    response = portal.post(
        case_url(case, "transition", "reject_solution"),
        {"note": "Still broken after the update."},
        follow=True,
    )
    assert "Solution rejected. The case is now Work in Progress." in status_message_of(response)
    assert reload(case).status == "work_in_progress"
    assert "Still broken after the update." in parse(response.content).region("Conversation").text()


def test_an_action_done_meanwhile_in_another_tab_is_a_conflict(portal, case_in, customer):
    case = case_in("technical_support", "solution_proposed")
    perform_transition(case_id=case.pk, name="accept_solution", actor=customer)
    response = portal.post(case_url(case, "transition", "reject_solution"), {"note": "No good."})
    assert response.status_code == 409
    alert = alert_of(response)
    assert "Reject solution was not done" in alert and "now Closed" in alert
    assert reload(case).status == "closed"


def test_a_refused_note_comes_back_beside_the_field(portal, case_in, monkeypatch):
    case = case_in("technical_support", "solution_proposed")

    def refuse(**kwargs):
        raise InvalidInput.field("note", "This field is required.")

    monkeypatch.setattr("web.case_actions.perform_transition", refuse)
    response = portal.post(case_url(case, "transition", "reject_solution"), {"note": " "})
    assert response.status_code == 400
    page = parse(response.content)
    assert "This field is required." in page.by_id("id_note_error").text()
    assert "Reject solution was not done" in alert_of(response)


def test_a_note_too_long_is_kept_and_marked(portal, case_in):
    case = case_in("technical_support", "solution_proposed")
    note = "x" * 20_001
    response = portal.post(case_url(case, "transition", "reject_solution"), {"note": note})
    assert response.status_code == 400
    page = parse(response.content)
    assert page.region("Actions").field("Note").text() == note
    assert page.exists(id="id_note_error")
    assert reload(case).status == "solution_proposed"


def test_a_transition_of_support_is_forbidden(portal, case_in):
    case = case_in("technical_support", "new")
    response = portal.post(case_url(case, "transition", "start_work"), {})
    assert response.status_code == 403
    assert "was not done" in alert_of(response)
    assert reload(case).status == "new"


def test_close_without_javascript_asks_on_a_page_of_its_own(portal, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = portal.post(case_url(case, "transition", "close"), {"note": "Fixed itself."})
    assert response.status_code == 200
    page = parse(response.content)
    form = page.find("form", class_="confirmation card")
    assert form.attrs["action"] == case_url(case, "transition", "close")
    assert "Yes, close" in page.buttons()
    carried = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input", type="hidden")}
    assert carried["note"] == "Fixed itself." and carried["confirmed"] == "yes"
    assert reload(case).status == "work_in_progress"


def test_close_once_confirmed_closes(portal, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = portal.post(
        case_url(case, "transition", "close"),
        {"note": "Fixed itself.", "confirmed": "yes"},
        follow=True,
    )
    assert "Case closed. The case is now Closed." in status_message_of(response)
    assert reload(case).status == "closed"


# --- delete -----------------------------------------------------------------------------------


def test_delete_case_is_offered_where_the_workflow_lets_the_customer(portal, case_in):
    resolved = parse(portal.get(case_url(case_in("customer_service", "resolved"))).content)
    region = resolved.region("Delete case")
    assert "Delete case" in region.buttons()
    assert "Yes, delete case" in [b.text() for b in region.find("dialog").find_all("button")]
    for workflow, status in [("customer_service", "open"), ("technical_support", "new")]:
        page = parse(portal.get(case_url(case_in(workflow, status))).content)
        assert not page.has_region("Delete case")


def test_delete_asks_for_confirmation_then_deletes(portal, case_in):
    case = case_in("customer_service", "resolved")
    asked = portal.post(case_url(case, "delete"), {})
    assert asked.status_code == 200
    assert "Yes, delete case" in parse(asked.content).buttons()
    assert reload(case).deleted_at is None
    done = portal.post(case_url(case, "delete"), {"confirmed": "yes"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("portal:cases")
    assert f"Case {case.reference} was deleted." in status_message_of(done)
    assert reload(case).deleted_at is not None
    assert portal.get(case_url(case)).status_code == 404


def test_a_refused_delete_says_why(portal, case_in):
    case = case_in("customer_service", "open")
    response = portal.post(case_url(case, "delete"), {"confirmed": "yes"})
    assert response.status_code == 409
    assert "The case was not deleted" in alert_of(response)
    assert reload(case).deleted_at is None


# --- survey -----------------------------------------------------------------------------------


@pytest.fixture
def accepted(case_in, customer):
    case = case_in("customer_service", "resolved")
    perform_transition(case_id=case.pk, name="accept_solution", actor=customer)
    return case


def test_the_survey_is_offered_after_accepting_the_solution(portal, accepted):
    region = parse(portal.get(case_url(accepted)).content).region("Satisfaction survey")
    assert region.find("legend").text() == "Rating"
    radios = region.find_all("input", type="radio")
    labels = [region.find("label", for_=radio.attrs["id"]).text() for radio in radios]
    assert [label[0] for label in labels] == ["1", "2", "3", "4", "5"]
    assert labels[0] == "1 — Very dissatisfied" and labels[4] == "5 — Very satisfied"
    assert region.field("Comment").tag == "textarea"
    assert "Send feedback" in region.buttons()


def test_sending_the_survey_thanks_and_shows_the_rating(portal, accepted):
    response = portal.post(
        case_url(accepted, "survey"), {"rating": "4", "comment": "Quick help."}, follow=True
    )
    assert "Thank you for your feedback." in status_message_of(response)
    region = parse(response.content).region("Satisfaction survey")
    assert "You rated this case 4 out of 5." in region.text()
    assert not region.exists("form")
    assert Survey.objects.get(case=accepted).rating == 4


def test_a_survey_without_a_rating_asks_for_one(portal, accepted):
    response = portal.post(case_url(accepted, "survey"), {"comment": "Meh"})
    assert response.status_code == 400
    region = parse(response.content).region("Satisfaction survey")
    assert "Choose a rating from 1 to 5." in region.text()
    assert region.field("Comment").text() == "Meh"


def test_a_second_survey_is_refused(portal, accepted, customer):
    from services.surveys import survey_submit

    survey_submit(case_id=accepted.pk, actor=customer, rating=5)
    response = portal.post(case_url(accepted, "survey"), {"rating": "1"})
    assert response.status_code == 409
    assert "Your feedback was not sent" in alert_of(response)


def test_no_survey_for_a_case_closed_otherwise(portal, case_in):
    case = case_in("customer_service", "closed")
    assert not parse(portal.get(case_url(case)).content).has_region("Satisfaction survey")


def test_no_survey_after_the_case_was_deleted(portal, case_in, customer):
    case = case_in("customer_service", "resolved")
    case_delete(case_id=case.pk, actor=customer)
    assert portal.post(case_url(case, "survey"), {"rating": "5"}).status_code == 404
