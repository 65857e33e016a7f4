"""Full-table snapshots for idempotency tests: every row of every table, in primary-key order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, select

from slomix_pipeline.warehouse.all_tables import metadata


def dump_tables(
    engine: Engine, tables: list[Table] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """All rows of ``tables`` (default: every warehouse table), ordered by every column."""
    chosen = tables if tables is not None else list(metadata.sorted_tables)
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in chosen:
            rows = conn.execute(select(table)).all()
            snapshot[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return snapshot
