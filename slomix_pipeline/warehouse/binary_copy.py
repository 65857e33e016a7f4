"""PostgreSQL's binary COPY format for rows with long texts (``player_track.path``).

A round's track paths are ~1.3 MB of text per file. In CSV form PostgreSQL scans every byte of
them for quotes, delimiters and line ends, and that scan was half the server's CPU for the
whole proximity load; in binary form each value arrives with its length and is copied as it is.
Only the column types of the proximity tables are supported; a value a column cannot hold
(an integer beyond its width) raises here, in the process that renders the file, instead of
failing the whole COPY on the server.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Float, Integer, Table, Text

from slomix_pipeline.warehouse.writes import CopyPayload

__all__ = ["binary_payload"]

_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_TRAILER = struct.pack("!h", -1)
_NULL = struct.pack("!i", -1)
_EPOCH = date(2000, 1, 1).toordinal()
_INT8 = struct.Struct("!iq")
_INT4 = struct.Struct("!ii")
_FLOAT8 = struct.Struct("!id")
_LEN = struct.Struct("!i")


def _text(value: Any) -> bytes:
    data = str(value).encode("utf-8")
    return _LEN.pack(len(data)) + data


def _encoder(column_type: Any) -> Callable[[Any], bytes]:
    if isinstance(column_type, Boolean):
        return lambda v: b"\x00\x00\x00\x01\x01" if v else b"\x00\x00\x00\x01\x00"
    if isinstance(column_type, BigInteger):
        return lambda v: _INT8.pack(8, v)
    if isinstance(column_type, Integer):
        return lambda v: _INT4.pack(4, v)
    if isinstance(column_type, Float):
        return lambda v: _FLOAT8.pack(8, v)
    if isinstance(column_type, Date):
        return lambda v: _INT4.pack(4, v.toordinal() - _EPOCH)
    if isinstance(column_type, Text):
        return _text
    raise TypeError(f"no binary COPY encoding for {column_type!r}")


def binary_payload(table: Table, rows: Sequence[Mapping[str, Any]]) -> CopyPayload:
    """``rows`` (dicts keyed by column name) as one binary COPY of ``table``.

    The payload is complete (header and trailer); ``writes.send_copies`` merges payloads of one
    table under a single header and trailer."""
    columns = list(table.columns)
    encoders = [(c.name, _encoder(c.type)) for c in columns]
    count = struct.pack("!h", len(columns))
    parts = [_HEADER]
    for row in rows:
        parts.append(count)
        for name, encode in encoders:
            value = row[name]
            parts.append(_NULL if value is None else encode(value))
    parts.append(_TRAILER)
    quoted = ", ".join(f'"{c.name}"' for c in columns)
    return CopyPayload(
        f'COPY "{table.name}" ({quoted}) FROM STDIN WITH (FORMAT binary)', b"".join(parts)
    )
