"""A queue's page shows the first-response targets and the timers of its own workflow only,
each labelled and explained in words, read off the workflows' `Timer` declarations."""

import re

import pytest

from backoffice.queue_timers import (
    CLOSURE_NOTIFICATION,
    FIRST_RESPONSE_FIELDS,
    every_timer,
    workflow_timers,
)
from cases.models import Queue
from workflows.registry import WORKFLOWS

QUEUE_FIELDS = {field.name for field in Queue._meta.fields}


def form_fields(response):
    return set(response.context["adminform"].form.fields)


def timer_fields(response):
    return {name for name in form_fields(response) if name in every_timer()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("workflow", "own"),
    [
        ("technical_support", set()),
        ("customer_service", set()),
        (
            "support_center",
            {
                "confirmation_auto_close_after",
                "customer_input_auto_close_after",
                "customer_input_reminder_after",
                CLOSURE_NOTIFICATION,
            },
        ),
        ("release_tracking", {"resolved_auto_close_after"}),
    ],
)
def test_a_queue_shows_the_timers_of_its_own_workflow_only(manager_client, queues, workflow, own):
    response = manager_client.get(f"/admin/cases/queue/{queues[workflow].pk}/change/")
    assert timer_fields(response) == set(FIRST_RESPONSE_FIELDS) | own
    page = response.content.decode()
    others = {name for name in WORKFLOWS if name != workflow}
    for other in others:
        assert f"Timers of the {WORKFLOWS[other].definition.name} workflow" not in page


@pytest.mark.django_db
def test_a_workflow_without_timers_says_so(manager_client, queues):
    page = manager_client.get(
        f"/admin/cases/queue/{queues['technical_support'].pk}/change/"
    ).content.decode()
    assert "The Technical support workflow has no timers" in page


def test_every_timer_a_workflow_declares_is_offered():
    for key, model in WORKFLOWS.items():
        offered = {setting.field for setting in workflow_timers(key)}
        assert {timer.after for timer in model.timers} <= offered, key


@pytest.mark.django_db
def test_the_add_page_shows_the_targets_and_says_the_timers_follow(manager_client):
    response = manager_client.get("/admin/cases/queue/add/")
    assert timer_fields(response) == set(FIRST_RESPONSE_FIELDS)
    assert "Once the queue is added, its workflow's timers are shown here" in (
        response.content.decode()
    )
    assert {"public_name", "public_description", "highest_customer_priority"} <= form_fields(
        response
    )


@pytest.mark.django_db
def test_adding_a_queue_with_timers_opens_its_page_to_show_them(manager_client):
    data = {"name": "Billing", "workflow": "support_center", "highest_customer_priority": 30}
    for name in FIRST_RESPONSE_FIELDS:
        data[f"{name}_0"], data[f"{name}_1"] = "0", "8"
    response = manager_client.post("/admin/cases/queue/add/", data, follow=True)
    queue = Queue.objects.get(name="Billing")
    assert response.redirect_chain[-1][0] == f"/admin/cases/queue/{queue.pk}/change/"
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Its workflow, Support center, has timers of its own" in said
    assert "customer_input_reminder_after" in timer_fields(response)


def test_labels_and_help_texts_are_words_not_field_names():
    names = re.compile("|".join(sorted(QUEUE_FIELDS, key=len, reverse=True)))
    for setting in every_timer().values():
        for text in (setting.label, setting.help_text):
            assert "_" not in text and not names.search(text), text
    confirmation = every_timer()["confirmation_auto_close_after"]
    assert confirmation.label == "Closes after (Awaiting Customer Confirmation)"
    assert "before it closes by itself" in confirmation.help_text


@pytest.mark.django_db
def test_the_list_shows_durations_in_words(manager_client, queues):
    page = manager_client.get("/admin/cases/queue/").content.decode()
    assert "Urgent: 1 hour · High: 4 hours · Normal: 8 hours · Low: 1 day" in page
    assert "1:00:00" not in page
