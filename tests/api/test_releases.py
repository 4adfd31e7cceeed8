"""Releases of release_tracking queues: agents create them, add cases that are done awaiting
release, and deliver them, moving every case in them to release_delivered at once."""

import pytest

from cases.models import Release

STAFF = ["agent", "manager"]


@pytest.fixture
def release(api, agent, queues):
    response = api(agent).post(
        "/api/releases/",
        {"name": "2026.12.1", "queue": queues["release_tracking"].pk},
        format="json",
    )
    return response.json()


def add(client, release, case_id):
    return client.post(f"/api/releases/{release['id']}/cases/", {"case": case_id}, format="json")


def deliver(client, release):
    return client.post(f"/api/releases/{release['id']}/deliver/")


@pytest.mark.parametrize("role", STAFF)
def test_staff_create_an_empty_undelivered_release(api, cast, queues, role):
    response = api(cast[role]).post(
        "/api/releases/",
        {"name": "2026.12.1", "queue": queues["release_tracking"].pk},
        format="json",
    )

    assert response.status_code == 201
    created = Release.objects.get(name="2026.12.1")
    assert response.json() == {
        "id": created.pk,
        "name": "2026.12.1",
        "queue": queues["release_tracking"].pk,
        "delivered_at": None,
        "cases": [],
    }


def test_customers_do_not_create_releases(api, customer, queues):
    response = api(customer).post(
        "/api/releases/",
        {"name": "2026.12.1", "queue": queues["release_tracking"].pk},
        format="json",
    )

    assert response.status_code == 403
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "2026.12.1", "queue": "technical_support"}, "queue"),
        ({"name": "2026.12.1", "queue": 999_999}, "queue"),
        ({"name": "2026.12.1", "queue": 2**64}, "queue"),
        ({"name": "2026.12.1"}, "queue"),
        ({"name": "", "queue": "release_tracking"}, "name"),
        ({"name": "x" * 101, "queue": "release_tracking"}, "name"),
        ({"name": ["2026"], "queue": "release_tracking"}, "name"),
        ({"queue": "release_tracking"}, "name"),
    ],
)
def test_an_invalid_release_is_400(api, agent, queues, body, field):
    if body.get("queue") == "release_tracking":
        body = {**body, "queue": queues["release_tracking"].pk}

    response = api(agent).post("/api/releases/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Release.objects.exists()


def test_releases_belong_to_release_tracking_queues(api, agent, queues):
    response = api(agent).post(
        "/api/releases/",
        {"name": "2026.12.1", "queue": queues["technical_support"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert "queue" in response.json()


def test_release_names_are_unique_per_queue(api, agent, queues, release):
    response = api(agent).post(
        "/api/releases/",
        {"name": "2026.12.1", "queue": queues["release_tracking"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert "name" in response.json()


@pytest.mark.parametrize("role", STAFF)
def test_staff_add_a_case_that_is_done_awaiting_release(api, cast, case_in, release, role):
    case = case_in("release_tracking", "done_awaiting_release")

    response = add(api(cast[role]), release, case.pk)

    assert response.status_code == 200
    assert response.json()["cases"] == [case.pk]
    assert response.json()["delivered_at"] is None


def test_adding_the_same_case_twice_keeps_it_once(api, agent, case_in, release):
    case = case_in("release_tracking", "done_awaiting_release")
    add(api(agent), release, case.pk)

    response = add(api(agent), release, case.pk)

    assert response.status_code == 200
    assert response.json()["cases"] == [case.pk]


@pytest.mark.parametrize("status", ["open", "testing_and_verification", "release_delivered"])
def test_only_cases_done_awaiting_release_join(api, agent, case_in, release, status):
    case = case_in("release_tracking", status)

    response = add(api(agent), release, case.pk)

    assert response.status_code == 409
    assert response.json()["status"] == status
    assert Release.objects.get(pk=release["id"]).items.count() == 0


def test_a_case_waits_in_one_release_at_a_time(api, agent, queues, case_in, release):
    case = case_in("release_tracking", "done_awaiting_release")
    add(api(agent), release, case.pk)
    other = (
        api(agent)
        .post(
            "/api/releases/",
            {"name": "2026.12.2", "queue": queues["release_tracking"].pk},
            format="json",
        )
        .json()
    )

    assert add(api(agent), other, case.pk).status_code == 409


def test_a_case_of_another_queue_does_not_join(api, agent, case_in, release):
    case = case_in("technical_support", "work_in_progress")

    assert add(api(agent), release, case.pk).status_code == 409


def test_an_unknown_case_id_is_404(api, agent, release):
    assert add(api(agent), release, 999_999).status_code == 404


@pytest.mark.parametrize("case_id", ["CS-000001", None, 2**64, -1, 0, 1.5, [1]])
def test_a_case_id_that_is_not_an_id_is_400(api, agent, release, case_id):
    response = add(api(agent), release, case_id)

    assert response.status_code == 400
    assert "case" in response.json()


def test_customers_do_not_add_cases(api, customer, case_in, release):
    case = case_in("release_tracking", "done_awaiting_release")

    assert add(api(customer), release, case.pk).status_code == 403


@pytest.mark.parametrize("role", STAFF)
def test_delivering_moves_every_case_to_release_delivered(
    api, cast, customer, case_in, release, role
):
    first = case_in("release_tracking", "done_awaiting_release")
    second = case_in("release_tracking", "done_awaiting_release")
    add(api(cast[role]), release, first.pk)
    add(api(cast[role]), release, second.pk)

    response = deliver(api(cast[role]), release)

    assert response.status_code == 200
    assert response.json()["delivered_at"] is not None
    assert sorted(response.json()["cases"]) == sorted([first.pk, second.pk])
    for case in (first, second):
        body = api(customer).get(f"/api/cases/{case.pk}/").json()
        assert body["status"] == "release_delivered"
        last = api(customer).get(f"/api/cases/{case.pk}/history/").json()[-1]
        assert (last["transition"], last["actor"]) == ("deliver_release", cast[role].pk)


def test_a_delivered_release_cannot_be_delivered_again(api, agent, case_in, release):
    case = case_in("release_tracking", "done_awaiting_release")
    add(api(agent), release, case.pk)
    deliver(api(agent), release)

    assert deliver(api(agent), release).status_code == 409


def test_an_empty_release_is_not_delivered(api, agent, release):
    response = deliver(api(agent), release)

    assert response.status_code == 409
    assert "holds no case" in response.json()["detail"]
    assert Release.objects.get(pk=release["id"]).delivered_at is None


def test_a_delivered_release_takes_no_more_cases(api, agent, case_in, release):
    add(api(agent), release, case_in("release_tracking", "done_awaiting_release").pk)
    deliver(api(agent), release)
    case = case_in("release_tracking", "done_awaiting_release")

    response = add(api(agent), release, case.pk)

    assert response.status_code == 409
    assert not Release.objects.get(pk=release["id"]).items.filter(case=case).exists()


def test_customers_do_not_deliver(api, customer, release):
    assert deliver(api(customer), release).status_code == 403
    assert Release.objects.get(pk=release["id"]).delivered_at is None


@pytest.mark.parametrize("path", ["", "cases/", "deliver/"])
def test_an_unknown_release_is_404(api, agent, db, path):
    method = "get" if path == "" else "post"

    response = getattr(api(agent), method)(f"/api/releases/999999/{path}", {}, format="json")

    assert response.status_code == 404


def test_staff_read_releases(api, agent, release):
    listed = api(agent).get("/api/releases/")
    one = api(agent).get(f"/api/releases/{release['id']}/")

    assert listed.status_code == 200
    assert listed.json()["results"] == [release]
    assert one.json() == release


def test_customers_do_not_read_releases(api, customer, release):
    assert api(customer).get("/api/releases/").status_code == 403
    assert api(customer).get(f"/api/releases/{release['id']}/").status_code == 403
