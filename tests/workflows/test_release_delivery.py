"""Releases (release_tracking): agents gather cases that are done awaiting release, and
delivering the release moves all of them to release_delivered at once, or none."""

import pytest

import workflows.transitions
from cases.errors import Conflict, Forbidden, InvalidInput
from cases.models import Case, HistoryEntry
from notifications.models import Kind, Notification
from services.releases import release_add_case, release_create
from tests.factories import QueueFactory
from tests.workflows.walking import reload, walk_to
from workflows.transitions import deliver_release


@pytest.fixture
def done_cases(make_case, cast, colleague, other_customer):
    """Three cases waiting for a release, from three requesters."""
    return [
        walk_to(make_case("release_tracking", requester=requester), "done_awaiting_release", cast)
        for requester in (cast["customer"], colleague, other_customer)
    ]


@pytest.fixture
def release(queues, agent, done_cases):
    release = release_create(actor=agent, name="2026.12.1", queue=queues["release_tracking"])
    for case in done_cases:
        release_add_case(release_id=release.pk, case_id=case.pk, actor=agent)
    return release


def _statuses(cases):
    return [reload(case).status for case in cases]


def test_delivery_moves_every_case_to_release_delivered(release, done_cases, agent):
    deliver_release(release_id=release.pk, actor=agent)

    assert _statuses(done_cases) == ["release_delivered"] * 3


def test_delivery_writes_one_history_row_per_case(release, done_cases, agent):
    deliver_release(release_id=release.pk, actor=agent)

    rows = HistoryEntry.objects.filter(transition="deliver_release")
    assert sorted(rows.values_list("case_id", "source", "target", "actor_role")) == sorted(
        (case.pk, "done_awaiting_release", "release_delivered", "agent") for case in done_cases
    )


def test_delivery_marks_release_delivered(release, agent):
    deliver_release(release_id=release.pk, actor=agent)

    release.refresh_from_db()
    assert (release.is_delivered, release.delivered_by) == (True, agent)


def test_delivery_notifies_each_case_customer(release, done_cases, agent):
    deliver_release(release_id=release.pk, actor=agent)

    notified = Notification.objects.filter(kind=Kind.RELEASE_DELIVERED)
    assert sorted(notified.values_list("case_id", "recipient_id")) == sorted(
        (case.pk, case.requester_id) for case in done_cases
    )


def test_manager_delivers_release(release, done_cases, manager):
    deliver_release(release_id=release.pk, actor=manager)

    assert _statuses(done_cases) == ["release_delivered"] * 3


def test_customer_may_not_deliver_release(release, customer):
    with pytest.raises(Forbidden):
        deliver_release(release_id=release.pk, actor=customer)


# --- all or none -----------------------------------------------------------------------------


def _fail_on_second_call(monkeypatch, name):
    where = workflows.transitions.CaseChange if name == "transition" else workflows.transitions
    real = getattr(where, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(where, name, flaky)


@pytest.mark.parametrize("failing", ["transition", "notify"])
def test_failure_on_second_case_delivers_no_case(failing, release, done_cases, agent, monkeypatch):
    _fail_on_second_call(monkeypatch, failing)

    with pytest.raises(RuntimeError):
        deliver_release(release_id=release.pk, actor=agent)

    assert _statuses(done_cases) == ["done_awaiting_release"] * 3


@pytest.mark.parametrize("failing", ["transition", "notify"])
def test_failure_on_second_case_writes_no_history(failing, release, done_cases, agent, monkeypatch):
    _fail_on_second_call(monkeypatch, failing)

    with pytest.raises(RuntimeError):
        deliver_release(release_id=release.pk, actor=agent)

    assert not HistoryEntry.objects.filter(transition="deliver_release").exists()


@pytest.mark.parametrize("failing", ["transition", "notify"])
def test_failure_on_second_case_leaves_release_undelivered(failing, release, agent, monkeypatch):
    _fail_on_second_call(monkeypatch, failing)

    with pytest.raises(RuntimeError):
        deliver_release(release_id=release.pk, actor=agent)

    release.refresh_from_db()
    assert not release.is_delivered


def test_case_no_longer_waiting_stops_the_whole_delivery(release, done_cases, agent):
    # The services never let a case in a release leave done_awaiting_release; a row edited
    # behind their back (a bad data migration, say) must still stop the delivery as a whole.
    Case.objects.filter(pk=done_cases[1].pk).update(status="testing_and_verification")

    with pytest.raises(Conflict):
        deliver_release(release_id=release.pk, actor=agent)

    assert _statuses(done_cases) == [
        "done_awaiting_release",
        "testing_and_verification",
        "done_awaiting_release",
    ]


def test_refused_delivery_leaves_release_undelivered(release, done_cases, agent):
    Case.objects.filter(pk=done_cases[1].pk).update(status="backlog")

    with pytest.raises(Conflict):
        deliver_release(release_id=release.pk, actor=agent)

    release.refresh_from_db()
    assert not release.is_delivered


# --- a delivered release cannot be changed; what may join a release ---------------------------


def test_delivered_release_cannot_be_delivered_again(release, agent):
    deliver_release(release_id=release.pk, actor=agent)

    with pytest.raises(Conflict):
        deliver_release(release_id=release.pk, actor=agent)


def test_delivered_release_takes_no_more_cases(release, make_case, cast, agent):
    deliver_release(release_id=release.pk, actor=agent)
    late = walk_to(make_case("release_tracking"), "done_awaiting_release", cast)

    with pytest.raises(Conflict):
        release_add_case(release_id=release.pk, case_id=late.pk, actor=agent)


@pytest.mark.parametrize("status", ["open", "testing_and_verification", "release_delivered"])
def test_case_not_done_awaiting_release_cannot_join(status, make_case, cast, queues, agent):
    case = walk_to(make_case("release_tracking"), status, cast)
    release = release_create(actor=agent, name="2026.12.2", queue=queues["release_tracking"])

    with pytest.raises(Conflict):
        release_add_case(release_id=release.pk, case_id=case.pk, actor=agent)


def test_case_of_another_queue_cannot_join(make_case, cast, agent):
    case = walk_to(make_case("release_tracking"), "done_awaiting_release", cast)
    other_queue = QueueFactory(name="Other product", workflow="release_tracking")
    release = release_create(actor=agent, name="2026.12.2", queue=other_queue)

    with pytest.raises(Conflict):
        release_add_case(release_id=release.pk, case_id=case.pk, actor=agent)


def test_case_waiting_in_one_release_cannot_join_another(release, done_cases, queues, agent):
    other = release_create(actor=agent, name="2026.12.2", queue=queues["release_tracking"])

    with pytest.raises(Conflict):
        release_add_case(release_id=other.pk, case_id=done_cases[0].pk, actor=agent)


def test_customer_may_not_add_cases_to_releases(queues, done_cases, agent, customer):
    release = release_create(actor=agent, name="2026.12.2", queue=queues["release_tracking"])

    with pytest.raises(Forbidden):
        release_add_case(release_id=release.pk, case_id=done_cases[0].pk, actor=customer)


def test_customer_may_not_create_releases(queues, customer):
    with pytest.raises(Forbidden):
        release_create(actor=customer, name="2026.12.2", queue=queues["release_tracking"])


def test_release_belongs_to_a_release_tracking_queue(queues, agent):
    with pytest.raises(InvalidInput):
        release_create(actor=agent, name="2026.12.2", queue=queues["technical_support"])


def test_release_name_is_unique_per_queue(release, queues, agent):
    with pytest.raises(InvalidInput):
        release_create(actor=agent, name="2026.12.1", queue=queues["release_tracking"])
