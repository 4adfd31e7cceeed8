"""Cases put into the timed statuses of the spec at a chosen moment, through the services (the
status is protected), for the tests of the automations, the notifications and the Celery worker.

Every step carries an explicit `now`, so a test knows to the second when each timer runs out.
"""

from datetime import UTC, datetime, timedelta
from itertools import count

from notifications.models import Kind, Notification
from services.cases import case_create
from services.conversation import comment_post
from services.releases import release_add_case, release_create
from workflows.registry import workflow_model
from workflows.transitions import deliver_release, perform_transition

# A fixed moment far from any real clock: the sweeps in these tests are told the time.
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_release_names = count(1)


def reload(case):
    return workflow_model(case.workflow).objects.get(pk=case.pk)


def new_case(queue, customer, *, at=T0, **fields):
    """A case opened at `at`, whose acknowledgement to the customer went out then, as the worker
    sends it right after the commit (a test's transaction never commits): what these tests
    deliver and sweep is only what happened to the case afterwards."""
    case = case_create(
        actor=customer,
        queue=queue,
        subject="Printer is on fire",
        description="Smoke.",
        now=at,
        **fields,
    )
    Notification.objects.filter(case=case, kind=Kind.CASE_CREATED).update(sent_at=at, attempts=1)
    return case


def awaiting_confirmation(queue, customer, agent, *, at):
    """A support_center case whose answer was given at `at` (its First Response is met)."""
    case = new_case(queue, customer, at=at - 2 * HOUR)
    perform_transition(case_id=case.pk, name="start_progress", actor=agent, now=at - HOUR)
    perform_transition(
        case_id=case.pk, name="provide_answer", actor=agent, note="Turn it off and on.", now=at
    )
    return reload(case)


def pending(queue, customer, agent, *, at, sub_status="customer_input"):
    """A support_center case set pending at `at`, after a public reply that met its First
    Response."""
    case = new_case(queue, customer, at=at - 2 * HOUR)
    comment_post(case_id=case.pk, actor=agent, body="Can you send us the logs?", now=at - HOUR)
    perform_transition(
        case_id=case.pk, name="set_pending", actor=agent, sub_status=sub_status, now=at
    )
    return reload(case)


def resolved(queue, customer, agent, *, at):
    """A release_tracking case whose resolution the customer was told of at `at` (its First
    Response met by a public reply on the way)."""
    case = new_case(queue, customer, at=at - 10 * HOUR)
    comment_post(case_id=case.pk, actor=agent, body="We are on it.", now=at - 10 * HOUR)
    steps = [
        ("assign", {"assignee": agent}),
        ("start_investigation", {}),
        ("send_to_development", {}),
        ("start_development", {}),
        ("submit_for_testing", {}),
        ("mark_done", {}),
    ]
    for hours_before, (name, payload) in zip(range(9, 0, -1), steps, strict=False):
        perform_transition(
            case_id=case.pk, name=name, actor=agent, now=at - hours_before * HOUR, **payload
        )
    release = release_create(actor=agent, name=f"2026.12.{next(_release_names)}", queue=queue)
    release_add_case(release_id=release.pk, case_id=case.pk, actor=agent)
    deliver_release(release_id=release.pk, actor=agent, now=at - 2 * HOUR)
    perform_transition(case_id=case.pk, name="resolve", actor=agent, now=at)
    return reload(case)
