"""Keyset pagination for the sweeps: rows due now, oldest first, a bounded batch per query; and
writing a batch of rows, each with its own values, in one statement.

It lives in the lowest layer that sweeps (the delivery sweep of this app); the timer sweeps of
`workflows.sweeps` read their cases through it too.
"""

from collections.abc import Hashable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import F, Field, Lookup, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.db.models.lookups import In

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


class AnyOf(Lookup[Any]):
    """`AnyOf(F("case_id"), ids)`, a filter: the rows whose column is one of `ids`, written
    `column = ANY(%s)` with the values in one array on PostgreSQL. `__in` writes a placeholder
    a value, which Django prepares and psycopg parses one by one (its cache of parsed queries
    stops at 50 parameters): at a batch's thousand values, 5 ms a query. Elsewhere (SQLite)
    it is `__in`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if connection.vendor != "postgresql":
            return compiler.compile(In(self.lhs, list(self.rhs)))
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection) for value in self.rhs]
        array = f"%s::{field.cast_db_type(connection)}[]"
        return f"{lhs} = ANY({array})", (*lhs_params, values)


def update_rows(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Write `fields` of `rows` (of one model, each row its own values) in one UPDATE.

    On PostgreSQL `UPDATE ... FROM unnest(...)`, one array per column: Django's
    `bulk_update` writes the same in a `CASE WHEN id = ... THEN ...` per field and row, whose
    building alone took most of the delivery sweep's time (0.2 s for a batch of 100). Elsewhere
    (SQLite: tests, a laptop) `bulk_update`."""
    if not rows:
        return
    model = type(rows[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(rows, list(fields))
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None  # every model of ours has one
    concrete = {field.name: field for field in meta.concrete_fields}
    columns = [pk, *(concrete[name] for name in fields)]
    quote = connection.ops.quote_name
    names = [quote(str(column.column)) for column in columns]
    table = quote(meta.db_table)
    arrays = ", ".join(f"%s::{column.cast_db_type(connection)}[]" for column in columns)
    sql = (
        f"UPDATE {table} SET "
        + ", ".join(f"{name} = v.{name}" for name in names[1:])
        + f" FROM unnest({arrays}) AS v({', '.join(names)})"
        + f" WHERE {table}.{names[0]} = v.{names[0]}"
    )
    params = [
        _prepared(column, [getattr(row, column.attname) for row in rows]) for column in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _prepared(column: Field[Any, Any], values: list[Any]) -> list[Any]:
    """The column's values as the database takes them, each distinct value prepared once: most
    columns of a batch's outcome hold one value for every row (sent now, no error, no lease)."""
    done: dict[Any, Any] = {}
    prepared = []
    for value in values:
        if not isinstance(value, Hashable):  # a JSON value, say: prepared as it comes
            prepared.append(column.get_db_prep_save(value, connection))
            continue
        if value not in done:
            done[value] = column.get_db_prep_save(value, connection)
        prepared.append(done[value])
    return prepared
