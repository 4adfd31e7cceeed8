"""New case on a customer's behalf: requester, queue, subject, description, priority, channel
and attachments; then the case page with a message naming the reference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from tests.factories import CustomerFactory

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
    assert f"Case {case.reference} created for alice." in follow.content.decode()


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


@pytest.fixture
def many_customers(monkeypatch):
    """More customers than New case lists in its select: the Requester is typed."""
    monkeypatch.setattr("agent.forms.SELECT_UP_TO", 0)


def test_with_many_customers_the_requester_is_typed(desk, customer, queues, many_customers):
    page = desk.get(NEW).content.decode()
    requester = page.split('name="requester"', 1)[1].split(">", 1)[0]
    assert 'data-lookup="/agent/people/?active=1"' in requester
    assert customer.username not in page  # typed, not chosen from every customer


def test_with_few_customers_the_requester_is_chosen_from_them_all(desk, customer, queues):
    response = desk.post(
        NEW,
        {
            "requester": customer.pk,
            "queue": queues["technical_support"].pk,
            "subject": "Phone call",
            "priority": 20,
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().requester == customer


def _new_case(desk, queues, requester: str, **fields):
    return desk.post(
        NEW,
        {
            "requester": requester,
            "queue": queues["technical_support"].pk,
            "subject": "Phone call",
            "priority": 20,
            "channel": "phone",
            **fields,
        },
    )


def test_part_of_a_name_that_names_one_customer_is_enough(desk, customer, queues, many_customers):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    response = _new_case(desk, queues, "alice mar")
    assert response.status_code == 302
    assert Case.objects.get().requester == customer


def test_a_chosen_suggestion_names_exactly_one_customer(
    desk, customer, colleague, queues, many_customers
):
    customer.email = "alice@acme.test"
    customer.save()
    colleague.email = "alice@acme.test.old"
    colleague.save()
    response = _new_case(desk, queues, "Whoever <ALICE@acme.test>")
    assert response.status_code == 302
    assert Case.objects.get().requester == customer


def test_several_matches_are_named_and_nothing_is_lost(
    desk, customer, colleague, queues, many_customers
):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    colleague.first_name, colleague.last_name = "Anna", "Martin"
    colleague.save()
    response = _new_case(desk, queues, "martin", subject="Kept")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Several customers match “martin”" in page
    assert f"Alice Martin &lt;{customer.email}&gt;" in page
    assert f"Anna Martin &lt;{colleague.email}&gt;" in page
    assert 'value="Kept"' in page and 'value="martin"' in page
    assert not Case.objects.exists()


def test_a_username_typed_in_full_wins_over_longer_ones(desk, customer, queues, many_customers):
    CustomerFactory(username="alice2", organization=customer.organization)
    response = _new_case(desk, queues, "alice")
    assert response.status_code == 302
    assert Case.objects.get().requester == customer


def test_nobody_matching_and_deactivated_customers_are_refused(
    desk, customer, queues, many_customers
):
    assert "No customer matches “zed”" in _new_case(desk, queues, "zed").content.decode()
    customer.is_active = False
    customer.save()
    assert _new_case(desk, queues, "alice").status_code == 400
    assert not Case.objects.exists()


def test_a_found_requester_is_shown_in_full_when_the_form_comes_back(
    desk, customer, queues, many_customers
):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    response = _new_case(desk, queues, "alice", subject="")
    assert response.status_code == 400
    assert f'value="Alice Martin &lt;{customer.email}&gt;"' in response.content.decode()
