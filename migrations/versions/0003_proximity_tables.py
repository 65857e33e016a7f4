"""proximity tables: combat_engagement, player_track, trade events, support summary, files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "combat_engagement",
        sa.Column("source_file", sa.Text(), nullable=False, comment="landed file name"),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="gaming day of the round end"),
        sa.Column(
            "round_id",
            sa.BigInteger(),
            nullable=True,
            comment="rounds.id of the linked stats round",
        ),
        sa.Column(
            "engagement_id", sa.BigInteger(), nullable=False, comment="tracker id, unique per file"
        ),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("round_key", sa.Text(), nullable=True, comment="rounds.round_key when linked"),
        sa.Column("map_name", sa.Text(), nullable=True, comment="map as the header wrote it"),
        sa.Column(
            "round_number", sa.BigInteger(), nullable=True, comment="resolved round (R2 corrected)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("start_time_ms", sa.BigInteger(), nullable=False, comment="tracker time base"),
        sa.Column("end_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=False),
        sa.Column("target_guid", sa.Text(), nullable=False),
        sa.Column("target_name", sa.Text(), nullable=False),
        sa.Column("target_team", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Text(),
            nullable=False,
            comment="killed | escaped | round_end | timeout ...",
        ),
        sa.Column(
            "death_kind",
            sa.Text(),
            nullable=True,
            comment="enemy_kill | self_kill | team_kill | world",
        ),
        sa.Column(
            "total_damage_taken", sa.BigInteger(), nullable=False, comment="enemy damage only"
        ),
        sa.Column("friendly_fire_damage", sa.BigInteger(), nullable=False),
        sa.Column(
            "damage_is_estimated", sa.Boolean(), nullable=False, comment="tracker's invented 100"
        ),
        sa.Column("killer_guid", sa.Text(), nullable=True),
        sa.Column("killer_name", sa.Text(), nullable=True),
        sa.Column("num_attackers", sa.BigInteger(), nullable=False, comment="enemy attackers"),
        sa.Column("is_crossfire", sa.Boolean(), nullable=False),
        sa.Column("crossfire_delay_ms", sa.BigInteger(), nullable=True),
        sa.Column(
            "crossfire_participants", sa.Text(), nullable=True, comment="JSON array of GUIDs"
        ),
        sa.Column("start_x", sa.Float(), nullable=False),
        sa.Column("start_y", sa.Float(), nullable=False),
        sa.Column("start_z", sa.Float(), nullable=False),
        sa.Column("end_x", sa.Float(), nullable=False),
        sa.Column("end_y", sa.Float(), nullable=False),
        sa.Column("end_z", sa.Float(), nullable=False),
        sa.Column("distance_traveled", sa.Float(), nullable=False),
        sa.Column(
            "position_path", sa.Text(), nullable=False, comment="time,x,y,z,event|... as written"
        ),
        sa.Column("attackers", sa.Text(), nullable=False, comment="JSON array of enemy attackers"),
        sa.Column(
            "friendly_attackers",
            sa.Text(),
            nullable=True,
            comment="JSON array of removed teammates",
        ),
        sa.PrimaryKeyConstraint("source_file", "engagement_id", name="pk_combat_engagement"),
    )
    with op.batch_alter_table("combat_engagement", schema=None) as batch_op:
        batch_op.create_index("ix_combat_engagement_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_combat_engagement_round", ["round_id"], unique=False)
        batch_op.create_index("ix_combat_engagement_target", ["target_guid"], unique=False)

    op.create_table(
        "player_track",
        sa.Column("source_file", sa.Text(), nullable=False, comment="landed file name"),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="gaming day of the round end"),
        sa.Column(
            "round_id",
            sa.BigInteger(),
            nullable=True,
            comment="rounds.id of the linked stats round",
        ),
        sa.Column(
            "source_line", sa.Integer(), nullable=False, comment="one life per PLAYER_TRACKS line"
        ),
        sa.Column("round_key", sa.Text(), nullable=True, comment="rounds.round_key when linked"),
        sa.Column("map_name", sa.Text(), nullable=True, comment="map as the header wrote it"),
        sa.Column(
            "round_number", sa.BigInteger(), nullable=True, comment="resolved round (R2 corrected)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("player_guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("player_class", sa.Text(), nullable=False),
        sa.Column("spawn_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("death_time_ms", sa.BigInteger(), nullable=True),
        sa.Column("death_type", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("first_move_time_ms", sa.BigInteger(), nullable=True),
        sa.Column("time_to_first_move_ms", sa.BigInteger(), nullable=True),
        sa.Column(
            "sample_count", sa.BigInteger(), nullable=False, comment="path points as written"
        ),
        sa.Column("periodic_samples", sa.Integer(), nullable=False, comment="'sample' points only"),
        sa.Column("total_distance", sa.Float(), nullable=False),
        sa.Column("avg_speed", sa.Float(), nullable=True),
        sa.Column("peak_speed", sa.Float(), nullable=False),
        sa.Column("sprint_percentage", sa.Float(), nullable=True, comment="over periodic samples"),
        sa.Column("sprint_sec", sa.Float(), nullable=True),
        sa.Column("stance_standing_sec", sa.Float(), nullable=True),
        sa.Column("stance_crouching_sec", sa.Float(), nullable=True),
        sa.Column("stance_prone_sec", sa.Float(), nullable=True),
        sa.Column(
            "path", sa.Text(), nullable=False, comment="time,x,y,z,health,speed,...|... as written"
        ),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_player_track"),
    )
    with op.batch_alter_table("player_track", schema=None) as batch_op:
        batch_op.create_index("ix_player_track_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_player_track_guid", ["player_guid"], unique=False)
        batch_op.create_index("ix_player_track_round", ["round_id"], unique=False)

    op.create_table(
        "proximity_files",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "day_source", sa.Text(), nullable=False, comment="round_end_unix | filename | mtime"
        ),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column(
            "format_version",
            sa.BigInteger(),
            nullable=False,
            comment="from the magic line (4 if none)",
        ),
        sa.Column("tracker_version_full", sa.Text(), nullable=True),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("map_key", sa.Text(), nullable=False),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("position_sample_interval_ms", sa.BigInteger(), nullable=True),
        sa.Column(
            "header_round_number",
            sa.BigInteger(),
            nullable=True,
            comment="as written (V4: R2 says 1)",
        ),
        sa.Column(
            "resolved_round_number", sa.BigInteger(), nullable=True, comment="stored on every row"
        ),
        sa.Column("round_resolved", sa.Boolean(), nullable=False),
        sa.Column("round_corrected", sa.Boolean(), nullable=False, comment="resolved != header"),
        sa.Column(
            "identity_reason", sa.Text(), nullable=False, comment="domain.round_identity REASON_*"
        ),
        sa.Column(
            "identity_delta_s",
            sa.BigInteger(),
            nullable=True,
            comment="largest start/end difference",
        ),
        sa.Column(
            "identity_sources", sa.Text(), nullable=True, comment="matched candidate tables, ','"
        ),
        sa.Column(
            "identity_candidates",
            sa.Integer(),
            nullable=False,
            comment="same-map candidates compared",
        ),
        sa.Column(
            "round_id",
            sa.BigInteger(),
            nullable=True,
            comment="rounds.id of the linked stats round",
        ),
        sa.Column("round_key", sa.Text(), nullable=True),
        sa.Column(
            "round_link_delta_s", sa.Integer(), nullable=True, comment="|stats file time - end|"
        ),
        sa.Column("engagement_lines", sa.Integer(), nullable=False),
        sa.Column("combat_engagements", sa.Integer(), nullable=False),
        sa.Column("excluded_engagements", sa.Integer(), nullable=False),
        sa.Column("player_tracks", sa.Integer(), nullable=False),
        sa.Column("track_samples", sa.Integer(), nullable=False),
        sa.Column("trade_events", sa.Integer(), nullable=False),
        sa.Column("support_summaries", sa.Integer(), nullable=False),
        sa.Column(
            "sprint_signal", sa.Text(), nullable=False, comment="present | absent | undetermined"
        ),
        sa.Column("broken_lines", sa.Integer(), nullable=False),
        sa.Column("broken_line_details", sa.Text(), nullable=True, comment="line:reason; ..."),
        sa.Column("ignored_sections", sa.Text(), nullable=True, comment="name(rows); ..."),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("source_file", name="pk_proximity_files"),
    )
    with op.batch_alter_table("proximity_files", schema=None) as batch_op:
        batch_op.create_index("ix_proximity_files_day", ["gaming_day"], unique=False)
        batch_op.create_index(
            "ix_proximity_files_round",
            ["map_key", "resolved_round_number", "round_end_unix"],
            unique=False,
        )

    op.create_table(
        "proximity_support_summary",
        sa.Column("source_file", sa.Text(), nullable=False, comment="landed file name"),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="gaming day of the round end"),
        sa.Column(
            "round_id",
            sa.BigInteger(),
            nullable=True,
            comment="rounds.id of the linked stats round",
        ),
        sa.Column("round_key", sa.Text(), nullable=True, comment="rounds.round_key when linked"),
        sa.Column("map_name", sa.Text(), nullable=True, comment="map as the header wrote it"),
        sa.Column(
            "round_number", sa.BigInteger(), nullable=True, comment="resolved round (R2 corrected)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("support_samples", sa.Integer(), nullable=False),
        sa.Column("total_samples", sa.Integer(), nullable=False),
        sa.Column("support_uptime_pct", sa.Float(), nullable=True),
        sa.Column("support_dist", sa.Float(), nullable=False),
        sa.Column("combat_recent_ms", sa.Integer(), nullable=False),
        sa.Column("pos_delta_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source_file", name="pk_proximity_support_summary"),
    )
    with op.batch_alter_table("proximity_support_summary", schema=None) as batch_op:
        batch_op.create_index("ix_proximity_support_summary_day", ["gaming_day"], unique=False)

    op.create_table(
        "proximity_trade_event",
        sa.Column("source_file", sa.Text(), nullable=False, comment="landed file name"),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False, comment="gaming day of the round end"),
        sa.Column(
            "round_id",
            sa.BigInteger(),
            nullable=True,
            comment="rounds.id of the linked stats round",
        ),
        sa.Column(
            "engagement_id", sa.BigInteger(), nullable=False, comment="the killing engagement"
        ),
        sa.Column("round_key", sa.Text(), nullable=True, comment="rounds.round_key when linked"),
        sa.Column("map_name", sa.Text(), nullable=True, comment="map as the header wrote it"),
        sa.Column(
            "round_number", sa.BigInteger(), nullable=True, comment="resolved round (R2 corrected)"
        ),
        sa.Column("round_start_unix", sa.BigInteger(), nullable=True),
        sa.Column("round_end_unix", sa.BigInteger(), nullable=True),
        sa.Column("victim_guid", sa.Text(), nullable=False),
        sa.Column("victim_name", sa.Text(), nullable=False),
        sa.Column("victim_team", sa.Text(), nullable=False),
        sa.Column("killer_guid", sa.Text(), nullable=True),
        sa.Column("killer_name", sa.Text(), nullable=True),
        sa.Column("death_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("trade_window_ms", sa.Integer(), nullable=False),
        sa.Column("opportunity_count", sa.Integer(), nullable=False),
        sa.Column("opportunities", sa.Text(), nullable=False, comment="JSON array"),
        sa.Column("attempt_count", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Text(), nullable=False, comment="JSON array"),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("successes", sa.Text(), nullable=False, comment="JSON array"),
        sa.Column("missed_count", sa.Integer(), nullable=False),
        sa.Column("missed_candidates", sa.Text(), nullable=False, comment="JSON array"),
        sa.Column("nearest_teammate_dist", sa.Float(), nullable=True),
        sa.Column("is_isolation_death", sa.Boolean(), nullable=False),
        sa.Column("is_traded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("source_file", "engagement_id", name="pk_proximity_trade_event"),
    )
    with op.batch_alter_table("proximity_trade_event", schema=None) as batch_op:
        batch_op.create_index("ix_proximity_trade_event_day", ["gaming_day"], unique=False)
        batch_op.create_index("ix_proximity_trade_event_round", ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proximity_trade_event", schema=None) as batch_op:
        batch_op.drop_index("ix_proximity_trade_event_round")
        batch_op.drop_index("ix_proximity_trade_event_day")

    op.drop_table("proximity_trade_event")
    with op.batch_alter_table("proximity_support_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_proximity_support_summary_day")

    op.drop_table("proximity_support_summary")
    with op.batch_alter_table("proximity_files", schema=None) as batch_op:
        batch_op.drop_index("ix_proximity_files_round")
        batch_op.drop_index("ix_proximity_files_day")

    op.drop_table("proximity_files")
    with op.batch_alter_table("player_track", schema=None) as batch_op:
        batch_op.drop_index("ix_player_track_round")
        batch_op.drop_index("ix_player_track_guid")
        batch_op.drop_index("ix_player_track_day")

    op.drop_table("player_track")
    with op.batch_alter_table("combat_engagement", schema=None) as batch_op:
        batch_op.drop_index("ix_combat_engagement_target")
        batch_op.drop_index("ix_combat_engagement_round")
        batch_op.drop_index("ix_combat_engagement_day")

    op.drop_table("combat_engagement")
