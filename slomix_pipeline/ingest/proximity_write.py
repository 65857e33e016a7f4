"""The warehouse side of a proximity run, inside its one transaction: clearing rows of files that
moved to another day, writing a batch's tables, and the session setting that keeps it cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, delete, text

from slomix_pipeline.ingest.proximity_result import SOURCE
from slomix_pipeline.ingest.proximity_sections import TUPLE_TABLES
from slomix_pipeline.warehouse import schema, schema_proximity
from slomix_pipeline.warehouse.tuple_copy import insert_chunks
from slomix_pipeline.warehouse.writes import CopyPayload, insert_rows, send_copies

_SQL_CHUNK = 500


def _clear_moved_files(conn: Connection, names: Sequence[str], days: Sequence[date]) -> None:
    """Delete rows of these files stored under *other* days (a file whose day changed)."""
    targets = [(t, t.c.source_file, None) for t in schema_proximity.PROXIMITY_TABLES]
    processed = schema.processed_files
    targets.append((processed, processed.c.file_name, processed.c.source == SOURCE))
    for start in range(0, len(names), _SQL_CHUNK):
        chunk = list(names[start : start + _SQL_CHUNK])
        for table, name_column, where in targets:
            condition = and_(name_column.in_(chunk), table.c.gaming_day.not_in(list(days)))
            if where is not None:
                condition = and_(condition, where)
            conn.execute(delete(table).where(condition))


def _write_table(conn: Connection, name: str, rows: list[Any]) -> None:
    """One table's part of a batch: COPYs rendered by the workers
    (:func:`.proximity_prepare._prepare`), or rows (SQLite)."""
    if not rows:
        return
    if isinstance(rows[0], CopyPayload):
        send_copies(conn, rows)
        return
    table = schema_proximity.PROXIMITY_ROW_TABLES[name]
    if name in TUPLE_TABLES:
        insert_chunks(conn, table, rows)
    else:
        insert_rows(conn, table, rows)


def _prefer_fast_toast_compression(conn: Connection) -> None:
    """Compress this transaction's long texts (the paths) with lz4 where the server has it.

    PostgreSQL's default (pglz) costs more CPU than parsing the file does; lz4 is several times
    faster for a slightly larger table. ``SET LOCAL`` ends with the transaction.
    """
    if conn.dialect.name != "postgresql":
        return
    available = conn.execute(
        text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    ).scalar()
    if available:
        conn.execute(text("SET LOCAL default_toast_compression = 'lz4'"))


def _new_batch() -> dict[str, list[Any]]:
    return {name: [] for name in schema_proximity.PROXIMITY_ROW_TABLES}
