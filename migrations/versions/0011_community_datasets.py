"""community datasets: players, careers, records, awards, leaderboards (issue 15)

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "player_guid_map",
        sa.Column("guid", sa.Text(), nullable=False, comment="stats key or 32-char GUID as found"),
        sa.Column("kind", sa.Text(), nullable=False, comment="stats | full"),
        sa.Column(
            "canonical_guid", sa.Text(), nullable=True, comment="NULL: collision or unmatched"
        ),
        sa.Column(
            "resolution",
            sa.Text(),
            nullable=False,
            comment="self|merged|prefix|collision|unmatched",
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("guid"),
    )
    op.create_table(
        "players",
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False, comment="the name of the most rounds"),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("first_seen_day", sa.Date(), nullable=False),
        sa.Column("last_seen_day", sa.Date(), nullable=False),
        sa.Column(
            "stats_guids", sa.Text(), nullable=False, comment="JSON list of merged stats keys"
        ),
        sa.Column("full_guids", sa.Text(), nullable=False, comment="JSON list of 32-char GUIDs"),
        sa.Column("name_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("canonical_guid"),
    )
    op.create_table(
        "player_names",
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("first_seen_day", sa.Date(), nullable=False),
        sa.Column("last_seen_day", sa.Date(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("canonical_guid", "player_name", name="pk_player_names"),
    )
    op.create_table(
        "player_season_stats",
        sa.Column("season", sa.Text(), nullable=False, comment="operator season name | all-time"),
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("rounds_played", sa.Integer(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("damage_given", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("time_played_seconds", sa.BigInteger(), nullable=False),
        sa.Column("time_dead_seconds", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("revives_given", sa.BigInteger(), nullable=False),
        sa.Column("times_revived", sa.BigInteger(), nullable=False),
        sa.Column("gibs", sa.BigInteger(), nullable=False),
        sa.Column("kill_assists", sa.BigInteger(), nullable=False),
        sa.Column("objectives_stolen", sa.BigInteger(), nullable=False),
        sa.Column("objectives_returned", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_planted", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_defused", sa.BigInteger(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("useful_kills", sa.BigInteger(), nullable=False),
        sa.Column("denied_playtime", sa.BigInteger(), nullable=False),
        sa.Column("xp", sa.BigInteger(), nullable=False),
        sa.Column("objectives", sa.BigInteger(), nullable=False),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("kdr", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("maps_won", sa.Integer(), nullable=False),
        sa.Column("maps_lost", sa.Integer(), nullable=False),
        sa.Column("maps_drawn", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("season", "canonical_guid", name="pk_player_season_stats"),
    )
    op.create_table(
        "player_map_stats",
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("rounds_played", sa.Integer(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("damage_given", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("time_played_seconds", sa.BigInteger(), nullable=False),
        sa.Column("time_dead_seconds", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("revives_given", sa.BigInteger(), nullable=False),
        sa.Column("times_revived", sa.BigInteger(), nullable=False),
        sa.Column("gibs", sa.BigInteger(), nullable=False),
        sa.Column("kill_assists", sa.BigInteger(), nullable=False),
        sa.Column("objectives_stolen", sa.BigInteger(), nullable=False),
        sa.Column("objectives_returned", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_planted", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_defused", sa.BigInteger(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("useful_kills", sa.BigInteger(), nullable=False),
        sa.Column("denied_playtime", sa.BigInteger(), nullable=False),
        sa.Column("xp", sa.BigInteger(), nullable=False),
        sa.Column("objectives", sa.BigInteger(), nullable=False),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("kdr", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("maps_won", sa.Integer(), nullable=False),
        sa.Column("maps_lost", sa.Integer(), nullable=False),
        sa.Column("maps_drawn", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("canonical_guid", "map_name", name="pk_player_map_stats"),
    )
    op.create_table(
        "player_weapon_stats",
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("weapon_name", sa.Text(), nullable=False),
        sa.Column("rounds_played", sa.Integer(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False, comment="hits * 100 / shots"),
        sa.PrimaryKeyConstraint("canonical_guid", "weapon_name", name="pk_player_weapon_stats"),
    )
    op.create_table(
        "player_records",
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False, comment="see docs/datasets.md"),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="day it was set"),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=True, comment="the round that set it"),
        sa.PrimaryKeyConstraint("canonical_guid", "record", name="pk_player_records"),
    )
    op.create_table(
        "session_award_tallies",
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("award_name", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="day of the session"),
        sa.Column("awards", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "session_id", "canonical_guid", "award_name", name="pk_session_award_tallies"
        ),
    )
    op.create_table(
        "player_award_tallies",
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("award_name", sa.Text(), nullable=False),
        sa.Column("awards", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("canonical_guid", "award_name", name="pk_player_award_tallies"),
    )
    op.create_table(
        "season_leaderboards",
        sa.Column("season", sa.Text(), nullable=False),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("canonical_guid", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("rounds_played", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("season", "metric", "rank", name="pk_season_leaderboards"),
    )
    op.create_table(
        "dataset_day_players",
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "player_guid",
            sa.Text(),
            nullable=False,
            comment="stats key with session rows that day",
        ),
        sa.PrimaryKeyConstraint("gaming_day", "player_guid", name="pk_dataset_day_players"),
    )
    op.create_table(
        "dataset_dirty_players",
        sa.Column(
            "canonical_guid",
            sa.Text(),
            nullable=False,
            comment="identity changed; careers pending",
        ),
        sa.PrimaryKeyConstraint("canonical_guid"),
    )
    op.create_table(
        "dataset_state",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("dataset_state")
    op.drop_table("dataset_dirty_players")
    op.drop_table("dataset_day_players")
    op.drop_table("season_leaderboards")
    op.drop_table("player_award_tallies")
    op.drop_table("session_award_tallies")
    op.drop_table("player_records")
    op.drop_table("player_weapon_stats")
    op.drop_table("player_map_stats")
    op.drop_table("player_season_stats")
    op.drop_table("player_names")
    op.drop_table("players")
    op.drop_table("player_guid_map")
