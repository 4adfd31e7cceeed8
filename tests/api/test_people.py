"""People and places: /api/me/ for everyone; organizations, users and queues for managers
(organizations listed to agents too, queues to anyone signed in)."""

import pytest
from rest_framework.test import APIClient

from cases.models import Organization, Queue, User
from tests.factories import UserFactory

PAGE_KEYS = {"count", "next", "previous", "results"}
NEW_USER = {
    "username": "carol",
    "password": "a-long-enough-pass-42",
    "email": "carol@example.com",
    "role": "customer",
}


# /api/me/


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_me_names_the_signed_in_user_and_role(api, cast, role):
    user = cast[role]

    response = api(user).get("/api/me/")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "role": role,
        "organization": user.organization_id,
    }


def test_me_gives_a_customer_their_organization_id(api, customer, org_a):
    assert api(customer).get("/api/me/").json()["organization"] == org_a.pk


def test_me_gives_null_organization_to_a_customer_without_one(api, solo):
    assert api(solo).get("/api/me/").json()["organization"] is None


def test_a_superuser_is_a_manager(api, db):
    root = UserFactory(username="root", role="agent", is_superuser=True, is_staff=True)

    assert api(root).get("/api/me/").json()["role"] == "manager"


# /api/organizations/


def test_a_manager_creates_an_organization(api, manager):
    response = api(manager).post("/api/organizations/", {"name": "Initech"}, format="json")

    assert response.status_code == 201
    created = Organization.objects.get(name="Initech")
    assert response.json() == {"id": created.pk, "name": "Initech", "email_domains": []}


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_create_organizations(api, cast, role):
    response = api(cast[role]).post("/api/organizations/", {"name": "Initech"}, format="json")

    assert response.status_code == 403
    assert not Organization.objects.filter(name="Initech").exists()


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": ["Initech"]}])
def test_an_organization_needs_a_name(api, manager, body):
    response = api(manager).post("/api/organizations/", body, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


def test_organization_names_are_unique_whatever_the_case(api, manager, org_a):
    response = api(manager).post("/api/organizations/", {"name": "org a"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_staff_list_organizations_in_pages(api, cast, role, org_a, org_b):
    response = api(cast[role]).get("/api/organizations/")

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    assert [row["name"] for row in response.json()["results"]] == ["Org A", "Org B"]


def test_customers_may_not_list_organizations(api, customer):
    assert api(customer).get("/api/organizations/").status_code == 403


# /api/users/


def test_a_manager_creates_a_customer_in_an_organization(api, manager, org_a):
    response = api(manager).post(
        "/api/users/", {**NEW_USER, "organization": org_a.pk}, format="json"
    )

    assert response.status_code == 201
    carol = User.objects.get(username="carol")
    assert response.json() == {
        "id": carol.pk,
        "username": "carol",
        "email": "carol@example.com",
        "role": "customer",
        "organization": org_a.pk,
    }
    assert carol.check_password(NEW_USER["password"])


def test_a_created_user_can_sign_in(api, manager):
    api(manager).post("/api/users/", {**NEW_USER, "organization": None}, format="json")

    response = APIClient().post(
        "/api/auth/token/",
        {"username": "carol", "password": NEW_USER["password"]},
        format="json",
    )

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_a_manager_creates_staff_without_an_organization(api, manager, role):
    response = api(manager).post(
        "/api/users/", {**NEW_USER, "role": role, "organization": None}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["role"] == role
    assert response.json()["organization"] is None


def test_staff_belong_to_no_organization(api, manager, org_a):
    response = api(manager).post(
        "/api/users/", {**NEW_USER, "role": "agent", "organization": org_a.pk}, format="json"
    )

    assert response.status_code == 400
    assert "organization" in response.json()


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_create_users(api, cast, role):
    response = api(cast[role]).post("/api/users/", NEW_USER, format="json")

    assert response.status_code == 403
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "superhero"}, "role"),
        ({"role": "system"}, "role"),
        ({"organization": 999_999}, "organization"),
        ({"organization": "acme"}, "organization"),
        ({"organization": 2**64}, "organization"),
        ({"password": "123"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"username": ""}, "username"),
        ({"username": "alice"}, "username"),
    ],
)
def test_an_invalid_user_is_400_naming_the_field(api, manager, customer, change, field):
    response = api(manager).post("/api/users/", {**NEW_USER, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()["detail"], str)


def test_the_password_is_never_sent_back(api, manager):
    response = api(manager).post("/api/users/", NEW_USER, format="json")

    assert "password" not in response.json()


def test_managers_list_users(api, manager, customer, agent):
    response = api(manager).get("/api/users/")

    assert response.status_code == 200
    assert {row["username"] for row in response.json()["results"]} == {"maria", "alice", "agnes"}


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_list_users(api, cast, role):
    assert api(cast[role]).get("/api/users/").status_code == 403


# /api/queues/


@pytest.mark.parametrize(
    "workflow", ["technical_support", "support_center", "customer_service", "release_tracking"]
)
def test_a_manager_creates_a_queue_of_each_workflow(api, manager, workflow):
    response = api(manager).post(
        "/api/queues/", {"name": "Printers", "workflow": workflow}, format="json"
    )

    assert response.status_code == 201
    queue = Queue.objects.get(name="Printers")
    assert queue.workflow == workflow
    assert {key: response.json()[key] for key in ("id", "name", "workflow")} == {
        "id": queue.pk,
        "name": "Printers",
        "workflow": workflow,
    }


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_create_queues(api, cast, role):
    response = api(cast[role]).post(
        "/api/queues/", {"name": "Printers", "workflow": "support_center"}, format="json"
    )

    assert response.status_code == 403
    assert not Queue.objects.filter(name="Printers").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Printers", "workflow": "kanban"}, "workflow"),
        ({"name": "Printers"}, "workflow"),
        ({"workflow": "support_center"}, "name"),
        ({"name": "", "workflow": "support_center"}, "name"),
        ({"name": "technical_support", "workflow": "support_center"}, "name"),
    ],
)
def test_an_invalid_queue_is_400_naming_the_field(api, manager, queues, body, field):
    response = api(manager).post("/api/queues/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_anyone_signed_in_lists_the_queues(api, cast, role, queues):
    response = api(cast[role]).get("/api/queues/")

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    assert response.json()["count"] == 4
    assert {(row["name"], row["workflow"]) for row in response.json()["results"]} == {
        (key, key) for key in queues
    }


# Email: a queue's address, an organization's domains


def test_a_manager_gives_a_new_queue_an_email_address_stored_lower_cased(api, manager):
    response = api(manager).post(
        "/api/queues/",
        {
            "name": "Printers",
            "workflow": "support_center",
            "email_address": "Printers@Acme.example",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["email_address"] == "printers@acme.example"
    assert Queue.objects.get(name="Printers").email_address == "printers@acme.example"


def test_a_manager_changes_a_queues_email_address(api, manager, queues):
    queue = queues["support_center"]

    response = api(manager).patch(
        f"/api/queues/{queue.pk}/", {"email_address": "help@acme.example"}, format="json"
    )

    assert response.status_code == 200
    queue.refresh_from_db()
    assert queue.email_address == "help@acme.example"
    assert response.json()["email_address"] == "help@acme.example"


def test_an_empty_email_address_takes_the_queues_away(api, manager, queues):
    queue = queues["support_center"]
    Queue.objects.filter(pk=queue.pk).update(email_address="help@acme.example")

    response = api(manager).patch(f"/api/queues/{queue.pk}/", {"email_address": ""}, format="json")

    assert response.status_code == 200
    queue.refresh_from_db()
    assert queue.email_address is None


def test_a_queues_email_address_is_unique_whatever_its_case(api, manager, queues):
    Queue.objects.filter(pk=queues["support_center"].pk).update(email_address="help@acme.example")

    response = api(manager).patch(
        f"/api/queues/{queues['technical_support'].pk}/",
        {"email_address": "HELP@acme.example"},
        format="json",
    )

    assert response.status_code == 400
    assert "email_address" in response.json()
    assert Queue.objects.filter(email_address__iexact="help@acme.example").count() == 1


def test_a_queues_email_address_must_be_an_address(api, manager, queues):
    response = api(manager).patch(
        f"/api/queues/{queues['support_center'].pk}/",
        {"email_address": "not an address"},
        format="json",
    )

    assert response.status_code == 400
    assert "email_address" in response.json()


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_change_queues(api, cast, role, queues):
    queue = queues["support_center"]

    response = api(cast[role]).patch(
        f"/api/queues/{queue.pk}/", {"email_address": "help@acme.example"}, format="json"
    )

    assert response.status_code == 403
    queue.refresh_from_db()
    assert queue.email_address is None


def test_changing_an_unknown_queue_is_404(api, manager):
    response = api(manager).patch("/api/queues/999999/", {"name": "X"}, format="json")

    assert response.status_code == 404


def test_a_manager_gives_an_organization_email_domains(api, manager):
    response = api(manager).post(
        "/api/organizations/",
        {"name": "Acme", "email_domains": ["Acme.example", "acme-labs.example"]},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["email_domains"] == ["acme.example", "acme-labs.example"]
    assert Organization.objects.get(name="Acme").email_domains == [
        "acme.example",
        "acme-labs.example",
    ]


def test_a_manager_changes_an_organizations_email_domains(api, manager, org_a):
    response = api(manager).patch(
        f"/api/organizations/{org_a.pk}/", {"email_domains": ["orga.example"]}, format="json"
    )

    assert response.status_code == 200
    org_a.refresh_from_db()
    assert org_a.email_domains == ["orga.example"]


@pytest.mark.parametrize(
    "domains",
    [
        ["someone@acme.example"],
        ["not a domain"],
        ["gmail.com"],
        ["acme.example", "ACME.example"],
        "acme.example",
    ],
)
def test_invalid_email_domains_are_400(api, manager, org_a, domains):
    response = api(manager).patch(
        f"/api/organizations/{org_a.pk}/", {"email_domains": domains}, format="json"
    )

    assert response.status_code == 400
    assert "email_domains" in response.json()
    org_a.refresh_from_db()
    assert org_a.email_domains == []


def test_a_domain_belongs_to_one_organization(api, manager, org_a, org_b):
    Organization.objects.filter(pk=org_a.pk).update(email_domains=["acme.example"])

    response = api(manager).patch(
        f"/api/organizations/{org_b.pk}/", {"email_domains": ["acme.example"]}, format="json"
    )

    assert response.status_code == 400
    assert "Org A" in str(response.json()["email_domains"])


@pytest.mark.parametrize("role", ["customer", "agent"])
def test_only_managers_change_organizations(api, cast, role, org_a):
    response = api(cast[role]).patch(
        f"/api/organizations/{org_a.pk}/", {"email_domains": ["orga.example"]}, format="json"
    )

    assert response.status_code == 403
