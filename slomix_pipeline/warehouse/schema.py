"""Warehouse tables (SQLAlchemy Core). Names follow the upstream schema where one exists.

Design rules that every table here follows:
- Natural, deterministic identities: ``rounds.id`` is derived from the round's natural key, so a
  rebuild in any order produces the same ids (never SERIAL / max+1).
- ``gaming_day`` on every partitioned row: an asset replaces exactly its partitions' rows.
- Provenance on every row: the landed file name and its SHA-256.
- No wall-clock columns: re-running anything gives byte-identical tables; run times live in Dagster.

Changing a table here requires a new Alembic revision in ``migrations/versions``; a test compares
this metadata with the migrated database so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Table, Text

from slomix_pipeline.domain.player_metrics import PLAYER_FLOAT_METRICS, PLAYER_INT_METRICS
from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import metadata as metadata
from slomix_pipeline.warehouse.tables import primary_key, table

processed_files = table(
    "processed_files",
    text("source", "stats | gametime | webhook | proximity"),
    text("file_name"),
    text("kind", "stats | endstats | weapon_dump | unknown | ..."),
    gaming_day(),
    bigint("size_bytes"),
    text("sha256"),
    text("first_seen_sha256"),
    text("status", "loaded | rejected | changed | ignored"),
    text_null("reason"),
    text_null("warnings"),
    bigint_null("round_id"),
    primary_key("source", "file_name"),
    Index("ix_processed_files_day", "source", "gaming_day"),
)

rounds = table(
    "rounds",
    id_key("id"),
    Column("round_key", Text, nullable=False, unique=True),
    text("match_id"),
    gaming_day(),
    integer("round_number"),
    date("round_date"),
    text("round_time", "HHMMSS of the file write, server clock"),
    timestamp("file_time_local"),
    bigint("file_time_unix"),
    boolean("file_time_ambiguous"),
    text("map_name"),
    text("map_key"),
    text("server_name"),
    text("time_limit"),
    text("actual_time"),
    integer_null("time_limit_seconds"),
    integer_null("actual_time_seconds"),
    bigint_null("round_duration_ms"),
    integer_null("round_duration_seconds"),
    integer("defender_team"),
    integer("winner_team"),
    text_null("round_outcome"),
    text("round_status"),
    boolean("is_valid"),
    boolean("is_orphan_r2"),
    text_null("r1_file_name"),
    boolean("differential_applied"),
    text("score_confidence"),
    text_null("round_stopwatch_state"),
    integer_null("time_to_beat_seconds"),
    integer_null("next_timelimit_minutes"),
    text_null("side_reasons"),
    integer("player_count"),
    integer("bot_player_count"),
    integer("human_player_count"),
    boolean("is_bot_round"),
    text_null("warnings"),
    # Stopwatch facts from the stats files alone (migration 0005; the Lua-applied versions are
    # in round_links): how an R2 was paired, how the round ended, how long, against what limit.
    text_null("pairing_reason", "R2: paired | why it stayed an orphan"),
    boolean_null("pairing_confirmed", "R2 field 6 = R1 field 7"),
    text_null("end_reason", "semantic end reason, see docs"),
    text_null("end_reason_source"),
    integer_null("duration_seconds", "most reliable stats duration"),
    text_null("duration_source", "stats_duration | stats_clock | none"),
    integer_null("map_time_limit_seconds", "the map's configured limit"),
    text_null("map_time_limit_source"),
    integer_null("r1_attack_time_seconds", "R1: its objective time"),
    *provenance_columns(),
    Index("ix_rounds_day", "gaming_day"),
    Index("ix_rounds_map_time", "map_key", "round_number", "file_time_unix"),
)


PLAYER_METRICS: tuple[str, ...] = PLAYER_INT_METRICS + PLAYER_FLOAT_METRICS
"""Every stored player metric, integers first, each in the player record's order."""

player_comprehensive_stats = table(
    "player_comprehensive_stats",
    bigint("round_id"),
    text("player_guid"),
    gaming_day(),
    date("round_date"),
    text("map_name"),
    integer("round_number"),
    text("guid8"),
    text("player_name"),
    text("clean_name"),
    text("raw_name"),
    integer("team"),
    boolean("is_bot"),
    *many(bigint, *PLAYER_INT_METRICS),
    *many(floating, *PLAYER_FLOAT_METRICS),
    text("time_source"),
    boolean("counter_reset"),
    text_null("counter_reset_fields"),
    boolean("joined_in_r2"),
    *provenance_columns(),
    primary_key("round_id", "player_guid"),
    Index("ix_player_stats_day", "gaming_day"),
    Index("ix_player_stats_guid", "player_guid"),
)

weapon_comprehensive_stats = table(
    "weapon_comprehensive_stats",
    bigint("round_id"),
    text("player_guid"),
    text("weapon_name"),
    integer("weapon_id"),
    gaming_day(),
    date("round_date"),
    text("map_name"),
    integer("round_number"),
    text("player_name"),
    bigint("hits"),
    bigint("shots"),
    bigint("kills"),
    bigint("deaths"),
    bigint("headshots"),
    floating("accuracy"),
    *provenance_columns(),
    primary_key(
        "round_id",
        "player_guid",
        "weapon_name",
    ),
    Index("ix_weapon_stats_day", "gaming_day"),
)

STATS_TABLES: tuple[Table, ...] = (
    rounds,
    player_comprehensive_stats,
    weapon_comprehensive_stats,
)
