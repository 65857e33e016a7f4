"""Warehouse tables of the Lua round timing: raw events, merged round ends, per-player spawns.

``lua_events`` keeps one row per parsed delivery (webhook body or gametime file), with the event
serialised as deterministic JSON text, so ``lua_round_teams`` and ``lua_spawn_stats`` can be
rebuilt from the table alone, without re-reading the landing zone. Both derived tables carry
upstream-compatible column names (``lua_pause_events``, ``lua_warmup_seconds``, ...) and follow the
rules of ``schema.py``: ``gaming_day`` on every row (the gaming day of the round *end*, server
clock), provenance (landed file name + SHA-256), deterministic ids, no wall-clock columns (the
arrival times are the landed files' mtimes, an input).

Identity of a round end is ``(map_key, round_number, round_start_unix, round_end_unix)``; the
``id`` of ``lua_round_teams`` (and ``lua_round_id`` elsewhere) is ``stable_id`` of it.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Table, UniqueConstraint

from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table


def _identity() -> list[Column]:
    """The round-end identity columns every Lua table shares (plus the map as sent)."""
    return [
        text("map_key", "case-folded, whitespace-collapsed map"),
        text("map_name", "map name as the Lua sent it"),
        integer("round_number", "1 or 2 (a raw 0 is stored as 2)"),
        *round_time_columns(nullable=False),
    ]


lua_events = table(
    "lua_events",
    text("source", "webhook | gametime"),
    *provenance_columns(),
    bigint("received_at", "landed file mtime, epoch s"),
    gaming_day("gaming day of the round end"),
    bigint("lua_round_id", "= lua_round_teams.id"),
    text("match_id", "round end, server clock %Y-%m-%d-%H%M%S"),
    *_identity(),
    text("event_json", "the normalised event, deterministic JSON"),
    primary_key("source", "source_file"),
    Index("ix_lua_events_day", "gaming_day"),
    Index("ix_lua_events_round", "lua_round_id"),
)

lua_round_teams = table(
    "lua_round_teams",
    id_key("id"),
    gaming_day(),
    text("match_id", "round end, server clock; never join on it"),
    *_identity(),
    integer_null("actual_duration_seconds", "Lua playtime, no pauses"),
    integer_null("total_pause_seconds"),
    integer_null("pause_count"),
    text("lua_pause_events", 'JSON [{"n","start","end","sec"}]'),
    text("end_reason", "normalised enum, UNKNOWN when absent"),
    text_null("end_reason_raw"),
    integer("winner_team", "0 unknown, 1 Axis, 2 Allies"),
    integer("defender_team"),
    floating_null("timelimit_minutes", "float minutes exactly as sent"),
    integer_null("lua_warmup_seconds"),
    bigint_null("lua_warmup_start_unix"),
    integer("surrender_team"),
    text_null("surrender_caller_guid"),
    text_null("surrender_caller_name"),
    integer_null("axis_score"),
    integer_null("allies_score"),
    text("axis_players", 'JSON [{"guid","name"}]'),
    text("allies_players", 'JSON [{"guid","name"}]'),
    text_null("lua_version"),
    text("sources", "webhook | gametime | webhook+gametime"),
    integer("event_count", "distinct deliveries merged"),
    bigint("first_seen_at", "earliest arrival, epoch s"),
    bigint("last_update_at", "latest arrival, epoch s"),
    text_null("spawn_source_file"),
    text_null("warnings"),
    *provenance_columns(),
    UniqueConstraint(
        "map_key",
        "round_number",
        "round_start_unix",
        "round_end_unix",
        name="uq_lua_round_teams_identity",
    ),
    Index("ix_lua_round_teams_day", "gaming_day"),
    Index("ix_lua_round_teams_end", "map_key", "round_number", "round_end_unix"),
)

lua_spawn_stats = table(
    "lua_spawn_stats",
    bigint("lua_round_id", "= lua_round_teams.id"),
    text("player_guid"),
    gaming_day(),
    text("match_id"),
    *_identity(),
    text("player_name"),
    integer("spawn_count"),
    integer("death_count"),
    integer("dead_seconds"),
    integer("avg_respawn_seconds"),
    integer("max_respawn_seconds"),
    text("source", "the delivery the spawn figures came from"),
    *provenance_columns(),
    primary_key("lua_round_id", "player_guid"),
    Index("ix_lua_spawn_stats_day", "gaming_day"),
    Index("ix_lua_spawn_stats_guid", "player_guid"),
)

LUA_TABLES: tuple[Table, ...] = (lua_events, lua_round_teams, lua_spawn_stats)
