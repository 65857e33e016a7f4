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

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

from slomix_pipeline.warehouse.schema import metadata, provenance_columns


def _identity() -> list[Column]:
    """The round-end identity columns every Lua table shares (plus the map as sent)."""
    return [
        Column("map_key", Text, nullable=False, comment="case-folded, whitespace-collapsed map"),
        Column("map_name", Text, nullable=False, comment="map name as the Lua sent it"),
        Column("round_number", Integer, nullable=False, comment="1 or 2 (a raw 0 is stored as 2)"),
        Column("round_start_unix", BigInteger, nullable=False),
        Column("round_end_unix", BigInteger, nullable=False),
    ]


lua_events = Table(
    "lua_events",
    metadata,
    Column("source", Text, nullable=False, comment="webhook | gametime"),
    *provenance_columns(),
    Column("received_at", BigInteger, nullable=False, comment="landed file mtime, epoch s"),
    Column("gaming_day", Date, nullable=False, comment="gaming day of the round end"),
    Column("lua_round_id", BigInteger, nullable=False, comment="= lua_round_teams.id"),
    Column("match_id", Text, nullable=False, comment="round end, server clock %Y-%m-%d-%H%M%S"),
    *_identity(),
    Column("event_json", Text, nullable=False, comment="the normalised event, deterministic JSON"),
    PrimaryKeyConstraint("source", "source_file", name="pk_lua_events"),
    Index("ix_lua_events_day", "gaming_day"),
    Index("ix_lua_events_round", "lua_round_id"),
)

lua_round_teams = Table(
    "lua_round_teams",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("gaming_day", Date, nullable=False),
    Column("match_id", Text, nullable=False, comment="round end, server clock; never join on it"),
    *_identity(),
    Column("actual_duration_seconds", Integer, nullable=True, comment="Lua playtime, no pauses"),
    Column("total_pause_seconds", Integer, nullable=True),
    Column("pause_count", Integer, nullable=True),
    Column("lua_pause_events", Text, nullable=False, comment='JSON [{"n","start","end","sec"}]'),
    Column("end_reason", Text, nullable=False, comment="normalised enum, UNKNOWN when absent"),
    Column("end_reason_raw", Text, nullable=True),
    Column("winner_team", Integer, nullable=False, comment="0 unknown, 1 Axis, 2 Allies"),
    Column("defender_team", Integer, nullable=False),
    Column("timelimit_minutes", Float, nullable=True, comment="float minutes exactly as sent"),
    Column("lua_warmup_seconds", Integer, nullable=True),
    Column("lua_warmup_start_unix", BigInteger, nullable=True),
    Column("surrender_team", Integer, nullable=False),
    Column("surrender_caller_guid", Text, nullable=True),
    Column("surrender_caller_name", Text, nullable=True),
    Column("axis_score", Integer, nullable=True),
    Column("allies_score", Integer, nullable=True),
    Column("axis_players", Text, nullable=False, comment='JSON [{"guid","name"}]'),
    Column("allies_players", Text, nullable=False, comment='JSON [{"guid","name"}]'),
    Column("lua_version", Text, nullable=True),
    Column("sources", Text, nullable=False, comment="webhook | gametime | webhook+gametime"),
    Column("event_count", Integer, nullable=False, comment="distinct deliveries merged"),
    Column("first_seen_at", BigInteger, nullable=False, comment="earliest arrival, epoch s"),
    Column("last_update_at", BigInteger, nullable=False, comment="latest arrival, epoch s"),
    Column("spawn_source_file", Text, nullable=True),
    Column("warnings", Text, nullable=True),
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

lua_spawn_stats = Table(
    "lua_spawn_stats",
    metadata,
    Column("lua_round_id", BigInteger, nullable=False, comment="= lua_round_teams.id"),
    Column("player_guid", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("match_id", Text, nullable=False),
    *_identity(),
    Column("player_name", Text, nullable=False),
    Column("spawn_count", Integer, nullable=False),
    Column("death_count", Integer, nullable=False),
    Column("dead_seconds", Integer, nullable=False),
    Column("avg_respawn_seconds", Integer, nullable=False),
    Column("max_respawn_seconds", Integer, nullable=False),
    Column("source", Text, nullable=False, comment="the delivery the spawn figures came from"),
    *provenance_columns(),
    PrimaryKeyConstraint("lua_round_id", "player_guid", name="pk_lua_spawn_stats"),
    Index("ix_lua_spawn_stats_day", "gaming_day"),
    Index("ix_lua_spawn_stats_guid", "player_guid"),
)

LUA_TABLES: tuple[Table, ...] = (lua_events, lua_round_teams, lua_spawn_stats)
