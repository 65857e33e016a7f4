"""What round linking reads besides the rounds: Lua round ends, proximity starts, player times.

Each reader returns the pure records of :mod:`slomix_pipeline.domain.linking` and
:mod:`slomix_pipeline.domain.lua_truth`, plus what provenance the written rows need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from slomix_pipeline.domain.linking.records import LuaRoundRef, ProximityRef
from slomix_pipeline.domain.lua_truth import LuaFacts, PlayerTime
from slomix_pipeline.warehouse import schema, schema_lua, schema_proximity
from slomix_pipeline.warehouse.writes import TableSlice


@dataclass(frozen=True, slots=True)
class StoredLuaInfo:
    """The ``lua_round_teams`` columns linking and the Lua truth need."""

    lua_round_id: int
    gaming_day: date
    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    facts: LuaFacts
    source_file: str
    source_sha256: str

    def ref(self) -> LuaRoundRef:
        return LuaRoundRef(
            self.lua_round_id,
            self.map_key,
            self.round_number,
            self.round_start_unix,
            self.round_end_unix,
        )


def read_lua(conn: Connection, days: Sequence[date]) -> list[StoredLuaInfo]:
    t = schema_lua.lua_round_teams
    query = select(t).where(TableSlice(t, days).condition())
    out = []
    for row in conn.execute(query):
        facts = LuaFacts(
            row.id,
            row.actual_duration_seconds,
            row.total_pause_seconds,
            row.pause_count,
            row.end_reason,
            row.winner_team,
            row.defender_team,
            row.sources,
            timelimit_minutes=row.timelimit_minutes,
            round_start_unix=row.round_start_unix,
            round_end_unix=row.round_end_unix,
        )
        out.append(
            StoredLuaInfo(
                row.id,
                row.gaming_day,
                row.map_key,
                row.round_number,
                row.round_start_unix,
                row.round_end_unix,
                facts,
                row.source_file,
                row.source_sha256,
            )
        )
    return out


def read_proximity(conn: Connection, days: Sequence[date]) -> list[ProximityRef]:
    """The proximity files of ``days`` with the stats round their ingestion linked them to."""
    t = schema_proximity.proximity_files
    query = select(t.c.source_file, t.c.round_id, t.c.round_start_unix).where(
        TableSlice(t, days).condition()
    )
    return [
        ProximityRef(r.source_file, r.round_id, r.round_start_unix) for r in conn.execute(query)
    ]


def read_player_times(conn: Connection, days: Sequence[date]) -> list[tuple[PlayerTime, Any]]:
    """Each player-round of ``days`` with its row (for provenance)."""
    t = schema.player_comprehensive_stats
    query = select(
        t.c.round_id,
        t.c.player_guid,
        t.c.time_played_seconds,
        t.c.damage_given,
        t.c.dpm,
        t.c.gaming_day,
        t.c.source_file,
        t.c.source_sha256,
    ).where(TableSlice(t, days).condition())
    return [
        (
            PlayerTime(r.round_id, r.player_guid, r.time_played_seconds, r.damage_given, r.dpm),
            r,
        )
        for r in conn.execute(query)
    ]
