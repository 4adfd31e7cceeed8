"""A migration operation for the tables the sweeps change by the hundred thousand: PostgreSQL
vacuums a table once 20% of its rows are dead, which at a million cases leaves the dead index
entries of 100,000 auto-closes in place indefinitely, and every query that meets them slower
until then (the sweeps' idle pass first: about 25 ms vacuumed, 45 to 85 ms not). At 2%,
autovacuum comes within a minute of such a sweep."""

from typing import Any

from django.db import migrations

SCALE_FACTOR = 0.02


def vacuum_sooner(*tables: str) -> migrations.RunPython:
    """Have autovacuum vacuum and analyze `tables` after SCALE_FACTOR of their rows changed
    (PostgreSQL only; reversed by resetting PostgreSQL's defaults)."""

    def apply(apps: Any, schema_editor: Any) -> None:
        _alter(
            schema_editor,
            tables,
            f"SET (autovacuum_vacuum_scale_factor = {SCALE_FACTOR}, "
            f"autovacuum_analyze_scale_factor = {SCALE_FACTOR})",
        )

    def revert(apps: Any, schema_editor: Any) -> None:
        _alter(
            schema_editor,
            tables,
            "RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)",
        )

    return migrations.RunPython(apply, revert)


def _alter(schema_editor: Any, tables: tuple[str, ...], change: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} {change}")
