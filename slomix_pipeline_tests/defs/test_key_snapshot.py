"""Snapshot of every asset key and check name: moving code must not rename what operators see.

Run history, partition status, sensor cursors and acknowledgements are all keyed by these names
in the Dagster instance; a refactor that renames one silently orphans that history. A deliberate
rename updates this snapshot in the same commit, with a migration note in docs/operations.md.
"""

from __future__ import annotations

from slomix_pipeline.definitions import defs

ASSET_KEYS = frozenset(
    {
        "careers",
        "discord_map_posts",
        "discord_round_posts",
        "discord_session_posts",
        "endstats",
        "gametime_files",
        "leaderboards",
        "linked_rounds",
        "lua_round_teams",
        "players",
        "proximity_engagements",
        "raw_stats_files",
        "season_exports",
        "session_aggregates",
        "webhook_drops",
    }
)

CHECK_KEYS = frozenset(
    {
        "careers:careers_match_sessions",
        "discord_map_posts:discord_delivery",
        "discord_round_posts:discord_delivery",
        "discord_session_posts:discord_delivery",
        "endstats:endstats_awards_linked",
        "endstats:stats_file_complete",
        "linked_rounds:ws1_lua_coverage",
        "linked_rounds:ws1_lua_links",
        "players:players_resolve",
        "proximity_engagements:ws1c_proximity_links",
        "proximity_engagements:ws1c_section_coverage",
        "proximity_engagements:ws1c_unique_keys",
        "raw_stats_files:stats_freshness",
        "raw_stats_files:ws0_orphan_r2",
        "raw_stats_files:ws0_round_contract",
        "session_aggregates:ws7_kill_assists",
    }
)


def test_asset_keys_match_the_snapshot() -> None:
    graph = defs().resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == ASSET_KEYS, (
        f"added: {sorted(keys - ASSET_KEYS)}, removed: {sorted(ASSET_KEYS - keys)}"
    )


def test_check_keys_match_the_snapshot() -> None:
    graph = defs().resolve_asset_graph()
    keys = {f"{key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys}
    assert keys == CHECK_KEYS, (
        f"added: {sorted(keys - CHECK_KEYS)}, removed: {sorted(CHECK_KEYS - keys)}"
    )
