"""Email in the admin: mailboxes (the password never stored, only the variable that holds it;
their status; "Test connection"), received email read-only with its failures, a queue's address,
an organization's domains, and a person whose address bounced, which a manager can clear."""

import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.admin import mail as mail_admin
from cases.models import Mailbox, Organization, Outcome, Queue, User
from cases.models.mail import Security
from tests.factories import CustomerFactory
from tests.held_mail import received

pytestmark = pytest.mark.django_db

MAILBOXES = reverse("admin:cases_mailbox_changelist")
MESSAGES = reverse("admin:cases_inboundmessage_changelist")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(queues):
    return Mailbox.objects.create(
        address="support@acme.example",
        queue=queues["support_center"],
        host="127.0.0.1",
        port=free_port(),
        security=Security.NONE,
        username="support",
        password_variable="HELPDESK_MAILBOX_PASSWORD",
    )


def mailbox_form(queue, **changes):
    form = {
        "address": "help@acme.example",
        "queue": queue.pk,
        "active": "on",
        "host": "imap.acme.example",
        "port": "993",
        "security": "tls",
        "username": "help",
        "password_variable": "HELPDESK_MAILBOX_PASSWORD",
        "folder": "INBOX",
        "processed_folder": "Processed",
    }
    form.update(changes)
    return form


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Mailboxes


def test_mailboxes_are_in_the_managers_menu_under_queues(manager_client, mailbox):
    index = manager_client.get("/admin/").content.decode()

    assert MAILBOXES in index
    assert MESSAGES in index
    assert "Received email" in index


def test_a_manager_adds_a_mailbox_naming_the_variable_of_its_password(manager_client, queues):
    response = manager_client.post(
        reverse("admin:cases_mailbox_add"), mailbox_form(queues["support_center"])
    )

    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.password_variable == "HELPDESK_MAILBOX_PASSWORD"
    assert "password" not in {field.name for field in Mailbox._meta.fields}


@pytest.mark.parametrize("variable", ["SECRET_KEY", "DATABASE_URL", "lower_case", "A B"])
def test_a_mailbox_may_not_read_another_secret_as_its_password(manager_client, queues, variable):
    response = manager_client.post(
        reverse("admin:cases_mailbox_add"),
        mailbox_form(queues["support_center"], password_variable=variable),
    )

    assert response.status_code == 200
    assert "password_variable" in response.context["adminform"].form.errors
    assert not Mailbox.objects.exists()


def test_a_mailbox_may_not_read_another_queues_address(manager_client, queues):
    Queue.objects.filter(pk=queues["technical_support"].pk).update(
        email_address="help@acme.example"
    )

    response = manager_client.post(
        reverse("admin:cases_mailbox_add"), mailbox_form(queues["support_center"])
    )

    assert response.status_code == 200
    assert "address" in response.context["adminform"].form.errors


def test_the_change_page_says_whether_the_password_variable_is_set_never_its_value(
    manager_client, mailbox, monkeypatch
):
    url = reverse("admin:cases_mailbox_change", args=[mailbox.pk])
    unset = manager_client.get(url).content.decode()
    monkeypatch.setenv("HELPDESK_MAILBOX_PASSWORD", "s3cret-value")
    set_ = manager_client.get(url).content.decode()

    assert "HELPDESK_MAILBOX_PASSWORD is not set in this environment" in unset
    assert "HELPDESK_MAILBOX_PASSWORD is set in this environment" in set_
    assert "s3cret-value" not in set_
    assert "Test connection" in set_


def test_the_list_shows_each_mailboxs_status(manager_client, mailbox, queues):
    now = timezone.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(
        polled_at=now, failing_since=now - timedelta(hours=1), last_error="Log-in refused."
    )
    Mailbox.objects.create(
        address="ok@acme.example",
        queue=queues["technical_support"],
        host="imap.acme.example",
        username="ok",
        password_variable="OK_MAILBOX_PASSWORD",
        polled_at=now,
    )

    page = manager_client.get(MAILBOXES).content.decode()

    assert "Failing since" in page and "Log-in refused." in page
    assert "Working" in page


def test_test_connection_reports_a_failure_in_words(manager_client, mailbox, monkeypatch):
    monkeypatch.setenv("HELPDESK_MAILBOX_PASSWORD", "s3cret-value")

    response = manager_client.post(
        reverse("admin:cases_mailbox_test_connection", args=[mailbox.pk]), follow=True
    )

    shown = messages_of(response)
    assert len(shown) == 1
    assert shown[0].startswith("support@acme.example: ")
    assert "connected" not in shown[0]
    assert "s3cret-value" not in shown[0]


def test_test_connection_reports_success(manager_client, mailbox, monkeypatch):
    checked = []
    monkeypatch.setattr(mail_admin, "mailbox_check", lambda box: checked.append(box) or None)

    response = manager_client.post(
        reverse("admin:cases_mailbox_test_connection", args=[mailbox.pk]), follow=True
    )

    assert checked == [mailbox]
    assert messages_of(response) == [
        "support@acme.example: connected, signed in and found the folder “INBOX”."
    ]


def test_test_connection_is_an_action_on_the_list_too(manager_client, mailbox, monkeypatch):
    monkeypatch.setattr(mail_admin, "mailbox_check", lambda box: "Log-in refused.")

    response = manager_client.post(
        MAILBOXES,
        {"action": "test_connection", "_selected_action": [mailbox.pk]},
        follow=True,
    )

    assert messages_of(response) == ["support@acme.example: Log-in refused."]


def test_test_connection_needs_a_post(manager_client, mailbox):
    url = reverse("admin:cases_mailbox_test_connection", args=[mailbox.pk])

    assert manager_client.get(url).status_code == 405


# Received email


def test_received_email_is_listed_with_its_failures(manager_client):
    received(subject="Held one")
    received(
        subject="Failing one",
        outcome=Outcome.PENDING,
        reason="",
        attempts=3,
        last_error="OperationalError: database is locked",
    )

    page = manager_client.get(MESSAGES).content.decode()

    assert "Held one" in page and "Failing one" in page
    assert "database is locked" in page


def test_received_email_filters_by_outcome_and_failures(manager_client):
    received(subject="Held one")
    received(subject="Failing one", outcome=Outcome.PENDING, attempts=2, last_error="Boom")

    held = manager_client.get(MESSAGES, {"outcome__exact": "held"}).content.decode()
    failing = manager_client.get(MESSAGES, {"handling": "failing"}).content.decode()

    assert "Held one" in held and "Failing one" not in held
    assert "Failing one" in failing and "Held one" not in failing


def test_a_received_message_is_read_only_with_its_original_to_download(manager_client):
    row = received(subject="Held one")
    url = reverse("admin:cases_inboundmessage_change", args=[row.pk])

    page = manager_client.get(url)
    posted = manager_client.post(url, {"subject": "Changed"})

    assert page.status_code == 200
    assert reverse("agent:mail_original", args=[row.pk]) in page.content.decode()
    assert posted.status_code == 403
    row.refresh_from_db()
    assert row.subject == "Held one"
    assert manager_client.get(reverse("admin:cases_inboundmessage_add")).status_code == 403
    assert (
        manager_client.get(reverse("admin:cases_inboundmessage_delete", args=[row.pk])).status_code
        == 403
    )


def test_a_manager_downloads_the_original(manager_client):
    row = received()

    response = manager_client.get(reverse("agent:mail_original", args=[row.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("message/rfc822")


def test_the_received_email_list_takes_a_constant_number_of_queries(
    manager_client, make_case, django_assert_max_num_queries
):
    case = make_case()
    for n in range(20):
        received(
            subject=f"Message {n}",
            outcome=Outcome.REPLY,
            reason="",
            case=case,
            sender=f"p{n}@elsewhere.example",
        )

    with django_assert_max_num_queries(12):
        response = manager_client.get(MESSAGES)

    assert response.status_code == 200


# A queue's address


def test_a_queues_page_has_its_email_address(manager_client, queues):
    queue = queues["technical_support"]
    url = reverse("admin:cases_queue_change", args=[queue.pk])
    form = dict(manager_client.get(url).context["adminform"].form.initial)

    assert "email_address" in manager_client.get(url).context["adminform"].form.fields
    assert form.get("email_address") is None


def queue_post(client, queue, **changes):
    url = reverse("admin:cases_queue_change", args=[queue.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, timedelta):
            data[f"{name}_0"] = value.days
            data[f"{name}_1"] = value.seconds // 3600
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data.update(changes)
    return client.post(url, data)


def test_a_manager_sets_a_queues_address_lower_cased(manager_client, queues):
    queue = queues["technical_support"]

    response = queue_post(manager_client, queue, email_address="Help@Acme.example")

    assert response.status_code == 302, response.context["adminform"].form.errors
    queue.refresh_from_db()
    assert queue.email_address == "help@acme.example"


def test_a_queues_address_is_unique_in_the_admin_too(manager_client, queues):
    Queue.objects.filter(pk=queues["support_center"].pk).update(email_address="help@acme.example")
    queue = queues["technical_support"]

    response = queue_post(manager_client, queue, email_address="HELP@acme.example")

    assert response.status_code == 200
    assert "email_address" in response.context["adminform"].form.errors
    queue.refresh_from_db()
    assert queue.email_address is None


# An organization's domains


def test_a_manager_types_an_organizations_domains_one_a_line_or_with_commas(manager_client, org_a):
    url = reverse("admin:cases_organization_change", args=[org_a.pk])

    response = manager_client.post(
        url, {"name": org_a.name, "email_domains": "Acme.example\nlabs.acme.example, acme.test"}
    )

    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.email_domains == ["acme.example", "labs.acme.example", "acme.test"]
    page = manager_client.get(url).content.decode()
    assert "acme.example\nlabs.acme.example\nacme.test" in page


@pytest.mark.parametrize(
    "typed", ["someone@acme.example", "gmail.com", "not_a_domain", "acme.example acme.example"]
)
def test_invalid_domains_are_refused_beside_the_field(manager_client, org_a, typed):
    url = reverse("admin:cases_organization_change", args=[org_a.pk])

    response = manager_client.post(url, {"name": org_a.name, "email_domains": typed})

    assert response.status_code == 200
    assert "email_domains" in response.context["adminform"].form.errors
    org_a.refresh_from_db()
    assert org_a.email_domains == []


def test_a_domain_of_another_organization_is_refused(manager_client, org_a, org_b):
    Organization.objects.filter(pk=org_b.pk).update(email_domains=["acme.example"])
    url = reverse("admin:cases_organization_change", args=[org_a.pk])

    response = manager_client.post(url, {"name": org_a.name, "email_domains": "acme.example"})

    assert "Org B" in str(response.context["adminform"].form.errors["email_domains"])


# A person whose address bounced


@pytest.fixture
def bounced(org_a):
    return CustomerFactory(
        username="bounced",
        organization=org_a,
        email_undeliverable_since=timezone.now() - timedelta(days=1),
        email_undeliverable_reason="550 5.1.1 No such user",
    )


def test_a_persons_page_says_their_email_is_undeliverable_and_why(manager_client, bounced):
    page = manager_client.get(
        reverse("admin:cases_user_change", args=[bounced.pk])
    ).content.decode()

    assert "Email undeliverable since" in page
    assert "550 5.1.1 No such user" in page
    assert "Clear undeliverable" in page


def test_a_person_whose_mail_arrives_has_no_button_to_clear(manager_client, customer):
    page = manager_client.get(
        reverse("admin:cases_user_change", args=[customer.pk])
    ).content.decode()

    assert "Delivered" in page
    assert reverse("admin:cases_user_clear_undeliverable", args=[customer.pk]) not in page


def test_a_manager_clears_the_mark(manager_client, bounced):
    response = manager_client.post(
        reverse("admin:cases_user_clear_undeliverable", args=[bounced.pk]), follow=True
    )

    bounced.refresh_from_db()
    assert bounced.email_undeliverable_since is None
    assert bounced.email_undeliverable_reason == ""
    assert any("will receive email again" in shown for shown in messages_of(response))


def test_the_list_filters_undeliverable_people_and_clears_them_in_bulk(
    manager_client, bounced, customer
):
    listing = manager_client.get(
        reverse("admin:cases_user_changelist"), {"email": "undeliverable"}
    ).content.decode()
    manager_client.post(
        reverse("admin:cases_user_changelist"),
        {"action": "clear_undeliverable", "_selected_action": [bounced.pk, customer.pk]},
    )

    assert "bounced" in listing and customer.username not in listing
    assert not User.objects.filter(email_undeliverable_since__isnull=False).exists()
