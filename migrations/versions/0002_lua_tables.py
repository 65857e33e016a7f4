"""lua tables: lua_events, lua_round_teams, lua_spawn_stats

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lua_events",
        sa.Column("source", sa.Text(), nullable=False, comment="webhook | gametime"),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column(
            "received_at", sa.BigInteger(), nullable=False, comment="landed file mtime, epoch s"
        ),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="gaming day of the round end"),
        sa.Column("lua_round_id", sa.BigInteger(), nullable=False, comment="= lua_round_teams.id"),
        sa.Column(
            "match_id", sa.Text(), nullable=False, comment="round end, server clock %Y-%m-%d-%H%M%S"
        ),
        sa.Column(
            "map_key", sa.Text(), nullable=False, comment="case-folded, whitespace-collapsed map"
        ),
        sa.Column("map_name", sa.Text(), nullable=False, comment="map name as the Lua sent it"),
        sa.Column(
            "round_number", sa.Integer(), nullable=False, comment="1 or 2 (a raw 0 is stored as 2)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=False),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=False),
        sa.Column(
            "event_json",
            sa.Text(),
            nullable=False,
            comment="the normalised event, deterministic JSON",
        ),
        sa.PrimaryKeyConstraint("source", "source_file", name="pk_lua_events"),
    )
    with op.batch_alter_table("lua_events", schema=None) as batch_op:
        batch_op.create_index("ix_lua_events_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_lua_events_round", ["lua_round_id"], unique=False)

    op.create_table(
        "lua_round_teams",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "match_id",
            sa.Text(),
            nullable=False,
            comment="round end, server clock; never join on it",
        ),
        sa.Column(
            "map_key", sa.Text(), nullable=False, comment="case-folded, whitespace-collapsed map"
        ),
        sa.Column("map_name", sa.Text(), nullable=False, comment="map name as the Lua sent it"),
        sa.Column(
            "round_number", sa.Integer(), nullable=False, comment="1 or 2 (a raw 0 is stored as 2)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=False),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=False),
        sa.Column(
            "actual_duration_seconds",
            sa.Integer(),
            nullable=True,
            comment="Lua playtime, no pauses",
        ),
        sa.Column("total_pause_seconds", sa.Integer(), nullable=True),
        sa.Column("pause_count", sa.Integer(), nullable=True),
        sa.Column(
            "lua_pause_events",
            sa.Text(),
            nullable=False,
            comment='JSON [{"n","start","end","sec"}]',
        ),
        sa.Column(
            "end_reason", sa.Text(), nullable=False, comment="normalised enum, UNKNOWN when absent"
        ),
        sa.Column("end_reason_raw", sa.Text(), nullable=True),
        sa.Column(
            "winner_team", sa.Integer(), nullable=False, comment="0 unknown, 1 Axis, 2 Allies"
        ),
        sa.Column("defender_team", sa.Integer(), nullable=False),
        sa.Column(
            "timelimit_minutes", sa.Float(), nullable=True, comment="float minutes exactly as sent"
        ),
        sa.Column("lua_warmup_seconds", sa.Integer(), nullable=True),
        sa.Column("lua_warmup_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("surrender_team", sa.Integer(), nullable=False),
        sa.Column("surrender_caller_guid", sa.Text(), nullable=True),
        sa.Column("surrender_caller_name", sa.Text(), nullable=True),
        sa.Column("axis_score", sa.Integer(), nullable=True),
        sa.Column("allies_score", sa.Integer(), nullable=True),
        sa.Column("axis_players", sa.Text(), nullable=False, comment='JSON [{"guid","name"}]'),
        sa.Column("allies_players", sa.Text(), nullable=False, comment='JSON [{"guid","name"}]'),
        sa.Column("lua_version", sa.Text(), nullable=True),
        sa.Column(
            "sources", sa.Text(), nullable=False, comment="webhook | gametime | webhook+gametime"
        ),
        sa.Column(
            "event_count", sa.Integer(), nullable=False, comment="distinct deliveries merged"
        ),
        sa.Column(
            "first_seen_at", sa.BigInteger(), nullable=False, comment="earliest arrival, epoch s"
        ),
        sa.Column(
            "last_update_at", sa.BigInteger(), nullable=False, comment="latest arrival, epoch s"
        ),
        sa.Column("spawn_source_file", sa.Text(), nullable=True),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "map_key",
            "round_number",
            "round_start_unix",
            "round_end_unix",
            name="uq_lua_round_teams_identity",
        ),
    )
    with op.batch_alter_table("lua_round_teams", schema=None) as batch_op:
        batch_op.create_index("ix_lua_round_teams_day", ["gaming_day"], unique=False)
        batch_op.create_index(
            "ix_lua_round_teams_end", ["map_key", "round_number", "round_end_unix"], unique=False
        )

    op.create_table(
        "lua_spawn_stats",
        sa.Column("lua_round_id", sa.BigInteger(), nullable=False, comment="= lua_round_teams.id"),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column(
            "map_key", sa.Text(), nullable=False, comment="case-folded, whitespace-collapsed map"
        ),
        sa.Column("map_name", sa.Text(), nullable=False, comment="map name as the Lua sent it"),
        sa.Column(
            "round_number", sa.Integer(), nullable=False, comment="1 or 2 (a raw 0 is stored as 2)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=False),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("spawn_count", sa.Integer(), nullable=False),
        sa.Column("death_count", sa.Integer(), nullable=False),
        sa.Column("dead_seconds", sa.Integer(), nullable=False),
        sa.Column("avg_respawn_seconds", sa.Integer(), nullable=False),
        sa.Column("max_respawn_seconds", sa.Integer(), nullable=False),
        sa.Column(
            "source", sa.Text(), nullable=False, comment="the delivery the spawn figures came from"
        ),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("lua_round_id", "player_guid", name="pk_lua_spawn_stats"),
    )
    with op.batch_alter_table("lua_spawn_stats", schema=None) as batch_op:
        batch_op.create_index("ix_lua_spawn_stats_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_lua_spawn_stats_guid", ["player_guid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lua_spawn_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_lua_spawn_stats_guid")
        batch_op.drop_index("ix_lua_spawn_stats_day")

    op.drop_table("lua_spawn_stats")
    with op.batch_alter_table("lua_round_teams", schema=None) as batch_op:
        batch_op.drop_index("ix_lua_round_teams_end")
        batch_op.drop_index("ix_lua_round_teams_day")

    op.drop_table("lua_round_teams")
    with op.batch_alter_table("lua_events", schema=None) as batch_op:
        batch_op.drop_index("ix_lua_events_round")
        batch_op.drop_index("ix_lua_events_day")

    op.drop_table("lua_events")
