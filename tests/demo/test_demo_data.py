"""`load_demo_data`: every status of every workflow reached through the services, histories that
lead there, log-ins that work, and a second run that changes nothing."""

from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cases.models import (
    Case,
    Comment,
    HistoryEntry,
    Organization,
    Queue,
    Release,
    ReleaseItem,
    SavedReply,
    Survey,
    User,
)
from cases.roles import Role
from demo.planning import Story, StoryError, do, find_path, plan
from notifications.models import Notification
from services.saved_replies import saved_reply_fill
from workflows.metadata import describe
from workflows.registry import WORKFLOWS

PASSWORD = "demo-pass-123"

pytestmark = pytest.mark.django_db


# The module-scoped load below runs before the root conftest's per-test hasher setting.
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo() -> str:
    """As `make run` loads it: in development, DEBUG on (tests run with it off)."""
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module, inside a transaction rolled back at its end; each test runs in
    a savepoint of it, so what a test changes (a second load) is undone before the next."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHING),
        transaction.atomic(),
    ):
        yield load_demo()
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    models = (Case, Comment, HistoryEntry, Organization, Queue, Release, ReleaseItem, Survey, User)
    counted = {model.__name__: model.objects.count() for model in models}
    counted["SavedReply"] = SavedReply.objects.count()
    counted["Notification"] = Notification.objects.count()
    return counted


@pytest.mark.parametrize("key", list(WORKFLOWS))
def test_every_status_of_the_workflow_has_a_live_case(demo, key):
    found = set(Case.objects.alive().filter(workflow=key).values_list("status", flat=True))
    expected = {status for status, _ in describe(key).statuses}
    assert expected - found == set()


def test_one_queue_per_workflow(demo):
    assert sorted(Queue.objects.values_list("workflow", flat=True)) == sorted(WORKFLOWS)


def test_a_few_dozen_cases(demo):
    assert 36 <= Case.objects.count() <= 48


def test_second_run_creates_nothing(demo):
    before = counts()
    output = load_demo()
    assert counts() == before
    assert "already present" in output


def test_demo_log_ins_authenticate(demo):
    customer = authenticate(username="customer", password=PASSWORD)
    agent = authenticate(username="agent", password=PASSWORD)
    manager = authenticate(username="manager", password=PASSWORD)
    assert customer is not None and agent is not None and manager is not None
    assert customer.role == Role.CUSTOMER
    assert customer.organization.name == "Acme Corp"
    assert agent.role == Role.AGENT
    assert manager.role == Role.MANAGER
    assert manager.is_staff and manager.is_superuser


def test_the_rest_of_the_cast(demo):
    people = {user.username: user for user in User.objects.select_related("organization")}
    assert people["acme-colleague"].organization.name == "Acme Corp"
    assert people["globex"].organization.name == "Globex Inc"
    assert people["solo"].organization is None
    assert people["agent2"].role == Role.AGENT
    assert all(user.email == f"{name}@example.com" for name, user in people.items())
    assert authenticate(username="globex", password=PASSWORD) is not None


def test_output_names_the_log_ins(demo):
    for username in ("customer", "agent", "manager", PASSWORD):
        assert username in demo


def test_cases_out_of_their_initial_status_have_a_history_leading_there(demo):
    for case in Case.objects.all():
        initial = describe(case.workflow).initial_status
        entries = list(case.history.order_by("created_at", "id"))
        if case.status == initial and not entries:
            continue
        assert entries, case.reference
        assert entries[0].source == initial
        for earlier, later in pairwise(entries):
            assert later.source == earlier.target, case.reference
        assert entries[-1].target == case.status
        assert case.status_changed_at == entries[-1].created_at


def test_times_lie_in_the_past_and_run_forward_per_case(demo):
    now = timezone.now()
    for case in Case.objects.all():
        times = sorted(
            [entry.created_at for entry in case.history.all()]
            + [comment.created_at for comment in case.comments.all()]
        )
        assert all(case.created_at <= time <= now for time in times), case.reference
        assert case.created_at <= case.updated_at <= now
    oldest = Case.objects.order_by("created_at").first().created_at
    assert now - oldest > timezone.timedelta(days=14)


def test_references_grow_with_creation_time(demo):
    created = list(Case.objects.order_by("pk").values_list("created_at", flat=True))
    assert created == sorted(created)


def test_conversations_have_replies_and_internal_notes(demo):
    assert Comment.objects.filter(internal=False).count() > 20
    assert Comment.objects.filter(internal=True).exists()
    customers = User.objects.filter(role=Role.CUSTOMER)
    assert Comment.objects.filter(author__in=customers, internal=False).exists()


def test_variety_of_priorities_and_channels(demo):
    assert Case.objects.values("priority").distinct().count() == 4
    assert Case.objects.values("channel").distinct().count() >= 5


def test_repeat_cases_follow_closed_ones(demo):
    repeats = Case.objects.filter(repeat_of__isnull=False).select_related("repeat_of")
    assert repeats.count() >= 2
    for repeat in repeats:
        assert repeat.status == describe(repeat.workflow).initial_status
        assert repeat.repeat_of.status == "closed"


def test_one_delivered_and_one_open_release(demo):
    delivered = Release.objects.get(delivered_at__isnull=False)
    waiting = Release.objects.get(delivered_at__isnull=True)
    assert delivered.items.count() >= 2
    assert all(
        item.case.history.filter(transition="deliver_release").exists()
        for item in delivered.items.all()
    )
    assert [item.case.status for item in waiting.items.all()] == ["done_awaiting_release"]
    assert delivered.created_at <= delivered.delivered_at


def test_a_customer_service_case_is_soft_deleted(demo):
    deleted = Case.objects.filter(deleted_at__isnull=False)
    assert deleted.filter(workflow="customer_service").exists()


def test_a_survey_follows_an_accepted_customer_service_solution(demo):
    survey = Survey.objects.select_related("case").get()
    assert survey.case.workflow == "customer_service"
    assert survey.case.history.last().transition == "accept_solution"


def test_the_automations_closed_some_cases(demo):
    closed_by_system = HistoryEntry.objects.filter(transition="auto_close", actor__isnull=True)
    assert set(closed_by_system.values_list("case__workflow", flat=True)) == {
        "support_center",
        "release_tracking",
    }


def test_past_notifications_count_as_sent(demo):
    assert Notification.objects.exists()
    assert not Notification.objects.filter(
        sent_at__isnull=True, scheduled_for__lte=timezone.now() - timezone.timedelta(minutes=1)
    ).exists()


def test_the_team_shares_saved_replies_that_fill_in_the_customer_and_the_case(demo):
    shared = list(SavedReply.objects.filter(owner=None).order_by("id"))
    case = Case.objects.select_related("requester").order_by("pk").first()

    assert 3 <= len(shared) <= 4
    assert not SavedReply.objects.filter(owner__isnull=False).exists()
    for reply in shared:
        filled = saved_reply_fill(body=reply.body, case=case)
        assert "{" not in filled, reply.title
        assert case.requester.get_full_name() in filled and case.reference in filled, reply.title


def test_a_second_run_makes_shared_saved_replies_that_went_missing_again(demo):
    gone = SavedReply.objects.filter(owner=None).order_by("id").first()
    gone.delete()
    before = counts()

    output = load_demo()

    assert f"Created missing shared saved replies: {gone.title}." in output
    assert counts() == before | {"SavedReply": before["SavedReply"] + 1}


def test_paths_use_only_what_people_or_customer_replies_do():
    for key in WORKFLOWS:
        info = describe(key)
        for status, _ in info.statuses:
            for target, _ in info.statuses:
                try:
                    path = find_path(key, status, target)
                except StoryError:
                    continue
                assert all(not t.rules.via_release for t in path)
                assert all(t.roles != ("system",) for t in path)


def test_a_story_that_does_not_fit_its_workflow_is_refused():
    story = Story("technical_support", "x", "", "customer", days=(2, 1), steps=[do("confirm")])
    with pytest.raises(StoryError):
        plan(story, {"customer": Role.CUSTOMER, "agent": Role.AGENT}, {})
