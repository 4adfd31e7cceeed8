"""People by their names everywhere in the admin: list columns, read-only fields, filters and
the options of a select; and found by name, username or email."""

import pytest
from django.utils import timezone

from cases.models import Case, HistoryEntry, Survey
from notifications.models import Notification


@pytest.fixture
def named(customer, agent):
    customer.first_name, customer.last_name = "Alice", "Martin"
    agent.first_name, agent.last_name = "Agnes", "Weber"
    customer.save()
    agent.save()
    return customer, agent


@pytest.fixture
def assigned(case, named):
    _, agent = named
    Case.objects.filter(pk=case.pk).update(assignee=agent)
    return case


@pytest.mark.django_db
def test_the_case_list_names_the_requester_and_the_assignee(manager_client, assigned):
    page = manager_client.get("/admin/cases/case/").content.decode()
    assert '<td class="field-requester_name">Alice Martin</td>' in page
    assert '<td class="field-assignee_name">Agnes Weber</td>' in page


@pytest.mark.django_db
def test_the_assignee_filter_offers_staff_by_name(manager_client, assigned, named):
    page = manager_client.get("/admin/cases/case/").content.decode()
    _, agent = named
    assert f'href="?assignee__id__exact={agent.pk}"' in page
    assert ">Agnes Weber</a>" in page
    assert ">Alice Martin</a>" not in page  # customers are not assignees
    filtered = manager_client.get(f"/admin/cases/case/?assignee__id__exact={agent.pk}")
    assert [c.pk for c in filtered.context["cl"].result_list] == [assigned.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Alice Martin", "alice@example.com", "Printer"])
def test_the_case_list_finds_cases_by_their_requester(manager_client, assigned, term):
    found = manager_client.get("/admin/cases/case/", {"q": term})
    assert [c.pk for c in found.context["cl"].result_list] == [assigned.pk]


@pytest.mark.django_db
def test_the_assignee_select_lists_names_and_usernames(manager_client, make_case, named):
    case = make_case("release_tracking")
    page = manager_client.get(f"/admin/cases/case/{case.pk}/transition/assign/").content.decode()
    assert ">Agnes Weber (agnes)</option>" in page


@pytest.mark.django_db
def test_history_surveys_and_the_outbox_name_people(manager_client, case, named):
    customer, agent = named
    HistoryEntry.objects.create(
        case=case,
        transition="start_work",
        source="new",
        target="work_in_progress",
        actor=agent,
        actor_role="agent",
        created_at=timezone.now(),
    )
    Survey.objects.create(case=case, respondent=customer, rating=4)
    history = manager_client.get("/admin/cases/historyentry/").content.decode()
    surveys = manager_client.get("/admin/cases/survey/").content.decode()
    outbox = manager_client.get("/admin/notifications/notification/").content.decode()
    assert '<td class="field-actor_name">Agnes Weber</td>' in history
    assert '<td class="field-respondent_name">Alice Martin</td>' in surveys
    assert Notification.objects.filter(recipient=customer).exists()
    assert '<td class="field-recipient_name">Alice Martin</td>' in outbox
    found = manager_client.get("/admin/notifications/notification/", {"q": "Martin"})
    assert {n.recipient_id for n in found.context["cl"].result_list} == {customer.pk}
