"""Searching cases by reference, subject or description: one definition for the API's `?search=`
and the pages' Search field.

Every word must appear, case-insensitively, in one of the three (a substring match: "jam" finds
"jams", "000042" finds CS-000042). On PostgreSQL trigram indexes serve that match (migration
cases 0002), but a list also wants its newest rows first, and with a LIMIT the planner prefers to
walk the date index and test every row until enough match: instant when the match is recent, a
walk through the whole table when it is old (222 ms at 100,000 cases for the oldest reference).
So the search runs in two steps: first the ids of the matches, without order, which the trigram
indexes answer whatever their age; when they are few (`FEW_MATCHES`), the list reads just those
rows by primary key and sorts them, whatever order it asks for. When a term matches more than
that, matches are dense, and walking the date index finds a page of them at once, as before.
"""

import operator
from functools import reduce
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

# Typed over any model so that DRF's generic filter backend can hand its queryset through; the
# fields are Case's.
M = TypeVar("M", bound=Model)
R = TypeVar("R")

SEARCHED_FIELDS = ("reference", "subject", "description")
# Above this many matches the list filters by the condition itself (see the module docstring).
FEW_MATCHES = 1000
# More words than this add cost, not precision.
MAX_WORDS = 10


def search_condition(text: str) -> Q | None:
    """Each word of `text` in one of the searched fields; None when there is no word."""
    words = text.replace("\x00", "").split()[:MAX_WORDS]
    if not words:
        return None
    return reduce(
        operator.and_,
        (
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in SEARCHED_FIELDS))
            for word in words
        ),
    )


def cases_matching(cases: QuerySet[M, R], text: str) -> QuerySet[M, R]:
    """The cases of `cases` that match `text` (all of them when `text` has no word). Costs one
    query for the matching ids, at most `FEW_MATCHES + 1` of them, when there is a word."""
    condition = search_condition(text)
    if condition is None:
        return cases
    matching = cases.filter(condition).order_by().values_list("pk", flat=True)
    ids = list(matching[: FEW_MATCHES + 1])
    if len(ids) <= FEW_MATCHES:
        return cases.filter(pk__in=ids)
    return cases.filter(condition)
