"""The rows of the link tables: ``round_links``, ``lua_round_links``, ``linked_player_rounds``.

Named columns only (never positional), each with the provenance of the row it derives from, so
a reader of a link row can always find the landed file behind it.
"""

from __future__ import annotations

from typing import Any

from slomix_pipeline.domain.linking.records import LuaLink, RoundLink
from slomix_pipeline.domain.lua_truth import EffectivePlayerTime, EffectiveRound
from slomix_pipeline.ingest.link_reads import StoredLuaInfo
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo


def round_link_row(
    info: StoredRoundInfo,
    link: RoundLink,
    eff: EffectiveRound,
    lua_sources: str | None,
    clamped: int,
) -> dict[str, Any]:
    t = eff.timing
    return {
        "round_id": info.round_id,
        "gaming_day": info.gaming_day,
        "round_key": info.round_key,
        "map_key": info.map_key,
        "round_number": info.round_number,
        "file_time_unix": info.file_time_unix,
        "lua_round_id": link.lua_round_id,
        "link_method": link.method,
        "link_delta_seconds": link.delta_seconds,
        "link_reason": link.reason,
        "lua_candidates": link.lua_candidates,
        "lua_sources": lua_sources,
        "proximity_file": link.proximity_file,
        "proximity_reason": link.proximity_reason,
        "duration_seconds": eff.duration_seconds,
        "duration_source": eff.duration_source,
        "duration_reason": eff.duration_reason,
        "winner_team": eff.winner_team,
        "winner_source": eff.winner_source,
        "defender_team": eff.defender_team,
        "defender_source": eff.defender_source,
        "lua_end_reason": eff.lua_end_reason,
        "stats_clock_seconds": t.stats_clock_seconds,
        "stats_duration_seconds": t.stats_duration_seconds,
        "lua_duration_seconds": t.lua_duration_seconds,
        "lua_pause_seconds": t.lua_pause_seconds,
        "lua_pause_count": t.lua_pause_count,
        "timing_diff_seconds": t.diff_seconds,
        "timing_status": t.status,
        "players_clamped": clamped,
        "end_reason": eff.end_reason,
        "end_reason_source": eff.end_reason_source,
        "round_stopwatch_state": eff.stopwatch_state,
        "time_to_beat_seconds": eff.time_to_beat_seconds,
        "r1_attack_time_seconds": eff.r1_attack_time_seconds,
        "map_time_limit_seconds": eff.map_limit_seconds,
        "map_time_limit_source": eff.map_limit_source,
        "round_start_unix": eff.round_start_unix,
        "round_end_unix": eff.round_end_unix,
        "round_times_source": eff.round_times_source,
        "source_file": info.source_file,
        "source_sha256": info.source_sha256,
    }


def linked_player_row(eff: EffectivePlayerTime, row: Any) -> dict[str, Any]:
    return {
        "round_id": eff.round_id,
        "player_guid": eff.player_guid,
        "gaming_day": row.gaming_day,
        "time_played_seconds_stats": eff.time_played_seconds_stats,
        "time_played_seconds": eff.time_played_seconds,
        "dpm_stats": eff.dpm_stats,
        "dpm": eff.dpm,
        "time_clamped": eff.clamped,
        "source_file": row.source_file,
        "source_sha256": row.source_sha256,
    }


def lua_link_row(x: StoredLuaInfo, link: LuaLink) -> dict[str, Any]:
    """One ``lua_round_links`` row: a Lua round end and its link decision."""
    return {
        "lua_round_id": x.lua_round_id,
        "gaming_day": x.gaming_day,
        "map_key": x.map_key,
        "round_number": x.round_number,
        "round_start_unix": x.round_start_unix,
        "round_end_unix": x.round_end_unix,
        "round_id": link.round_id,
        "link_method": link.method,
        "link_delta_seconds": link.delta_seconds,
        "link_reason": link.reason,
        "round_candidates": link.round_candidates,
        "sources": x.facts.sources,
        "source_file": x.source_file,
        "source_sha256": x.source_sha256,
    }
