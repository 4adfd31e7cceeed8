"""New case: the form, its errors beside the fields with nothing lost, and the follow-up of a
closed case (prefilled, opened through case_repeat so that it links back)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, Priority
from tests.portal.conftest import case_url
from tests.portal.html import parse

NEW = reverse("portal:case_new")


def test_the_form_has_its_fields_and_button(portal, queues):
    page = parse(portal.get(NEW).content)
    assert page.field("Queue").tag == "select"
    assert page.field("Subject").tag == "input"
    assert page.field("Description").tag == "textarea"
    assert page.field("Priority").tag == "select"
    files = page.field("Attachments")
    assert files.attrs["type"] == "file" and "multiple" in files.attrs
    assert "Create case" in page.buttons()
    assert "Markdown" in page.by_id("id_description_helptext").text()
    selected = page.field("Priority").find("option", selected="")
    assert selected.text() == "Normal"


def test_creating_a_case_opens_its_page_with_a_message_naming_it(portal, queues, customer):
    response = portal.post(
        NEW,
        {
            "queue": queues["technical_support"].pk,
            "subject": "VPN drops every hour",
            "description": "Since **Monday**.",
            "priority": Priority.HIGH,
        },
        follow=True,
    )
    case = Case.objects.get(subject="VPN drops every hour")
    assert response.redirect_chain == [(case_url(case), 302)]
    assert case.requester == customer
    assert case.priority == Priority.HIGH
    assert case.channel == "portal"
    status = parse(response.content).find(role="status")
    assert str(case.reference) in status.text()


def test_files_come_with_the_new_case(portal, queues):
    files = [
        SimpleUploadedFile("screenshot.png", b"\x89PNG...", content_type="image/png"),
        SimpleUploadedFile("log.txt", b"boom", content_type="text/plain"),
    ]
    portal.post(
        NEW,
        {
            "queue": queues["customer_service"].pk,
            "subject": "Refund",
            "description": "Charged twice.",
            "priority": Priority.NORMAL,
            "attachments": files,
        },
    )
    case = Case.objects.get(subject="Refund")
    assert sorted(case.attachments.values_list("filename", flat=True)) == [
        "log.txt",
        "screenshot.png",
    ]
    page = parse(portal.get(case_url(case)).content)
    names = [link.text() for link in page.region("Conversation").links()]
    assert names == ["screenshot.png", "log.txt"]


def test_errors_stand_beside_their_fields_and_keep_what_was_typed(portal, queues):
    response = portal.post(
        NEW,
        {
            "queue": queues["technical_support"].pk,
            "subject": "",
            "description": "All the details I typed.",
            "priority": Priority.LOW,
            "attachments": [SimpleUploadedFile("log.txt", b"boom")],
        },
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert "This field is required." in page.by_id("id_subject_error").text()
    assert page.field("Description").text() == "All the details I typed."
    assert page.field("Priority").find("option", selected="").text() == "Low"
    assert "choose them again" in page.by_id("id_attachments_error").text()
    assert page.exists(class_="error-summary")
    assert not Case.objects.exists()


@pytest.fixture
def closed_case(case_in):
    return case_in("technical_support", "closed", subject="Printer on fire")


def test_a_follow_up_prefills_queue_and_subject(portal, closed_case):
    response = portal.get(NEW, {"repeat_of": closed_case.reference})
    page = parse(response.content)
    assert page.field("Subject").attrs["value"] == f"Repeat of {closed_case.reference}"
    queue = page.field("Queue")
    assert queue.find("option", selected="").text() == "technical_support"
    assert "disabled" in queue.attrs


def test_a_follow_up_opens_a_repeat_that_links_back(portal, closed_case, customer):
    response = portal.post(
        f"{NEW}?repeat_of={closed_case.reference}",
        {"subject": f"Repeat of {closed_case.reference}", "description": "It burns again."},
        follow=True,
    )
    repeat = Case.objects.get(repeat_of=closed_case)
    assert response.redirect_chain == [(case_url(repeat), 302)]
    assert repeat.queue == closed_case.queue and repeat.status == "new"
    assert repeat.description == "It burns again."
    link = parse(response.content).find("a", href=case_url(closed_case))
    assert link.text() == closed_case.reference


def test_a_case_that_is_not_closed_cannot_be_repeated(portal, case_in):
    case = case_in("technical_support", "work_in_progress")
    response = portal.get(NEW, {"repeat_of": case.reference})
    page = parse(response.content)
    assert "cannot be repeated" in page.find(role="alert").text()
    assert page.field("Subject").attrs.get("value", "") == ""
    assert "disabled" not in page.field("Queue").attrs


def test_a_workflow_without_follow_ups_cannot_be_repeated(portal, case_in):
    case = case_in("customer_service", "closed")
    response = portal.get(NEW, {"repeat_of": case.reference})
    assert "cannot be repeated" in parse(response.content).find(role="alert").text()


def test_too_many_files_are_refused_beside_the_field(portal, queues, settings):
    settings.ATTACHMENTS_MAX_FILES = 2
    files = [SimpleUploadedFile(f"log-{n}.txt", b"boom") for n in range(3)]
    response = portal.post(
        NEW,
        {
            "queue": queues["technical_support"].pk,
            "subject": "Logs",
            "description": "Kept as typed.",
            "priority": Priority.NORMAL,
            "attachments": files,
        },
    )
    assert response.status_code == 413
    page = parse(response.content)
    errors = page.by_id("id_attachments_error").text()
    assert "At most 2 files" in errors and "choose them again" in errors
    assert page.field("Description").text() == "Kept as typed."
    assert not Case.objects.exists()


def test_a_follow_up_takes_files_too(portal, closed_case):
    portal.post(
        f"{NEW}?repeat_of={closed_case.reference}",
        {
            "subject": "Again",
            "description": "Smoke again.",
            "attachments": [SimpleUploadedFile("again.txt", b"smoke")],
        },
    )
    repeat = Case.objects.get(repeat_of=closed_case)
    assert list(repeat.attachments.values_list("filename", flat=True)) == ["again.txt"]


# --- what customers choose from -------------------------------------------------------------


def test_queues_are_offered_by_their_customer_facing_name_and_line(portal, queues):
    queue = queues["customer_service"]
    queue.public_name = "Billing and invoices"
    queue.public_description = "Charges, refunds and invoices."
    queue.save()
    options = [o.text() for o in parse(portal.get(NEW).content).field("Queue").find_all("option")]
    assert "Billing and invoices — Charges, refunds and invoices." in options
    assert "customer_service" not in options
    assert "technical_support" in options  # a queue without a public name keeps its own


def test_a_description_is_required(portal, queues):
    response = portal.post(
        NEW,
        {"queue": queues["technical_support"].pk, "subject": "VPN", "priority": Priority.NORMAL},
    )
    assert response.status_code == 400
    assert "This field is required." in parse(response.content).by_id("id_description_error").text()
    assert not Case.objects.exists()


def test_urgent_is_for_support_by_default(portal, queues):
    options = [
        o.text() for o in parse(portal.get(NEW).content).field("Priority").find_all("option")
    ]
    assert options == ["Low", "Normal", "High"]
    response = portal.post(
        NEW,
        {
            "queue": queues["technical_support"].pk,
            "subject": "VPN",
            "description": "Down.",
            "priority": Priority.URGENT,
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_queue_may_let_customers_choose_urgent(portal, queues):
    queue = queues["technical_support"]
    queue.highest_customer_priority = Priority.URGENT
    queue.save()
    data = {"queue": queue.pk, "subject": "Down", "description": "All of it.", "priority": 40}
    portal.post(NEW, data)
    assert Case.objects.get(subject="Down").priority == Priority.URGENT
    other = queues["customer_service"]
    response = portal.post(NEW, {**data, "queue": other.pk, "subject": "Refund now"})
    error = parse(response.content).by_id("id_priority_error").text()
    assert "you may choose up to High" in error
