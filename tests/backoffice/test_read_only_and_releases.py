"""Read-only models offer no Add and no Save; releases are added through the service."""

import pytest
from django.utils import timezone

from cases.models import HistoryEntry, Release, Survey
from notifications.models import Notification


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/cases/survey/add/",
        "/admin/cases/historyentry/add/",
        "/admin/notifications/notification/add/",
    ],
)
def test_read_only_models_offer_no_add(manager_client, url):
    assert manager_client.get(url).status_code == 403
    assert manager_client.post(url, {}).status_code == 403
    changelist = manager_client.get(url.removesuffix("add/")).content.decode()
    assert url not in changelist


@pytest.mark.django_db
def test_a_survey_page_is_read_only(manager_client, case, customer):
    survey = Survey.objects.create(case=case, respondent=customer, rating=4, comment="Fine.")
    page = manager_client.get(f"/admin/cases/survey/{survey.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="rating"' not in html
    assert "Fine." in html
    response = manager_client.post(f"/admin/cases/survey/{survey.pk}/change/", {"rating": 1})
    assert response.status_code == 403
    survey.refresh_from_db()
    assert survey.rating == 4


@pytest.mark.django_db
def test_history_and_notifications_pages_are_read_only(manager_client, case):
    entry = HistoryEntry.objects.filter(case=case).first()
    if entry is not None:
        page = manager_client.get(f"/admin/cases/historyentry/{entry.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    notification = Notification.objects.first()
    if notification is not None:
        page = manager_client.get(f"/admin/notifications/notification/{notification.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


@pytest.mark.django_db
def test_a_release_is_added_through_the_service(manager_client, manager, queues):
    queue = queues["release_tracking"]
    page = manager_client.get("/admin/cases/release/add/").content.decode()
    assert f'<option value="{queue.pk}">' in page
    assert f'<option value="{queues["technical_support"].pk}">' not in page
    response = manager_client.post(
        "/admin/cases/release/add/", {"name": "  2026.12  ", "queue": queue.pk}
    )
    assert response.status_code == 302
    release = Release.objects.get()
    assert (release.name, release.queue, release.created_by) == ("2026.12", queue, manager)


@pytest.mark.django_db
def test_a_refused_release_shows_why(manager_client, manager, queues):
    queue = queues["release_tracking"]
    Release.objects.create(name="2026.12", queue=queue, created_by=manager)
    for data in (
        {"name": "2026.12", "queue": queue.pk},
        {"name": "", "queue": queue.pk},
        {"name": "x", "queue": queues["technical_support"].pk},
    ):
        response = manager_client.post("/admin/cases/release/add/", data)
        assert response.status_code == 200, data
        assert response.context["adminform"].form.errors, data
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_an_undelivered_release_may_be_renamed_but_not_moved(manager_client, manager, queues):
    queue = queues["release_tracking"]
    release = Release.objects.create(name="2026.12", queue=queue, created_by=manager)
    url = f"/admin/cases/release/{release.pk}/change/"
    assert 'name="queue"' not in manager_client.get(url).content.decode()
    other = queues["technical_support"]
    response = manager_client.post(url, {"name": "2026.12.1", "queue": other.pk})
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.name, release.queue) == ("2026.12.1", queue)


@pytest.mark.django_db
def test_a_delivered_release_is_read_only(manager_client, manager, queues):
    release = Release.objects.create(
        name="2026.11",
        queue=queues["release_tracking"],
        created_by=manager,
        delivered_at=timezone.now(),
        delivered_by=manager,
    )
    url = f"/admin/cases/release/{release.pk}/change/"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="name"' not in page.content.decode()
    assert manager_client.post(url, {"name": "renamed"}).status_code == 403
    release.refresh_from_db()
    assert release.name == "2026.11"
    assert manager_client.post(f"/admin/cases/release/{release.pk}/delete/").status_code == 403
