"""How an email reads to the person it is sent to: its dates in words in their own time zone,
the text part as plain text (the Markdown people wrote read, not shown), and the files that came
with what it quotes named, never a file of an internal note."""

import pytest
from django.utils import timezone

from notifications.delivery import deliver_one
from notifications.models import Kind, Notification
from services.cases import case_create, case_update
from services.conversation import comment_post
from tests.timed_cases import HOUR, T0, new_case
from tests.uploads import upload

pytestmark = pytest.mark.django_db


def breach_email(case, agent, mailoutbox):
    row = Notification.objects.create(
        kind=Kind.FIRST_RESPONSE_BREACH,
        case=case,
        recipient=agent,
        key=f"test:breach:{case.pk}",
        created_at=T0 + 9 * HOUR,
        scheduled_for=T0 + 9 * HOUR,
    )
    deliver_one(row.pk, now=T0 + 9 * HOUR)
    [message] = mailoutbox
    return message.body, message.alternatives[0][0]


def reply_email(case, mailoutbox, *, at):
    row = Notification.objects.get(case=case, kind=Kind.PUBLIC_REPLY, created_at=at)
    deliver_one(row.pk, now=at)
    [message] = mailoutbox
    return message.body, message.alternatives[0][0]


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "due", "opened"),
    [
        ("Europe/Berlin", "1 December 2026, 18:00 CET", "1 December 2026, 10:00 CET"),
        ("America/New_York", "1 December 2026, 12:00 EST", "1 December 2026, 04:00 EST"),
        ("Asia/Dubai", "1 December 2026, 21:00 UTC+4", "1 December 2026, 13:00 UTC+4"),
    ],
)
def test_dates_are_in_words_in_the_recipients_own_zone(
    zone, due, opened, queues, customer, agent, mailoutbox
):
    agent.time_zone = zone
    agent.save()
    case = new_case(queues["technical_support"], customer, at=T0)  # due 8 hours later

    text, html = breach_email(case, agent, mailoutbox)

    assert f"it was due {due} (opened {opened})." in text
    assert f"it was due <strong>{due}</strong> (opened {opened})." in html


def test_dates_are_in_the_sites_zone_for_someone_who_chose_none(
    queues, customer, agent, mailoutbox, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    case = new_case(queues["technical_support"], customer, at=T0)

    text, _ = breach_email(case, agent, mailoutbox)

    assert "it was due 2 December 2026, 02:00 JST (opened 1 December 2026, 18:00 JST)." in text


def test_the_assignment_email_says_when_the_case_was_opened(
    queues, customer, agent, manager, mailoutbox
):
    agent.time_zone = "Europe/Berlin"
    agent.save()
    case = new_case(queues["technical_support"], customer, at=T0)
    case_update(case_id=case.pk, actor=manager, changes={"assignee": agent}, now=T0 + HOUR)

    deliver_one(Notification.objects.get(case=case, kind=Kind.ASSIGNED).pk, now=T0 + HOUR)

    assert "It was opened 1 December 2026, 10:00 CET by" in mailoutbox[0].body


def test_sending_an_email_leaves_the_active_zone_as_it_was(queues, customer, agent, mailoutbox):
    agent.time_zone = "Asia/Tokyo"
    agent.save()
    case = new_case(queues["technical_support"], customer, at=T0)

    breach_email(case, agent, mailoutbox)

    assert timezone.get_current_timezone_name() == "UTC"


# --- plain text -------------------------------------------------------------------------


def test_the_text_part_reads_as_plain_text(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(
        case_id=case.pk,
        actor=agent,
        body="Please try:\n\n* Open **Settings**\n* Run `vpn --reset`\n\n"
        "See [our guide](https://help.example.com/vpn).",
        now=T0 + HOUR,
    )

    text, html = reply_email(case, mailoutbox, at=T0 + HOUR)

    assert (
        "Please try:\n\n- Open Settings\n- Run vpn --reset\n\n"
        "See our guide (https://help.example.com/vpn)."
    ) in text
    assert not any(mark in text for mark in ("**", "`", "* ", "]("))
    assert "<strong>Settings</strong>" in html and "<code>vpn --reset</code>" in html


# --- files ------------------------------------------------------------------------------


def test_a_reply_email_names_the_files_that_came_with_the_reply(
    queues, customer, agent, mailoutbox
):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(
        case_id=case.pk,
        actor=agent,
        body="Here is how.",
        files=[upload("steps.png"), upload("vpn log.txt", b"log", "text/plain")],
        now=T0 + HOUR,
    )

    text, html = reply_email(case, mailoutbox, at=T0 + HOUR)

    assert "Attached: steps.png, vpn log.txt (on the case's page)" in text
    assert "Attached: steps.png, vpn log.txt (on the case's page)" in html


def test_an_email_never_names_a_file_of_an_internal_note(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(
        case_id=case.pk,
        actor=agent,
        body="Diagnosis",
        internal=True,
        files=[upload("internal-diagnosis.png")],
        now=T0 + HOUR,
    )
    comment_post(case_id=case.pk, actor=agent, body="We are on it.", now=T0 + 2 * HOUR)

    text, html = reply_email(case, mailoutbox, at=T0 + 2 * HOUR)

    assert "internal-diagnosis" not in text + html
    assert "Attached" not in text + html


def test_the_acknowledgement_repeats_the_request_and_names_its_files(queues, customer, mailoutbox):
    case = case_create(
        actor=customer,
        queue=queues["support_center"],
        subject="VPN drops",
        description="It drops **every hour**.",
        files=[upload("invoice.pdf", b"%PDF-1.4", "application/pdf"), upload("screen.png")],
        now=T0,
    )

    deliver_one(Notification.objects.get(case=case, kind=Kind.CASE_CREATED).pk, now=T0)

    [message] = mailoutbox
    text, html = message.body, message.alternatives[0][0]
    assert "Your request:\n\nIt drops every hour.\n\nAttached: invoice.pdf, screen.png" in text
    assert "It drops <strong>every hour</strong>." in html
    assert "Attached: invoice.pdf, screen.png" in html


def test_an_email_without_files_names_none(queues, customer, agent, mailoutbox):
    case = new_case(queues["technical_support"], customer, at=T0)
    comment_post(case_id=case.pk, actor=agent, body="No files here.", now=T0 + HOUR)

    text, html = reply_email(case, mailoutbox, at=T0 + HOUR)

    assert "Attached" not in text + html
