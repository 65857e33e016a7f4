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

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

metadata = MetaData()


def provenance_columns() -> list[Column]:
    """``source_file`` + ``source_sha256``: the landed file every warehouse row came from."""
    return [
        Column("source_file", Text, nullable=False),
        Column("source_sha256", Text, nullable=False),
    ]


processed_files = Table(
    "processed_files",
    metadata,
    Column("source", Text, nullable=False, comment="stats | gametime | webhook | proximity"),
    Column("file_name", Text, nullable=False),
    Column("kind", Text, nullable=False, comment="stats | endstats | weapon_dump | unknown | ..."),
    Column("gaming_day", Date, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("first_seen_sha256", Text, nullable=False),
    Column("status", Text, nullable=False, comment="loaded | rejected | changed | ignored"),
    Column("reason", Text, nullable=True),
    Column("warnings", Text, nullable=True),
    Column("round_id", BigInteger, nullable=True),
    PrimaryKeyConstraint("source", "file_name", name="pk_processed_files"),
    Index("ix_processed_files_day", "source", "gaming_day"),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("round_key", Text, nullable=False, unique=True),
    Column("match_id", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("round_date", Date, nullable=False),
    Column("round_time", Text, nullable=False, comment="HHMMSS of the file write, server clock"),
    Column("file_time_local", DateTime, nullable=False),
    Column("file_time_unix", BigInteger, nullable=False),
    Column("file_time_ambiguous", Boolean, nullable=False),
    Column("map_name", Text, nullable=False),
    Column("map_key", Text, nullable=False),
    Column("server_name", Text, nullable=False),
    Column("time_limit", Text, nullable=False),
    Column("actual_time", Text, nullable=False),
    Column("time_limit_seconds", Integer, nullable=True),
    Column("actual_time_seconds", Integer, nullable=True),
    Column("round_duration_ms", BigInteger, nullable=True),
    Column("round_duration_seconds", Integer, nullable=True),
    Column("defender_team", Integer, nullable=False),
    Column("winner_team", Integer, nullable=False),
    Column("round_outcome", Text, nullable=True),
    Column("round_status", Text, nullable=False),
    Column("is_valid", Boolean, nullable=False),
    Column("is_orphan_r2", Boolean, nullable=False),
    Column("r1_file_name", Text, nullable=True),
    Column("differential_applied", Boolean, nullable=False),
    Column("score_confidence", Text, nullable=False),
    Column("round_stopwatch_state", Text, nullable=True),
    Column("time_to_beat_seconds", Integer, nullable=True),
    Column("next_timelimit_minutes", Integer, nullable=True),
    Column("side_reasons", Text, nullable=True),
    Column("player_count", Integer, nullable=False),
    Column("bot_player_count", Integer, nullable=False),
    Column("human_player_count", Integer, nullable=False),
    Column("is_bot_round", Boolean, nullable=False),
    Column("warnings", Text, nullable=True),
    # Stopwatch facts from the stats files alone (migration 0005; the Lua-applied versions are
    # in round_links): how an R2 was paired, how the round ended, how long, against what limit.
    Column("pairing_reason", Text, nullable=True, comment="R2: paired | why it stayed an orphan"),
    Column("pairing_confirmed", Boolean, nullable=True, comment="R2 field 6 = R1 field 7"),
    Column("end_reason", Text, nullable=True, comment="semantic end reason, see docs"),
    Column("end_reason_source", Text, nullable=True),
    Column("duration_seconds", Integer, nullable=True, comment="most reliable stats duration"),
    Column("duration_source", Text, nullable=True, comment="stats_duration | stats_clock | none"),
    Column("map_time_limit_seconds", Integer, nullable=True, comment="the map's configured limit"),
    Column("map_time_limit_source", Text, nullable=True),
    Column("r1_attack_time_seconds", Integer, nullable=True, comment="R1: its objective time"),
    *provenance_columns(),
    Index("ix_rounds_day", "gaming_day"),
    Index("ix_rounds_map_time", "map_key", "round_number", "file_time_unix"),
)

_PLAYER_INT_METRICS = (
    "kills",
    "deaths",
    "headshots",
    "shots_total",
    "hits_total",
    "damage_given",
    "damage_received",
    "team_damage_given",
    "team_damage_received",
    "gibs",
    "self_kills",
    "team_kills",
    "team_gibs",
    "xp",
    "killing_spree_best",
    "death_spree_worst",
    "kill_assists",
    "kill_steals",
    "headshot_kills",
    "objectives_stolen",
    "objectives_returned",
    "dynamites_planted",
    "dynamites_defused",
    "times_revived",
    "bullets_fired",
    "time_played_seconds",
    "most_useful_kills",
    "denied_playtime",
    "double_kills",
    "triple_kills",
    "quad_kills",
    "multi_kills",
    "mega_kills",
    "useless_kills",
    "full_selfkills",
    "constructions",
    "revives_given",
)
_PLAYER_FLOAT_METRICS = (
    "accuracy",
    "kd_ratio",
    "efficiency",
    "dpm",
    "time_played_percent",
    "tank_meatshield",
    "time_dead_ratio",
    "time_dead_minutes",
    "time_played_minutes",
)
PLAYER_METRICS: tuple[str, ...] = _PLAYER_INT_METRICS + _PLAYER_FLOAT_METRICS

player_comprehensive_stats = Table(
    "player_comprehensive_stats",
    metadata,
    Column("round_id", BigInteger, nullable=False),
    Column("player_guid", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("round_date", Date, nullable=False),
    Column("map_name", Text, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("guid8", Text, nullable=False),
    Column("player_name", Text, nullable=False),
    Column("clean_name", Text, nullable=False),
    Column("raw_name", Text, nullable=False),
    Column("team", Integer, nullable=False),
    Column("is_bot", Boolean, nullable=False),
    *(Column(name, BigInteger, nullable=False) for name in _PLAYER_INT_METRICS),
    *(Column(name, Float, nullable=False) for name in _PLAYER_FLOAT_METRICS),
    Column("time_source", Text, nullable=False),
    Column("counter_reset", Boolean, nullable=False),
    Column("counter_reset_fields", Text, nullable=True),
    Column("joined_in_r2", Boolean, nullable=False),
    *provenance_columns(),
    PrimaryKeyConstraint("round_id", "player_guid", name="pk_player_comprehensive_stats"),
    Index("ix_player_stats_day", "gaming_day"),
    Index("ix_player_stats_guid", "player_guid"),
)

weapon_comprehensive_stats = Table(
    "weapon_comprehensive_stats",
    metadata,
    Column("round_id", BigInteger, nullable=False),
    Column("player_guid", Text, nullable=False),
    Column("weapon_name", Text, nullable=False),
    Column("weapon_id", Integer, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("round_date", Date, nullable=False),
    Column("map_name", Text, nullable=False),
    Column("round_number", Integer, nullable=False),
    Column("player_name", Text, nullable=False),
    Column("hits", BigInteger, nullable=False),
    Column("shots", BigInteger, nullable=False),
    Column("kills", BigInteger, nullable=False),
    Column("deaths", BigInteger, nullable=False),
    Column("headshots", BigInteger, nullable=False),
    Column("accuracy", Float, nullable=False),
    *provenance_columns(),
    PrimaryKeyConstraint(
        "round_id", "player_guid", "weapon_name", name="pk_weapon_comprehensive_stats"
    ),
    Index("ix_weapon_stats_day", "gaming_day"),
)

STATS_TABLES: tuple[Table, ...] = (
    rounds,
    player_comprehensive_stats,
    weapon_comprehensive_stats,
)
