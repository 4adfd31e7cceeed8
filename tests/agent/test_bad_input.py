"""Whatever the query string or the form holds, the workspace answers with a page, a message or a
404: never a server error (ui.md: bad input always gets a clear answer)."""

import pytest

from cases.models import Release

JUNK = ["abc", "-1", "0", "99999999999999999999", "%00", "\x00", "' OR 1=1 --", "", "2026-13-45"]
LIST_PARAMETERS = [
    "tab", "page", "page_size", "sort", "queue", "workflow", "status", "sub_status", "priority",
    "assignee", "organization", "requester", "q", "created_from", "created_to", "updated_from",
    "updated_to",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PARAMETERS)
def test_the_case_list_takes_any_value_of_any_parameter(desk, case_in, name):
    case_in("technical_support", "work_in_progress")
    for value in JUNK:
        response = desk.get("/agent/cases/", {name: value})
        assert response.status_code in (200, 400), (name, value, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/agent/cases/CS-999999/",
        "/agent/cases/%00/",
        "/agent/cases/CS-000001/transitions/%00/",
        "/portal/cases/%00/",
        "/agent/cases/not-a-reference/presence/?seen=yesterday",
        "/agent/releases/999999/",
        "/agent/saved-replies/999999/",
        "/agent/overview/?anything=%00",
        "/agent/updates/?page=%00",
    ],
)
def test_unknown_things_are_404_or_a_page(desk, url):
    assert desk.get(url).status_code in (200, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "assign"},
        {"action": "assign", "cases": ["abc"], "assignee": "x"},
        {"action": "priority", "cases": ["99999999999999999999"], "priority": "9"},
        {"action": "transition", "cases": ["1"], "transition": "\x00"},
        {"action": "nonsense", "cases": ["1"]},
    ],
)
def test_bulk_actions_refuse_what_they_cannot_read(desk, case_in, data):
    case_in("technical_support")
    response = desk.post("/agent/cases/bulk/", data)
    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, data",
    [
        ("reply/", {"body": "\x00"}),
        ("reply/", {"body": "x" * 200_000}),
        ("transitions/no_such_transition/", {}),
        ("transitions/start_work/", {"seen": "not a time"}),
        ("properties/", {"priority": "abc", "assignee": "abc", "subject": ""}),
        ("properties/", {"seen": "\x00"}),
    ],
)
def test_case_actions_refuse_what_they_cannot_read(desk, case_in, path, data):
    case = case_in("technical_support")
    response = desk.post(f"/agent/cases/{case.reference}/{path}", data)
    assert response.status_code < 500, response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [{}, {"name": "\x00", "queue": "abc"}, {"name": "x" * 1000, "queue": "99999999999999999999"}],
)
def test_a_release_form_refuses_what_it_cannot_read(desk, queues, data):
    response = desk.post("/agent/releases/", data)
    assert response.status_code == 400
    assert not Release.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["abc", "\x00", "99999999999999999999", ""])
def test_adding_a_case_to_a_release_refuses_what_it_cannot_read(desk, agent, queues, case):
    release = Release.objects.create(name="4.0", queue=queues["release_tracking"], created_by=agent)
    response = desk.post(f"/agent/releases/{release.pk}/cases/", {"case": case})
    assert 400 <= response.status_code < 500
