"""The case list: every filter of the contract (combinable), search, ordering, soft-deleted
cases for managers only, and page-number pagination with `page_size` up to 200. A parameter
given must hold a valid value: an empty id filter or a `page_size` of `null` is a 400, never a
silently unfiltered or default list."""

from datetime import UTC, datetime, timedelta

import pytest

from cases.models import Priority
from services.cases import case_delete, case_update
from tests.workflows.walking import walk_to

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def catalogue(make_case, cast, customer, colleague, other_customer, solo, agent, other_agent):
    """Four cases that differ in every filtered field, created an hour apart (a first)."""
    a = make_case(
        "technical_support",
        subject="Printer jam",
        description="Paper stuck.",
        priority=Priority.LOW,
        now=T0,
    )
    b = make_case(
        "support_center",
        requester=colleague,
        subject="Token expired",
        description="The VPN token expired.",
        priority=Priority.URGENT,
        now=T0 + timedelta(hours=1),
    )
    c = make_case(
        "customer_service",
        requester=other_customer,
        subject="Refund",
        description="Charged twice.",
        priority=Priority.HIGH,
        now=T0 + timedelta(hours=2),
    )
    d = make_case(
        "release_tracking",
        requester=solo,
        subject="Export crashes",
        description="CSV export fails.",
        now=T0 + timedelta(hours=3),
    )
    walk_to(b, "in_progress", cast)  # b is now assigned to the agent who started it
    case_update(case_id=d.pk, actor=agent, changes={"assignee": other_agent})
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def listing(api, agent, catalogue):
    """`listing(**params)`: the ids (as catalogue letters) of the agent's list, in order."""
    letters = {case.pk: letter for letter, case in catalogue.items()}

    def ids(**params):
        response = api(agent).get("/api/cases/", params)
        assert response.status_code == 200, response.json()
        return [letters[row["id"]] for row in response.json()["results"]]

    return ids


def test_the_list_is_newest_first_by_default(listing):
    assert listing() == ["d", "c", "b", "a"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("new", ["c", "a"]), ("open", ["d"]), ("in_progress", ["b"]), ("closed", [])],
)
def test_filter_by_status(listing, status, expected):
    assert listing(status=status) == expected


def test_filter_by_queue(listing, queues):
    assert listing(queue=queues["customer_service"].pk) == ["c"]


def test_filter_by_assignee(listing, agent, other_agent):
    assert listing(assignee=agent.pk) == ["b"]
    assert listing(assignee=other_agent.pk) == ["d"]


def test_filter_by_requester(listing, colleague):
    assert listing(requester=colleague.pk) == ["b"]


def test_filter_by_organization(listing, org_a, org_b):
    assert listing(organization=org_a.pk) == ["b", "a"]
    assert listing(organization=org_b.pk) == ["c"]


@pytest.mark.parametrize(
    ("priority", "expected"),
    [("low", ["a"]), ("normal", ["d"]), ("high", ["c"]), ("urgent", ["b"])],
)
def test_filter_by_priority_name(listing, priority, expected):
    assert listing(priority=priority) == expected


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [
        ("technical_support", ["a"]),
        ("support_center", ["b"]),
        ("customer_service", ["c"]),
        ("release_tracking", ["d"]),
    ],
)
def test_filter_by_workflow(listing, workflow, expected):
    assert listing(workflow=workflow) == expected


def test_filter_by_channel(listing, api, agent, customer, queues):
    assert listing(channel="portal") == ["d", "c", "b", "a"]
    assert listing(channel="phone") == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("printer", ["a"]),  # subject, whatever the case
        ("VPN", ["b"]),  # description
        ("twice", ["c"]),
        ("nothing like it", []),
    ],
)
def test_search_subject_and_description(listing, term, expected):
    assert listing(search=term) == expected


def test_search_by_reference(listing, catalogue):
    assert listing(search=catalogue["c"].reference) == ["c"]


def test_filters_combine(listing, org_a, queues):
    assert listing(organization=org_a.pk, status="new") == ["a"]
    assert listing(organization=org_a.pk, priority="urgent", workflow="support_center") == ["b"]
    assert listing(organization=org_a.pk, queue=queues["customer_service"].pk) == []
    assert listing(status="open", search="export") == ["d"]
    assert listing(status="new", search="export") == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("created_at", ["a", "b", "c", "d"]),
        ("-created_at", ["d", "c", "b", "a"]),
        ("priority", ["a", "d", "c", "b"]),
        ("-priority", ["b", "c", "d", "a"]),
    ],
)
def test_ordering(listing, ordering, expected):
    assert listing(ordering=ordering) == expected


def test_ordering_by_updated_at(listing, api, customer, catalogue):
    api(customer).patch(f"/api/cases/{catalogue['a'].pk}/", {"subject": "Jam"}, format="json")

    assert listing(ordering="-updated_at")[0] == "a"
    assert listing(ordering="updated_at")[-1] == "a"


def test_ordering_by_status_changed_at(listing, catalogue, cast):
    walk_to(catalogue["c"], "open", cast)

    assert listing(ordering="-status_changed_at")[0] == "c"
    assert listing(ordering="status_changed_at")[0] == "a"


def test_ordering_combines_with_filters(listing, org_a):
    assert listing(organization=org_a.pk, ordering="priority") == ["a", "b"]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "on_fire"},
        {"priority": "critical"},
        {"priority": "40"},
        {"workflow": "kanban"},
        {"queue": "printers"},
        {"queue": str(2**64)},
        {"assignee": "-1"},
        {"requester": "1.5"},
        {"organization": "99999999999999999999"},
        {"channel": "fax"},
    ],
)
def test_an_invalid_filter_value_is_400(api, agent, catalogue, params):
    response = api(agent).get("/api/cases/", params)

    assert response.status_code == 400
    assert set(params) <= set(response.json())
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("param", ["queue", "assignee", "requester", "organization"])
@pytest.mark.parametrize("value", ["", "null", "0", " "])
def test_an_empty_or_null_id_filter_is_400_not_no_filter(api, agent, catalogue, param, value):
    response = api(agent).get("/api/cases/", {param: value})

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{param}: ")


def test_an_empty_id_filter_is_400_beside_valid_filters_too(api, agent, catalogue, org_a):
    response = api(agent).get("/api/cases/", {"organization": org_a.pk, "assignee": ""})

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "assignee"}


def test_id_filters_still_combine_with_each_other(listing, org_a, colleague, agent, queues):
    assert listing(
        organization=org_a.pk,
        requester=colleague.pk,
        assignee=agent.pk,
        queue=queues["support_center"].pk,
    ) == ["b"]


def test_an_unknown_id_filter_matches_nothing(listing):
    assert listing(assignee=999_999) == []


def test_customers_filter_only_within_what_they_see(api, customer, catalogue, org_b):
    response = api(customer).get("/api/cases/", {"organization": org_b.pk})

    assert response.json()["count"] == 0


# Soft-deleted cases


@pytest.fixture
def deleted(catalogue, agent):
    case_delete(case_id=catalogue["c"].pk, actor=agent)
    return catalogue["c"]


def test_no_list_shows_deleted_cases(api, cast, deleted):
    for role in ("customer", "agent", "manager"):
        ids = [row["id"] for row in api(cast[role]).get("/api/cases/").json()["results"]]
        assert deleted.pk not in ids, role


def test_managers_list_only_deleted_cases_with_deleted_true(api, manager, deleted):
    response = api(manager).get("/api/cases/", {"deleted": "true"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [deleted.pk]
    assert response.json()["results"][0]["deleted_at"] is not None


def test_deleted_false_is_the_usual_list(api, manager, deleted):
    response = api(manager).get("/api/cases/", {"deleted": "false"})

    assert response.json()["count"] == 3


@pytest.mark.parametrize("viewer", ["other_customer", "agent"])
def test_deleted_cases_are_listed_to_managers_only(api, request, deleted, viewer):
    response = api(request.getfixturevalue(viewer)).get("/api/cases/", {"deleted": "true"})

    assert response.status_code == 200
    assert response.json()["results"] == []


# Pagination


@pytest.fixture
def many_cases(make_case):
    def make(count):
        return [
            make_case("technical_support", subject=f"Case {n}", now=T0 + timedelta(minutes=n))
            for n in range(count)
        ]

    return make


def test_the_list_is_a_page_with_count_next_and_previous(api, customer, many_cases):
    many_cases(3)

    body = api(customer).get("/api/cases/", {"page_size": 2}).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert "page=2" in body["next"]
    assert "page_size=2" in body["next"]


def test_the_last_page_links_back(api, customer, many_cases):
    many_cases(3)

    body = api(customer).get("/api/cases/", {"page_size": 2, "page": 2}).json()

    assert [row["subject"] for row in body["results"]] == ["Case 0"]
    assert body["next"] is None
    assert body["previous"] is not None


def test_pages_follow_the_ordering_without_overlap(api, customer, many_cases):
    many_cases(5)
    client = api(customer)

    pages = [
        [
            row["subject"]
            for row in client.get("/api/cases/", {"page_size": 2, "page": page}).json()["results"]
        ]
        for page in (1, 2, 3)
    ]

    assert pages == [["Case 4", "Case 3"], ["Case 2", "Case 1"], ["Case 0"]]


def test_the_default_page_holds_25(api, customer, many_cases):
    many_cases(26)

    body = api(customer).get("/api/cases/").json()

    assert (body["count"], len(body["results"])) == (26, 25)


def test_page_size_is_capped_at_200(api, customer, many_cases):
    many_cases(201)

    body = api(customer).get("/api/cases/", {"page_size": 1000}).json()

    assert (body["count"], len(body["results"])) == (201, 200)


@pytest.mark.parametrize("page", ["9", "0", "last-but-one", str(2**64)])
def test_a_page_that_does_not_exist_is_404(api, customer, many_cases, page):
    many_cases(3)

    response = api(customer).get("/api/cases/", {"page": page})

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("page_size", ["null", "abc", "many", "", "0", "-5", "1.5", "1e3", " 5"])
def test_a_page_size_that_is_no_whole_number_from_1_is_400(api, customer, many_cases, page_size):
    many_cases(3)

    response = api(customer).get("/api/cases/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("page_size: ")
    assert "page_size" in response.json()


@pytest.mark.parametrize("path", ["/api/queues/", "/api/organizations/", "/api/notifications/"])
def test_every_list_refuses_a_nonsense_page_size(api, agent, db, path):
    response = api(agent).get(path, {"page_size": "null"})

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_page_size_1_is_the_smallest_page(api, customer, many_cases):
    many_cases(3)

    body = api(customer).get("/api/cases/", {"page_size": "1"}).json()

    assert (body["count"], len(body["results"])) == (3, 1)


def test_an_empty_page_is_no_page_not_the_first(api, customer, many_cases):
    many_cases(3)

    response = api(customer).get("/api/cases/", {"page": ""})

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_the_last_page_can_still_be_asked_for_by_name(api, customer, many_cases):
    many_cases(3)

    body = api(customer).get("/api/cases/", {"page_size": 2, "page": "last"}).json()

    assert [row["subject"] for row in body["results"]] == ["Case 0"]
