"""The case list and detail cost a constant number of SQL queries, whatever the page size and
whatever hangs off each case (comments, history, notifications, assignees, organizations)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Release
from services.conversation import comment_post
from services.releases import release_add_case, release_create
from tests.factories import CustomerFactory
from tests.workflows.walking import walk_to

# Signed in with force_authenticate, so no session or token lookup is counted. The list: the
# count, the page of cases (queue joined) and the prefetches of their pending notifications and
# of their own attachments; the detail: the case, its pending notifications and its attachments.
LIST_CEILING = 4
DETAIL_CEILING = 3

# A spread of workflows and statuses, so that every kind of `upcoming` and
# `available_transitions` computation is on the page.
MIX = [
    ("technical_support", None),
    ("technical_support", "blocked"),
    ("support_center", "pending"),
    ("support_center", "awaiting_customer_confirmation"),
    ("support_center", "closed"),
    ("customer_service", "resolved"),
    ("customer_service", "awaiting_info"),
    ("release_tracking", "waiting_for_customer_response"),
    ("release_tracking", "resolved"),
    ("release_tracking", "done_awaiting_release"),
]


@pytest.fixture
def cases(make_case, cast, org_a, agent, queues):
    """`cases(n)`: n cases of several requesters and workflows, each with a comment; the first
    ones walked into the statuses of MIX (history, notifications, a release)."""

    def make(count):
        made = []
        requesters = [cast["customer"], *(CustomerFactory(organization=org_a) for _ in range(3))]
        for n in range(count):
            workflow, status = MIX[n % len(MIX)]
            case = make_case(workflow, requester=requesters[n % len(requesters)])
            comment_post(case_id=case.pk, actor=agent, body="Internal look.", internal=True)
            if status and n < len(MIX):
                walk_to(case, status, cast)
            made.append(case)
        release = release_create(actor=agent, name="query-counts", queue=queues["release_tracking"])
        for case in made:
            if case.workflow == "release_tracking" and case.status == "done_awaiting_release":
                release_add_case(release_id=release.pk, case_id=case.pk, actor=agent)
        return made

    return make


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.json()
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [1, 100])
@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_the_case_list_stays_under_its_ceiling(
    api, cast, cases, django_assert_max_num_queries, count, role
):
    cases(count)
    client = api(cast[role])

    with django_assert_max_num_queries(LIST_CEILING):
        response = client.get("/api/cases/", {"page_size": count})

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_the_case_list_costs_the_same_for_1_and_100_cases(api, cast, cases, role):
    cases(100)
    client = api(cast[role])

    one = queries_of(lambda: client.get("/api/cases/", {"page_size": 1}))
    hundred = queries_of(lambda: client.get("/api/cases/", {"page_size": 100}))

    assert one == hundred


def test_filters_search_and_ordering_add_no_query_per_case(api, agent, cases, org_a):
    cases(100)
    client = api(agent)
    params = {"organization": org_a.pk, "search": "fire", "ordering": "-priority"}

    one = queries_of(lambda: client.get("/api/cases/", {**params, "page_size": 1}))
    hundred = queries_of(lambda: client.get("/api/cases/", {**params, "page_size": 100}))

    assert one == hundred


@pytest.mark.parametrize("count", [1, 100])
@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_a_case_detail_stays_under_its_ceiling(
    api, cast, cases, django_assert_max_num_queries, count, role
):
    made = cases(count)
    client = api(cast[role])

    for case in (made[0], made[-1]):
        with django_assert_max_num_queries(DETAIL_CEILING):
            response = client.get(f"/api/cases/{case.pk}/")
        assert response.json()["id"] == case.pk


def test_a_busy_case_costs_no_more_than_a_quiet_one(api, agent, make_case, cast):
    quiet = make_case("support_center")
    busy = make_case("support_center")
    for n in range(30):
        comment_post(case_id=busy.pk, actor=cast["customer"], body=f"Ping {n}.")
        comment_post(case_id=busy.pk, actor=agent, body=f"Pong {n}.")
    walk_to(busy, "awaiting_customer_confirmation", cast)
    client = api(agent)

    assert queries_of(lambda: client.get(f"/api/cases/{quiet.pk}/")) == queries_of(
        lambda: client.get(f"/api/cases/{busy.pk}/")
    )


def test_the_release_list_costs_the_same_for_1_and_20_releases(api, agent, queues, case_in):
    client = api(agent)

    def releases(count):
        for _ in range(count):
            name = f"2026.{Release.objects.count()}"
            release = release_create(actor=agent, name=name, queue=queues["release_tracking"])
            done = case_in("release_tracking", "done_awaiting_release")
            release_add_case(release_id=release.pk, case_id=done.pk, actor=agent)

    releases(1)
    one = queries_of(lambda: client.get("/api/releases/"))
    releases(19)
    twenty = queries_of(lambda: client.get("/api/releases/"))

    assert one == twenty
