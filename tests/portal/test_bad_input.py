"""Whatever the query string or the form holds, the portal answers with a page, a message or a
404: never a server error."""

import pytest

JUNK = ["abc", "-1", "99999999999999999999", "\x00", "' OR 1=1 --", "", "2026-13-45"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["tab", "page", "queue", "q"])
def test_my_cases_takes_any_value_of_any_parameter(portal, case_in, name):
    case_in("technical_support")
    for value in JUNK:
        response = portal.get("/portal/", {name: value})
        assert response.status_code in (200, 400), (name, value, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, data",
    [
        ("reply/", {"body": "\x00"}),
        ("transitions/\x00/", {}),
        ("transitions/close/", {"note": "\x00", "confirmed": "yes"}),
        ("survey/", {"rating": "abc", "comment": "\x00"}),
        ("delete/", {"confirmed": "\x00"}),
    ],
)
def test_case_actions_refuse_what_they_cannot_read(portal, case_in, path, data):
    case = case_in("technical_support")
    response = portal.post(f"/portal/cases/{case.reference}/{path}", data)
    assert response.status_code < 500, response.status_code


@pytest.mark.django_db
def test_new_case_refuses_what_it_cannot_read(portal, queues):
    response = portal.post(
        "/portal/cases/new/", {"queue": "\x00", "subject": "\x00", "priority": "abc"}
    )
    assert response.status_code == 400
