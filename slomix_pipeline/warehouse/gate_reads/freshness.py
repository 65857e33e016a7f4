"""Freshness read: the newest stored stats round (the one gate read with no day bound)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from slomix_pipeline.warehouse import schema


def read_newest_round(conn: Connection) -> tuple[int, str] | None:
    """The file time and key of the newest stored stats round, or None when there is none."""
    t = schema.rounds
    row = conn.execute(
        select(t.c.file_time_unix, t.c.round_key).order_by(t.c.file_time_unix.desc()).limit(1)
    ).first()
    return None if row is None else (row.file_time_unix, row.round_key)
