"""The rows step 2 writes: ``lua_round_teams`` and ``lua_spawn_stats`` (named columns only).

A merged row is placed on the gaming day and match id its deliveries were filed under, and
carries the file (and sha256) it was taken from, so every stored value has its provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slomix_pipeline.domain.lua_merged_rows import (
    LuaRoundTeam,
    LuaSpawnRow,
)
from slomix_pipeline.domain.lua_records import (
    LuaRoundKey,
)
from slomix_pipeline.ingest.lua_event_json import pauses_json, roster_json
from slomix_pipeline.ingest.lua_identity import lua_round_id


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a round end's rows are filed: its gaming day and upstream match id."""

    gaming_day: date
    match_id: str


def team_row(team: LuaRoundTeam, placement: Placement) -> dict[str, object]:
    """One ``lua_round_teams`` row (named columns, never positional parameters)."""
    return {
        "id": lua_round_id(team.key),
        "gaming_day": placement.gaming_day,
        "match_id": placement.match_id,
        "map_key": team.map_key,
        "map_name": team.map_name,
        "round_number": team.round_number,
        "round_start_unix": team.round_start_unix,
        "round_end_unix": team.round_end_unix,
        "actual_duration_seconds": team.actual_duration_seconds,
        "total_pause_seconds": team.total_pause_seconds,
        "pause_count": team.pause_count,
        "lua_pause_events": pauses_json(team.pauses),
        "end_reason": team.end_reason.value,
        "end_reason_raw": team.end_reason_raw,
        "winner_team": team.winner_team,
        "defender_team": team.defender_team,
        "timelimit_minutes": team.timelimit_minutes,
        "lua_warmup_seconds": team.warmup_seconds,
        "lua_warmup_start_unix": team.warmup_start_unix,
        "surrender_team": team.surrender_team,
        "surrender_caller_guid": team.surrender_caller_guid,
        "surrender_caller_name": team.surrender_caller_name,
        "axis_score": team.axis_score,
        "allies_score": team.allies_score,
        "axis_players": roster_json(team.axis_players),
        "allies_players": roster_json(team.allies_players),
        "lua_version": team.lua_version,
        "sources": "+".join(team.sources),
        "event_count": team.event_count,
        "first_seen_at": team.first_seen_at,
        "last_update_at": team.last_update_at,
        "spawn_source_file": team.spawn_source_file,
        "warnings": "; ".join(team.warnings) or None,
        "source_file": team.primary_file,
        "source_sha256": team.primary_sha256,
    }


def spawn_row(row: LuaSpawnRow, placement: Placement, sha256: str) -> dict[str, object]:
    """One ``lua_spawn_stats`` row."""
    return {
        "lua_round_id": lua_round_id(
            LuaRoundKey(row.map_key, row.round_number, row.round_start_unix, row.round_end_unix)
        ),
        "player_guid": row.player_guid,
        "gaming_day": placement.gaming_day,
        "match_id": placement.match_id,
        "map_key": row.map_key,
        "map_name": row.map_name,
        "round_number": row.round_number,
        "round_start_unix": row.round_start_unix,
        "round_end_unix": row.round_end_unix,
        "player_name": row.player_name,
        "spawn_count": row.spawn_count,
        "death_count": row.death_count,
        "dead_seconds": row.dead_seconds,
        "avg_respawn_seconds": row.avg_respawn_seconds,
        "max_respawn_seconds": row.max_respawn_seconds,
        "source": row.source,
        "source_file": row.source_file,
        "source_sha256": sha256,
    }
