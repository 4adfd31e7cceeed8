"""New case on a customer's behalf: requester, queue, subject, description, priority, channel
and attachments; then the case page with a message naming the reference."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case

NEW = reverse("agent:case_new")


def test_the_form_has_every_field(desk, customer, queues):
    page = desk.get(NEW).content.decode()
    for label in (
        "Requester",
        "Queue",
        "Subject",
        "Description",
        "Priority",
        "Channel",
        "Attachments",
    ):
        assert f">{label}</label>" in page or f">{label}<" in page, label
    assert ">Create case</button>" in page
    assert "Org A" in page  # the customer is named with their organization
    for channel in ("Phone", "Email", "Chat", "Agent"):
        assert f">{channel}</option>" in page
    assert "multiple" in page.split('name="attachments"', 1)[1].split(">", 1)[0]


def test_a_case_opens_for_the_customer(desk, agent, customer, queues):
    response = desk.post(
        NEW,
        {
            "requester": customer.pk,
            "queue": queues["technical_support"].pk,
            "subject": "Phone call: cannot log in",
            "description": "Since this morning.",
            "priority": 30,
            "channel": "phone",
            "attachments": [SimpleUploadedFile("screen.txt", b"hello", "text/plain")],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/cases/{case.reference}/"
    assert (case.requester, case.organization, case.channel, case.priority) == (
        customer,
        customer.organization,
        "phone",
        30,
    )
    assert case.attachments.count() == 1
    follow = desk.get(reverse("agent:cases"))
    assert f"Case {case.reference} is open." in follow.content.decode()


def test_errors_are_shown_and_nothing_is_lost(desk, customer, queues):
    response = desk.post(NEW, {"requester": customer.pk, "subject": "Kept", "channel": "fax"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="Kept"' in page
    assert not Case.objects.exists()


def test_a_non_customer_is_no_requester(desk, other_agent, queues):
    response = desk.post(
        NEW,
        {
            "requester": other_agent.pk,
            "queue": queues["technical_support"].pk,
            "subject": "x",
            "priority": 20,
            "channel": "email",
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists()
