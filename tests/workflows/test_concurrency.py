"""Many people acting on one case at the same moment (spec rule 3): exactly one transition
wins, the others get 409, and nothing is lost or half-written. Needs PostgreSQL's row locks."""

import threading

import pytest
from django.db import connection

from cases.errors import Conflict
from cases.models import HistoryEntry
from services.cases import case_update
from services.conversation import comment_post
from tests.factories import AgentFactory
from tests.workflows.walking import reload, walk_to
from workflows.transitions import perform_transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def race(*jobs):
    """Run the jobs at once, one thread (and database connection) each, released together by a
    barrier; returns what each returned, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = job()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _kinds(outcomes):
    return sorted(
        type(outcome).__name__ if isinstance(outcome, Exception) else "won" for outcome in outcomes
    )


@pytest.fixture
def agents(db):
    return [AgentFactory(username=f"racer{n}") for n in range(THREADS)]


def _same_transition(case, agents, name):
    return race(
        *(
            lambda agent=agent: perform_transition(case_id=case.pk, name=name, actor=agent)
            for agent in agents
        )
    )


def test_same_transition_at_once_has_one_winner(make_case, agents):
    case = make_case("technical_support")

    outcomes = _same_transition(case, agents, "start_work")

    assert _kinds(outcomes) == ["Conflict"] * (THREADS - 1) + ["won"]


def test_same_transition_at_once_writes_one_history_row(make_case, agents):
    case = make_case("technical_support")

    _same_transition(case, agents, "start_work")

    assert HistoryEntry.objects.filter(case_id=case.pk).count() == 1


def test_concurrent_assign_to_me_keeps_the_winner_as_assignee(make_case, agents):
    case = make_case("customer_service")

    outcomes = _same_transition(case, agents, "assign_to_me")

    winner = next(
        agents[i] for i, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)
    )
    assert reload(case).assignee == winner


CONFLICTING = [
    ("request_info", {}),
    ("propose_solution", {"note": "Reboot it."}),
    ("block", {"note": "BUG-1234"}),
]
TARGETS = {
    "request_info": "pending_customer",
    "propose_solution": "solution_proposed",
    "block": "blocked",
}


def _conflicting_transitions(case, agents):
    """Three different transitions out of work_in_progress, none available after another;
    returns the name each thread asked for and what it got."""
    names = [CONFLICTING[index % len(CONFLICTING)][0] for index in range(len(agents))]
    jobs = [
        lambda agent=agent, name=name: perform_transition(
            case_id=case.pk, name=name, actor=agent, **dict(CONFLICTING)[name]
        )
        for agent, name in zip(agents, names, strict=True)
    ]
    return names, race(*jobs)


def _winner(names, outcomes):
    return next(
        name
        for name, outcome in zip(names, outcomes, strict=True)
        if not isinstance(outcome, Exception)
    )


def test_conflicting_transitions_at_once_have_one_winner(make_case, cast, agents):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)

    _, outcomes = _conflicting_transitions(case, agents)

    assert _kinds(outcomes) == ["Conflict"] * (THREADS - 1) + ["won"]


def test_conflicting_transitions_at_once_write_only_the_winner_history_row(make_case, cast, agents):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    before = HistoryEntry.objects.filter(case_id=case.pk).count()

    names, outcomes = _conflicting_transitions(case, agents)

    new = HistoryEntry.objects.filter(case_id=case.pk).order_by("id")[before:]
    assert [entry.transition for entry in new] == [_winner(names, outcomes)]


def test_conflicting_transitions_at_once_leave_the_winner_target(make_case, cast, agents):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)

    names, outcomes = _conflicting_transitions(case, agents)

    assert reload(case).status == TARGETS[_winner(names, outcomes)]


def test_losers_get_conflict_naming_the_new_status(make_case, agents):
    case = make_case("technical_support")

    outcomes = _same_transition(case, agents, "start_work")

    assert {o.status for o in outcomes if isinstance(o, Conflict)} == {"work_in_progress"}


# --- nothing lost ----------------------------------------------------------------------------


def test_concurrent_customer_replies_lose_no_comment(make_case, cast, customer, colleague):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    authors = [customer, colleague] * (THREADS // 2)

    race(
        *(
            lambda n=n, author=author: comment_post(
                case_id=case.pk, actor=author, body=f"Reply {n}"
            )
            for n, author in enumerate(authors)
        )
    )

    bodies = sorted(reload(case).comments.values_list("body", flat=True))
    assert bodies == sorted(f"Reply {n}" for n in range(THREADS))


def test_concurrent_customer_replies_fire_customer_reply_once(make_case, cast, customer, colleague):
    case = walk_to(make_case("technical_support"), "work_in_progress", cast)
    authors = [customer, colleague] * (THREADS // 2)

    race(
        *(
            lambda n=n, author=author: comment_post(
                case_id=case.pk, actor=author, body=f"Reply {n}"
            )
            for n, author in enumerate(authors)
        )
    )

    assert HistoryEntry.objects.filter(case_id=case.pk, transition="customer_reply").count() == 1


def test_concurrent_edits_notes_and_transition_lose_no_update(make_case, agent):
    case = make_case("technical_support")

    race(
        lambda: case_update(case_id=case.pk, actor=agent, changes={"subject": "New subject"}),
        lambda: case_update(case_id=case.pk, actor=agent, changes={"description": "New text"}),
        lambda: case_update(case_id=case.pk, actor=agent, changes={"priority": 40}),
        lambda: perform_transition(case_id=case.pk, name="start_work", actor=agent),
        *(
            lambda n=n: comment_post(case_id=case.pk, actor=agent, body=f"Note {n}", internal=True)
            for n in range(THREADS - 4)
        ),
    )

    fresh = reload(case)
    assert (
        fresh.subject,
        fresh.description,
        fresh.priority,
        fresh.status,
        fresh.comments.count(),
    ) == ("New subject", "New text", 40, "work_in_progress", THREADS - 4)
