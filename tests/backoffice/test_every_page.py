"""Every admin list, add and change page answers without an error: a superuser reaches them all,
a manager every one of the managers' menu and none of the technical ones."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from backoffice.menu import for_superusers_only
from cases.models import Comment, Release, Survey
from services.cases import case_create


@pytest.fixture
def everything(customer, agent, queues, case):
    Comment.objects.create(case=case, author=customer, body="Hi", created_at=timezone.now())
    Survey.objects.create(case=case, respondent=customer, rating=5)
    Release.objects.create(name="R1", queue=queues["release_tracking"], created_by=agent)
    case_create(actor=customer, queue=queues["support_center"], subject="S", description="D")


def pages_of(client, model, model_admin):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    listing = client.get(reverse(f"{name}_changelist"))
    yield "list", listing.status_code
    if listing.status_code == 200:
        first = model_admin.get_queryset(listing.wsgi_request).first()
        if first is not None:
            yield "change", client.get(reverse(f"{name}_change", args=[first.pk])).status_code
    yield "add", client.get(reverse(f"{name}_add")).status_code


@pytest.mark.django_db
def test_a_superuser_reaches_every_registered_page(superuser_client, everything):
    assert superuser_client.get("/admin/").status_code == 200
    for model, model_admin in admin.site._registry.items():
        for page, status in pages_of(superuser_client, model, model_admin):
            assert status in ((200, 403) if page == "add" else (200,)), (model, page)


@pytest.mark.django_db
def test_a_manager_reaches_the_menus_pages_and_no_technical_one(manager_client, everything):
    assert manager_client.get("/admin/").status_code == 200
    for model, model_admin in admin.site._registry.items():
        technical = for_superusers_only(model)
        for page, status in pages_of(manager_client, model, model_admin):
            if technical:
                assert status == 403, (model, page)
            else:
                assert status in ((200, 403) if page == "add" else (200,)), (model, page)
