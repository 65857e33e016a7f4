"""Which players a careers run must recompute: the dirty-player ledger.

A night changes the careers of the players with session rows on its days, before or after the
run (``dataset_day_players`` remembers who the days contributed last time, so a player who
vanished from a re-built day is recomputed too), plus the players whose identity changed
(``dataset_dirty_players``, filled by the ``players`` asset: a merge, an unmerge, a new name
that changes the display name). Everything else is left untouched. A change of the seasons
configuration, a first run or a run without days recomputes everyone (``None``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, select

from slomix_pipeline.formats.player_merges import Season
from slomix_pipeline.warehouse import dataset_reads as reads
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse.writes import insert_rows

SEASONS_KEY = "seasons"


def seasons_digest(seasons: Sequence[Season]) -> str:
    return json.dumps([[s.name, s.start.isoformat(), s.end.isoformat()] for s in seasons])


def _state(conn: Connection, key: str) -> str | None:
    t = ds.dataset_state
    return conn.execute(select(t.c.value).where(t.c.key == key)).scalar_one_or_none()


def dirty_players(conn: Connection) -> set[str]:
    t = ds.dataset_dirty_players
    return {g for (g,) in conn.execute(select(t.c.canonical_guid))}


def touched_players(
    conn: Connection, days: Sequence[date] | None, seasons: Sequence[Season], dirty: set[str]
) -> set[str] | None:
    """The canonical players to recompute for ``days``; ``None`` means every player."""
    if days is None or _state(conn, SEASONS_KEY) != seasons_digest(seasons):
        return None
    guids = reads.day_guids(conn, days) | reads.ledger_guids(conn, days)
    return set(reads.canonical_of(conn, guids).values()) | dirty


def clear_players(conn: Connection, tables: Sequence[Any]) -> None:
    """Empty the career tables before everyone is recomputed (a first run, new seasons)."""
    for table in tables:
        conn.execute(delete(table))


def replace_players(
    conn: Connection,
    rows_by_table: Sequence[tuple[Any, Sequence[dict[str, Any]]]],
    only: Collection[str] | None,
) -> dict[str, int]:
    """Replace the rows of ``only`` (every row for ``None``) in each career table."""
    for table, _ in rows_by_table:
        query = delete(table)
        if only is not None:
            query = query.where(table.c.canonical_guid.in_(sorted(only)))
        conn.execute(query)
    for table, rows in rows_by_table:
        insert_rows(conn, table, rows)
    return {table.name: len(rows) for table, rows in rows_by_table}


def record_run(
    conn: Connection, days: Sequence[date] | None, seasons: Sequence[Season], dirty: set[str]
) -> None:
    """After a careers run: remember who the days contributed, clear the handled dirty players
    and the seasons the tables were built with."""
    day_table = ds.dataset_day_players
    if days is None:
        conn.execute(delete(day_table))
        conn.execute(delete(ds.dataset_dirty_players))
    else:
        conn.execute(delete(day_table).where(day_table.c.gaming_day.in_(sorted(days))))
        if dirty:
            t = ds.dataset_dirty_players
            conn.execute(delete(t).where(t.c.canonical_guid.in_(sorted(dirty))))
    insert_rows(conn, day_table, reads.day_guid_pairs(conn, days))
    conn.execute(delete(ds.dataset_state).where(ds.dataset_state.c.key == SEASONS_KEY))
    insert_rows(conn, ds.dataset_state, [{"key": SEASONS_KEY, "value": seasons_digest(seasons)}])
