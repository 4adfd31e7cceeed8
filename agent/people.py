"""Choosing a customer or an organization by typing: what the workspace's Requester and
Organization fields accept, and the suggestions their typeahead shows.

A list page with every customer as an `<option>` grew with the customers (180 KB and 93 ms
instead of 30 at 2,000 of them), so these fields are text: what is typed is matched by the
server (every word in a first or last name, username or email; an organization's name), and
app.js suggests matches as one types (`agent.views.lookups`). Choosing a suggestion writes the
person as "Alice Martin <alice@example.com>", which names exactly them; without JavaScript,
typing part of a name is enough where it names one customer.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from cases.models import Organization, User
from cases.search import organizations_matching, people_matching, words_of

# What a typed value may be: no name or email is longer.
MAX_TYPED = 200
# Suggestions at most (the typeahead's list, New case's "did you mean").
SUGGESTIONS = 20
# "Alice Martin <alice@example.com>": the part between the brackets names one person.
_BRACKETED = re.compile(r"<\s*([^<>]+?)\s*>\s*$")
# Ids beyond 64 bits are no id (the database would refuse them).
_MAX_ID = 2**63 - 1


def customers() -> QuerySet[User]:
    """Every customer (the requesters a case may have), deactivated ones included: their cases
    are still found by them."""
    return User.objects.customers()


def person_key(user: User) -> str:
    """What names exactly this person when typed: their email, or their username."""
    return str(user.email or user.get_username())


def person_text(user: User) -> str:
    """The person as a Requester field holds them once chosen: "Alice Martin <alice@…>"."""
    name, key = user.display_name, person_key(user)
    return key if name == key else f"{name} <{key}>"


def _as_id(text: str) -> int | None:
    """A bare number is an id (links and bookmarks made before these fields were text)."""
    if text.isascii() and text.isdigit() and 0 < int(text) <= _MAX_ID:
        return int(text)
    return None


def _typed_key(text: str) -> str:
    """What was typed to name one person: between the brackets, or all of it."""
    bracketed = _BRACKETED.search(text)
    return (bracketed.group(1) if bracketed else text).strip()


def people_named(text: str, people: QuerySet[User]) -> QuerySet[User]:
    """The people of `people` that `text` names: an id; "Name <email or username>" (exactly
    that person); or words, each in a first or last name, username or email."""
    text = text.replace("\x00", "").strip()
    if (pk := _as_id(text)) is not None:
        return people.filter(pk=pk)
    bracketed = _BRACKETED.search(text)
    if bracketed:
        key = bracketed.group(1)
        return people.filter(Q(username__iexact=key) | Q(email__iexact=key))
    if not words_of(text):
        return people.none()
    return people.filter(pk__in=people_matching(text).values("pk"))


def exactly_first(people: QuerySet[User], text: str) -> QuerySet[User]:
    """`people` with those whose username or email is `text` itself first, then by name."""
    typed = _typed_key(text)
    exact = Q(username__iexact=typed) | Q(email__iexact=typed)
    return people.annotate(
        inexact=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("inexact", Lower("first_name"), Lower("last_name"), "username")


@dataclass(frozen=True)
class Chosen:
    """What a Requester field named: the one person, or why it names nobody (`problem`) and
    who it might have meant (`candidates`)."""

    person: User | None
    problem: str = ""
    candidates: tuple[User, ...] = ()


def one_person(text: str, people: QuerySet[User]) -> Chosen:
    """The one person of `people` that `text` names (New case's Requester): where several
    match, the one whose username or email was typed in full, else none, with the candidates."""
    found = list(
        exactly_first(people_named(text, people), text).select_related("organization")[
            : SUGGESTIONS + 1
        ]
    )
    if len(found) == 1:
        return Chosen(found[0])
    if not found:
        return Chosen(None, "none")
    typed = _typed_key(text).lower()
    exact = [p for p in found if typed in (p.username.lower(), (p.email or "").lower())]
    if len(exact) == 1:
        return Chosen(exact[0])
    return Chosen(None, "several", tuple(found[:SUGGESTIONS]))


def organizations_named(text: str) -> QuerySet[Organization]:
    """The organizations `text` names: an id; the one whose name it is (whatever the case of
    its letters); else every one whose name holds each word."""
    text = text.replace("\x00", "").strip()
    if (pk := _as_id(text)) is not None:
        return Organization.objects.filter(pk=pk)
    if not words_of(text):
        return Organization.objects.none()
    named = Organization.objects.filter(name__iexact=text)
    return Organization.objects.filter(
        Q(name__iexact=text)
        | (Q(pk__in=organizations_matching(text).values("pk")) & ~Exists(named))
    )


@dataclass(frozen=True)
class Suggestion:
    """One line of a typeahead: what choosing it writes in the field (`value`), and how it
    reads (`label`, `detail`)."""

    value: str
    label: str
    detail: str


def person_suggestions(text: str, people: QuerySet[User]) -> list[Suggestion]:
    found = exactly_first(people.filter(pk__in=people_matching(text).values("pk")), text)
    return [
        Suggestion(
            person_text(person),
            person.display_name,
            " · ".join(
                part
                for part in (
                    person.organization.name if person.organization else "",
                    person_key(person),
                    "" if person.is_active else _("deactivated"),
                )
                if part
            ),
        )
        for person in found.select_related("organization")[:SUGGESTIONS]
    ]


def organization_suggestions(text: str) -> list[Suggestion]:
    found = organizations_matching(text).annotate(lower=Lower("name")).order_by("lower", "pk")
    return [Suggestion(org.name, org.name, "") for org in found[:SUGGESTIONS]]
