"""Every admin list, add and change page answers a manager without an error."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from cases.models import Comment, Release, Survey
from services.cases import case_create


@pytest.mark.django_db
def test_every_registered_page_answers(manager_client, manager, customer, agent, queues, case):
    Comment.objects.create(case=case, author=customer, body="Hi", created_at=timezone.now())
    Survey.objects.create(case=case, respondent=customer, rating=5)
    Release.objects.create(name="R1", queue=queues["release_tracking"], created_by=agent)
    case_create(actor=customer, queue=queues["support_center"], subject="S", description="D")
    assert manager_client.get("/admin/").status_code == 200
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        listing = manager_client.get(reverse(f"{name}_changelist"))
        assert listing.status_code == 200, opts.label
        first = model_admin.get_queryset(listing.wsgi_request).first()
        if first is not None:
            page = manager_client.get(reverse(f"{name}_change", args=[first.pk]))
            assert page.status_code == 200, opts.label
        add = manager_client.get(reverse(f"{name}_add"))
        assert add.status_code in (200, 403), opts.label
