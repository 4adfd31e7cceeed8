"""A case's admin page: its fields in words, its conversation and history by people's names, in
a constant number of queries whatever their length."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Comment, HistoryEntry
from services.conversation import comment_post
from tests.factories import AgentFactory, CustomerFactory


def page_of(client, case):
    return client.get(f"/admin/cases/case/{case.pk}/change/")


def grow(case, count):
    """`count` messages and as many history entries, by as many different people."""
    now = timezone.now()
    for index in range(count):
        author = (AgentFactory if index % 2 else CustomerFactory)(first_name=f"P{index}")
        Comment.objects.create(
            case=case,
            author=author,
            body=f"Message {index}",
            internal=index % 3 == 0,
            created_at=now,
        )
        HistoryEntry.objects.create(
            case=case,
            transition="start_work",
            source="new",
            target="work_in_progress",
            actor=author if index % 2 else None,
            actor_role="agent",
            note=f"Note {index}",
            created_at=now,
        )


def queries_of(client, case):
    with CaptureQueriesContext(connection) as captured:
        response = page_of(client, case)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_page_takes_as_many_queries_for_50_messages_as_for_5(
    manager_client, make_case, customer
):
    short, long = make_case(subject="Short"), make_case(subject="Long")
    grow(short, 5)
    grow(long, 50)
    page_of(manager_client, short)  # the session is cached on the first request
    few, many = queries_of(manager_client, short), queries_of(manager_client, long)
    assert few == many
    # The user, the case with its people and queue, its files, its messages and its history.
    assert many <= 5


@pytest.mark.django_db
def test_the_conversation_names_people_and_marks_internal_notes(
    manager_client, case, customer, agent
):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    comment_post(
        case_id=case.pk,
        actor=customer,
        body="Hello",
        files=[SimpleUploadedFile("printer.txt", b"jam at tray 2")],
    )
    comment_post(case_id=case.pk, actor=agent, body="psst", internal=True)
    response = page_of(manager_client, case)
    page = response.content.decode()
    messages = response.context["conversation"].messages
    assert [(m.author, m.from_support, m.internal) for m in messages] == [
        ("Alice Martin", False, False),
        ("agnes", True, True),
    ]
    assert 'aria-labelledby="conversation-heading"' in page
    assert '<tr class="internal-note">' in page
    assert ">printer.txt</a>" in page


@pytest.mark.django_db
def test_the_history_is_in_the_workflows_words(manager_client, make_case, cast):
    from tests.workflows.walking import walk_to

    case = walk_to(make_case("support_center"), "pending", cast)
    response = page_of(manager_client, case)
    [change] = [c for c in response.context["history"] if c.action == "Set pending"]
    assert (change.source, change.target) == ("New", "Pending")
    assert "<td>New → Pending</td>" in response.content.decode()


@pytest.mark.django_db
def test_fields_are_labelled_in_words_and_people_by_name(manager_client, case, customer):
    customer.first_name, customer.last_name = "Alice", "Martin"
    customer.save()
    page = page_of(manager_client, case).content.decode()
    assert "Customer waiting for an answer since" in page
    assert "First answer due" in page
    assert "compared with status_changed_at" not in page  # the model's help text, for developers
    assert "Customer replied at" not in page
    assert f'<a href="/admin/cases/user/{customer.pk}/change/">Alice Martin</a>' in page


@pytest.mark.django_db
def test_the_page_links_to_the_workspace(manager_client, case):
    page = page_of(manager_client, case).content.decode()
    assert f'href="/agent/cases/{case.reference}/"' in page
    assert "Back to the cases" in page
