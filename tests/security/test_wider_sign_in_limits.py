"""Beyond the pair of username and address (tests/security/test_throttling.py): guessing from one
address across usernames, and at one username across addresses, is slowed to a bounded number
of failures an hour (helpdesk/sign_in_limits.py), while the owner signing in from an address
where they signed in before is never held by it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import CustomerFactory

PASSWORD = "secret-pass-123"  # what tests.factories gives every user
WRONG = "not-the-password"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def sign_in(username, password, *, address, entrance="api"):
    credentials = {"username": username, "password": password}
    if entrance == "api":
        return APIClient(REMOTE_ADDR=address).post("/api/auth/token/", credentials, format="json")
    return Client(REMOTE_ADDR=address).post("/accounts/login/", credentials)


def refused(response) -> bool:
    return response.status_code == 429


def signed_in(response) -> bool:
    return response.status_code in (200, 302) and not refused(response)


@pytest.fixture(autouse=True)
def _limits(settings):
    """The numbers these tests count to (the defaults are higher: helpdesk/settings.py)."""
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 20
    settings.SIGN_IN_FAILURES_PER_USERNAME = 10


@pytest.fixture
def people(db):
    """Thirty customers, user00 to user29."""
    return [CustomerFactory(username=f"user{n:02}") for n in range(30)]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# One address, many usernames ------------------------------------------------------------------


def test_four_guesses_at_each_of_thirty_usernames_from_one_address_are_stopped(people, clock):
    answers = [
        sign_in(person.username, WRONG, address=ATTACKER) for person in people for _ in range(4)
    ]

    assert [a.status_code for a in answers[:20]] == [400] * 20  # the limit: 20 an hour
    assert all(refused(a) for a in answers[20:])
    assert answers[-1].json() == {"detail": "Too many failed attempts: try again in 60 minutes"}
    assert answers[-1]["Retry-After"] == "3600"


def test_a_refused_address_is_refused_even_with_the_right_password(people, clock):
    for person in people[:5]:
        for _ in range(4):
            sign_in(person.username, WRONG, address=ATTACKER)

    assert refused(sign_in("user29", PASSWORD, address=ATTACKER))


def test_the_address_is_let_through_as_its_failures_leave_the_hour(people, clock):
    for n in range(20):
        sign_in(people[n].username, WRONG, address=ATTACKER)
        clock.shift(timedelta(minutes=1))  # failures at 9:00, 9:01, ... 9:19
    assert refused(sign_in("user29", PASSWORD, address=ATTACKER))

    clock.shift(timedelta(minutes=40))  # 9:59:59 is still within the hour of 9:00...
    clock.shift(timedelta(seconds=-1))
    assert refused(sign_in("user29", PASSWORD, address=ATTACKER))
    clock.shift(timedelta(seconds=1))  # ... 10:00 is not: 19 failures left in the hour

    assert signed_in(sign_in("user29", PASSWORD, address=ATTACKER))


def test_the_wait_said_is_until_the_oldest_counted_failure_leaves_the_hour(people, clock):
    for n in range(20):
        sign_in(people[n].username, WRONG, address=ATTACKER)
    clock.shift(timedelta(minutes=45))

    response = sign_in("user29", PASSWORD, address=ATTACKER)

    assert response.json() == {"detail": "Too many failed attempts: try again in 15 minutes"}
    assert response["Retry-After"] == "900"


def test_a_refused_attempt_does_not_count(people, clock):
    for n in range(20):
        sign_in(people[n].username, WRONG, address=ATTACKER)
    for _ in range(50):
        sign_in("user29", WRONG, address=ATTACKER)
    clock.shift(timedelta(hours=1))

    assert signed_in(sign_in("user29", PASSWORD, address=ATTACKER))


def test_other_addresses_are_not_held_by_it(people, clock):
    for n in range(20):
        sign_in(people[n].username, WRONG, address=ATTACKER)

    assert signed_in(sign_in("user00", PASSWORD, address="192.0.2.1"))


def test_someone_who_signed_in_from_that_address_before_is_not_held(people, clock):
    """An office behind one address: a colleague's guesser does not lock the others out."""
    assert signed_in(sign_in("user29", PASSWORD, address=ATTACKER, entrance="page"))
    for n in range(25):
        sign_in(people[n].username, WRONG, address=ATTACKER)

    assert signed_in(sign_in("user29", PASSWORD, address=ATTACKER))


@pytest.mark.parametrize("entrance", ["page", "api"])
def test_the_failures_of_every_entrance_count_together(people, clock, entrance):
    for n in range(20):
        sign_in(people[n].username, WRONG, address=ATTACKER, entrance=["page", "api"][n % 2])

    assert refused(sign_in("user29", PASSWORD, address=ATTACKER, entrance=entrance))


def test_a_refused_page_says_so_on_the_form(people, clock):
    for n in range(20):
        sign_in(people[n].username, WRONG, address=ATTACKER)

    response = sign_in("user29", PASSWORD, address=ATTACKER, entrance="page")

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "Too many failed attempts: try again in 60 minutes"
    ]
    assert response["Retry-After"] == "3600"


# One username, many addresses -------------------------------------------------------------------


def addresses(count: int) -> list[str]:
    return [f"203.0.113.{n}" for n in range(1, count + 1)]


def test_forty_guesses_at_one_username_from_ten_addresses_are_stopped(customer, clock):
    answers = [sign_in("alice", WRONG, address=a) for a in addresses(10) for _ in range(4)]

    assert [a.status_code for a in answers[:10]] == [400] * 10  # the limit: 10 an hour
    assert all(refused(a) for a in answers[10:])


def test_the_owner_from_their_usual_address_is_never_held(customer, clock):
    """Someone guesses at alice's name from everywhere; alice, at home, signs in as always."""
    assert signed_in(sign_in("alice", PASSWORD, address=HOME, entrance="page"))
    for address in addresses(30):
        for _ in range(4):
            sign_in("alice", WRONG, address=address)

    assert signed_in(sign_in("alice", PASSWORD, address=HOME, entrance="page"))
    assert signed_in(sign_in("alice", PASSWORD, address=HOME))


def test_an_address_known_from_a_token_sign_in_counts_too(customer, clock):
    assert signed_in(sign_in("alice", PASSWORD, address=HOME))
    for address in addresses(12):
        sign_in("alice", WRONG, address=address)

    assert signed_in(sign_in("alice", PASSWORD, address=HOME))


def test_the_owner_from_a_new_address_waits_out_the_hour(customer, clock):
    for address in addresses(10):
        sign_in("alice", WRONG, address=address)

    assert refused(sign_in("alice", PASSWORD, address="192.0.2.200"))
    clock.shift(timedelta(hours=1))
    assert signed_in(sign_in("alice", PASSWORD, address="192.0.2.200"))


def test_the_owner_at_home_is_still_held_by_the_pairs_rule(customer, clock):
    """The contract's lockout of a pair holds for everyone: 5 failures, 15 minutes."""
    assert signed_in(sign_in("alice", PASSWORD, address=HOME))
    for _ in range(5):
        sign_in("alice", WRONG, address=HOME)

    response = sign_in("alice", PASSWORD, address=HOME)

    assert response.json() == {"detail": "Too many failed attempts: try again in 15 minutes"}


def test_other_usernames_are_not_held_by_it(customer, colleague, clock):
    for address in addresses(10):
        sign_in("alice", WRONG, address=address)

    assert signed_in(sign_in("anna", PASSWORD, address="203.0.113.1"))


def test_failures_older_than_the_hour_do_not_count(customer, clock):
    for address in addresses(9):
        sign_in("alice", WRONG, address=address)
    clock.shift(timedelta(hours=1, seconds=1))
    for address in addresses(9):
        sign_in("alice", WRONG, address=address)

    assert signed_in(sign_in("alice", PASSWORD, address="192.0.2.200"))


def test_an_unknown_username_is_limited_like_any_other(db, clock):
    answers = [sign_in("nobody", WRONG, address=a) for a in addresses(12)]

    assert [a.status_code for a in answers] == [400] * 10 + [429] * 2
