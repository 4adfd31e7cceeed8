"""A NUL byte in a search, a filter or the autocomplete's term answers without a server error
(PostgreSQL refuses one in a query): the lists ignore it with a message, the autocomplete finds
nothing."""

import pytest

AUTOCOMPLETE = "/admin/autocomplete/?app_label=cases&model_name=case&field_name=repeat_of"


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def ask_autocomplete(client, term):
    response = client.get(f"{AUTOCOMPLETE}&term={term}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_the_autocomplete_answers_a_nul_byte_with_nothing(manager_client, case):
    assert ask_autocomplete(manager_client, "%00") == {"results": [], "pagination": {"more": False}}
    assert ask_autocomplete(manager_client, "Printer")["results"][0]["id"] == str(case.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/cases/user/?q=%00",
        "/admin/cases/user/?role=%00",
        "/admin/notifications/notification/?q=al%00ice",
        "/admin/django_celery_beat/periodictask/?q=%00",
    ],
)
def test_a_list_ignores_a_nul_byte_with_a_message(manager_client, url):
    response = manager_client.get(url, follow=True)
    assert response.status_code == 200
    assert any("Ignored a filter value that is not valid" in m for m in messages_of(response))


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_the_autocomplete_and_the_lists_answer(manager_client, case):
    assert ask_autocomplete(manager_client, "%00")["results"] == []
    assert ask_autocomplete(manager_client, "x%00y")["results"] == []
    for url in ("/admin/cases/user/?q=%00", "/admin/cases/case/?q=%00"):
        assert manager_client.get(url, follow=True).status_code == 200
