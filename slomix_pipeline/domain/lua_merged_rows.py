"""The rows the Lua merge produces: one team row per real round end, spawn rows per player.

Separate from the merge rules (:mod:`slomix_pipeline.domain.lua_events`) so the ingest layer
writing these rows depends on their shape only.
"""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.domain.lua_records import LuaRoundValues


@dataclass(frozen=True, slots=True)
class EventProvenance:
    """Where an event came from: the landed file, its sha256, and when it landed (epoch s)."""

    file_name: str
    sha256: str
    received_at: int


@dataclass(frozen=True, slots=True)
class LuaRoundTeam(LuaRoundValues):
    """One row of ``lua_round_teams``: a real round end after merging all its deliveries."""

    sources: tuple[str, ...]
    event_count: int
    first_seen_at: int
    last_update_at: int
    primary_file: str
    primary_sha256: str
    spawn_source_file: str | None
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LuaSpawnRow:
    """One row of ``lua_spawn_stats``: a player's respawn figures for one round end."""

    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    map_name: str
    player_guid: str
    player_name: str
    spawn_count: int
    death_count: int
    dead_seconds: int
    avg_respawn_seconds: int
    max_respawn_seconds: int
    source: str
    source_file: str


@dataclass(frozen=True, slots=True)
class MergeResult:
    """Rows plus the counts a Dagster asset reports as metadata."""

    teams: tuple[LuaRoundTeam, ...]
    spawn_rows: tuple[LuaSpawnRow, ...]
    duplicates_merged: int
    events_by_source: dict[str, int]
    rows_by_sources: dict[str, int]
    """Rows keyed by which sources saw them: ``webhook``, ``gametime`` or ``webhook+gametime``."""
