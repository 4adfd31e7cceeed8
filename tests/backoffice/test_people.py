"""A person's page for managers: who they are, their role and organization, whether they may
sign in, a button that emails them a link to choose a password, and none of Django's permission
machinery; adding someone with a password or with that link."""

import pytest
from django.core import mail
from django.test import Client

from cases.models import User
from tests.factories import CustomerFactory, ManagerFactory

MACHINERY = (
    'name="is_staff"',
    'name="is_superuser"',
    'name="groups"',
    'name="user_permissions"',
    "Last login",
    "Date joined",
)
NEW_PASSWORD = "a-long-and-fresh-pass-77"


def change_page(client, person):
    return client.get(f"/admin/cases/user/{person.pk}/change/")


def change_data(person, **fields):
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "organization": person.organization_id or "",
        "is_active": "on" if person.is_active else "",
    }
    return {**data, **fields}


def add(client, **fields):
    data = {
        "username": "dana",
        "first_name": "Dana",
        "last_name": "Doyle",
        "email": "dana@example.com",
        "role": "agent",
        "organization": "",
        "password1": "",
        "password2": "",
    }
    return client.post("/admin/cases/user/add/", {**data, **fields})


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_a_managers_view_of_a_person_has_no_permission_machinery(manager_client, customer):
    page = change_page(manager_client, customer).content.decode()
    for field in ("first_name", "last_name", "email", "role", "organization", "is_active"):
        assert f'name="{field}"' in page, field
    for machinery in MACHINERY:
        assert machinery not in page, machinery
    assert f'action="/admin/cases/user/{customer.pk}/send-password-link/"' in page


@pytest.mark.django_db
def test_a_superuser_finds_the_machinery_folded_away(superuser_client, customer):
    page = change_page(superuser_client, customer).content.decode()
    assert "Technical (superusers only)" in page
    assert 'name="is_superuser"' in page and 'name="user_permissions"' in page
    assert "<details" in page  # folded: Django's collapsible fieldset


@pytest.mark.django_db
def test_the_page_is_titled_by_name_and_username(manager_client, customer):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    assert "<h2>Alice Martin (alice)</h2>" in change_page(manager_client, customer).content.decode()


@pytest.mark.django_db
def test_a_manager_changes_name_role_and_activity(manager_client, customer):
    response = manager_client.post(
        f"/admin/cases/user/{customer.pk}/change/",
        change_data(
            customer,
            first_name="Alice",
            last_name="Martin",
            role="agent",
            organization="",
            is_active="",
        ),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.display_name, customer.role, customer.is_active) == (
        "Alice Martin",
        "agent",
        False,
    )


@pytest.mark.django_db
def test_an_agent_with_an_organization_is_refused_beside_the_field(manager_client, customer):
    response = manager_client.post(
        f"/admin/cases/user/{customer.pk}/change/", change_data(customer, role="agent")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["organization"] == ["Only customers belong to an organization."]
    customer.refresh_from_db()
    assert customer.role == "customer"


@pytest.mark.django_db
def test_someone_added_without_a_password_gets_a_link_to_choose_one(
    manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(manager_client)
    dana = User.objects.get(username="dana")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/user/{dana.pk}/change/"
    assert (dana.display_name, dana.role, dana.has_usable_password()) == (
        "Dana Doyle",
        "agent",
        False,
    )
    [email] = mail.outbox
    assert email.to == ["dana@example.com"]
    assert "/accounts/reset/" in email.body
    said = messages_of(manager_client.get(response["Location"]))
    assert any("an email with a link to choose one is on its way" in m for m in said)


@pytest.mark.django_db
def test_the_link_lets_them_choose_a_password(manager_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add(manager_client)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    visitor = Client()
    form = visitor.get(link[link.index("/accounts/") :], follow=True)
    assert form.status_code == 200
    visitor.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert User.objects.get(username="dana").check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_someone_added_with_a_password_gets_no_email(
    manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(manager_client, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="dana").check_password(NEW_PASSWORD)
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": ""}, "email", "Give an email address to send them a link"),
        ({"password1": NEW_PASSWORD, "password2": "other"}, "password2", "differ"),
        (
            {"password1": "dana@example.com", "password2": "dana@example.com"},
            "password2",
            "too similar",
        ),
        ({"role": "agent", "organization": "ORG"}, "organization", "Only customers belong"),
        ({"username": "ALICE"}, "username", "already signs in with this username"),
    ],
)
def test_refusals_are_beside_their_fields(manager_client, customer, fields, field, message):
    if fields.get("organization") == "ORG":
        fields = {**fields, "organization": customer.organization_id}
    response = add(manager_client, **fields)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors[field]), errors
    assert not User.objects.filter(username__iexact=fields.get("username", "dana")).exclude(
        pk=customer.pk
    )


@pytest.mark.django_db
def test_the_reset_button_sends_the_person_a_link(
    manager_client, customer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://help.example.com"
    with django_capture_on_commit_callbacks(execute=True):  # sent through the outbox
        response = manager_client.post(f"/admin/cases/user/{customer.pk}/send-password-link/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/user/{customer.pk}/change/"
    [email] = mail.outbox
    assert email.to == [customer.email]
    assert "https://help.example.com/accounts/reset/" in email.body
    said = messages_of(manager_client.get(response["Location"]))
    assert f"A link to choose a new password went to {customer.email}." in " ".join(said)
    customer.refresh_from_db()
    assert customer.check_password("secret-pass-123")  # unchanged until they use the link


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "reason"),
    [({"email": ""}, "has no email address"), ({"is_active": False}, "cannot sign in")],
)
def test_no_link_without_an_address_or_for_someone_inactive(manager_client, change, reason):
    person = CustomerFactory(**change)
    response = manager_client.post(
        f"/admin/cases/user/{person.pk}/send-password-link/", follow=True
    )
    assert any(reason in m for m in messages_of(response))
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_reset_link_is_sent_by_post_only(manager_client, customer):
    url = f"/admin/cases/user/{customer.pk}/send-password-link/"
    assert manager_client.get(url).status_code == 405
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_manager_cannot_take_over_a_superuser(manager_client, customer):
    boss = ManagerFactory(username="boss", is_superuser=True)
    page = change_page(manager_client, boss).content.decode()
    assert 'name="_save"' not in page and "send-password-link" not in page
    response = manager_client.post(
        f"/admin/cases/user/{boss.pk}/change/", change_data(boss, email="me@evil.example")
    )
    assert response.status_code == 403
    link = manager_client.post(f"/admin/cases/user/{boss.pk}/send-password-link/")
    assert link.status_code == 403
    boss.refresh_from_db()
    assert boss.email == "boss@example.com" and mail.outbox == []


@pytest.mark.django_db
def test_people_are_listed_and_found_by_name(manager_client, customer):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    listing = manager_client.get("/admin/cases/user/").content.decode()
    assert ">Alice Martin</a>" in listing
    for term in ("Martin", "alice@example", "Alice Martin"):
        found = manager_client.get("/admin/cases/user/", {"q": term})
        assert [p.pk for p in found.context["cl"].result_list] == [customer.pk], term
