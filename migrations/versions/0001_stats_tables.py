"""stats tables: processed_files, rounds, player and weapon stats

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "player_comprehensive_stats",
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("round_date", sa.Date(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("guid8", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("clean_name", sa.Text(), nullable=False),
        sa.Column("raw_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Integer(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("shots_total", sa.BigInteger(), nullable=False),
        sa.Column("hits_total", sa.BigInteger(), nullable=False),
        sa.Column("damage_given", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("team_damage_given", sa.BigInteger(), nullable=False),
        sa.Column("team_damage_received", sa.BigInteger(), nullable=False),
        sa.Column("gibs", sa.BigInteger(), nullable=False),
        sa.Column("self_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("team_gibs", sa.BigInteger(), nullable=False),
        sa.Column("xp", sa.BigInteger(), nullable=False),
        sa.Column("killing_spree_best", sa.BigInteger(), nullable=False),
        sa.Column("death_spree_worst", sa.BigInteger(), nullable=False),
        sa.Column("kill_assists", sa.BigInteger(), nullable=False),
        sa.Column("kill_steals", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("objectives_stolen", sa.BigInteger(), nullable=False),
        sa.Column("objectives_returned", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_planted", sa.BigInteger(), nullable=False),
        sa.Column("dynamites_defused", sa.BigInteger(), nullable=False),
        sa.Column("times_revived", sa.BigInteger(), nullable=False),
        sa.Column("bullets_fired", sa.BigInteger(), nullable=False),
        sa.Column("time_played_seconds", sa.BigInteger(), nullable=False),
        sa.Column("most_useful_kills", sa.BigInteger(), nullable=False),
        sa.Column("denied_playtime", sa.BigInteger(), nullable=False),
        sa.Column("double_kills", sa.BigInteger(), nullable=False),
        sa.Column("triple_kills", sa.BigInteger(), nullable=False),
        sa.Column("quad_kills", sa.BigInteger(), nullable=False),
        sa.Column("multi_kills", sa.BigInteger(), nullable=False),
        sa.Column("mega_kills", sa.BigInteger(), nullable=False),
        sa.Column("useless_kills", sa.BigInteger(), nullable=False),
        sa.Column("full_selfkills", sa.BigInteger(), nullable=False),
        sa.Column("constructions", sa.BigInteger(), nullable=False),
        sa.Column("revives_given", sa.BigInteger(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("kd_ratio", sa.Float(), nullable=False),
        sa.Column("efficiency", sa.Float(), nullable=False),
        sa.Column("dpm", sa.Float(), nullable=False),
        sa.Column("time_played_percent", sa.Float(), nullable=False),
        sa.Column("tank_meatshield", sa.Float(), nullable=False),
        sa.Column("time_dead_ratio", sa.Float(), nullable=False),
        sa.Column("time_dead_minutes", sa.Float(), nullable=False),
        sa.Column("time_played_minutes", sa.Float(), nullable=False),
        sa.Column("time_source", sa.Text(), nullable=False),
        sa.Column("counter_reset", sa.Boolean(), nullable=False),
        sa.Column("counter_reset_fields", sa.Text(), nullable=True),
        sa.Column("joined_in_r2", sa.Boolean(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "player_guid", name="pk_player_comprehensive_stats"),
    )
    with op.batch_alter_table("player_comprehensive_stats", schema=None) as batch_op:
        batch_op.create_index("ix_player_stats_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_player_stats_guid", ["player_guid"], unique=False)

    op.create_table(
        "processed_files",
        sa.Column(
            "source", sa.Text(), nullable=False, comment="stats | gametime | webhook | proximity"
        ),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="stats | endstats | weapon_dump | unknown | ...",
        ),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("first_seen_sha256", sa.Text(), nullable=False),
        sa.Column(
            "status", sa.Text(), nullable=False, comment="loaded | rejected | changed | ignored"
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.Column("round_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("source", "file_name", name="pk_processed_files"),
    )
    with op.batch_alter_table("processed_files", schema=None) as batch_op:
        batch_op.create_index("ix_processed_files_day", ["source", "gaming_day"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("round_key", sa.Text(), nullable=False),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("round_date", sa.Date(), nullable=False),
        sa.Column(
            "round_time",
            sa.Text(),
            nullable=False,
            comment="HHMMSS of the file write, server clock",
        ),
        sa.Column("file_time_local", sa.DateTime(), nullable=False),
        sa.Column("file_time_unix", sa.BigInteger(), nullable=False),
        sa.Column("file_time_ambiguous", sa.Boolean(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("map_key", sa.Text(), nullable=False),
        sa.Column("server_name", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.Text(), nullable=False),
        sa.Column("actual_time", sa.Text(), nullable=False),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=True),
        sa.Column("actual_time_seconds", sa.Integer(), nullable=True),
        sa.Column("round_duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("round_duration_seconds", sa.Integer(), nullable=True),
        sa.Column("defender_team", sa.Integer(), nullable=False),
        sa.Column("winner_team", sa.Integer(), nullable=False),
        sa.Column("round_outcome", sa.Text(), nullable=True),
        sa.Column("round_status", sa.Text(), nullable=False),
        sa.Column("is_valid", sa.Boolean(), nullable=False),
        sa.Column("is_orphan_r2", sa.Boolean(), nullable=False),
        sa.Column("r1_file_name", sa.Text(), nullable=True),
        sa.Column("differential_applied", sa.Boolean(), nullable=False),
        sa.Column("score_confidence", sa.Text(), nullable=False),
        sa.Column("round_stopwatch_state", sa.Text(), nullable=True),
        sa.Column("time_to_beat_seconds", sa.Integer(), nullable=True),
        sa.Column("next_timelimit_minutes", sa.Integer(), nullable=True),
        sa.Column("side_reasons", sa.Text(), nullable=True),
        sa.Column("player_count", sa.Integer(), nullable=False),
        sa.Column("bot_player_count", sa.Integer(), nullable=False),
        sa.Column("human_player_count", sa.Integer(), nullable=False),
        sa.Column("is_bot_round", sa.Boolean(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_key"),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index("ix_rounds_day", ["gaming_day"], unique=False)
        batch_op.create_index(
            "ix_rounds_map_time", ["map_key", "round_number", "file_time_unix"], unique=False
        )

    op.create_table(
        "weapon_comprehensive_stats",
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("weapon_name", sa.Text(), nullable=False),
        sa.Column("weapon_id", sa.Integer(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("round_date", sa.Date(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("shots", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "round_id", "player_guid", "weapon_name", name="pk_weapon_comprehensive_stats"
        ),
    )
    with op.batch_alter_table("weapon_comprehensive_stats", schema=None) as batch_op:
        batch_op.create_index("ix_weapon_stats_day", ["gaming_day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("weapon_comprehensive_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_weapon_stats_day")

    op.drop_table("weapon_comprehensive_stats")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_rounds_map_time")
        batch_op.drop_index("ix_rounds_day")

    op.drop_table("rounds")
    with op.batch_alter_table("processed_files", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_files_day")

    op.drop_table("processed_files")
    with op.batch_alter_table("player_comprehensive_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_player_stats_guid")
        batch_op.drop_index("ix_player_stats_day")

    op.drop_table("player_comprehensive_stats")
