"""What each asset writes and which rules it applies: the source of its catalog metadata.

One table per asset keeps the asset bodies free of catalog concerns (they only do the work);
``defs/asset_catalog.py`` turns these entries into ``column_schema``, ``table_name``, owners,
kinds and ``code_version`` for every asset spec when the definitions are built.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table

from slomix_pipeline.warehouse import schema, schema_endstats, schema_lua, schema_publish
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse import schema_proximity as sp
from slomix_pipeline.warehouse import schema_proximity_sections as sps
from slomix_pipeline.warehouse import schema_sessions as ss

OWNERS = ("team:slomix-data",)
"""Who answers for the assets (shown on every asset page)."""


@dataclass(frozen=True, slots=True)
class AssetEntry:
    """The tables an asset writes (the first is its main table) and the rules it applies."""

    tables: tuple[Table, ...]
    rules: tuple[str, ...]


_FILE_RULES = ("gaming_day",)

CATALOG: dict[str, AssetEntry] = {
    "raw_stats_files": AssetEntry(
        tables=(
            schema.rounds,
            schema.player_comprehensive_stats,
            schema.weapon_comprehensive_stats,
            schema.processed_files,
        ),
        rules=(*_FILE_RULES, "stats_parser", "round_identity", "r2_differential", "pairing"),
    ),
    "webhook_drops": AssetEntry(
        tables=(schema_lua.lua_events, schema.processed_files),
        rules=(*_FILE_RULES, "webhook_parser", "lua_events"),
    ),
    "gametime_files": AssetEntry(
        tables=(schema_lua.lua_events, schema.processed_files),
        rules=(*_FILE_RULES, "gametime_parser", "lua_events"),
    ),
    "lua_round_teams": AssetEntry(
        tables=(schema_lua.lua_round_teams, schema_lua.lua_spawn_stats),
        rules=("lua_truth",),
    ),
    "proximity_engagements": AssetEntry(
        tables=(
            sp.combat_engagement,
            sp.proximity_files,
            sp.player_track,
            sp.proximity_trade_event,
            sp.proximity_support_summary,
            schema.processed_files,
            *sps.SECTION_TABLES.values(),
        ),
        rules=(*_FILE_RULES, "proximity_parser", "proximity", "proximity_sections"),
    ),
    "endstats": AssetEntry(
        tables=(
            schema_endstats.round_awards,
            schema_endstats.round_vs_stats,
            schema_endstats.endstats_files,
        ),
        rules=(*_FILE_RULES, "endstats_parser", "endstats"),
    ),
    "linked_rounds": AssetEntry(
        tables=(ss.round_links, ss.lua_round_links, ss.linked_player_rounds),
        rules=("linking", "lua_truth"),
    ),
    "session_aggregates": AssetEntry(
        tables=(
            ss.gaming_sessions,
            ss.session_rounds,
            ss.session_player_stats,
            ss.map_summaries,
            ss.session_round_graphs,
        ),
        rules=("sessions", "aggregates", "gates"),
    ),
    "players": AssetEntry(
        tables=(ds.players, ds.player_guid_map, ds.player_names), rules=("player_identity",)
    ),
    "careers": AssetEntry(
        tables=ds.CAREER_TABLES, rules=("player_identity", "careers", "aggregates")
    ),
    "leaderboards": AssetEntry(tables=ds.LEADERBOARD_TABLES, rules=("leaderboards",)),
    # The exports are files: their catalog table is the one they publish, per season.
    "season_exports": AssetEntry(tables=(ds.player_season_stats,), rules=("exports",)),
    "discord_round_posts": AssetEntry(
        tables=(schema_publish.discord_posts,), rules=("publish_render",)
    ),
    "discord_map_posts": AssetEntry(
        tables=(schema_publish.discord_posts,), rules=("publish_render",)
    ),
    "discord_session_posts": AssetEntry(
        tables=(schema_publish.discord_posts,), rules=("publish_render",)
    ),
}
