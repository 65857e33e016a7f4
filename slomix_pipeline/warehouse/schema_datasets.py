"""Community datasets (group ``datasets``): players, careers, records, awards, leaderboards.

Not partitioned: each table holds every player. The assets writing them are day-partitioned only
so that they run in the same run as the sessions of the days they follow (see
``defs/datasets``); each materialization recomputes the rows of the players its days touch
from the session tables with SQL aggregates (the dirty-player ledger: ``dataset_day_players``,
``dataset_dirty_players``, ``dataset_state``), so a rebuild, a re-run or any order of days gives
identical rows.

Every figure is keyed by ``canonical_guid`` (``players``); ``player_guid_map`` maps every GUID
found in the warehouse (8-character stats keys and 32-character Lua/proximity/endstats GUIDs)
to it. The season ``all-time`` of ``player_season_stats`` is the career.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from slomix_pipeline.warehouse.schema import metadata
from slomix_pipeline.warehouse.schema_sessions import player_value_columns

player_guid_map = Table(
    "player_guid_map",
    metadata,
    Column("guid", Text, primary_key=True, comment="stats key or 32-char GUID as found"),
    Column("kind", Text, nullable=False, comment="stats | full"),
    Column("canonical_guid", Text, nullable=True, comment="NULL: collision or unmatched"),
    Column("resolution", Text, nullable=False, comment="self|merged|prefix|collision|unmatched"),
    Column("note", Text, nullable=True),
)

players = Table(
    "players",
    metadata,
    Column("canonical_guid", Text, primary_key=True),
    Column("display_name", Text, nullable=False, comment="the name of the most rounds"),
    Column("is_bot", Boolean, nullable=False),
    Column("first_seen_day", Date, nullable=False),
    Column("last_seen_day", Date, nullable=False),
    Column("stats_guids", Text, nullable=False, comment="JSON list of merged stats keys"),
    Column("full_guids", Text, nullable=False, comment="JSON list of 32-char GUIDs"),
    Column("name_count", Integer, nullable=False),
)

player_names = Table(
    "player_names",
    metadata,
    Column("canonical_guid", Text, nullable=False),
    Column("player_name", Text, nullable=False),
    Column("first_seen_day", Date, nullable=False),
    Column("last_seen_day", Date, nullable=False),
    Column("rounds", Integer, nullable=False),
    PrimaryKeyConstraint("canonical_guid", "player_name", name="pk_player_names"),
)


def _totals() -> list[Column]:
    """Rounds played, the summed counters and rates, and the map results of a career row."""
    return [
        Column("rounds_played", Integer, nullable=False),
        *player_value_columns(objectives_comment=None),
        Column("maps_won", Integer, nullable=False),
        Column("maps_lost", Integer, nullable=False),
        Column("maps_drawn", Integer, nullable=False),
    ]


player_season_stats = Table(
    "player_season_stats",
    metadata,
    Column("season", Text, nullable=False, comment="operator season name | all-time"),
    Column("canonical_guid", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("is_bot", Boolean, nullable=False),
    Column("sessions", Integer, nullable=False),
    *_totals(),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    PrimaryKeyConstraint("season", "canonical_guid", name="pk_player_season_stats"),
)

player_map_stats = Table(
    "player_map_stats",
    metadata,
    Column("canonical_guid", Text, nullable=False),
    Column("map_name", Text, nullable=False),
    *_totals(),
    PrimaryKeyConstraint("canonical_guid", "map_name", name="pk_player_map_stats"),
)

player_weapon_stats = Table(
    "player_weapon_stats",
    metadata,
    Column("canonical_guid", Text, nullable=False),
    Column("weapon_name", Text, nullable=False),
    Column("rounds_played", Integer, nullable=False),
    Column("kills", BigInteger, nullable=False),
    Column("deaths", BigInteger, nullable=False),
    Column("shots", BigInteger, nullable=False),
    Column("hits", BigInteger, nullable=False),
    Column("headshots", BigInteger, nullable=False),
    Column("accuracy", Float, nullable=False, comment="hits * 100 / shots"),
    PrimaryKeyConstraint("canonical_guid", "weapon_name", name="pk_player_weapon_stats"),
)

player_records = Table(
    "player_records",
    metadata,
    Column("canonical_guid", Text, nullable=False),
    Column("record", Text, nullable=False, comment="see docs/datasets.md"),
    Column("value", Float, nullable=False),
    Column("gaming_day", Date, nullable=False, comment="day it was set"),
    Column("session_id", BigInteger, nullable=False),
    Column("round_id", BigInteger, nullable=True, comment="the round that set it"),
    PrimaryKeyConstraint("canonical_guid", "record", name="pk_player_records"),
)

session_award_tallies = Table(
    "session_award_tallies",
    metadata,
    Column("session_id", BigInteger, nullable=False),
    Column("canonical_guid", Text, nullable=False),
    Column("award_name", Text, nullable=False),
    Column("gaming_day", Date, nullable=False, comment="day of the session"),
    Column("awards", Integer, nullable=False),
    PrimaryKeyConstraint(
        "session_id", "canonical_guid", "award_name", name="pk_session_award_tallies"
    ),
)

player_award_tallies = Table(
    "player_award_tallies",
    metadata,
    Column("canonical_guid", Text, nullable=False),
    Column("award_name", Text, nullable=False),
    Column("awards", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    PrimaryKeyConstraint("canonical_guid", "award_name", name="pk_player_award_tallies"),
)

season_leaderboards = Table(
    "season_leaderboards",
    metadata,
    Column("season", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("canonical_guid", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("rounds_played", Integer, nullable=False),
    PrimaryKeyConstraint("season", "metric", "rank", name="pk_season_leaderboards"),
)

# Bookkeeping of the incremental update (docs/datasets.md, "How it stays correct").
dataset_day_players = Table(
    "dataset_day_players",
    metadata,
    Column("gaming_day", Date, nullable=False),
    Column("player_guid", Text, nullable=False, comment="stats key with session rows that day"),
    PrimaryKeyConstraint("gaming_day", "player_guid", name="pk_dataset_day_players"),
)

dataset_dirty_players = Table(
    "dataset_dirty_players",
    metadata,
    Column("canonical_guid", Text, primary_key=True, comment="identity changed; careers pending"),
)

dataset_state = Table(
    "dataset_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

IDENTITY_TABLES: tuple[Table, ...] = (player_guid_map, players, player_names)
CAREER_TABLES: tuple[Table, ...] = (
    player_season_stats,
    player_map_stats,
    player_weapon_stats,
    player_records,
    session_award_tallies,
    player_award_tallies,
)
LEADERBOARD_TABLES: tuple[Table, ...] = (season_leaderboards,)
DATASET_TABLES = IDENTITY_TABLES + CAREER_TABLES + LEADERBOARD_TABLES
LEDGER_TABLES: tuple[Table, ...] = (dataset_day_players, dataset_dirty_players, dataset_state)
