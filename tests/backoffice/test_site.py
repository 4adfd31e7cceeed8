"""The helpdesk's own admin site: the project's default one, titled by the product, its index
grouped as managers think of their work, and the technical models for superusers only."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from backoffice.access import ManagerPermissions
from backoffice.menu import GROUPS, TECHNICAL, for_superusers_only
from backoffice.nul_bytes import RefusesNulBytes
from backoffice.site import HelpdeskAdminSite

MANAGERS_GROUPS = [group.name for group in GROUPS]
TECHNICAL_PAGES = [
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
    "/admin/api/apitoken/",
    "/admin/auth/group/",
    "/admin/django_celery_beat/solarschedule/",
    "/admin/django_celery_beat/clockedschedule/",
]


def group_names(response):
    return [group["name"] for group in response.context["app_list"]]


def test_the_default_admin_site_is_the_helpdesks():
    assert apps.get_app_config("admin").default_site == "backoffice.site.HelpdeskAdminSite"
    assert isinstance(admin.site, HelpdeskAdminSite)


def test_third_party_admins_answer_by_role_too():
    for model in ("django_celery_beat.periodictask", "axes.accessattempt", "auth.group"):
        model_admin = admin.site.get_model_admin(apps.get_model(model))
        assert isinstance(model_admin, ManagerPermissions), model
        assert isinstance(model_admin, RefusesNulBytes), model


@pytest.mark.django_db
def test_the_pages_are_titled_by_the_product(manager_client):
    login = Client().get("/admin/login/").content.decode()
    index = manager_client.get("/admin/").content.decode()
    assert "<title>Log in | Helpdesk</title>" in login
    assert '<a href="/admin/">Helpdesk</a>' in index
    assert "<h1>Run the helpdesk</h1>" in index
    assert "Django administration" not in login + index
    assert "Site administration" not in index


@pytest.mark.django_db
def test_a_manager_sees_the_managers_groups_only(manager_client):
    response = manager_client.get("/admin/")
    page = response.content.decode()
    assert group_names(response) == MANAGERS_GROUPS
    for url in ("/admin/cases/case/", "/admin/cases/user/", "/admin/cases/queue/"):
        assert url in page
    assert "/admin/django_celery_beat/periodictask/" in page
    for url in TECHNICAL_PAGES:
        assert url not in page
    for word in ("Axes", "Auth Token", "Solar", "Clocked", "Tokens"):
        assert word not in page, word


@pytest.mark.django_db
def test_each_group_says_what_it_holds(manager_client):
    page = manager_client.get("/admin/").content.decode()
    for group in GROUPS:
        assert f'id="{group.slug}"' in page
        assert group.description.replace("'", "&#x27;") in page


@pytest.mark.django_db
def test_models_are_named_as_managers_name_them(manager_client):
    response = manager_client.get("/admin/")
    people = next(
        g for g in response.context["app_list"] if g["name"] == "People and organizations"
    )
    assert [model["name"] for model in people["models"]] == ["People", "Organizations"]
    schedule = next(g for g in response.context["app_list"] if g["name"] == "The schedule")
    assert [model["name"] for model in schedule["models"]] == [
        "Scheduled jobs",
        "Intervals",
        "Crontab timings",
        "Cases the automations could not act on",
    ]


@pytest.mark.django_db
def test_a_superuser_also_sees_the_technical_group(superuser_client):
    response = superuser_client.get("/admin/")
    assert group_names(response) == [*MANAGERS_GROUPS, TECHNICAL.name]
    page = response.content.decode()
    for url in TECHNICAL_PAGES:
        assert url in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", TECHNICAL_PAGES)
def test_the_technical_pages_refuse_managers_and_answer_superusers(
    manager_client, superuser_client, url
):
    assert manager_client.get(url).status_code == 403
    assert superuser_client.get(url).status_code == 200


def test_every_model_of_the_helpdesk_has_a_place_in_the_managers_menu():
    ours = {"cases", "notifications", "workflows", "services", "backoffice"}
    for model in admin.site._registry:
        if model._meta.app_label in ours:
            assert not for_superusers_only(model), model._meta.label


@pytest.mark.django_db
def test_an_apps_page_shows_its_models_in_their_groups(manager_client):
    response = manager_client.get("/admin/django_celery_beat/")
    assert response.status_code == 200
    assert group_names(response) == ["The schedule"]
    assert response.context["title"] == apps.get_app_config("django_celery_beat").verbose_name
    assert manager_client.get("/admin/axes/").status_code == 404


def test_every_list_of_ours_says_what_it_reads_with_its_rows():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"cases", "notifications", "api"}:
            assert model_admin.list_select_related is not False, model._meta.label
