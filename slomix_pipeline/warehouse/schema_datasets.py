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

from sqlalchemy import Column, Table, Text

from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.schema_sessions import player_value_columns
from slomix_pipeline.warehouse.tables import primary_key, table

player_guid_map = table(
    "player_guid_map",
    Column("guid", Text, primary_key=True, comment="stats key or 32-char GUID as found"),
    text("kind", "stats | full"),
    text_null("canonical_guid", "NULL: collision or unmatched"),
    text("resolution", "self|merged|prefix|collision|unmatched"),
    text_null("note"),
)

players = table(
    "players",
    Column("canonical_guid", Text, primary_key=True),
    text("display_name", "the name of the most rounds"),
    boolean("is_bot"),
    date("first_seen_day"),
    date("last_seen_day"),
    text("stats_guids", "JSON list of merged stats keys"),
    text("full_guids", "JSON list of 32-char GUIDs"),
    integer("name_count"),
)

player_names = table(
    "player_names",
    text("canonical_guid"),
    text("player_name"),
    date("first_seen_day"),
    date("last_seen_day"),
    integer("rounds"),
    primary_key("canonical_guid", "player_name"),
)


def _totals() -> list[Column]:
    """Rounds played, the summed counters and rates, and the map results of a career row."""
    return [
        integer("rounds_played"),
        *player_value_columns(objectives_comment=None),
        *many(integer, "maps_won", "maps_lost", "maps_drawn"),
    ]


player_season_stats = table(
    "player_season_stats",
    text("season", "operator season name | all-time"),
    text("canonical_guid"),
    text("display_name"),
    boolean("is_bot"),
    integer("sessions"),
    *_totals(),
    date("first_day"),
    date("last_day"),
    primary_key("season", "canonical_guid"),
)

player_map_stats = table(
    "player_map_stats",
    text("canonical_guid"),
    text("map_name"),
    *_totals(),
    primary_key("canonical_guid", "map_name"),
)

player_weapon_stats = table(
    "player_weapon_stats",
    text("canonical_guid"),
    text("weapon_name"),
    integer("rounds_played"),
    bigint("kills"),
    bigint("deaths"),
    bigint("shots"),
    bigint("hits"),
    bigint("headshots"),
    floating("accuracy", "hits * 100 / shots"),
    primary_key("canonical_guid", "weapon_name"),
)

player_records = table(
    "player_records",
    text("canonical_guid"),
    text("record", "see docs/datasets.md"),
    floating("value"),
    gaming_day("day it was set"),
    bigint("session_id"),
    bigint_null("round_id", "the round that set it"),
    primary_key("canonical_guid", "record"),
)

session_award_tallies = table(
    "session_award_tallies",
    bigint("session_id"),
    text("canonical_guid"),
    text("award_name"),
    gaming_day("day of the session"),
    integer("awards"),
    primary_key(
        "session_id",
        "canonical_guid",
        "award_name",
    ),
)

player_award_tallies = table(
    "player_award_tallies",
    text("canonical_guid"),
    text("award_name"),
    integer("awards"),
    integer("sessions"),
    primary_key("canonical_guid", "award_name"),
)

season_leaderboards = table(
    "season_leaderboards",
    text("season"),
    text("metric"),
    integer("rank"),
    text("canonical_guid"),
    text("display_name"),
    floating("value"),
    integer("rounds_played"),
    primary_key(
        "season",
        "metric",
        "rank",
    ),
)

# Bookkeeping of the incremental update (docs/datasets.md, "How it stays correct").
dataset_day_players = table(
    "dataset_day_players",
    gaming_day(),
    text("player_guid", "stats key with session rows that day"),
    primary_key("gaming_day", "player_guid"),
)

dataset_dirty_players = table(
    "dataset_dirty_players",
    Column("canonical_guid", Text, primary_key=True, comment="identity changed; careers pending"),
)

dataset_state = table(
    "dataset_state",
    Column("key", Text, primary_key=True),
    text("value"),
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
