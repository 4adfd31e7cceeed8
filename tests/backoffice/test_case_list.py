"""The admin's case list: deleted cases, labels in the filters, bad values, constant queries."""

import pytest
from django.utils import timezone

from cases.models import Case
from tests.factories import AgentFactory
from workflows.metadata import describe


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def live_and_deleted(make_case, manager):
    live = make_case("technical_support", subject="Live one")
    gone = make_case("support_center", subject="Gone one")
    gone.deleted_at, gone.deleted_by = timezone.now(), manager
    gone.save()
    return live, gone


def shown(response):
    return {case.pk for case in response.context["cl"].result_list}


@pytest.mark.django_db
def test_the_deleted_filter_and_the_status_saying_deleted(manager_client, live_and_deleted):
    live, gone = live_and_deleted
    assert shown(manager_client.get("/admin/cases/case/")) == {live.pk, gone.pk}
    assert shown(manager_client.get("/admin/cases/case/?deleted=live")) == {live.pk}
    assert shown(manager_client.get("/admin/cases/case/?deleted=deleted")) == {gone.pk}
    page = manager_client.get("/admin/cases/case/").content.decode()
    assert '<td class="field-status_shown">New (deleted)</td>' in page  # gone
    assert '<td class="field-status_shown">New</td>' in page  # live
    assert "?deleted=live" in page and "?deleted=deleted" in page


@pytest.mark.django_db
def test_restore_says_which_cases_were_not_deleted(manager_client, live_and_deleted):
    live, gone = live_and_deleted
    response = manager_client.post(
        "/admin/cases/case/",
        {"action": "restore_cases", "_selected_action": [live.pk, gone.pk]},
        follow=True,
    )
    said = messages_of(response)
    assert f"{live.reference} is not deleted: nothing to restore." in said
    assert f"{gone.reference} restored." in said
    gone.refresh_from_db()
    assert gone.deleted_at is None


@pytest.mark.django_db
def test_filters_show_labels_not_keys(manager_client, live_and_deleted):
    live, _ = live_and_deleted
    page = manager_client.get("/admin/cases/case/").content.decode()
    assert describe("technical_support").name in page
    assert "?workflow__exact=technical_support" in page
    assert dict(describe("technical_support").statuses)["work_in_progress"] in page
    assert ">work_in_progress<" not in page
    filtered = manager_client.get("/admin/cases/case/?workflow__exact=technical_support")
    assert shown(filtered) == {live.pk}
    assert shown(manager_client.get("/admin/cases/case/?status=new")) >= {live.pk}
    assert shown(manager_client.get("/admin/cases/case/?status=work_in_progress")) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["status=%00", "workflow__exact=%00", "created_at__year=99999999999", "q=%00"],
)
def test_bad_filter_values_are_ignored_with_a_message(manager_client, live_and_deleted, query):
    response = manager_client.get(f"/admin/cases/case/?{query}", follow=True)
    assert response.status_code == 200
    assert any("Ignored a filter value" in m for m in messages_of(response))
    assert len(shown(response)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["status=nope", "workflow__exact=nope", "deleted=maybe", "created_at__year=2026"],
)
def test_unknown_filter_values_are_ignored(manager_client, live_and_deleted, query):
    response = manager_client.get(f"/admin/cases/case/?{query}")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_case_list_takes_a_constant_number_of_queries(
    manager_client, make_case, django_assert_max_num_queries, count
):
    agents = [AgentFactory() for _ in range(3)]
    workflows = ["technical_support", "support_center", "release_tracking"]
    for index in range(count):
        case = make_case(workflows[index % 3])
        Case.objects.filter(pk=case.pk).update(assignee=agents[index % 3])
    with django_assert_max_num_queries(12):
        response = manager_client.get("/admin/cases/case/")
    assert response.status_code == 200
    assert len(shown(response)) == count


@pytest.mark.django_db
def test_the_count_stops_at_its_cap_and_says_so(manager_client, make_case, monkeypatch):
    monkeypatch.setattr("backoffice.admin.paging.CappedCountPaginator.cap", 2)
    for subject in ("Alpha", "Beta", "Gamma"):
        make_case(subject=subject)

    page = manager_client.get("/admin/cases/case/").content.decode()
    filtered = manager_client.get("/admin/cases/case/?q=Gamma").content.decode()

    assert "more than 2 cases" in page
    assert "1 case" in filtered and "more than" not in filtered


@pytest.mark.django_db
def test_the_newest_case_comes_first(manager_client, make_case):
    first, second = make_case(subject="First"), make_case(subject="Second")
    listed = [
        case.pk for case in manager_client.get("/admin/cases/case/").context["cl"].result_list
    ]
    assert listed == [second.pk, first.pk]
