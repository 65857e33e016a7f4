"""Idempotent partition writes: delete the partition's slice, then bulk insert, in one transaction.

Every asset writes through :func:`replace_partition`, so re-running a partition (or a range, or a
backfill in any order) leaves byte-identical tables. On PostgreSQL the insert uses ``COPY``; on
SQLite a plain ``executemany``, which is already fast there.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete

_SQLITE_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class TableSlice:
    """The rows one run owns in one table: those of ``days`` (and matching ``where``)."""

    table: Table
    days: Sequence[date]
    where: ColumnElement[bool] | None = None

    def condition(self) -> ColumnElement[bool]:
        day_column = self.table.c.gaming_day
        days = sorted(set(self.days))
        if len(days) > 1 and (days[-1] - days[0]).days == len(days) - 1:
            in_days: ColumnElement[bool] = day_column.between(days[0], days[-1])
        else:
            in_days = day_column.in_(days)
        return in_days if self.where is None else and_(in_days, self.where)


def _csv_field(value: Any) -> str:
    """One COPY CSV field: NULL is an unquoted empty field, every text value is quoted.

    (Python 3.11's ``csv`` module cannot tell NULL from the empty string, hence this.)
    """
    if value is None:
        return ""
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return '"' + str(value).replace('"', '""') + '"'


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


_FAST_FIELDS: dict[type, Any] = {
    type(None): lambda _v: "",
    bool: lambda v: "t" if v else "f",
    int: repr,
    float: repr,
    str: _quoted,
    date: date.isoformat,
    datetime: datetime.isoformat,
}
"""``_csv_field`` by exact type (the common types; subclasses take the general path): a COPY of
a seven-year range formats ~10 million fields, and the isinstance chain was 6 % of its CPU."""


@dataclass(frozen=True, slots=True)
class CopyPayload:
    """One rendered ``COPY ... FROM STDIN`` of PostgreSQL: the statement and its UTF-8 data.

    Rendering is pure (no connection), so it can happen in another process than the one that
    holds the transaction (``ingest.proximity_pool``); payloads of the same statement may be
    concatenated and sent as one COPY (:func:`send_copies`).
    """

    statement: str
    data: bytes


def copy_payload(table: Table, rows: Sequence[Mapping[str, Any]]) -> CopyPayload:
    """``rows`` (dicts keyed by column name) as one COPY of ``table`` in CSV form."""
    columns = [c.name for c in table.columns]
    fast = _FAST_FIELDS.get
    text = "".join(
        [
            ",".join([fast(type(v), _csv_field)(v) for v in map(row.get, columns)]) + "\n"  # type: ignore[operator]
            for row in rows
        ]
    )
    quoted = ", ".join(f'"{name}"' for name in columns)
    return CopyPayload(
        f'COPY "{table.name}" ({quoted}) FROM STDIN WITH (FORMAT csv)', text.encode("utf-8")
    )


_READ_SIZE = 4 << 20
"""COPY read size: psycopg2 takes the GIL for every read() of the buffer; large reads keep a
busy thread elsewhere in the process from stretching each take to a switch interval."""


_BINARY_HEADER_BYTES, _BINARY_TRAILER_BYTES = 19, 2
"""Binary COPY data (``warehouse.binary_copy``): signature, flags and extension length; the
end marker."""


def send_copies(conn: Connection, payloads: Iterable[CopyPayload]) -> None:
    """Send payloads, one COPY per statement (payloads of one statement concatenated, in order)."""
    grouped: dict[str, list[bytes]] = {}
    for payload in payloads:
        grouped.setdefault(payload.statement, []).append(payload.data)
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None
    with dbapi_conn.cursor() as cursor:
        for statement, parts in grouped.items():
            if len(parts) == 1:
                data = parts[0]
            elif statement.endswith("(FORMAT binary)"):  # one header and trailer for all
                head, tail = _BINARY_HEADER_BYTES, _BINARY_TRAILER_BYTES
                data = parts[0][:head] + b"".join(p[head:-tail] for p in parts) + parts[0][-tail:]
            else:
                data = b"".join(parts)
            if data:
                cursor.copy_expert(statement, io.BytesIO(data), size=_READ_SIZE)


def _copy_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """PostgreSQL COPY FROM STDIN in CSV form."""
    send_copies(conn, [copy_payload(table, rows)])


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk insert ``rows`` (dicts keyed by column name) with the fastest path of the dialect."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, rows)
        return
    for start in range(0, len(rows), _SQLITE_CHUNK):
        conn.execute(table.insert(), list(rows[start : start + _SQLITE_CHUNK]))


def replace_partition(
    conn: Connection,
    slices_and_rows: Iterable[tuple[TableSlice, Sequence[Mapping[str, Any]]]],
) -> dict[str, int]:
    """Replace each slice with its rows; the caller holds the transaction. Returns rows per table.

    Deletes run first for every slice (children before parents would matter only with foreign
    keys, which the warehouse deliberately does not declare between partitioned tables), then the
    inserts, so a failure anywhere rolls the whole partition back to its previous state.
    """
    pairs = list(slices_and_rows)
    for table_slice, _rows in pairs:
        conn.execute(delete(table_slice.table).where(table_slice.condition()))
    written: dict[str, int] = {}
    for table_slice, rows in pairs:
        insert_rows(conn, table_slice.table, rows)
        written[table_slice.table.name] = written.get(table_slice.table.name, 0) + len(rows)
    return written


_NAME_CHUNK = 500


def clear_moved_files(
    conn: Connection,
    table: Table,
    name_column: ColumnElement[Any],
    names: Sequence[str],
    days: Sequence[date],
    where: ColumnElement[bool] | None = None,
) -> None:
    """Delete the rows of these files filed under *other* days: a file whose day changed moved.

    A landed file's gaming day can change (a rejected gametime replaced by a valid copy is filed
    under its round end instead of its landing time); without this the new day's insert would
    collide with the old day's row on the file's primary key, failing that day for ever.
    """
    other_days = ~TableSlice(table, days).condition()
    for start in range(0, len(names), _NAME_CHUNK):
        condition = and_(name_column.in_(list(names[start : start + _NAME_CHUNK])), other_days)
        if where is not None:
            condition = and_(condition, where)
        conn.execute(delete(table).where(condition))
