"""Only managers (superusers included) sign in to the admin and reach its pages."""

import pytest
from django.test import Client

from tests.factories import AgentFactory, CustomerFactory, ManagerFactory

PASSWORD = "secret-pass-123"


def sign_in(username):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )
    return client, response


@pytest.mark.django_db
def test_a_manager_who_is_not_staff_signs_in_and_sees_the_case_list(manager, case):
    assert not manager.is_staff and not manager.is_superuser
    client, response = sign_in(manager.username)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    page = client.get("/admin/cases/case/")
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    index = client.get("/admin/").content.decode()
    assert "/admin/cases/case/" in index and "/admin/cases/queue/" in index


@pytest.mark.django_db
def test_a_superuser_is_a_manager_here():
    ManagerFactory(username="root", role="agent", is_superuser=True)
    client, response = sign_in("root")
    assert response.status_code == 302
    assert client.get("/admin/cases/case/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [AgentFactory, CustomerFactory])
def test_agents_and_customers_are_refused_at_the_admin_login(factory):
    factory(username="someone", is_staff=True)
    client, response = sign_in("someone")
    assert response.status_code == 200
    assert "for a staff account" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [AgentFactory, CustomerFactory])
def test_agents_and_customers_reach_no_admin_page(factory, case):
    user = factory(username="someone", is_staff=True)
    client = Client()
    client.force_login(user)
    for url in (
        "/admin/",
        "/admin/cases/case/",
        f"/admin/cases/case/{case.pk}/change/",
        "/admin/cases/queue/add/",
        "/admin/django_celery_beat/periodictask/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


@pytest.mark.django_db
def test_an_inactive_manager_is_refused(manager):
    manager.is_active = False
    manager.save()
    client = Client()
    client.force_login(manager)
    assert client.get("/admin/cases/case/").status_code == 302


@pytest.mark.django_db
def test_a_manager_reaches_the_beat_schedule_and_users(manager_client):
    assert manager_client.get("/admin/django_celery_beat/periodictask/").status_code == 200
    assert manager_client.get("/admin/cases/user/").status_code == 200
    assert manager_client.get("/admin/cases/organization/add/").status_code == 200
