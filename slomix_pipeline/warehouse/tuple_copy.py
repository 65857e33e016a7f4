"""Bulk insert of rows given as tuples in table column order (the proximity section tables).

Section tables receive ~10k small rows per round file. Building a dict per row and formatting
each value in Python (``writes.insert_rows``) costs more than parsing the file, so these rows
stay tuples and go to PostgreSQL through the C ``csv`` writer:

- ``QUOTE_NONNUMERIC`` quotes every text (and date) and leaves numbers bare. It also writes
  ``None`` as a quoted empty string, which COPY would read as ``''``; ``FORCE_NULL`` on the
  table's nullable columns turns those back into NULL. That is exact for these tables because
  none of their nullable columns can hold an empty string (the parser maps an empty optional
  field to NULL); NOT NULL text columns keep ``''``.
- booleans are written ``True``/``False``, which PostgreSQL accepts.

SQLite gets ordinary executemany inserts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table

__all__ = ["insert_tuples"]

_SQLITE_CHUNK = 5000


def _copy(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    nullable = ", ".join(f'"{c.name}"' for c in table.columns if c.nullable)
    force = f", FORCE_NULL ({nullable})" if nullable else ""
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None
    with dbapi_conn.cursor() as cursor:
        cursor.copy_expert(
            f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv{force})', buffer
        )


def insert_tuples(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in ``table.columns`` order) with the dialect's fastest path."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, table, rows)
        return
    names = [c.name for c in table.columns]
    for start in range(0, len(rows), _SQLITE_CHUNK):
        chunk = rows[start : start + _SQLITE_CHUNK]
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in chunk])
