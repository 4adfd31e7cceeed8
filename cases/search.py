"""Searching cases: one definition for the API's `?search=`, the portal's Search field and the
agent workspace's (its header search and its lists' Search filter), and the people and
organizations the workspace's fields are chosen from by typing.

Every word must appear, case-insensitively, in one of the searched fields (a substring match:
"jam" finds "jams", "000042" finds CS-000042). The API and the portal search the reference,
subject and description (the API contract says so); the workspace also searches the requester
(first and last name, username, email) and the organization (`people=True`), so that an agent
who remembers only who called finds the case.

On PostgreSQL trigram indexes serve that match (migrations cases 0002 and 0011), but a list also
wants its newest rows first, and with a LIMIT the planner prefers to walk the date index and test
every row until enough match: instant when the match is recent, a walk through the whole table
when it is old (222 ms at 100,000 cases for the oldest reference). So the search runs in two
steps: first the ids of the matches, without order, which the trigram indexes answer whatever
their age; when they are few (`FEW_MATCHES`), the list reads just those rows by primary key and
sorts them, whatever order it asks for. When a term matches more than that, matches are dense,
and walking the date index finds a page of them at once, as before.

People and organizations are matched first, in a query each (`FEW_PEOPLE` rows at most): a case
then matches a word through `requester_id IN (...)` or `organization_id IN (...)`, which the
case table's own indexes answer (a join in the condition would keep PostgreSQL from using them at
all). The ids are then read in three queries rather than one, each of a shape the planner
estimates well: the cases whose text holds every word (the trigram indexes, as above); those
whose requester and organization hold every word between them (`by_people`: ids alone, worked
out from the people and organizations matched); and those holding some words in their text and
the others in their requester or organization (`mixed`: a text match among the cases of the
people matched). In one query the planner, sure of how many cases a requester has but not of how
rarely a word appears in a description, read the whole table testing each row against every
pattern (230 ms at 100,000 cases for an email). The cases found through people are read by id up
to `MANY_THROUGH_PEOPLE`, not `FEW_MATCHES`: they are dense only within their requester's or
organization's time, never across the table.
"""

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from cases.models import Organization, User

# Typed over any model so that DRF's generic filter backend can hand its queryset through; the
# fields are Case's.
M = TypeVar("M", bound=Model)
R = TypeVar("R")

SEARCHED_FIELDS = ("reference", "subject", "description")
PEOPLE_FIELDS = ("first_name", "last_name", "username", "email")
ORGANIZATION_FIELDS = ("name",)
# Above this many matches the list filters by the condition itself (see the module docstring).
FEW_MATCHES = 1000
# The cases found through the people and organizations matched are read by id up to this many:
# a customer's or an organization's cases are close together in time (all old for a customer who
# left), where walking the date index for them would read most of the table (1.2 s at a million
# cases for the 1,500 cases of one customer, the oldest).
MANY_THROUGH_PEOPLE = 3000
# Above this many people (or organizations) matching the words, a word matches them through a
# subquery rather than a list of ids (a word as loose as "a").
FEW_PEOPLE = 1000
# More words than this add cost, not precision.
MAX_WORDS = 10


def words_of(text: str) -> list[str]:
    """The words searched for: NUL bytes dropped (no database takes them), at most `MAX_WORDS`."""
    return text.replace("\x00", "").split()[:MAX_WORDS]


def words_in(words: Sequence[str], fields: Iterable[str]) -> Q:
    """Each of `words` in one of `fields`, case-insensitively (`words` must not be empty)."""
    fields = tuple(fields)
    return reduce(
        operator.and_,
        (
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields))
            for word in words
        ),
    )


def search_condition(text: str) -> Q | None:
    """Each word of `text` in one of the searched fields; None when there is no word."""
    words = words_of(text)
    return words_in(words, SEARCHED_FIELDS) if words else None


@dataclass(frozen=True)
class PeopleSearch:
    """The workspace's search of `text`: every word in the case's text, its requester or its
    organization (`every_word`); and the two ways to its ids (see the module docstring): every
    word in the text (`in_text`), or a requester or organization that holds a word (`through`,
    None when none does)."""

    every_word: Q
    in_text: Q
    through: Q | None
    # Every word in the text, the requester or the organization of the case, some in one and
    # some in another (`mixed`), or all of them in its requester and organization
    # (`by_people`, None where the people matched were too many to list).
    mixed: Q | None = None
    by_people: Q | None = None

    @property
    def condition(self) -> Q:
        """`every_word`, said so that the planner sees how many cases the people and
        organizations matched have (every word in the text, or one of those cases holding
        every word): it then reads those through their indexes rather than test every row."""
        if self.through is None:
            return self.in_text
        return self.in_text | (self.through & self.every_word)


def people_search(text: str) -> PeopleSearch | None:
    """The workspace's search of `text` (None when there is no word): a query for the people
    and one for the organizations holding any of its words."""
    words = words_of(text)
    if not words:
        return None
    requesters = _matching(User.objects.all(), PEOPLE_FIELDS, words)
    organizations = _matching(Organization.objects.all(), ORGANIZATION_FIELDS, words)
    parts, through = [], []
    for word in words:
        # The requester and organization first: a row they match needs no pattern tested.
        ways = []
        if (people := requesters[word]) is not None:
            ways.append(Q(requester__in=people))
        if (found := organizations[word]) is not None:
            ways.append(Q(organization__in=found))
        through += ways
        parts.append(reduce(operator.or_, [*ways, words_in([word], SEARCHED_FIELDS)]))
    every_word = reduce(operator.and_, parts)
    return PeopleSearch(
        every_word=every_word,
        in_text=words_in(words, SEARCHED_FIELDS),
        through=reduce(operator.or_, through) if through else None,
        mixed=reduce(operator.or_, through) & any_word_in_text(words) & every_word
        if through
        else None,
        by_people=_named_by_people(words, requesters, organizations),
    )


def any_word_in_text(words: Sequence[str]) -> Q:
    return reduce(operator.or_, (words_in([word], SEARCHED_FIELDS) for word in words))


def _named_by_people(
    words: Sequence[str],
    requesters: dict[str, "Found | None"],
    organizations: dict[str, "Found | None"],
) -> Q | None:
    """The cases every word of which their requester or their organization holds, said with ids
    alone (no pattern to test, so PostgreSQL reads them off the requester and organization
    indexes): an organization holding every word; a requester holding every word; or a
    requester holding some, in an organization holding the others. Worked out here, where
    the people and organizations of each word are known: in SQL the planner took "Proseware
    Bank" for a match of a third of the table (every customer whose email names a bank) and
    tested every row. None where a word matched too many people to list."""
    found = [*requesters.values(), *organizations.values()]
    if any(isinstance(ids, QuerySet) for ids in found):
        return None
    people = {word: set(requesters[word] or ()) for word in words}
    orgs = {word: set(organizations[word] or ()) for word in words}
    parts = []
    if every_org := set.intersection(*orgs.values()):
        parts.append(Q(organization__in=sorted(every_org)))
    # Requesters by the organizations that must hold the words they do not: none, or some.
    needing: dict[frozenset[int], list[int]] = {}
    for person in set().union(*people.values()):
        missing = [orgs[word] for word in words if person not in people[word]]
        if not missing:
            needing.setdefault(frozenset(), []).append(person)
        elif others := set.intersection(*missing):
            needing.setdefault(frozenset(others), []).append(person)
    for held_by, persons in needing.items():
        part = Q(requester__in=sorted(persons))
        parts.append(part & Q(organization__in=sorted(held_by)) if held_by else part)
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


# A word's matching people (or organizations): their ids, or a subquery when they are many.
Found = list[int] | QuerySet[Any, Any]


def _matching(
    rows: QuerySet[User] | QuerySet[Organization], fields: Sequence[str], words: Sequence[str]
) -> dict[str, Found | None]:
    """For each word, the ids of the rows holding it in one of `fields` (None: no row does),
    read in one query; a subquery instead when more than `FEW_PEOPLE` rows hold any word."""
    any_word = reduce(operator.or_, (words_in([word], fields) for word in words))
    found = list(rows.filter(any_word).order_by().values_list("pk", *fields)[: FEW_PEOPLE + 1])
    if len(found) > FEW_PEOPLE:
        return {word: rows.filter(words_in([word], fields)).values("pk") for word in words}
    by_word: dict[str, Found | None] = {}
    for word in words:
        # What `icontains` compares: both sides in capitals. Python's capitals are the looser
        # (SQLite only folds ASCII), so no row the database matched is left out.
        upper = word.upper()
        ids = [pk for pk, *values in found if any(upper in (v or "").upper() for v in values)]
        by_word[word] = ids or None
    return by_word


def cases_matching(cases: QuerySet[M, R], text: str, *, people: bool = False) -> QuerySet[M, R]:
    """The cases of `cases` that match `text` (all of them when `text` has no word). Costs one
    query for the matching ids, at most `FEW_MATCHES + 1` of them, when there is a word; with
    `people` (`people_search`), two for the people and organizations and up to two for the ids."""
    if people:
        return cases_meeting(cases, people_search(text))
    return cases_meeting(cases, search_condition(text))


def cases_meeting(cases: QuerySet[M, R], search: Q | PeopleSearch | None) -> QuerySet[M, R]:
    """`cases_matching` for a search already made (`search_condition`, `people_search`), so
    that one page may search several lists without looking the people up again."""
    return cases_found(cases, search)[0]


def cases_found(
    cases: QuerySet[M, R], search: Q | PeopleSearch | None
) -> tuple[QuerySet[M, R], bool]:
    """`cases_meeting`, and whether the matches are read by id (few of them, anywhere in time).
    A list of those should not be read in the order of an index: with a LIMIT, PostgreSQL walks
    the date index testing each row's id against the list, as if the matches were spread over
    the table, and read 998,500 rows for the 1,500 cases of one customer, the oldest (336 ms).
    `agent.lists.ordered` sorts them instead."""
    if search is None:
        return cases, False
    if isinstance(search, Q):
        condition, through = search, None
    else:
        condition, through = search.condition, search.through
    ids = _ids(cases.filter(search if isinstance(search, Q) else search.in_text))
    if len(ids) > FEW_MATCHES:
        return cases.filter(condition), False
    if through is not None and not isinstance(search, Q):
        if search.by_people is not None and search.mixed is not None:
            ways = [search.by_people, search.mixed]
        else:
            ways = [through & search.every_word]
        for way in ways:
            more = _ids(cases.filter(way), MANY_THROUGH_PEOPLE)
            if len(more) > MANY_THROUGH_PEOPLE:
                return cases.filter(condition), False
            ids |= more
    return cases.filter(pk__in=ids), True


def _ids(cases: QuerySet[M, R], most: int = FEW_MATCHES) -> set[object]:
    return set(cases.order_by().values_list("pk", flat=True)[: most + 1])


def people_matching(text: str) -> QuerySet[User]:
    """The people whose first or last name, username or email holds every word of `text`
    (nobody when there is no word): the requesters the workspace chooses by typing."""
    words = words_of(text)
    if not words:
        return User.objects.none()
    return User.objects.filter(words_in(words, PEOPLE_FIELDS))


def organizations_matching(text: str) -> QuerySet[Organization]:
    words = words_of(text)
    if not words:
        return Organization.objects.none()
    return Organization.objects.filter(words_in(words, ORGANIZATION_FIELDS))
