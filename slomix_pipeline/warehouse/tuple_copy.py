"""Bulk insert of the proximity section rows: per file, the columns every row of the file shares
(:attr:`RowChunk.head`) once, then the parsed rows as tuples.

Section tables receive ~10k small rows per round file. A dict per row, and formatting each value
in Python (``writes.insert_rows``), cost more than parsing the file; and the columns a file's
rows share (file, SHA-256, day, round link and scope) are most of each row's bytes. So for
PostgreSQL the shared columns are rendered once per file and spliced in front of every line of
the C ``csv`` writer's output with one ``str.replace``:

- ``QUOTE_NONNUMERIC`` quotes every text (and date) and leaves numbers bare. It also writes
  ``None`` as a quoted empty string, which COPY would read as ``''``; ``FORCE_NULL`` on the
  table's nullable columns turns those back into NULL. That is exact for these tables because
  none of their nullable columns can hold an empty string (the parser maps an empty optional
  field to NULL, and the shared columns are never empty); NOT NULL text columns keep ``''``.
- booleans are written ``True``/``False``, which PostgreSQL accepts. Fields never contain a
  newline (the file was split on newlines), so a line of output is a row.

SQLite gets ordinary executemany inserts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, Text

from slomix_pipeline.formats.proximity_sections.raw import RAW_QUOTE
from slomix_pipeline.warehouse.writes import CopyPayload, send_copies

__all__ = ["RowChunk", "chunk_payloads", "insert_chunks"]

_SQLITE_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class RowChunk:
    """Rows of one file for one table: ``head + row`` is a full row in column order.

    ``raw``, when given, holds each row's fields as the file wrote them (``;``-separated, one
    string per row, checked by ``formats.proximity_sections.raw``): PostgreSQL then reads
    ``head; row[0]; raw; row[-1]`` (the source line and the range flag around the file's text)
    instead of a rendering of the typed values.
    """

    head: tuple[Any, ...]
    rows: Sequence[tuple[Any, ...]]
    raw: Sequence[str] | None = None
    #: With ``raw``: each row's ``(source_line, out_of_range)`` (the only values the raw COPY
    #: adds to the text), so the rows need not be typed for PostgreSQL; else taken from ``rows``.
    keys: Sequence[tuple[int, str | None]] | None = None


def _csv_text(rows: Sequence[tuple[Any, ...]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _raw_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return repr(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return RAW_QUOTE + text.replace(RAW_QUOTE, RAW_QUOTE * 2) + RAW_QUOTE


def _raw_payload(table: Table, chunks: Sequence[RowChunk]) -> CopyPayload:
    """The chunks' raw text as one COPY: ``;``-separated CSV quoted with ``\x01`` (absent from
    clean text), so the file's fields pass unchanged. An empty field is NULL; the NOT NULL text
    columns read it as ``''`` (``FORCE_NOT_NULL``), as the parser does for an empty text."""
    parts = []
    for chunk in chunks:
        prefix = ";".join(_raw_field(v) for v in chunk.head) + ";"
        assert chunk.raw is not None
        keys = chunk.keys if chunk.keys is not None else [(r[0], r[-1]) for r in chunk.rows]
        parts.append(
            "".join(
                [
                    f"{prefix}{line};{text};{flag or ''}\n"
                    for (line, flag), text in zip(keys, chunk.raw, strict=True)
                ]
            )
        )
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    not_null_text = ", ".join(
        f'"{c.name}"' for c in table.columns if not c.nullable and isinstance(c.type, Text)
    )
    force = f", FORCE_NOT_NULL ({not_null_text})" if not_null_text else ""
    return CopyPayload(
        f'COPY "{table.name}" ({columns}) FROM STDIN WITH '
        f"(FORMAT csv, DELIMITER ';', QUOTE E'\\x01'{force})",
        "".join(parts).encode("utf-8"),
    )


def chunk_payloads(table: Table, chunks: Sequence[RowChunk]) -> list[CopyPayload]:
    """The PostgreSQL COPYs of the chunks: one of the raw text, one of the rendered rows."""
    out = []
    raw = [c for c in chunks if c.rows and c.raw is not None]
    if raw:
        out.append(_raw_payload(table, raw))
    parts = []
    for chunk in chunks:
        if not chunk.rows or chunk.raw is not None:
            continue
        prefix = _csv_text([chunk.head])[:-1] + ","
        body = _csv_text(chunk.rows)
        parts.append(prefix + body[:-1].replace("\n", "\n" + prefix) + "\n")
    if parts:
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        nullable = ", ".join(f'"{c.name}"' for c in table.columns if c.nullable)
        force = f", FORCE_NULL ({nullable})" if nullable else ""
        out.append(
            CopyPayload(
                f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv{force})',
                "".join(parts).encode("utf-8"),
            )
        )
    return out


def insert_chunks(conn: Connection, table: Table, chunks: Sequence[RowChunk]) -> int:
    """Insert every chunk's rows with the dialect's fastest path; returns the row count."""
    count = sum(len(c.rows) for c in chunks)
    if not count:
        return 0
    if conn.dialect.name == "postgresql":
        send_copies(conn, chunk_payloads(table, chunks))
        return count
    names = [c.name for c in table.columns]
    rows = [dict(zip(names, c.head + row, strict=True)) for c in chunks for row in c.rows]
    for start in range(0, len(rows), _SQLITE_CHUNK):
        conn.execute(table.insert(), rows[start : start + _SQLITE_CHUNK])
    return count
