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
    assert response.json() == {"id": created.pk, "name": "Initech"}


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
