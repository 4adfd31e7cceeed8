"""Keyset pagination for the sweeps: rows due now, oldest first, a bounded batch per query.

It lives in the lowest layer that sweeps (the delivery sweep of this app); the timer sweeps of
`workflows.sweeps` read their cases through it too.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import F, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

# Rows fetched per query: enough to keep the number of queries low, few enough that a sweep
# catching up after a long outage never holds thousands of rows in memory.
BATCH_SIZE = 100


def in_batches(rows: QuerySet[Model], field: str, *fields: str) -> Iterator[dict[str, Any]]:
    """Yield `rows` as dicts of id, `field` and `fields` (the case's reference by default),
    ordered by `field` then id, BATCH_SIZE per query.

    Keyset pagination (after the last row seen, never OFFSET): acting on a batch cannot shift the
    next one, and a row skipped because another scheduler holds it is not fetched again.
    """
    ordered = rows.values("pk", field, *(fields or ("reference",))).order_by(field, "pk")
    last = None
    while True:
        page = ordered if last is None else ordered.filter(after(field, last[field], last["pk"]))
        batch = list(page[:BATCH_SIZE])
        yield from batch
        if len(batch) < BATCH_SIZE:
            return
        last = batch[-1]


def after(field: str, value: Any, pk: int) -> TupleGreaterThan:
    """Rows after (`value`, `pk`) in the order (`field`, id), as one row comparison, `(field, id)
    > (value, pk)`, which an index on (`field`, id) answers by seeking: thousands of rows due at
    the same instant (the closure notices of one sweep) are read once each, never again for
    every batch, as "field > value OR (field = value AND id > pk)" would."""
    return TupleGreaterThan(Tuple(F(field), F("pk")), (value, pk))
